//! Where each pane goes. One pure function, used by `draw` to render and by `update` to
//! map mouse clicks and to size scrolling, so both always agree.

use super::app::{App, Focus, Tab};
use ratatui::layout::{Constraint, Layout, Position, Rect};

/// Terminals at least this wide put the response beside the editor.
pub const WIDE: u16 = 120;

/// Terminals at least this wide put the library sidebar beside the panes; narrower ones
/// show it in their place.
pub const SIDEBAR_BESIDE: u16 = 64;

/// Below this many columns × rows the panes do not fit, and the screen says so instead. 11
/// rows are the header line, the request box, body and signature boxes of one line each
/// (55% of what is left), a response box of one line, and the status bar; 40 columns keep
/// the tabs, the method and a URL, and two half-width panes that still show some text.
pub const MIN: (u16, u16) = (40, 11);

/// Whether `area` is below `MIN`.
pub fn too_small(area: Rect) -> bool {
    area.width < MIN.0 || area.height < MIN.1
}

pub const TAB_REQUEST: (u16, u16) = (7, 16);
pub const TAB_FEED: (u16, u16) = (16, 22);

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Panes {
    pub top: Rect,
    pub request: Rect,
    pub method: Rect,
    pub url_inner: Rect,
    pub body: Rect,
    pub body_inner: Rect,
    pub signature: Rect,
    pub signature_inner: Rect,
    pub response: Rect,
    pub response_inner: Rect,
    pub feed: Rect,
    pub status: Rect,
    /// The library sidebar; empty when hidden.
    pub sidebar: Rect,
    /// The scenario pane, in the place of body, signature and response while it has the
    /// focus; empty otherwise.
    pub scenario: Rect,
}

fn inner(r: Rect) -> Rect {
    Rect {
        x: r.x.saturating_add(1),
        y: r.y.saturating_add(1),
        width: r.width.saturating_sub(2),
        height: r.height.saturating_sub(2),
    }
}

pub fn compute(area: Rect, app: &App) -> Panes {
    // Too small: no pane is drawn, so none takes clicks or sizes scrolling.
    if too_small(area) {
        let none = Rect::new(area.x, area.y, 0, 0);
        return Panes {
            top: none,
            request: none,
            method: none,
            url_inner: none,
            body: none,
            body_inner: none,
            signature: none,
            signature_inner: none,
            response: none,
            response_inner: none,
            feed: none,
            status: none,
            sidebar: none,
            scenario: none,
        };
    }
    let [top, request, main, status] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(3),
        Constraint::Min(4),
        Constraint::Length(1),
    ])
    .areas(area);
    let feed = Rect {
        y: request.y,
        height: request.height + main.height,
        ..request
    };
    // The sidebar: a column beside the panes, which shrink to make room; below
    // `SIDEBAR_BESIDE` columns there is no room for both, and it takes the panes' place.
    let mut sidebar = Rect::new(area.x, request.y, 0, 0);
    let mut covered = false;
    let (request, main) = if app.library.visible && app.tab == Tab::Request {
        let w = if area.width >= WIDE {
            36.min(area.width / 4)
        } else if area.width >= SIDEBAR_BESIDE {
            (area.width / 3).clamp(20, 30)
        } else {
            covered = true;
            area.width
        };
        sidebar = Rect::new(area.x, request.y, w, request.height + main.height);
        let shift = |r: Rect| Rect {
            x: r.x + w,
            width: r.width - w,
            ..r
        };
        (shift(request), shift(main))
    } else {
        (request, main)
    };
    let (body, signature, response) = if area.width >= WIDE {
        let [left, right] =
            Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)])
                .areas(main);
        let [body, signature] =
            Layout::vertical([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(left);
        (body, signature, right)
    } else {
        let [upper, lower] =
            Layout::vertical([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(main);
        let [body, signature] =
            Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)])
                .areas(upper);
        (body, signature, lower)
    };
    // Zoom: the focused pane takes the whole middle of the screen.
    let hidden = Rect::new(main.x, main.y, 0, 0);
    let request = if covered { hidden } else { request };
    let scenario = if app.focus == Focus::Scenario && !covered {
        main
    } else {
        hidden
    };
    let (body, signature, response) = match (app.zoom, app.focus) {
        _ if covered => (hidden, hidden, hidden),
        (_, Focus::Scenario) => (hidden, hidden, hidden),
        (true, Focus::Body) => (main, hidden, hidden),
        (true, Focus::Signature) => (hidden, main, hidden),
        (true, Focus::Response) => (hidden, hidden, main),
        _ => (body, signature, response),
    };
    let req_inner = inner(request);
    let method = Rect {
        width: 9.min(req_inner.width),
        ..req_inner
    };
    let url_inner = Rect {
        x: req_inner.x + method.width + 1,
        width: req_inner.width.saturating_sub(method.width + 1),
        ..req_inner
    };
    Panes {
        top,
        request,
        method,
        url_inner,
        body,
        body_inner: inner(body),
        signature,
        signature_inner: inner(signature),
        response,
        response_inner: inner(response),
        feed,
        status,
        sidebar,
        scenario,
    }
}

impl Panes {
    /// The pane under the mouse.
    pub fn pane_at(&self, at: Position, tab: Tab) -> Option<Focus> {
        if tab == Tab::Feed {
            return None;
        }
        if self.sidebar.contains(at) {
            Some(Focus::Sidebar)
        } else if self.scenario.contains(at) {
            Some(Focus::Scenario)
        } else if self.method.contains(at) {
            Some(Focus::Method)
        } else if self.request.contains(at) {
            Some(Focus::Url)
        } else if self.body.contains(at) {
            Some(Focus::Body)
        } else if self.signature.contains(at) {
            Some(Focus::Signature)
        } else if self.response.contains(at) {
            Some(Focus::Response)
        } else {
            None
        }
    }

    pub fn tab_at(&self, at: Position) -> Option<Tab> {
        if at.y != self.top.y || self.top.height == 0 {
            return None;
        }
        if (TAB_REQUEST.0..TAB_REQUEST.1).contains(&at.x) {
            Some(Tab::Request)
        } else if (TAB_FEED.0..TAB_FEED.1).contains(&at.x) {
            Some(Tab::Feed)
        } else {
            None
        }
    }
}
