//! `draw`: the whole screen from the state, with no side effects.

use super::app::{App, Tab};
use super::{body, confirm, header, help, layout, response, signature, status};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::Widget;

impl Widget for &App {
    fn render(self, area: Rect, buf: &mut Buffer) {
        draw(self, area, buf);
        super::theme::apply(self.theme, area, buf);
    }
}

fn draw(app: &App, area: Rect, buf: &mut Buffer) {
    if layout::too_small(area) {
        too_small(area, buf);
        return;
    }
    let p = layout::compute(area, app);
    header::render_top(app, p.top, buf);
    match app.tab {
        Tab::Request => {
            header::render_request(app, &p, buf);
            body::render(app, p.body, buf);
            signature::render(app, p.signature, buf);
            response::render(app, p.response, buf);
            if p.scenario.width > 0 {
                super::scenario_pane::render(
                    &app.scenario,
                    app.focus == super::app::Focus::Scenario,
                    app.now.mono_ms,
                    &app.keymap,
                    p.scenario,
                    buf,
                );
            }
            if app.library.visible {
                let current = app.current.as_ref().map(|c| {
                    (
                        c.collection.as_str(),
                        c.request.name.as_str(),
                        app.is_edited(),
                    )
                });
                super::sidebar::SidebarView {
                    library: &app.library,
                    focused: app.focus == super::app::Focus::Sidebar,
                    current,
                    keys: &app.keymap,
                }
                .render(p.sidebar, buf);
            }
            header::render_completion(app, &p, area, buf);
        }
        Tab::Feed => app.feed.render(p.feed, buf),
    }
    status::render(app, p.status, buf);
    if let Some(c) = &app.confirm {
        confirm::render(c, area, buf);
    }
    if app.sabotage_menu {
        confirm::render_sabotage(app.profile.scheme, area, buf);
    }
    if let Some(picker) = &app.picker {
        picker.render(&app.profile.name, area, buf);
    }
    if let Some(o) = &app.onboarding {
        o.render(area, buf);
    }
    // last: F1 opens help over any overlay
    if let Some(scroll) = app.help {
        help::render(scroll, &app.keymap, area, buf);
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
