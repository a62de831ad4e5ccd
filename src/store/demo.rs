//! The demo profile's throwaway credentials under `data_dir()/demo/`: made once, reused,
//! so `xsign demo` and a mock started later agree on the key; and the address a running
//! `xsign demo` listens on, so the CLI's `--profile demo` reaches it.

use super::lock::FileLock;
use super::profile::demo_dir;
use crate::atomic_file::{ensure_private_dir, write_atomic};
use crate::secret::QredoSecret;
use crate::signing::{KeyError, PrivateKey, generate_key};
use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error(transparent)]
    Store(#[from] super::StoreError),
    #[error("the demo key {path} is unusable ({source}); delete {dir} and run again to make a new one", dir = path.parent().map(|p| p.display().to_string()).unwrap_or_default())]
    Key { path: PathBuf, source: KeyError },
}

/// The demo key pair and API key, and where they live.
#[derive(Debug)]
pub struct DemoCredentials {
    pub key_path: PathBuf,
    pub api_key_path: PathBuf,
    pub api_key: String,
    pub key: PrivateKey,
    /// The Qredo API v1/v2 demo pair (`qredo-apikey`, `qredo-secret`).
    pub qredo_api_key: String,
    pub qredo_secret: QredoSecret,
}

/// Writes a new Qredo API key and secret pair (both 0600) unless both files exist; reads
/// and returns the pair. `xsign secret new` and the demo make theirs here.
pub fn ensure_qredo_pair(
    api_key_path: &Path,
    secret_path: &Path,
) -> Result<(String, QredoSecret), super::StoreError> {
    let io = |action, path: &Path| {
        let path = path.to_path_buf();
        move |e| super::StoreError::io(action, path, e)
    };
    if !api_key_path.exists() || !secret_path.exists() {
        let random: [u8; 16] = rand::random();
        let api_key = format!("qredo-demo-{}", hex::encode(random));
        let secret = QredoSecret::generate();
        write_atomic(
            secret_path,
            format!("{}\n", secret.expose_text()).as_bytes(),
            0o600,
        )
        .map_err(io("write", secret_path))?;
        write_atomic(api_key_path, format!("{api_key}\n").as_bytes(), 0o600)
            .map_err(io("write", api_key_path))?;
    }
    let api_key = std::fs::read_to_string(api_key_path)
        .map_err(io("read", api_key_path))?
        .trim()
        .to_string();
    let text = std::fs::read_to_string(secret_path).map_err(io("read", secret_path))?;
    let secret = QredoSecret::parse(&text).map_err(|e| {
        io("read", secret_path)(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("{e}; delete it and run again to make a new pair"),
        ))
    })?;
    Ok((api_key, secret))
}

/// Loads the demo credentials from `data_dir()/demo`, creating them the first time
/// (RSA-2048, a random API key; both mode 0600). Safe when two processes start at once.
pub fn ensure_demo_credentials() -> Result<DemoCredentials, DemoError> {
    ensure_in(&demo_dir())
}

/// As [`ensure_demo_credentials`], in `dir`.
pub fn ensure_in(dir: &Path) -> Result<DemoCredentials, DemoError> {
    let io = |action, path: &Path| {
        let path = path.to_path_buf();
        move |e| super::StoreError::io(action, path, e)
    };
    ensure_private_dir(dir).map_err(io("create the directory", dir))?;
    let _lock = FileLock::acquire(&dir.join(".demo.lock"))?;
    let key_path = dir.join("private.pem");
    let api_key_path = dir.join("apikey");
    if !key_path.exists() {
        let key = generate_key(2048).map_err(|source| DemoError::Key {
            path: key_path.clone(),
            source,
        })?;
        write_atomic(&key_path, key.to_pkcs1_pem().as_bytes(), 0o600)
            .map_err(io("write", &key_path))?;
        // For `xsign verify --pubkey` and `xsign mock --pubkey` against the demo key.
        let public_path = dir.join("public.pem");
        write_atomic(&public_path, key.public_key().to_pem().as_bytes(), 0o644)
            .map_err(io("write", &public_path))?;
    }
    if !api_key_path.exists() {
        let random: [u8; 16] = rand::random();
        let api_key = format!("demo-{}", hex::encode(random));
        write_atomic(&api_key_path, format!("{api_key}\n").as_bytes(), 0o600)
            .map_err(io("write", &api_key_path))?;
    }
    let key = PrivateKey::from_file(&key_path).map_err(|source| DemoError::Key {
        path: key_path.clone(),
        source,
    })?;
    let api_key = std::fs::read_to_string(&api_key_path)
        .map_err(io("read", &api_key_path))?
        .trim()
        .to_string();
    let (qredo_api_key, qredo_secret) =
        ensure_qredo_pair(&dir.join("qredo-apikey"), &dir.join("qredo-secret"))?;
    Ok(DemoCredentials {
        key_path,
        api_key_path,
        api_key,
        key,
        qredo_api_key,
        qredo_secret,
    })
}

