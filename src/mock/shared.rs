//! What every request handler shares: config, judge, state, feeds and limits.

use super::auth::{Judge, Verdict};
use super::config::MockConfig;
use super::error::{ApiError, ApiResult};
use super::feeds::Feeds;
use super::persist;
use super::store::Store;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use tokio::sync::{Semaphore, broadcast, watch};

pub(crate) struct Shared {
    pub config: MockConfig,
    pub judge: Judge,
    pub store: Mutex<Store>,
    pub feeds: Feeds,
    /// Requests being read or handled.
    pub in_flight: Arc<Semaphore>,
    /// Open websocket sessions.
    pub subscribers: Arc<Semaphore>,
    pub verdicts: broadcast::Sender<Arc<Verdict>>,
    /// Qredo API v1: registered secrets and transactions.
    pub qredo: super::qapi::QredoState,
    pub shutdown: watch::Receiver<bool>,
    /// Bytes of accepted POST/PUT bodies (plus the state loaded from --data): what the
    /// state may hold at most, bounded by `max_state_bytes`.
    state_bytes: AtomicUsize,
    state_path: Option<PathBuf>,
    save_lock: tokio::sync::Mutex<()>,
}

impl Shared {
    pub fn new(
        config: MockConfig,
        judge: Judge,
        store: Store,
        shutdown: watch::Receiver<bool>,
    ) -> Self {
        let state_path = config.data_dir.as_deref().map(persist::state_path);
        let loaded = state_path
            .as_deref()
            .and_then(|p| std::fs::metadata(p).ok())
            .map_or(0, |m| usize::try_from(m.len()).unwrap_or(usize::MAX));
        Shared {
            state_bytes: AtomicUsize::new(loaded),
            state_path,
            in_flight: Arc::new(Semaphore::new(config.max_in_flight.max(1))),
            subscribers: Arc::new(Semaphore::new(config.max_feed_subscribers)),
            feeds: Feeds::new(config.feed_buffer),
            verdicts: broadcast::channel(256).0,
            qredo: Default::default(),
            store: Mutex::new(store),
            judge,
            config,
            shutdown,
            save_lock: tokio::sync::Mutex::new(()),
        }
    }

    /// Whether a body of `n` bytes still fits under `max_state_bytes`.
    pub fn room_for(&self, n: usize) -> bool {
        self.state_bytes.load(Ordering::Relaxed).saturating_add(n) <= self.config.max_state_bytes
    }

    /// Counts an accepted body of `n` bytes.
    pub fn took_in(&self, n: usize) {
        self.state_bytes.fetch_add(n, Ordering::Relaxed);
    }

    /// Runs `f` on the state under its lock. Keep `f` short: no awaits, no I/O.
    pub fn with_store<R>(&self, f: impl FnOnce(&mut Store) -> R) -> R {
        let mut store = self.store.lock().unwrap_or_else(|e| e.into_inner());
        f(&mut store)
    }

    /// Applies a change to the state and, with `--data`, saves it; a change that cannot be
    /// saved is undone before the 500 goes out, so a client that retries creates one record,
    /// not two. Changes are serialized by the save lock so none lands between another's
    /// change and its undo.
    pub async fn change<R>(&self, f: impl FnOnce(&mut Store) -> ApiResult<R>) -> ApiResult<R> {
        self.change_if(f, |_| true).await
    }

    /// As `change`, saving only when `changed` says the outcome changed anything (a repeated
    /// `partner_txID` answers the first transfer and writes nothing).
    pub async fn change_if<R>(
        &self,
        f: impl FnOnce(&mut Store) -> ApiResult<R>,
        changed: impl FnOnce(&R) -> bool,
    ) -> ApiResult<R> {
        let Some(path) = self.state_path.clone() else {
            return self.with_store(f);
        };
        let _guard = self.save_lock.lock().await;
        let nonces = self.judge.nonces_snapshot();
        let (result, before, bytes) = self.with_store(|s| {
            let before = s.clone();
            let result = f(s);
            let bytes = match &result {
                Ok(r) if changed(r) => Some(persist::snapshot(s, &nonces)),
                _ => None,
            };
            (result, before, bytes)
        });
        let outcome = result?;
        let Some(bytes) = bytes else {
            return Ok(outcome);
        };
        match write(path, bytes).await {
            Ok(()) => Ok(outcome),
            Err(reason) => {
                self.with_store(|s| *s = before);
                Err(ApiError::storage(format!(
                    "{reason}; the change is not kept: fix the disk, then send the request again"
                )))
            }
        }
    }

    /// Writes the state to `--data` (a no-op in memory): at shutdown, for the nonces.
    pub async fn save(&self) -> ApiResult<()> {
        let Some(path) = self.state_path.clone() else {
            return Ok(());
        };
        let _guard = self.save_lock.lock().await;
        let nonces = self.judge.nonces_snapshot();
        let bytes = self.with_store(|s| persist::snapshot(s, &nonces));
        write(path, bytes).await.map_err(ApiError::storage)
    }
}

/// Writes `bytes` to the state file off the async workers; `Err` says what failed.
async fn write(path: PathBuf, bytes: Vec<u8>) -> Result<(), String> {
    let shown = path.display().to_string();
    match tokio::task::spawn_blocking(move || persist::write(&path, &bytes)).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err(format!("could not save {shown}: {e}")),
        Err(e) => Err(format!("could not save {shown}: {e}")),
    }
}

/// Resolves once shutdown is asked for (or the handle is gone). Holds no watch guard
/// across awaits, so it can sit in a `select!` inside spawned tasks.
pub(crate) async fn stopped(rx: &mut watch::Receiver<bool>) {
    let _ = rx.wait_for(|stop| *stop).await;
}
