//! The body editor: the body as lines (split on `\n` only, so a CR stays in its line's text
//! and the bytes round-trip exactly), a cursor, a selection and undo. We draw it ourselves
//! (see `body.rs`) so invisible bytes get markers and only the visible window is rendered.
//!
//! Why not `ratatui-textarea`: it recomputes a screen map over the whole text, one Unicode
//! width lookup per character, on every edit. In a 1 MB body that alone took ~9 ms per
//! keystroke. Here an edit touches only the lines it changes.

mod buffer;
mod keys;
mod memo;
mod motion;
mod view;

pub use buffer::normalize_paste;
pub use view::{
    LineRows, cell_width, char_at_col, char_width, display_col, display_width, rows_for_width,
    wrapped_rows,
};

use buffer::Edit;
use std::sync::Arc;

/// A position: line and byte offset within it (always on a char boundary).
type Pos = (usize, usize);

pub struct BodyEditor {
    lines: Vec<String>,
    /// Per line: only printable ASCII, so a byte is a char is a cell. Kept up to date by
    /// the two primitive changes, so long lines are not rescanned on every frame.
    plain: Vec<bool>,
    cursor: Pos,
    /// The other end of the selection, when selecting.
    anchor: Option<Pos>,
    /// The display column Up/Down aim for.
    goal: Option<usize>,
    undo: Vec<Edit>,
    redo: Vec<Edit>,
    /// Bumped on every change of the text, so the signer knows a snapshot is stale.
    revision: u64,
    /// The last `snapshot` and the revision it was taken at: signing again an unchanged
    /// body (a URL edit, a new timestamp) shares it instead of copying 1 MB again.
    snapshot: Option<(u64, Arc<[u8]>)>,
    /// What the view keeps of long lines between frames (see `memo`).
    memo: memo::Memo,
    /// First visible line and first visible display column: kept by `update`, read by
    /// `draw`. With `wrap`, `top_seg` is the first visible row within line `top`.
    pub top: usize,
    pub top_seg: usize,
    pub left: usize,
    /// Soft-wrap long lines (a compact JSON body is one long line).
    pub wrap: bool,
}

impl Default for BodyEditor {
    fn default() -> Self {
        BodyEditor::from_text("")
    }
}

impl std::fmt::Debug for BodyEditor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BodyEditor")
            .field("lines", &self.lines.len())
            .field("revision", &self.revision)
            .field("cursor", &self.cursor)
            .finish()
    }
}

/// Char column of byte offset `b` in `line`.
fn char_col(line: &str, b: usize) -> usize {
    if line.is_ascii() {
        b
    } else {
        line[..b].chars().count()
    }
}

/// Byte offset of char column `col` in `line` (its end when past it).
fn byte_of(line: &str, col: usize) -> usize {
    if line.is_ascii() {
        col.min(line.len())
    } else {
        line.char_indices().nth(col).map_or(line.len(), |(i, _)| i)
    }
}

fn prev_boundary(line: &str, b: usize) -> usize {
    line[..b]
        .chars()
        .next_back()
        .map_or(0, |c| b - c.len_utf8())
}

fn next_boundary(line: &str, b: usize) -> usize {
    line[b..].chars().next().map_or(b, |c| b + c.len_utf8())
}

/// Only printable ASCII: one byte, one char, one cell.
pub fn is_plain(s: &str) -> bool {
    s.bytes().all(|b| (b' '..=b'~').contains(&b))
}

impl BodyEditor {
    pub fn from_text(text: &str) -> Self {
        let lines: Vec<String> = text.split('\n').map(str::to_string).collect();
        BodyEditor {
            plain: lines.iter().map(|l| is_plain(l)).collect(),
            lines,
            cursor: (0, 0),
            anchor: None,
            goal: None,
            undo: Vec::new(),
            redo: Vec::new(),
            revision: 0,
            snapshot: None,
            memo: memo::Memo::default(),
            top: 0,
            top_seg: 0,
            left: 0,
            wrap: true,
        }
    }

    pub fn lines(&self) -> &[String] {
        &self.lines
    }

    /// The JSON string state at byte `at` of line `row`, from the states kept every
    /// `memo::STRIDE` bytes of a long line: where colouring a window of it starts.
    pub fn json_state(&self, row: usize, at: usize) -> crate::tui::json::StringState {
        self.memo.string_state(row, &self.lines[row], at)
    }

    /// Line `row` wrapped at `width`, kept for a long line until it changes.
    pub fn line_rows(&self, row: usize, width: usize) -> Arc<LineRows> {
        self.memo.rows(row, &self.lines[row], width)
    }

    /// Whether line `row` is only printable ASCII.
    pub fn is_plain_line(&self, row: usize) -> bool {
        self.plain.get(row).copied().unwrap_or(false)
    }

    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// (row, char column), 0-based.
    pub fn cursor(&self) -> (usize, usize) {
        let (r, b) = self.cursor;
        if self.plain[r] {
            return (r, b);
        }
        (r, char_col(&self.lines[r], b))
    }

