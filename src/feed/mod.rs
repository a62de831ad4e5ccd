//! Websocket feeds: a handshake signed like any request (the ws/wss URL, an empty body),
//! reconnection with capped exponential backoff and a fresh signature each attempt.
//!
//! ```no_run
//! # async fn demo(signer: std::sync::Arc<dyn xsign::signing::RequestSigner>) -> Result<(), xsign::feed::FeedError> {
//! use xsign::feed::{self, FeedAuth, FeedConfig, FeedEvent, FeedKind, FeedTarget};
//! let target = FeedTarget::for_feed("http://localhost:8001/api/v1/p", &"wallets".parse::<FeedKind>()?)?;
//! let mut handle = feed::connect(FeedConfig::new(target, FeedAuth::timestamp(signer, "my-api-key")));
//! while let Some(event) = handle.recv().await {
//!     if let FeedEvent::Message { text, .. } = event { println!("{text}"); }
//! }
//! # Ok(()) }
//! ```

mod action;
mod auth;
mod backoff;
mod client;
mod error;
mod target;

pub use action::{Action, format_epoch};
pub use auth::{FeedAuth, SignedHandshake};
pub use backoff::Backoff;
pub use client::{FeedConfig, FeedHandle, FeedStop, connect, handshake_request, run, spawn};
pub use error::{ConnectKind, FeedError, Refusal};
pub use target::{FeedKind, FeedTarget, ws_base};

use crate::signing::AuthValue;
use serde_json::Value;
use std::time::{Duration, SystemTime};

/// What a feed reports, in order. After `Failed`, or `Disconnected` with `retry_in: None`,
/// nothing more comes.
#[derive(Debug, Clone, PartialEq)]
pub enum FeedEvent {
    /// A connection attempt starts (1 for the first, counting up across reconnects).
    Connecting { attempt: u32, url: String },
    /// The handshake was accepted; `value` is the timestamp or nonce it was signed with.
    Connected {
        url: String,
        value: AuthValue,
        at: SystemTime,
    },
    /// One message, as received. `json` is set when the text parses as JSON.
    Message {
        received_at: SystemTime,
        text: String,
        json: Option<Value>,
    },
    /// The connection dropped or an attempt failed. `retry_in` is when the next attempt
    /// starts; None when the feed ended (closed on request, or reconnecting is off).
    Disconnected {
        reason: String,
        retry_in: Option<Duration>,
    },
    /// A failure retrying cannot fix (a refused handshake, a bad URL, TLS): the feed ended.
    Failed(FeedError),
}

impl FeedEvent {
    /// The core client action carried by a message, if it is one.
    pub fn action(&self) -> Option<Action> {
        match self {
            FeedEvent::Message {
                json: Some(json), ..
            } => Action::from_json(json),
            _ => None,
        }
    }

    /// Whether this is the feed's last event.
    pub fn is_final(&self) -> bool {
        matches!(
            self,
            FeedEvent::Failed(_) | FeedEvent::Disconnected { retry_in: None, .. }
        )
    }
}
