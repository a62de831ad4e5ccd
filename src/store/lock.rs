//! An exclusive advisory lock that serializes read-modify-write cycles across processes.

use super::StoreError;
use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

/// Held for the duration of one load-merge-write; released on drop (closing the file).
#[derive(Debug)]
pub struct FileLock {
    _file: File,
    path: PathBuf,
}

impl FileLock {
    /// Blocks until the lock on `path` (created if missing, mode 0600) is ours.
    pub fn acquire(path: &Path) -> Result<FileLock, StoreError> {
        if let Some(dir) = path.parent() {
            crate::atomic_file::ensure_private_dir(dir)
                .map_err(|e| StoreError::io("create the directory", dir, e))?;
        }
        let mut opts = OpenOptions::new();
        opts.read(true).write(true).create(true).truncate(false);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let file = opts
            .open(path)
            .map_err(|e| StoreError::io("open the lock file", path, e))?;
        file.lock().map_err(|e| StoreError::io("lock", path, e))?;
        Ok(FileLock {
            _file: file,
            path: path.to_path_buf(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// The lock file beside `path`: `.<name>.lock`, hidden so listings skip it.
pub fn lock_path_for(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.lock"))
}