    /// The selection as ((row, char col), (row, char col)), start first.
    pub fn selection(&self) -> Option<((usize, usize), (usize, usize))> {
        let (s, e) = self.selection_bytes()?;
        Some((
            (s.0, char_col(&self.lines[s.0], s.1)),
            (e.0, char_col(&self.lines[e.0], e.1)),
        ))
    }

    fn selection_bytes(&self) -> Option<(Pos, Pos)> {
        let a = self.anchor?;
        if a == self.cursor {
            return None;
        }
        Some(if a < self.cursor {
            (a, self.cursor)
        } else {
            (self.cursor, a)
        })
    }

    pub fn len_bytes(&self) -> usize {
        self.lines.iter().map(String::len).sum::<usize>() + self.lines.len() - 1
    }

    pub fn is_empty(&self) -> bool {
        self.lines.len() == 1 && self.lines[0].is_empty()
    }

    /// The body exactly as it will be signed and sent.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.len_bytes());
        for (i, line) in self.lines.iter().enumerate() {
            if i > 0 {
                out.push(b'\n');
            }
            out.extend_from_slice(line.as_bytes());
        }
        out
    }

    /// The body as `to_bytes` gives it, in one shared allocation made once per revision:
    /// what the signer and the sender get. Copied once, straight into place.
    pub fn snapshot(&mut self) -> Arc<[u8]> {
        if let Some((rev, bytes)) = &self.snapshot
            && *rev == self.revision
        {
            return bytes.clone();
        }
        let mut bytes: Arc<[u8]> = std::iter::repeat_n(0u8, self.len_bytes()).collect();
        let out = Arc::get_mut(&mut bytes).expect("a new Arc has one owner");
        let mut at = 0;
        for (i, line) in self.lines.iter().enumerate() {
            if i > 0 {
                out[at] = b'\n';
                at += 1;
            }
            out[at..at + line.len()].copy_from_slice(line.as_bytes());
            at += line.len();
        }
        self.snapshot = Some((self.revision, bytes.clone()));
        bytes
    }

    pub fn to_text(&self) -> String {
        String::from_utf8(self.to_bytes()).expect("lines are strings")
    }

    /// Whether the body is exactly `bytes`, compared in place (no copy of the body): the
    /// header and the sidebar ask on every frame whether a saved request was edited.
    pub fn eq_bytes(&self, bytes: &[u8]) -> bool {
        if self.len_bytes() != bytes.len() {
            return false;
        }
        let mut rest = bytes;
        for (i, line) in self.lines.iter().enumerate() {
            if i > 0 {
                let Some((b'\n', tail)) = rest.split_first() else {
                    return false;
                };
                rest = tail;
            }
            let Some((head, tail)) = rest.split_at_checked(line.len()) else {
                return false;
            };
            if head != line.as_bytes() {
                return false;
            }
            rest = tail;
        }
        rest.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eq_bytes_compares_in_place() {
        for text in ["", "a", "a\n", "a\r\nb", "{\n\t\"a\": 1\n}\n"] {
            let e = BodyEditor::from_text(text);
            assert!(e.eq_bytes(text.as_bytes()), "{text:?}");
            for other in ["", "a", "a\r", "b\n", "a\nb", "a\r\nc", "{\n\t\"a\": 1\n}"] {
                assert_eq!(
                    e.eq_bytes(other.as_bytes()),
                    text == other,
                    "{text:?} {other:?}"
                );
            }
        }
    }

    #[test]
    fn snapshot_follows_every_change() {
        use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
        let key = |c| KeyEvent::new(c, KeyModifiers::NONE);
        let mut e = BodyEditor::from_text("{\"a\":\r\n1}\n");
        let first = e.snapshot();
        assert_eq!(&first[..], e.to_bytes());
        assert!(Arc::ptr_eq(&first, &e.snapshot()), "unchanged: shared");
        e.jump(1, 1);
        let steps: [&dyn Fn(&mut BodyEditor); 6] = [
            &|e| {
                e.key(key(KeyCode::Char('é')), 10);
            },
            &|e| {
                e.key(key(KeyCode::Enter), 10);
            },
            &|e| {
                e.key(key(KeyCode::Backspace), 10);
            },
            &|e| {
                e.undo();
            },
            &|e| {
                e.redo();
            },
            &|e| e.set_text(""),
        ];
        for step in steps {
            let before = e.snapshot();
            step(&mut e);
            let now = e.snapshot();
            assert_eq!(&now[..], e.to_bytes());
            assert_ne!(before, now);
        }
        assert_eq!(&e.snapshot()[..], b"");
    }

    #[test]
    fn empty_body_is_no_bytes() {
        assert_eq!(BodyEditor::default().to_bytes(), b"");
        assert!(BodyEditor::default().is_empty());
    }
}
