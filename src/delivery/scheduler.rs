//! The one scheduler loop, and the settings of delivery.
//!
//! Each platform has its own pacer (Discord's global limit is 50 requests/s;
//! we default to [`DEFAULT_RATE`], 47/s) with a few requests in flight; [`super::Delivery`]
//! retries failed attempts (see its module). Claims live in PostgreSQL, so a
//! crash or restart never posts twice; an effect that still fails is retried
//! by a later tick once its claim lease runs out.

use super::{Backoff, Delivery};
use crate::domain::reply::Effect;
use crate::engine::EngineError;
use std::sync::Arc;
use std::time::Duration;
use std::time::Instant;
use tokio::sync::watch;

/// What a tick (or one batch of deliveries) did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct TickReport {
    pub delivered: usize,
    pub failed: usize,
    /// 429s seen.
    pub rate_limited: usize,
    /// Attempts after the first (after 429s, server errors, lost answers).
    pub retried: usize,
}

/// Requests per second per platform by default: three under Discord's
/// global 50/s, room for requests delayed on their way. At 48 (two under),
/// one 10,000-channel fan-out with three replicas on a loaded machine had
/// three requests arrive within 62 ms of late and met one global 429
/// (docs/benchmarks.md); 47 still keeps a fan-out within 7 % of the floor.
pub const DEFAULT_RATE: u32 = 47;

/// Settings for delivery and the loop.
#[derive(Debug, Clone)]
pub struct SchedulerConfig {
    pub every: Duration,
    /// Requests per second, per platform.
    pub rate_per_second: u32,
    pub in_flight: usize,
    /// Most attempts at one effect within a tick, 429s included.
    pub attempts: u32,
    /// The waits between attempts after server errors and lost answers.
    pub backoff: Backoff,
}

impl Default for SchedulerConfig {
    fn default() -> Self {
        Self {
            every: Duration::from_secs(20),
            rate_per_second: DEFAULT_RATE,
            in_flight: 8,
            attempts: 6,
            backoff: Backoff::default(),
        }
    }
}

/// The scheduler loop: claims due work for the router's platforms.
pub struct Scheduler {
    delivery: Arc<Delivery>,
}

impl Scheduler {
    pub fn new(delivery: Arc<Delivery>) -> Self {
        Self { delivery }
    }

    /// Claims and delivers everything due now on this process's platforms.
    /// Its duration is recorded as the scheduler's lag.
    #[tracing::instrument(skip(self))]
    pub async fn tick(&self) -> Result<TickReport, EngineError> {
        let started = Instant::now();
        let platforms = self.delivery.platforms();
        let effects = self.delivery.engine().run_due(&platforms).await?;
        let report = self.delivery.deliver_all(effects).await;
        crate::meters::tick(started.elapsed());
        Ok(report)
    }

    /// Ticks until `shutdown` turns true. Then delivery stops: requests in
    /// flight finish and are recorded, claims not yet sent are released for
    /// the next start, and it returns.
    ///
    /// Claiming and delivering overlap: a tick claims at most one batch of
    /// daily posts ([`SchedulerConfig::rate_per_second`] of them) and hands
    /// it on while it claims the next, so a 10,000-channel fan-out starts
    /// at once, no claim waits long enough for its lease to run out, and
    /// replicas share the work out as each frees up. A full batch is
    /// followed by another tick at once; otherwise the loop waits `every`.
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        tracing::info!(every = ?self.delivery.config.every, platforms = ?self.delivery.platforms(), "scheduler started");
        let delivery = self.delivery.clone();
        let stop = async move {
            let _ = shutdown.wait_for(|s| *s).await;
            delivery.stop();
        };
        // One batch waits while another is delivered.
        let (batches, mut claimed) = tokio::sync::mpsc::channel(1);
        let claiming = self.claim_batches(batches);
        let delivering = async {
            // After a stop, the batch still waiting is released, unsent.
            while let Some((started, effects)) = claimed.recv().await {
                let r = self.delivery.deliver_all(effects).await;
                crate::meters::tick(started.elapsed());
                if r != TickReport::default() {
                    tracing::info!(?r, "scheduler tick");
                }
            }
        };
        let work = async { tokio::join!(claiming, delivering) };
        tokio::pin!(work);
        tokio::select! {
            _ = &mut work => {}
            _ = stop => { work.await; }
        }
        tracing::info!("scheduler stopped");
    }

    /// Claims due work a batch at a time into `batches` until delivery stops.
    async fn claim_batches(&self, batches: tokio::sync::mpsc::Sender<(Instant, Vec<Effect>)>) {
        let platforms = self.delivery.platforms();
        let batch = self.delivery.config.rate_per_second.max(1) as usize;
        loop {
            let started = Instant::now();
            let engine = self.delivery.engine();
            let more = match engine.run_due_at_most(&platforms, batch).await {
                Ok((effects, more)) => {
                    if !effects.is_empty() && batches.send((started, effects)).await.is_err() {
                        return;
                    }
                    more
                }
                Err(e) => {
                    tracing::error!(error = %e, "scheduler tick failed; retrying next tick");
                    false
                }
            };
            if *self.delivery.stopping.borrow() {
                return;
            }
            if !more {
                tokio::select! {
                    _ = tokio::time::sleep(self.delivery.config.every) => {}
                    _ = self.delivery.stopped() => return,
                }
            }
        }
    }
}
