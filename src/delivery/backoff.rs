//! How long a failed delivery waits before its next attempt: exponential
//! back-off with jitter, so a platform that answers 500s for a while is not
//! hammered, and many posts that failed together do not retry together.
//!
//! The jitter is drawn from a seeded generator (the seed is injected through
//! [`super::SchedulerConfig`], random in `prepbot run`), keyed by the post
//! and the attempt: the same seed gives the same waits whatever order the
//! posts fail in, so tests can predict every wait.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::time::Duration;

/// Exponential back-off with "equal jitter": after the n-th failure the wait
/// is drawn between half and all of `first × 2ⁿ⁻¹` (at most `max`), so it
/// always grows but never in step with another post's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// The ceiling of the first wait.
    pub first: Duration,
    /// No wait is longer than this.
    pub max: Duration,
    /// Seeds the jitter.
    pub seed: u64,
}

impl Default for Backoff {
    fn default() -> Self {
        Self {
            first: Duration::from_millis(500),
            max: Duration::from_secs(8),
            seed: rand::random(),
        }
    }
}

impl Backoff {
    /// The ceiling of the wait after `failures` failures (1 = the first).
    pub fn ceiling(&self, failures: u32) -> Duration {
        let doublings = failures.saturating_sub(1).min(30);
        self.first
            .saturating_mul(1u32 << doublings)
            .min(self.max.max(self.first))
    }

    /// The wait after the `failures`-th failure of the delivery `key` (the
    /// post's id): between half the ceiling and the ceiling.
    pub fn delay(&self, key: i64, failures: u32) -> Duration {
        let ceiling = self.ceiling(failures);
        let half = ceiling / 2;
        let mut rng = ChaCha8Rng::seed_from_u64(self.seed);
        rng.set_stream(key as u64);
        rng.set_word_pos(u128::from(failures) * 4);
        let spread = (ceiling - half).as_nanos() as u64;
        half + Duration::from_nanos(rng.gen_range(0..=spread))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn backoff(seed: u64) -> Backoff {
        Backoff {
            first: Duration::from_millis(100),
            max: Duration::from_secs(1),
            seed,
        }
    }

    #[test]
    fn each_wait_lies_between_half_and_all_of_a_doubling_ceiling_capped_at_max() {
        let b = backoff(7);
        let ceilings: Vec<u64> = (1..=6).map(|n| b.ceiling(n).as_millis() as u64).collect();
        assert_eq!(ceilings, vec![100, 200, 400, 800, 1000, 1000]);
        for post in 1..50 {
            for n in 1..=6 {
                let (d, c) = (b.delay(post, n), b.ceiling(n));
                assert!(
                    d >= c / 2 && d <= c,
                    "post {post}, failure {n}: {d:?} of {c:?}"
                );
            }
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_waits_and_posts_do_not_wait_in_step() {
        let (a, b) = (backoff(7), backoff(7));
        for n in 1..=5 {
            assert_eq!(a.delay(3, n), b.delay(3, n));
        }
        let firsts: std::collections::BTreeSet<Duration> =
            (1..20).map(|post| a.delay(post, 1)).collect();
        assert!(firsts.len() > 15, "{firsts:?}");
        assert_ne!(
            (1..=5).map(|n| a.delay(3, n)).collect::<Vec<_>>(),
            (1..=5).map(|n| backoff(8).delay(3, n)).collect::<Vec<_>>()
        );
    }
}
