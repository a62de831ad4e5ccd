//! Follows the history on disk: when another process records an exchange (the signing
//! proxy, `xsign send`), the library's history list gets the newest entries.

use crate::tui::app::Message;
use crate::tui::store_io;
use crate::tui::stores::Stores;
use std::path::Path;
use std::sync::mpsc::Sender;
use std::time::{Duration, SystemTime};

/// How often the history's files are looked at (their sizes and times only).
const POLL: Duration = Duration::from_millis(500);

/// What changes when an entry is recorded: each file's name, length and time.
fn stamp(dir: &Path) -> Vec<(std::ffi::OsString, u64, Option<SystemTime>)> {
    let mut out: Vec<_> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let m = e.metadata().ok()?;
            m.is_file()
                .then(|| (e.file_name(), m.len(), m.modified().ok()))
        })
        .collect();
    out.sort();
    out
}

/// Watches on `rt` until aborted or nobody listens.
pub(super) fn spawn(
    rt: &tokio::runtime::Handle,
    stores: Stores,
    tx: Sender<Message>,
) -> tokio::task::AbortHandle {
    rt.spawn(async move {
        let dir = stores.history.dir().to_path_buf();
        let mut last = stamp(&dir);
        let mut tick = tokio::time::interval(POLL);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            let now = stamp(&dir);
            if now == last {
                continue;
            }
            last = now;
            let stores = stores.clone();
            let read = tokio::task::spawn_blocking(move || store_io::history(&stores)).await;
            if let Ok(Some(m)) = read
                && tx.send(m).is_err()
            {
                return;
            }
        }
    })
    .abort_handle()
}
