//! Writes that leave either the old file or the new one, never a torn one, and a way
//! to keep an unreadable file aside instead of overwriting it.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Writes `bytes` to `path` through a temp file in the same directory: write, fsync,
/// rename, fsync the directory. `mode` applies on Unix (0o600 for anything secret).
pub fn write_atomic(path: &Path, bytes: &[u8], mode: u32) -> io::Result<()> {
    let dir = parent_dir(path);
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "path has no file name"))?;
    let tmp = dir.join(format!(
        ".{}.tmp-{}-{}",
        name.to_string_lossy(),
        std::process::id(),
        unique_suffix()
    ));
    let result = (|| {
        let mut f = open_new(&tmp, mode)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        fs::rename(&tmp, path)?;
        sync_dir(&dir);
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Removes the temp files a killed [`write_atomic`] of `path` left behind (they may hold
/// a secret, and nothing else cleans them). Call it only while holding the lock that
/// guards writes of `path`, so no live writer's temp file is taken.
pub fn remove_stale_temps(path: &Path) {
    remove_temps(path, |_| true);
}

/// [`remove_stale_temps`] for a file written without a lock (a token cache, the mock's
/// state): only temp files older than `min_age` go, which no live writer still holds (a
/// write takes milliseconds).
pub fn remove_old_temps(path: &Path, min_age: std::time::Duration) {
    remove_temps(path, |e| {
        e.metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age >= min_age)
    });
}

/// Removes each temp file of `path` that `abandoned` says no writer holds.
fn remove_temps(path: &Path, abandoned: impl Fn(&fs::DirEntry) -> bool) {
    let Some(name) = path.file_name() else {
        return;
    };
    let prefix = format!(".{}.tmp-", name.to_string_lossy());
    let Ok(entries) = fs::read_dir(parent_dir(path)) else {
        return;
    };
    for e in entries.flatten() {
        if e.file_name().to_string_lossy().starts_with(&prefix) && abandoned(&e) {
            let _ = fs::remove_file(e.path());
        }
    }
}

/// How old an unlocked writer's temp file must be to count as left by a killed write.
pub const ABANDONED_TEMP_AGE: std::time::Duration = std::time::Duration::from_secs(60);

fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

fn unique_suffix() -> u128 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed) as u128;
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    t.wrapping_add(n)
}

/// Creates a new file with `mode` (Unix), failing if it exists.
pub fn open_new(path: &Path, mode: u32) -> io::Result<File> {
    let mut opts = OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(mode);
    }
    #[cfg(not(unix))]
    let _ = mode;
    opts.open(path)
}

/// Makes the rename durable; best effort where directories cannot be opened.
pub fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

/// Creates `dir` (and parents) with mode 0700 on Unix.
pub fn ensure_private_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
    }
    #[cfg(not(unix))]
    fs::create_dir_all(dir)
}

/// Moves an unreadable file to `<name>.corrupt-<unix time>` and returns the new path,
/// so the next save does not overwrite what the user may still want.
pub fn move_aside(path: &Path) -> io::Result<PathBuf> {
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut aside = parent_dir(path).join(format!("{name}.corrupt-{stamp}"));
    let mut n = 1;
    while aside.exists() {
        aside = parent_dir(path).join(format!("{name}.corrupt-{stamp}-{n}"));
        n += 1;
    }
    fs::rename(path, &aside)?;
    Ok(aside)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_and_sets_mode() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f.json");
        write_atomic(&p, b"one", 0o600).unwrap();
        write_atomic(&p, b"two\r\n\t", 0o600).unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"two\r\n\t");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                fs::metadata(&p).unwrap().permissions().mode() & 0o777,
                0o600
            );
        }
        let leftovers: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no temp file left behind");
    }

    #[test]
    fn move_aside_keeps_the_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("c.json");
        fs::write(&p, b"{broken").unwrap();
        let aside = move_aside(&p).unwrap();
        assert!(!p.exists());
        assert_eq!(fs::read(&aside).unwrap(), b"{broken");
        assert!(aside.to_string_lossy().contains("c.json.corrupt-"));
    }
}
