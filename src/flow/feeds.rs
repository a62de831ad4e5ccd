//! Feed steps: `open_feed` subscribes (a feed sends only what happens afterwards, so a
//! flow subscribes before the step that causes the message), `wait_feed` waits until a
//! message matches, captures from it, and may approve or reject its core client action.

use super::step::{self, Ctx, failed};
use crate::feed::{self, Action, FeedAuth, FeedConfig, FeedEvent, FeedHandle, FeedTarget};
use crate::scenario::{self, Builtins, Step, StepReport};
use crate::signing::{AuthMode, NonceStore};
use crate::store::collection::{is_absolute, join_url};
use std::collections::BTreeMap;
use std::ops::ControlFlow;
use std::time::{Duration, Instant};

/// How long a feed step waits when it names no timeout.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// The feeds opened by `open_feed` steps, by step name.
#[derive(Default)]
pub(super) struct Feeds {
    open: BTreeMap<String, FeedHandle>,
}

fn timeout_of(step: &Step) -> Duration {
    step.feed
        .timeout_ms
        .map_or(DEFAULT_TIMEOUT, Duration::from_millis)
}

fn elapsed_ms(since: Instant) -> u64 {
    u64::try_from(since.elapsed().as_millis()).unwrap_or(u64::MAX)
}

/// Subscribes to `path` (rendered) and waits for the handshake to be accepted.
async fn connect(ctx: &Ctx<'_>, path: &str, timeout: Duration) -> Result<FeedHandle, String> {
    let t = ctx.target;
    let url = if is_absolute(path) {
        path.to_string()
    } else {
        join_url(
            &feed::ws_base(&t.base_url).map_err(|e| e.to_string())?,
            path,
        )
    };
    let target = FeedTarget::parse(&url).map_err(|e| e.to_string())?;
    let signer =
        t.credentials.signer.clone().ok_or(
            "a feed handshake is signed: this profile has signing off; pick one with a key",
        )?;
    let api_key = t.credentials.api_key.clone();
    let auth = match t.credentials.mode {
        AuthMode::Nonce => FeedAuth::nonce(signer, api_key, NonceStore::new(&t.nonce_dir)),
        AuthMode::Timestamp => FeedAuth::timestamp(signer, api_key),
    };
    let mut config = FeedConfig::new(target, auth);
    // A scenario wants to know when its feed drops, not to hide it behind a reconnect.
    config.reconnect = false;
    let mut handle = feed::connect(config);
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        match tokio::time::timeout_at(deadline, handle.recv()).await {
            Err(_) => {
                return Err(format!(
                    "{url}: not connected within {} ms",
                    timeout.as_millis()
                ));
            }
            Ok(None) => return Err(format!("{url}: the feed ended before it connected")),
            Ok(Some(FeedEvent::Connected { .. })) => return Ok(handle),
            Ok(Some(FeedEvent::Failed(e))) => return Err(format!("{url}: {e}")),
            Ok(Some(FeedEvent::Disconnected { reason, .. })) => {
                return Err(format!("{url}: {reason}"));
            }
            Ok(Some(_)) => {}
        }
    }
}

impl Feeds {
    pub async fn open(
        &mut self,
        ctx: &Ctx<'_>,
        step: &Step,
        builtins: &mut (dyn Builtins + Send),
    ) -> (StepReport, BTreeMap<String, String>) {
        let started = Instant::now();
        let mut report = match begin(ctx, step, builtins) {
            ControlFlow::Continue(r) => r,
            ControlFlow::Break(done) => return (done, BTreeMap::new()),
        };
        let path = match ctx.render(
            step,
            step.feed.feed.as_deref().unwrap_or_default(),
            builtins,
        ) {
            Ok(p) => p,
            Err(e) => return (failed(report, e), BTreeMap::new()),
        };
        let result = connect(ctx, &path, timeout_of(step)).await;
        report.elapsed_ms = elapsed_ms(started);
        match result {
            Ok(handle) => {
                self.open.insert(step.name.clone(), handle);
                (report, BTreeMap::new())
            }
            Err(e) => (failed(report, e), BTreeMap::new()),
        }
    }

