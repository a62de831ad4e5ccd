//! One proxied HTTP request: guard, read the body (capped), sign it as it goes upstream,
//! send and record it through `crate::http`, and pass the answer back, streamed unless it
//! is an error (the doctor reads a 1020 before its headers go out).

use super::guard::Refusal;
use super::target::{client_headers, header_text, passes_back, upstream_url};
use super::{DOCTOR_HEADER, LINT_HEADER, ProxyEvent, SOURCE, Shared};
use crate::diagnose::{self, CheckKey, Evidence};
use crate::http::{
    self, Exchange, Origin, Relay, RelayHead, RequestSpec, SendError, Ticket, build_fresh_ticket,
};
use crate::lint::{self, LintInput, Severity};
use crate::signing::{AuthMode, AuthValue, now_unix};
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::Response;
use bytes::{Bytes, BytesMut};
use futures_util::StreamExt;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, oneshot};

/// A client has this long to send its body once the headers are in.
const BODY_READ_TIMEOUT: Duration = Duration::from_secs(15);
/// Past the cap, this much more is read and dropped so the client gets the 413 rather than
/// a reset connection; past it, the connection closes.
const MAX_DISCARD_BYTES: usize = 64 * 1024 * 1024;
/// The longest `x-xsign-doctor` value.
const MAX_DOCTOR_HEADER: usize = 400;

pub(crate) async fn handle(State(shared): State<Arc<Shared>>, req: Request) -> Response {
    let started = Instant::now();
    let mut event = ProxyEvent {
        method: req.method().to_string(),
        path: req
            .uri()
            .path_and_query()
            .map_or("/", |p| p.as_str())
            .to_string(),
        ..ProxyEvent::default()
    };
    if let Err(r) = shared.guard.check(req.headers()) {
        return refuse(&shared, event, &r, started);
    }
    if super::ws::is_upgrade(req.headers()) {
        return super::ws::handle(shared, req, event, started).await;
    }
    let (parts, body) = req.into_parts();
    let body = match read_body(body, &parts.headers, shared.config.max_body).await {
        Ok(b) => b,
        Err(r) => return refuse(&shared, event, &r, started),
    };
    let headers = client_headers(&parts.headers);
    event.replaced = headers.replaced;
    event.dropped = headers.dropped;
    let cfg = &shared.config;
    let mut extra: Vec<(String, String)> = cfg
        .extra_headers
        .iter()
        .filter(|(n, _)| {
            !headers
                .forward
                .iter()
                .any(|(c, _)| c.eq_ignore_ascii_case(n))
        })
        .cloned()
        .collect();
    extra.extend(headers.forward);
    let mut spec = RequestSpec::new(
        parts.method.clone(),
        upstream_url(&cfg.base_url, &event.path),
        body,
    );
    spec.extra_headers = extra;

    // In nonce mode, held until the server has answered: nonces arrive in the order taken.
    let order = match cfg.credentials.mode {
        AuthMode::Nonce => Some(shared.nonce_order.lock().await),
        AuthMode::Timestamp => None,
    };
    let token = cfg
        .token
        .as_ref()
        .filter(|_| !crate::signing::is_v2_token_path(&url_path(&spec.url)));
    let (ticket, last_nonce) = match token {
        Some(source) => {
            match super::token::ticket(&shared, source, &spec, &origin(cfg), &mut event).await {
                Ok(t) => (t, None),
                Err(r) => return refuse(&shared, event, &r, started),
            }
        }
        None => {
            let (value, last_nonce) = match next_value(&shared).await {
                Ok(v) => v,
                Err(r) => return refuse(&shared, event, &r, started),
            };
            match build_fresh_ticket(&spec, &cfg.credentials, value) {
                Ok(t) => (t, last_nonce),
                Err(e) => {
                    let r = Refusal::new(StatusCode::BAD_REQUEST, "errProxyRequest", e.to_string());
                    return refuse(&shared, event, &r, started);
                }
            }
        }
    };
    event.upstream = Some(ticket.wire_url().to_string());
    // Linted for the scheme that signed, so a qredo-v1 URL is not called the other API's.
    let findings = lint::check(&LintInput {
        scheme: ticket.scheme(),
        ..LintInput::new(
            ticket.method.as_str(),
            ticket.wire_url(),
            &ticket.body,
            now_unix(),
        )
    });
    for f in findings.iter().filter(|f| f.severity >= Severity::Warning) {
        event.lint.push(f.kind.code().to_string());
        event.lint_notes.push(f.message.clone());
    }

    let (head_tx, head_rx) = oneshot::channel();
    let (body_tx, body_rx) = mpsc::channel(16);
    let relay = Relay {
        head: head_tx,
        body: body_tx,
        wants_body: |status| status < 400,
    };
    let task = tokio::spawn(exchange(
        shared.clone(),
        ticket,
        relay,
        last_nonce,
        event.clone(),
        started,
    ));
    let head = head_rx.await;
    drop(order);
    let lint_codes = event.lint.clone();
    match head {
        Ok(head) if head.status < 400 => {
            let stream = futures_util::stream::unfold(body_rx, |mut rx| async move {
                rx.recv()
                    .await
                    .map(|b| (Ok::<Bytes, std::io::Error>(b), rx))
            });
            respond(&head, &lint_codes, None, Body::from_stream(stream))
        }
        head => {
            let Ok(done) = task.await else {
                let r = Refusal::new(
                    StatusCode::BAD_GATEWAY,
                    "errProxyUpstream",
                    "the upstream request failed inside the proxy",
                );
                return refuse(&shared, event, &r, started);
            };
            match (head, done.exchange.outcome) {
                (Ok(head), Ok(resp)) => respond(
                    &head,
                    &lint_codes,
                    done.doctor.as_deref(),
                    Body::from(resp.body),
                ),
                (_, Err(e)) => gateway_error(&e, &lint_codes),
                (Err(_), Ok(_)) => gateway_error(&SendError::Cancelled, &lint_codes),
            }
        }
    }
}

