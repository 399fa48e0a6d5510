//! Posted questions: daily posts and on-demand quizzes.

use super::{Store, StoreError};
use chrono::{DateTime, NaiveDate, Utc};
use std::collections::HashMap;

/// Daily question or personal quiz.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PostKind {
    Daily,
    Quiz,
    /// A question of a live round: open until `reveal_at` (its deadline).
    Round,
}

/// A row of `posts`.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct PostRow {
    pub id: i64,
    pub channel_id: i64,
    pub question_id: String,
    pub topic: String,
    pub kind: String,
    pub member_id: Option<i64>,
    pub local_date: Option<NaiveDate>,
    pub posted_at: DateTime<Utc>,
    pub reveal_at: Option<DateTime<Utc>>,
    pub revealed_at: Option<DateTime<Utc>>,
    pub message_ref: Option<String>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub reveal_delivered_at: Option<DateTime<Utc>>,
    /// Seeds the shown order of the question's options; `None`: file order.
    pub option_seed: Option<i64>,
}

impl PostRow {
    pub fn kind(&self) -> PostKind {
        match self.kind.as_str() {
            "daily" => PostKind::Daily,
            "round" => PostKind::Round,
            _ => PostKind::Quiz,
        }
    }
}

/// [`POST_COLUMNS`] of a table aliased `p`.
pub(super) const POST_COLUMNS_P: &str =
    "p.id, p.channel_id, p.question_id, p.topic, p.kind, p.member_id, p.local_date, \
     p.posted_at, p.reveal_at, p.revealed_at, p.message_ref, p.delivered_at, p.reveal_delivered_at, p.option_seed";

pub(super) const POST_COLUMNS: &str =
    "id, channel_id, question_id, topic, kind, member_id, local_date, \
     posted_at, reveal_at, revealed_at, message_ref, delivered_at, reveal_delivered_at, option_seed";

impl Store {
    /// Records a quiz question given to one member.
    pub async fn create_quiz(
        &self,
        channel_id: i64,
        member_id: i64,
        question_id: &str,
        topic: &str,
        now: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar(
            "INSERT INTO posts (channel_id, question_id, topic, kind, member_id, posted_at)
             VALUES ($1, $2, $3, 'quiz', $4, $5) RETURNING id",
        )
        .bind(channel_id)
        .bind(question_id)
        .bind(topic)
        .bind(member_id)
        .bind(now)
        .fetch_one(&self.pool)
        .await?)
    }

    /// Stores the seed of the order `post_id` shows its options in. Only
    /// the first seed counts: a post never changes order once shown.
    pub async fn set_option_seed(&self, post_id: i64, seed: i64) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar(
            "UPDATE posts SET option_seed = coalesce(option_seed, $2) WHERE id = $1 RETURNING option_seed",
        )
        .bind(post_id)
        .bind(seed)
        .fetch_one(&self.pool)
        .await?)
    }

    /// A post by id, only if it belongs to `channel_id`'s guild.
    pub async fn post(&self, id: i64, guild_id: i64) -> Result<Option<PostRow>, StoreError> {
        Ok(sqlx::query_as(&format!(
            "SELECT {POST_COLUMNS} FROM posts p
             WHERE p.id = $1 AND EXISTS (SELECT 1 FROM channels c WHERE c.id = p.channel_id AND c.guild_id = $2)"
        ))
        .bind(id)
        .bind(guild_id)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// The question `/answer` targets when no post is named: the most recent
    /// question this member was shown in the channel and has not answered,
    /// their own quiz or the daily question, whichever came last.
    pub async fn current_post(
        &self,
        channel_id: i64,
        member_id: i64,
    ) -> Result<Option<PostRow>, StoreError> {
        Ok(sqlx::query_as(&format!(
            "SELECT {POST_COLUMNS} FROM posts p
             WHERE p.channel_id = $1
               AND (p.kind = 'daily' OR p.member_id = $2 OR (p.kind = 'round' AND p.revealed_at IS NULL))
               AND NOT EXISTS (SELECT 1 FROM answers a WHERE a.post_id = p.id AND a.member_id = $2)
             ORDER BY p.posted_at DESC, p.id DESC LIMIT 1"
        ))
        .bind(channel_id)
        .bind(member_id)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// How often each question has been posted as the daily in a channel.
    pub async fn daily_use_counts(
        &self,
        channel_id: i64,
    ) -> Result<HashMap<String, i64>, StoreError> {
        let rows: Vec<(String, i64)> = sqlx::query_as(
            "SELECT question_id, count(*) FROM posts WHERE channel_id = $1 AND kind = 'daily' GROUP BY question_id",
        )
        .bind(channel_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().collect())
    }

    /// How often each question has been given to a member as a quiz.
    pub async fn quiz_use_counts(
        &self,
        member_id: i64,
    ) -> Result<HashMap<String, i64>, StoreError> {
        let rows: Vec<(String, i64)> = sqlx::query_as(
            "SELECT question_id, count(*) FROM posts WHERE member_id = $1 AND kind = 'quiz' GROUP BY question_id",
        )
        .bind(member_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().collect())
    }
}
