//! The scheduler: a loop that claims due daily posts and reveals (through
//! [`Engine::run_due`]) and hands each effect to the front end's [`Notifier`].
//!
//! Delivery is paced (Discord's global limit is 50 requests/s; we default to
//! 40/s) with a few requests in flight. A 429 pauses *all* deliveries for
//! its `retry_after`, then the same effect is tried again. Claims live in
//! Postgres, so a crash or restart never posts twice; an effect that still
//! fails is retried by a later tick.

use crate::domain::reply::{Effect, MessageRef};
use crate::engine::{Engine, EngineError};
use async_trait::async_trait;
use futures::StreamExt;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::watch;
use tokio::time::Instant;

/// Why one delivery attempt failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DeliveryError {
    /// The platform said 429: wait this long before any further request.
    #[error("rate limited for {retry_after:?}")]
    RateLimited { retry_after: Duration },
    /// Anything else; a later tick retries.
    #[error("delivery failed: {0}")]
    Failed(String),
}

/// A front end's way of carrying out effects: one attempt per call.
#[async_trait]
pub trait Notifier: Send + Sync {
    /// Posts or reveals; returns the platform message for a posted question.
    async fn deliver(&self, effect: &Effect) -> Result<Option<MessageRef>, DeliveryError>;
}

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
            *next = slot + self.gap;
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

/// What a tick did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct TickReport {
    pub delivered: usize,
    pub failed: usize,
    pub rate_limited: usize,
}

/// Settings for the loop.
#[derive(Debug, Clone)]
pub struct SchedulerConfig {
    pub every: Duration,
    pub rate_per_second: u32,
    pub in_flight: usize,
    pub attempts: u32,
}

impl Default for SchedulerConfig {
    fn default() -> Self {
        Self {
            every: Duration::from_secs(20),
            rate_per_second: 40,
            in_flight: 8,
            attempts: 5,
        }
    }
}

/// The scheduler loop.
pub struct Scheduler {
    engine: Arc<Engine>,
    notifier: Arc<dyn Notifier>,
    config: SchedulerConfig,
    pacer: Pacer,
}

impl Scheduler {
    pub fn new(engine: Arc<Engine>, notifier: Arc<dyn Notifier>, config: SchedulerConfig) -> Self {
        let pacer = Pacer::per_second(config.rate_per_second);
        Self {
            engine,
            notifier,
            config,
            pacer,
        }
    }

    /// Claims and delivers everything due now.
    #[tracing::instrument(skip(self))]
    pub async fn tick(&self) -> Result<TickReport, EngineError> {
        let effects = self.engine.run_due().await?;
        Ok(self.deliver_all(effects).await)
    }

    /// Delivers effects, paced, a few in flight.
    pub async fn deliver_all(&self, effects: Vec<Effect>) -> TickReport {
        let outcomes: Vec<(bool, usize)> = futures::stream::iter(effects)
            .map(|e| async move { self.deliver_one(&e).await })
            .buffer_unordered(self.config.in_flight.max(1))
            .collect()
            .await;
        let mut report = TickReport::default();
        for (ok, limited) in outcomes {
            report.rate_limited += limited;
            if ok {
                report.delivered += 1;
            } else {
                report.failed += 1;
            }
        }
        report
    }

    /// One effect, retried after 429s; returns (delivered, 429s seen).
    async fn deliver_one(&self, effect: &Effect) -> (bool, usize) {
        let mut limited = 0;
        for _ in 0..self.config.attempts {
            self.pacer.wait().await;
            match self.notifier.deliver(effect).await {
                Ok(message) => {
                    if let Err(e) = self.engine.delivered(effect, message.as_ref()).await {
                        // Delivered but not recorded: the platform's nonce keeps a retry from duplicating it.
                        tracing::error!(error = %e, post = effect.post_id(), "could not record a delivery");
                    }
                    return (true, limited);
                }
                Err(DeliveryError::RateLimited { retry_after }) => {
                    limited += 1;
                    tracing::warn!(
                        post = effect.post_id(),
                        ?retry_after,
                        "rate limited; backing off"
                    );
                    self.pacer.back_off(retry_after);
                }
                Err(DeliveryError::Failed(why)) => {
                    tracing::warn!(post = effect.post_id(), %why, "delivery failed; a later tick retries");
                    return (false, limited);
                }
            }
        }
        (false, limited)
    }

    /// Ticks until `shutdown` turns true, then returns after the current tick.
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        tracing::info!(every = ?self.config.every, "scheduler started");
        loop {
            match self.tick().await {
                Ok(r) if r != TickReport::default() => tracing::info!(?r, "scheduler tick"),
                Ok(_) => {}
                Err(e) => tracing::error!(error = %e, "scheduler tick failed; retrying next tick"),
            }
            tokio::select! {
                _ = tokio::time::sleep(self.config.every) => {}
                _ = shutdown.changed() => {}
            }
            if *shutdown.borrow() {
                break;
            }
        }
        tracing::info!("scheduler stopped");
    }
}
