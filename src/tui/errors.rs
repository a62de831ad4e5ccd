//! The errors `Message`s carry, typed so `update` and the tests can tell them apart; each
//! says what to do next. Sources are shared (`Arc`) so messages stay cheap to clone.

use crate::signing::KeyError;
use crate::store::StoreError;
use std::path::PathBuf;
use std::sync::Arc;

/// Why a feed could not be opened or kept.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FeedFailure {
    #[error(transparent)]
    Feed(#[from] crate::feed::FeedError),
    /// Feed handshakes are signed and this profile cannot sign: its first problem, if any.
    #[error("{}", problem.as_deref().unwrap_or("feeds are signed: the profile needs a key and an API key"))]
    Unsigned { problem: Option<String> },
}

/// Why approving or rejecting a core client action did not happen.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecideFailure {
    /// 409: the action is no longer pending. `reason` is the server's, when it gave one.
    #[error("{} ({status} {phrase})", reason.as_deref().unwrap_or("the action was already approved or rejected: only a pending one can be decided"))]
    AlreadyDecided {
        status: u16,
        phrase: String,
        reason: Option<String>,
    },
    /// Another refusal: the status and what the server said.
    #[error("{status} {phrase}: {said}")]
    Refused {
        status: u16,
        phrase: String,
        said: String,
    },
    /// The request did not get an answer (the message says why).
    #[error("{0}")]
    NotSent(String),
}

impl DecideFailure {
    /// The failure a non-2xx answer means: the API error's reason when the body is one,
    /// else the start of the body.
    pub fn from_answer(status: u16, phrase: &str, body: &[u8]) -> DecideFailure {
        let api = crate::diagnose::ApiError::parse(status, body);
        let phrase = phrase.to_string();
        if status == 409 {
            let reason = api.and_then(|e| e.reason);
            return DecideFailure::AlreadyDecided {
                status,
                phrase,
                reason,
            };
        }
        let said = match api {
            Some(e) => e.reason.unwrap_or(e.msg),
            // shown, never signed or sent: a lossy view of the body is enough
            None => String::from_utf8_lossy(body).chars().take(200).collect(),
        };
        DecideFailure::Refused {
            status,
            phrase,
            said,
        }
    }
}

/// Why a profile switch did not happen.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProfileError {
    #[error("no profile named {0}: see `xsign profile list`")]
    NotFound(String),
}

/// Why the body could not be edited in `$EDITOR`.
#[derive(Debug, Clone, thiserror::Error)]
pub enum EditorError {
    #[error("cannot write {}: {source}", path.display())]
    Write {
        path: PathBuf,
        source: Arc<std::io::Error>,
    },
    #[error("cannot start {editor}: {source}. Set $EDITOR to your editor")]
    Start {
        editor: String,
        source: Arc<std::io::Error>,
    },
    #[error("{editor} exited with {status}: the body was left as it was")]
    Exited { editor: String, status: String },
    #[error("cannot read the edited body back: {0}")]
    ReadBack(Arc<std::io::Error>),
    #[error("cannot take the terminal back: {0}")]
    Terminal(Arc<std::io::Error>),
    #[error("no $EDITOR here: this terminal is headless")]
    Headless,
}

/// Why a history entry cannot be shown in the inspector.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InspectError {
    #[error("history #{id} got no response ({why}): nothing to inspect")]
    NoResponse { id: u64, why: String },
    #[error(
        "history #{id} is not in the history ({why}): it may have been pruned; xsign history lists what is kept"
    )]
    NotFound { id: u64, why: String },
}

/// Why first-run set-up could not go on.
#[derive(Debug, Clone, thiserror::Error)]
pub enum OnboardError {
    #[error("cannot create {}: {source}", path.display())]
    CreateDir {
        path: PathBuf,
        source: Arc<std::io::Error>,
    },
    #[error("cannot write {}: {source}", path.display())]
    Write {
        path: PathBuf,
        source: Arc<std::io::Error>,
    },
    #[error("{0}")]
    Key(Arc<KeyError>),
    /// The API key file does not read (the message says why and what to do).
    #[error("{0}")]
    ApiKey(String),
    #[error("cannot save the profile: {0}")]
    Profile(Arc<StoreError>),
}

/// Why text did not reach the clipboard.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CopyError {
    /// The OSC 52 sequence could not be written to the terminal.
    #[error("the terminal could not be written to ({0}); select the text with the mouse instead")]
    Terminal(String),
}
