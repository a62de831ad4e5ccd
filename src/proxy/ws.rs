//! A websocket upgrade through the proxy: the handshake goes upstream signed as the feed
//! client signs it (`crate::feed`: the ws(s) URL, an empty body), and once both sides are
//! open the frames are relayed both ways until either side closes.

use super::forward::refuse;
use super::guard::Refusal;
use super::target::upstream_url;
use super::{ProxyEvent, Shared};
use crate::feed::{FeedAuth, FeedError, FeedTarget, handshake_request};
use crate::signing::AuthMode;
use axum::extract::FromRequestParts;
use axum::extract::Request;
use axum::extract::ws::{
    CloseFrame as ACloseFrame, Message as AMessage, WebSocket, WebSocketUpgrade,
};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use futures_util::{SinkExt, StreamExt};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::Message as TMessage;
use tokio_tungstenite::tungstenite::protocol::CloseFrame as TCloseFrame;

type Upstream =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// How long the closing handshake of the other side may take.
const CLOSE_GRACE: Duration = Duration::from_secs(2);

/// `Upgrade: websocket`.
pub(crate) fn is_upgrade(headers: &HeaderMap) -> bool {
    headers
        .get("upgrade")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("websocket"))
}

pub(crate) async fn handle(
    shared: Arc<Shared>,
    req: Request,
    mut event: ProxyEvent,
    started: Instant,
) -> Response {
    event.websocket = true;
    let (mut parts, _body) = req.into_parts();
    let upgrade = match WebSocketUpgrade::from_request_parts(&mut parts, &()).await {
        Ok(u) => u,
        Err(rejection) => return rejection.into_response(),
    };
    let cfg = &shared.config;
    let bad = |reason: String| Refusal::new(StatusCode::BAD_REQUEST, "errProxyRequest", reason);
    let target = match FeedTarget::parse(&upstream_url(&cfg.base_url, &event.path)) {
        Ok(t) => t,
        Err(e) => return refuse(&shared, event, &bad(e.to_string()), started),
    };
    event.upstream = Some(target.wire_url().to_string());
    let Some(signer) = cfg.credentials.signer.clone() else {
        let r = bad("signing is off for this profile, and a feed handshake must be signed: start the proxy with --key FILE".into());
        return refuse(&shared, event, &r, started);
    };
    let key = cfg.credentials.api_key.clone();
    let auth = match (&cfg.credentials.mode, &cfg.nonces) {
        (AuthMode::Nonce, Some(store)) => FeedAuth::nonce(signer, key, store.clone()),
        _ => FeedAuth::timestamp(signer, key),
    };
    // In nonce mode, held until the handshake is answered: nonces arrive in the order taken.
    let order = match cfg.credentials.mode {
        AuthMode::Nonce => Some(shared.nonce_order.lock().await),
        AuthMode::Timestamp => None,
    };
    let wire = target.wire_url().to_string();
    let signed = tokio::task::spawn_blocking(move || auth.sign(&wire)).await;
    let signed = match signed {
        Ok(Ok(s)) => s,
        Ok(Err(e)) => return refuse(&shared, event, &bad(e.to_string()), started),
        Err(e) => {
            return refuse(
                &shared,
                event,
                &bad(format!("signing failed: {e}")),
                started,
            );
        }
    };
    let request = match handshake_request(&target, &signed.headers) {
        Ok(r) => r,
        Err(e) => return refuse(&shared, event, &bad(e.to_string()), started),
    };
    let connected =
        tokio::time::timeout(cfg.timeout, tokio_tungstenite::connect_async(request)).await;
    drop(order);
    let upstream = match connected {
        Ok(Ok((ws, _))) => ws,
        Ok(Err(e)) => {
            let err = FeedError::from_ws(target.wire_url(), e);
            if let Some(r) = err.refusal() {
                // The server's own answer, passed back as it came.
                event.status = Some(r.status);
                event.refused = Some(format!("upstream refused the handshake: {}", r.body));
                event.elapsed_ms = ms(started);
                (cfg.on_event)(event);
                let mut resp = Response::new(axum::body::Body::from(r.body.clone()));
                *resp.status_mut() =
                    StatusCode::from_u16(r.status).unwrap_or(StatusCode::BAD_GATEWAY);
                resp.headers_mut()
                    .insert("content-type", HeaderValue::from_static("application/json"));
                return resp;
            }
            let r = Refusal::new(StatusCode::BAD_GATEWAY, "errProxyUpstream", err.to_string());
            return refuse(&shared, event, &r, started);
        }
        Err(_) => {
            let r = Refusal::new(
                StatusCode::GATEWAY_TIMEOUT,
                "errProxyUpstream",
                format!(
                    "no websocket handshake from {} within {} s",
                    target.wire_url(),
                    cfg.timeout.as_secs()
                ),
            );
            return refuse(&shared, event, &r, started);
        }
    };
    event.status = Some(StatusCode::SWITCHING_PROTOCOLS.as_u16());
    event.elapsed_ms = ms(started);
    (cfg.on_event)(event);
    upgrade.on_upgrade(move |client| relay(client, upstream))
}

