//! The window on the text: display widths (from `unicode-width`, tabs to stops of 4),
//! scrolling to the cursor, wrapping, clicks and the wheel.

use super::BodyEditor;
use crate::tui::widgets::wrap::Rows;
use ratatui::buffer::CellWidth;
use unicode_width::UnicodeWidthChar;

pub fn cell_width(c: char, col: usize) -> usize {
    if (' '..='~').contains(&c) {
        return 1; // the common case, without a table lookup
    }
    match c {
        '\t' => 4 - col % 4,
        // Invisible characters are drawn as a one-cell marker (see `body::marker`).
        c if crate::lint::is_invisible(c) => 1,
        c => char_width(c),
    }
}

/// Cells a character takes on screen: 2 for wide (CJK, most emoji), 0 for combining marks
/// and other zero-width characters, 1 otherwise; exactly what ratatui reckons a cell holding
/// it takes, so the cells after it are drawn where we lay them out.
pub fn char_width(c: char) -> usize {
    if c.is_ascii() {
        return c.width().unwrap_or(0);
    }
    let mut b = [0u8; 4];
    usize::from(c.encode_utf8(&mut b).cell_width())
}

/// Display width of the first `chars` characters of `line`.
pub fn display_col(line: &str, chars: usize) -> usize {
    if line.is_ascii() && !line.bytes().any(|b| b < b' ' || b == 0x7f) {
        return chars.min(line.len());
    }
    let mut col = 0;
    for c in line.chars().take(chars) {
        col += cell_width(c, col);
    }
    col
}

/// Display width of a whole line.
pub fn display_width(line: &str) -> usize {
    if line.bytes().all(|b| (b' '..=b'~').contains(&b)) {
        return line.len();
    }
    let mut col = 0;
    for c in line.chars() {
        col += cell_width(c, col);
    }
    col
}

/// Screen rows a line takes when wrapped at `width`; `cursor_at_end` makes room for the
/// cursor after a line that exactly fills its last row.
pub fn wrapped_rows(line: &str, width: usize, cursor_at_end: bool) -> usize {
    LineRows::new(line, width).count(cursor_at_end)
}

/// A line wrapped at `width` by the one wrap rule (`widgets::wrap`): a character that does
/// not fit in what is left of a row starts the next one, whole.
pub struct LineRows {
    /// Per row: the char index and display column of its first character.
    starts: Vec<(usize, usize)>,
    chars: usize,
    /// The row a cursor after the last character sits on.
    end_row: usize,
}

impl LineRows {
    pub fn new(line: &str, width: usize) -> LineRows {
        let mut starts = vec![(0, 0)];
        let mut rows = Rows::new(width);
        let (mut col, mut chars) = (0, 0);
        for (ci, c) in line.chars().enumerate() {
            let w = cell_width(c, col);
            if rows.place(w) {
                starts.push((ci, col));
            }
            col += w;
            chars = ci + 1;
        }
        let end_row = starts.len() - usize::from(!rows.place(1));
        LineRows {
            starts,
            chars,
            end_row,
        }
    }

    pub fn count(&self, cursor_at_end: bool) -> usize {
        if cursor_at_end {
            self.end_row + 1
        } else {
            self.starts.len()
        }
    }

    /// The row holding char `ci`; past the last char, the row of a cursor there.
    pub fn row_of(&self, ci: usize) -> usize {
        if ci >= self.chars {
            self.end_row
        } else {
            self.starts.partition_point(|s| s.0 <= ci) - 1
        }
    }

    /// Char index and display column where row `r` starts.
    pub fn start(&self, r: usize) -> Option<(usize, usize)> {
        self.starts.get(r).copied()
    }
}

/// Screen rows for a line `dw` cells wide.
pub fn rows_for_width(dw: usize, width: usize, cursor_at_end: bool) -> usize {
    let width = width.max(1);
    let rows = dw.div_ceil(width).max(1);
    if cursor_at_end && dw > 0 && dw.is_multiple_of(width) {
        rows + 1
    } else {
        rows
    }
}

