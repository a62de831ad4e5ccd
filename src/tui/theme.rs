//! Colours and styles, in one place so panes agree.

use ratatui::style::{Color, Modifier, Style};

pub const ACCENT: Color = Color::Cyan;

pub fn border(focused: bool) -> Style {
    if focused {
        Style::new().fg(ACCENT).add_modifier(Modifier::BOLD)
    } else {
        Style::new().fg(Color::DarkGray)
    }
}

pub fn title(focused: bool) -> Style {
    if focused {
        Style::new().fg(ACCENT).add_modifier(Modifier::BOLD)
    } else {
        Style::new().fg(Color::Gray)
    }
}

pub fn dim() -> Style {
    Style::new().fg(Color::DarkGray)
}

pub fn label() -> Style {
    Style::new().fg(Color::Gray)
}

pub fn key() -> Style {
    Style::new().fg(Color::Black).bg(Color::Gray)
}

pub fn cursor() -> Style {
    Style::new().add_modifier(Modifier::REVERSED)
}

pub fn selection() -> Style {
    Style::new().bg(Color::Blue)
}

/// Invisible bytes that change the signature: tabs, CR, trailing spaces, controls.
pub fn marker() -> Style {
    Style::new().fg(Color::Black).bg(Color::LightRed)
}

pub fn error() -> Style {
    Style::new()
        .fg(Color::LightRed)
        .add_modifier(Modifier::BOLD)
}

pub fn warning() -> Style {
    Style::new().fg(Color::Yellow)
}

pub fn ok() -> Style {
    Style::new().fg(Color::LightGreen)
}

pub fn info() -> Style {
    Style::new().fg(Color::LightBlue)
}

pub fn highlight() -> Style {
    Style::new().fg(Color::Black).bg(Color::Yellow)
}

pub fn diff() -> Style {
    Style::new()
        .fg(Color::White)
        .bg(Color::Red)
        .add_modifier(Modifier::BOLD)
}

pub fn status_code(code: u16) -> Style {
    match code {
        200..=299 => ok().add_modifier(Modifier::BOLD),
        300..=399 => info().add_modifier(Modifier::BOLD),
        _ => error(),
    }
}

/// Payload parts: the value, the URL and the body get their own colours so the user sees
/// where one ends and the next starts (there is no separator in the signed bytes).
pub fn payload_value() -> Style {
    Style::new().fg(Color::LightMagenta)
}

pub fn payload_url() -> Style {
    Style::new().fg(Color::LightBlue)
}

pub fn payload_body() -> Style {
    Style::new().fg(Color::White)
}

pub mod json {
    use ratatui::style::{Color, Style};

    pub fn key() -> Style {
        Style::new().fg(Color::LightBlue)
    }
    pub fn string() -> Style {
        Style::new().fg(Color::LightGreen)
    }
    pub fn number() -> Style {
        Style::new().fg(Color::LightYellow)
    }
    pub fn literal() -> Style {
        Style::new().fg(Color::LightMagenta)
    }
    pub fn punct() -> Style {
        Style::new().fg(Color::Gray)
    }
    pub fn other() -> Style {
        Style::new()
    }
}

/// The palettes. Panes draw with the dark one's colours, and [`apply`] turns the finished
/// frame into the chosen one, so there is one set of style functions above and no pane
/// needs to know which theme is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Theme {
    /// Light text on a dark terminal background.
    #[default]
    Dark,
    /// Dark text for a light terminal background.
    Light,
    /// No colour at all (what `NO_COLOR` asks for): emphasis by bold and reverse video.
    Mono,
}

/// Which theme the workbench uses: `--theme` (or `XSIGN_THEME`) first, then `NO_COLOR`
/// set and not empty (<https://no-color.org>), then the config file's
/// `workbench.theme`, then dark. A config value that names no theme gives dark and a
/// message saying what to write instead.
pub fn choose(
    flag: Option<Theme>,
    no_color: Option<&std::ffi::OsStr>,
    configured: Option<&str>,
) -> (Theme, Option<String>) {
    if let Some(t) = flag {
        return (t, None);
    }
    if no_color.is_some_and(|v| !v.is_empty()) {
        return (Theme::Mono, None);
    }
    match configured {
        None => (Theme::Dark, None),
        Some(text) => match <Theme as clap::ValueEnum>::from_str(text.trim(), true) {
            Ok(t) => (t, None),
            Err(_) => (
                Theme::Dark,
                Some(format!(
                    "the config's workbench.theme {:?} is not a theme: write \"dark\", \"light\" or \"mono\" (dark is used)",
                    crate::visible::visible(text)
                )),
            ),
        },
    }
}

/// [`choose`] for this process: `flag`, this environment's `NO_COLOR`, and `config`.
pub fn chosen(flag: Option<Theme>, config: &crate::store::Config) -> (Theme, Option<String>) {
    let no_color = std::env::var_os("NO_COLOR");
    choose(flag, no_color.as_deref(), config.workbench.theme.as_deref())
}

