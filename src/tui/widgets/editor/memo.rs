//! What the view keeps of long lines between frames, so a frame or a keystroke in a 1 MB
//! line does not walk the line again: the JSON string state every `STRIDE` bytes (where the
//! colouring of a window far into a line starts) and the line's wrapped rows. The two
//! primitive changes drop what an edit makes stale; a memo is never read past a change.

use super::view::LineRows;
use crate::tui::json::StringState;
use std::cell::RefCell;
use std::sync::Arc;

/// Bytes between two kept string states; lines shorter than two strides are scanned.
pub const STRIDE: usize = 4096;

/// Lines wrapped by hand below this length: their rows are cheaper to work out than to keep.
const ROWS_FROM: usize = 1024;

/// Long lines kept at once (a window shows only a few of them).
const LINES: usize = 8;

#[derive(Default)]
pub(super) struct Memo {
    /// Per long line: its row and the string state at bytes 0, STRIDE, 2 × STRIDE, ...
    strings: RefCell<Vec<(usize, Vec<StringState>)>>,
    /// Per long line: its row, the width it was wrapped at and its rows.
    rows: RefCell<Vec<(usize, usize, Arc<LineRows>)>>,
}

impl Memo {
    /// Line `row` changed from byte `b` on; no line was added or removed.
    pub fn line_changed(&mut self, row: usize, b: usize) {
        for (r, states) in self.strings.get_mut() {
            if *r == row {
                states.truncate(b / STRIDE + 1);
            }
        }
        self.rows.get_mut().retain(|e| e.0 != row);
    }

    /// Line `row` changed from byte `b` on, and the lines after it moved.
    pub fn lines_changed(&mut self, row: usize, b: usize) {
        self.line_changed(row, b);
        self.strings.get_mut().retain(|e| e.0 <= row);
        self.rows.get_mut().retain(|e| e.0 < row);
    }

    /// The JSON string state at byte `at` of `line` (line `row`).
    pub fn string_state(&self, row: usize, line: &str, at: usize) -> StringState {
        let b = line.as_bytes();
        let at = at.min(b.len());
        if b.len() < 2 * STRIDE {
            return StringState::default().scan(&b[..at], 0);
        }
        let mut all = self.strings.borrow_mut();
        let i = match all.iter().position(|e| e.0 == row) {
            Some(i) => i,
            None => {
                if all.len() >= LINES {
                    all.remove(0);
                }
                all.push((row, vec![StringState::default()]));
                all.len() - 1
            }
        };
        let states = &mut all[i].1;
        let k = at / STRIDE;
        while states.len() <= k {
            let from = (states.len() - 1) * STRIDE;
            let last = states[states.len() - 1];
            states.push(last.scan(&b[from..from + STRIDE], from));
        }
        states[k].scan(&b[k * STRIDE..at], k * STRIDE)
    }

    /// Line `row` (`line`) wrapped at `width`.
    pub fn rows(&self, row: usize, line: &str, width: usize) -> Arc<LineRows> {
        if line.len() < ROWS_FROM {
            return Arc::new(LineRows::new(line, width));
        }
        let mut all = self.rows.borrow_mut();
        if let Some(e) = all.iter().find(|e| e.0 == row && e.1 == width) {
            return e.2.clone();
        }
        let rows = Arc::new(LineRows::new(line, width));
        all.retain(|e| e.0 != row);
        if all.len() >= LINES {
            all.remove(0);
        }
        all.push((row, width, rows.clone()));
        rows
    }
}
