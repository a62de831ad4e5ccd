use std::path::PathBuf;

/// How the mock behaves. Build it with `MockConfig::default()` and struct update syntax
/// (`MockConfig { skew_secs: 5, ..Default::default() }`) so new fields do not break callers.
#[derive(Debug, Clone)]
pub struct MockConfig {
    /// Accepted distance between `x-timestamp` and the server clock, in seconds (either way).
    /// The real window is not published; 30 s is a guess on the strict side.
    pub skew_secs: i64,
    /// Keep state as JSON in this directory (`mock-state.json`, written atomically after
    /// every change). `None` keeps everything in memory.
    pub data_dir: Option<PathBuf>,
    /// Log every verdict to stderr: which check failed, what was signed (escaped), the hash.
    pub verbose: bool,
    /// Log one line per request to stderr (what `xsign mock` does without `-v`).
    pub access_log: bool,
    /// Open connections at most; past it a new one is on probation (see `mock::accept`):
    /// kept if it sends within a second, in the place of an idle one.
    pub max_connections: usize,
    /// Open connections from one IP address at most, so one host flooding the mock cannot
    /// take every slot (loopback addresses count apart: 127.0.0.2 is not 127.0.0.1); past
    /// it, the same probation, and a new one is refused when all of the address's are
    /// talking.
    pub max_connections_per_ip: usize,
    /// Requests being read or handled at once; bounds memory to about this many bodies.
    pub max_in_flight: usize,
    /// Websocket subscribers at most; more get 503.
    pub max_feed_subscribers: usize,
    /// Messages a feed keeps for a slow subscriber before dropping its oldest.
    pub feed_buffer: usize,
    /// Records of each kind (companies, funds, transfers, ...) the mock holds at most.
    pub max_records: usize,
    /// Bytes of accepted POST/PUT bodies the state may take in (what it holds is at most
    /// this plus ids); past it, changes get 507 `errMockFull`.
    pub max_state_bytes: usize,
    /// Refuse an exact replay of a timestamped request (the same x-sign while its timestamp
    /// is in the window) with 1020, reason `replay`. On by default: the real API's policy is
    /// not published, and a client that relies on replays being accepted should find out here.
    pub refuse_replays: bool,
    /// How long a Qredo API v2 token lives, in seconds (short in tests of the refresh).
    pub token_ttl_secs: i64,
}

impl Default for MockConfig {
    fn default() -> Self {
        MockConfig {
            skew_secs: 30,
            data_dir: None,
            verbose: false,
            access_log: false,
            max_connections: 1024,
            max_connections_per_ip: 512,
            max_in_flight: 256,
            max_feed_subscribers: 1024,
            feed_buffer: 256,
            max_records: 100_000,
            max_state_bytes: 64 * 1024 * 1024,
            refuse_replays: true,
            token_ttl_secs: 3600,
        }
    }
}
