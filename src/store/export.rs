//! A request as a curl command that sends exactly the saved bytes.

/// Quotes `bytes` for a POSIX shell: plain single quotes when that is exact, bash/zsh
/// `$'...'` when the bytes hold control characters or are not UTF-8 (single quotes
/// cannot carry those through a copy and paste intact).
pub fn shell_quote(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(text) if !text.chars().any(char::is_control) => {
            if !text.is_empty()
                && text
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_./:=@%+,".contains(&b))
            {
                return text.to_string();
            }
            format!("'{}'", text.replace('\'', r"'\''"))
        }
        _ => ansi_c_quote(bytes),
    }
}

fn ansi_c_quote(bytes: &[u8]) -> String {
    let mut out = String::from("$'");
    let mut rest = bytes;
    while !rest.is_empty() {
        let (valid, bad) = match std::str::from_utf8(rest) {
            Ok(s) => (s, &[][..]),
            Err(e) => {
                let (v, b) = rest.split_at(e.valid_up_to());
                (std::str::from_utf8(v).unwrap_or_default(), b)
            }
        };
        for c in valid.chars() {
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
        match bad.first() {
            Some(b) => {
                out.push_str(&format!("\\x{b:02x}"));
                rest = &bad[1..];
            }
            None => rest = &[],
        }
    }
    out.push('\'');
    out
}

/// `curl -X METHOD URL -H ... --data-binary BODY`, one option per line. The body goes
/// through `--data-binary` so curl sends it untouched (`-d` would strip newlines from a
/// file and is not used). `--globoff --path-as-is` keep curl from expanding `[]{}` or
/// resolving `/../` in the signed URL.
pub fn to_curl(method: &str, url: &str, headers: &[(String, String)], body: &[u8]) -> String {
    let mut parts = vec![
        format!(
            "curl --globoff --path-as-is -X {}",
            shell_quote(method.as_bytes())
        ),
        shell_quote(url.as_bytes()),
    ];
    for (k, v) in headers {
        parts.push(format!(
            "-H {}",
            shell_quote(format!("{k}: {v}").as_bytes())
        ));
    }
    if body.contains(&0) {
        // No command-line argument can hold a NUL byte: feed the body on stdin instead.
        parts.push("--data-binary @-".to_string());
        return format!("{} |\n{}", printf_octal(body), parts.join(" \\\n  "));
    }
    if !body.is_empty() {
        parts.push(format!("--data-binary {}", shell_quote(body)));
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

/// The bytes for a terminal: text as is, except tabs, CRs and other control characters
/// shown as `\t`, `\r`, `\xNN` so nothing invisible hides; a newline is shown as `\n`
/// and then broken.
pub fn visible_bytes(bytes: &[u8]) -> String {
    let mut out = String::new();
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '\n' => out.push_str("\\n\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                c if c.is_control() => out.push_str(&format!("\\x{:02x}", c as u32)),
                c => out.push(c),
            }
        }
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02x}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting() {
        assert_eq!(shell_quote(b"GET"), "GET");
        assert_eq!(shell_quote(b"a b"), "'a b'");
        assert_eq!(shell_quote(b"it's"), r"'it'\''s'");
        assert_eq!(shell_quote(b"a\r\n\tb"), r"$'a\r\n\tb'");
        assert_eq!(shell_quote(&[0xff, b'\'']), r"$'\xff\''");
        assert_eq!(shell_quote("é\n".as_bytes()), "$'é\\n'");
        assert_eq!(shell_quote(b""), "''");
        assert_eq!(visible_bytes(b"a\tb\r\n\xff"), "a\\tb\\r\\n\n\\xff");
    }
}
