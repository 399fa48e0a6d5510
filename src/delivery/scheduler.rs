//! Paced delivery through the router, and the one scheduler loop.
//!
//! Each platform has its own pacer (Discord's global limit is 50 requests/s;
//! we default to 40/s) with a few requests in flight. A 429 pauses *all* of
//! that platform's deliveries for its `retry_after`, then the same effect is
//! tried again. Claims live in PostgreSQL, so a crash or restart never posts
//! twice; an effect that still fails is retried by a later tick.

use super::{DeliveryError, Notifier, Pacer, Router};
use crate::domain::platform::Platform;
use crate::domain::reply::Effect;
use crate::engine::{Engine, EngineError};
use futures::StreamExt;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

/// What a tick (or one batch of deliveries) did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct TickReport {
    pub delivered: usize,
    pub failed: usize,
    pub rate_limited: usize,
}

/// Settings for delivery and the loop.
#[derive(Debug, Clone)]
pub struct SchedulerConfig {
    pub every: Duration,
    /// Requests per second, per platform.
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

/// Paced, retried delivery of effects to the notifier of each one's platform.
pub struct Delivery {
    engine: Arc<Engine>,
    router: Router,
    pacers: BTreeMap<Platform, Pacer>,
    config: SchedulerConfig,
    /// Turns true on shutdown: requests in flight finish, the rest are
    /// released so the next start delivers them at once.
    stopping: watch::Sender<bool>,
}

impl Delivery {
    pub fn new(engine: Arc<Engine>, router: Router, config: SchedulerConfig) -> Self {
        let pacers = router
            .platforms()
            .into_iter()
            .map(|p| (p, Pacer::per_second(config.rate_per_second)))
            .collect();
        Self {
            engine,
            router,
            pacers,
            config,
            stopping: watch::Sender::new(false),
        }
    }

    /// Stops starting new requests; see [`Delivery::deliver_all`].
    pub fn stop(&self) {
        self.stopping.send_replace(true);
    }

    /// Waits until [`Delivery::stop`] is called.
    async fn stopped(&self) {
        let mut rx = self.stopping.subscribe();
        let _ = rx.wait_for(|s| *s).await;
    }

    /// The platforms this process serves.
    pub fn platforms(&self) -> Vec<Platform> {
        self.router.platforms()
    }

    /// The engine whose records each delivery updates.
    pub fn engine(&self) -> &Arc<Engine> {
        &self.engine
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

    /// One effect, retried after 429s; returns (delivered, 429s seen), and
    /// counts it in the metrics.
    async fn deliver_one(&self, effect: &Effect) -> (bool, usize) {
        let (sent, limited, attempts) = self.try_deliver(effect).await;
        // No attempt made: released at shutdown before its turn, not a failure.
        if attempts > 0 {
            let platform = effect.platform().as_str();
            crate::meters::delivery(platform, sent, limited, attempts - 1);
        }
        (sent, limited)
    }

    /// Returns (delivered, 429s seen, attempts made).
    async fn try_deliver(&self, effect: &Effect) -> (bool, usize, usize) {
        let platform = effect.platform();
        let (Some(notifier), Some(pacer)) =
            (self.router.notifier(platform), self.pacers.get(&platform))
        else {
            // Claims are filtered by platform, so this is a wiring bug: the
            // post stays unconfirmed for the process that serves it.
            tracing::error!(post = effect.post_id(), %platform, "no notifier for this platform");
            return (false, 0, 0);
        };
        let mut limited = 0;
        for attempt in 0..self.config.attempts as usize {
            tokio::select! {
                biased;
                _ = self.stopped() => {
                    self.release(effect).await;
                    return (false, limited, attempt);
                }
                _ = pacer.wait() => {}
            }
            match self.attempt(notifier.as_ref(), effect).await {
                Ok(()) => return (true, limited, attempt + 1),
                Err(DeliveryError::RateLimited { retry_after }) => {
                    limited += 1;
                    tracing::warn!(
                        post = effect.post_id(),
                        ?retry_after,
                        "rate limited; backing off"
                    );
                    pacer.back_off(retry_after);
                }
                Err(DeliveryError::Permanent(why)) => {
                    tracing::warn!(post = effect.post_id(), %why, "delivery impossible; pausing the channel");
                    match self.engine.undeliverable(effect, &why).await {
                        Ok(Some(note)) => {
                            pacer.wait().await;
                            tell_admin(notifier.as_ref(), &note).await;
                        }
                        Ok(None) => {}
                        Err(e) => {
                            tracing::error!(error = %e, post = effect.post_id(), "could not pause an undeliverable channel")
                        }
                    }
                    return (false, limited, attempt + 1);
                }
                Err(DeliveryError::Failed(why)) => {
                    tracing::warn!(post = effect.post_id(), %why, "delivery failed; a later tick retries");
                    return (false, limited, attempt + 1);
                }
            }
        }
        (false, limited, self.config.attempts as usize)
    }

    /// Gives a claimed but unsent effect back, so whichever process starts
    /// next delivers it without waiting for the redelivery lease.
    async fn release(&self, effect: &Effect) {
        if let Err(e) = self.engine.release(effect).await {
            tracing::warn!(error = %e, post = effect.post_id(), "could not release a claim; it is redelivered after the lease");
        }
    }

    async fn attempt(&self, notifier: &dyn Notifier, effect: &Effect) -> Result<(), DeliveryError> {
        let message = notifier.deliver(effect).await?;
        if let Err(e) = self.engine.delivered(effect, message.as_ref()).await {
            // Delivered but not recorded: redelivery checks before posting again.
            tracing::error!(error = %e, post = effect.post_id(), "could not record a delivery");
        }
        Ok(())
    }
}

/// One try at telling an admin that a schedule paused: a direct message can
/// be refused (closed DMs, no shared server), and the reason stays in
/// `/daily status` either way, so a failure is only logged.
async fn tell_admin(notifier: &dyn Notifier, note: &Effect) {
    match notifier.deliver(note).await {
        Ok(_) => tracing::info!(
            post = note.post_id(),
            "told the admin why the schedule paused"
        ),
        Err(e) => {
            tracing::info!(post = note.post_id(), error = %e, "could not tell the admin; /daily status says why")
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
        let effects = self.delivery.engine.run_due(&platforms).await?;
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
