//! The embedded mock of the Partner API (axum), judging signatures as the server does.