/// The character index at display column `target` (or the line's end).
pub fn char_at_col(line: &str, target: usize) -> usize {
    let mut col = 0;
    for (i, c) in line.chars().enumerate() {
        let w = cell_width(c, col);
        if col + w > target {
            return i;
        }
        col += w;
    }
    line.chars().count()
}

impl BodyEditor {
    /// Keeps the cursor inside a `height` × `width` window.
    pub fn scroll_to_cursor(&mut self, height: usize, width: usize) {
        let (row, col) = self.cursor();
        let height = height.max(1);
        let width = width.max(1);
        let lines = &self.lines;
        let dcol = if self.plain[row] {
            col
        } else {
            display_col(&lines[row], col)
        };
        if !self.wrap {
            self.top_seg = 0;
            if row < self.top {
                self.top = row;
            } else if row >= self.top + height {
                self.top = row + 1 - height;
            }
            if dcol < self.left {
                self.left = dcol.saturating_sub(width / 4);
            } else if dcol >= self.left + width {
                self.left = dcol + 1 - width + width / 4;
                self.left = self.left.min(dcol);
            }
            return;
        }
        self.left = 0;
        let cseg = if self.plain[row] {
            dcol / width
        } else {
            self.line_rows(row, width).row_of(col)
        };
        // Above the window: the cursor's row becomes the first.
        if (row, cseg) < (self.top, self.top_seg) {
            self.top = row;
            self.top_seg = cseg;
            return;
        }
        // The highest top that still shows the cursor on the last row.
        let (mut t, mut seg) = (row, cseg);
        let mut budget = height - 1;
        while budget > 0 {
            if seg > 0 {
                let step = seg.min(budget);
                seg -= step;
                budget -= step;
            } else if t > 0 {
                t -= 1;
                seg = self.rows_of(t, width, false) - 1;
                budget -= 1;
            } else {
                break;
            }
        }
        if (self.top, self.top_seg) < (t, seg) {
            self.top = t;
            self.top_seg = seg;
        }
    }

    /// Screen rows line `row` takes when wrapped at `width`.
    pub fn rows_of(&self, row: usize, width: usize, cursor_at_end: bool) -> usize {
        if self.plain[row] {
            rows_for_width(self.lines[row].len(), width, cursor_at_end)
        } else {
            self.line_rows(row, width).count(cursor_at_end)
        }
    }

    /// Mouse click at a row/display column of a window `width` wide.
    pub fn click(&mut self, row_in_view: usize, col_in_view: usize, width: usize) {
        let lines = &self.lines;
        let (row, col) = if self.wrap {
            let width = width.max(1);
            let (mut r, mut seg, mut left) = (self.top, self.top_seg, row_in_view);
            loop {
                let rows = self.rows_of(r, width, false);
                if seg + left < rows || r + 1 >= lines.len() {
                    let seg = (seg + left).min(rows - 1);
                    break (r, self.char_in_row(r, seg, col_in_view, width));
                }
                left -= rows - seg;
                seg = 0;
                r += 1;
            }
        } else {
            let row = (self.top + row_in_view).min(lines.len() - 1);
            (row, char_at_col(&lines[row], self.left + col_in_view))
        };
        self.anchor = None;
        self.jump(row, col);
    }

    /// The char at display column `x` of wrapped row `seg` of line `row`; past the row's
    /// end (or on the cell a wide character left blank), the row's last char.
    fn char_in_row(&self, row: usize, seg: usize, x: usize, width: usize) -> usize {
        let line = &self.lines[row];
        if self.plain[row] {
            return (seg * width + x).min(line.len());
        }
        let wrapped = self.line_rows(row, width);
        let (first, start_col) = wrapped.start(seg).unwrap_or((0, 0));
        let col = char_at_col(line, start_col + x);
        match wrapped.start(seg + 1) {
            Some((next, _)) => col.min(next.saturating_sub(1)).max(first),
            None => col,
        }
    }

