//! Runs scenarios: renders each step, signs exactly the rendered bytes and sends them
//! through `http::execute` (so the history and the doctor see every step), checks the
//! answer, carries captures on, and waits on feeds. The file, rendering and checks are the
//! pure `scenario` module; this is the part with sockets.

mod feeds;
mod step;

use crate::http::{Credentials, Origin, Recorder};
use crate::scenario::{Outcome, RunReport, Scenario, StepKind, StepReport, SystemBuiltins};
use crate::signing::PublicKey;
use feeds::Feeds;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};
pub use step::what;

/// Where the steps go and how they are signed.
#[derive(Clone)]
pub struct Target {
    pub base_url: String,
    pub credentials: Credentials,
    /// For the doctor on a 1020: the public half of the signing key, and how to name it.
    pub public_key: Option<PublicKey>,
    pub key_source: String,
    /// Where nonces are kept when the profile signs with x-nonce.
    pub nonce_dir: PathBuf,
    pub headers: Vec<(String, String)>,
    pub timeout: Duration,
    pub origin: Origin,
    /// The profile's variables, below the scenario's `[vars]`.
    pub profile_vars: BTreeMap<String, String>,
    /// `--var name=value`: the last place a variable is looked up.
    pub cli_vars: BTreeMap<String, String>,
}

/// What a run reports while it goes, for a progress line or the workbench.
#[derive(Debug, Clone)]
pub enum Event {
    Started {
        index: usize,
        total: usize,
        name: String,
    },
    Finished {
        index: usize,
        step: StepReport,
    },
}

/// How a run behaves.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Stop at the first failed step; the rest are reported skipped.
    pub fail_fast: bool,
}

/// Runs one scenario to its end (or its first failure with `fail_fast`).
pub async fn run(
    scenario: &Scenario,
    file: &str,
    target: &Target,
    client: &reqwest::Client,
    recorder: &dyn Recorder,
    options: Options,
    on_event: &mut (dyn FnMut(Event) + Send),
) -> RunReport {
    let started = Instant::now();
    let mut captures: BTreeMap<String, String> = BTreeMap::new();
    let mut feeds = Feeds::default();
    let mut steps = Vec::with_capacity(scenario.steps.len());
    let mut failed = false;
    let total = scenario.steps.len();
    for (index, step) in scenario.steps.iter().enumerate() {
        on_event(Event::Started {
            index,
            total,
            name: step.name.clone(),
        });
        let ctx = step::Ctx {
            scenario,
            target,
            client,
            recorder,
            captures: &captures,
        };
        let report = if failed && options.fail_fast {
            let mut r = StepReport::new(&step.name, step::what(step));
            r.outcome = Outcome::Skipped;
            r.failures
                .push("not run: an earlier step failed (--fail-fast)".into());
            r
        } else {
            let mut builtins = SystemBuiltins;
            let (report, got) = match step.kind {
                StepKind::Request => step::request(&ctx, step, &mut builtins).await,
                StepKind::OpenFeed => feeds.open(&ctx, step, &mut builtins).await,
                StepKind::WaitFeed => feeds.wait(&ctx, step, &mut builtins).await,
            };
            captures.extend(got);
            report
        };
        failed |= report.outcome == Outcome::Failed;
        on_event(Event::Finished {
            index,
            step: report.clone(),
        });
        steps.push(report);
    }
    feeds.close().await;
    RunReport {
        scenario: scenario.name.clone(),
        file: file.to_string(),
        steps,
        elapsed_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
    }
}
