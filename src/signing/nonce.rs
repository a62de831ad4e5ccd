use crate::atomic_file::{ensure_private_dir, write_atomic};
use sha2::{Digest, Sha256};
use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum NonceError {
    #[error("cannot use the nonce store in {dir}: {source}. Check that the data dir is writable")]
    Io {
        dir: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "the nonce file {0} is damaged; it was moved aside. The next nonce starts from the clock"
    )]
    Corrupt(PathBuf),
    #[error(
        "no nonce above {last} exists (the largest a nonce can be): this API key's nonces are used \
         up. Authenticate with x-timestamp instead (profile auth mode timestamp), or use a new API key"
    )]
    Exhausted { last: u64 },
}

/// Hands out strictly increasing nonces per API key, across runs and processes.
///
/// Each take holds an exclusive lock on the key's lock file, and the new value is on disk
/// (fsync, rename) before it is returned: a process killed after taking a nonce has still
/// used it up, so no nonce is handed out twice.
#[derive(Debug, Clone)]
pub struct NonceStore {
    dir: PathBuf,
}

impl NonceStore {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        NonceStore { dir: dir.into() }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The next nonce for `api_key`: above the last one handed out, and at least the
    /// current Unix time in milliseconds so a lost store does not restart from 1.
    pub fn take(&self, api_key: &str) -> Result<u64, NonceError> {
        self.with_lock(api_key, |last| {
            let floor = crate::signing::payload::now_unix_millis();
            // A nonce that does not increase would be refused by the server: say so instead of
            // handing out u64::MAX again and again.
            let above = match last {
                Some(l) => l.checked_add(1).ok_or(NonceError::Exhausted { last: l })?,
                None => floor,
            };
            Ok(above.max(floor))
        })
    }

    /// Records a nonce the user chose, so later takes stay above it.
    /// Returns the last one handed out before, so callers can warn when `n` is not above it.
    pub fn record(&self, api_key: &str, n: u64) -> Result<Option<u64>, NonceError> {
        let mut before = None;
        self.with_lock(api_key, |last| {
            before = last;
            Ok(last.map_or(n, |l| l.max(n)))
        })?;
        Ok(before)
    }

    /// The last nonce handed out for `api_key`, if any.
    pub fn last(&self, api_key: &str) -> Result<Option<u64>, NonceError> {
        let path = self.value_path(api_key);
        self.read_value(&path)
    }

    fn with_lock(
        &self,
        api_key: &str,
        next: impl FnOnce(Option<u64>) -> Result<u64, NonceError>,
    ) -> Result<u64, NonceError> {
        let io = |source| NonceError::Io {
            dir: self.dir.clone(),
            source,
        };
        ensure_private_dir(&self.dir).map_err(io)?;
        let lock = self.open_lock(api_key).map_err(io)?;
        lock.lock().map_err(io)?;
        let path = self.value_path(api_key);
        crate::atomic_file::remove_stale_temps(&path);
        let last = self.read_value(&path)?;
        let value = next(last)?;
        if Some(value) != last {
            write_atomic(&path, value.to_string().as_bytes(), 0o600).map_err(io)?;
        }
        drop(lock);
        Ok(value)
    }

    fn read_value(&self, path: &Path) -> Result<Option<u64>, NonceError> {
        match std::fs::read_to_string(path) {
            Ok(text) => match text.trim().parse::<u64>() {
                Ok(n) => Ok(Some(n)),
                Err(_) => {
                    let _ = crate::atomic_file::move_aside(path);
                    Err(NonceError::Corrupt(path.to_path_buf()))
                }
            },
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(source) => Err(NonceError::Io {
                dir: self.dir.clone(),
                source,
            }),
        }
    }

    fn open_lock(&self, api_key: &str) -> std::io::Result<File> {
        let mut opts = OpenOptions::new();
        opts.create(true).truncate(false).write(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        opts.open(self.dir.join(format!("{}.lock", key_id(api_key))))
    }

    fn value_path(&self, api_key: &str) -> PathBuf {
        self.dir.join(format!("{}.nonce", key_id(api_key)))
    }
}

/// Files are named by a hash of the API key so the key itself is never on disk here.
fn key_id(api_key: &str) -> String {
    hex::encode(&Sha256::digest(api_key.trim().as_bytes())[..12])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_killed_take_leaves_no_temp_file_after_the_next() {
        let dir = tempfile::tempdir().unwrap();
        let s = NonceStore::new(dir.path());
        s.take("key").unwrap();
        // What a take killed between write and rename leaves behind.
        let name = s.value_path("key");
        let name = name.file_name().unwrap().to_string_lossy();
        let stale = dir.path().join(format!(".{name}.tmp-123-456"));
        std::fs::write(&stale, b"17").unwrap();
        s.take("key").unwrap();
        assert!(!stale.exists(), "the next take cleans up");
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains(".tmp-"))
            .collect();
        assert!(left.is_empty(), "{left:?}");
    }

    #[test]
    fn nonces_increase_and_survive_a_new_store() {
        let dir = tempfile::tempdir().unwrap();
        let a = NonceStore::new(dir.path());
        let n1 = a.take("key").unwrap();
        let n2 = a.take("key").unwrap();
        assert!(n2 > n1);
        let b = NonceStore::new(dir.path());
        assert!(b.take("key").unwrap() > n2);
        assert_eq!(b.last("other").unwrap(), None);
    }

    #[test]
    fn recorded_nonce_raises_the_floor() {
        let dir = tempfile::tempdir().unwrap();
        let s = NonceStore::new(dir.path());
        let far = u64::MAX / 2;
        assert_eq!(s.record("k", far).unwrap(), None);
        assert_eq!(s.take("k").unwrap(), far + 1);
        assert_eq!(s.record("k", 5).unwrap(), Some(far + 1));
        assert_eq!(s.take("k").unwrap(), far + 2);
    }

    #[test]
    fn the_largest_nonce_is_handed_out_once_then_take_refuses() {
        let dir = tempfile::tempdir().unwrap();
        let s = NonceStore::new(dir.path());
        s.record("k", u64::MAX - 1).unwrap();
        assert_eq!(s.take("k").unwrap(), u64::MAX);
        let err = s.take("k").unwrap_err();
        assert!(
            matches!(err, NonceError::Exhausted { last: u64::MAX }),
            "{err:?}"
        );
        assert!(err.to_string().contains("x-timestamp"), "{err}");
        // Still refused, and the store still holds the last nonce handed out.
        assert!(s.take("k").is_err());
        assert_eq!(s.last("k").unwrap(), Some(u64::MAX));
    }

    #[test]
    fn a_damaged_file_is_moved_aside() {
        let dir = tempfile::tempdir().unwrap();
        let s = NonceStore::new(dir.path());
        s.take("k").unwrap();
        let path = s.value_path("k");
        std::fs::write(&path, "garbage").unwrap();
        assert!(matches!(s.take("k"), Err(NonceError::Corrupt(_))));
        assert!(s.take("k").is_ok());
    }
}
