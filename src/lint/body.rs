//! Byte-level facts about a body, gathered in one pass, and the whitespace-only rewrites
//! the fixes make. JSON-aware: whitespace inside strings is content and never touched.

use super::escape::escape_into;

pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// What one pass over the body found. Offsets are byte offsets into the body.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BodyScan {
    pub tabs: usize,
    pub first_tab: Option<usize>,
    pub crlfs: usize,
    pub first_crlf: Option<usize>,
    /// First whitespace between JSON tokens: where a body stops being compact.
    pub first_outside_whitespace: Option<usize>,
}

pub fn scan(body: &[u8]) -> BodyScan {
    let mut s = BodyScan::default();
    let mut in_string = false;
    let mut escaped = false;
    let mut prev = 0u8;
    for (i, &b) in body.iter().enumerate() {
        match b {
            b'\t' => {
                s.tabs += 1;
                s.first_tab.get_or_insert(i);
            }
            b'\n' if prev == b'\r' => {
                s.crlfs += 1;
                s.first_crlf.get_or_insert(i - 1);
            }
            _ => {}
        }
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
        } else if b == b'"' {
            in_string = true;
        } else if matches!(b, b' ' | b'\t' | b'\n' | b'\r') {
            s.first_outside_whitespace.get_or_insert(i);
        }
        prev = b;
    }
    s
}

/// The body without a leading BOM and without whitespace between JSON tokens. Strings and
/// numbers keep their exact bytes (no re-serialisation, so `1.0` stays `1.0`).
pub fn compact(body: &[u8]) -> Vec<u8> {
    let body = body.strip_prefix(BOM).unwrap_or(body);
    let mut out = Vec::with_capacity(body.len());
    let mut in_string = false;
    let mut escaped = false;
    let mut run_start = 0;
    for (i, &b) in body.iter().enumerate() {
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
        } else if b == b'"' {
            in_string = true;
        } else if matches!(b, b' ' | b'\t' | b'\n' | b'\r') {
            out.extend_from_slice(&body[run_start..i]);
            run_start = i + 1;
        }
    }
    out.extend_from_slice(&body[run_start..]);
    out
}

/// Each tab replaced by two spaces, the indentation `pretty` uses.
pub fn strip_tabs(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len() + body.len() / 8);
    for part in body.split(|b| *b == b'\t').enumerate() {
        if part.0 > 0 {
            out.extend_from_slice(b"  ");
        }
        out.extend_from_slice(part.1);
    }
    out
}

/// The body without the newlines (and CRs) at its end.
pub fn drop_trailing_newline(body: &[u8]) -> Vec<u8> {
    let end = body
        .iter()
        .rposition(|b| !matches!(b, b'\n' | b'\r'))
        .map_or(0, |i| i + 1);
    body[..end].to_vec()
}

/// 1-based line and column (in characters) of byte offset `at`.
pub fn line_col(body: &[u8], at: usize) -> (usize, usize) {
    let before = &body[..at.min(body.len())];
    let line_start = before
        .iter()
        .rposition(|b| *b == b'\n')
        .map_or(0, |i| i + 1);
    let line = 1 + before.iter().filter(|b| **b == b'\n').count();
    let col = 1 + String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count();
    (line, col)
}

/// A short escaped excerpt around byte `at`, cut on character boundaries.
pub fn excerpt(body: &[u8], at: usize, radius: usize) -> String {
    let at = at.min(body.len());
    let mut start = at.saturating_sub(radius);
    while start > 0 && is_continuation(body[start]) {
        start -= 1;
    }
    let mut end = (at + radius).min(body.len());
    while end < body.len() && is_continuation(body[end]) {
        end += 1;
    }
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    escape_into(&mut out, &body[start..end]);
    if end < body.len() {
        out.push('…');
    }
    out
}

fn is_continuation(b: u8) -> bool {
    b & 0b1100_0000 == 0b1000_0000
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scan_finds_tabs_crlf_and_loose_whitespace_outside_strings() {
        let s = scan(b"{\"a b\":\"\\\"x\\t\",\r\n\t\"c\":1}");
        assert_eq!(s.tabs, 1);
        assert_eq!(s.first_tab, Some(17));
        assert_eq!(s.crlfs, 1);
        assert_eq!(s.first_crlf, Some(15));
        assert_eq!(s.first_outside_whitespace, Some(15));
        assert_eq!(scan(b"{\"a b\":\"c d\"}").first_outside_whitespace, None);
    }

    #[test]
    fn compact_keeps_strings_and_numbers_exact() {
        let pretty =
            "\u{feff}{\n  \"name\": \"ACME  Corp\\\" x\",\r\n\t\"n\": 1.0e5 ,\"u\":\"Zürich\"\n}\n";
        assert_eq!(
            compact(pretty.as_bytes()),
            "{\"name\":\"ACME  Corp\\\" x\",\"n\":1.0e5,\"u\":\"Zürich\"}".as_bytes()
        );
        assert_eq!(compact(b""), b"");
    }

    #[test]
    fn tabs_and_trailing_newlines_are_rewritten() {
        assert_eq!(strip_tabs(b"{\n\t\"a\":\t1\n}"), b"{\n  \"a\":  1\n}");
        assert_eq!(drop_trailing_newline(b"{}\r\n\n"), b"{}");
        assert_eq!(drop_trailing_newline(b"\n"), b"");
        assert_eq!(drop_trailing_newline(b"{}"), b"{}");
    }

    #[test]
    fn positions_and_excerpts() {
        let body = "{\n  \"é\":\t1}".as_bytes();
        let tab = body.iter().position(|b| *b == b'\t').unwrap();
        assert_eq!(line_col(body, tab), (2, 7));
        assert_eq!(excerpt(body, tab, 3), "…é\":\\t1}");
        assert_eq!(excerpt(b"\t", 0, 8), "\\t");
    }
}
