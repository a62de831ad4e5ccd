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
    /// Of `tabs`, those inside a JSON string: content, not layout (and, raw, invalid JSON).
    pub string_tabs: usize,
    pub first_string_tab: Option<usize>,
}

pub fn scan(body: &[u8]) -> BodyScan {
    // Separate simple loops: the counting ones vectorise, and `contains` is a memchr.
    let tabs = body.iter().filter(|b| **b == b'\t').count();
    let first_tab = if tabs > 0 {
        body.iter().position(|b| *b == b'\t')
    } else {
        None
    };
    let (crlfs, first_crlf) = if body.contains(&b'\r') {
        let count = body.windows(2).filter(|w| *w == b"\r\n").count();
        (count, body.windows(2).position(|w| w == b"\r\n"))
    } else {
        (0, None)
    };
    // Only a body with tabs pays for telling layout tabs from tabs inside strings.
    let (string_tabs, first_string_tab) = if tabs > 0 {
        string_tabs(body)
    } else {
        (0, None)
    };
    BodyScan {
        tabs,
        first_tab,
        crlfs,
        first_crlf,
        first_outside_whitespace: first_outside_whitespace(body),
        string_tabs,
        first_string_tab,
    }
}

/// How many tabs stand inside JSON strings, and where the first one is.
fn string_tabs(body: &[u8]) -> (usize, Option<usize>) {
    let mut tokens = Tokens::default();
    let mut count = 0;
    let mut first = None;
    for (i, &b) in body.iter().enumerate() {
        if tokens.is_string_tab(b) {
            count += 1;
            first.get_or_insert(i);
        }
    }
    (count, first)
}

/// Stops at the first whitespace between tokens, so only a compact body is read to the end.
fn first_outside_whitespace(body: &[u8]) -> Option<usize> {
    let mut i = 0;
    while i < body.len() {
        match body[i] {
            b'"' => i = string_end(body, i + 1),
            b' ' | b'\t' | b'\n' | b'\r' => return Some(i),
            _ => i += 1,
        }
    }
    None
}

/// Whether `body` (after a leading BOM) has no whitespace between JSON tokens.
pub fn is_compact(body: &[u8]) -> bool {
    first_outside_whitespace(body.strip_prefix(BOM).unwrap_or(body)).is_none()
}

/// Where a byte stands in JSON text, fed one byte at a time: inside a string (whitespace
/// is content) or between tokens (whitespace is layout).
#[derive(Default)]
struct Tokens {
    in_string: bool,
    escaped: bool,
}

impl Tokens {
    /// True when `b` is whitespace between tokens, which compacting drops.
    fn is_layout(&mut self, b: u8) -> bool {
        if self.in_string {
            if self.escaped {
                self.escaped = false;
            } else if b == b'\\' {
                self.escaped = true;
            } else if b == b'"' {
                self.in_string = false;
            }
            false
        } else if b == b'"' {
            self.in_string = true;
            false
        } else {
            matches!(b, b' ' | b'\t' | b'\n' | b'\r')
        }
    }

    /// True when `b` is a tab inside a string (content, which a layout fix must not touch).
    fn is_string_tab(&mut self, b: u8) -> bool {
        let in_string = self.in_string;
        !self.is_layout(b) && b == b'\t' && in_string
    }
}

/// The body without a leading BOM and without whitespace between JSON tokens. Strings and
/// numbers keep their exact bytes (no re-serialisation, so `1.0` stays `1.0`).
pub fn compact(body: &[u8]) -> Vec<u8> {
    let body = body.strip_prefix(BOM).unwrap_or(body);
    let mut out = Vec::with_capacity(body.len());
    let mut tokens = Tokens::default();
    let mut run_start = 0;
    for (i, &b) in body.iter().enumerate() {
        if tokens.is_layout(b) {
            out.extend_from_slice(&body[run_start..i]);
            run_start = i + 1;
        }
    }
    out.extend_from_slice(&body[run_start..]);
    out
}

/// The bytes `compact` would produce, one at a time, without allocating: lets two bodies
/// be compared as JSON-modulo-whitespace in one pass.
pub fn compact_bytes(body: &[u8]) -> impl Iterator<Item = u8> + '_ {
    let body = body.strip_prefix(BOM).unwrap_or(body);
    let mut tokens = Tokens::default();
    body.iter().copied().filter(move |&b| !tokens.is_layout(b))
}

