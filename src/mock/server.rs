//! Binding, the accept loop and the handle callers hold.
//!
//! Connections are served by hyper (HTTP/1.1 with upgrades for the feeds), each in its own
//! task: a slow or broken client holds only its own connection. The number of open
//! connections is bounded, and so is the time a client may take to send its headers.

use super::API_PREFIX;
use super::accept::{ConnLimits, serve};
use super::auth::{Judge, Verdict};
use super::config::MockConfig;
use super::feeds::Feed;
use super::ids::owner_tag;
use super::limits::SHUTDOWN_GRACE;
use super::persist;
use super::routes::router;
use super::shared::Shared;
use super::store::Store;
use crate::signing::PublicKey;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, broadcast, watch};
use tokio::task::JoinHandle;

/// Starts mocks.
pub struct MockServer;

impl MockServer {
    /// Loads `--data` state if configured, binds `addr` (port 0 picks a free port) and serves
    /// in the background on the current tokio runtime. Register API keys on the handle.
    pub async fn start(config: MockConfig, addr: SocketAddr) -> io::Result<MockHandle> {
        let mut judge = Judge::new(config.skew_secs);
        if config.refuse_replays {
            judge = judge.refusing_replays();
        }
        let mut store = Store::default();
        if let Some(dir) = &config.data_dir {
            let loaded = persist::load(dir)?;
            if let Some(w) = &loaded.warning {
                eprintln!(
                    "{}",
                    crate::visible::visible(&format!("mock: warning: {w}"))
                );
            }
            store = loaded.store;
            judge.restore_nonces(loaded.nonces);
        }
        store.reindex(config.max_records);

        let listener = TcpListener::bind(addr)
            .await
            .map_err(|e| bind_error(addr, e))?;
        let local = listener.local_addr()?;
        let (stop_tx, stop_rx) = watch::channel(false);
        let connections = Arc::new(Semaphore::new(config.max_connections.max(1)));
        let limits = ConnLimits {
            total: config.max_connections.max(1),
            per_ip: config.max_connections_per_ip.max(1),
        };
        let shared = Arc::new(Shared::new(config, judge, store, stop_rx.clone()));
        let app = router(shared.clone());
        let accept = tokio::spawn(serve(listener, app, connections.clone(), limits, stop_rx));
        Ok(MockHandle {
            shared,
            addr: local,
            stop: stop_tx,
            accept: Some(accept),
            connections,
        })
    }
}

fn bind_error(addr: SocketAddr, e: io::Error) -> io::Error {
    let hint = match e.kind() {
        io::ErrorKind::AddrInUse => format!(
            "{addr} is already in use (another `xsign mock`?): stop it, or pick another port with --addr 127.0.0.1:{}",
            addr.port().wrapping_add(1).max(1024)
        ),
        io::ErrorKind::PermissionDenied => {
            format!("not allowed to listen on {addr}: use a port above 1023")
        }
        _ => format!("cannot listen on {addr}: {e}"),
    };
    io::Error::new(e.kind(), hint)
}

/// A running mock. Dropping it stops the server (without waiting); `shutdown` waits and
/// saves.
pub struct MockHandle {
    shared: Arc<Shared>,
    addr: SocketAddr,
    stop: watch::Sender<bool>,
    accept: Option<JoinHandle<()>>,
    connections: Arc<Semaphore>,
}

impl MockHandle {
    /// The bound address (the real port when started on port 0).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT/api/v1/p`: a wildcard bind is shown as loopback.
    pub fn base_url(&self) -> String {
        format!("http://{}{API_PREFIX}", self.reachable())
    }

    /// `ws://127.0.0.1:PORT/api/v1/p`, the base of the feeds.
    pub fn ws_base_url(&self) -> String {
        format!("ws://{}{API_PREFIX}", self.reachable())
    }

    /// The full URL of a feed (`client_id` is used by `Feed::CoreClient` only).
    pub fn feed_url(&self, feed: Feed, client_id: &str) -> String {
        format!("{}{}", self.ws_base_url(), feed.path(client_id))
    }

    fn reachable(&self) -> SocketAddr {
        let ip = match self.addr.ip() {
            IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
            IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
            ip => ip,
        };
        SocketAddr::new(ip, self.addr.port())
    }

    /// Accepts signatures by `key` for `api_key`, from the next request on. Several keys
    /// per API key are allowed; registering the same key twice is harmless.
    pub fn register(&self, api_key: &str, key: PublicKey) {
        self.shared.judge.register(api_key, key);
    }

    /// Accepts Qredo API v1 requests with `qredo-api-key: api_key` signed with `secret`.
    pub fn register_qredo(&self, api_key: &str, secret: crate::secret::QredoSecret) {
        self.shared.qredo.register(api_key, secret);
    }

    /// `http://127.0.0.1:PORT/qapi/v1`.
    pub fn qapi_v1_url(&self) -> String {
        format!("http://{}{}", self.reachable(), super::qapi::QAPI_V1_PREFIX)
    }

    /// `http://127.0.0.1:PORT/api/v2`.
    pub fn qapi_v2_url(&self) -> String {
        format!(
            "http://{}{}",
            self.reachable(),
            super::qapi::v2::QAPI_V2_PREFIX
        )
    }

    /// Fingerprints (`sha256:<hex of SubjectPublicKeyInfo DER>`, as `KeyInfo::fingerprint`)
    /// of the keys registered for `api_key`; empty when it is not registered.
    pub fn fingerprints(&self, api_key: &str) -> Vec<String> {
        self.shared.judge.fingerprints(api_key)
    }

    /// The last nonce accepted for `api_key`.
    pub fn last_nonce(&self, api_key: &str) -> Option<u64> {
        self.shared.judge.last_nonce(api_key)
    }

    pub fn skew_secs(&self) -> i64 {
        self.shared.judge.skew_secs()
    }

    /// Every verdict from now on (bounded: a receiver that lags loses the oldest).
    pub fn verdicts(&self) -> broadcast::Receiver<Arc<Verdict>> {
        self.shared.verdicts.subscribe()
    }

    /// Pushes a message on the liquidity hub feed (as `POST /company/{id}/liquidityhub` does).
    pub fn publish_liquidityhub(&self, message: &serde_json::Value) {
        self.shared.feeds.publish(Feed::LiquidityHub, "", message);
    }

    /// Pushes a message on the wallets feed of `api_key`.
    pub fn publish_wallets(&self, api_key: &str, message: &serde_json::Value) {
        self.shared
            .feeds
            .publish(Feed::Wallets, &owner_tag(api_key), message);
    }

    /// Stops accepting, lets open requests finish (up to 5 s), closes the feeds and saves
    /// the state when `--data` is set.
    pub async fn shutdown(mut self) -> io::Result<()> {
        let _ = self.stop.send(true);
        if let Some(accept) = self.accept.take() {
            let _ = accept.await;
        }
        let all = self.shared.config.max_connections.max(1) as u32;
        let subs = self.shared.config.max_feed_subscribers as u32;
        let drained = async {
            let _c = self.connections.acquire_many(all).await;
            let _s = self.shared.subscribers.acquire_many(subs).await;
        };
        let _ = tokio::time::timeout(SHUTDOWN_GRACE, drained).await;
        self.shared
            .save()
            .await
            .map_err(|e| io::Error::other(e.reason))
    }
}

impl Drop for MockHandle {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

impl std::fmt::Debug for MockHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockHandle")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}