/// Recolours a drawn frame for `theme`. Dark leaves it as drawn.
pub fn apply(theme: Theme, area: ratatui::layout::Rect, buf: &mut ratatui::buffer::Buffer) {
    if theme == Theme::Dark {
        return;
    }
    let area = area.intersection(buf.area);
    for y in area.top()..area.bottom() {
        for x in area.left()..area.right() {
            if let Some(cell) = buf.cell_mut((x, y)) {
                // Assigned, not `set_style`: that only adds modifiers, and mono
                // must also take reverse video away.
                let style = recolour(theme, cell.style());
                cell.fg = style.fg.unwrap_or(Color::Reset);
                cell.bg = style.bg.unwrap_or(Color::Reset);
                cell.modifier = style.add_modifier;
            }
        }
    }
}

fn recolour(theme: Theme, style: Style) -> Style {
    let fg = style.fg.unwrap_or(Color::Reset);
    let bg = style.bg.unwrap_or(Color::Reset);
    match theme {
        Theme::Dark => style,
        Theme::Mono => {
            // A background marked something (selection, a key, an invisible byte): keep it
            // seen as reverse video. Reverse on reverse would cancel, so it toggles.
            let mut out = Style::new().add_modifier(style.add_modifier);
            if bg != Color::Reset {
                out = if style.add_modifier.contains(Modifier::REVERSED) {
                    out.remove_modifier(Modifier::REVERSED)
                } else {
                    out.add_modifier(Modifier::REVERSED)
                };
            }
            // Errors stay bold; the colour that said "error" is gone.
            if matches!(fg, Color::LightRed | Color::Red) {
                out = out.add_modifier(Modifier::BOLD);
            }
            out.fg(Color::Reset).bg(Color::Reset)
        }
        Theme::Light => Style {
            fg: Some(light_fg(fg)),
            bg: Some(light_bg(bg)),
            ..style
        },
    }
}

/// Colours picked for a dark background, swapped for ones that read on a light one.
fn light_fg(c: Color) -> Color {
    match c {
        Color::White | Color::Gray => Color::Black,
        Color::Cyan | Color::LightCyan | Color::LightBlue => Color::Blue,
        Color::Yellow | Color::LightYellow => Color::Indexed(130),
        Color::LightGreen => Color::Green,
        Color::LightRed => Color::Red,
        Color::LightMagenta => Color::Magenta,
        other => other,
    }
}

fn light_bg(c: Color) -> Color {
    match c {
        Color::Blue => Color::Indexed(153),
        Color::Gray => Color::Indexed(250),
        Color::DarkGray => Color::Indexed(252),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::buffer::Buffer;
    use ratatui::layout::Rect;

    fn frame() -> Buffer {
        let mut buf = Buffer::empty(Rect::new(0, 0, 4, 1));
        buf.set_string(0, 0, "a", selection());
        buf.set_string(1, 0, "b", error());
        buf.set_string(2, 0, "c", cursor());
        buf.set_string(3, 0, "d", label());
        buf
    }

    #[test]
    fn mono_draws_no_colour_and_keeps_what_a_background_marked() {
        let mut buf = frame();
        apply(Theme::Mono, buf.area, &mut buf);
        for cell in buf.content() {
            assert_eq!((cell.fg, cell.bg), (Color::Reset, Color::Reset), "{cell:?}");
        }
        let m = |x: u16| buf[(x, 0)].modifier;
        assert!(
            m(0).contains(Modifier::REVERSED),
            "the selection stays visible"
        );
        assert!(m(1).contains(Modifier::BOLD), "an error stays bold");
        assert!(
            m(2).contains(Modifier::REVERSED),
            "the cursor keeps its reverse video"
        );
        assert!(m(3).is_empty());
        // The text itself is untouched.
        assert_eq!(
            buf.content().iter().map(|c| c.symbol()).collect::<String>(),
            "abcd"
        );
    }

    #[test]
    fn light_swaps_the_colours_that_vanish_on_white() {
        let mut buf = frame();
        apply(Theme::Light, buf.area, &mut buf);
        assert_eq!(buf[(0, 0)].bg, Color::Indexed(153));
        assert_eq!(buf[(1, 0)].fg, Color::Red);
        assert_eq!(buf[(3, 0)].fg, Color::Black);
    }

    #[test]
    fn dark_is_the_frame_as_drawn() {
        let mut buf = frame();
        let before = buf.clone();
        apply(Theme::Dark, buf.area, &mut buf);
        assert_eq!(buf, before);
    }

    #[test]
    fn the_flag_wins_then_no_color_then_the_config() {
        use std::ffi::OsStr;
        let set = Some(OsStr::new("1"));
        assert_eq!(
            choose(Some(Theme::Light), set, Some("dark")).0,
            Theme::Light
        );
        assert_eq!(choose(None, set, Some("light")).0, Theme::Mono);
        // NO_COLOR set but empty is as if unset.
        assert_eq!(
            choose(None, Some(OsStr::new("")), Some("light")).0,
            Theme::Light
        );
        assert_eq!(choose(None, None, Some(" Light ")).0, Theme::Light);
        assert_eq!(choose(None, None, None), (Theme::Dark, None));
        let (t, problem) = choose(None, None, Some("solarized"));
        assert_eq!(t, Theme::Dark);
        assert!(problem.unwrap().contains("\"light\""));
    }
}
