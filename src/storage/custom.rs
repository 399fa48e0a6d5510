//! Per-server custom questions, stored as one-question bank files.

use super::{Ctx, Store, StoreError};
use sqlx::postgres::PgListener;

/// What storing an upload did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CustomAdd {
    /// Stored; `replaced` lists the ids that were already there.
    Added { replaced: Vec<String> },
    /// Nothing stored: these ids are already there and replacing was not asked for.
    Exists(Vec<String>),
}

impl Store {
    /// A guild's custom questions as `(id, toml)`.
    pub async fn custom_questions(
        &self,
        guild_id: i64,
    ) -> Result<Vec<(String, String)>, StoreError> {
        Ok(sqlx::query_as("SELECT question_id, toml FROM custom_questions WHERE guild_id = $1 ORDER BY question_id")
            .bind(guild_id)
            .fetch_all(&self.pool)
            .await?)
    }

    /// Stores custom questions `(id, toml)` for a guild in one transaction.
    /// An id the guild already has is replaced only when `replace` is set;
    /// otherwise nothing at all is stored.
    pub async fn add_custom_questions(
        &self,
        ctx: Ctx,
        questions: &[(String, String)],
        now: chrono::DateTime<chrono::Utc>,
        replace: bool,
    ) -> Result<CustomAdd, StoreError> {
        let ids: Vec<&str> = questions.iter().map(|(id, _)| id.as_str()).collect();
        let mut tx = self.pool.begin().await?;
        let existing: Vec<String> = sqlx::query_scalar(
            "SELECT question_id FROM custom_questions
             WHERE guild_id = $1 AND question_id = ANY($2) ORDER BY question_id FOR UPDATE",
        )
        .bind(ctx.guild_id)
        .bind(&ids)
        .fetch_all(&mut *tx)
        .await?;
        if !existing.is_empty() && !replace {
            return Ok(CustomAdd::Exists(existing));
        }
        // Without `replace`, a row that appeared since the check is a clash too.
        let on_conflict = if replace {
            "DO UPDATE SET toml = EXCLUDED.toml, added_by = EXCLUDED.added_by, added_at = EXCLUDED.added_at"
        } else {
            "DO NOTHING"
        };
        let sql = format!(
            "INSERT INTO custom_questions (guild_id, question_id, toml, added_by, added_at)
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (guild_id, question_id) {on_conflict}"
        );
        for (id, toml) in questions {
            let done = sqlx::query(&sql)
                .bind(ctx.guild_id)
                .bind(id)
                .bind(toml)
                .bind(ctx.member_id)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            if done.rows_affected() == 0 {
                return Ok(CustomAdd::Exists(vec![id.clone()]));
            }
        }
        tx.commit().await?;
        Ok(CustomAdd::Added { replaced: existing })
    }

    /// Removes one custom question; false when the guild has no such question.
    pub async fn remove_custom_question(
        &self,
        guild_id: i64,
        question_id: &str,
    ) -> Result<bool, StoreError> {
        let done =
            sqlx::query("DELETE FROM custom_questions WHERE guild_id = $1 AND question_id = $2")
                .bind(guild_id)
                .bind(question_id)
                .execute(&self.pool)
                .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Tells every process on this database that `guild_id`'s custom
    /// questions changed, so each drops its cached copy.
    pub async fn announce_custom_change(&self, guild_id: i64) -> Result<(), StoreError> {
        sqlx::query("SELECT pg_notify($1, $2)")
            .bind(CUSTOM_CHANGED)
            .bind(guild_id.to_string())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// A connection listening for [`Store::announce_custom_change`].
    pub async fn custom_changes(&self) -> Result<PgListener, StoreError> {
        let mut listener = PgListener::connect_with(&self.pool).await?;
        listener.listen(CUSTOM_CHANGED).await?;
        Ok(listener)
    }
}

/// The NOTIFY channel for custom-question changes.
const CUSTOM_CHANGED: &str = "prepbot_custom_questions";
