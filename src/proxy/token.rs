//! A `qredo-v2` profile behind the proxy: each request carries the profile's token as
//! `x-token`, taken from the cache or fetched (signed with the v2 HMAC, recorded, cached
//! until its `exp`) through the same `TokenSource` `send` uses, so a client calls v2
//! endpoints with no credentials at all. One fetch at a time: concurrent first requests
//! wait for it and then find the token cached.

use super::guard::Refusal;
use super::{ProxyEvent, Shared};
use crate::http::{Origin, RequestSpec, Ticket, TokenError, TokenSource, build_token_ticket};
use axum::http::StatusCode;

/// The ticket for `spec`, carrying the token; the event notes a fetch.
pub(crate) async fn ticket(
    shared: &Shared,
    source: &TokenSource,
    spec: &RequestSpec,
    origin: &Origin,
    event: &mut ProxyEvent,
) -> Result<Ticket, Refusal> {
    let cfg = &shared.config;
    let token = {
        let _one = shared.token_fetch.lock().await;
        source
            .token(&cfg.client, cfg.timeout, origin, cfg.recorder.as_ref())
            .await
    };
    let token = token.map_err(|e| refusal(&e))?;
    if let Some(fetch) = &token.fetch {
        event.token = Some(format!(
            "token fetched for workspace {} (GET {}{}), valid until {} UTC",
            source.workspace,
            fetch.ticket.wire_url(),
            fetch
                .history_id()
                .map(|h| format!(", history #{h}"))
                .unwrap_or_default(),
            crate::time::hms_utc(token.token.exp)
        ));
    }
    build_token_ticket(spec, &cfg.credentials, &token.token.token)
        .map_err(|e| Refusal::new(StatusCode::BAD_REQUEST, "errProxyRequest", e.to_string()))
}

/// No token: the token endpoint's own status when it refused (a wrong secret is a 401 the
/// client should see as such), else a bad gateway; the reason says which request failed.
fn refusal(e: &TokenError) -> Refusal {
    let status = match e {
        TokenError::Failed(x) => x
            .response()
            .and_then(|r| StatusCode::from_u16(r.status).ok())
            .unwrap_or(StatusCode::BAD_GATEWAY),
        TokenError::NoWorkspace { .. } => StatusCode::BAD_REQUEST,
        _ => StatusCode::BAD_GATEWAY,
    };
    Refusal::new(status, "errProxyToken", e.to_string())
}
