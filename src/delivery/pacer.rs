//! A pacer: request start times at most `rate` per second, for the whole
//! bot however many replicas send, pushed back as a whole when the platform
//! answers 429.
//!
//! A shared pacer ([`Pacer::shared`]) takes every start from a clock row in
//! PostgreSQL (`rate_budgets`): each start is one gap after the last one
//! any replica took, so the starts of all replicas are evenly spaced on one
//! clock, and a global 429 holds them all back. Just before it goes, each
//! request also records its send in the same row's window of recent sends,
//! waiting while `rate` already went out in the last second: evenly spaced
//! starts alone still let a replica that woke late (a busy machine) send
//! its late starts together, beside the others' on-time ones, and at
//! 10,000 channels that put 51 requests into one second of the Discord
//! mock (migration `0015_rate_budget_window.sql`). Dividing the rate by the
//! number of replicas instead (each process capped at its share in its own
//! one-second windows) was not enough: the processes' windows are not
//! aligned and each one's requests arrive a little early or late, so at
//! 10,000 channels three replicas let 51 requests reach the mock in one
//! second (docs/benchmarks.md).
//!
//! When the database cannot hand out a start within [`ASK_WITHIN`] (it is
//! restarting, or the pool is busy), the pacer falls back to the local rule
//! below at this process's share (see [`super::share`]): requests keep
//! going, more cautiously.
//!
//! The local rule has two parts, both needed. Slots are spaced evenly
//! (`next = max(now, next) + gap`), so a late timer never makes the pacer
//! catch up on missed slots. And the requests it actually lets go are
//! counted: never more than the share in any one second, because evenly
//! spaced slots alone can still bunch (slots handed out ahead of time all
//! fall due after a stall, and `rate` gaps of `1 s / rate` span slightly
//! less than a second). A shared pacer counts too, at the full rate, as a
//! guard within the process.

use crate::storage::Store;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::Duration;
use tokio::time::Instant;

/// The window a platform's per-second limit is counted in.
const SECOND: Duration = Duration::from_secs(1);

/// How long a shared pacer waits for the database to hand out a start
/// before pacing on its own.
pub const ASK_WITHIN: Duration = Duration::from_millis(500);

/// Hands out request start times at most `rate` per second, and can be
/// pushed back as a whole when the platform asks us to wait.
#[derive(Debug)]
pub struct Pacer {
    rate: u32,
    gap: Duration,
    next: Mutex<Instant>,
    /// When the last requests were let go, oldest first.
    sent: Mutex<VecDeque<Instant>>,
    /// Until when the platform asked us to wait: a start handed out before
    /// the 429 came back is not used inside it (real Discord would answer
    /// it 429 too, and count it against the bot).
    held: Mutex<Option<Instant>>,
    /// The clock row shared with other replicas, if any.
    shared: Option<Shared>,
}

/// A budget's clock row in PostgreSQL.
#[derive(Debug)]
struct Shared {
    store: Store,
    budget: String,
    /// Whether the last ask failed: the fall back is logged once, not per request.
    degraded: AtomicBool,
    /// One ask at a time, in the order requests came (tokio's mutex is
    /// fair): concurrent asks would race for the row lock, and starts are
    /// then handed out in the order the requests asked.
    turn: tokio::sync::Mutex<()>,
}

impl Pacer {
    /// A pacer for this process alone, at its share of `rate` (see
    /// [`super::share`]).
    pub fn per_second(rate: u32) -> Self {
        Self {
            rate: rate.max(1),
            gap: SECOND / rate.max(1),
            next: Mutex::new(Instant::now()),
            sent: Mutex::default(),
            held: Mutex::default(),
            shared: None,
        }
    }

    /// A pacer whose `rate` is shared by every replica through `budget`'s
    /// clock row.
    pub fn shared(rate: u32, store: Store, budget: impl Into<String>) -> Self {
        let shared = Shared {
            store,
            budget: budget.into(),
            degraded: AtomicBool::new(false),
            turn: tokio::sync::Mutex::new(()),
        };
        Self {
            shared: Some(shared),
            ..Self::per_second(rate)
        }
    }

    /// Waits until this request may start.
    pub async fn wait(&self) {
        if let Some(shared) = &self.shared {
            if self.wait_shared(shared).await {
                return;
            }
        }
        self.wait_local().await
    }

    /// Waits for a start on the shared clock; false if the database did
    /// not hand one out (then the local rule applies). A start reached a
    /// little late is still used, not swapped for a fresh one: starts are
    /// taken in the order requests came, and work of one tick must go out
    /// in that order; the shared send window ([`Shared::record_send`]) and
    /// this process's own window then cap what actually goes.
    async fn wait_shared(&self, shared: &Shared) -> bool {
        loop {
            let Some(after) = shared.ask(self.gap).await else {
                return false;
            };
            tokio::time::sleep_until(Instant::now() + after).await;
            if self.sit_out_hold().await {
                continue;
            }
            shared.record_send(self.rate).await;
            // A back-off that began while the send was being recorded: the
            // request must not go inside it, so it asks again after it.
            if !self.sit_out_hold().await {
                break;
            }
        }
        self.hold_to_window(self.rate as usize).await;
        true
    }

