//! Websocket feeds: signed handshake, reconnect with backoff.
