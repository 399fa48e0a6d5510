//! Whether this process's Discord shards are all connected: what `/readyz`
//! reports for Discord.
//!
//! A shard counts from its READY until its connection stage leaves
//! "connected" (a resume, a reconnect, a shutdown). The process is ready
//! when every shard it runs is connected: the shards of its
//! `DISCORD_SHARDS` range, or, autosharded, all of the total that READY
//! reports. Until then a load balancer or Kubernetes keeps traffic and
//! rollouts waiting, rather than trusting a gateway that never came up.

use poise::serenity_prelude::{self as serenity, ConnectionStage, ShardStageUpdateEvent};
use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// Follows the gateway's events and keeps [`Readiness::flag`] current.
pub struct Readiness {
    /// Shards that are connected now.
    connected: Mutex<BTreeSet<u32>>,
    /// How many shards this process runs; `None` until READY says, when
    /// autosharded.
    expected: Mutex<Option<u32>>,
    flag: Arc<AtomicBool>,
}

impl Readiness {
    /// Readiness for `expected` shards (`None`: as READY reports).
    pub fn new(expected: Option<u32>) -> Self {
        Self {
            connected: Mutex::default(),
            expected: Mutex::new(expected),
            flag: Arc::default(),
        }
    }

    /// True while every shard is connected; shared with `/readyz`.
    pub fn flag(&self) -> Arc<AtomicBool> {
        self.flag.clone()
    }

    /// A shard's READY: it is connected, and READY names the total.
    pub fn shard_ready(&self, shard: u32, total: u32) {
        self.expected
            .lock()
            .expect("readiness lock")
            .get_or_insert(total);
        self.set(shard, true);
    }

    /// A shard's connection stage changed.
    pub fn shard_stage(&self, shard: u32, stage: ConnectionStage) {
        self.set(shard, stage == ConnectionStage::Connected);
    }

    fn set(&self, shard: u32, up: bool) {
        let mut connected = self.connected.lock().expect("readiness lock");
        if up {
            connected.insert(shard);
        } else {
            connected.remove(&shard);
        }
        let expected = *self.expected.lock().expect("readiness lock");
        let all = expected.is_some_and(|n| n > 0 && connected.len() as u32 >= n);
        self.flag.store(all, Ordering::Relaxed);
    }
}

#[serenity::async_trait]
impl serenity::EventHandler for Readiness {
    async fn ready(&self, ctx: serenity::Context, ready: serenity::Ready) {
        let total = ready.shard.map_or(1, |s| s.total);
        self.shard_ready(ctx.shard_id.0, total);
    }

    async fn shard_stage_update(&self, _ctx: serenity::Context, event: ShardStageUpdateEvent) {
        self.shard_stage(event.shard_id.0, event.new);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ready(r: &Readiness) -> bool {
        r.flag().load(Ordering::Relaxed)
    }

    #[test]
    fn a_range_is_ready_only_once_each_of_its_shards_is_connected() {
        let r = Readiness::new(Some(2));
        assert!(!ready(&r));
        r.shard_ready(0, 4);
        assert!(!ready(&r), "one of two shards");
        r.shard_ready(1, 4);
        assert!(ready(&r));
        r.shard_stage(1, ConnectionStage::Resuming);
        assert!(!ready(&r), "a resuming shard is not connected");
        r.shard_stage(1, ConnectionStage::Connected);
        assert!(ready(&r));
    }

    #[test]
    fn autosharded_readiness_waits_for_the_total_ready_reports() {
        let r = Readiness::new(None);
        r.shard_stage(0, ConnectionStage::Connected);
        assert!(!ready(&r), "no READY yet, so the total is unknown");
        r.shard_ready(0, 2);
        assert!(!ready(&r));
        r.shard_ready(1, 2);
        assert!(ready(&r));
        r.shard_stage(0, ConnectionStage::Disconnected);
        assert!(!ready(&r));
    }
}
