//! The network side of the workbench, run in tokio tasks: sign and send a request (and
//! diagnose a 1020 or a Qredo API 401), approve or reject a core client action, wrap feed events. Each task
//! ends by reporting a `Message`; none touches the app state.

use super::app::{Message, Sabotage, SendFailure, SendJob};
use super::clock::Moment;
use super::feed_tab::{DecideFailure, FeedMessage};
use super::inspector::InspectorView;
use super::response::{ResponseView, SentRequest};
use super::session::Session;
use crate::diagnose::qredo_doctor::{self, HmacSigned, QredoEvidence};
use crate::diagnose::{self, CheckKey, Evidence, Signed};
use crate::feed::FeedEvent;
use crate::http::{self, Credentials, Exchange, Origin, RequestSpec, Ticket, build_fresh_ticket};
use crate::signing::{AuthValue, RequestSigner, RsaSigner, generate_key, wire_url};
use std::sync::Arc;

fn fail(message: impl Into<String>) -> SendFailure {
    SendFailure {
        message: message.into(),
        sent: None,
    }
}

/// What the ticket put on the wire, for the response pane and history.
fn sent_of(ticket: &Ticket) -> SentRequest {
    SentRequest {
        method: ticket.method.to_string(),
        url: ticket.wire_url().to_string(),
        value: ticket.signed.as_ref().map(|s| s.value),
        hash_hex: ticket.signed.as_ref().map(|s| s.hash_hex.clone()),
        x_sign: ticket.signed.as_ref().map(|s| s.x_sign.to_string()),
        body_len: ticket.body.len(),
    }
}

/// Signs and sends one request; on a 1020 or a Qredo API 401, asks the doctor why.
pub async fn send(session: Arc<Session>, client: reqwest::Client, job: SendJob) -> Message {
    let id = job.id;
    let result = send_inner(&session, &client, job).await.map(Box::new);
    Message::Sent { id, result }
}

async fn send_inner(
    session: &Session,
    client: &reqwest::Client,
    job: SendJob,
) -> Result<ResponseView, SendFailure> {
    let api_key = session.api_key.clone().ok_or_else(|| {
        fail(
            session
                .view
                .problems
                .first()
                .cloned()
                .unwrap_or_else(|| "the profile has no API key".into()),
        )
    })?;
    let method = reqwest::Method::from_bytes(job.method.as_bytes())
        .map_err(|_| fail(format!("{} is not an HTTP method", job.method)))?;
    let mut signer: Option<Arc<dyn RequestSigner>> =
        match (session.request_signer(), session.view.signing) {
            (Some(s), true) => Some(s),
            (None, true) => {
                return Err(fail(
                    session
                        .view
                        .problems
                        .first()
                        .cloned()
                        .unwrap_or_else(|| "no private key to sign with".into()),
                ));
            }
            (_, false) => None,
        };
    let mut value = session.send_value().map_err(fail)?;
    let mut signed_url = job.url.clone();
    // The editor's snapshot goes to the wire and the history without a copy; only a
    // mistake made on purpose builds other bytes.
    let signed_body = bytes::Bytes::from_owner(job.body.clone());
    let mut sent_body = signed_body.clone();
    match job.sabotage {
        None => {}
        Some(Sabotage::TrailingNewline) => sent_body = [&signed_body[..], b"\n"].concat().into(),
        Some(Sabotage::Reformatted) => sent_body = super::json::tab_indented(&signed_body).into(),
        Some(Sabotage::StaleTimestamp) => {
            if let AuthValue::Timestamp(t) = value {
                value = AuthValue::Timestamp(t - 300);
            }
        }
        Some(Sabotage::PathOnly) => {
            let url = wire_url(&job.url).map_err(|e| fail(e.to_string()))?;
            let u = url.url();
            signed_url = match u.query() {
                Some(q) => format!("{}?{q}", u.path()),
                None => u.path().to_string(),
            };
        }
        Some(Sabotage::OtherKey) if session.hmac.is_some() => {
            let secret = crate::secret::QredoSecret::generate();
            signer = Some(Arc::new(crate::signing::HmacV1Signer::new(secret)));
        }
        Some(Sabotage::OtherKey) => {
            let key = tokio::task::spawn_blocking(|| generate_key(2048))
                .await
                .map_err(|e| fail(e.to_string()))?
                .map_err(|e| fail(e.to_string()))?;
            signer = Some(Arc::new(RsaSigner::new(key)));
        }
    }
    let creds = Credentials {
        api_key,
        signer,
        mode: session.view.mode,
    };
    // The ticket is built over what is signed; a sabotage then swaps in what is sent.
    let mut spec = RequestSpec::new(method, job.url.clone(), signed_body.clone());
    spec.extra_headers = session.headers.clone();
    if let Some(source) = session.token_source(&job.url).map_err(fail)? {
        // A v2 call carries a token, not a signature: F4's mistakes have nothing to break.
        return send_v2(session, client, &source, &spec, &creds, job.source).await;
    }
    let mut ticket = build_fresh_ticket(&spec, &creds, value).map_err(|e| fail(e.to_string()))?;
    if signed_url != job.url
        && let (Some(s), Some(signer)) = (&mut ticket.signed, &creds.signer)
    {
        // Sign the path-only URL, then send to the real one.
        let re = signer.sign(spec.method.as_str(), &signed_url, &signed_body, s.value);
        let sig_header = re.scheme.signature_header();
        for h in &mut ticket.headers {
            if h.0 == sig_header {
                h.1 = re.x_sign.to_string();
            }
        }
        *s = re;
    }
    let sabotaged = sent_body != signed_body || signed_url != job.url;
    ticket.body = sent_body;
    let sent = sent_of(&ticket);
    let signed_value = ticket.signed.as_ref().map(|s| s.value);
    let origin = Origin {
        profile: session.view.name.clone(),
        // A key made up on purpose has no file.
        key_path: match job.sabotage {
            Some(Sabotage::OtherKey) => None,
            _ => session.key_path.clone(),
        },
        source: job.source,
    };
    let exchange = http::execute(client, ticket, session.timeout, &origin, &session.history).await;
    view_of(
        session,
        exchange,
        sent,
        sabotaged,
        signed_value,
        &signed_url,
        &signed_body,
    )
}

