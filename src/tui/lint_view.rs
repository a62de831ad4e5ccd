//! Lint findings as the workbench shows them: severity, what it means for the signature,
//! and the one-key fix when there is one. The checks themselves live in `crate::lint`.

use crate::signing::{AuthMode, AuthValue};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn label(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// A fix the user can apply with one key from the confirmation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixView {
    pub key: char,
    pub label: String,
    /// Index into the findings of the check that produced it.
    pub finding: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LintNote {
    pub severity: Severity,
    pub message: String,
    pub fix: Option<FixView>,
}

pub struct LintInput<'a> {
    pub method: &'a str,
    pub url: Option<&'a str>,
    pub typed_url: Option<&'a str>,
    pub body: &'a [u8],
    pub saved_body: Option<&'a [u8]>,
    pub mode: AuthMode,
    pub fixed_value: Option<AuthValue>,
    pub now_unix: i64,
}

pub fn check(_input: &LintInput<'_>) -> Vec<LintNote> {
    Vec::new()
}

/// Whether sending should stop for a confirmation.
pub fn needs_confirmation(notes: &[LintNote]) -> bool {
    notes.iter().any(|n| n.severity >= Severity::Warning)
}

/// Applies a one-key fix to the body.
pub fn apply_fix(fix: &FixView, body: &[u8]) -> Result<Vec<u8>, String> {
    let _ = (fix, body);
    Err("no fix available".into())
}
