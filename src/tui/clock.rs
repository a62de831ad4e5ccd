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
