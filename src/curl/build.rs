//! The one shell quoter, and a request as a curl command that sends exactly its bytes.

use std::path::Path;

/// Quotes `bytes` for a POSIX shell. Plain words (letters, digits, `-_./:=@%+,`) stay
/// bare; UTF-8 text goes in single quotes, which keep every byte (control characters
/// included) in any POSIX shell, `sh` and dash too; `'` becomes `'\''`. Bytes that are not
/// UTF-8 take bash/zsh `$'...'` (the only form that shows them on a terminal); a body
/// never needs that, as [`to_curl`] sends such a body through `printf` instead.
pub fn shell_quote(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(text) => {
            if !text.is_empty()
                && text
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_./:=@%+,".contains(&b))
            {
                return text.to_string();
            }
            format!("'{}'", text.replace('\'', r"'\''"))
        }
        Err(_) => ansi_c_quote(bytes),
    }
}

fn ansi_c_quote(bytes: &[u8]) -> String {
    let mut out = String::from("$'");
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '\\' => out.push_str(r"\\"),
                '\'' => out.push_str(r"\'"),
                '\n' => out.push_str(r"\n"),
                '\r' => out.push_str(r"\r"),
                '\t' => out.push_str(r"\t"),
                c if c.is_control() => {
                    let mut buf = [0u8; 4];
                    for b in c.encode_utf8(&mut buf).bytes() {
                        out.push_str(&format!("\\x{b:02x}"));
                    }
                }
                c => out.push(c),
            }
        }
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02x}"));
        }
    }
    out.push('\'');
    out
}

/// Where the body of a curl command comes from.
#[derive(Debug, Clone, Copy)]
pub enum CurlBody<'a> {
    /// No body (an empty one counts as none).
    None,
    /// `--data-binary @FILE`: curl sends the file untouched.
    File(&'a Path),
    /// The bytes themselves, on the command line or, when no argument can carry them
    /// (a NUL, or not UTF-8), through `printf` on stdin.
    Inline(&'a [u8]),
}

/// `curl --globoff --path-as-is -X METHOD URL -H ... BODY`, one option per line, sending
/// exactly `body` (with `Content-Type: application/json` unless `headers` set one). `--globoff --path-as-is` keep curl from expanding `[]{}` or resolving
/// `/../` in the signed URL. A file goes through `--data-binary @FILE` (`-d @FILE` would
/// strip its newlines); inline bytes through `--data-raw`, which sends them as given and,
/// unlike `--data-binary`, never reads a body starting with `@` as a file name.
pub fn to_curl(
    method: &str,
    url: &str,
    headers: &[(String, String)],
    body: CurlBody<'_>,
) -> String {
    let mut parts = vec![
        format!(
            "curl --globoff --path-as-is -X {}",
            shell_quote(method.as_bytes())
        ),
        shell_quote(url.as_bytes()),
    ];
    for (k, v) in headers {
        // `-H 'k:'` would tell curl to drop the header; `-H 'k;'` sends it empty. Blank
        // means spaces and tabs only, as curl reads it: a value of U+00A0 is sent.
        let line = if v.trim_matches([' ', '\t']).is_empty() {
            format!("{k};")
        } else {
            format!("{k}: {v}")
        };
        parts.push(format!("-H {}", shell_quote(line.as_bytes())));
    }
    // curl would label a body form-urlencoded; the API takes JSON (the header is not signed).
    let has_body = !matches!(body, CurlBody::None | CurlBody::Inline([]));
    if has_body
        && !headers
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case("content-type"))
    {
        parts.push(format!(
            "-H {}",
            shell_quote(b"Content-Type: application/json")
        ));
    }
    match body {
        CurlBody::None | CurlBody::Inline([]) => {}
        CurlBody::File(path) => {
            let mut arg = b"@".to_vec();
            arg.extend_from_slice(path.as_os_str().as_encoded_bytes());
            parts.push(format!("--data-binary {}", shell_quote(&arg)));
        }
        CurlBody::Inline(bytes) if bytes.contains(&0) || std::str::from_utf8(bytes).is_err() => {
            // No command-line argument can hold a NUL byte, and `$'...'` for other bytes
            // is not POSIX: feed the body on stdin instead.
            parts.push("--data-binary @-".to_string());
            return format!("{} |\n{}", printf_octal(bytes), parts.join(" \\\n  "));
        }
        CurlBody::Inline(bytes) => parts.push(format!("--data-raw {}", shell_quote(bytes))),
    }
    parts.join(" \\\n  ")
}

/// `printf '%b' '...'` producing `bytes` exactly in any POSIX shell (octal escapes).
fn printf_octal(bytes: &[u8]) -> String {
    let mut arg = String::new();
    for &b in bytes {
        match b {
            b'\\' => arg.push_str("\\\\"),
            b'\'' => arg.push_str("'\\''"),
            0x20..=0x7e => arg.push(b as char),
            _ => arg.push_str(&format!("\\0{b:03o}")),
        }
    }
    format!("printf '%b' '{arg}'")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting() {
        assert_eq!(shell_quote(b"GET"), "GET");
        assert_eq!(shell_quote(b"a b"), "'a b'");
        assert_eq!(shell_quote(b"it's"), r"'it'\''s'");
        assert_eq!(shell_quote(b"a\r\n\tb"), "'a\r\n\tb'");
        assert_eq!(shell_quote(&[0xff, b'\'']), r"$'\xff\''");
        assert_eq!(shell_quote("é\n".as_bytes()), "'é\n'");
        assert_eq!(shell_quote(b"$HOME"), "'$HOME'");
        assert_eq!(shell_quote(b"\xe9\n"), r"$'\xe9\n'");
        assert_eq!(shell_quote(b""), "''");
    }

    #[test]
    fn curl_bodies() {
        let h = [("x-api-key".to_string(), "K".to_string())];
        assert_eq!(
            to_curl("GET", "https://h/a?x=[1]", &h, CurlBody::Inline(b"")),
            "curl --globoff --path-as-is -X GET \\\n  'https://h/a?x=[1]' \\\n  -H 'x-api-key: K'"
        );
        // curl drops `-H 'k:'`; `-H 'k;'` sends the header empty.
        let empty = [("x-empty".to_string(), String::new())];
        assert!(to_curl("GET", "u", &empty, CurlBody::None).ends_with("-H 'x-empty;'"));
        let file = to_curl("POST", "u", &[], CurlBody::File(Path::new("b c.json")));
        assert!(file.ends_with("--data-binary '@b c.json'"), "{file}");
        let raw = to_curl("POST", "u", &[], CurlBody::Inline(b"@{}\n"));
        assert!(raw.ends_with("--data-raw '@{}\n'"), "{raw}");
        for odd in [&b"a\0b"[..], b"\xff"] {
            let piped = to_curl("POST", "u", &[], CurlBody::Inline(odd));
            assert!(piped.starts_with("printf '%b' '"), "{piped}");
            assert!(piped.ends_with("--data-binary @-"), "{piped}");
        }
    }
}
