//! Paced, retried delivery of effects through the router.
//!
//! Every request of a platform waits for a slot on that platform's pacer,
//! with a few requests in flight. A failed attempt is retried by this same
//! call, without holding a slot while it waits, so the other channels of a
//! fan-out go out on time while a failing one backs off:
//!
//! - a 429 for one route (one channel) waits that channel's `retry_after`;
//!   a global 429 pushes the whole platform's pacer back instead;
//! - a server error or a lost answer ([`DeliveryError::Transient`]) waits an
//!   exponential, jittered [`super::Backoff`];
//! - anything else, or the last of [`SchedulerConfig::attempts`], is left to
//!   a later tick (the claim lease).
//!
//! Retries stop once half the claim lease has passed since the batch was
//! claimed, so a retry never races another replica taking the claim over.

use super::{DeliveryError, Notifier, Pacer, Router, SchedulerConfig, TickReport};
use crate::domain::platform::Platform;
use crate::domain::reply::Effect;
use crate::engine::Engine;
use futures::stream::FuturesUnordered;
use futures::StreamExt;
use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;
use tokio::time::Instant;

/// Paced, retried delivery of effects to the notifier of each one's platform.
pub struct Delivery {
    engine: Arc<Engine>,
    router: Router,
    pacers: BTreeMap<Platform, Pacer>,
    pub(super) config: SchedulerConfig,
    /// Turns true on shutdown: requests in flight finish, the rest are
    /// released so the next start delivers them at once.
    pub(super) stopping: watch::Sender<bool>,
}

/// One effect on its way.
struct Job {
    effect: Effect,
    /// Attempts made so far.
    attempts: u32,
    /// Server errors and lost answers so far: the back-off's exponent.
    failures: u32,
    /// 429s seen.
    limited: usize,
}

/// What an attempt leaves to do.
enum Next {
    /// Finished, delivered or not.
    Done { job: Job, sent: bool },
    /// Another attempt once `after` has passed.
    Again { job: Job, after: Duration },
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
    pub(super) async fn stopped(&self) {
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

    /// Delivers effects, paced, a few requests in flight, each retried as
    /// the module header says. Retries go before effects not yet tried: they
    /// are older work.
    pub async fn deliver_all(&self, effects: Vec<Effect>) -> TickReport {
        let give_up_at = Instant::now() + self.engine.claim_lease() / 2;
        let mut fresh = effects.into_iter().map(Job::new);
        let mut ready = VecDeque::new();
        let mut running = FuturesUnordered::new();
        let mut waiting = FuturesUnordered::new();
        let mut report = TickReport::default();
        loop {
            while running.len() < self.config.in_flight.max(1) {
                let Some(job) = ready.pop_front().or_else(|| fresh.next()) else {
                    break;
                };
                running.push(self.step(job));
            }
            tokio::select! {
                Some(next) = running.next() => match next {
                    Next::Again { job, after } if Instant::now() + after <= give_up_at => {
                        waiting.push(self.hold(job, after));
                    }
                    Next::Again { job, .. } => {
                        tracing::warn!(post = job.effect.post_id(), "still failing; a later tick retries");
                        finish(job, false, &mut report);
                    }
                    Next::Done { job, sent } => finish(job, sent, &mut report),
                },
                Some(job) = waiting.next() => ready.push_back(job),
                else => break,
            }
        }
        report
    }

    /// Waits `after` (less if delivery stops), holding no request slot.
    async fn hold(&self, job: Job, after: Duration) -> Job {
        tokio::select! {
            _ = tokio::time::sleep(after) => {}
            _ = self.stopped() => {}
        }
        job
    }

    /// One attempt at `job`, once its turn on the pacer comes.
    async fn step(&self, mut job: Job) -> Next {
        let platform = job.effect.platform();
        let (Some(notifier), Some(pacer)) =
            (self.router.notifier(platform), self.pacers.get(&platform))
        else {
            // Claims are filtered by platform, so this is a wiring bug: the
            // post stays unconfirmed for the process that serves it.
            tracing::error!(post = job.effect.post_id(), %platform, "no notifier for this platform");
            return Next::Done { job, sent: false };
        };
        tokio::select! {
            biased;
            _ = self.stopped() => {
                self.release(&job.effect).await;
                return Next::Done { job, sent: false };
            }
            _ = pacer.wait() => {}
        }
        job.attempts += 1;
        match self.attempt(notifier.as_ref(), &job.effect).await {
            Ok(()) => Next::Done { job, sent: true },
            Err(e) => self.after_failure(job, e, notifier.as_ref(), pacer).await,
        }
    }

    /// What a failed attempt leads to: a wait and another attempt, or done.
    async fn after_failure(
        &self,
        mut job: Job,
        error: DeliveryError,
        notifier: &dyn Notifier,
        pacer: &Pacer,
    ) -> Next {
        let post = job.effect.post_id();
        let after = match error {
            DeliveryError::RateLimited {
                retry_after,
                global,
            } => {
                job.limited += 1;
                tracing::warn!(post, ?retry_after, global, "rate limited; backing off");
                if global {
                    // Every request of the platform waits, this one included.
                    pacer.back_off(retry_after).await;
                    Duration::ZERO
                } else {
                    retry_after
                }
            }
            DeliveryError::Transient(why) => {
                job.failures += 1;
                let after = self.config.backoff.delay(post, job.failures);
                tracing::warn!(post, %why, ?after, "delivery failed; retrying after a back-off");
                after
            }
            DeliveryError::Permanent(why) => {
                tracing::warn!(post, %why, "delivery impossible; pausing the channel");
                self.pause_channel(&job.effect, &why, notifier, pacer).await;
                return Next::Done { job, sent: false };
            }
            DeliveryError::Failed(why) => {
                tracing::warn!(post, %why, "delivery failed; a later tick retries");
                return Next::Done { job, sent: false };
            }
        };
        if job.attempts >= self.config.attempts {
            tracing::warn!(
                post,
                attempts = job.attempts,
                "out of attempts; a later tick retries"
            );
            return Next::Done { job, sent: false };
        }
        Next::Again { job, after }
    }

    /// Pauses the channel of an effect the platform refused for good, and
    /// tells its admin once.
    async fn pause_channel(
        &self,
        effect: &Effect,
        why: &str,
        notifier: &dyn Notifier,
        pacer: &Pacer,
    ) {
        match self.engine.undeliverable(effect, why).await {
            Ok(Some(note)) => {
                pacer.wait().await;
                tell_admin(notifier, &note).await;
            }
            Ok(None) => {}
            Err(e) => {
                tracing::error!(error = %e, post = effect.post_id(), "could not pause an undeliverable channel")
            }
        }
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

impl Job {
    fn new(effect: Effect) -> Self {
        Self {
            effect,
            attempts: 0,
            failures: 0,
            limited: 0,
        }
    }
}

/// Counts a finished job in the report and the metrics. A job released at
/// shutdown before any attempt is not a failure and is not counted there.
fn finish(job: Job, sent: bool, report: &mut TickReport) {
    if job.attempts > 0 {
        let platform = job.effect.platform().as_str();
        let retried = (job.attempts - 1) as usize;
        crate::meters::delivery(platform, sent, job.limited, retried);
        report.retried += retried;
    }
    report.rate_limited += job.limited;
    if sent {
        report.delivered += 1;
    } else {
        report.failed += 1;
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