/// A Qredo API v2 call: the token (cached, or fetched and recorded first), then the call.
/// A refused token request is shown as the answer, with the doctor's reading of it.
async fn send_v2(
    session: &Session,
    client: &reqwest::Client,
    source: &http::TokenSource,
    spec: &RequestSpec,
    creds: &Credentials,
    from: Option<String>,
) -> Result<ResponseView, SendFailure> {
    let origin = Origin {
        profile: session.view.name.clone(),
        key_path: None,
        source: from,
    };
    let sent = http::execute_with_token(
        client,
        source,
        spec,
        creds,
        session.timeout,
        &origin,
        &session.history,
        std::future::pending(),
    )
    .await;
    let (exchange, token) = match sent {
        Ok((token, ex)) => {
            let kept = ex.response().is_none_or(|r| r.status != 401);
            (ex, kept.then(|| token.token.times()))
        }
        Err(http::TokenError::Failed(ex)) => (*ex, None),
        Err(e) => return Err(fail(e.to_string())),
    };
    let sent = sent_of(&exchange.ticket);
    let mut view = view_of(session, exchange, sent, false, None, &spec.url, &spec.body)?;
    view.token = Some(token);
    Ok(view)
}

/// The response pane's view of an exchange, with the doctor's reading of a refusal.
// The same Result as `send_inner`'s (and its callers'), split out of it for `send_v2`.
#[allow(clippy::result_large_err)]
fn view_of(
    session: &Session,
    exchange: Exchange,
    sent: SentRequest,
    sabotaged: bool,
    signed_value: Option<AuthValue>,
    signed_url: &str,
    signed_body: &bytes::Bytes,
) -> Result<ResponseView, SendFailure> {
    let history_note = exchange
        .record_error
        .as_ref()
        .map(|e| format!("not recorded in the history: {e}"));
    let Exchange {
        outcome,
        entry,
        ticket,
        ..
    } = exchange;
    let response = outcome.map_err(|e| SendFailure {
        message: e.to_string(),
        sent: Some(sent.clone()),
    })?;
    let inspector = if qredo_doctor::applies(&entry) {
        // Checked with the profile's secret, not a made-up one (F4's other-key mistake).
        let secret = session.hmac.as_ref().and_then(|s| s.hmac_secret().cloned());
        let source = format!("the {} profile's secret", session.view.name);
        let mut ev = QredoEvidence::from_history(&entry, secret, source, session.clock.now().unix);
        ev.body = Some(ticket.body.to_vec());
        ev.token = ticket
            .token()
            .and_then(|t| crate::signing::jwt::read_claims(t).ok());
        if sabotaged && let Some(value) = signed_value {
            ev.signed = Some(HmacSigned {
                ts: value.to_string(),
                method: entry.method.clone(),
                url: signed_url.to_string(),
                body: signed_body.to_vec(),
            });
        }
        let heading = format!(
            "Why the server refused the request (HTTP {} {}, {})",
            response.status,
            response.reason,
            entry.scheme.as_deref().unwrap_or("unsigned")
        );
        Some(InspectorView::from_report_headed(
            &qredo_doctor::diagnose(&ev),
            heading,
        ))
    } else {
        response.partner_auth_failure().map(|err| {
            let key = session.signer.as_ref().map(|s| CheckKey {
                public_key: s.key().public_key(),
                source: format!("the {} profile's key", session.view.name),
            });
            let mut evidence = Evidence::from_history(&entry, key, session.clock.now().unix)
                .with_whole_body(&ticket.body);
            if sabotaged {
                // What was signed, when a mistake made on purpose sent something else.
                evidence.signed = Signed {
                    url: Some(signed_url.to_string()),
                    body: Some(signed_body.to_vec()),
                    value: signed_value,
                };
            }
            InspectorView::from_report(&diagnose::diagnose(&evidence), err.reason.as_deref(), true)
        })
    };
    let response_truncated = response.truncated;
    let mut view = ResponseView::new(
        response.status,
        response.reason,
        response.headers,
        response.body,
        response.elapsed.as_millis() as u64,
        sent,
    );
    view.inspector = inspector;
    view.note = history_note;
    if response_truncated {
        view.note = Some(format!(
            "the body was cut at {}: the server sent more",
            crate::time::bytes_text(http::MAX_RESPONSE_BODY)
        ));
    }
    Ok(view)
}

