//! Reads a curl command line the way a POSIX shell and curl would: the URL, the headers
//! and the body curl sends. Pure: a body in a file is returned as a path to read.

/// Where curl takes the body from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CurlBody {
    Inline(Vec<u8>),
    /// `@FILE`. `strip_newlines` is true for `-d`/`--data`, which drop CR and LF from the
    /// file; `--data-binary` sends it untouched.
    File {
        path: String,
        strip_newlines: bool,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CurlRequest {
    /// `-X`, or what curl implies (POST with a body, else GET).
    pub method: String,
    pub url: String,
    /// In order, as `(name, value)`; the value as the server receives it (leading blanks
    /// after the colon removed, nothing else).
    pub headers: Vec<(String, String)>,
    /// Every `-d`-like argument in order; curl joins them with `&`.
    pub body: Vec<CurlBody>,
}

impl CurlRequest {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CurlError {
    #[error("the curl command has an unterminated {0} quote; paste the whole command")]
    Unterminated(&'static str),
    #[error("that is not a curl command (it should start with `curl`)")]
    NotCurl,
    #[error("the curl command has no URL")]
    NoUrl,
    #[error("curl option {0} needs a value")]
    MissingValue(String),
    #[error("the curl command reads the body from stdin ({0}); save it to a file and use @FILE")]
    Stdin(String),
}

/// Splits a command line like a POSIX shell: quotes, backslashes, `$'…'` and line
/// continuations. No expansion of `$VAR` or globs.
pub fn shell_words(line: &str) -> Result<Vec<String>, CurlError> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('\n') => {}
                Some('\r') if chars.peek() == Some(&'\n') => {
                    chars.next();
                }
                Some(n) => {
                    cur.push(n);
                    in_word = true;
                }
                None => {}
            },
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(ch) => cur.push(ch),
                        None => return Err(CurlError::Unterminated("single")),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(n @ ('"' | '\\' | '$' | '`')) => cur.push(n),
                            Some('\n') => {}
                            Some(n) => {
                                cur.push('\\');
                                cur.push(n);
                            }
                            None => return Err(CurlError::Unterminated("double")),
                        },
                        Some(ch) => cur.push(ch),
                        None => return Err(CurlError::Unterminated("double")),
                    }
                }
            }
            '$' if chars.peek() == Some(&'\'') => {
                chars.next();
                in_word = true;
                ansi_c(&mut chars, &mut cur)?;
            }
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            c => {
                cur.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        words.push(cur);
    }
    Ok(words)
}

/// `$'…'`: bash's ANSI-C quoting, as browsers' "copy as cURL" writes it.
fn ansi_c(
    chars: &mut std::iter::Peekable<std::str::Chars<'_>>,
    cur: &mut String,
) -> Result<(), CurlError> {
    loop {
        match chars.next() {
            Some('\'') => return Ok(()),
            Some('\\') => {
                let Some(e) = chars.next() else {
                    return Err(CurlError::Unterminated("$'"));
                };
                match e {
                    'n' => cur.push('\n'),
                    't' => cur.push('\t'),
                    'r' => cur.push('\r'),
                    'a' => cur.push('\x07'),
                    'b' => cur.push('\x08'),
                    'e' | 'E' => cur.push('\x1b'),
                    'f' => cur.push('\x0c'),
                    'v' => cur.push('\x0b'),
                    'x' => cur.push(read_hex(chars, 2)),
                    'u' => cur.push(read_hex(chars, 4)),
                    'U' => cur.push(read_hex(chars, 8)),
                    '0'..='7' => {
                        let mut v = e.to_digit(8).unwrap_or(0);
                        for _ in 0..2 {
                            match chars.peek().and_then(|c| c.to_digit(8)) {
                                Some(d) => {
                                    v = v * 8 + d;
                                    chars.next();
                                }
                                None => break,
                            }
                        }
                        cur.push(char::from_u32(v).unwrap_or('\u{fffd}'));
                    }
                    other => cur.push(other),
                }
            }
            Some(c) => cur.push(c),
            None => return Err(CurlError::Unterminated("$'")),
        }
    }
}

