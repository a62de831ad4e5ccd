//! One request step: skip_if, render, sign, send through `http::execute`, check, capture,
//! retry; on a 1020 the doctor's headline.

use super::Target;
use crate::diagnose::{self, CheckKey, Evidence, Signed};
use crate::http::{self, Exchange, Recorder, RequestSpec, build_fresh_ticket};
use crate::scenario::{
    self, Answer, Builtins, Outcome, Scenario, Step, StepKind, StepReport, Tamper, Vars,
};
use crate::signing::{AuthMode, AuthValue, NonceStore, now_unix};
use crate::store::collection::join_url;
use std::collections::BTreeMap;
use std::ops::ControlFlow;

pub(super) struct Ctx<'a> {
    pub scenario: &'a Scenario,
    pub target: &'a Target,
    pub client: &'a reqwest::Client,
    pub recorder: &'a dyn Recorder,
    pub captures: &'a BTreeMap<String, String>,
}

impl Ctx<'_> {
    /// The variables of `step` in lookup order: its values, captures, `[vars]`, the
    /// profile's, `--var`.
    pub fn vars<'s>(&'s self, step: &'s Step) -> Vars<'s> {
        scenario::chain(
            &step.values,
            self.captures,
            &self.scenario.vars,
            &self.target.profile_vars,
            &self.target.cli_vars,
        )
    }

    pub fn render(
        &self,
        step: &Step,
        template: &str,
        builtins: &mut (dyn Builtins + Send),
    ) -> Result<String, String> {
        scenario::render(template, &self.vars(step), builtins, &step.name)
            .map_err(|e| e.to_string())
    }
}

/// What the step does, as the table shows it.
pub fn what(step: &Step) -> String {
    match step.kind {
        StepKind::Request => format!(
            "{} {}",
            step.request
                .method
                .as_deref()
                .unwrap_or_default()
                .to_ascii_uppercase(),
            step.request.url.as_deref().unwrap_or_default()
        ),
        StepKind::OpenFeed => format!(
            "open_feed {}",
            step.feed.feed.as_deref().unwrap_or_default()
        ),
        StepKind::WaitFeed => format!(
            "wait_feed {}",
            step.feed.feed.as_deref().unwrap_or_default()
        ),
    }
}

pub(super) fn failed(mut r: StepReport, why: impl Into<String>) -> StepReport {
    r.outcome = Outcome::Failed;
    r.failures.push(why.into());
    r
}

/// Whether `skip_if` says to skip: it renders to anything but "", "false" or "0".
pub(super) fn skipped(
    ctx: &Ctx<'_>,
    step: &Step,
    builtins: &mut (dyn Builtins + Send),
) -> Result<bool, String> {
    let Some(t) = &step.skip_if else {
        return Ok(false);
    };
    let v = ctx.render(step, t, builtins)?;
    Ok(!matches!(v.trim(), "" | "false" | "0"))
}

/// A step's report to fill in, or its final one when `skip_if` skips the step (or cannot
/// be rendered): the one start of every kind of step.
pub(super) fn start(
    ctx: &Ctx<'_>,
    step: &Step,
    builtins: &mut (dyn Builtins + Send),
) -> ControlFlow<StepReport, StepReport> {
    let mut report = StepReport::new(&step.name, what(step));
    match skipped(ctx, step, builtins) {
        Ok(false) => ControlFlow::Continue(report),
        Ok(true) => {
            report.outcome = Outcome::Skipped;
            ControlFlow::Break(report)
        }
        Err(e) => ControlFlow::Break(failed(report, e)),
    }
}

/// A rendered request, ready to sign.
struct Rendered {
    method: reqwest::Method,
    url: String,
    body: Vec<u8>,
    headers: Vec<(String, String)>,
}

fn render_request(
    ctx: &Ctx<'_>,
    step: &Step,
    builtins: &mut (dyn Builtins + Send),
) -> Result<Rendered, String> {
    let r = &step.request;
    let method_text = ctx.render(step, r.method.as_deref().unwrap_or_default(), builtins)?;
    let method =
        reqwest::Method::from_bytes(method_text.to_ascii_uppercase().as_bytes()).map_err(|_| {
            format!("{method_text:?} is not an HTTP method: use GET, POST, PUT or DELETE")
        })?;
    let url = ctx.render(step, r.url.as_deref().unwrap_or_default(), builtins)?;
    let body = match (&r.body, &r.body_file) {
        (Some(b), _) => ctx.render(step, b, builtins)?.into_bytes(),
        (None, Some(f)) => {
            let path = ctx.scenario.dir.join(f);
            let raw = crate::input_file::read(&path, crate::input_file::BODY)
                .map_err(|e| e.to_string())?;
            // A body file that is not text is sent as it is: there is nothing to render in it.
            match String::from_utf8(raw) {
                Ok(text) => ctx.render(step, &text, builtins)?.into_bytes(),
                Err(e) => e.into_bytes(),
            }
        }
        (None, None) => Vec::new(),
    };
    let mut headers = ctx.target.headers.clone();
    for (name, value) in &r.headers {
        headers.push((name.clone(), ctx.render(step, value, builtins)?));
    }
    Ok(Rendered {
        method,
        url: join_url(&ctx.target.base_url, &url),
        body,
        headers,
    })
}

