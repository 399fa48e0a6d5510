//! This process's share of each platform's request budget.
//!
//! A platform's rate limit belongs to the bot, not to a process: Discord
//! allows 50 requests/s in all, however many replicas send them. Every
//! replica that delivers posts beats a heartbeat into PostgreSQL each second
//! (`replicas` table) and learns how many live replicas share its
//! platforms; every local [`super::Pacer`] in the process then spaces its
//! requests that many times wider. (A shared pacer takes its starts from one
//! clock in PostgreSQL instead, and uses this share only while that clock
//! does not answer.) A replica that joins waits one beat
//! before delivering, so the others have already narrowed their share when
//! its first request goes out; a replica that stops cleanly leaves at once,
//! and one that dies drops out after 5 seconds of silence.

use crate::storage::Store;
use rand::Rng;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;
use tokio::sync::watch;

/// How many live replicas share this process's platforms (1: alone).
static SHARERS: AtomicU32 = AtomicU32::new(1);

/// How often a replica says it is alive.
pub const BEAT: Duration = Duration::from_secs(1);

/// The number of replicas this process's budget is divided between.
pub fn sharers() -> u32 {
    SHARERS.load(Ordering::Relaxed).max(1)
}

/// This process in the `replicas` table.
pub struct Membership {
    store: Store,
    id: i64,
    platforms: Vec<String>,
}

impl Membership {
    /// Joins: the first heartbeat, then one beat's wait so the replicas
    /// already running have counted this one before it sends anything.
    pub async fn join(store: Store, platforms: Vec<String>) -> Self {
        let me = Self {
            store,
            id: rand::thread_rng().gen_range(1..i64::MAX),
            platforms,
        };
        me.beat().await;
        tokio::time::sleep(BEAT + BEAT / 5).await;
        me.beat().await;
        me
    }

    async fn beat(&self) {
        match self.store.replica_beat(self.id, &self.platforms).await {
            Ok(n) => {
                if SHARERS.swap(n, Ordering::Relaxed) != n {
                    tracing::info!(
                        replicas = n,
                        "the platform request budget is now shared this many ways"
                    );
                }
            }
            // Keep the last known share: guessing "alone" could overshoot.
            Err(e) => tracing::warn!(error = %e, "replica heartbeat failed"),
        }
    }

    /// Beats every [`BEAT`] until `stop`, then leaves.
    pub async fn keep(self, mut stop: watch::Receiver<bool>) {
        loop {
            tokio::select! {
                _ = stop.changed() => break,
                _ = tokio::time::sleep(BEAT) => self.beat().await,
            }
        }
        if let Err(e) = self.store.replica_leave(self.id).await {
            tracing::warn!(error = %e, "could not leave the replica table; the others notice in 5 s");
        }
    }
}
