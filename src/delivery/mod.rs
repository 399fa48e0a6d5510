//! Delivery: carrying out [`Effect`]s on the platform each one names.
//!
//! - [`Notifier`]: a front end's way of posting on its platform, one attempt
//!   per call.
//! - [`Router`]: from platform to notifier, built once by the application
//!   for the platforms this process serves.
//! - [`Delivery`]: paced, retried delivery through the router, shared by the
//!   scheduler and by every front end's command runner (an admin's
//!   `/daily post-now` goes out the same way as a scheduled post); failed
//!   attempts wait a [`Backoff`] or the platform's `retry_after` without
//!   holding back other channels.
//! - [`Scheduler`]: the one loop, owned by the application, that claims due
//!   work for the router's platforms and hands it to [`Delivery`].
//! - [`share`]: replicas on one database divide each platform's request
//!   budget between them, so every local pacer here runs at its share; the
//!   Discord notifier's pacer instead takes each request's start from a
//!   clock shared in PostgreSQL ([`Pacer::shared`]).

mod backoff;
mod deliver;
mod pacer;
mod scheduler;
pub mod share;

pub use backoff::Backoff;
pub use deliver::Delivery;
pub use pacer::Pacer;
pub use scheduler::{Scheduler, SchedulerConfig, TickReport, DEFAULT_RATE};

use crate::domain::platform::Platform;
use crate::domain::reply::{Effect, MessageRef};
use async_trait::async_trait;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

/// Why one delivery attempt failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DeliveryError {
    /// The platform said 429: wait this long before trying this route (this
    /// channel) again, or, when `global`, before any request at all.
    #[error("rate limited for {retry_after:?}")]
    RateLimited { retry_after: Duration, global: bool },
    /// A server error, or no answer: the request may or may not have taken
    /// effect, and sending it again is harmless (the notifier made it
    /// idempotent), so delivery retries it after a back-off.
    #[error("delivery failed for now: {0}")]
    Transient(String),
    /// Anything else; a later tick retries.
    #[error("delivery failed: {0}")]
    Failed(String),
    /// The platform refused for good (the channel is gone, or the bot may
    /// not see or post in it): retrying cannot help, so the channel's
    /// schedule is paused with this reason, in words an admin can act on.
    #[error("delivery impossible: {0}")]
    Permanent(String),
}

/// A front end's way of carrying out effects: one attempt per call.
#[async_trait]
pub trait Notifier: Send + Sync {
    /// Posts or reveals; returns the platform message for a posted question.
    async fn deliver(&self, effect: &Effect) -> Result<Option<MessageRef>, DeliveryError>;
}

/// Which notifier delivers each platform's effects in this process.
#[derive(Clone, Default)]
pub struct Router {
    routes: BTreeMap<Platform, Arc<dyn Notifier>>,
}

impl Router {
    pub fn new() -> Self {
        Self::default()
    }

    /// A router for one platform.
    pub fn single(platform: Platform, notifier: Arc<dyn Notifier>) -> Self {
        Self::new().with(platform, notifier)
    }

    /// Adds (or replaces) the notifier of `platform`.
    pub fn with(mut self, platform: Platform, notifier: Arc<dyn Notifier>) -> Self {
        self.routes.insert(platform, notifier);
        self
    }

    /// The platforms this process serves: the only ones whose work it claims.
    pub fn platforms(&self) -> Vec<Platform> {
        self.routes.keys().copied().collect()
    }

    /// The notifier for `platform`, if this process serves it.
    pub fn notifier(&self, platform: Platform) -> Option<&Arc<dyn Notifier>> {
        self.routes.get(&platform)
    }
}

impl std::fmt::Debug for Router {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Router")
            .field("platforms", &self.platforms())
            .finish()
    }
}
