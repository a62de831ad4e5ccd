//! Timestamps against clocks: the server's (its `Date` header) and the local one.

use crate::time_fmt::{UtcTime, days_from_civil};

/// The window the mock accepts by default; the real API's is not published.
pub const DEFAULT_SKEW_WINDOW: i64 = 30;

/// Parses an HTTP date (`Sun, 06 Nov 1994 08:49:37 GMT`, the IMF-fixdate every server
/// sends) to Unix seconds. Also takes plain Unix seconds, for the CLI.
pub fn parse_http_date(text: &str) -> Option<i64> {
    let text = text.trim();
    if let Ok(secs) = text.parse::<i64>() {
        return Some(secs);
    }
    // The weekday is redundant; skip it when present.
    let rest = match text.split_once(", ") {
        Some((_, r)) => r,
        None => text,
    };
    let mut parts = rest.split_ascii_whitespace();
    let day: u32 = parts.next()?.parse().ok()?;
    let month = match parts.next()? {
        "Jan" => 1,
        "Feb" => 2,
        "Mar" => 3,
        "Apr" => 4,
        "May" => 5,
        "Jun" => 6,
        "Jul" => 7,
        "Aug" => 8,
        "Sep" => 9,
        "Oct" => 10,
        "Nov" => 11,
        "Dec" => 12,
        _ => return None,
    };
    let year: i64 = parts.next()?.parse().ok()?;
    let mut hms = parts.next()?.split(':').map(|p| p.parse::<i64>().ok());
    let (h, m, s) = (hms.next()??, hms.next()??, hms.next()??);
    if parts.next()? != "GMT" || !(1..=31).contains(&day) || h > 23 || m > 59 || s > 60 {
        return None;
    }
    Some(days_from_civil(year, month, day) * 86_400 + h * 3600 + m * 60 + s)
}

/// Formats Unix seconds as an HTTP date, for showing the server's clock back to the user.
pub fn format_http_date(secs: i64) -> String {
    const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let t = UtcTime::from_unix(secs);
    format!(
        "{}, {:02} {} {} {:02}:{:02}:{:02} GMT",
        WEEKDAYS[t.weekday],
        t.day,
        MONTHS[(t.month - 1) as usize],
        t.year,
        t.hour,
        t.minute,
        t.second
    )
}

/// What the clocks say about an x-timestamp. Positive ages mean "in the past".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClockReading {
    pub timestamp: i64,
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

/// "95 s", "3 min 5 s", "2 h 0 min".
pub fn duration_text(secs: i64) -> String {
    let s = secs.unsigned_abs();
    if s < 120 {
        format!("{s} s")
    } else if s < 7200 {
        format!("{} min {} s", s / 60, s % 60)
    } else if s < 2 * 86_400 {
        format!("{} h {} min", s / 3600, s % 3600 / 60)
    } else {
        format!("{} days", s / 86_400)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_formats_http_dates() {
        assert_eq!(
            parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(784_111_777)
        );
        assert_eq!(
            format_http_date(784_111_777),
            "Sun, 06 Nov 1994 08:49:37 GMT"
        );
        assert_eq!(parse_http_date("1700000000"), Some(1_700_000_000));
        assert_eq!(
            parse_http_date(&format_http_date(1_764_339_757)),
            Some(1_764_339_757)
        );
        assert_eq!(parse_http_date("Sun, 06 Nov 1994 08:49:37 PST"), None);
        assert_eq!(parse_http_date("yesterday"), None);
    }

    #[test]
    fn reads_the_clocks() {
        let r = ClockReading::new(1000, 30, Some(1100), Some(1095), None);
        assert_eq!(r.age_at_server, Some(100));
        assert_eq!(r.local_behind_server, Some(5));
        assert_eq!(r.signed_before_send, Some(95));
        assert!(r.stale_at_server());
        assert!(!ClockReading::new(1000, 30, Some(1029), None, None).stale_at_server());
    }

    #[test]
    fn durations_read_well() {
        assert_eq!(duration_text(-95), "95 s");
        assert_eq!(duration_text(185), "3 min 5 s");
    }
}
