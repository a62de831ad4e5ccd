//! Reading a file the user named (a key, an API key, a body, a curl command), bounded by
//! what its kind can hold: the size is checked before reading and again while reading, a
//! device such as `/dev/zero` is refused, and a FIFO nobody writes to times out instead of
//! hanging. `<(cmd)` and `-` still work: a pipe is read, up to the limit.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

/// What a file holds and the most it may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Kind {
    /// As the messages name it: "private key", "body".
    pub what: &'static str,
    pub max: u64,
}

impl Kind {
    /// The same kind with another bound (a flag raised it).
    #[must_use]
    pub const fn with_max(self, max: u64) -> Kind {
        Kind {
            what: self.what,
            max,
        }
    }
}

/// An RSA key of 16,384 bits is about 13 KB of PEM; nothing a key file holds comes near this.
pub const PRIVATE_KEY: Kind = Kind {
    what: "private key",
    max: 64 * 1024,
};
pub const PUBLIC_KEY: Kind = Kind {
    what: "public key",
    max: 64 * 1024,
};
pub const API_KEY: Kind = Kind {
    what: "API key",
    max: 4 * 1024,
};
/// The API refuses a body over 1 MiB; `--max-body` raises this for trying exactly that.
pub const BODY: Kind = Kind {
    what: "body",
    max: 1024 * 1024,
};
/// A curl command: a 1 MiB body inline plus its quoting.
pub const CURL: Kind = Kind {
    what: "curl command",
    max: 4 * 1024 * 1024,
};

/// A scenario file (`xsign run`): far more than any hand-written flow.
pub const SCENARIO: Kind = Kind {
    what: "scenario",
    max: 1024 * 1024,
};

/// A CA bundle (`--cacert`): a few certificates of about 2 KB each.
pub const CERT: Kind = Kind {
    what: "CA certificate",
    max: 1024 * 1024,
};

/// A collection file to import: many requests, each body up to the API's 1 MiB.
pub const COLLECTION: Kind = Kind {
    what: "collection",
    max: 256 * 1024 * 1024,
};

/// An OpenAPI document to import: the Partner API's is 150 KB; large public APIs reach a
/// few MB.
pub const OPENAPI: Kind = Kind {
    what: "OpenAPI document",
    max: 32 * 1024 * 1024,
};

/// How long to wait for a writer to open a FIFO before saying nothing writes to it.
pub const FIFO_WAIT: Duration = Duration::from_secs(10);

#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("no {what} file at {}: check the path", path.display())]
    NotFound { what: &'static str, path: PathBuf },
    #[error("{} is a directory: give the file that holds the {what}", path.display())]
    Directory { what: &'static str, path: PathBuf },
    #[error("{} is a {kind}, not a file: give the file that holds the {what}", path.display())]
    NotAFile {
        what: &'static str,
        kind: &'static str,
        path: PathBuf,
    },
    #[error(
        "{} holds more than {} (the most a {what} file may hold here): check it is the right file",
        path.display(),
        crate::time::bytes_text(usize::try_from(*max).unwrap_or(usize::MAX))
    )]
    TooLarge {
        what: &'static str,
        max: u64,
        path: PathBuf,
    },
    #[error(
        "nothing opened the FIFO {} for writing within {secs} s: start what writes the {what} first, or give a regular file",
        path.display()
    )]
    NoWriter {
        what: &'static str,
        secs: u64,
        path: PathBuf,
    },
    #[error("{} is not text (not UTF-8): check it is the {what} file", path.display())]
    NotText { what: &'static str, path: PathBuf },
    #[error(
        "{} links to {}, outside the folder being imported or read in place: copy the file into the folder if it is meant to be part of it",
        path.display(),
        target.display()
    )]
    OutsideFolder { path: PathBuf, target: PathBuf },
    #[error("cannot read the {what} file {}: {source}", path.display())]
    Io {
        what: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
}

