//! A pacer: request start times at most `rate` per second (divided by the
//! number of replicas sharing the platform, see [`super::share`]), pushed
//! back as a whole when the platform answers 429.

use std::sync::Mutex;
use std::time::Duration;
use tokio::time::Instant;

/// Hands out request start times at most `rate` per second, and can be
/// pushed back as a whole when the platform asks us to wait.
#[derive(Debug)]
pub struct Pacer {
    gap: Duration,
    next: Mutex<Instant>,
}

impl Pacer {
    pub fn per_second(rate: u32) -> Self {
        Self {
            gap: Duration::from_secs(1) / rate.max(1),
            next: Mutex::new(Instant::now()),
        }
    }

    /// Waits for the next free slot.
    pub async fn wait(&self) {
        let slot = {
            let mut next = self.next.lock().expect("pacer lock");
            let slot = (*next).max(Instant::now());
            *next = slot + self.gap * super::share::sharers();
            slot
        };
        tokio::time::sleep_until(slot).await;
    }

    /// Holds every request back until `retry_after` from now.
    pub fn back_off(&self, retry_after: Duration) {
        let mut next = self.next.lock().expect("pacer lock");
        *next = (*next).max(Instant::now() + retry_after);
    }
}