    /// Scrolls the view by `rows` without moving the text (mouse wheel).
    pub fn scroll_lines(&mut self, rows: isize) {
        let max = self.lines.len().saturating_sub(1);
        self.top = self.top.saturating_add_signed(rows).min(max);
        self.top_seg = 0;
        let (row, col) = self.cursor();
        if row < self.top {
            self.jump(self.top, col);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::BodyEditor;
    use super::LineRows;
    use super::*;

    #[test]
    fn display_columns_expand_tabs() {
        assert_eq!(display_col("\tab", 1), 4);
        assert_eq!(display_col("a\tb", 2), 4);
        assert_eq!(char_at_col("\tab", 4), 1);
        assert_eq!(char_at_col("\tab", 2), 0);
        assert_eq!(display_col("é漢", 2), 3);
    }

    #[test]
    fn scroll_follows_cursor() {
        let text: String = (0..100).map(|i| format!("{i}\n")).collect();
        let mut e = BodyEditor::from_text(&text);
        e.jump(50, 0);
        e.scroll_to_cursor(10, 20);
        assert_eq!(e.top, 41);
        e.jump(3, 0);
        e.scroll_to_cursor(10, 20);
        assert_eq!(e.top, 3);
        let long = "x".repeat(1 << 20);
        let mut e = BodyEditor::from_text(&long);
        e.wrap = false;
        e.jump(0, 700_000);
        assert_eq!(e.cursor(), (0, 700_000));
        e.scroll_to_cursor(10, 40);
        assert!(e.left <= 700_000 && 700_000 < e.left + 40);
    }

    #[test]
    fn wrapped_scroll_keeps_the_cursor_row_in_view() {
        // three lines of 25, 5 and 10 cells in a 10-wide window: rows 3, 1, 1
        let mut e = BodyEditor::from_text(&format!(
            "{}\n{}\n{}",
            "a".repeat(25),
            "b".repeat(5),
            "c".repeat(10)
        ));
        e.jump(2, 10);
        e.scroll_to_cursor(3, 10);
        // the cursor sits after a full row, on a row of its own: the window shows
        // line 1, line 2 and the cursor row
        assert_eq!((e.top, e.top_seg), (1, 0));
        e.jump(0, 24);
        e.scroll_to_cursor(3, 10);
        assert_eq!((e.top, e.top_seg), (0, 2));
        e.click(1, 3, 10);
        assert_eq!(e.cursor(), (1, 3));
        assert_eq!(wrapped_rows("abcd", 2, true), 3);
        assert_eq!(wrapped_rows("", 2, true), 1);
    }

    #[test]
    fn a_wide_character_that_does_not_fit_starts_the_next_row() {
        // "ab東京" in 3 cells: "ab" | "東" + a blank cell | "京"
        let mut e = BodyEditor::from_text("ab東京");
        assert_eq!(wrapped_rows("ab東京", 3, false), 3);
        assert_eq!(wrapped_rows("ab東京", 3, true), 3);
        assert_eq!(wrapped_rows("ab東京", 4, true), 2);
        assert_eq!(wrapped_rows("ab東京", 6, true), 2);
        e.jump(0, 2);
        e.scroll_to_cursor(1, 3);
        assert_eq!((e.top, e.top_seg), (0, 1));
        // the blank cell after 東 belongs to 東's row
        e.click(0, 2, 3);
        assert_eq!(e.cursor(), (0, 2));
        e.jump(0, 4);
        e.scroll_to_cursor(1, 3);
        assert_eq!((e.top, e.top_seg), (0, 2));
        let rows = LineRows::new("ab東京", 3);
        assert_eq!((rows.row_of(1), rows.row_of(2), rows.row_of(3)), (0, 1, 2));
    }
}
