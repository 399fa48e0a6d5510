//! A pacer: request start times at most `rate` per second (divided by the
//! number of replicas sharing the platform, see [`super::share`]), pushed
//! back as a whole when the platform answers 429.
//!
//! Two rules, both needed. Slots are spaced evenly (`next = max(now, next)
//! + gap`), so a late timer never makes the pacer catch up on missed slots.
//! And the requests it actually lets go are counted: never more than the
//! share in any one second, because evenly spaced slots alone can still
//! bunch (slots handed out ahead of time all fall due after a stall, and
//! `rate` gaps of `1 s / rate` span slightly less than a second). A
//! platform's per-second limit is counted the same way, so the replicas'
//! shares together never exceed `rate` in any one second.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::Duration;
use tokio::time::Instant;

/// The window a platform's per-second limit is counted in.
const SECOND: Duration = Duration::from_secs(1);

/// Hands out request start times at most `rate` per second, and can be
/// pushed back as a whole when the platform asks us to wait.
#[derive(Debug)]
pub struct Pacer {
    rate: u32,
    gap: Duration,
    next: Mutex<Instant>,
    /// When the last requests were let go, oldest first.
    sent: Mutex<VecDeque<Instant>>,
}

impl Pacer {
    pub fn per_second(rate: u32) -> Self {
        Self {
            rate: rate.max(1),
            gap: SECOND / rate.max(1),
            next: Mutex::new(Instant::now()),
            sent: Mutex::default(),
        }
    }

    /// Waits for the next free slot, then until fewer than this process's
    /// share of requests went out in the last second.
    pub async fn wait(&self) {
        let sharers = super::share::sharers();
        let slot = {
            let mut next = self.next.lock().expect("pacer lock");
            let slot = (*next).max(Instant::now());
            *next = slot + self.gap * sharers;
            slot
        };
        tokio::time::sleep_until(slot).await;
        let share = (self.rate / sharers).max(1) as usize;
        while let Some(free_at) = self.let_go(share) {
            tokio::time::sleep_until(free_at).await;
        }
    }

    /// Counts a request as sent now, if fewer than `share` went out in the
    /// last second; otherwise the instant it may go.
    fn let_go(&self, share: usize) -> Option<Instant> {
        let mut sent = self.sent.lock().expect("pacer window lock");
        let now = Instant::now();
        while sent.len() > share || sent.front().is_some_and(|&t| t + SECOND <= now) {
            sent.pop_front();
        }
        if sent.len() == share {
            return sent.front().map(|&t| t + SECOND);
        }
        sent.push_back(now);
        None
    }

    /// Holds every request back until `retry_after` from now.
    pub fn back_off(&self, retry_after: Duration) {
        let mut next = self.next.lock().expect("pacer lock");
        *next = (*next).max(Instant::now() + retry_after);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    /// The most instants of `times` (sorted) inside any one-second window.
    fn peak(times: &[Instant]) -> usize {
        let mut best = 0;
        let mut start = 0;
        for end in 0..times.len() {
            while times[end] - times[start] >= SECOND {
                start += 1;
            }
            best = best.max(end - start + 1);
        }
        best
    }

    /// Lets `n` requests through `pacer`, eight waiting at a time (as
    /// delivery does); the instants they went.
    async fn run(pacer: Arc<Pacer>, n: usize, stall: Option<Duration>) -> Vec<Instant> {
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let gate = Arc::new(tokio::sync::Semaphore::new(8));
        for i in 0..n {
            let permit = gate.clone().acquire_owned().await.unwrap();
            let (pacer, tx) = (pacer.clone(), tx.clone());
            tokio::spawn(async move {
                pacer.wait().await;
                tx.send(Instant::now()).unwrap();
                drop(permit);
            });
            if let (Some(stall), 20) = (stall, i) {
                // A stalled runtime: slots handed out ahead all fall due.
                std::thread::sleep(stall);
                tokio::time::advance(stall).await;
            }
        }
        drop(tx);
        let mut times = Vec::new();
        while let Some(t) = rx.recv().await {
            times.push(t);
        }
        times.sort();
        times
    }

    #[tokio::test(start_paused = true)]
    async fn the_pacer_never_lets_more_than_its_rate_through_in_any_one_second() {
        let times = run(Arc::new(Pacer::per_second(48)), 300, None).await;
        assert_eq!(peak(&times), 48);
        let took = times[times.len() - 1] - times[0];
        assert!(took >= Duration::from_millis(6_200), "{took:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn after_a_stall_the_pacer_does_not_catch_up_on_missed_slots() {
        let stall = Some(Duration::from_millis(400));
        let times = run(Arc::new(Pacer::per_second(48)), 300, stall).await;
        assert!(peak(&times) <= 48, "{} in one second", peak(&times));
    }
}
