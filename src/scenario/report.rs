//! What a run found, per step, and the reports a CI reads: JUnit XML and JSON.

use serde::Serialize;
use std::fmt::Write as _;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Passed,
    Failed,
    Skipped,
}

/// One step's result.
#[derive(Debug, Clone, Serialize)]
pub struct StepReport {
    pub name: String,
    /// `GET /assets`, `wait_feed actions`: what the step did.
    pub what: String,
    pub outcome: Outcome,
    /// The HTTP status of the last attempt.
    pub status: Option<u16>,
    pub elapsed_ms: u64,
    pub attempts: u32,
    /// Each failed assertion with its expected and actual value, or why nothing came.
    pub failures: Vec<String>,
    /// The doctor's headline on a 1020.
    pub doctor: Option<String>,
    /// The history entry of the last attempt (`xsign history show ID`).
    pub history_id: Option<u64>,
}

impl StepReport {
    pub fn new(name: &str, what: String) -> StepReport {
        StepReport {
            name: name.to_string(),
            what,
            outcome: Outcome::Passed,
            status: None,
            elapsed_ms: 0,
            attempts: 0,
            failures: Vec::new(),
            doctor: None,
            history_id: None,
        }
    }

    /// The table's last column: `ok`, `skipped`, or the first failure.
    pub fn verdict(&self) -> String {
        match self.outcome {
            Outcome::Passed => "ok".into(),
            Outcome::Skipped => "skipped".into(),
            Outcome::Failed => self
                .failures
                .first()
                .cloned()
                .unwrap_or_else(|| "failed".into()),
        }
    }
}

/// One scenario's run.
#[derive(Debug, Clone, Serialize)]
pub struct RunReport {
    pub scenario: String,
    pub file: String,
    pub steps: Vec<StepReport>,
    pub elapsed_ms: u64,
}

impl RunReport {
    pub fn passed(&self) -> bool {
        self.steps.iter().all(|s| s.outcome != Outcome::Failed)
    }

    pub fn count(&self, outcome: Outcome) -> usize {
        self.steps.iter().filter(|s| s.outcome == outcome).count()
    }
}

fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // XML 1.0 allows no other control characters, even escaped.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => out.push('?'),
            c => out.push(c),
        }
    }
    out
}

fn secs(ms: u64) -> String {
    format!("{}.{:03}", ms / 1000, ms % 1000)
}

/// JUnit XML: one `<testsuite>` a scenario, one `<testcase>` a step, a `<failure>` with
/// every failed assertion, `<skipped/>` for a skipped step.
pub fn junit(runs: &[RunReport]) -> String {
    let total = |f: &dyn Fn(&RunReport) -> usize| runs.iter().map(f).sum::<usize>();
    let mut x = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        x,
        "<testsuites name=\"xsign run\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\" time=\"{}\">",
        total(&|r| r.steps.len()),
        total(&|r| r.count(Outcome::Failed)),
        total(&|r| r.count(Outcome::Skipped)),
        secs(runs.iter().map(|r| r.elapsed_ms).sum()),
    );
    for r in runs {
        let suite = xml_escape(&r.scenario);
        let _ = writeln!(
            x,
            "  <testsuite name=\"{suite}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\" time=\"{}\" file=\"{}\">",
            r.steps.len(),
            r.count(Outcome::Failed),
            r.count(Outcome::Skipped),
            secs(r.elapsed_ms),
            xml_escape(&r.file),
        );
        for s in &r.steps {
            let _ = write!(
                x,
                "    <testcase name=\"{}\" classname=\"{suite}\" time=\"{}\"",
                xml_escape(&s.name),
                secs(s.elapsed_ms)
            );
            match s.outcome {
                Outcome::Passed => x.push_str("/>\n"),
                Outcome::Skipped => x.push_str(">\n      <skipped/>\n    </testcase>\n"),
                Outcome::Failed => {
                    let mut body = s.failures.join("\n");
                    if let Some(d) = &s.doctor {
                        let _ = write!(body, "\ndoctor: {d}");
                    }
                    let _ = write!(
                        x,
                        ">\n      <failure message=\"{}\" type=\"assertion\">{}</failure>\n    </testcase>\n",
                        xml_escape(&s.verdict()),
                        xml_escape(&body)
                    );
                }
            }
        }
        x.push_str("  </testsuite>\n");
    }
    x.push_str("</testsuites>\n");
    x
}

/// The runs as pretty JSON (`--json`).
pub fn to_json(runs: &[RunReport]) -> String {
    let passed = runs.iter().all(RunReport::passed);
    serde_json::to_string_pretty(&serde_json::json!({ "passed": passed, "scenarios": runs }))
        .unwrap_or_default()
}
