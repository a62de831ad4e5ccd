//! `xsign run FLOW...`: runs scenario files step by step, each step signed over its
//! rendered bytes and sent through the one pipeline, then a table and optional JUnit/JSON
//! reports. Exit 0 every step passed, 1 a step failed, 2 usage (a bad flag or file).

use super::Context;
use super::common::{load_private_key, parse_var, select_profile};
use super::exit::Exit;
use crate::credentials::ProfileFlags;
use crate::flow::{self, Event, Options, Target};
use crate::http::{Credentials, Origin};
use crate::mock::{MockConfig, MockHandle, MockServer};
use crate::scenario::{Outcome, RunReport, Scenario, StepReport};
use crate::signing::{AuthMode, RequestSigner, RsaSigner, generate_key};
use crate::store::History;
use anyhow::Context as _;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

#[derive(Debug, clap::Args)]
#[command(after_help = "\
A scenario is a TOML file of [[step]]s: a request (method, url, body or body_file, headers) with \
expect (status, json, exists, matches, headers, max_ms), capture (name = \"$.json.path\" or \
\"header:NAME\"), retry and skip_if; or kind = \"open_feed\" / \"wait_feed\" to wait on a feed \
for a matching message and approve or reject its core client action. {{name}} is looked up in \
the step's values, earlier captures, [vars], the profile's variables, then --var; {{uuid}}, \
{{now}}, {{random_int}} and {{env.NAME}} are built in; {{{{ is a literal {{.

Examples:
  xsign run assets/scenarios/custody.toml --mock --report junit.xml
  xsign --profile demo run assets/scenarios/custody.toml
  xsign run flows/*.toml --var asset=BTC --json --fail-fast")]
pub struct Args {
    /// Scenario files, run in order
    #[arg(value_name = "FLOW", required = true)]
    pub flows: Vec<PathBuf>,
    /// Run against a fresh embedded mock with a throwaway key (nothing else needed)
    #[arg(long)]
    pub mock: bool,
    /// A variable for the templates, NAME=VALUE (repeatable); looked up last
    #[arg(long = "var", value_name = "NAME=VALUE", value_parser = parse_var)]
    pub vars: Vec<(String, String)>,
    /// Write a JUnit XML report here (one testsuite a scenario, one testcase a step)
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    /// Print the results as JSON on stdout (the table goes to stderr)
    #[arg(long)]
    pub json: bool,
    /// Stop at the first failed step; the remaining steps are reported skipped
    #[arg(long)]
    pub fail_fast: bool,
    #[command(flatten)]
    pub profile_flags: ProfileFlags,
    #[command(flatten)]
    pub http: super::http_flags::HttpFlags,
}

pub fn run(args: Args, ctx: &Context) -> anyhow::Result<ExitCode> {
    if args.mock && ctx.profile.is_some() {
        errln!("error: give --mock or --profile, not both");
        return Ok(Exit::Usage.into());
    }
    let mut scenarios = Vec::with_capacity(args.flows.len());
    for path in &args.flows {
        match Scenario::load(path) {
            Ok(s) => scenarios.push((path.display().to_string(), s)),
            Err(e) => {
                errln!("error: {e}");
                return Ok(Exit::Usage.into());
            }
        }
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let cli_vars: BTreeMap<String, String> = args.vars.iter().cloned().collect();
    let (target, mock, saved_http) = if args.mock {
        let (t, m) = rt.block_on(mock_target(cli_vars))?;
        (t, Some(m), Default::default())
    } else {
        let (t, http) = profile_target(&args, ctx, cli_vars)?;
        (t, None, http)
    };
    let client = args
        .http
        .client(&target.origin.profile, &target.base_url, &saved_http)?;
    let history = History::open_default();
    let options = Options {
        fail_fast: args.fail_fast,
    };
    let mut runs: Vec<RunReport> = Vec::new();
    for (file, scenario) in &scenarios {
        errln!("{} ({file})", scenario.name);
        let mut line = super::run_progress::Progress::default();
        let mut progress = |e: Event| line.event(&e);
        let report = rt.block_on(flow::run(
            scenario,
            file,
            &target,
            &client,
            &history,
            options,
            &mut progress,
        ));
        let stop = args.fail_fast && !report.passed();
        runs.push(report);
        if stop {
            break;
        }
    }
    if let Some(m) = mock {
        rt.block_on(m.shutdown()).context("stopping the mock")?;
    }
    let table = table(&runs);
    if args.json {
        eprint!("{table}");
        outln!("{}", crate::scenario::to_json(&runs));
    } else {
        out!("{table}");
    }
    if let Some(path) = &args.report {
        crate::atomic_file::write_atomic(path, crate::scenario::junit(&runs).as_bytes(), 0o644)
            .with_context(|| format!("cannot write the report {}", path.display()))?;
        errln!("JUnit report: {}", path.display());
    }
    Ok(if runs.iter().all(RunReport::passed) {
        ExitCode::SUCCESS
    } else {
        // A failed step is the scenario's verdict, whatever the status that failed it
        // (its `expect` said what it wanted; the table says what came): one code for all.
        Exit::Failure.into()
    })
}

/// The selected profile (or the reference client's defaults), with its key loaded.
fn profile_target(
    args: &Args,
    ctx: &Context,
    cli_vars: BTreeMap<String, String>,
) -> anyhow::Result<(Target, crate::store::profile::HttpSettings)> {
    let selected = select_profile(ctx, &args.profile_flags)?;
    let r = selected.resolve()?;
    let http = r.http.clone();
    let key = r.key_path.as_deref().map(load_private_key).transpose()?;
    let public_key = key.as_ref().map(crate::signing::PrivateKey::public_key);
    let target = Target {
        base_url: r.base_url,
        credentials: Credentials {
            api_key: r.api_key,
            signer: key.map(|k| Arc::new(RsaSigner::new(k)) as Arc<dyn RequestSigner>),
            mode: r.auth_mode,
        },
        public_key,
        key_source: r
            .key_path
            .as_ref()
            .map_or_else(|| "the key".into(), |p| p.display().to_string()),
        nonce_dir: crate::paths::nonce_dir(),
        headers: r.headers,
        timeout: r.timeout,
        origin: Origin {
            profile: r.name,
            key_path: r.key_path,
            source: None,
        },
        profile_vars: selected.vars(),
        cli_vars,
    };
    Ok((target, http))
}

/// A fresh embedded mock on a free loopback port, in memory, with a throwaway key and API
/// key registered: what `xsign demo` starts, without touching the demo's files.
pub async fn mock_target(
    cli_vars: BTreeMap<String, String>,
) -> anyhow::Result<(Target, MockHandle)> {
    let key = tokio::task::spawn_blocking(|| generate_key(2048))
        .await
        .context("generating the throwaway key")??;
    let api_key = format!("run-{}", hex::encode(rand::random::<[u8; 16]>()));
    let mock = MockServer::start(MockConfig::default(), ([127, 0, 0, 1], 0).into())
        .await
        .context("cannot start the mock")?;
    mock.register(&api_key, key.public_key());
    let target = Target {
        base_url: mock.base_url(),
        public_key: Some(key.public_key()),
        credentials: Credentials {
            api_key,
            signer: Some(Arc::new(RsaSigner::new(key)) as Arc<dyn RequestSigner>),
            mode: AuthMode::Timestamp,
        },
        key_source: "the throwaway key of --mock".into(),
        nonce_dir: crate::paths::nonce_dir(),
        headers: Vec::new(),
        timeout: Duration::from_secs(30),
        origin: Origin {
            profile: "mock".into(),
            key_path: None,
            source: None,
        },
        profile_vars: BTreeMap::new(),
        cli_vars,
    };
    Ok((target, mock))
}

/// Step, status, time, verdict; then each failure in full, and the doctor's headline.
pub fn table(runs: &[RunReport]) -> String {
    let mut out = String::new();
    for r in runs {
        let width = r
            .steps
            .iter()
            .map(|s| s.name.chars().count())
            .max()
            .unwrap_or(4)
            .max(4);
        out.push_str(&format!(
            "\n{}: {} passed, {} failed, {} skipped in {} ms\n",
            r.scenario,
            r.count(Outcome::Passed),
            r.count(Outcome::Failed),
            r.count(Outcome::Skipped),
            r.elapsed_ms
        ));
        out.push_str(&format!(
            "  {:width$}  STATUS  {:>8}  VERDICT\n",
            "STEP", "TIME"
        ));
        for s in &r.steps {
            out.push_str(&row(s, width));
        }
    }
    out
}

fn row(s: &StepReport, width: usize) -> String {
    let status = s.status.map_or_else(|| "-".to_string(), |c| c.to_string());
    let mut line = format!(
        "  {:width$}  {status:>6}  {:>5} ms  {}\n",
        s.name,
        s.elapsed_ms,
        s.verdict()
    );
    // Expected or not, a 1020 gets the doctor's word on why.
    if let Some(d) = &s.doctor {
        line.push_str(&format!("  {:width$}                   doctor: {d}\n", ""));
    }
    if s.outcome == Outcome::Failed {
        for f in s.failures.iter().skip(1) {
            line.push_str(&format!("  {:width$}                   {f}\n", ""));
        }
        if let Some(id) = s.history_id {
            line.push_str(&format!(
                "  {:width$}                   see: xsign history show {id}\n",
                ""
            ));
        }
    }
    line
}