    /// Waits for the next free local slot, then until fewer than this
    /// process's share of requests went out in the last second.
    async fn wait_local(&self) {
        let sharers = super::share::sharers();
        loop {
            let slot = {
                let mut next = self.next.lock().expect("pacer lock");
                let slot = (*next).max(Instant::now());
                *next = slot + self.gap * sharers;
                slot
            };
            tokio::time::sleep_until(slot).await;
            // A back-off since moved `next` past the hold: take a slot again.
            if !self.sit_out_hold().await {
                break;
            }
        }
        self.hold_to_window((self.rate / sharers).max(1) as usize)
            .await;
    }

    /// Waits out a back-off that began after this request's start was
    /// handed out; whether there was one (then the start is not used).
    async fn sit_out_hold(&self) -> bool {
        let held = *self.held.lock().expect("pacer hold lock");
        match held {
            Some(until) if until > Instant::now() => {
                tokio::time::sleep_until(until).await;
                true
            }
            _ => false,
        }
    }

    /// Waits until fewer than `share` requests went out in the last
    /// second, and counts this one.
    async fn hold_to_window(&self, share: usize) {
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

    /// Holds every request back until `retry_after` from now: in every
    /// replica, for a shared pacer.
    pub async fn back_off(&self, retry_after: Duration) {
        let until = Instant::now() + retry_after;
        {
            let mut next = self.next.lock().expect("pacer lock");
            *next = (*next).max(until);
            let mut held = self.held.lock().expect("pacer hold lock");
            *held = (*held).max(Some(until));
        }
        if let Some(shared) = &self.shared {
            let hold = shared.store.budget_hold(&shared.budget, retry_after);
            match tokio::time::timeout(ASK_WITHIN, hold).await {
                Ok(Ok(())) => {}
                Ok(Err(e)) => {
                    tracing::warn!(budget = %shared.budget, error = %e, "could not share a back-off with the other replicas")
                }
                Err(_) => {
                    tracing::warn!(budget = %shared.budget, "could not share a back-off with the other replicas in time")
                }
            }
        }
    }
}

impl Shared {
    /// The wait until the next start on the clock row, or `None` if the
    /// database did not answer in time.
    async fn ask(&self, gap: Duration) -> Option<Duration> {
        let _turn = self.turn.lock().await;
        let asked =
            tokio::time::timeout(ASK_WITHIN, self.store.budget_slot(&self.budget, gap)).await;
        let failure = match asked {
            Ok(Ok(after)) => {
                if self.degraded.swap(false, Ordering::Relaxed) {
                    tracing::info!(budget = %self.budget, "the shared request clock answers again");
                }
                return Some(after);
            }
            Ok(Err(e)) => e.to_string(),
            Err(_) => format!("no answer within {ASK_WITHIN:?}"),
        };
        if !self.degraded.swap(true, Ordering::Relaxed) {
            tracing::warn!(budget = %self.budget, error = %failure, "the shared request clock is unavailable; pacing at this replica's share");
        }
        None
    }

    /// Records this request's send in the budget's window, first waiting
    /// until fewer than `cap` went out in the last second from any replica:
    /// a start reached late (a replica slow to wake) is still used, and the
    /// window keeps such late starts from landing in one second beside the
    /// others' on-time ones. The turn is held while waiting, so this
    /// process's requests still go in the order they asked. If the database
    /// does not answer in time, the request goes (this process's own window
    /// still caps it).
    async fn record_send(&self, cap: u32) {
        let _turn = self.turn.lock().await;
        loop {
            let sent =
                tokio::time::timeout(ASK_WITHIN, self.store.budget_send(&self.budget, cap)).await;
            match sent {
                Ok(Ok(Some(wait))) => tokio::time::sleep(wait.max(Duration::from_millis(1))).await,
                Ok(Ok(None)) | Ok(Err(_)) | Err(_) => return,
            }
        }
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

    #[tokio::test(start_paused = true)]
    async fn a_start_handed_out_before_a_back_off_is_not_used_inside_it() {
        let pacer = Arc::new(Pacer::per_second(10));
        pacer.wait().await;
        let start = Instant::now();
        // Its start (100 ms on) is handed out before the 429 comes back.
        let waiter = tokio::spawn({
            let pacer = pacer.clone();
            async move {
                pacer.wait().await;
                Instant::now()
            }
        });
        tokio::time::sleep(Duration::from_millis(10)).await;
        pacer.back_off(Duration::from_secs(1)).await;
        let went = waiter.await.unwrap();
        assert!(
            went - start >= Duration::from_millis(1_010),
            "{:?}",
            went - start
        );
    }
}
