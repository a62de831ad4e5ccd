//! The websocket feeds. The handshake went through the same signature check as any GET
//! (signed over the `ws://` URL with an empty body); here the session only relays.

use crate::mock::error::ApiError;
use crate::mock::feeds::Feed;
use crate::mock::limits::{FEED_MAX_INCOMING, FEED_PING_INTERVAL, FEED_SEND_TIMEOUT};
use crate::mock::middleware::Caller;
use crate::mock::shared::{Shared, stopped};
use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use axum::extract::{Extension, Path, State};
use axum::response::{IntoResponse, Response};
use futures_util::{SinkExt, StreamExt};
use std::sync::Arc;
use tokio::sync::broadcast::{self, error::RecvError};
use tokio::sync::{OwnedSemaphorePermit, watch};
use tokio::time::timeout;

pub(crate) type Upgrade = Result<WebSocketUpgrade, WebSocketUpgradeRejection>;

/// `/coreclient/{client_id}/feed`: that client's actions.
pub(crate) async fn coreclient(
    State(shared): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    Path(client_id): Path<String>,
    ws: Upgrade,
) -> Response {
    if let Err(e) = shared.with_store(|s| s.coreclient(&caller.owner, &client_id).map(|_| ())) {
        return e.into_response();
    }
    subscribe(shared, ws, Feed::CoreClient, client_id)
}

/// `/wallets/feed`: wallet updates for this API key.
pub(crate) async fn wallets(
    State(shared): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    ws: Upgrade,
) -> Response {
    subscribe(shared, ws, Feed::Wallets, caller.owner)
}

/// `/liquidityhub/feed`: shared by every API key.
pub(crate) async fn liquidityhub(State(shared): State<Arc<Shared>>, ws: Upgrade) -> Response {
    subscribe(shared, ws, Feed::LiquidityHub, String::new())
}

/// Holds a subscriber's slot and channel; dropping it (session over, or the upgrade never
/// completed) frees both.
struct Subscription {
    shared: Arc<Shared>,
    feed: Feed,
    key: String,
    rx: Option<broadcast::Receiver<Utf8Bytes>>,
    _permit: OwnedSemaphorePermit,
}

impl Drop for Subscription {
    fn drop(&mut self) {
        self.rx = None;
        self.shared.feeds.release(self.feed, &self.key);
    }
}

pub(crate) fn subscribe(shared: Arc<Shared>, ws: Upgrade, feed: Feed, key: String) -> Response {
    let ws = match ws {
        Ok(ws) => ws,
        Err(e) => {
            return ApiError::bad_request(format!(
                "this is a websocket feed; connect with a websocket client such as `xsign listen` ({e})"
            ))
            .into_response();
        }
    };
    let Ok(permit) = shared.subscribers.clone().try_acquire_owned() else {
        return ApiError::unavailable(format!(
            "the mock already serves {} feed subscribers; close some first",
            shared.config.max_feed_subscribers
        ))
        .into_response();
    };
    let rx = shared.feeds.subscribe(feed, &key);
    let shutdown = shared.shutdown.clone();
    let verbose = shared.config.verbose;
    let mut sub = Subscription {
        shared,
        feed,
        key,
        rx: Some(rx),
        _permit: permit,
    };
    ws.max_message_size(FEED_MAX_INCOMING)
        .max_frame_size(FEED_MAX_INCOMING)
        .on_upgrade(move |socket| async move {
            let rx = sub.rx.as_mut().expect("set above");
            let dropped = relay(socket, rx, shutdown).await;
            if verbose && dropped > 0 {
                eprintln!(
                    "mock: a slow {feed:?} subscriber missed {dropped} messages (oldest dropped)"
                );
            }
            drop(sub);
        })
}

/// Forwards feed messages until either side closes or the mock shuts down. Returns how
/// many messages this subscriber missed by lagging.
async fn relay(
    socket: WebSocket,
    rx: &mut broadcast::Receiver<Utf8Bytes>,
    mut shutdown: watch::Receiver<bool>,
) -> u64 {
    let (mut sink, mut stream) = socket.split();
    let mut ping = tokio::time::interval(FEED_PING_INTERVAL);
    ping.tick().await;
    let mut dropped = 0u64;
    if *shutdown.borrow() {
        return 0;
    }
    loop {
        tokio::select! {
            msg = rx.recv() => match msg {
                Ok(text) => {
                    let sent = timeout(FEED_SEND_TIMEOUT, sink.send(Message::Text(text))).await;
                    if !matches!(sent, Ok(Ok(()))) {
                        break;
                    }
                }
                Err(RecvError::Lagged(n)) => dropped += n,
                Err(RecvError::Closed) => break,
            },
            incoming = stream.next() => match incoming {
                None | Some(Err(_)) => break,
                // The protocol layer queued the echo of the client's Close (RFC 6455
                // §5.5.1); closing the sink sends it, so the client sees a clean close.
                Some(Ok(Message::Close(_))) => {
                    let _ = timeout(FEED_SEND_TIMEOUT, sink.close()).await;
                    break;
                }
                // Feeds are read-only; pings are answered by the protocol layer.
                Some(Ok(_)) => {}
            },
            _ = ping.tick() => {
                let sent = timeout(FEED_SEND_TIMEOUT, sink.send(Message::Ping(Default::default()))).await;
                if !matches!(sent, Ok(Ok(()))) {
                    break;
                }
            }
            _ = stopped(&mut shutdown) => {
                let close = Message::Close(Some(CloseFrame {
                    code: 1001,
                    reason: Utf8Bytes::from_static("mock shutting down"),
                }));
                let _ = timeout(FEED_SEND_TIMEOUT, sink.send(close)).await;
                break;
            }
        }
    }
    dropped
}
