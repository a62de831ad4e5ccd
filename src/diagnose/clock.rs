//! Timestamps against clocks: the server's (its `Date` header) and the local one.

// The formats live in `crate::time`; the rules import them from here.
pub use crate::time::{duration_text, format_http_date};

/// The window the mock accepts by default; the real API's is not published.
pub const DEFAULT_SKEW_WINDOW: i64 = 30;

/// What the clocks say about an x-timestamp. Positive ages mean "in the past".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClockReading {
    pub timestamp: i64,
    /// The header that carried it (`x-timestamp`, or a Qredo scheme's `qredo-api-ts`).
    pub header: &'static str,
    pub window: i64,
    /// The server's clock when it answered (its `Date` header).
    pub server_date: Option<i64>,
    /// server_date − timestamp: how old the timestamp was by the server's clock.
    pub age_at_server: Option<i64>,
    /// server_date − local send time: how far the local clock is behind the server's.
    pub local_behind_server: Option<i64>,
    /// local send time − timestamp: how long before sending the request was signed.
    pub signed_before_send: Option<i64>,
    /// now − timestamp, when nothing better is known.
    pub age_now: Option<i64>,
}

impl ClockReading {
    pub fn new(
        timestamp: i64,
        window: i64,
        server_date: Option<i64>,
        sent_at: Option<i64>,
        now: Option<i64>,
    ) -> Self {
        ClockReading {
            header: "x-timestamp",
            timestamp,
            window,
            server_date,
            age_at_server: server_date.map(|d| d - timestamp),
            local_behind_server: server_date.zip(sent_at).map(|(d, s)| d - s),
            signed_before_send: sent_at.map(|s| s - timestamp),
            age_now: now.map(|n| n - timestamp),
        }
    }

    /// Outside the window by the server's clock.
    pub fn stale_at_server(&self) -> bool {
        self.age_at_server.is_some_and(|a| a.abs() > self.window)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_clocks() {
        let r = ClockReading::new(1000, 30, Some(1100), Some(1095), None);
        assert_eq!(r.age_at_server, Some(100));
        assert_eq!(r.local_behind_server, Some(5));
        assert_eq!(r.signed_before_send, Some(95));
        assert!(r.stale_at_server());
        assert!(!ClockReading::new(1000, 30, Some(1029), None, None).stale_at_server());
    }
}
