//! A websocket upgrade through the proxy: the handshake goes upstream signed as the feed
//! client signs it (`crate::feed`: the ws(s) URL, an empty body), and once both sides are
//! open the frames are relayed both ways until either side closes.

use super::forward::{add_feedback, doctor_verdict, next_value, refuse};
use super::guard::Refusal;
use super::target::upstream_url;
use super::{ProxyEvent, Shared};
use crate::feed::{FeedAuth, FeedError, FeedTarget, handshake_request};
use crate::http::{ApiError, Handshake, HandshakeAnswer, Origin, SignedBy, record_handshake};
use crate::signing::AuthMode;
use axum::extract::FromRequestParts;
use axum::extract::Request;
use axum::extract::ws::{
    CloseFrame as ACloseFrame, Message as AMessage, WebSocket, WebSocketUpgrade,
};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use futures_util::{SinkExt, StreamExt};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};
use tokio_tungstenite::tungstenite::Error as WsError;
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
    // The subprotocols the client offers go upstream; the one upstream picks comes back.
    let offered = parts.headers.get(PROTOCOL).cloned();
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
    let signed_by = SignedBy {
        scheme: signer.scheme().to_string(),
        fingerprint: signer.key_fingerprint().map(str::to_string),
    };
    let auth = FeedAuth::timestamp(signer, cfg.credentials.api_key.clone());
    // In nonce mode, held until the handshake is answered: nonces arrive in the order taken.
    let order = match cfg.credentials.mode {
        AuthMode::Nonce => Some(shared.nonce_order.lock().await),
        AuthMode::Timestamp => None,
    };
    let (value, last_nonce) = match next_value(&shared).await {
        Ok(v) => v,
        Err(r) => return refuse(&shared, event, &r, started),
    };
    let signed = auth.sign_value(target.wire_url(), value);
    let mut request = match handshake_request(&target, &signed.headers) {
        Ok(r) => r,
        Err(e) => return refuse(&shared, event, &bad(e.to_string()), started),
    };
    if let Some(p) = offered {
        request.headers_mut().insert(PROTOCOL, p);
    }
    let sent: Vec<(String, String)> = request
        .headers()
        .iter()
        .map(|(n, v)| {
            (
                n.to_string(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let sent_at = SystemTime::now();
    let connected =
        tokio::time::timeout(cfg.timeout, tokio_tungstenite::connect_async(request)).await;
    drop(order);
    let (upstream, answer) = match connected {
        Ok(Ok((ws, resp))) => (Some(ws), Ok(answer_of(&resp, Bytes::new()))),
        Ok(Err(WsError::Http(resp))) => {
            let body = Bytes::from(resp.body().clone().unwrap_or_default());
            (None, Ok(answer_of(&resp, body)))
        }
        Ok(Err(e)) => (
            None,
            Err(FeedError::from_ws(target.wire_url(), e).to_string()),
        ),
        Err(_) => (
            None,
            Err(format!(
                "no websocket handshake from {} within {} s",
                target.wire_url(),
                cfg.timeout.as_secs()
            )),
        ),
    };
    let handshake = Handshake {
        url: target.wire_url(),
        headers: &sent,
        signed: &signed.signed,
        signed_by,
        answer,
        sent_at,
        elapsed: started.elapsed(),
    };
    let (entry, record_error) = record_handshake(&handshake, &origin(cfg), cfg.recorder.as_ref());
    event.history_id = record_error.is_none().then_some(entry.id);
    if let Some(e) = &record_error {
        event.error = Some(format!("not recorded in the history: {e}"));
    }
    event.elapsed_ms = ms(started);
    match (upstream, handshake.answer) {
        (Some(upstream), Ok(a)) => {
            event.status = Some(StatusCode::SWITCHING_PROTOCOLS.as_u16());
            (cfg.on_event)(event);
            let upgrade = match header_str(&a.headers, PROTOCOL) {
                Some(chosen) => upgrade.protocols([chosen.to_string()]),
                None => upgrade,
            };
            upgrade.on_upgrade(move |client| relay(client, upstream))
        }
        // The server's own answer, passed back as it came, with the doctor's on a 1020.
        (_, Ok(a)) => {
            let mut doctor = None;
            if ApiError::partner_auth(a.status, &a.body).is_some() {
                let (headline, text) = doctor_verdict(cfg, &entry, None, last_nonce);
                event.doctor_text = Some(text);
                event.doctor = Some(headline.clone());
                doctor = Some(headline);
            }
            event.status = Some(a.status);
            event.refused = Some(format!(
                "upstream refused the handshake: {}",
                String::from_utf8_lossy(&a.body)
            ));
            (cfg.on_event)(event);
            let mut resp = Response::new(axum::body::Body::from(a.body));
            *resp.status_mut() = StatusCode::from_u16(a.status).unwrap_or(StatusCode::BAD_GATEWAY);
            resp.headers_mut()
                .insert("content-type", HeaderValue::from_static("application/json"));
            add_feedback(resp.headers_mut(), &[], doctor.as_deref());
            resp
        }
        (_, Err(why)) => {
            let status = if why.starts_with("no websocket handshake") {
                StatusCode::GATEWAY_TIMEOUT
            } else {
                StatusCode::BAD_GATEWAY
            };
            let r = Refusal::new(status, "errProxyUpstream", why);
            refuse(&shared, event, &r, started)
        }
    }
}

const PROTOCOL: &str = "sec-websocket-protocol";

fn origin(cfg: &super::ProxyConfig) -> Origin {
    Origin {
        profile: cfg.profile.clone(),
        key_path: cfg.key_path.clone(),
        source: Some(super::SOURCE.to_string()),
    }
}

fn answer_of<T>(resp: &axum::http::Response<T>, body: Bytes) -> HandshakeAnswer {
    HandshakeAnswer {
        status: resp.status().as_u16(),
        headers: resp
            .headers()
            .iter()
            .map(|(n, v)| {
                (
                    n.to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body,
    }
}

fn header_str<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
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
