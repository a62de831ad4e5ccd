//! Fixed limits: what one request may cost the mock.

use std::time::Duration;

/// Bodies past this get 413, as the issue asks (1 MiB).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;
/// A body past MAX_BODY_BYTES is read and thrown away up to this many bytes before the 413
/// goes out: closing on a client still sending makes the kernel reset the connection, and
/// the client sees "broken pipe" instead of the answer. Past this, the connection is closed.
pub const MAX_DISCARD_BYTES: u64 = 256 * 1024 * 1024;
/// ... and for at most this long.
pub const DISCARD_TIMEOUT: Duration = Duration::from_secs(10);
/// A client has this long to send its headers.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// ... and this long once three quarters of the connections are open, so clients that
/// connect and send nothing give their slots back quickly under a flood. Generous for a
/// real client, whose headers follow the connect within milliseconds.
pub const CROWDED_HEADER_TIMEOUT: Duration = Duration::from_secs(2);
/// A connection accepted past a limit has this long to send its first bytes (a real
/// client's request follows the connect within milliseconds); only then does it take the
/// place of an idle one.
pub const PROBATION_TIMEOUT: Duration = Duration::from_secs(1);
/// A connection that has sent nothing for this long may be closed for one that spoke; a
/// real client's request follows its connect within milliseconds.
pub const EVICTABLE_AFTER: Duration = Duration::from_millis(250);
/// Connections on probation at most (or as many as may be open, if more). Past it the
/// oldest on probation is closed for a newer one: room enough that an idle flood of
/// 1,100 clients from one host (512 open, the rest waiting) never overflows it, so a
/// real client's connection is not closed before its request arrives.
pub const MIN_PROBATION: usize = 1024;
/// A client has this long to send its body once headers are in.
pub const BODY_READ_TIMEOUT: Duration = Duration::from_secs(15);
/// A feed message that cannot be written in this time drops the subscriber.
pub const FEED_SEND_TIMEOUT: Duration = Duration::from_secs(10);
/// Pings keep idle feeds alive through proxies and reveal dead peers.
pub const FEED_PING_INTERVAL: Duration = Duration::from_secs(30);
/// The largest frame a feed client may send us (feeds are read-only; pongs and closes only).
pub const FEED_MAX_INCOMING: usize = 64 * 1024;
/// Grace period for open connections at shutdown.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);
/// hyper's per-connection read buffer: headers must fit in it.
pub const CONN_READ_BUFFER: usize = 64 * 1024;