/// The bytes of `path`, if it is a regular file or a pipe within `kind.max`.
pub fn read(path: &Path, kind: Kind) -> Result<Vec<u8>, ReadError> {
    read_waiting(path, kind, FIFO_WAIT)
}

/// `read`, waiting `wait` for a FIFO's writer.
fn read_waiting(path: &Path, kind: Kind, wait: Duration) -> Result<Vec<u8>, ReadError> {
    let what = kind.what;
    let io = |source: std::io::Error| match source.kind() {
        std::io::ErrorKind::NotFound => ReadError::NotFound {
            what,
            path: path.to_path_buf(),
        },
        std::io::ErrorKind::IsADirectory => ReadError::Directory {
            what,
            path: path.to_path_buf(),
        },
        _ => ReadError::Io {
            what,
            path: path.to_path_buf(),
            source,
        },
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    let file = if meta.is_file() {
        if meta.len() > kind.max {
            return Err(too_large(path, kind));
        }
        std::fs::File::open(path).map_err(io)?
    } else if meta.is_dir() {
        return Err(ReadError::Directory {
            what,
            path: path.to_path_buf(),
        });
    } else if is_fifo(&meta) {
        open_fifo(path, kind, wait)?.map_err(io)?
    } else {
        return Err(ReadError::NotAFile {
            what,
            kind: special_kind(&meta),
            path: path.to_path_buf(),
        });
    };
    read_stream(file, kind).map_err(|e| match e {
        StreamError::TooLarge => too_large(path, kind),
        StreamError::Io(e) => io(e),
    })
}

/// The bytes of `path` if it exists and is (or links to) a regular file under `root` (which
/// must be canonical), within `kind`'s bound; `None` when there is no such file. A folder
/// read as requests (an import, a project's collections) is replayed later, so
/// `body -> /etc/shadow` or `body -> /dev/zero` is refused, never read.
pub fn read_inside(root: &Path, path: &Path, kind: Kind) -> Result<Option<Vec<u8>>, ReadError> {
    let io = |source| ReadError::Io {
        what: kind.what,
        path: path.to_path_buf(),
        source,
    };
    match std::fs::symlink_metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io(e)),
        Ok(_) => {}
    }
    // Every link on the way (the request's folder too) is resolved before judging.
    let target = std::fs::canonicalize(path).map_err(io)?;
    if !target.starts_with(root) {
        return Err(ReadError::OutsideFolder {
            path: path.to_path_buf(),
            target,
        });
    }
    let meta = std::fs::metadata(&target).map_err(io)?;
    if !meta.is_file() {
        return Err(ReadError::NotAFile {
            what: kind.what,
            kind: "special file",
            path: path.to_path_buf(),
        });
    }
    read(&target, kind).map(Some)
}

/// `read`, as UTF-8 text.
pub fn read_text(path: &Path, kind: Kind) -> Result<String, ReadError> {
    String::from_utf8(read(path, kind)?).map_err(|_| ReadError::NotText {
        what: kind.what,
        path: path.to_path_buf(),
    })
}

