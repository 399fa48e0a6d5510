//! The scheduler's entry: [`Engine::run_due`] claims the work due now.
//!
//! Each kind of due work (the daily posts and reveals, the competition
//! posts, the steps of live rounds, rewards and their role changes) is claimed on its own. A claim, once made, is this process's to
//! deliver: if a later step failed the whole call, the work already claimed
//! would sit until its lease ran out. So a kind that fails (a row the code
//! cannot read, a query cut off) is logged and tried again next tick, and
//! what was claimed before it, and the other kinds, are still returned.

use super::{Engine, EngineError, Platform};
use crate::domain::reply::Effect;

impl Engine {
    /// Claims everything due by now on `platforms`: daily posts, reveals,
    /// competition posts, and deliveries a crash or an exhausted retry left
    /// behind. The scheduler delivers them; other platforms' work is left
    /// for the processes that serve them. Fails only when every kind of
    /// work failed and nothing was claimed (the database is down).
    pub async fn run_due(&self, platforms: &[Platform]) -> Result<Vec<Effect>, EngineError> {
        Ok(self.run_due_at_most(platforms, usize::MAX).await?.0)
    }

    /// [`Engine::run_due`], claiming at most `posts` of today's daily posts,
    /// so that a big fan-out is claimed a batch at a time, each batch
    /// delivered well within its claim lease and shared out between
    /// replicas as they free up. Also says whether more daily posts are due.
    #[tracing::instrument(skip(self))]
    pub async fn run_due_at_most(
        &self,
        platforms: &[Platform],
        posts: usize,
    ) -> Result<(Vec<Effect>, bool), EngineError> {
        let now = self.clock.now();
        let mut effects = Vec::new();
        let daily = self.daily_due(now, platforms, posts, &mut effects).await;
        let more = *daily.as_ref().unwrap_or(&false);
        let competition = self.competition_due(now, platforms, &mut effects).await;
        let rounds = self.rounds_due(now, platforms, &mut effects).await;
        // After competition: a season closed this tick passes its champion now.
        let rewards = self.rewards_due(now, platforms, &mut effects).await;
        let mut failures = [
            ("daily", daily.map(|_| ())),
            ("competition", competition),
            ("rounds", rounds),
            ("rewards", rewards),
        ]
        .into_iter()
        .filter_map(|(kind, r)| r.err().map(|e| (kind, e)))
        .collect::<Vec<_>>();
        if failures.len() == 4 && effects.is_empty() {
            return Err(failures.remove(0).1);
        }
        for (kind, e) in failures {
            tracing::error!(kind, error = %e, claimed = effects.len(), "due work failed; the rest goes out, this is retried next tick");
        }
        Ok((effects, more))
    }
}