/// Whether `a` and `b` are the same bytes once compacted (same JSON up to whitespace), and
/// whether `b` is already compact. One pass over both, no allocation.
pub fn same_compacted(a: &[u8], b: &[u8]) -> (bool, bool) {
    let mut b_len = 0usize;
    // `eq` is true only when both sides ran out, so b_len is then b's compacted length.
    let same = compact_bytes(a).eq(compact_bytes(b).inspect(|_| b_len += 1));
    (same, same && b_len == b.len())
}

/// The index just past the quote that closes the string whose content starts at `i`.
fn string_end(body: &[u8], mut i: usize) -> usize {
    while let Some(off) = body[i.min(body.len())..]
        .iter()
        .position(|b| *b == b'"' || *b == b'\\')
    {
        i += off;
        if body[i] == b'\\' {
            i += 2;
        } else {
            return i + 1;
        }
    }
    body.len()
}

/// Each tab between JSON tokens replaced by two spaces, the indentation `pretty` uses. A
/// tab inside a string is content: it becomes the escape `\t`, the JSON for the same
/// character (a raw tab there is invalid JSON), never spaces, so the string keeps its value.
pub fn strip_tabs(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len() + body.len() / 8);
    let mut tokens = Tokens::default();
    let mut run_start = 0;
    for (i, &b) in body.iter().enumerate() {
        if b != b'\t' {
            tokens.is_layout(b);
            continue;
        }
        out.extend_from_slice(&body[run_start..i]);
        run_start = i + 1;
        if tokens.is_string_tab(b) {
            out.extend_from_slice(b"\\t");
        } else {
            out.extend_from_slice(b"  ");
        }
    }
    out.extend_from_slice(&body[run_start..]);
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

/// A place in the body, as every finding names it: the line counted from 1, and the column
/// counted from 1 in characters (not bytes, not screen cells: a tab or an `é` is one), which
/// is how the body editor counts `Col` too.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl std::fmt::Display for Position {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}, column {}", self.line, self.column)
    }
}

/// The position of byte offset `at`: the one position function of the lint.
pub fn position(body: &[u8], at: usize) -> Position {
    let (line, column) = line_col(body, at);
    Position { line, column }
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

/// The byte offset serde_json's error points at. Its `column` counts bytes, and is the
/// offending byte's 1-based column for most errors, but its 0-based one for a control
/// character in a string and the end of the input for an early end.
pub fn json_error_offset(body: &[u8], e: &serde_json::Error) -> usize {
    let line_start = if e.line() <= 1 {
        0
    } else {
        body.iter()
            .enumerate()
            .filter(|(_, b)| **b == b'\n')
            .nth(e.line() - 2)
            .map_or(body.len(), |(i, _)| i + 1)
    };
    let past_offender = e.is_eof() || e.to_string().starts_with("control character");
    let column = if past_offender {
        e.column()
    } else {
        e.column().saturating_sub(1)
    };
    (line_start + column).min(body.len())
}

/// serde_json's message without its own " at line L column C", which counts bytes.
pub fn json_error_text(e: &serde_json::Error) -> String {
    let text = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    text.strip_suffix(&suffix).unwrap_or(&text).to_string()
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
        assert!(compact_bytes(pretty.as_bytes()).eq(compact(pretty.as_bytes())));
        let tight = compact(pretty.as_bytes());
        assert_eq!(same_compacted(pretty.as_bytes(), &tight), (true, true));
        assert_eq!(same_compacted(&tight, pretty.as_bytes()), (true, false));
        assert_eq!(same_compacted(b"{\"a\":1}", b"{\"a\":2}"), (false, false));
        assert_eq!(same_compacted(b"{\"a\":1}", b"{\"a\":1} 2"), (false, false));
        assert_eq!(same_compacted(b"", b" \n"), (true, false));
        assert_eq!(same_compacted(b"\"a b\"", b"\"ab\""), (false, false));
        // An unterminated string or a trailing backslash does not read past the end.
        assert_eq!(same_compacted(b"\"ab\\", b"\"ab\\"), (true, true));
        assert_eq!(first_outside_whitespace(b"\"a\\"), None);
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