/// Signs and sends one request through the one pipeline; the doctor's headline on a 1020.
pub(super) async fn send(
    ctx: &Ctx<'_>,
    method: reqwest::Method,
    url: String,
    body: Vec<u8>,
    headers: Vec<(String, String)>,
    tamper: Option<Tamper>,
    source: String,
) -> Result<(Exchange, Option<String>), String> {
    let t = ctx.target;
    let value = match t.credentials.mode {
        AuthMode::Nonce => AuthValue::Nonce(
            NonceStore::new(&t.nonce_dir)
                .take(&t.credentials.api_key)
                .map_err(|e| e.to_string())?,
        ),
        AuthMode::Timestamp => AuthValue::Timestamp(now_unix()),
    };
    let mut spec = RequestSpec::new(method, url, body);
    spec.extra_headers = headers;
    let mut ticket = build_fresh_ticket(&spec, &t.credentials, value).map_err(|e| e.to_string())?;
    let signed_body = ticket.body.to_vec();
    if tamper == Some(Tamper::TrailingNewline) {
        let mut b = signed_body.clone();
        b.push(b'\n');
        ticket.body = b.into();
    }
    let mut origin = t.origin.clone();
    origin.source = Some(source);
    let exchange = http::execute(ctx.client, ticket, t.timeout, &origin, ctx.recorder).await;
    let doctor = exchange
        .response()
        .and_then(http::Response::partner_auth_failure)
        .map(|_| {
            let key = t.public_key.clone().map(|public_key| CheckKey {
                public_key,
                source: t.key_source.clone(),
            });
            let mut evidence = Evidence::from_history(&exchange.entry, key, now_unix());
            if tamper.is_some() {
                // What was signed, when the step sent something else on purpose.
                evidence.signed = Signed {
                    url: Some(exchange.ticket.wire_url().to_string()),
                    body: Some(signed_body),
                    value: Some(value),
                };
            }
            diagnose::render::headline(&diagnose::diagnose(&evidence))
        });
    Ok((exchange, doctor))
}

/// One request step, with its retries.
pub(super) async fn request(
    ctx: &Ctx<'_>,
    step: &Step,
    builtins: &mut (dyn Builtins + Send),
) -> (StepReport, BTreeMap<String, String>) {
    let mut report = match start(ctx, step, builtins) {
        ControlFlow::Continue(r) => r,
        ControlFlow::Break(done) => return (done, BTreeMap::new()),
    };
    let attempts = 1 + step.retry.map_or(0, |r| r.count);
    for attempt in 1..=attempts {
        if attempt > 1
            && let Some(r) = step.retry
        {
            tokio::time::sleep(r.delay()).await;
        }
        report.attempts = attempt;
        report.failures.clear();
        report.doctor = None;
        report.outcome = Outcome::Passed;
        // Rendered afresh each attempt: {{uuid}} and {{now}} are new every time.
        let r = match render_request(ctx, step, builtins) {
            Ok(r) => r,
            // Rendering fails the same way every time: no point retrying.
            Err(e) => return (failed(report, e), BTreeMap::new()),
        };
        let source = format!("scenario {}: {}", ctx.scenario.name, step.name);
        let (exchange, doctor) =
            match send(ctx, r.method, r.url, r.body, r.headers, step.tamper, source).await {
                Ok(x) => x,
                Err(e) => return (failed(report, e), BTreeMap::new()),
            };
        report.history_id = exchange.history_id();
        report.elapsed_ms = u64::try_from(exchange.elapsed.as_millis()).unwrap_or(u64::MAX);
        report.doctor = doctor;
        let response = match &exchange.outcome {
            Ok(resp) => resp,
            Err(e) => {
                report = failed(report, format!("not sent: {e}"));
                continue;
            }
        };
        report.status = Some(response.status);
        let answer = Answer {
            status: response.status,
            headers: &response.headers,
            body: &response.body,
            elapsed_ms: report.elapsed_ms,
        };
        let mut failures = scenario::check(&step.expect, &answer);
        if step.expect.status.is_none() && !(200..300).contains(&response.status) {
            failures.push(format!("status: expected 2xx, got {}", response.status));
        }
        if failures.is_empty() {
            match scenario::capture(&step.capture, &answer) {
                Ok(got) => return (report, got),
                Err(e) => failures.push(e),
            }
        }
        report.outcome = Outcome::Failed;
        report.failures = failures;
    }
    (report, BTreeMap::new())
}
