//! The connection loop: sign, connect, read until the feed drops, wait, sign afresh, again.

use super::{Backoff, FeedAuth, FeedError, FeedEvent, FeedTarget};
use futures_util::{SinkExt, StreamExt};
use std::time::{Duration, Instant, SystemTime};
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::{Bytes, Message};

/// Everything a feed connection needs.
#[derive(Debug, Clone)]
pub struct FeedConfig {
    pub target: FeedTarget,
    pub auth: FeedAuth,
    pub backoff: Backoff,
    /// Reconnect after a drop or a transient failure. Off: the first drop ends the feed.
    pub reconnect: bool,
    /// How long a connection attempt (TCP, TLS, handshake) may take.
    pub connect_timeout: Duration,
    /// Send a ping this often and give up on a connection silent for three times as long,
    /// so that a vanished server is noticed. Zero disables it.
    pub keepalive: Duration,
}

impl FeedConfig {
    pub fn new(target: FeedTarget, auth: FeedAuth) -> FeedConfig {
        FeedConfig {
            target,
            auth,
            backoff: Backoff::default(),
            reconnect: true,
            connect_timeout: Duration::from_secs(10),
            keepalive: Duration::from_secs(20),
        }
    }
}

/// Asks a running feed to close: sends a Close frame and ends the loop. Dropping it does
/// the same, so a feed never outlives its owner.
#[derive(Debug)]
pub struct FeedStop {
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl FeedStop {
    /// Requests the close without waiting for it.
    pub fn stop(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
    }

    /// Requests the close and waits until the Close frame went out and the loop ended.
    pub async fn close(mut self) {
        self.stop();
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }

    /// Whether the loop has ended (stopped, failed, or its sink went away).
    pub fn is_finished(&self) -> bool {
        self.task.as_ref().is_none_or(JoinHandle::is_finished)
    }
}

impl Drop for FeedStop {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A running feed and its events, for callers that pull (the CLI, tests).
#[derive(Debug)]
pub struct FeedHandle {
    events: mpsc::UnboundedReceiver<FeedEvent>,
    stop: FeedStop,
}

impl FeedHandle {
    /// The next event; None once the feed has ended.
    pub async fn recv(&mut self) -> Option<FeedEvent> {
        self.events.recv().await
    }

    /// An event if one is waiting: for a draw loop that drains before drawing.
    pub fn try_recv(&mut self) -> Option<FeedEvent> {
        self.events.try_recv().ok()
    }

    pub fn stop(&mut self) {
        self.stop.stop();
    }