/// An exchange once complete, with the doctor's headline on a 1020.
struct Done {
    exchange: Exchange,
    doctor: Option<String>,
}

/// Sends and records the ticket, runs the doctor on a 1020 and reports the event. In its
/// own task, so a client that hangs up does not cut the record short.
async fn exchange(
    shared: Arc<Shared>,
    ticket: Ticket,
    relay: Relay,
    last_nonce: Option<u64>,
    mut event: ProxyEvent,
    started: Instant,
) -> Done {
    let cfg = &shared.config;
    let exchange = http::execute_relayed(
        &cfg.client,
        ticket,
        cfg.timeout,
        &origin(cfg),
        cfg.recorder.as_ref(),
        std::future::pending(),
        Some(relay),
    )
    .await;
    let mut doctor = None;
    match &exchange.outcome {
        Ok(r) => {
            event.status = Some(r.status);
            // A refused token is forgotten, so the next request fetches a new one.
            if r.status == 401
                && let Some(source) = &cfg.token
            {
                source.forget();
            }
            if r.partner_auth_failure().is_some() {
                let (headline, text) = doctor_verdict(
                    cfg,
                    &exchange.entry,
                    Some(&exchange.ticket.body),
                    last_nonce,
                );
                event.doctor_text = Some(text);
                event.doctor = Some(headline.clone());
                doctor = Some(headline);
            }
        }
        Err(e) => {
            event.status = Some(StatusCode::BAD_GATEWAY.as_u16());
            event.error = Some(e.to_string());
        }
    }
    event.history_id = exchange.history_id();
    if let Some(e) = &exchange.record_error {
        let note = format!("not recorded in the history: {e}");
        event.error = Some(event.error.map_or(note.clone(), |x| format!("{x}; {note}")));
    }
    event.elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    (cfg.on_event)(event);
    Done { exchange, doctor }
}

/// Where a proxied exchange (and a token fetched for it) is recorded as coming from.
fn origin(cfg: &super::ProxyConfig) -> Origin {
    Origin {
        profile: cfg.profile.clone(),
        key_path: cfg.key_path.clone(),
        source: Some(SOURCE.to_string()),
    }
}

/// The path of an upstream URL (`/api/v2/workspaces/W/token`), for telling the token
/// request from the calls that carry its token.
fn url_path(url: &str) -> String {
    url::Url::parse(url).map_or_else(|_| url.to_string(), |u| u.path().to_string())
}

/// The doctor on a recorded 1020: its headline (for `x-xsign-doctor`) and its whole text
/// (for the log), from the one evidence builder.
pub(crate) fn doctor_verdict(
    cfg: &super::ProxyConfig,
    entry: &crate::store::HistoryEntry,
    body: Option<&[u8]>,
    last_nonce: Option<u64>,
) -> (String, String) {
    let key = cfg.public_key.clone().map(|public_key| CheckKey {
        public_key,
        source: cfg
            .key_path
            .as_ref()
            .map_or_else(|| "the key".into(), |p| p.display().to_string()),
    });
    let mut evidence = Evidence::from_history(entry, key, now_unix());
    if let Some(body) = body {
        evidence = evidence.with_whole_body(body);
    }
    evidence.last_nonce = last_nonce;
    let report = diagnose::diagnose(&evidence);
    (
        diagnose::render::headline(&report),
        diagnose::render::to_text(&report),
    )
}

