//! Time as the workbench sees it. Injected so renders under test never show wall-clock
//! values: the spinner, elapsed times and arrival times all derive from `Moment`s.

use std::sync::Arc;
use std::time::Instant;

/// A point in time: wall clock for timestamps shown to the user and signed, monotonic
/// milliseconds for durations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Moment {
    pub unix: i64,
    pub mono_ms: u64,
}

pub trait Clock: Send + Sync {
    fn now(&self) -> Moment;
}

pub type SharedClock = Arc<dyn Clock>;

/// The real clock.
pub struct SystemClock {
    start: Instant,
}

impl SystemClock {
    pub fn shared() -> SharedClock {
        Arc::new(SystemClock {
            start: Instant::now(),
        })
    }
}

impl Clock for SystemClock {
    fn now(&self) -> Moment {
        Moment {
            unix: crate::signing::now_unix(),
            mono_ms: self.start.elapsed().as_millis() as u64,
        }
    }
}

/// A clock that stands still, for tests and snapshots.
pub struct FixedClock(pub Moment);

impl FixedClock {
    pub fn shared(unix: i64) -> SharedClock {
        Arc::new(FixedClock(Moment { unix, mono_ms: 0 }))
    }
}

impl Clock for FixedClock {
    fn now(&self) -> Moment {
        self.0
    }
}

/// "12:34:56" in UTC, from epoch seconds; no time-zone database needed.
pub fn hms_utc(unix: i64) -> String {
    let s = unix.rem_euclid(86_400);
    format!("{:02}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60)
}

/// A duration for humans: "850 ms", "2.4 s", "1 m 05 s".
pub fn human_ms(ms: u64) -> String {
    match ms {
        0..=999 => format!("{ms} ms"),
        1_000..=59_999 => format!("{:.1} s", ms as f64 / 1000.0),
        _ => format!("{} m {:02} s", ms / 60_000, (ms / 1000) % 60),
    }
}

/// Byte counts for humans: "812 B", "1.0 KiB", "1.00 MiB".
pub fn human_bytes(n: usize) -> String {
    match n {
        0..=1023 => format!("{n} B"),
        1024..=1_048_575 => format!("{:.1} KiB", n as f64 / 1024.0),
        _ => format!("{:.2} MiB", n as f64 / 1_048_576.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(hms_utc(1639490495), "14:01:35");
        assert_eq!(human_ms(850), "850 ms");
        assert_eq!(human_ms(2400), "2.4 s");
        assert_eq!(human_ms(65_000), "1 m 05 s");
        assert_eq!(human_bytes(812), "812 B");
        assert_eq!(human_bytes(1_048_576), "1.00 MiB");
    }
}