fn ms(started: Instant) -> u64 {
    u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX)
}

/// Frames both ways until one side closes or breaks; the other side is then closed too.
/// Pings are answered by each side's own library, not relayed.
async fn relay(client: WebSocket, upstream: Upstream) {
    let (mut cw, mut cr) = client.split();
    let (mut uw, mut ur) = upstream.split();
    loop {
        tokio::select! {
            m = cr.next() => match m {
                Some(Ok(m)) => {
                    let close = matches!(m, AMessage::Close(_));
                    if let Some(m) = to_upstream(m)
                        && uw.send(m).await.is_err()
                    {
                        break;
                    }
                    if close {
                        // Wait for upstream's answer to the Close, then end.
                        let _ = tokio::time::timeout(CLOSE_GRACE, async {
                            while let Some(Ok(m)) = ur.next().await {
                                if m.is_close() { break; }
                            }
                        }).await;
                        break;
                    }
                }
                _ => {
                    let _ = uw.send(TMessage::Close(None)).await;
                    break;
                }
            },
            m = ur.next() => match m {
                Some(Ok(m)) => {
                    let close = m.is_close();
                    if let Some(m) = to_client(m)
                        && cw.send(m).await.is_err()
                    {
                        break;
                    }
                    if close {
                        let _ = tokio::time::timeout(CLOSE_GRACE, async {
                            while let Some(Ok(m)) = cr.next().await {
                                if matches!(m, AMessage::Close(_)) { break; }
                            }
                        }).await;
                        break;
                    }
                }
                _ => {
                    let _ = cw.send(AMessage::Close(None)).await;
                    break;
                }
            },
        }
    }
    let _ = tokio::time::timeout(CLOSE_GRACE, uw.close()).await;
    let _ = tokio::time::timeout(CLOSE_GRACE, cw.close()).await;
}

fn to_upstream(m: AMessage) -> Option<TMessage> {
    Some(match m {
        AMessage::Text(t) => TMessage::text(t.as_str()),
        AMessage::Binary(b) => TMessage::Binary(b),
        AMessage::Close(f) => TMessage::Close(f.map(|f| TCloseFrame {
            code: f.code.into(),
            reason: f.reason.as_str().into(),
        })),
        AMessage::Ping(_) | AMessage::Pong(_) => return None,
    })
}

fn to_client(m: TMessage) -> Option<AMessage> {
    Some(match m {
        TMessage::Text(t) => AMessage::Text(t.as_str().into()),
        TMessage::Binary(b) => AMessage::Binary(b),
        TMessage::Close(f) => AMessage::Close(f.map(|f| ACloseFrame {
            code: f.code.into(),
            reason: f.reason.as_str().into(),
        })),
        TMessage::Ping(_) | TMessage::Pong(_) | TMessage::Frame(_) => return None,
    })
}
