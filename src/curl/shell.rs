//! Splitting a pasted command line into words the way a POSIX shell does (plus bash's
//! `$'...'`, which browsers' "copy as cURL" emits). Words are bytes: `$'\xff'` is legal.
//! A pipeline splits into its commands, so `printf ... | curl ... @-` can be read whole.

/// Why a command line cannot be split.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShellError {
    #[error("unterminated {0} quote: the pasted command is cut short; copy it again whole")]
    Unterminated(&'static str),
    #[error("the command ends with a lone backslash")]
    TrailingBackslash,
}

/// The words of `line`'s first command, and notes on what a shell would have done
/// differently (variables not expanded, a pipe or `;` where parsing stopped).
pub fn split(line: &str) -> Result<(Words, Vec<String>), ShellError> {
    let (mut commands, mut notes) = split_pipeline(line)?;
    if commands.len() > 1 {
        notes.push(stopped_at('|'));
    }
    let first = if commands.is_empty() {
        Vec::new()
    } else {
        commands.swap_remove(0)
    };
    notes.dedup();
    Ok((first, notes))
}

/// The note for an operator where reading stopped.
pub(super) fn stopped_at(op: char) -> String {
    format!("stopped reading at `{op}`: only the curl command itself is imported")
}

/// One command's words, as bytes.
pub type Words = Vec<Vec<u8>>;

/// The commands of a pipeline (`a | b | c`), each as its words. Reading stops at `;`,
/// `&`, `||`, a redirection or a comment, with a note.
pub fn split_pipeline(line: &str) -> Result<(Vec<Words>, Vec<String>), ShellError> {
    let mut commands = Vec::new();
    let mut words = Vec::new();
    let mut notes = Vec::new();
    let mut cur: Option<Vec<u8>> = None;
    let mut chars = line.chars().peekable();
    let push =
        |cur: &mut Option<Vec<u8>>, s: &[u8]| cur.get_or_insert_with(Vec::new).extend_from_slice(s);
    let utf8 = |c: char| c.to_string().into_bytes();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' | '\n' | '\r' => {
                if let Some(w) = cur.take() {
                    words.push(w);
                }
            }
            '\\' => match chars.next() {
                Some('\n') => {}
                Some('\r') if chars.peek() == Some(&'\n') => {
                    chars.next();
                }
                Some(n) => push(&mut cur, &utf8(n)),
                None => return Err(ShellError::TrailingBackslash),
            },
            '\'' => {
                let mut s = String::new();
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(ch) => s.push(ch),
                        None => return Err(ShellError::Unterminated("single")),
                    }
                }
                push(&mut cur, s.as_bytes());
            }
            '"' => {
                let s = double_quoted(&mut chars, &mut notes)?;
                push(&mut cur, s.as_bytes());
            }
            '$' if chars.peek() == Some(&'\'') => {
                chars.next();
                let b = ansi_c(&mut chars)?;
                push(&mut cur, &b);
            }
            '$' if chars.peek() == Some(&'"') => {
                chars.next();
                let s = double_quoted(&mut chars, &mut notes)?;
                push(&mut cur, s.as_bytes());
            }
            '$' => {
                if chars
                    .peek()
                    .is_some_and(|n| n.is_ascii_alphabetic() || *n == '{' || *n == '_')
                {
                    notes.push("the command uses a shell variable ($...); it was kept as text, not expanded".into());
                }
                push(&mut cur, b"$");
            }
            '#' if cur.is_none() => {
                for ch in chars.by_ref() {
                    if ch == '\n' {
                        break;
                    }
                }
            }
            '|' if chars.peek() != Some(&'|') => {
                words.extend(cur.take());
                commands.push(std::mem::take(&mut words));
            }
            '|' | ';' | '&' | '>' | '<' => {
                notes.push(stopped_at(c));
                break;
            }
            other => push(&mut cur, &utf8(other)),
        }
    }
    words.extend(cur.take());
    if !words.is_empty() || !commands.is_empty() {
        commands.push(words);
    }
    notes.dedup();
    Ok((commands, notes))
}

