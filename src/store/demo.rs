//! The demo profile's throwaway credentials under `data_dir()/demo/`: made once, reused,
//! so `xsign demo` and a mock started later agree on the key.

use super::lock::FileLock;
use super::profile::demo_dir;
use crate::atomic_file::{ensure_private_dir, write_atomic};
use crate::signing::{KeyError, PrivateKey, generate_key};
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
    Ok(DemoCredentials {
        key_path,
        api_key_path,
        api_key,
        key,
    })
}

#[cfg(test)]
mod tests {
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
