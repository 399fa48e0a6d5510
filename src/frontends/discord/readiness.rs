//! Whether this process's Discord shards are all connected: what `/readyz`
//! reports for Discord.
//!
//! The process is ready while every shard it runs (its `DISCORD_SHARDS`
//! range, or, autosharded, the total READY reports) has a runner whose
//! stage is "connected". The runners are read every [`EVERY`] rather than
//! followed through serenity's stage events: a shard that loses its
//! connection without resuming (a missed heartbeat, an I/O error) is
//! restarted with its runner removed and no event sent, and while Discord
//! is out of reach no runner exists at all, so events alone would leave the
//! flag true through the whole outage. Once stopped, it stays not ready.

use poise::serenity_prelude::{self as serenity, ConnectionStage};
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// How often the shard runners are read.
pub const EVERY: Duration = Duration::from_secs(1);

/// The shard count expected, the latest reading and the flag `/readyz` reads.
#[derive(Debug, Default)]
pub struct Readiness {
    /// Shards this process runs; 0 until known (autosharded: READY says).
    expected: AtomicU32,
    stopped: AtomicBool,
    flag: Arc<AtomicBool>,
}

impl Readiness {
    /// Readiness for `expected` shards (`None`: as READY reports).
    pub fn new(expected: Option<u32>) -> Arc<Self> {
        let r = Self::default();
        r.expected.store(expected.unwrap_or(0), Ordering::Relaxed);
        Arc::new(r)
    }

    /// True while every shard is connected; shared with `/readyz`.
    pub fn flag(&self) -> Arc<AtomicBool> {
        self.flag.clone()
    }

    /// READY's shard total, for an autosharded process (a range keeps its
    /// own count).
    pub fn total_is(&self, total: u32) {
        let _ = self
            .expected
            .compare_exchange(0, total, Ordering::Relaxed, Ordering::Relaxed);
    }

    /// A reading of the runners: `connected` of them are connected now.
    pub fn observe(&self, connected: usize) {
        let expected = self.expected.load(Ordering::Relaxed) as usize;
        let ready = !self.stopped.load(Ordering::Relaxed) && expected > 0 && connected >= expected;
        self.flag.store(ready, Ordering::Relaxed);
    }

    /// Not ready from now on, whatever is read later.
    pub fn stop(&self) {
        self.stopped.store(true, Ordering::Relaxed);
        self.flag.store(false, Ordering::Relaxed);
    }

    /// Reads `shards`' runners every [`EVERY`] until stopped.
    pub async fn follow(self: Arc<Self>, shards: Arc<serenity::ShardManager>) {
        while !self.stopped.load(Ordering::Relaxed) {
            let connected = {
                let runners = shards.runners.lock().await;
                runners
                    .values()
                    .filter(|r| r.stage == ConnectionStage::Connected)
                    .count()
            };
            self.observe(connected);
            tokio::time::sleep(EVERY).await;
        }
    }
}

/// Learns the shard total from READY (autosharded processes).
pub struct LearnTotal(pub Arc<Readiness>);

#[serenity::async_trait]
impl serenity::EventHandler for LearnTotal {
    async fn ready(&self, _ctx: serenity::Context, ready: serenity::Ready) {
        self.0.total_is(ready.shard.map_or(1, |s| s.total));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ready(r: &Readiness) -> bool {
        r.flag().load(Ordering::Relaxed)
    }

    #[test]
    fn a_range_is_ready_only_while_each_of_its_shards_is_connected() {
        let r = Readiness::new(Some(2));
        r.observe(0);
        assert!(!ready(&r));
        r.observe(1);
        assert!(!ready(&r), "one of two shards");
        r.observe(2);
        assert!(ready(&r));
        r.observe(1);
        assert!(!ready(&r), "a shard restarting has no connected runner");
    }

    #[test]
    fn autosharded_readiness_waits_for_the_total_ready_reports() {
        let r = Readiness::new(None);
        r.observe(1);
        assert!(!ready(&r), "no READY yet, so the total is unknown");
        r.total_is(2);
        r.total_is(5); // later READYs do not change it
        r.observe(1);
        assert!(!ready(&r));
        r.observe(2);
        assert!(ready(&r));
    }

    #[test]
    fn a_stopped_front_end_is_never_ready_again() {
        let r = Readiness::new(Some(1));
        r.observe(1);
        assert!(ready(&r));
        r.stop();
        r.observe(1);
        assert!(!ready(&r));
    }
}
