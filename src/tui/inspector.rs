//! The 1020 inspector: why the server refused the signature, as the doctor explains it.
//! The view is built in the network task from the diagnosis, as styled lines; drawing only
//! scrolls and wraps them.

use super::theme;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget, Wrap};

#[derive(Debug, Clone, PartialEq)]
pub struct InspectorView {
    pub lines: Vec<Line<'static>>,
}

impl InspectorView {
    pub fn line_count(&self) -> usize {
        self.lines.len()
    }

    /// A heading line.
    pub fn heading(text: impl Into<String>) -> Line<'static> {
        Line::from(Span::styled(text.into(), theme::title(true)))
    }
}

pub fn render(view: &InspectorView, scroll: usize, area: Rect, buf: &mut Buffer) {
    Paragraph::new(view.lines.clone())
        .wrap(Wrap { trim: false })
        .scroll((scroll.min(u16::MAX as usize) as u16, 0))
        .render(area, buf);
}
