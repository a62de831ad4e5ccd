//! `--json` output shared by the commands a script reads. One name per fact, taken from
//! the history's stored format (`xsign history --json`): `payload_hash`, `x_sign`,
//! `auth.mode`/`auth.value`, `method`, `url`, `response.status`, `duration_ms`, `profile`,
//! `scheme`, `key.fingerprint`; plus `exit_code`, the code the command exits with.

use super::exit::Exit;
use crate::store::HistoryEntry;
use serde_json::{Value, json};

/// A request as recorded (what was signed, sent and answered; the API key never in
/// clear, the response body its first 64 KiB), with the exit code it gives.
pub fn exchange(entry: &HistoryEntry, exit: Exit) -> Value {
    let mut v = serde_json::to_value(entry).unwrap_or_else(|_| json!({}));
    v["exit_code"] = json!(exit.code());
    v
}

/// A report's verdict as JSON: `verdict`, `summary`, and each finding.
pub fn doctor(report: &crate::diagnose::Report, exit: Exit) -> Value {
    let findings: Vec<Value> = report
        .findings
        .iter()
        .map(|c| {
            json!({
                "kind": snake(&format!("{:?}", c.kind)),
                "severity": snake(&format!("{:?}", c.severity)),
                "title": c.title,
                "detail": c.detail,
                "fix": c.fix,
            })
        })
        .collect();
    json!({
        "verdict": snake(&format!("{:?}", report.verdict.kind)),
        "summary": report.verdict.summary,
        "findings": findings,
        "exit_code": exit.code(),
    })
}

/// `TrailingNewline` → `trailing_newline`: enum names as JSON values.
fn snake(camel: &str) -> String {
    let mut out = String::with_capacity(camel.len() + 4);
    for (i, ch) in camel.chars().enumerate() {
        if ch.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(ch.to_ascii_lowercase());
        } else {
            out.push(ch);
        }
    }
    out
}

/// One JSON value on a line of stdout.
pub fn print(v: &Value) {
    outln!("{v}");
}

#[cfg(test)]
mod tests {
    #[test]
    fn enum_names_become_snake_case() {
        assert_eq!(super::snake("TrailingNewline"), "trailing_newline");
        assert_eq!(super::snake("Found"), "found");
    }
}
