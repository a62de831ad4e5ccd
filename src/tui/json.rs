//! JSON for the editor and the response: compact and pretty printing that keep every
//! string and number byte for byte (only whitespace between tokens changes), and a per-line
//! tokenizer for colouring.

use std::fmt;

/// Why the body cannot be reformatted: where the JSON breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotJson(pub String);

impl fmt::Display for NotJson {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the body is not valid JSON ({}): fix it first", self.0)
    }
}

pub fn validate(bytes: &[u8]) -> Result<(), NotJson> {
    serde_json::from_slice::<serde::de::IgnoredAny>(bytes)
        .map(|_| ())
        .map_err(|e| NotJson(e.to_string()))
}

/// The body with all whitespace between tokens removed.
pub fn compact(bytes: &[u8]) -> Result<Vec<u8>, NotJson> {
    validate(bytes)?;
    Ok(crate::lint::compact(bytes))
}

/// The body pretty-printed with two spaces, as `serde_json::to_string_pretty` lays it out,
/// but with strings and numbers kept exactly as written.
pub fn pretty(bytes: &[u8]) -> Result<Vec<u8>, NotJson> {
    pretty_indented(bytes, b"  ")
}

/// The body as a formatter that indents with tabs writes it: what F4 `f` sends. Only
/// whitespace between tokens changes (strings keep their spaces); a body that is not JSON,
/// or has nothing to indent, gets a tab before its first token.
pub fn tab_indented(bytes: &[u8]) -> Vec<u8> {
    match pretty_indented(bytes, b"\t") {
        Ok(p) if p != bytes => p,
        _ => [b"\t".as_slice(), bytes].concat(),
    }
}

/// `pretty` with `indent` for each level.
fn pretty_indented(bytes: &[u8], indent: &[u8]) -> Result<Vec<u8>, NotJson> {
    let compact = compact(bytes)?;
    let mut out = Vec::with_capacity(compact.len() * 2);
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    let newline = |out: &mut Vec<u8>, depth: usize| {
        out.push(b'\n');
        for _ in 0..depth {
            out.extend_from_slice(indent);
        }
    };
    let mut i = 0;
    while i < compact.len() {
        let b = compact[i];
        if in_string {
            out.push(b);
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
            i += 1;
            continue;
        }
        match b {
            b'"' => {
                in_string = true;
                out.push(b);
            }
            b'{' | b'[' => {
                let close = if b == b'{' { b'}' } else { b']' };
                if compact.get(i + 1) == Some(&close) {
                    out.extend_from_slice(&[b, close]);
                    i += 1;
                } else {
                    out.push(b);
                    depth += 1;
                    newline(&mut out, depth);
                }
            }
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(b);
            }
            b',' => {
                out.push(b);
                newline(&mut out, depth);
            }
            b':' => out.extend_from_slice(b": "),
            _ => out.push(b),
        }
        i += 1;
    }
    Ok(out)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Token {
    Key,
    String,
    Number,
    Literal,
    Punct,
    Other,
}

/// Splits one line into coloured runs: (start byte, end byte, token). JSON strings cannot
/// span lines, so each line is tokenized on its own.
pub fn tokens(line: &str) -> Vec<(usize, usize, Token)> {
    tokens_upto(line, usize::MAX)
}

/// Like `tokens`, stopping after the token that covers byte `limit`: a 1 MB one-line body
/// is only tokenized as far as the window shows.
pub fn tokens_upto(line: &str, limit: usize) -> Vec<(usize, usize, Token)> {
    tokenize(line, 0, limit)
}

/// The tokens of the window `from..limit` of a line. Only the string state is tracked up
/// to `from` (a byte loop), so a window far into a 1 MB line costs little.
pub fn tokens_window(line: &str, from: usize, limit: usize) -> Vec<(usize, usize, Token)> {
    let from = from.min(line.len());
    let state = StringState::default().scan(&line.as_bytes()[..from], 0);
    tokens_after(line, from, limit, state)
}

/// Whether a line's bytes so far end inside a JSON string, and where that string began:
/// all the tokenizer needs to start anywhere in a line. It depends only on the bytes
/// before, so a long line's states can be kept and reused until an edit before them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StringState {
    in_string: bool,
    escaped: bool,
    string_start: usize,
}

impl StringState {
    /// The state after `bytes` more, which start at byte `at` of the line.
    pub fn scan(mut self, bytes: &[u8], at: usize) -> StringState {
        for (i, &c) in bytes.iter().enumerate() {
            if self.in_string {
                if self.escaped {
                    self.escaped = false;
                } else if c == b'\\' {
                    self.escaped = true;
                } else if c == b'"' {
                    self.in_string = false;
                }
            } else if c == b'"' {
                self.in_string = true;
                self.string_start = at + i;
            }
        }
        self
    }
}

/// `tokens_window` given the string state at `from` (see `StringState`).
pub fn tokens_after(
    line: &str,
    from: usize,
    limit: usize,
    state: StringState,
) -> Vec<(usize, usize, Token)> {
    let b = line.as_bytes();
    let from = from.min(b.len());
    let mut start = from;
    if state.in_string {
        start = state.string_start;
    } else {
        while start > 0
            && matches!(b[start - 1], b'0'..=b'9' | b'-' | b'+' | b'.' | b'a'..=b'z' | b'E')
        {
            start -= 1;
        }
    }
    tokenize(line, start, limit)
}

