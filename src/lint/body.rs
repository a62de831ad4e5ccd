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
    // Vectorised searches (memchr) rather than byte loops: the workbench lints a 1 MB body
    // on each keystroke, and a byte loop over it costs about 0.8 ms on its own.
    let first_tab = memchr::memchr(b'\t', body);
    let tabs = first_tab.map_or(0, |at| {
        1 + memchr::memchr_iter(b'\t', &body[at + 1..]).count()
    });
    let (crlfs, first_crlf) = if memchr::memchr(b'\r', body).is_some() {
        let mut found = memchr::memmem::find_iter(body, b"\r\n");
        let first = found.next();
        (first.map_or(0, |_| 1 + found.count()), first)
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

/// The first whitespace between tokens. A compact body is read to its end on every
/// keystroke in the workbench, so it goes 64 bytes at a time: a block without a backslash
/// is settled with bit masks (which bytes are quotes, which whitespace, and from the quotes'
/// running parity which are inside strings); a block with one goes byte by byte.
fn first_outside_whitespace(body: &[u8]) -> Option<usize> {
    let mut tokens = Tokens::default();
    for (n, block) in body.chunks(64).enumerate() {
        let base = n * 64;
        if let (false, Ok(full)) = (tokens.escaped, <&[u8; 64]>::try_from(block))
            && let m = Masks::of(full)
            && m.backslash == 0
        {
            // Bit i: an odd number of quotes up to and including byte i.
            let mut inside = prefix_xor(m.quote);
            if tokens.in_string {
                inside = !inside;
            }
            let outside = m.space & !inside;
            if outside != 0 {
                return Some(base + outside.trailing_zeros() as usize);
            }
            tokens.in_string = inside >> 63 == 1;
            continue;
        }
        if let Some(i) = block.iter().position(|&b| tokens.is_layout(b)) {
            return Some(base + i);
        }
    }
    None
}

/// Which bytes of a 64-byte block are quotes, backslashes and whitespace (bit i: byte i),
/// eight bytes at a time in a `u64` (no unsafe SIMD; about 5× a byte loop here).
struct Masks {
    quote: u64,
    backslash: u64,
    space: u64,
}

impl Masks {
    fn of(block: &[u8; 64]) -> Masks {
        let mut m = Masks {
            quote: 0,
            backslash: 0,
            space: 0,
        };
        for (i, w) in block.chunks_exact(8).enumerate() {
            let x = u64::from_le_bytes(w.try_into().expect("chunks of 8"));
            let shift = 8 * i;
            m.quote |= gather(eq_bytes(x, b'"')) << shift;
            m.backslash |= gather(eq_bytes(x, b'\\')) << shift;
            let ws =
                eq_bytes(x, b' ') | eq_bytes(x, b'\n') | eq_bytes(x, b'\t') | eq_bytes(x, b'\r');
            m.space |= gather(ws) << shift;
        }
        m
    }
}

const ONES: u64 = 0x0101_0101_0101_0101;
const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;

/// 0x80 in each byte of `x` equal to `c`, 0 in the others: exact, as no carry crosses a
/// byte (the high bit is kept out of the addition).
fn eq_bytes(x: u64, c: u8) -> u64 {
    let v = x ^ (u64::from(c) * ONES);
    !(((v & LOW7) + LOW7) | v | LOW7)
}

/// The high bit of each byte gathered into the low 8 bits, byte 0 to bit 0: each term of
/// the product lands on its own bit, so none carries into another.
fn gather(m: u64) -> u64 {
    (m >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56
}

/// Bit i of the result: the XOR of bits 0..=i of `x`.
fn prefix_xor(mut x: u64) -> u64 {
    for shift in [1, 2, 4, 8, 16, 32] {
        x ^= x << shift;
    }
    x
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
    // Vectorised (memchr, std's char count): a finding deep in a 1 MB one-line body is
    // placed on every keystroke.
    let before = &body[..at.min(body.len())];
    let line_start = memchr::memrchr(b'\n', before).map_or(0, |i| i + 1);
    let line = 1 + memchr::memchr_iter(b'\n', before).count();
    let col = 1 + match std::str::from_utf8(&before[line_start..]) {
        Ok(text) => text.chars().count(),
        Err(_) => String::from_utf8_lossy(&before[line_start..])
            .chars()
            .count(),
    };
    (line, col)
}

/// The byte offset serde_json's error points at. Its `column` counts bytes, and is the
/// offending byte's 1-based column for most errors, but its 0-based one for a control
/// character in a string and the end of the input for an early end.
pub fn json_error_offset(body: &[u8], e: &serde_json::Error) -> usize {
    let line_start = if e.line() <= 1 {
        0
    } else {
        memchr::memchr_iter(b'\n', body)
            .nth(e.line() - 2)
            .map_or(body.len(), |i| i + 1)
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

    /// The byte-at-a-time reading the block version must agree with.
    fn first_outside_whitespace_slowly(body: &[u8]) -> Option<usize> {
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

    proptest::proptest! {
        #[test]
        fn blocks_find_the_whitespace_byte_by_byte_finds(
            body in proptest::collection::vec(
                proptest::sample::select(b"\"\\ \t\n\rab{}:,\xc3\xa9".to_vec()), 0..300),
            compact_prefix in 0usize..200,
        ) {
            // A long compact run first, so blocks of both kinds come before the whitespace.
            let mut b = b"{\"k\":\"v\"}".repeat(compact_prefix / 8);
            b.extend_from_slice(&body);
            proptest::prop_assert_eq!(first_outside_whitespace(&b), first_outside_whitespace_slowly(&b));
            let s = scan(&b);
            proptest::prop_assert_eq!(s.tabs, b.iter().filter(|x| **x == b'\t').count());
            proptest::prop_assert_eq!(s.first_tab, b.iter().position(|x| *x == b'\t'));
            proptest::prop_assert_eq!(s.crlfs, b.windows(2).filter(|w| *w == b"\r\n").count());
            proptest::prop_assert_eq!(s.first_crlf, b.windows(2).position(|w| w == b"\r\n"));
        }
    }

    #[test]
    fn word_masks_pick_exactly_the_bytes_equal() {
        for c in [0u8, b'"', b'\\', b' ', 0x7F, 0x80, 0xFF] {
            for x in [
                0u64,
                u64::MAX,
                0x0022_5C20_7F80_FF01,
                0x8000_0000_0000_0022,
                0x2222_2222_2222_2222,
            ] {
                let want = x
                    .to_le_bytes()
                    .iter()
                    .enumerate()
                    .fold(0u64, |m, (i, b)| m | (u64::from(*b == c) << i));
                assert_eq!(gather(eq_bytes(x, c)), want, "{x:#x} {c:#x}");
            }
        }
    }

    #[test]
    fn the_whitespace_of_a_long_compact_body_is_found_past_many_blocks() {
        let record = br#"{"name":"Company 1","city":"Paris \"x\""}"#;
        let mut body = record.repeat(5000);
        assert_eq!(first_outside_whitespace(&body), None);
        // Between two records, far into the body.
        let at = record.len() * 4321;
        body.insert(at, b' ');
        assert_eq!(
            first_outside_whitespace(&body),
            first_outside_whitespace_slowly(&body)
        );
        assert_eq!(first_outside_whitespace(&body), Some(at));
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
