//! The embedded mock of the Partner API (axum), judging signatures as the server does.
//!
//! ```no_run
//! # async fn demo(key: xsign::signing::PublicKey) -> std::io::Result<()> {
//! use xsign::mock::{MockConfig, MockServer};
//! let mock = MockServer::start(MockConfig::default(), "127.0.0.1:0".parse().unwrap()).await?;
//! mock.register("my-api-key", key);
//! println!("{}", mock.base_url()); // http://127.0.0.1:PORT/api/v1/p
//! mock.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! Auth follows the reference exactly (see `auth`): a registered `x-api-key`, exactly one of
//! `x-timestamp` / `x-nonce`, a timestamp within the skew, a nonce above the last one seen
//! for that key, and an `x-sign` over value + URL + raw body, where the URL is rebuilt from
//! the route's scheme (`ws` for a feed, `http` otherwise), the `Host` header and the request
//! target exactly as received. An absolute-form target must name the `Host` (see `url`).
//!
//! Choices where the API is silent:
//! - Records belong to the API key that created them; other keys get 404.
//! - A transfer's approval goes to the core client named by `authorize_id`, or to every
//!   core client of the API key when it names none; each action is pushed on that client's
//!   feed, and again when approved (PUT) or rejected (DELETE).
//! - A nonce is spent only by a request whose signature verifies.
//! - The state is bounded by records (`max_records` of each kind) and by bytes: accepted
//!   POST/PUT bodies count against `max_state_bytes` (an upper bound of what it holds).
//! - Every answer behind the prefix carries `x-mock-payload-sha256` (the hash the mock
//!   checked) and a 1020 carries `x-mock-detail` (why, in words). The real API sends neither.
//! - With `data_dir`, state is saved after every change; nonces are saved with it and at
//!   shutdown (a killed mock may forget the last nonces). A change that cannot be saved is
//!   undone and answered 500 `errStorage`, so a retry does not make a duplicate.

mod accept;
pub mod auth;
mod config;
mod error;
mod feeds;
mod ids;
mod limits;
mod middleware;
mod model;
mod persist;
pub mod qapi;
mod replay;
mod routes;
mod server;
mod shared;
mod store;
mod url;
mod verdict;

pub use accept::{ConnLimits, serve};
pub use auth::{AuthFailure, Judge, Reason, SignedParts, Verdict};
pub use config::MockConfig;
pub use feeds::Feed;
pub use server::{MockHandle, MockServer};
pub use url::request_url;

/// Every endpoint lives under this path, as on the real API.
pub const API_PREFIX: &str = "/api/v1/p";