/// Approves (PUT) or rejects (DELETE) a core client action.
pub async fn decide(
    session: Arc<Session>,
    client: reqwest::Client,
    client_id: String,
    action_id: String,
    line: u64,
    approve: bool,
) -> Message {
    let (method, path) = crate::feed::Action::decision(&client_id, &action_id, approve);
    let url = crate::store::collection::join_url(&session.view.base_url, &path);
    let job = SendJob {
        id: 0,
        method: method.to_string(),
        url,
        body: Arc::from(&b""[..]),
        sabotage: None,
        source: Some(format!("feed action {action_id}")),
    };
    let result = match send_inner(&session, &client, job).await {
        Ok(v) if (200..300).contains(&v.status) => Ok(format!("{} {}", v.status, v.reason)),
        Ok(v) => Err(DecideFailure::from_answer(v.status, &v.reason, &v.body)),
        Err(e) => Err(DecideFailure::NotSent(e.message)),
    };
    Message::Feed(FeedMessage::ActionDone {
        action_id,
        line,
        approve,
        result,
    })
}

/// A feed event as the feed tab's message; `now` stamps the arrival.
pub fn feed_message(id: u64, event: FeedEvent, now: Moment) -> FeedMessage {
    match event {
        FeedEvent::Connecting { attempt, url } => FeedMessage::Connecting { id, attempt, url },
        FeedEvent::Connected { url, .. } => FeedMessage::Connected { id, url },
        FeedEvent::Message { text, .. } => FeedMessage::Received { id, at: now, text },
        FeedEvent::Disconnected { reason, retry_in } => FeedMessage::Dropped {
            id,
            reason,
            retry_in_ms: retry_in.map(|d| d.as_millis() as u64),
        },
        FeedEvent::Failed(e) => FeedMessage::Failed {
            id,
            error: e.into(),
        },
    }
}
