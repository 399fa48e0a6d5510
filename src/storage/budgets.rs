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

    /// Records a send of `budget` now if fewer than `cap` went out in the
    /// last second (by any replica), and returns `None`; otherwise records
    /// nothing and returns how long until one may go. One statement on the
    /// budget's row, so concurrent senders queue on its lock and each sees
    /// the others' sends.
    pub async fn budget_send(
        &self,
        budget: &str,
        cap: u32,
    ) -> Result<Option<Duration>, StoreError> {
        let wait: Option<f64> = sqlx::query_scalar(
            "WITH cur AS (
                SELECT sent, cardinality(sent) AS n FROM rate_budgets WHERE budget = $1 FOR UPDATE),
             went AS (
                UPDATE rate_budgets b
                SET sent = (CASE WHEN cur.n >= $2 THEN cur.sent[cur.n - $2 + 2 :] ELSE cur.sent END)
                           || clock_timestamp()
                FROM cur
                WHERE b.budget = $1
                  AND (cur.n < $2 OR cur.sent[cur.n - $2 + 1] <= clock_timestamp() - interval '1 second')
                RETURNING 1)
             SELECT CASE WHEN EXISTS (SELECT 1 FROM went) THEN NULL
                    ELSE extract(epoch FROM (SELECT sent[n - $2 + 1] FROM cur)
                                 + interval '1 second' - clock_timestamp())::float8 END",
        )
        .bind(budget)
        // Settings cap the rate at 1,000; saturate rather than wrap for any
        // other caller.
        .bind(i32::try_from(cap).unwrap_or(i32::MAX))
        .fetch_one(&self.pool)
        .await?;
        Ok(wait.map(|w| Duration::from_secs_f64(w.clamp(0.0, 1.0))))
    }
}
