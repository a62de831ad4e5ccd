//! Lint findings as the workbench shows them: severity, what it means for the signature,
//! and the key of the one-key fix when there is one. The checks are `crate::lint`'s.

use crate::lint::{self, Finding, Fix};

pub use crate::lint::Severity;

/// A fix the user can apply with one key from the confirmation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixView {
    pub key: char,
    pub label: &'static str,
    pub fix: Fix,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LintNote {
    pub severity: Severity,
    pub message: String,
    pub fix: Option<FixView>,
}

/// The key that applies a fix: its initial, as the confirmation shows it.
pub fn fix_key(fix: Fix) -> char {
    match fix {
        Fix::Compact => 'c',
        Fix::StripTabs => 't',
        Fix::DropTrailingNewline => 'n',
        Fix::UseWireUrl => 'u',
    }
}

pub fn severity_label(s: Severity) -> &'static str {
    match s {
        Severity::Info => "info",
        Severity::Warning => "warning",
        Severity::Error => "error",
    }
}

impl From<Finding> for LintNote {
    fn from(f: Finding) -> Self {
        LintNote {
            severity: f.severity,
            message: f.message,
            fix: f.fix.map(|fix| FixView {
                key: fix_key(fix),
                label: fix.label(),
                fix,
            }),
        }
    }
}

/// What the checks look at; `url` is the absolute URL as typed, `signed_url` the one the
/// workbench signs and sends (its wire form, `Target::wire`).
pub struct LintInput<'a> {
    pub method: &'a str,
    pub url: &'a str,
    pub signed_url: &'a str,
    pub body: &'a [u8],
    pub saved_body: Option<&'a [u8]>,
    pub now_unix: i64,
    pub scheme: crate::signing::Scheme,
}

pub fn check(input: &LintInput<'_>) -> Vec<LintNote> {
    let mut core = lint::LintInput::new(input.method, input.url, input.body, input.now_unix);
    core.saved_body = input.saved_body;
    core.signed_url = Some(input.signed_url);
    core.scheme = input.scheme;
    lint::check(&core).into_iter().map(LintNote::from).collect()
}

/// Whether sending should stop for a confirmation.
pub fn needs_confirmation(notes: &[LintNote]) -> bool {
    notes.iter().any(|n| n.severity >= Severity::Warning)
}