/// The file a running demo writes its base URL into, under [`demo_dir`].
const LIVE_FILE: &str = "live-base-url";

/// The record of a running demo's address: it holds an exclusive lock on the file for as
/// long as the demo runs, so a record left by a killed demo (unlocked) is never believed.
/// Dropping it clears the record.
#[derive(Debug)]
pub struct LiveDemo {
    file: File,
}

impl LiveDemo {
    /// Records `base_url` as the live demo's in `dir`. `None` when another running demo
    /// holds the record already (its address stays the one the CLI uses).
    pub fn record(dir: &Path, base_url: &str) -> Result<Option<LiveDemo>, super::StoreError> {
        let path = dir.join(LIVE_FILE);
        let io = |action, e| super::StoreError::io(action, &path, e);
        ensure_private_dir(dir)
            .map_err(|e| super::StoreError::io("create the directory", dir, e))?;
        let mut opts = OpenOptions::new();
        opts.read(true).write(true).create(true).truncate(false);
        let mut file = opts.open(&path).map_err(|e| io("open", e))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => return Ok(None),
            Err(TryLockError::Error(e)) => return Err(io("lock", e)),
        }
        // Written in place, not renamed over: the lock is on this file.
        file.set_len(0).map_err(|e| io("write", e))?;
        file.write_all(base_url.as_bytes())
            .and_then(|()| file.flush())
            .map_err(|e| io("write", e))?;
        Ok(Some(LiveDemo { file }))
    }
}

impl Drop for LiveDemo {
    fn drop(&mut self) {
        // Unlocked, a record is ignored anyway; emptied, it also reads as no demo at all.
        let _ = self.file.set_len(0);
    }
}

/// The base URL of the demo running now (recorded by [`LiveDemo::record`] in `dir`), if any.
pub fn live_base_url(dir: &Path) -> Option<String> {
    let mut file = File::open(dir.join(LIVE_FILE)).ok()?;
    // Unlocked, the demo that wrote it is gone.
    let Err(TryLockError::WouldBlock) = file.try_lock() else {
        return None;
    };
    let mut url = String::new();
    file.read_to_string(&mut url).ok()?;
    let url = url.trim();
    (!url.is_empty()).then(|| url.to_string())
}

#[cfg(test)]
mod tests {
    use super::{LiveDemo, live_base_url};

    #[test]
    fn the_live_address_is_believed_only_while_its_demo_runs() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(live_base_url(dir.path()), None);
        let url = "http://127.0.0.1:40123/api/v1/p";
        let live = LiveDemo::record(dir.path(), url).unwrap().unwrap();
        assert_eq!(live_base_url(dir.path()).as_deref(), Some(url));
        assert!(
            LiveDemo::record(dir.path(), "http://127.0.0.1:1/api/v1/p")
                .unwrap()
                .is_none(),
            "a second demo leaves the first one's record"
        );
        assert_eq!(live_base_url(dir.path()).as_deref(), Some(url));
        drop(live);
        assert_eq!(live_base_url(dir.path()), None);
        // A killed demo leaves its text but not its lock.
        std::fs::write(dir.path().join(super::LIVE_FILE), url).unwrap();
        assert_eq!(live_base_url(dir.path()), None);
    }

    #[test]
    fn made_once_then_reused() {
        let dir = tempfile::tempdir().unwrap();
        let a = super::ensure_in(dir.path()).unwrap();
        let b = super::ensure_in(dir.path()).unwrap();
        assert_eq!(a.api_key, b.api_key);
        assert_eq!(a.key.info().fingerprint, b.key.info().fingerprint);
        assert!(a.api_key.starts_with("demo-"));
    }
}