fn tokenize(line: &str, start: usize, limit: usize) -> Vec<(usize, usize, Token)> {
    let b = line.as_bytes();
    let mut out = Vec::new();
    let mut i = start;
    while i < b.len() && i <= limit {
        let start = i;
        let token = match b[i] {
            b'"' => {
                i += 1;
                let mut escaped = false;
                while i < b.len() {
                    let c = b[i];
                    i += 1;
                    if escaped {
                        escaped = false;
                    } else if c == b'\\' {
                        escaped = true;
                    } else if c == b'"' {
                        break;
                    }
                }
                let rest = &b[i..];
                let next = rest.iter().find(|c| !matches!(c, b' ' | b'\t'));
                if next == Some(&b':') {
                    Token::Key
                } else {
                    Token::String
                }
            }
            b'-' | b'0'..=b'9' => {
                while i < b.len() && matches!(b[i], b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E')
                {
                    i += 1;
                }
                Token::Number
            }
            b'a'..=b'z' => {
                while i < b.len() && b[i].is_ascii_alphabetic() {
                    i += 1;
                }
                Token::Literal
            }
            b'{' | b'}' | b'[' | b']' | b',' | b':' => {
                i += 1;
                Token::Punct
            }
            _ => {
                i += 1;
                while i < b.len() && !line.is_char_boundary(i) {
                    i += 1;
                }
                Token::Other
            }
        };
        match out.last_mut() {
            Some((_, end, t)) if *t == token && token != Token::Key && token != Token::String => {
                *end = i
            }
            _ => out.push((start, i, token)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_keeps_strings_and_numbers() {
        let body = b"{ \"a b\" :\t\"x \\\" y\",\r\n \"n\": 1.50e+3 , \"u\":\"\\u00e9\" }\n";
        assert_eq!(
            compact(body).unwrap(),
            b"{\"a b\":\"x \\\" y\",\"n\":1.50e+3,\"u\":\"\\u00e9\"}"
        );
    }

    #[test]
    fn pretty_matches_serde_layout() {
        let body = br#"{"name":"ACME Corp","list":[1,2,{}],"empty":[],"o":{"k":null}}"#;
        let value: serde_json::Value = serde_json::from_slice(body).unwrap();
        let expected = serde_json::to_string_pretty(&value).unwrap();
        assert_eq!(String::from_utf8(pretty(body).unwrap()).unwrap(), expected);
    }

    #[test]
    fn tab_indenting_touches_only_whitespace_between_tokens() {
        // issue 9 #17: F4 `f` turned "ACME  Corp" into "ACME\tCorp".
        let body = br#"{"name":"ACME  Corp","list":["a  b",{"k":"  "}]}"#;
        let tabbed = tab_indented(body);
        assert_eq!(
            String::from_utf8(tabbed.clone()).unwrap(),
            "{\n\t\"name\": \"ACME  Corp\",\n\t\"list\": [\n\t\t\"a  b\",\n\t\t{\n\t\t\t\"k\": \"  \"\n\t\t}\n\t]\n}"
        );
        assert_eq!(crate::lint::compact(&tabbed), body);
        // Not JSON, or JSON with nothing to indent: a tab before the first token.
        assert_eq!(tab_indented(b"a  b"), b"\ta  b");
        assert_eq!(tab_indented(b"1"), b"\t1");
    }

    #[test]
    fn pretty_then_compact_round_trips() {
        let body = br#"{"a":[1,{"b":"c,:{}[]"}],"d":"\\"}"#;
        assert_eq!(compact(&pretty(body).unwrap()).unwrap(), body);
    }

    #[test]
    fn invalid_json_is_refused_with_the_place() {
        let err = compact(b"{\"a\":}").unwrap_err();
        assert!(err.to_string().contains("line 1"), "{err}");
    }

    #[test]
    fn tokens_tell_keys_from_values() {
        let t = tokens(r#"  "name": "ACME", "n": -1.5, "ok": true"#);
        let kinds: Vec<Token> = t
            .iter()
            .filter(|(_, _, k)| *k != Token::Other && *k != Token::Punct)
            .map(|t| t.2)
            .collect();
        assert_eq!(
            kinds,
            [
                Token::Key,
                Token::String,
                Token::Key,
                Token::Number,
                Token::Key,
                Token::Literal
            ]
        );
        let line = "\"é\":1";
        let t = tokens(line);
        assert_eq!(t[0], (0, 4, Token::Key));
    }

    #[test]
    fn a_window_far_into_a_line_tokenizes_like_the_whole() {
        let line = r#"{"a":"x y","bb":12345,"c":true,"d":"q\"r"}"#;
        let whole = tokens(line);
        for from in 0..line.len() {
            let w = tokens_window(line, from, line.len());
            // every token of the window lies within a token of the same kind
            for t in &w {
                assert!(
                    whole.iter().any(|u| u.0 <= t.0 && t.1 <= u.1 && u.2 == t.2),
                    "from {from}: {t:?} not in {whole:?}"
                );
            }
            // and the window covers `from`
            assert!(w.first().is_none_or(|t| t.0 <= from), "from {from}: {w:?}");
            // the string state scanned in two pieces is the state scanned at once
            let b = line.as_bytes();
            for cut in 0..=from {
                let split = StringState::default()
                    .scan(&b[..cut], 0)
                    .scan(&b[cut..from], cut);
                assert_eq!(tokens_after(line, from, line.len(), split), w);
            }
        }
    }
}
