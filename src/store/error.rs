use std::fmt;
use std::path::PathBuf;

/// Why a store operation failed. Every message names the next step; on a failed write
/// the caller still holds what it tried to save.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot {action} {path}: {source}. {hint}", hint = io_hint(source))]
    Io {
        action: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "{path} was made by a newer xsign (format `{format}`; this one reads `{reads}`): it is left untouched. Use the newer xsign, or move the file away to start afresh"
    )]
    NewerFormat {
        path: PathBuf,
        format: String,
        reads: &'static str,
    },
    #[error(
        "{} cannot be read ({reason}); it is left as it is. Fix it, or move it away to start afresh; saving to it keeps it aside as .corrupt-<time> first",
        path.display()
    )]
    Damaged { path: PathBuf, reason: String },
    #[error("{what} `{name}` not found. {hint}")]
    NotFound {
        what: &'static str,
        name: String,
        hint: String,
    },
    #[error("{what} `{name}` already exists. {hint}")]
    Exists {
        what: &'static str,
        name: String,
        hint: String,
    },
    #[error("invalid {what} `{name}`: {reason}")]
    InvalidName {
        what: &'static str,
        name: String,
        reason: String,
    },
    #[error(
        "request `{request}` has the header {header}, a secret: a saved request is replayed, exported and shown, so secrets go in the profile (`xsign profile edit NAME --header '{header}: …'`), which sends them with every request"
    )]
    SecretHeader { request: String, header: String },
    #[error("cannot encode {path}: {source}")]
    Encode {
        path: PathBuf,
        source: serde_json::Error,
    },
}

impl StoreError {
    pub(crate) fn io(
        action: &'static str,
        path: impl Into<PathBuf>,
        source: std::io::Error,
    ) -> Self {
        StoreError::Io {
            action,
            path: path.into(),
            source,
        }
    }
}

/// The advice that matches the failure a user can act on. It says nothing of an editor:
/// the CLI shows it too, and the workbench adds that the request is still open.
fn io_hint(e: &std::io::Error) -> &'static str {
    use std::io::ErrorKind::*;
    match e.kind() {
        PermissionDenied | ReadOnlyFilesystem => {
            "The directory is not writable: fix its permissions, or set XSIGN_CONFIG_DIR / XSIGN_DATA_DIR to a writable one. Nothing was changed"
        }
        StorageFull | QuotaExceeded => {
            "The disk is full: free some space and try again. Nothing was changed"
        }
        NotADirectory => {
            "A file stands where a directory is expected: move it away or set XSIGN_CONFIG_DIR / XSIGN_DATA_DIR. Nothing was changed"
        }
        NotFound => "Check that the path exists",
        _ => "Nothing was changed",
    }
}

/// A file that could not be parsed and was kept aside instead of being overwritten.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MovedAside {
    pub path: PathBuf,
    pub aside: PathBuf,
    pub reason: String,
}

impl fmt::Display for MovedAside {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} could not be read ({}); it was kept as {} and a fresh file is used. Copy anything you need from it",
            self.path.display(),
            self.reason,
            self.aside.display()
        )
    }
}

/// A value read from disk, with the files that had to be set aside on the way.
#[derive(Debug, Clone)]
pub struct Loaded<T> {
    pub value: T,
    pub moved_aside: Vec<MovedAside>,
    /// Files left unread because they do not parse (a read never moves a file), as
    /// messages to show.
    pub unreadable: Vec<String>,
}

impl<T> Loaded<T> {
    /// Each file set aside or left unread, as a line to show.
    pub fn warnings(&self) -> Vec<String> {
        self.moved_aside
            .iter()
            .map(|m| m.to_string())
            .chain(self.unreadable.iter().cloned())
            .collect()
    }

    pub fn clean(value: T) -> Self {
        Loaded {
            value,
            moved_aside: Vec::new(),
            unreadable: Vec::new(),
        }
    }
}
