//! The scenario file: what a step asks for, as written (templates not yet rendered).

use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    #[error("cannot read the scenario {path}: {reason}")]
    Read { path: PathBuf, reason: String },
    #[error("{path} is not a valid scenario: {reason}")]
    Parse { path: PathBuf, reason: String },
    #[error("{path}: step {step:?}: {problem}")]
    Step {
        path: PathBuf,
        step: String,
        problem: String,
    },
}

/// One scenario file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Shown in reports; the file name when missing.
    #[serde(default)]
    pub name: String,
    /// Variables for every step, below captures and above the profile's and `--var`.
    #[serde(default)]
    pub vars: BTreeMap<String, String>,
    #[serde(default, rename = "step")]
    pub steps: Vec<Step>,
    /// The folder of the file: `body_file` is read relative to it.
    #[serde(skip)]
    pub dir: PathBuf,
}

/// One `[[step]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub name: String,
    #[serde(default)]
    pub kind: StepKind,
    /// The step's own values: the first place a variable is looked up.
    #[serde(default)]
    pub values: BTreeMap<String, String>,
    #[serde(flatten)]
    pub request: Request,
    #[serde(flatten)]
    pub feed: FeedStep,
    #[serde(default)]
    pub expect: Expect,
    /// Name = JSON path into the response (`$.company_id`), or `header:NAME`.
    #[serde(default)]
    pub capture: BTreeMap<String, Capture>,
    pub retry: Option<Retry>,
    /// Send something other than what was signed, on purpose, to see the 1020 and what the
    /// doctor says about it.
    pub tamper: Option<Tamper>,
    /// A template: the step is skipped when it renders to anything but "", "false" or "0".
    pub skip_if: Option<String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    /// A signed HTTP request.
    #[default]
    Request,
    /// Subscribe to a feed now and keep its messages for a later `wait_feed` (a feed sends
    /// only what happens after the subscription).
    OpenFeed,
    /// Wait on a feed until a message matches.
    WaitFeed,
}

/// A mistake made on purpose after signing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tamper {
    /// Sign the body, then send it with a newline added (what many editors do on save).
    TrailingNewline,
}

/// The request of a `request` step.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Request {
    pub method: Option<String>,
    /// A path under the profile's base URL, or an absolute URL.
    pub url: Option<String>,
    pub body: Option<String>,
    /// Relative to the scenario file.
    pub body_file: Option<PathBuf>,
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
}

/// The feed part of an `open_feed` or `wait_feed` step.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct FeedStep {
    /// `open_feed`: the feed's path or URL. `wait_feed`: the name of an `open_feed` step,
    /// or a path or URL to subscribe to now.
    pub feed: Option<String>,
    /// JSON path = the value a matching message has there (`"*"`: present at all).
    #[serde(default, rename = "match")]
    pub matches: BTreeMap<String, toml::Value>,
    /// How long to wait for a match.
    pub timeout_ms: Option<u64>,
    /// Approve (true) or reject (false) the core client action of the matched message.
    pub approve: Option<bool>,
}

/// What a response must be.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    pub status: Option<u16>,
    /// JSON path = the value it must select (a TOML string, number, bool).
    #[serde(default)]
    pub json: BTreeMap<String, toml::Value>,
    /// JSON paths that must select something.
    #[serde(default)]
    pub exists: Vec<String>,
    /// JSON path = a regular expression its (string) value must match.
    #[serde(default)]
    pub matches: BTreeMap<String, String>,
    /// Header name = the value it must have (names in any case).
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// The response must come within this many milliseconds.
    pub max_ms: Option<u64>,
}

/// A capture: a JSON path (`$.x`) or `header:NAME`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(from = "String")]
pub enum Capture {
    Json(String),
    Header(String),
}

impl From<String> for Capture {
    fn from(s: String) -> Capture {
        match s.strip_prefix("header:") {
            Some(h) => Capture::Header(h.trim().to_string()),
            None => Capture::Json(s),
        }
    }
}

/// Try again when the step fails: `count` more attempts, `delay_ms` apart.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Retry {
    pub count: u32,
    #[serde(default)]
    pub delay_ms: u64,
}

impl Retry {
    pub fn delay(&self) -> Duration {
        Duration::from_millis(self.delay_ms)
    }
}

impl Scenario {
    /// Reads and checks a scenario file (bounded, so a wrong path cannot eat the memory).
    pub fn load(path: &Path) -> Result<Scenario, ScenarioError> {
        let text =
            crate::input_file::read_text(path, crate::input_file::SCENARIO).map_err(|e| {
                ScenarioError::Read {
                    path: path.to_path_buf(),
                    reason: e.to_string(),
                }
            })?;
        let mut s = Scenario::parse(&text, path)?;
        s.dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        Ok(s)
    }

    /// Parses scenario text; `path` names it in errors.
    pub fn parse(text: &str, path: &Path) -> Result<Scenario, ScenarioError> {
        let mut s: Scenario = toml::from_str(text).map_err(|e| ScenarioError::Parse {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })?;
        if s.name.is_empty() {
            s.name = path
                .file_stem()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| "scenario".into());
        }
        let step_error = |step: &Step, problem: &str| ScenarioError::Step {
            path: path.to_path_buf(),
            step: step.name.clone(),
            problem: problem.to_string(),
        };
        if s.steps.is_empty() {
            return Err(ScenarioError::Parse {
                path: path.to_path_buf(),
                reason: "it has no steps: add one with [[step]], name, method and url".into(),
            });
        }
        let mut seen = std::collections::BTreeSet::new();
        for step in &s.steps {
            if !seen.insert(step.name.as_str()) {
                return Err(step_error(
                    step,
                    "another step has this name: names must differ",
                ));
            }
            match step.kind {
                StepKind::Request => {
                    if step.request.method.is_none() || step.request.url.is_none() {
                        return Err(step_error(step, "a request step needs method and url"));
                    }
                    if step.request.body.is_some() && step.request.body_file.is_some() {
                        return Err(step_error(step, "give body or body_file, not both"));
                    }
                }
                StepKind::OpenFeed | StepKind::WaitFeed => {
                    if step.feed.feed.is_none() {
                        return Err(step_error(
                            step,
                            "a feed step needs feed = \"/coreclient/{{client_id}}/feed\" (or an open_feed step's name)",
                        ));
                    }
                }
            }
        }
        Ok(s)
    }
}
