//! `draw`: the whole screen from the state, with no side effects.

use super::app::{App, Tab};
use super::{body, confirm, header, help, layout, response, signature, status};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::Widget;

impl Widget for &App {
    fn render(self, area: Rect, buf: &mut Buffer) {
        if layout::too_small(area) {
            too_small(area, buf);
            return;
        }
        let p = layout::compute(area, self);
        header::render_top(self, p.top, buf);
        match self.tab {
            Tab::Request => {
                header::render_request(self, &p, buf);
                body::render(self, p.body, buf);
                signature::render(self, p.signature, buf);
                response::render(self, p.response, buf);
                if p.scenario.width > 0 {
                    super::scenario_pane::render(
                        &self.scenario,
                        self.focus == super::app::Focus::Scenario,
                        self.now.mono_ms,
                        p.scenario,
                        buf,
                    );
                }
                if self.library.visible {
                    let current = self.current.as_ref().map(|c| {
                        (
                            c.collection.as_str(),
                            c.request.name.as_str(),
                            self.is_edited(),
                        )
                    });
                    super::sidebar::SidebarView {
                        library: &self.library,
                        focused: self.focus == super::app::Focus::Sidebar,
                        current,
                    }
                    .render(p.sidebar, buf);
                }
                header::render_completion(self, &p, area, buf);
            }
            Tab::Feed => self.feed.render(p.feed, buf),
        }
        status::render(self, p.status, buf);
        if let Some(c) = &self.confirm {
            confirm::render(c, area, buf);
        }
        if self.sabotage_menu {
            confirm::render_sabotage(area, buf);
        }
        if let Some(picker) = &self.picker {
            picker.render(&self.profile.name, area, buf);
        }
        if let Some(o) = &self.onboarding {
            o.render(area, buf);
        }
        // last: F1 opens help over any overlay
        if let Some(scroll) = self.help {
            help::render(scroll, area, buf);
        }
    }
}

/// One line instead of the panes, wrapped onto the rows there are, so even 1×1 shows
/// something and no pane is drawn into a rectangle it does not fit.
fn too_small(area: Rect, buf: &mut Buffer) {
    use ratatui::widgets::{Paragraph, Wrap};
    let (w, h) = layout::MIN;
    let text = format!(
        "terminal too small: {}×{}, need {w}×{h}",
        area.width, area.height
    );
    Paragraph::new(text)
        .style(super::theme::warning())
        .wrap(Wrap { trim: true })
        .render(area, buf);
}