/// The timestamp now, or the next nonce (and the last one, for the doctor).
pub(crate) async fn next_value(shared: &Shared) -> Result<(AuthValue, Option<u64>), Refusal> {
    let cfg = &shared.config;
    match (&cfg.credentials.mode, &cfg.nonces) {
        (AuthMode::Nonce, Some(store)) => {
            let store = store.clone();
            let key = cfg.credentials.api_key.clone();
            let taken = tokio::task::spawn_blocking(move || {
                let last = store.last(&key).ok().flatten();
                store.take(&key).map(|n| (AuthValue::Nonce(n), last))
            })
            .await;
            match taken {
                Ok(Ok(v)) => Ok(v),
                Ok(Err(e)) => Err(Refusal::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "errProxyNonce",
                    e.to_string(),
                )),
                Err(e) => Err(Refusal::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "errProxyNonce",
                    format!("taking a nonce failed: {e}"),
                )),
            }
        }
        _ => Ok((AuthValue::Timestamp(now_unix()), None)),
    }
}

/// The body, at most `max` bytes, read within [`BODY_READ_TIMEOUT`].
async fn read_body(
    body: Body,
    headers: &axum::http::HeaderMap,
    max: usize,
) -> Result<Bytes, Refusal> {
    let declared = headers
        .get("content-length")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let mut stream = body.into_data_stream();
    let read = async {
        let mut buf = BytesMut::with_capacity(declared.map_or(0, |d| d.min(max as u64) as usize));
        let mut over = declared.is_some_and(|d| d > max as u64);
        let mut discarded = 0usize;
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|e| {
                Refusal::new(
                    StatusCode::BAD_REQUEST,
                    "errBadRequest",
                    format!("the body could not be read: {e}"),
                )
            })?;
            if !over && buf.len() + chunk.len() > max {
                over = true;
            }
            if over {
                discarded += chunk.len();
                if discarded > MAX_DISCARD_BYTES {
                    break;
                }
                continue;
            }
            buf.extend_from_slice(&chunk);
        }
        if over {
            return Err(Refusal::too_large(max));
        }
        Ok(buf.freeze())
    };
    tokio::time::timeout(BODY_READ_TIMEOUT, read)
        .await
        .unwrap_or_else(|_| {
            Err(Refusal::new(
                StatusCode::REQUEST_TIMEOUT,
                "errTimeout",
                format!(
                    "the body did not arrive within {} s",
                    BODY_READ_TIMEOUT.as_secs()
                ),
            ))
        })
}

/// The upstream answer as the client gets it: status and headers unchanged (but the
/// hop-by-hop ones), plus the lint's and the doctor's headers.
fn respond(head: &RelayHead, lint: &[String], doctor: Option<&str>, body: Body) -> Response {
    let mut resp = Response::new(body);
    *resp.status_mut() = StatusCode::from_u16(head.status).unwrap_or(StatusCode::BAD_GATEWAY);
    let headers = resp.headers_mut();
    for (name, value) in &head.headers {
        if !passes_back(name) {
            continue;
        }
        if let (Ok(n), Ok(v)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_bytes(value),
        ) {
            headers.append(n, v);
        }
    }
    add_feedback(headers, lint, doctor);
    resp
}

pub(crate) fn add_feedback(
    headers: &mut axum::http::HeaderMap,
    lint: &[String],
    doctor: Option<&str>,
) {
    if !lint.is_empty()
        && let Ok(v) = HeaderValue::from_str(&lint.join(", "))
    {
        headers.insert(LINT_HEADER, v);
    }
    if let Some(d) = doctor
        && let Ok(v) = HeaderValue::from_str(&header_text(d, MAX_DOCTOR_HEADER))
    {
        headers.insert(DOCTOR_HEADER, v);
    }
}

/// No answer from upstream: 502 (504 on a timeout) with the pipeline's explanation.
fn gateway_error(e: &SendError, lint: &[String]) -> Response {
    let status = match e {
        SendError::Timeout { .. } => StatusCode::GATEWAY_TIMEOUT,
        _ => StatusCode::BAD_GATEWAY,
    };
    let r = Refusal::new(status, "errProxyUpstream", e.to_string());
    let mut resp = refusal_response(&r);
    add_feedback(resp.headers_mut(), lint, None);
    resp
}

pub(crate) fn refusal_response(r: &Refusal) -> Response {
    let mut resp = Response::new(Body::from(r.body()));
    *resp.status_mut() = r.status;
    resp.headers_mut()
        .insert("content-type", HeaderValue::from_static("application/json"));
    resp
}

/// The proxy answers itself; the event says why.
pub(crate) fn refuse(
    shared: &Shared,
    mut event: ProxyEvent,
    r: &Refusal,
    started: Instant,
) -> Response {
    event.status = Some(r.status.as_u16());
    event.refused = Some(r.reason.clone());
    event.elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    (shared.config.on_event)(event);
    refusal_response(r)
}
