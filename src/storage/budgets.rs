//! Shared request clocks (`rate_budgets`): each request of a platform
//! budget takes the next start time, one gap after the last one taken by
//! any replica (see `delivery::Pacer`).

use super::{Store, StoreError};
use std::time::Duration;

impl Store {
    /// Takes the next start of `budget`, `gap` after the previous one (or
    /// now, if that is past), and returns how long from now it is. One
    /// statement, so replicas taking starts at once queue on the row and
    /// each gets its own.
    pub async fn budget_slot(&self, budget: &str, gap: Duration) -> Result<Duration, StoreError> {
        let wait: f64 = sqlx::query_scalar(
            "INSERT INTO rate_budgets AS b (budget, next_at)
             VALUES ($1, clock_timestamp() + make_interval(secs => $2))
             ON CONFLICT (budget) DO UPDATE
                SET next_at = greatest(b.next_at, clock_timestamp()) + make_interval(secs => $2)
             RETURNING greatest(extract(epoch FROM b.next_at - clock_timestamp())::float8 - $2, 0)",
        )
        .bind(budget)
        .bind(gap.as_secs_f64())
        .fetch_one(&self.pool)
        .await?;
        Ok(Duration::from_secs_f64(wait.clamp(0.0, 3600.0)))
    }

    /// Holds every start of `budget` back until `after` from now (a
    /// platform's global 429), for all replicas.
    pub async fn budget_hold(&self, budget: &str, after: Duration) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO rate_budgets AS b (budget, next_at)
             VALUES ($1, clock_timestamp() + make_interval(secs => $2))
             ON CONFLICT (budget) DO UPDATE
                SET next_at = greatest(b.next_at, EXCLUDED.next_at)",
        )
        .bind(budget)
        .bind(after.as_secs_f64())
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}