    /// Sends a Close frame, ends the loop and waits for it.
    pub async fn close(self) {
        let FeedHandle { events, stop } = self;
        // Keep receiving while closing so the loop's last events are not an error.
        let _keep = events;
        stop.close().await;
    }
}

/// Starts a feed on the current tokio runtime; events arrive on the handle.
pub fn connect(config: FeedConfig) -> FeedHandle {
    let (tx, rx) = mpsc::unbounded_channel();
    let stop = spawn(config, move |event| tx.send(event).is_ok());
    FeedHandle { events: rx, stop }
}

/// Starts a feed on the current tokio runtime and hands each event to `sink`, which
/// returns false once nobody listens any more (the loop then closes). For a UI that wraps
/// events into its own messages.
pub fn spawn<F>(config: FeedConfig, sink: F) -> FeedStop
where
    F: FnMut(FeedEvent) -> bool + Send + 'static,
{
    let (stop_tx, stop_rx) = oneshot::channel();
    let task = tokio::spawn(run(config, sink, stop_rx));
    FeedStop {
        stop: Some(stop_tx),
        task: Some(task),
    }
}

/// How one connection ended.
enum End {
    /// Closed on request, or nobody listens: the loop is over.
    Done,
    /// Dropped: reconnect (if configured).
    Dropped(String),
}

/// The loop itself. Ends when `stop` fires or its sender is dropped, when `sink` returns
/// false, after a failure that retrying cannot fix, or after a drop without `reconnect`.
pub async fn run<F>(config: FeedConfig, mut sink: F, mut stop: oneshot::Receiver<()>)
where
    F: FnMut(FeedEvent) -> bool + Send,
{
    let url = config.target.wire_url().to_string();
    let mut failures: u32 = 0;
    let mut attempt: u32 = 0;
    let mut connected_before = false;
    loop {
        attempt += 1;
        if !sink(FeedEvent::Connecting {
            attempt,
            url: url.clone(),
        }) {
            return;
        }
        // Signing may wait on the nonce file lock: keep it off the async workers.
        let auth = config.auth.clone();
        let signing_url = url.clone();
        let signed = match tokio::task::spawn_blocking(move || auth.sign(&signing_url)).await {
            Ok(Ok(s)) => s,
            Ok(Err(e)) => {
                sink(FeedEvent::Failed(e));
                return;
            }
            Err(e) => {
                sink(FeedEvent::Failed(FeedError::Protocol(format!(
                    "signing failed: {e}"
                ))));
                return;
            }
        };
        let request = match handshake_request(&config.target, &signed.headers) {
            Ok(r) => r,
            Err(e) => {
                sink(FeedEvent::Failed(e));
                return;
            }
        };
        let attempt_result = tokio::select! {
            _ = &mut stop => {
                sink(FeedEvent::Disconnected { reason: "stopped".into(), retry_in: None });
                return;
            }
            r = tokio::time::timeout(config.connect_timeout, tokio_tungstenite::connect_async(request)) => r,
        };
        let reason = match attempt_result {
            Ok(Ok((ws, _response))) => {
                connected_before = true;
                let since = Instant::now();
                if !sink(FeedEvent::Connected {
                    url: url.clone(),
                    value: signed.signed.value,
                    at: SystemTime::now(),
                }) {
                    return;
                }
                match pump(ws, &mut sink, &mut stop, config.keepalive).await {
                    End::Done => return,
                    End::Dropped(reason) => {
                        if since.elapsed() >= config.backoff.reset_after {
                            failures = 0;
                        }
                        reason
                    }
                }
            }
            Ok(Err(e)) => {
                let err = FeedError::from_ws(&url, e);
                if !err.is_retryable(connected_before) || !config.reconnect {
                    sink(FeedEvent::Failed(err));
                    return;
                }
                err.to_string()
            }
            Err(_) => format!(
                "no answer from {url} within {}s",
                config.connect_timeout.as_secs_f32()
            ),
        };
        if !config.reconnect {
            sink(FeedEvent::Disconnected {
                reason,
                retry_in: None,
            });
            return;
        }
        failures = failures.saturating_add(1);
        let delay = config.backoff.delay(failures);
        if !sink(FeedEvent::Disconnected {
            reason,
            retry_in: Some(delay),
        }) {
            return;
        }
        tokio::select! {
            _ = &mut stop => {
                sink(FeedEvent::Disconnected { reason: "stopped".into(), retry_in: None });
                return;
            }
            _ = tokio::time::sleep(delay) => {}
        }
    }
}

/// The websocket request for `target` with the signed headers: what [`run`] connects with,
/// and what the signing proxy sends upstream.
pub fn handshake_request(
    target: &FeedTarget,
    headers: &[(&'static str, String)],
) -> Result<tokio_tungstenite::tungstenite::handshake::client::Request, FeedError> {
    let mut request =
        target
            .uri()
            .clone()
            .into_client_request()
            .map_err(|e| FeedError::InvalidUrl {
                url: target.typed().to_string(),
                problem: e.to_string(),
            })?;
    for (name, value) in headers {
        let value = HeaderValue::from_str(value).map_err(|_| {
            FeedError::Protocol(format!(
                "the {name} value cannot go in an HTTP header (a control character?); check the API key file"
            ))
        })?;
        request.headers_mut().insert(*name, value);
    }
    Ok(request)
}

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn pump<F>(ws: Ws, sink: &mut F, stop: &mut oneshot::Receiver<()>, keepalive: Duration) -> End
where
    F: FnMut(FeedEvent) -> bool + Send,
{
    let (mut write, mut read) = ws.split();
    let mut last_seen = Instant::now();
    let period = if keepalive.is_zero() {
        Duration::from_secs(3600)
    } else {
        keepalive
    };
    let mut ticker = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
    loop {
        tokio::select! {
            _ = &mut *stop => {
                let close = Message::Close(Some(CloseFrame { code: CloseCode::Normal, reason: "".into() }));
                if write.send(close).await.is_ok() {
                    // Give the server a moment to answer the Close, as the protocol asks.
                    let _ = tokio::time::timeout(Duration::from_secs(1), async {
                        while let Some(Ok(m)) = read.next().await {
                            if m.is_close() { break; }
                        }
                    }).await;
                }
                sink(FeedEvent::Disconnected { reason: "closed".into(), retry_in: None });
                return End::Done;
            }
            msg = read.next() => {
                last_seen = Instant::now();
                let text = match msg {
                    Some(Ok(Message::Text(t))) => t.as_str().to_string(),
                    Some(Ok(Message::Binary(b))) => String::from_utf8_lossy(&b).into_owned(),
                    Some(Ok(Message::Ping(_) | Message::Pong(_) | Message::Frame(_))) => continue,
                    Some(Ok(Message::Close(frame))) => {
                        // Echo the server's Close (queued by tungstenite; closing flushes
                        // it) so the closing handshake completes (RFC 6455 §5.5.1).
                        let _ = tokio::time::timeout(Duration::from_secs(1), write.close()).await;
                        return End::Dropped(match frame {
                            Some(f) if !f.reason.is_empty() => format!("the server closed the feed ({}: {})", u16::from(f.code), f.reason),
                            Some(f) => format!("the server closed the feed ({})", u16::from(f.code)),
                            None => "the server closed the feed".to_string(),
                        });
                    }
                    Some(Err(e)) => return End::Dropped(format!("the connection broke: {e}")),
                    None => return End::Dropped("the connection closed".to_string()),
                };
                let json = serde_json::from_str(&text).ok();
                if !sink(FeedEvent::Message { received_at: SystemTime::now(), text, json }) {
                    let _ = write.send(Message::Close(None)).await;
                    return End::Done;
                }
            }
            _ = ticker.tick(), if !keepalive.is_zero() => {
                if last_seen.elapsed() >= keepalive * 3 {
                    return End::Dropped(format!("no answer from the server for {}s", last_seen.elapsed().as_secs()));
                }
                if let Err(e) = write.send(Message::Ping(Bytes::new())).await {
                    return End::Dropped(format!("the connection broke: {e}"));
                }
            }
        }
    }
}