/// Why a stream could not be read within its bound.
#[derive(Debug, thiserror::Error)]
pub enum StreamError {
    #[error("more than the most allowed")]
    TooLarge,
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// Reads `from` to its end, refusing at the first byte past `kind.max` (memory stays bounded
/// whatever the stream holds).
pub fn read_stream(from: impl Read, kind: Kind) -> Result<Vec<u8>, StreamError> {
    let mut bytes = Vec::new();
    from.take(kind.max.saturating_add(1))
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > kind.max {
        return Err(StreamError::TooLarge);
    }
    Ok(bytes)
}

fn too_large(path: &Path, kind: Kind) -> ReadError {
    ReadError::TooLarge {
        what: kind.what,
        max: kind.max,
        path: path.to_path_buf(),
    }
}

/// Opening a FIFO blocks until a writer opens it, so it is opened on a thread and waited for.
/// On a timeout that thread stays blocked until a writer comes or the process ends; the
/// commands that read FIFOs end right after the error.
fn open_fifo(
    path: &Path,
    kind: Kind,
    wait: Duration,
) -> Result<Result<std::fs::File, std::io::Error>, ReadError> {
    let (tx, rx) = mpsc::channel();
    let p = path.to_path_buf();
    std::thread::spawn(move || {
        let _ = tx.send(std::fs::File::open(p));
    });
    rx.recv_timeout(wait).map_err(|_| ReadError::NoWriter {
        what: kind.what,
        secs: wait.as_secs(),
        path: path.to_path_buf(),
    })
}

#[cfg(unix)]
fn is_fifo(meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::FileTypeExt;
    meta.file_type().is_fifo()
}

#[cfg(not(unix))]
fn is_fifo(_: &std::fs::Metadata) -> bool {
    false
}

#[cfg(unix)]
fn special_kind(meta: &std::fs::Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let t = meta.file_type();
    if t.is_char_device() {
        "character device"
    } else if t.is_block_device() {
        "block device"
    } else if t.is_socket() {
        "socket"
    } else {
        "special file"
    }
}

#[cfg(not(unix))]
fn special_kind(_: &std::fs::Metadata) -> &'static str {
    "special file"
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: Kind = Kind {
        what: "test",
        max: 8,
    };

    #[test]
    fn a_file_within_the_bound_is_read_whole() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f");
        std::fs::write(&p, b"12345678").unwrap();
        assert_eq!(read(&p, SMALL).unwrap(), b"12345678");
    }

    #[test]
    fn a_file_over_the_bound_is_refused_before_reading() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f");
        std::fs::write(&p, b"123456789").unwrap();
        let e = read(&p, SMALL).unwrap_err();
        assert!(matches!(e, ReadError::TooLarge { max: 8, .. }), "{e}");
        assert!(e.to_string().contains("more than 8 B"), "{e}");
    }

    #[test]
    fn an_endless_device_is_refused_not_read() {
        let e = read(Path::new("/dev/zero"), BODY).unwrap_err();
        assert!(
            e.to_string()
                .contains("/dev/zero is a character device, not a file"),
            "{e}"
        );
    }

    #[test]
    fn a_stream_is_cut_at_the_first_byte_past_the_bound() {
        let endless = std::io::repeat(b'x');
        assert!(matches!(
            read_stream(endless, SMALL),
            Err(StreamError::TooLarge)
        ));
        assert_eq!(read_stream(&b"1234"[..], SMALL).unwrap(), b"1234");
    }

    #[test]
    fn a_directory_and_a_missing_file_say_so_once() {
        let dir = tempfile::tempdir().unwrap();
        let e = read(dir.path(), SMALL).unwrap_err().to_string();
        assert!(
            e.ends_with("is a directory: give the file that holds the test"),
            "{e}"
        );
        assert!(!e.contains("os error"), "{e}");
        let e = read(&dir.path().join("nope"), SMALL)
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("no test file at"), "{e}");
    }

    #[cfg(unix)]
    fn fifo(dir: &Path) -> std::path::PathBuf {
        let p = dir.join("fifo");
        let made = std::process::Command::new("mkfifo")
            .arg(&p)
            .status()
            .unwrap();
        assert!(made.success());
        p
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_with_a_writer_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let p = fifo(dir.path());
        let w = p.clone();
        let writer = std::thread::spawn(move || std::fs::write(w, b"abc").unwrap());
        assert_eq!(read(&p, SMALL).unwrap(), b"abc");
        writer.join().unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_nobody_writes_to_times_out_with_a_message() {
        let dir = tempfile::tempdir().unwrap();
        let p = fifo(dir.path());
        let e = read_waiting(&p, SMALL, Duration::from_millis(50)).unwrap_err();
        assert!(matches!(e, ReadError::NoWriter { .. }), "{e}");
        assert!(
            e.to_string().contains("start what writes the test first"),
            "{e}"
        );
        // Unblock the thread still opening it.
        let _ = std::fs::OpenOptions::new().write(true).open(&p);
    }
}
