//! First run: with no profile set up, plain `xsign` offers three ways in: the demo, a new
//! key, or an existing `private.pem` and `apikey`.

use super::errors::OnboardError;
use super::help::render_dialog;
use super::theme;
use super::widgets::text_input::TextInput;
use crossterm::event::{KeyCode, KeyEvent};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use std::path::PathBuf;

/// The profile first-run set-up writes.
pub const PROFILE: &str = "production";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Choose,
    /// Generating the key pair.
    Generating,
    /// The key exists; the API key is pasted or typed here.
    ApiKey {
        key_path: PathBuf,
        public_path: PathBuf,
        input: TextInput,
    },
    /// Paths of an existing key and API key file; `field` 0 or 1 has the cursor.
    Paths {
        key: TextInput,
        apikey: TextInput,
        field: usize,
    },
    /// Writing the profile.
    Saving,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Onboarding {
    pub step: Step,
    pub error: Option<String>,
}

/// The file work first-run set-up asks the runtime for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OnboardOp {
    GenerateKey,
    /// Saves the API key next to the generated key and writes the profile.
    SaveApiKey {
        key_path: PathBuf,
        api_key: String,
    },
    /// Checks the files and writes the profile.
    UsePaths {
        key: PathBuf,
        apikey: PathBuf,
    },
}

#[derive(Debug, Clone)]
pub enum OnboardMessage {
    Generated {
        key_path: PathBuf,
        public_path: PathBuf,
    },
    /// The profile is written: switch to it.
    Ready {
        profile: String,
        note: String,
    },
    Failed(OnboardError),
}

pub enum OnboardAction {
    None,
    StartDemo,
    Skip,
    Do(OnboardOp),
}

impl Default for Onboarding {
    fn default() -> Self {
        Onboarding {
            step: Step::Choose,
            error: None,
        }
    }
}

impl Onboarding {
    pub fn key(&mut self, key: KeyEvent) -> OnboardAction {
        self.error = None;
        match &mut self.step {
            Step::Choose => match key.code {
                KeyCode::Char('d') => OnboardAction::StartDemo,
                KeyCode::Char('g') => {
                    self.step = Step::Generating;
                    OnboardAction::Do(OnboardOp::GenerateKey)
                }
                KeyCode::Char('p') => {
                    self.step = Step::Paths {
                        key: TextInput::new("private.pem"),
                        apikey: TextInput::new("apikey"),
                        field: 0,
                    };
                    OnboardAction::None
                }
                KeyCode::Esc => OnboardAction::Skip,
                _ => OnboardAction::None,
            },
            Step::Generating | Step::Saving => OnboardAction::None,
            Step::ApiKey {
                key_path, input, ..
            } => match key.code {
                KeyCode::Esc => {
                    self.step = Step::Choose;
                    OnboardAction::None
                }
                KeyCode::Enter if !input.text().trim().is_empty() => {
                    let op = OnboardOp::SaveApiKey {
                        key_path: key_path.clone(),
                        api_key: input.text().trim().to_string(),
                    };
                    self.step = Step::Saving;
                    OnboardAction::Do(op)
                }
                _ => {
                    input.key(key);
                    OnboardAction::None
                }
            },
            Step::Paths {
                key: k,
                apikey,
                field,
            } => match key.code {
                KeyCode::Esc => {
                    self.step = Step::Choose;
                    OnboardAction::None
                }
                KeyCode::Tab | KeyCode::BackTab | KeyCode::Up | KeyCode::Down => {
                    *field = 1 - *field;
                    OnboardAction::None
                }
                KeyCode::Enter => {
                    let op = OnboardOp::UsePaths {
                        key: absolute(k.text()),
                        apikey: absolute(apikey.text()),
                    };
                    OnboardAction::Do(op)
                }
                _ => {
                    if *field == 0 {
                        k.key(key);
                    } else {
                        apikey.key(key);
                    }
                    OnboardAction::None
                }
            },
        }
    }

    pub fn paste(&mut self, text: &str) {
        match &mut self.step {
            Step::ApiKey { input, .. } => input.paste(text),
            Step::Paths { key, apikey, field } => {
                if *field == 0 {
                    key.paste(text)
                } else {
                    apikey.paste(text)
                }
            }
            _ => {}
        }
    }

