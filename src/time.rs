//! Every date, duration and byte-size format xsign prints or reads: Unix seconds to and from
//! UTC calendar time (proleptic Gregorian, no leap seconds), HTTP dates (through `httpdate`,
//! so IMF-fixdate, RFC 850 and asctime parse and an impossible date does not), and the short
//! forms of durations and sizes shown in the CLI and the TUI.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A Unix time split into UTC calendar fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UtcTime {
    pub year: i64,
    pub month: u32,
    pub day: u32,
    pub hour: i64,
    pub minute: i64,
    pub second: i64,
    /// 0 = Monday … 6 = Sunday.
    pub weekday: usize,
}

impl UtcTime {
    pub fn from_unix(secs: i64) -> UtcTime {
        let days = secs.div_euclid(86_400);
        let rem = secs.rem_euclid(86_400);
        let (year, month, day) = civil_from_days(days);
        UtcTime {
            year,
            month,
            day,
            hour: rem / 3600,
            minute: rem % 3600 / 60,
            second: rem % 60,
            // 1970-01-01 was a Thursday.
            weekday: (days + 3).rem_euclid(7) as usize,
        }
    }

    /// `2020-10-06T08:18:42Z` (RFC 3339) with `sep` between date and time (`'T'` or `' '`).
    pub fn iso(&self, sep: char) -> String {
        format!(
            "{:04}-{:02}-{:02}{sep}{:02}:{:02}:{:02}Z",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )
    }
}

/// Epoch seconds as RFC 3339 UTC, e.g. `2020-10-06T08:18:42Z`.
pub fn rfc3339(secs: i64) -> String {
    UtcTime::from_unix(secs).iso('T')
}

/// "12:34:56" in UTC, from epoch seconds; no time-zone database needed.
pub fn hms_utc(unix: i64) -> String {
    let s = unix.rem_euclid(86_400);
    format!("{:02}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60)
}

/// Parses an HTTP date to Unix seconds: the IMF-fixdate every server sends
/// (`Sun, 06 Nov 1994 08:49:37 GMT`), and the obsolete RFC 850 and asctime forms HTTP
/// still allows. Also takes plain Unix seconds, for the CLI. "31 Feb" is refused.
pub fn parse_http_date(text: &str) -> Option<i64> {
    let text = text.trim();
    if let Ok(secs) = text.parse::<i64>() {
        return Some(secs);
    }
    let t = httpdate::parse_http_date(text).ok()?;
    t.duration_since(UNIX_EPOCH)
        .ok()
        .and_then(|d| i64::try_from(d.as_secs()).ok())
}

/// Formats Unix seconds as an HTTP date (IMF-fixdate), for showing the server's clock back
/// to the user. Times before 1970 have no HTTP date; they print as 1970-01-01.
pub fn format_http_date(secs: i64) -> String {
    let t = UNIX_EPOCH + Duration::from_secs(u64::try_from(secs).unwrap_or(0));
    httpdate::fmt_http_date(t)
}

/// A clock difference in whole seconds, sign dropped: "95 s", "3 min 5 s", "2 h 0 min".
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

/// How long something took: "850 ms", "2.4 s", "1 m 05 s".
pub fn elapsed_text(d: Duration) -> String {
    let ms = u64::try_from(d.as_millis()).unwrap_or(u64::MAX);
    match ms {
        0..=999 => format!("{ms} ms"),
        1_000..=59_999 => format!("{:.1} s", ms as f64 / 1000.0),
        _ => format!("{} m {:02} s", ms / 60_000, (ms / 1000) % 60),
    }
}

/// [`elapsed_text`] of a count of milliseconds, as history and the TUI keep them.
pub fn elapsed_ms_text(ms: u64) -> String {
    elapsed_text(Duration::from_millis(ms))
}

/// Byte counts for humans: "812 B", "12.4 KiB", "1.00 MiB".
pub fn bytes_text(n: usize) -> String {
    match n {
        0..=1023 => format!("{n} B"),
        1024..=1_048_575 => format!("{:.1} KiB", n as f64 / 1024.0),
        _ => format!("{:.2} MiB", n as f64 / 1_048_576.0),
    }
}

/// Unix seconds of a `SystemTime` (0 before 1970).
pub fn unix_secs(t: SystemTime) -> i64 {
    t.duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

// Howard Hinnant's algorithms.

/// Days since 1970-01-01 of a date.
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date `z` days after 1970-01-01.
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// The unit a timestamp is in when it is not Unix seconds (a Qredo `qredo-api-ts` in
/// milliseconds or nanoseconds: the guide mentions nanoseconds once).
pub fn timestamp_unit(ts: i64) -> Option<&'static str> {
    match ts.unsigned_abs() {
        n if n >= 100_000_000_000_000_000 => Some("nanoseconds"),
        n if n >= 100_000_000_000_000 => Some("microseconds"),
        n if n >= 100_000_000_000 => Some("milliseconds"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_formats() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(-1), "1969-12-31T23:59:59Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(
            UtcTime::from_unix(1_709_251_199).iso(' '),
            "2024-02-29 23:59:59Z"
        );
        assert_eq!(UtcTime::from_unix(0).weekday, 3);
        for days in [-800_000, -1, 0, 11_016, 19_782, 2_000_000] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }

    #[test]
    fn parses_and_formats_http_dates() {
        assert_eq!(
            parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(784_111_777)
        );
        // The two obsolete forms HTTP/1.1 still requires a recipient to read.
        assert_eq!(
            parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"),
            Some(784_111_777)
        );
        assert_eq!(
            parse_http_date("Sun Nov  6 08:49:37 1994"),
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
        assert_eq!(parse_http_date("Sat, 31 Feb 2024 08:49:37 GMT"), None);
        assert_eq!(parse_http_date("yesterday"), None);
    }

    #[test]
    fn durations_and_sizes() {
        assert_eq!(hms_utc(1639490495), "14:01:35");
        assert_eq!(duration_text(-95), "95 s");
        assert_eq!(duration_text(185), "3 min 5 s");
        assert_eq!(elapsed_ms_text(850), "850 ms");
        assert_eq!(elapsed_ms_text(2400), "2.4 s");
        assert_eq!(elapsed_ms_text(65_000), "1 m 05 s");
        assert_eq!(bytes_text(812), "812 B");
        assert_eq!(bytes_text(12_700), "12.4 KiB");
        assert_eq!(bytes_text(1_048_576), "1.00 MiB");
    }
}