fn read_hex(chars: &mut std::iter::Peekable<std::str::Chars<'_>>, max: usize) -> char {
    let mut v = 0u32;
    for _ in 0..max {
        match chars.peek().and_then(|c| c.to_digit(16)) {
            Some(d) => {
                v = v * 16 + d;
                chars.next();
            }
            None => break,
        }
    }
    char::from_u32(v).unwrap_or('\u{fffd}')
}

/// Options that take a value but do not matter here.
const SKIP_WITH_VALUE: &[&str] = &[
    "-o",
    "--output",
    "-u",
    "--user",
    "-e",
    "--referer",
    "-b",
    "--cookie",
    "-c",
    "--cookie-jar",
    "-m",
    "--max-time",
    "--connect-timeout",
    "-x",
    "--proxy",
    "--cacert",
    "--cert",
    "--key",
    "-w",
    "--write-out",
    "--resolve",
    "--connect-to",
    "-r",
    "--range",
    "--retry",
    "-F",
    "--form",
    "-E",
    "-K",
    "--config",
    "--limit-rate",
    "--max-redirs",
    "--proto",
    "--interface",
];

pub fn parse_curl(command: &str) -> Result<CurlRequest, CurlError> {
    let words = shell_words(command)?;
    let mut it = words.into_iter().skip_while(|w| w == "$");
    match it.next() {
        Some(first) if first == "curl" || first.ends_with("/curl") || first == "curl.exe" => {}
        _ => return Err(CurlError::NotCurl),
    }
    let mut req = CurlRequest::default();
    let mut method = None;
    let mut url = None;
    let mut upload = None;
    let mut args = it.peekable();
    while let Some(arg) = args.next() {
        let mut value = |name: &str, attached: Option<&str>| -> Result<String, CurlError> {
            match attached {
                Some(v) if !v.is_empty() => Ok(v.to_string()),
                _ => args
                    .next()
                    .ok_or_else(|| CurlError::MissingValue(name.to_string())),
            }
        };
        let (name, attached) = split_short(&arg);
        match name {
            "-X" | "--request" => method = Some(value(name, attached)?),
            "-H" | "--header" => {
                let h = value(name, attached)?;
                if let Some((n, v)) = h.split_once(':') {
                    let v = v.trim_start_matches([' ', '\t']);
                    req.headers.push((n.trim().to_string(), v.to_string()));
                }
            }
            "-A" | "--user-agent" => req
                .headers
                .push(("User-Agent".into(), value(name, attached)?)),
            "-d" | "--data" | "--data-ascii" => req.body.push(data(value(name, attached)?, true)?),
            "--data-binary" => req.body.push(data(value(name, attached)?, false)?),
            "--data-raw" => req
                .body
                .push(CurlBody::Inline(value(name, attached)?.into_bytes())),
            "--data-urlencode" | "--json" => req
                .body
                .push(CurlBody::Inline(value(name, attached)?.into_bytes())),
            "-T" | "--upload-file" => upload = Some(value(name, attached)?),
            "--url" => url = Some(value(name, attached)?),
            n if SKIP_WITH_VALUE.contains(&n) => {
                value(n, attached)?;
            }
            n if n.starts_with('-') && n.len() > 1 => {}
            _ => url = url.or(Some(arg.clone())),
        }
    }
    if let Some(path) = upload {
        if path == "-" || path == "." {
            return Err(CurlError::Stdin(format!("-T {path}")));
        }
        req.body.push(CurlBody::File {
            path,
            strip_newlines: false,
        });
        method = method.or(Some("PUT".into()));
    }
    req.url = url.ok_or(CurlError::NoUrl)?;
    req.method = method.unwrap_or_else(|| {
        if req.body.is_empty() {
            "GET".into()
        } else {
            "POST".into()
        }
    });
    Ok(req)
}

/// `-XPOST` → (`-X`, `POST`); long options and clusters of flags come back whole.
fn split_short(arg: &str) -> (&str, Option<&str>) {
    for opt in [
        "-X", "-H", "-d", "-A", "-T", "-o", "-u", "-m", "-x", "-w", "-b", "-e", "-F",
    ] {
        if let Some(rest) = arg.strip_prefix(opt)
            && !arg.starts_with("--")
        {
            return (opt, Some(rest));
        }
    }
    (arg, None)
}

