//! `--data DIR`: the whole state as one JSON file, rewritten atomically after each change.
//! The API keys themselves are never written: records and nonces name their owner by a
//! hash of the key.

use super::store::Store;
use crate::atomic_file::{ensure_private_dir, move_aside, write_atomic};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

pub const STATE_FILE: &str = "mock-state.json";
const VERSION: u32 = 1;

#[derive(Serialize)]
struct SnapshotRef<'a> {
    version: u32,
    nonces: &'a BTreeMap<String, u64>,
    #[serde(flatten)]
    store: &'a Store,
}

#[derive(Deserialize)]
struct Snapshot {
    version: u32,
    #[serde(default)]
    nonces: BTreeMap<String, u64>,
    #[serde(flatten)]
    store: Store,
}

/// What was found on disk.
pub struct Loaded {
    pub store: Store,
    pub nonces: BTreeMap<String, u64>,
    /// Set when an unreadable file was kept aside and the mock starts empty.
    pub warning: Option<String>,
}

pub fn state_path(dir: &Path) -> PathBuf {
    dir.join(STATE_FILE)
}

/// Reads `DIR/mock-state.json`, creating DIR (0700) if needed. A damaged file is moved aside
/// (never overwritten); a file from a newer xsign is refused untouched.
pub fn load(dir: &Path) -> io::Result<Loaded> {
    ensure_private_dir(dir).map_err(|e| {
        io::Error::new(
            e.kind(),
            format!("cannot create the data dir {}: {e}", dir.display()),
        )
    })?;
    let path = state_path(dir);
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Ok(Loaded {
                store: Store::default(),
                nonces: BTreeMap::new(),
                warning: None,
            });
        }
        Err(e) => {
            return Err(io::Error::new(
                e.kind(),
                format!("cannot read {}: {e}", path.display()),
            ));
        }
    };
    match serde_json::from_slice::<Snapshot>(&bytes) {
        Ok(s) if s.version > VERSION => Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "{} was written by a newer xsign (format {}); use that version, or another --data dir",
                path.display(),
                s.version
            ),
        )),
        Ok(s) => Ok(Loaded {
            store: s.store,
            nonces: s.nonces,
            warning: None,
        }),
        Err(e) => {
            let aside = move_aside(&path)?;
            Ok(Loaded {
                store: Store::default(),
                nonces: BTreeMap::new(),
                warning: Some(format!(
                    "{} could not be read ({e}); it was kept as {} and the mock starts empty",
                    path.display(),
                    aside.display()
                )),
            })
        }
    }
}

/// The bytes to write for this state.
pub fn snapshot(store: &Store, nonces: &BTreeMap<String, u64>) -> Vec<u8> {
    serde_json::to_vec(&SnapshotRef {
        version: VERSION,
        nonces,
        store,
    })
    .expect("the state always serializes")
}

pub fn write(path: &Path, bytes: &[u8]) -> io::Result<()> {
    // A killed mock leaves its temp file (the whole state) behind; the next save takes it.
    crate::atomic_file::remove_old_temps(path, crate::atomic_file::ABANDONED_TEMP_AGE);
    write_atomic(path, bytes, 0o600)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_damaged_file_kept_aside() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::new(10);
        store
            .create_company(
                "owner",
                serde_json::from_str(r#"{"name":"ACME","ref":"r"}"#).unwrap(),
                5,
            )
            .unwrap();
        let nonces = BTreeMap::from([("owner".to_string(), 7u64)]);
        write(&state_path(dir.path()), &snapshot(&store, &nonces)).unwrap();
        let loaded = load(dir.path()).unwrap();
        assert_eq!(loaded.store.companies.len(), 1);
        assert_eq!(loaded.nonces["owner"], 7);

        std::fs::write(state_path(dir.path()), b"{not json").unwrap();
        let loaded = load(dir.path()).unwrap();
        assert!(loaded.warning.unwrap().contains("kept as"));
        assert!(loaded.store.companies.is_empty());
        let kept: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(
            kept.iter()
                .any(|n| n.starts_with("mock-state.json.corrupt-"))
        );
    }
}
