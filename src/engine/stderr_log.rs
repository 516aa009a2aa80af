//! How much of the engine's stderr reaches the log. Engines print progress and debug lines
//! by the thousand (one chatty engine wrote 4.4 MB for one image); the log keeps a steady
//! trickle and says how many lines it left out. The last lines are still kept in full for
//! error messages (the actor's tail), so nothing a failure needs is lost.

use std::time::Instant;

/// Lines logged at once after a quiet spell.
const BURST_LINES: f64 = 100.0;
/// Lines logged per second when the engine keeps talking.
const LINES_PER_SECOND: f64 = 10.0;
/// A longer line is cut in the log.
const MAX_LOGGED_CHARS: usize = 1000;

/// A token bucket over stderr lines.
pub struct StderrLog {
    tokens: f64,
    refilled_at: Instant,
    dropped: u64,
}

/// What to write to the log for one line.
#[derive(Debug, PartialEq, Eq)]
pub enum Logged {
    /// The line (cut if very long), and how many lines were left out before it.
    Line { text: String, dropped_before: u64 },
    /// Over the rate: counted, not logged.
    Dropped,
    /// The first line over the rate: not logged, but the log says lines are being left out
    /// (the count follows with the next logged line, which may come only at the end).
    FirstDropped,
}

impl StderrLog {
    pub fn new(now: Instant) -> Self {
        Self {
            tokens: BURST_LINES,
            refilled_at: now,
            dropped: 0,
        }
    }

    pub fn offer(&mut self, line: &str, now: Instant) -> Logged {
        let elapsed = now.saturating_duration_since(self.refilled_at).as_secs_f64();
        self.tokens = (self.tokens + elapsed * LINES_PER_SECOND).min(BURST_LINES);
        self.refilled_at = now;
        if self.tokens < 1.0 {
            self.dropped += 1;
            return if self.dropped == 1 {
                Logged::FirstDropped
            } else {
                Logged::Dropped
            };
        }
        self.tokens -= 1.0;
        let text = match line.char_indices().nth(MAX_LOGGED_CHARS) {
            Some((cut, _)) => format!("{}… ({} bytes)", &line[..cut], line.len()),
            None => line.to_owned(),
        };
        Logged::Line {
            text,
            dropped_before: std::mem::take(&mut self.dropped),
        }
    }

    /// Lines left out since the last logged one (said when the engine's stderr ends).
    #[cfg(test)]
    pub fn dropped(&self) -> u64 {
        self.dropped
    }

    /// Writes `line` to the log if the rate allows.
    pub fn log(&mut self, line: &str) {
        match self.offer(line, Instant::now()) {
            Logged::Line { text, dropped_before } => {
                if dropped_before > 0 {
                    tracing::debug!(
                        target: "distillery::engine::stderr",
                        dropped = dropped_before,
                        "engine lines not logged (too many at once)"
                    );
                }
                tracing::debug!(target: "distillery::engine::stderr", "{text}");
            }
            Logged::FirstDropped => tracing::debug!(
                target: "distillery::engine::stderr",
                "engine lines not logged (too many at once); their count follows"
            ),
            Logged::Dropped => {}
        }
    }

    /// Says how many lines were left out at the end.
    pub fn finish(&self) {
        if self.dropped > 0 {
            tracing::debug!(
                target: "distillery::engine::stderr",
                dropped = self.dropped,
                "engine lines not logged (too many at once)"
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_flood_is_cut_to_the_burst_then_the_rate_with_a_count_of_the_rest() {
        let start = Instant::now();
        let mut log = StderrLog::new(start);
        let offered: Vec<Logged> = (0..10_000).map(|_| log.offer("[INFO] sampling step", start)).collect();
        assert_eq!(offered.iter().filter(|l| matches!(l, Logged::Line { .. })).count(), 100);
        assert_eq!(
            offered[100],
            Logged::FirstDropped,
            "the first line left out is said at once"
        );
        assert_eq!(log.dropped(), 9_900);
        // One second later ten more lines get through; the first says what was left out.
        let later = start + Duration::from_secs(1);
        assert_eq!(
            log.offer("done", later),
            Logged::Line {
                text: "done".into(),
                dropped_before: 9_900
            }
        );
        let more = (0..100)
            .filter(|_| matches!(log.offer("x", later), Logged::Line { .. }))
            .count();
        assert_eq!(more, 9);
    }

    #[test]
    fn very_long_lines_are_cut_in_the_log() {
        let mut log = StderrLog::new(Instant::now());
        let Logged::Line { text, .. } = log.offer(&"é".repeat(5000), Instant::now()) else {
            panic!("the first line is logged")
        };
        assert!(text.starts_with(&"é".repeat(1000)));
        assert!(text.ends_with("… (10000 bytes)"), "{}", &text[text.len() - 30..]);
    }
}