fn data(v: String, strip_newlines: bool) -> Result<CurlBody, CurlError> {
    match v.strip_prefix('@') {
        Some("-") => Err(CurlError::Stdin(v.clone())),
        Some(path) => Ok(CurlBody::File {
            path: path.to_string(),
            strip_newlines,
        }),
        None => Ok(CurlBody::Inline(v.into_bytes())),
    }
}

/// The body curl sends, given a way to read files: parts joined with `&`, and CR/LF
/// dropped from files read by `-d @FILE`.
pub fn body_bytes(
    parts: &[CurlBody],
    mut read: impl FnMut(&str) -> std::io::Result<Vec<u8>>,
) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::new();
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            out.push(b'&');
        }
        match part {
            CurlBody::Inline(b) => out.extend_from_slice(b),
            CurlBody::File {
                path,
                strip_newlines,
            } => {
                let bytes = read(path)?;
                if *strip_newlines {
                    out.extend(bytes.into_iter().filter(|b| *b != b'\n' && *b != b'\r'));
                } else {
                    out.extend_from_slice(&bytes);
                }
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_like_a_shell() {
        let w = shell_words("curl -H 'a: b c' \"x\\\"y\" $'t\\tn\\n' z\\ w \\\n  end").unwrap();
        assert_eq!(
            w,
            vec!["curl", "-H", "a: b c", "x\"y", "t\tn\n", "z w", "end"]
        );
        assert_eq!(
            shell_words("curl 'open").unwrap_err(),
            CurlError::Unterminated("single")
        );
    }

    #[test]
    fn reads_xsign_sign_curl_output() {
        let cmd = "curl --globoff --path-as-is -X POST 'http://localhost:8001/api/v1/p/company' -H 'x-api-key: KEY' -H 'x-timestamp: 1700000000' -H 'x-sign: abc-_' -H 'Content-Type: application/json' --data-raw '{\"a\":\n\t1}'";
        let r = parse_curl(cmd).unwrap();
        assert_eq!(r.method, "POST");
        assert_eq!(r.url, "http://localhost:8001/api/v1/p/company");
        assert_eq!(r.header("X-API-KEY"), Some("KEY"));
        assert_eq!(r.header("x-timestamp"), Some("1700000000"));
        assert_eq!(r.body, vec![CurlBody::Inline(b"{\"a\":\n\t1}".to_vec())]);
    }

    #[test]
    fn implies_the_method_and_keeps_file_semantics() {
        let r = parse_curl("curl -sS https://h/api/v1/p/x -d @body.json").unwrap();
        assert_eq!(r.method, "POST");
        assert_eq!(
            r.body,
            vec![CurlBody::File {
                path: "body.json".into(),
                strip_newlines: true
            }]
        );
        let bytes = body_bytes(&r.body, |_| Ok(b"{\n\"a\":1}\r\n".to_vec())).unwrap();
        assert_eq!(bytes, b"{\"a\":1}");
        let r = parse_curl("curl -XPUT --url https://h/x --data-binary @b").unwrap();
        assert_eq!(r.method, "PUT");
        assert_eq!(
            body_bytes(&r.body, |_| Ok(b"x\n".to_vec())).unwrap(),
            b"x\n"
        );
        assert_eq!(parse_curl("curl https://h/x").unwrap().method, "GET");
        assert_eq!(
            parse_curl("wget https://h").unwrap_err(),
            CurlError::NotCurl
        );
        assert_eq!(parse_curl("curl -s").unwrap_err(), CurlError::NoUrl);
        assert!(matches!(
            parse_curl("curl https://h -d @-").unwrap_err(),
            CurlError::Stdin(_)
        ));
    }

    #[test]
    fn keeps_whitespace_inside_header_values() {
        let r = parse_curl("curl https://h -H $'x-api-key: abc\\n'").unwrap();
        assert_eq!(r.header("x-api-key"), Some("abc\n"));
    }
}
