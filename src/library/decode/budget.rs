//! One memory budget for all decoding in the process. Each decode reserves what it will
//! hold at its peak (file bytes, pixels, copies) before allocating; a big image waits until
//! the others have finished instead of decoding beside three of them, and an image that
//! alone needs more than the whole budget is refused. Waiters are served in arrival order so
//! a big image is not starved by a stream of small ones; tiny decodes (grid thumbnails) go
//! ahead whenever they fit, so the grid does not wait for a huge import.

use std::sync::{Condvar, Mutex, OnceLock};

/// No machine gets less: every image of up to ~85 megapixels (RGBA) can still be opened.
pub const FLOOR_BYTES: u64 = 512 << 20;
/// No machine gets more: beyond this, decoding more at once only adds memory, not speed.
pub const CAP_BYTES: u64 = 1 << 30;
/// Decodes of at most this share of the budget go ahead of the queue when they fit.
const SMALL_SHARE: u64 = 64;
/// Overrides the budget, in MiB (for tests and for machines shared with other work).
pub const BUDGET_ENV: &str = "DISTILLERY_DECODE_BUDGET_MB";

/// The process's budget, sized on first use.
pub fn budget() -> &'static DecodeBudget {
    static BUDGET: OnceLock<DecodeBudget> = OnceLock::new();
    BUDGET.get_or_init(|| {
        let capacity = sized_from_environment();
        tracing::debug!(capacity_mib = capacity >> 20, "decode memory budget");
        DecodeBudget::new(capacity)
    })
}

/// A quarter of the memory available now, between [`FLOOR_BYTES`] and [`CAP_BYTES`].
fn sized_from_environment() -> u64 {
    if let Some(mib) = std::env::var(BUDGET_ENV)
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
    {
        return mib.max(1) << 20;
    }
    available_memory().map_or(FLOOR_BYTES, |available| (available / 4).clamp(FLOOR_BYTES, CAP_BYTES))
}

/// `MemAvailable` from /proc/meminfo (Linux), in bytes.
fn available_memory() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = text.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// The image alone needs more than the whole budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OverBudget;

pub struct DecodeBudget {
    capacity: u64,
    state: Mutex<State>,
    changed: Condvar,
}

#[derive(Default)]
struct State {
    used: u64,
    peak: u64,
    /// The ticket the next arrival gets, and the one being served.
    next_ticket: u64,
    serving: u64,
}

/// Memory held for one decode; given back when dropped.
#[must_use = "the memory is given back as soon as the reservation is dropped"]
pub struct Reservation {
    budget: &'static DecodeBudget,
    bytes: u64,
}

impl DecodeBudget {
    pub fn new(capacity: u64) -> Self {
        Self {
            capacity,
            state: Mutex::new(State::default()),
            changed: Condvar::new(),
        }
    }

    pub fn capacity(&self) -> u64 {
        self.capacity
    }

    /// The most ever reserved at once.
    pub fn peak(&self) -> u64 {
        self.lock().peak
    }

    /// Waits until `bytes` fit beside what others hold, in arrival order.
    pub fn reserve(&'static self, bytes: u64) -> Result<Reservation, OverBudget> {
        if bytes > self.capacity {
            return Err(OverBudget);
        }
        let mut state = self.lock();
        if bytes <= self.capacity / SMALL_SHARE {
            // A grid thumbnail does not queue behind a huge import: small decodes go ahead
            // whenever they fit. They cannot starve a big one, since a few threads' worth of
            // them hold only a few 64ths of the budget.
            while state.used + bytes > self.capacity {
                state = self
                    .changed
                    .wait(state)
                    .unwrap_or_else(|poisoned| poisoned.into_inner());
            }
            state.used += bytes;
            state.peak = state.peak.max(state.used);
            return Ok(Reservation { budget: self, bytes });
        }
        let ticket = state.next_ticket;
        state.next_ticket += 1;
        while state.serving != ticket || state.used + bytes > self.capacity {
            state = self
                .changed
                .wait(state)
                .unwrap_or_else(|poisoned| poisoned.into_inner());
        }
        state.serving += 1;
        state.used += bytes;
        state.peak = state.peak.max(state.used);
        drop(state);
        // The next in line may fit too.
        self.changed.notify_all();
        Ok(Reservation { budget: self, bytes })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // The state is two counters, consistent after every statement: a poisoned lock is
        // still good.
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Reservation {
    pub fn bytes(&self) -> u64 {
        self.bytes
    }
}

impl Drop for Reservation {
    fn drop(&mut self) {
        self.budget.lock().used -= self.bytes;
        self.budget.changed.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::time::Duration;

    fn leaked(capacity: u64) -> &'static DecodeBudget {
        Box::leak(Box::new(DecodeBudget::new(capacity)))
    }

    #[test]
    fn more_than_the_whole_budget_is_refused_at_once() {
        let budget = leaked(100);
        assert_eq!(budget.reserve(101).err(), Some(OverBudget));
        assert_eq!(budget.reserve(100).unwrap().bytes(), 100);
    }

    #[test]
    fn a_big_reservation_waits_for_the_others_and_never_exceeds_the_capacity() {
        let budget = leaked(100);
        let held_now = AtomicU64::new(0);
        let most = AtomicU64::new(0);
        std::thread::scope(|scope| {
            for bytes in [60, 60, 30, 90, 10, 60] {
                let (held_now, most) = (&held_now, &most);
                scope.spawn(move || {
                    let reservation = budget.reserve(bytes).unwrap();
                    let now = held_now.fetch_add(bytes, Ordering::SeqCst) + bytes;
                    most.fetch_max(now, Ordering::SeqCst);
                    std::thread::sleep(Duration::from_millis(20));
                    held_now.fetch_sub(bytes, Ordering::SeqCst);
                    drop(reservation);
                });
            }
        });
        assert!(most.load(Ordering::SeqCst) <= 100);
        assert!(budget.peak() <= 100);
        assert_eq!(budget.lock().used, 0);
    }

    #[test]
    fn a_small_decode_goes_ahead_of_a_big_one_waiting() {
        let budget = leaked(640);
        let held = budget.reserve(400).unwrap();
        std::thread::scope(|scope| {
            // Waits: 400 + 300 > 640.
            let big = scope.spawn(|| budget.reserve(300).map(|r| r.bytes()));
            std::thread::sleep(Duration::from_millis(50));
            // 10 is a 64th of the budget: it fits beside the 400 and does not queue.
            let small = budget.reserve(10).unwrap();
            assert_eq!(budget.lock().used, 410);
            drop(small);
            drop(held);
            assert_eq!(big.join().unwrap(), Ok(300));
        });
    }

    #[test]
    fn the_budget_is_sized_between_its_floor_and_cap() {
        let size = sized_from_environment();
        if std::env::var(BUDGET_ENV).is_err() {
            assert!((FLOOR_BYTES..=CAP_BYTES).contains(&size));
        }
    }
}
