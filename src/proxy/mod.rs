//! The signing proxy: any HTTP client calls `http://127.0.0.1:8899/<path>` unsigned, and the
//! proxy forwards the request to `<base URL>/<path>` signed over exactly the bytes it sends
//! (through the one send-and-record pipeline, `crate::http`), then passes the answer back
//! unchanged but for two headers: `x-xsign-lint` (the lint's codes) and, on a 1020,
//! `x-xsign-doctor` (the doctor's verdict). Websocket upgrades go on with a signed handshake.
//!
//! Safe by default: loopback only, the Host must be the proxy's own address, and requests
//! from web pages (an `Origin`, a cross-site fetch) are refused unless allowed.

mod forward;
mod guard;
mod target;
mod token;
mod ws;

pub use guard::{Guard, Refusal};
pub use target::{AUTH_HEADERS, client_headers, header_text, upstream_url};

use crate::http::{Credentials, Recorder};
use crate::signing::{NonceStore, PublicKey};
use std::io;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinHandle;

/// The API's body cap, and the proxy's by default.
pub const DEFAULT_MAX_BODY: usize = 1024 * 1024;
/// Open client connections at most, by default.
pub const DEFAULT_MAX_CONNECTIONS: usize = 256;
/// The response header naming the lint's findings.
pub const LINT_HEADER: &str = "x-xsign-lint";
/// The response header with the doctor's verdict on a 1020.
pub const DOCTOR_HEADER: &str = "x-xsign-doctor";
/// The history source of a proxied exchange.
pub const SOURCE: &str = "proxy";

/// Everything the proxy needs.
#[derive(Clone)]
pub struct ProxyConfig {
    /// Where requests go (`https://api.qredo.network/api/v1/p`).
    pub base_url: String,
    pub credentials: Credentials,
    /// A `qredo-v2` profile's token source: requests carry its token as `x-token`.
    pub token: Option<crate::http::TokenSource>,
    /// Where nonces come from in nonce mode (required then).
    pub nonces: Option<NonceStore>,
    /// For the record.
    pub profile: String,
    pub key_path: Option<PathBuf>,
    /// The key the doctor checks an x-sign with.
    pub public_key: Option<PublicKey>,
    /// The profile's extra headers, sent unless the client sends its own.
    pub extra_headers: Vec<(String, String)>,
    pub timeout: Duration,
    pub max_body: usize,
    pub max_connections: usize,
    /// Accept any Host with the proxy's port (`--allow-remote`).
    pub any_host: bool,
    pub allowed_origins: Vec<String>,
    /// The upstream client (`http::client()`, or one trusting `--cacert`).
    pub client: reqwest::Client,
    pub recorder: Arc<dyn Recorder>,
    /// Each exchange, once done (the CLI's log, the TUI, tests).
    pub on_event: Arc<dyn Fn(ProxyEvent) + Send + Sync>,
}

impl std::fmt::Debug for ProxyConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProxyConfig")
            .field("base_url", &self.base_url)
            .field("credentials", &self.credentials)
            .field("profile", &self.profile)
            .finish_non_exhaustive()
    }
}

/// One request through the proxy, as the log shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProxyEvent {
    pub method: String,
    /// The path (and query) the client asked for.
    pub path: String,
    /// The URL signed and sent upstream, when it got that far.
    pub upstream: Option<String>,
    /// The status the client got; None when the client went away first.
    pub status: Option<u16>,
    pub elapsed_ms: u64,
    /// Lint codes (`tab`, `trailing-newline`), as in `x-xsign-lint`.
    pub lint: Vec<String>,
    /// The lint's messages, for the log.
    pub lint_notes: Vec<String>,
    /// A `qredo-v2` token fetched for this request: when, and until when it is valid.
    pub token: Option<String>,
    /// The doctor's headline on a 1020, as in `x-xsign-doctor`.
    pub doctor: Option<String>,
    /// The doctor's full verdict, for the log.
    pub doctor_text: Option<String>,
    /// Auth headers the client sent that the proxy replaced.
    pub replaced: Vec<String>,
    /// Headers left out (not text).
    pub dropped: Vec<String>,
    /// The proxy answered itself: why.
    pub refused: Option<String>,
    /// No answer from upstream: why.
    pub error: Option<String>,
    pub history_id: Option<u64>,
    pub websocket: bool,
}

/// The proxy's shared state.
pub(crate) struct Shared {
    pub config: ProxyConfig,
    pub guard: Guard,
    /// Held from taking a nonce until the server has answered (or the handshake is done),
    /// so nonces reach the server in the order they were taken: one API key per proxy.
    pub nonce_order: tokio::sync::Mutex<()>,
    /// Held while a `qredo-v2` token is looked up or fetched: one fetch for many requests.
    pub token_fetch: tokio::sync::Mutex<()>,
}

/// Starts proxies.
pub struct ProxyServer;

impl ProxyServer {
    /// Binds `addr` (port 0 picks one) and serves on the current runtime. A non-loopback
    /// address is the caller's decision (`--allow-remote`).
    pub async fn start(config: ProxyConfig, addr: SocketAddr) -> io::Result<ProxyHandle> {
        if config.credentials.mode == crate::signing::AuthMode::Nonce && config.nonces.is_none() {
            return Err(io::Error::other("nonce mode needs a nonce store"));
        }
        let listener = TcpListener::bind(addr).await.map_err(|e| {
            let hint = match e.kind() {
                io::ErrorKind::AddrInUse => format!(
                    "{addr} is already in use (another `xsign proxy`?): stop it, or pick another port with --listen 127.0.0.1:{}",
                    addr.port().wrapping_add(1).max(1024)
                ),
                _ => format!("cannot listen on {addr}: {e}"),
            };
            io::Error::new(e.kind(), hint)
        })?;
        let local = listener.local_addr()?;
        let shared = Arc::new(Shared {
            guard: Guard {
                listen: local,
                any_host: config.any_host,
                allowed_origins: config.allowed_origins.clone(),
            },
            nonce_order: tokio::sync::Mutex::new(()),
            token_fetch: tokio::sync::Mutex::new(()),
            config,
        });
        let connections = Arc::new(Semaphore::new(shared.config.max_connections.max(1)));
        // Loopback only: every client is this machine, so no per-address share.
        let limits = crate::mock::ConnLimits::total(shared.config.max_connections.max(1));
        let app = axum::Router::new()
            .fallback(forward::handle)
            .with_state(shared);
        let (stop, stop_rx) = watch::channel(false);
        let accept = tokio::spawn(crate::mock::serve(
            listener,
            app,
            connections,
            limits,
            stop_rx,
        ));
        Ok(ProxyHandle {
            addr: local,
            stop,
            accept: Some(accept),
        })
    }
}

/// A running proxy; dropping it stops accepting.
pub struct ProxyHandle {
    addr: SocketAddr,
    stop: watch::Sender<bool>,
    accept: Option<JoinHandle<()>>,
}

impl ProxyHandle {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://ADDR`, what clients use as their base URL.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting and waits for the accept loop.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        if let Some(a) = self.accept.take() {
            let _ = a.await;
        }
    }
}

impl Drop for ProxyHandle {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

impl std::fmt::Debug for ProxyHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProxyHandle")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}
