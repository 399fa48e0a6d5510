//! The one scheduler loop, and the settings of delivery.
//!
//! Each platform has its own pacer (Discord's global limit is 50 requests/s;
//! we default to 40/s) with a few requests in flight; [`super::Delivery`]
//! retries failed attempts (see its module). Claims live in PostgreSQL, so a
//! crash or restart never posts twice; an effect that still fails is retried
//! by a later tick once its claim lease runs out.

use super::{Backoff, Delivery};
use crate::engine::EngineError;
use std::sync::Arc;
use std::time::Duration;
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
            rate_per_second: 40,
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
        let started = std::time::Instant::now();
        let platforms = self.delivery.platforms();
        let effects = self.delivery.engine().run_due(&platforms).await?;
        let report = self.delivery.deliver_all(effects).await;
        crate::meters::tick(started.elapsed());
        Ok(report)
    }

    /// Ticks until `shutdown` turns true. Then delivery stops: requests in
    /// flight finish and are recorded, claims not yet sent are released for
    /// the next start, and it returns.
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        tracing::info!(every = ?self.delivery.config.every, platforms = ?self.delivery.platforms(), "scheduler started");
        let delivery = self.delivery.clone();
        let stop = async move {
            let _ = shutdown.wait_for(|s| *s).await;
            delivery.stop();
        };
        let ticks = async {
            loop {
                match self.tick().await {
                    Ok(r) if r != TickReport::default() => tracing::info!(?r, "scheduler tick"),
                    Ok(_) => {}
                    Err(e) => {
                        tracing::error!(error = %e, "scheduler tick failed; retrying next tick")
                    }
                }
                tokio::select! {
                    _ = tokio::time::sleep(self.delivery.config.every) => {}
                    _ = self.delivery.stopped() => return,
                }
                if *self.delivery.stopping.borrow() {
                    return;
                }
            }
        };
        tokio::pin!(ticks);
        tokio::select! {
            _ = &mut ticks => {}
            _ = stop => ticks.await,
        }
        tracing::info!("scheduler stopped");
    }
}
