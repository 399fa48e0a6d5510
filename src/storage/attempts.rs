//! Tries at SQL questions: every query a person sends to the sandbox for a
//! question takes one, so retries after SQL errors are limited.

use super::{Store, StoreError};
use chrono::{DateTime, Utc};

impl Store {
    /// Takes one of `max` tries at `question_id` for a member, atomically:
    /// the number of tries used, this one included, or `None` when all
    /// `max` were used already.
    pub async fn take_sql_try(
        &self,
        member_id: i64,
        question_id: &str,
        max: i32,
        now: DateTime<Utc>,
    ) -> Result<Option<i32>, StoreError> {
        Ok(sqlx::query_scalar(
            "INSERT INTO sql_attempts (member_id, question_id, tries, last_at) VALUES ($1, $2, 1, $3)
             ON CONFLICT (member_id, question_id) DO UPDATE
             SET tries = sql_attempts.tries + 1, last_at = EXCLUDED.last_at
             WHERE sql_attempts.tries < $4
             RETURNING tries",
        )
        .bind(member_id)
        .bind(question_id)
        .bind(now)
        .bind(max)
        .fetch_optional(&self.pool)
        .await?)
    }
}
