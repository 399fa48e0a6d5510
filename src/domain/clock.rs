//! Injected time. The engine never calls `Utc::now()` itself, so tests can put
//! a channel in any time zone on any day, across DST changes.

use chrono::{DateTime, Utc};
use std::sync::Mutex;

/// A source of "now".
pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

/// The real wall clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A time beyond the dates the clock can represent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("that would move the clock past the last representable date")]
pub struct OutOfRange;

/// A clock that moves only when told to.
#[derive(Debug)]
pub struct ManualClock(Mutex<DateTime<Utc>>);

impl ManualClock {
    pub fn new(at: DateTime<Utc>) -> Self {
        Self(Mutex::new(at))
    }
    pub fn set(&self, at: DateTime<Utc>) {
        *self.0.lock().expect("clock lock") = at;
    }
    /// Moves the clock forward. Panics past the end of representable time;
    /// input from people goes through [`ManualClock::try_advance`].
    pub fn advance(&self, by: chrono::Duration) {
        self.try_advance(by).expect("clock in range");
    }

    /// Moves the clock forward, or leaves it alone and says why if the result
    /// would fall outside the dates chrono can represent.
    pub fn try_advance(&self, by: chrono::Duration) -> Result<DateTime<Utc>, OutOfRange> {
        let mut now = self.0.lock().expect("clock lock");
        *now = now.checked_add_signed(by).ok_or(OutOfRange)?;
        Ok(*now)
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().expect("clock lock")
    }
}

/// Wall time that follows tokio's clock, so `tokio::time::pause()` and
/// `advance()` move it too: background loops can be tested in virtual time.
#[derive(Debug)]
pub struct TokioClock {
    start_wall: DateTime<Utc>,
    start: tokio::time::Instant,
}

impl TokioClock {
    pub fn starting_at(start_wall: DateTime<Utc>) -> Self {
        Self {
            start_wall,
            start: tokio::time::Instant::now(),
        }
    }
}

impl Clock for TokioClock {
    fn now(&self) -> DateTime<Utc> {
        let elapsed = tokio::time::Instant::now() - self.start;
        self.start_wall + chrono::Duration::from_std(elapsed).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advancing_past_the_end_of_time_is_an_error_and_leaves_the_clock_alone() {
        let start = DateTime::<Utc>::MAX_UTC - chrono::Duration::days(1);
        let clock = ManualClock::new(start);
        assert_eq!(
            clock.try_advance(chrono::Duration::days(2)),
            Err(OutOfRange)
        );
        assert_eq!(clock.now(), start);
        assert!(clock.try_advance(chrono::Duration::hours(1)).is_ok());
    }
}