    pub async fn wait(
        &mut self,
        ctx: &Ctx<'_>,
        step: &Step,
        builtins: &mut (dyn Builtins + Send),
    ) -> (StepReport, BTreeMap<String, String>) {
        let started = Instant::now();
        let mut report = match begin(ctx, step, builtins) {
            ControlFlow::Continue(r) => r,
            ControlFlow::Break(done) => return (done, BTreeMap::new()),
        };
        let timeout = timeout_of(step);
        let name = step.feed.feed.clone().unwrap_or_default();
        let mut own;
        let handle = if let Some(h) = self.open.get_mut(&name) {
            h
        } else {
            let path = match ctx.render(step, &name, builtins) {
                Ok(p) => p,
                Err(e) => return (failed(report, e), BTreeMap::new()),
            };
            own = match connect(ctx, &path, timeout).await {
                Ok(h) => h,
                Err(e) => return (failed(report, e), BTreeMap::new()),
            };
            &mut own
        };
        let found = wait_for(handle, step, timeout).await;
        let (message, captured) = match found {
            Ok(m) => match scenario::capture_message(&step.capture, &m) {
                Ok(c) => (m, c),
                Err(e) => return (failed(report, e), BTreeMap::new()),
            },
            Err(e) => {
                report.elapsed_ms = elapsed_ms(started);
                return (failed(report, e), BTreeMap::new());
            }
        };
        if let Some(approve) = step.feed.approve
            && let Err(e) = decide(ctx, step, &message, approve, &mut report).await
        {
            report.elapsed_ms = elapsed_ms(started);
            return (failed(report, e), BTreeMap::new());
        }
        report.elapsed_ms = elapsed_ms(started);
        (report, captured)
    }

    pub async fn close(self) {
        for (_, handle) in self.open {
            handle.close().await;
        }
    }
}

/// The first message that meets the step's conditions, or why none came.
async fn wait_for(
    handle: &mut FeedHandle,
    step: &Step,
    timeout: Duration,
) -> Result<serde_json::Value, String> {
    let deadline = tokio::time::Instant::now() + timeout;
    let mut seen = 0;
    loop {
        match tokio::time::timeout_at(deadline, handle.recv()).await {
            Err(_) => {
                return Err(format!(
                    "no message matched {} within {} ms ({seen} other messages came)",
                    conditions(step),
                    timeout.as_millis()
                ));
            }
            Ok(None) => return Err("the feed ended before a message matched".into()),
            Ok(Some(FeedEvent::Message {
                json: Some(json), ..
            })) => {
                seen += 1;
                if scenario::feed_matches(&step.feed.matches, &json)? {
                    return Ok(json);
                }
            }
            Ok(Some(FeedEvent::Failed(e))) => return Err(format!("the feed failed: {e}")),
            Ok(Some(FeedEvent::Disconnected { reason, .. })) => {
                return Err(format!(
                    "the feed dropped before a message matched: {reason}"
                ));
            }
            Ok(Some(_)) => {}
        }
    }
}

fn conditions(step: &Step) -> String {
    if step.feed.matches.is_empty() {
        return "(any JSON message)".into();
    }
    step.feed
        .matches
        .iter()
        .map(|(k, v)| format!("{k} = {v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Approves or rejects the action in `message` with the request the feed tab sends.
async fn decide(
    ctx: &Ctx<'_>,
    step: &Step,
    message: &serde_json::Value,
    approve: bool,
    report: &mut StepReport,
) -> Result<(), String> {
    let action = Action::from_json(message).ok_or(
        "the matched message is not a core client action (no id and type): nothing to approve",
    )?;
    let client_id = action
        .client_id
        .clone()
        .ok_or("the matched action has no clientID: cannot say which client approves")?;
    let (method, path) = Action::decision(&client_id, &action.id, approve);
    let method =
        reqwest::Method::from_bytes(method.as_bytes()).expect("PUT and DELETE are methods");
    let url = join_url(&ctx.target.base_url, &path);
    let source = format!(
        "scenario {}: {} (feed action {})",
        ctx.scenario.name, step.name, action.id
    );
    let (exchange, doctor) = step::send(
        ctx,
        method,
        url,
        Vec::new(),
        ctx.target.headers.clone(),
        None,
        source,
    )
    .await?;
    report.history_id = exchange.history_id();
    report.doctor = doctor;
    let verb = if approve { "approve" } else { "reject" };
    match exchange.response() {
        Some(r) if r.is_success() => {
            report.status = Some(r.status);
            Ok(())
        }
        Some(r) => {
            report.status = Some(r.status);
            Err(format!(
                "{verb} {}: expected 2xx, got {} {}",
                action.id,
                r.status,
                String::from_utf8_lossy(&r.body)
                    .chars()
                    .take(200)
                    .collect::<String>()
            ))
        }
        None => Err(format!("{verb} {}: not sent", action.id)),
    }
}

/// `step::start` for a feed step, which makes one attempt whatever happens.
fn begin(
    ctx: &Ctx<'_>,
    step: &Step,
    builtins: &mut (dyn Builtins + Send),
) -> ControlFlow<StepReport, StepReport> {
    let once = |mut r: StepReport| {
        r.attempts = 1;
        r
    };
    match step::start(ctx, step, builtins) {
        ControlFlow::Continue(r) => ControlFlow::Continue(once(r)),
        ControlFlow::Break(r) => ControlFlow::Break(once(r)),
    }
}
