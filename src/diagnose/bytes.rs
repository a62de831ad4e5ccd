//! Where two byte strings part: the first differing offset and the differing spans,
//! as data, so the CLI and the TUI's 1020 inspector can each render them.

use std::ops::Range;

/// Which part of the payload a difference is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Url,
    Body,
}

impl Part {
    pub fn name(&self) -> &'static str {
        match self {
            Part::Url => "URL",
            Part::Body => "body",
        }
    }
}

/// Signed bytes against sent bytes. Both sides share `signed[..offset]` and the bytes after
/// their spans; the spans hold everything that differs in between.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ByteDiff {
    pub part: Part,
    pub signed: Vec<u8>,
    pub sent: Vec<u8>,
    /// The first offset where the two differ (or where the shorter one ends).
    pub offset: usize,
    pub signed_span: Range<usize>,
    pub sent_span: Range<usize>,
}

impl ByteDiff {
    /// `None` when the bytes are equal.
    pub fn new(part: Part, signed: &[u8], sent: &[u8]) -> Option<Self> {
        if signed == sent {
            return None;
        }
        let prefix = signed.iter().zip(sent).take_while(|(a, b)| a == b).count();
        let max_suffix = signed.len().min(sent.len()) - prefix;
        let suffix = signed
            .iter()
            .rev()
            .zip(sent.iter().rev())
            .take(max_suffix)
            .take_while(|(a, b)| a == b)
            .count();
        Some(ByteDiff {
            part,
            signed: signed.to_vec(),
            sent: sent.to_vec(),
            offset: prefix,
            signed_span: prefix..signed.len() - suffix,
            sent_span: prefix..sent.len() - suffix,
        })
    }

    pub fn signed_differing(&self) -> &[u8] {
        &self.signed[self.signed_span.clone()]
    }

    pub fn sent_differing(&self) -> &[u8] {
        &self.sent[self.sent_span.clone()]
    }
}

/// Renders bytes so that nothing invisible hides: `\t`, `\r`, `\n`, `\\`, a BOM as
/// `\u{feff}`, a no-break space as `\u{a0}`, other controls as `\xNN`, bytes that are not
/// UTF-8 as `\xNN`. Printable text is kept as is.
pub fn escape_bytes(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            escape_char(c, &mut out);
        }
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02x}"));
        }
    }
    out
}

/// The escaped form of one character, appended to `out`.
pub fn escape_char(c: char, out: &mut String) {
    match c {
        '\t' => out.push_str("\\t"),
        '\r' => out.push_str("\\r"),
        '\n' => out.push_str("\\n"),
        '\\' => out.push_str("\\\\"),
        c if (c as u32) < 0x20 || c == '\u{7f}' => out.push_str(&format!("\\x{:02x}", c as u32)),
        c if is_invisible(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
        c => out.push(c),
    }
}

/// Characters that look like nothing or like a plain space.
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{a0}'
            | '\u{ad}'
            | '\u{80}'..='\u{9f}'
            | '\u{1680}'
            | '\u{2000}'..='\u{200f}'
            | '\u{2028}'..='\u{202f}'
            | '\u{205f}'..='\u{2064}'
            | '\u{3000}'
            | '\u{feff}'
    )
}

/// A window of `bytes` around `range`, escaped, as (text before, the range, text after),
/// each cut to about `context` bytes and on character boundaries. `…` marks a cut.
pub fn escaped_window(
    bytes: &[u8],
    range: Range<usize>,
    context: usize,
) -> (String, String, String) {
    let start = floor_boundary(bytes, range.start.saturating_sub(context));
    let span_start = floor_boundary(bytes, range.start);
    let span_end = ceil_boundary(bytes, range.end.max(span_start));
    let end = ceil_boundary(bytes, (range.end + context).min(bytes.len()));
    let mut before = escape_bytes(&bytes[start..span_start]);
    if start > 0 {
        before.insert(0, '…');
    }
    let mut after = escape_bytes(&bytes[span_end..end]);
    if end < bytes.len() {
        after.push('…');
    }
    (before, escape_bytes(&bytes[span_start..span_end]), after)
}

fn is_continuation(b: u8) -> bool {
    b & 0b1100_0000 == 0b1000_0000
}

fn floor_boundary(bytes: &[u8], mut i: usize) -> usize {
    i = i.min(bytes.len());
    let mut steps = 0;
    while i > 0 && i < bytes.len() && is_continuation(bytes[i]) && steps < 3 {
        i -= 1;
        steps += 1;
    }
    i
}

fn ceil_boundary(bytes: &[u8], mut i: usize) -> usize {
    i = i.min(bytes.len());
    let mut steps = 0;
    while i < bytes.len() && is_continuation(bytes[i]) && steps < 3 {
        i += 1;
        steps += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_first_offset_and_minimal_spans() {
        let d = ByteDiff::new(Part::Body, b"{\"a\":1}", b"{\"a\": 1}").unwrap();
        assert_eq!(d.offset, 5);
        assert_eq!(d.signed_span, 5..5);
        assert_eq!(d.sent_span, 5..6);
        assert_eq!(d.sent_differing(), b" ");
        assert!(ByteDiff::new(Part::Body, b"x", b"x").is_none());
    }

    #[test]
    fn trailing_newline_is_a_span_at_the_end() {
        let d = ByteDiff::new(Part::Body, b"{}", b"{}\n").unwrap();
        assert_eq!(
            (d.offset, d.signed_span.clone(), d.sent_span.clone()),
            (2, 2..2, 2..3)
        );
    }

    #[test]
    fn repeated_bytes_do_not_overlap_prefix_and_suffix() {
        let d = ByteDiff::new(Part::Body, b"aa", b"aaa").unwrap();
        assert_eq!(d.offset, 2);
        assert_eq!(d.signed_span, 2..2);
        assert_eq!(d.sent_span, 2..3);
    }

    #[test]
    fn escapes_every_invisible() {
        assert_eq!(
            escape_bytes("\u{feff}a\tb\r\n\u{a0}c\\\u{1}\u{200b}".as_bytes()),
            "\\u{feff}a\\tb\\r\\n\\u{a0}c\\\\\\x01\\u{200b}"
        );
        assert_eq!(escape_bytes(b"\xff\xfeok"), "\\xff\\xfeok");
        assert_eq!(escape_bytes("é".as_bytes()), "é");
    }

    #[test]
    fn window_cuts_on_char_boundaries() {
        let text = "ééééé\tééééé".as_bytes();
        let tab = text.iter().position(|&b| b == b'\t').unwrap();
        let (before, span, after) = escaped_window(text, tab..tab + 1, 3);
        assert_eq!(span, "\\t");
        assert!(before.starts_with('…') && before.ends_with('é'));
        assert!(after.ends_with('…'));
    }
}
