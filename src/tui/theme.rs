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
