//! The one soft-wrap rule for text in terminal cells: a row breaks only between two
//! characters, whatever does not fit in what is left of a row starts the next one, and a
//! zero-width character stays with the one before. So rows never overflow (ratatui would cut
//! the overflow off) and, put end to end, they are the text again, exactly. The body editor
//! feeds it characters (its cursor moves by character); panes drawn through ratatui feed it
//! grapheme clusters at ratatui's own widths.

use ratatui::buffer::CellWidth;
use ratatui::text::{Line, Span};
use unicode_segmentation::UnicodeSegmentation;

/// Places items, each some cells wide, on rows of `width` cells.
#[derive(Debug, Clone, Copy)]
pub struct Rows {
    width: usize,
    used: usize,
}

impl Rows {
    pub fn new(width: usize) -> Rows {
        Rows {
            width: width.max(1),
            used: 0,
        }
    }

    /// Places the next item, `w` cells wide; true when it starts a new row. An item wider
    /// than a whole row gets a row of its own (and is cut by the pane edge).
    pub fn place(&mut self, w: usize) -> bool {
        if w > 0 && self.used > 0 && self.used + w > self.width {
            self.used = w;
            true
        } else {
            self.used += w;
            false
        }
    }
}

/// Cells a grapheme cluster takes as ratatui draws it: control characters are not drawn.
fn grapheme_width(g: &str) -> usize {
    if g.contains(char::is_control) {
        0
    } else {
        g.cell_width() as usize
    }
}

/// Cells a piece of text takes as ratatui draws it (grapheme by grapheme).
pub fn text_width(text: &str) -> usize {
    text.graphemes(true).map(grapheme_width).sum()
}

/// `text` as rows of at most `width` cells, split between grapheme clusters. Always at least
/// one row (an empty text is one empty row).
pub fn wrap_str(text: &str, width: usize) -> Vec<&str> {
    let mut rows = Vec::new();
    let mut placer = Rows::new(width);
    let mut start = 0;
    for (i, g) in text.grapheme_indices(true) {
        if placer.place(grapheme_width(g)) {
            rows.push(&text[start..i]);
            start = i;
        }
    }
    rows.push(&text[start..]);
    rows
}

/// A styled line as rows of at most `width` cells, by the same rule; each piece keeps its
/// span's style.
pub fn wrap_line(line: &Line<'_>, width: usize) -> Vec<Line<'static>> {
    let mut rows = Vec::new();
    let mut spans: Vec<Span<'static>> = Vec::new();
    let mut placer = Rows::new(width);
    for span in &line.spans {
        let text = span.content.as_ref();
        let mut from = 0;
        for (i, g) in text.grapheme_indices(true) {
            if placer.place(grapheme_width(g)) {
                if from < i {
                    spans.push(Span::styled(text[from..i].to_string(), span.style));
                }
                rows.push(Line::from(std::mem::take(&mut spans)).style(line.style));
                from = i;
            }
        }
        if from < text.len() {
            spans.push(Span::styled(text[from..].to_string(), span.style));
        }
    }
    rows.push(Line::from(spans).style(line.style));
    rows
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Scripts a body may hold: CJK, emoji (with skin tone, flags, ZWJ families, VS16),
    /// combining marks, right-to-left text, tabs and plain ASCII.
    pub(crate) const PIECES: &[&str] = &[
        "a",
        "Z",
        " ",
        "{\"k\":",
        "東",
        "京",
        "😀",
        "👍🏽",
        "🇨🇭",
        "👨\u{200d}👩\u{200d}👧",
        "❤\u{fe0f}",
        "e\u{301}",
        "ü",
        "ñ",
        "שלום",
        "مرحبا",
        "لا",
        "\u{5d0}\u{5b8}",
        "–",
        "한",
        "ｱ",
        "ﾞ",
    ];

    pub(crate) fn mixed_text() -> impl Strategy<Value = String> {
        proptest::collection::vec(proptest::sample::select(PIECES), 0..40).prop_map(|v| v.concat())
    }

    #[test]
    fn wide_characters_move_to_the_next_row_whole() {
        assert_eq!(wrap_str("ab東京", 3), ["ab", "東", "京"]);
        assert_eq!(wrap_str("ae\u{301}b", 2), ["ae\u{301}", "b"]);
        assert_eq!(wrap_str("", 5), [""]);
        // too wide for any row: a row of its own, nothing dropped
        assert_eq!(wrap_str("a東b", 1), ["a", "東", "b"]);
    }

    #[test]
    fn styled_lines_wrap_by_the_same_rule() {
        let key = ratatui::style::Style::new().bold();
        let line = Line::from(vec![Span::styled("x-sign: ", key), Span::raw("東京abcdef")]);
        let rows = wrap_line(&line, 9);
        let text: Vec<String> = rows.iter().map(|r| r.to_string()).collect();
        assert_eq!(text, ["x-sign: ", "東京abcde", "f"]);
        assert_eq!(rows[0].spans[0].style, key);
        assert_eq!(wrap_line(&Line::raw(""), 4).len(), 1);
    }

    proptest! {
        #[test]
        fn rows_fit_and_give_the_text_back(text in mixed_text(), width in 1usize..30) {
            let rows = wrap_str(&text, width);
            prop_assert_eq!(rows.concat(), text.clone());
            for r in &rows {
                let w = text_width(r);
                prop_assert!(w <= width || r.graphemes(true).count() == 1, "{r:?} is {w} wide");
            }
            // greedy: a row ends only when the next grapheme would not fit
            for pair in rows.windows(2) {
                let next = pair[1].graphemes(true).next().unwrap();
                prop_assert!(text_width(pair[0]) + text_width(next) > width);
            }
        }
    }
}
