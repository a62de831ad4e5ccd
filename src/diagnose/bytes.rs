//! Where two byte strings part: the first differing offset and the differing spans,
//! as data, so the CLI and the TUI's 1020 inspector can each render them.

use crate::lint::escape_invisibles as escape_bytes;
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
    fn window_cuts_on_char_boundaries() {
        let text = "ééééé\tééééé".as_bytes();
        let tab = text.iter().position(|&b| b == b'\t').unwrap();
        let (before, span, after) = escaped_window(text, tab..tab + 1, 3);
        assert_eq!(span, "\\t");
        assert!(before.starts_with('…') && before.ends_with('é'));
        assert!(after.ends_with('…'));
    }
}
