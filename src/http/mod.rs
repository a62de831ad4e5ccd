//! Sends the exact signed bytes and captures the response.
//!
//! Three steps, so a replay rebuilds and re-signs rather than resending stale headers:
//! `RequestSpec` (what the user wrote) → `build_ticket` (the on-wire URL, signed, with every
//! header fixed) → `execute` (those bytes, and nothing else, through reqwest, and the
//! exchange recorded in the history once).

mod client;
mod execute;
mod fresh;
mod handshake;
mod response;
mod send;
mod ticket;
mod token;

pub use crate::signing::{UrlChange, UrlError, WireUrl};
pub use client::{ClientOptions, client, client_for, client_with};
pub use execute::{Exchange, NoRecord, Origin, Recorder, execute, execute_relayed, execute_until};
pub use fresh::build_fresh_ticket;
pub use handshake::{Handshake, HandshakeAnswer, record_handshake};
pub use response::{ApiError, Response};
pub use send::{MAX_RESPONSE_BODY, Relay, RelayHead, SendError, send, send_relayed};
pub use ticket::{
    BuildError, Credentials, RequestSpec, SignedBy, Ticket, build_ticket, build_token_ticket,
};
pub use token::{Token, TokenError, TokenSource, execute_with_token};
