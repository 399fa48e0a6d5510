//! Live replicas of `prepbot run` on one database, for sharing each
//! platform's request budget (see `delivery::share`).

use super::{Store, StoreError};

/// A replica is live while its heartbeat is this recent.
const LIVE: &str = "5 seconds";

impl Store {
    /// Records that replica `id`, delivering to `platforms`, is alive, and
    /// returns how many live replicas share at least one of them
    /// (itself included). Rows silent for a minute are removed.
    pub async fn replica_beat(&self, id: i64, platforms: &[String]) -> Result<u32, StoreError> {
        sqlx::query(
            "INSERT INTO replicas (id, platforms, seen_at) VALUES ($1, $2, clock_timestamp())
             ON CONFLICT (id) DO UPDATE SET platforms = EXCLUDED.platforms, seen_at = EXCLUDED.seen_at",
        )
        .bind(id)
        .bind(platforms)
        .execute(&self.pool)
        .await?;
        sqlx::query("DELETE FROM replicas WHERE seen_at < clock_timestamp() - interval '1 minute'")
            .execute(&self.pool)
            .await?;
        let live: i64 = sqlx::query_scalar(&format!(
            "SELECT count(*) FROM replicas
             WHERE platforms && $1 AND seen_at > clock_timestamp() - interval '{LIVE}'"
        ))
        .bind(platforms)
        .fetch_one(&self.pool)
        .await?;
        Ok(u32::try_from(live.max(1)).unwrap_or(u32::MAX))
    }

    /// Removes replica `id` at a clean stop, so the others take its share
    /// at once instead of after the liveness window.
    pub async fn replica_leave(&self, id: i64) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM replicas WHERE id = $1")
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