/// What `printf '%b' ARG` or `printf '%s' ARG` writes (as `to_curl` pipes a body that no
/// argument can carry); `None` for any other command.
pub(super) fn printf_output(words: &[Vec<u8>]) -> Option<Vec<u8>> {
    match words {
        [cmd, format, arg] if cmd == b"printf" && format == b"%b" => Some(percent_b(arg)),
        [cmd, format, arg] if cmd == b"printf" && format == b"%s" => Some(arg.clone()),
        _ => None,
    }
}

/// printf's `%b`: backslash escapes, `\0NNN` octal (up to three digits after the 0).
fn percent_b(arg: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(arg.len());
    let mut i = 0;
    while i < arg.len() {
        let b = arg[i];
        i += 1;
        if b != b'\\' || i == arg.len() {
            out.push(b);
            continue;
        }
        let e = arg[i];
        i += 1;
        match e {
            b'\\' => out.push(b'\\'),
            b'a' => out.push(0x07),
            b'b' => out.push(0x08),
            b'f' => out.push(0x0c),
            b'n' => out.push(b'\n'),
            b'r' => out.push(b'\r'),
            b't' => out.push(b'\t'),
            b'v' => out.push(0x0b),
            b'c' => return out,
            b'0' => {
                let mut v: u32 = 0;
                for _ in 0..3 {
                    match arg.get(i) {
                        Some(d @ b'0'..=b'7') => {
                            v = v * 8 + u32::from(d - b'0');
                            i += 1;
                        }
                        _ => break,
                    }
                }
                out.push((v & 0xff) as u8);
            }
            other => out.extend_from_slice(&[b'\\', other]),
        }
    }
    out
}

fn double_quoted(
    chars: &mut std::iter::Peekable<std::str::Chars<'_>>,
    notes: &mut Vec<String>,
) -> Result<String, ShellError> {
    let mut s = String::new();
    loop {
        match chars.next() {
            Some('"') => return Ok(s),
            Some('\\') => match chars.next() {
                Some(n @ ('$' | '`' | '"' | '\\')) => s.push(n),
                Some('\n') => {}
                Some(n) => {
                    s.push('\\');
                    s.push(n);
                }
                None => return Err(ShellError::Unterminated("double")),
            },
            Some('$') => {
                if chars
                    .peek()
                    .is_some_and(|n| n.is_ascii_alphabetic() || *n == '{' || *n == '(')
                {
                    notes.push("the command uses a shell variable ($...); it was kept as text, not expanded".into());
                }
                s.push('$');
            }
            Some(ch) => s.push(ch),
            None => return Err(ShellError::Unterminated("double")),
        }
    }
}

/// bash `$'...'`: backslash escapes, `\xHH` and octal give raw bytes.
fn ansi_c(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) -> Result<Vec<u8>, ShellError> {
    let mut out = Vec::new();
    loop {
        let c = chars.next().ok_or(ShellError::Unterminated("$'...'"))?;
        match c {
            '\'' => return Ok(out),
            '\\' => {
                let e = chars.next().ok_or(ShellError::Unterminated("$'...'"))?;
                match e {
                    'n' => out.push(b'\n'),
                    't' => out.push(b'\t'),
                    'r' => out.push(b'\r'),
                    'a' => out.push(0x07),
                    'b' => out.push(0x08),
                    'e' | 'E' => out.push(0x1b),
                    'f' => out.push(0x0c),
                    'v' => out.push(0x0b),
                    '\\' | '\'' | '"' | '?' => out.push(e as u8),
                    'x' => {
                        let v = take_digits(chars, 16, 2);
                        match v {
                            Some(v) => out.push(v as u8),
                            None => out.extend_from_slice(b"\\x"),
                        }
                    }
                    'u' | 'U' => {
                        let max = if e == 'u' { 4 } else { 8 };
                        match take_digits(chars, 16, max).and_then(char::from_u32) {
                            Some(ch) => out.extend_from_slice(ch.to_string().as_bytes()),
                            None => {
                                out.push(b'\\');
                                out.push(e as u8);
                            }
                        }
                    }
                    'c' => {
                        let ch = chars.next().ok_or(ShellError::Unterminated("$'...'"))?;
                        out.push((ch as u32 & 0x1f) as u8);
                    }
                    '0'..='7' => {
                        let mut v = e.to_digit(8).unwrap_or(0);
                        for _ in 0..2 {
                            match chars.peek().and_then(|d| d.to_digit(8)) {
                                Some(d) => {
                                    v = v * 8 + d;
                                    chars.next();
                                }
                                None => break,
                            }
                        }
                        out.push(v as u8);
                    }
                    other => {
                        out.push(b'\\');
                        out.extend_from_slice(other.to_string().as_bytes());
                    }
                }
            }
            other => out.extend_from_slice(other.to_string().as_bytes()),
        }
    }
}

