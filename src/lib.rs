//! xsign: sign, send and debug Qredo Partner API requests.
//!
//! Pure core (no terminal, no sockets): `signing`, `lint`, `curl`, `diagnose`, `store`.
//! Edges: `http`, `feed`, `mock`, `cli`, `tui`.

pub mod atomic_file;
pub mod catalog;
pub mod cli;
pub mod credentials;
pub mod curl;
pub mod diagnose;
pub mod feed;
pub mod flow;
pub mod http;
pub mod input_file;
pub mod lint;
pub mod mock;
pub mod openapi;
pub mod paths;
pub mod proxy;
pub mod scenario;
pub mod secret;
pub mod signing;
pub mod store;
pub mod time;
pub mod tui;
pub mod visible;