    pub fn apply(&mut self, msg: &OnboardMessage) {
        match msg {
            OnboardMessage::Generated {
                key_path,
                public_path,
            } => {
                self.step = Step::ApiKey {
                    key_path: key_path.clone(),
                    public_path: public_path.clone(),
                    input: TextInput::default(),
                }
            }
            OnboardMessage::Failed(e) => {
                self.error = Some(e.to_string());
                if matches!(self.step, Step::Generating) {
                    self.step = Step::Choose;
                }
                if let Step::Saving = self.step {
                    self.step = Step::Choose;
                }
            }
            OnboardMessage::Ready { .. } => {}
        }
    }

    pub fn render(&self, area: Rect, buf: &mut Buffer) {
        let key = |k: &'static str| Span::styled(format!(" {k} "), theme::key());
        let mut lines: Vec<Line> = Vec::new();
        match &self.step {
            Step::Choose => {
                lines.push(Line::raw(
                    "No profile is set up yet. How do you want to start?",
                ));
                lines.push(Line::raw(""));
                lines.push(Line::from(vec![
                    key("d"),
                    Span::raw(" Start the demo: an embedded mock of the API and a throwaway key."),
                ]));
                lines.push(Line::styled(
                    "     Nothing leaves this machine.",
                    theme::dim(),
                ));
                lines.push(Line::from(vec![
                    key("g"),
                    Span::raw(" Generate a key: a new RSA-2048 private.pem and public.pem"),
                ]));
                lines.push(Line::styled(
                    "     (upload public.pem in the web app), then paste your API key.",
                    theme::dim(),
                ));
                lines.push(Line::from(vec![
                    key("p"),
                    Span::raw(" Point at an existing private.pem and apikey file."),
                ]));
                lines.push(Line::raw(""));
                lines.push(Line::from(vec![
                    key("Esc"),
                    Span::styled(
                        " skip: open the workbench with the production profile as it is",
                        theme::dim(),
                    ),
                ]));
            }
            Step::Generating => lines.push(Line::raw("Generating an RSA-2048 key pair…")),
            Step::Saving => lines.push(Line::raw("Saving the profile…")),
            Step::ApiKey {
                key_path,
                public_path,
                input,
            } => {
                lines.push(Line::styled("Key pair written:", theme::ok()));
                lines.push(Line::raw(format!("  private key {}", key_path.display())));
                lines.push(Line::raw(format!(
                    "  public key  {}",
                    public_path.display()
                )));
                lines.push(Line::raw(""));
                lines.push(Line::raw(
                    "Upload the public key in the Qredo web app (API settings); it gives you an API key.",
                ));
                lines.push(Line::raw(
                    "Paste or type the API key, then Enter (Esc goes back):",
                ));
                let mut spans = vec![Span::styled("  API key ", theme::label())];
                spans.extend(input.masked_spans('•', true));
                lines.push(Line::from(spans));
            }
            Step::Paths {
                key: k,
                apikey,
                field,
            } => {
                lines.push(Line::raw(
                    "Where are your private key and API key files? (Tab switches, Enter saves, Esc goes back)",
                ));
                lines.push(Line::raw(""));
                for (i, (label, value)) in [("private key ", k), ("API key file", apikey)]
                    .into_iter()
                    .enumerate()
                {
                    let mut spans = vec![Span::styled(format!("  {label} "), theme::label())];
                    spans.extend(value.spans(i == *field));
                    lines.push(Line::from(spans));
                }
                lines.push(Line::raw(""));
                lines.push(Line::styled(
                    "Relative paths are taken from the current directory, as the reference client does.",
                    theme::dim(),
                ));
            }
        }
        if let Some(e) = &self.error {
            lines.push(Line::raw(""));
            lines.push(Line::styled(e.clone(), theme::error()));
        }
        render_dialog(
            area,
            buf,
            84.min(area.width),
            Line::styled(" Welcome to xsign ", theme::title(true)),
            theme::border(true),
            lines,
        );
    }
}

fn absolute(p: &str) -> PathBuf {
    let p = PathBuf::from(p.trim());
    if p.is_absolute() {
        p
    } else {
        std::env::current_dir().map(|d| d.join(&p)).unwrap_or(p)
    }
}
