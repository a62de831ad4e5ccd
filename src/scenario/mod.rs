//! Scenario files: a chain of signed requests and feed waits in one TOML file, with
//! variables, captures and assertions. Pure: parsing, rendering and checking; the runner
//! that sends each step through `http::execute` lives in the `flow` edge.

mod check;
mod file;
mod render;
mod report;
mod shipped;

pub use check::{Answer, capture, capture_message, check, feed_matches, json_path};
pub use file::{
    Capture, Expect, FeedStep, Request, Retry, Scenario, ScenarioError, Step, StepKind, Tamper,
};
pub use render::{
    Builtins, RenderError, SystemBuiltins, Vars, chain, render, render_bytes, valid_name,
};
pub use report::{Outcome, RunReport, StepReport, junit, to_json};
pub use shipped::{SHIPPED, shipped};

#[cfg(test)]
#[path = "tests.rs"]
mod tests;