fn take_digits(
    chars: &mut std::iter::Peekable<std::str::Chars<'_>>,
    radix: u32,
    max: usize,
) -> Option<u32> {
    let mut v = None;
    for _ in 0..max {
        match chars.peek().and_then(|d| d.to_digit(radix)) {
            Some(d) => {
                v = Some(v.unwrap_or(0) * radix + d);
                chars.next();
            }
            None => break,
        }
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(line: &str) -> Vec<Vec<u8>> {
        split(line).unwrap().0
    }

    #[test]
    fn posix_quoting() {
        assert_eq!(
            words("a  'b c' \"d\\\"e\" f\\ g"),
            [&b"a"[..], b"b c", b"d\"e", b"f g"]
        );
        assert_eq!(words("a\\\n  b"), [&b"a"[..], b"b"]);
        assert_eq!(words("'it'\\''s'"), [b"it's"]);
        assert_eq!(words(r#""a\nb\$""#), [br"a\nb$"]);
        assert_eq!(words("x''"), [b"x"]);
        assert_eq!(words("''"), [b""]);
    }

    #[test]
    fn ansi_c_quoting_gives_raw_bytes() {
        assert_eq!(
            words(r"$'a\r\n\t\x41\xff\101\u00e9\''"),
            [b"a\r\n\tA\xffA\xc3\xa9'".to_vec()]
        );
        assert_eq!(
            words(r"$'\U0001F600\u20ac\0\7x\cA\e\q'"),
            [b"\xf0\x9f\x98\x80\xe2\x82\xac\0\x07x\x01\x1b\\q".to_vec()]
        );
        assert_eq!(words("a\\\r\n b"), [&b"a"[..], b"b"]);
    }

    #[test]
    fn pipelines_split_into_commands_and_printf_is_read() {
        let (cmds, notes) =
            split_pipeline("printf '%b' 'a\\00122\\\\' | curl -d @- x && rm y").unwrap();
        assert_eq!(cmds.len(), 2);
        assert_eq!(printf_output(&cmds[0]).unwrap(), b"a\n2\\");
        assert_eq!(cmds[1], [&b"curl"[..], b"-d", b"@-", b"x"]);
        assert_eq!(
            notes,
            ["stopped reading at `&`: only the curl command itself is imported"]
        );
        for stop in ["a ; b", "a || b", "a > f", "a # b"] {
            assert_eq!(split_pipeline(stop).unwrap().0, [[b"a"]], "{stop}");
        }
        assert_eq!(
            printf_output(&[b"printf".to_vec(), b"%s".to_vec(), b"\\n".to_vec()]).unwrap(),
            b"\\n"
        );
        assert!(printf_output(&[b"echo".to_vec(), b"x".to_vec()]).is_none());
    }

    #[test]
    fn stops_at_pipes_and_notes_variables() {
        let (w, notes) = split("curl $URL | jq .").unwrap();
        assert_eq!(w, [&b"curl"[..], b"$URL"]);
        assert_eq!(notes.len(), 2, "{notes:?}");
        assert_eq!(
            split("'abc").unwrap_err(),
            ShellError::Unterminated("single")
        );
    }
}
