//! Exact replays of a timestamped request: the same x-sign again while its timestamp is
//! still inside the window. A server with replay protection refuses them; the real API
//! does not publish whether it does, so the mock refuses them by default
//! (`MockConfig::refuse_replays`, `xsign mock --allow-replays`). A nonce needs no such memory:
//! it must increase anyway.

use std::collections::{HashMap, VecDeque};
use std::hash::BuildHasher;
use std::sync::Mutex;

/// Signatures remembered at most. Past it the oldest are forgotten first (a replay of those
/// then passes): the memory stays about 50 bytes a signature whatever the request rate.
pub const MAX_REMEMBERED: usize = 262_144;

#[derive(Debug)]
pub struct Replays {
    hasher: std::collections::hash_map::RandomState,
    seen: Mutex<Seen>,
    cap: usize,
}

#[derive(Debug, Default)]
struct Seen {
    /// Hash of the x-sign → the timestamp it was accepted with.
    accepted: HashMap<u64, i64>,
    /// (when it leaves the window, hash) in the order accepted.
    order: VecDeque<(i64, u64)>,
}

impl Replays {
    pub fn new(cap: usize) -> Self {
        Replays {
            hasher: std::collections::hash_map::RandomState::new(),
            seen: Mutex::new(Seen::default()),
            cap: cap.max(1),
        }
    }

    /// Records an x-sign accepted with timestamp `t`, which stays valid until `t + skew`.
    /// `Err(t)` when the same x-sign was accepted before and its timestamp is still valid.
    pub fn accept(&self, x_sign: &str, t: i64, skew: i64, now: i64) -> Result<(), i64> {
        let h = self.hasher.hash_one(x_sign);
        let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        while let Some(&(until, old)) = seen.order.front() {
            if until >= now && seen.order.len() < self.cap {
                break;
            }
            seen.order.pop_front();
            seen.accepted.remove(&old);
        }
        if let Some(&first) = seen.accepted.get(&h) {
            return Err(first);
        }
        seen.accepted.insert(h, t);
        seen.order.push_back((t.saturating_add(skew), h));
        Ok(())
    }

    pub fn len(&self) -> usize {
        self.seen
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .accepted
            .len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_x_sign_is_refused_inside_the_window_and_taken_after() {
        let r = Replays::new(10);
        assert_eq!(r.accept("sig-a", 100, 30, 100), Ok(()));
        assert_eq!(r.accept("sig-b", 100, 30, 101), Ok(()));
        assert_eq!(r.accept("sig-a", 100, 30, 110), Err(100));
        // Its timestamp has left the window: the server would refuse it as stale anyway,
        // and it is forgotten.
        assert_eq!(r.accept("sig-c", 140, 30, 131), Ok(()));
        assert_eq!(r.len(), 1);
    }

    #[test]
    fn memory_is_bounded_by_the_cap() {
        let r = Replays::new(100);
        for i in 0..10_000 {
            r.accept(&format!("sig-{i}"), 100, 30, 100).unwrap();
        }
        assert_eq!(r.len(), 100);
        // The newest are still remembered.
        assert_eq!(r.accept("sig-9999", 100, 30, 100), Err(100));
    }
}
