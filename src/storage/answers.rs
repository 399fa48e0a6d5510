//! Answers, their points, streaks and re-grades. Each answer is written in one
//! transaction with the points and streak it earns, so a crash never leaves a
//! half-counted answer.

use super::points::{add_points, insert_answer, PointChange};
use super::{Ctx, Store, StoreError};
use crate::domain::scoring::Streak;
use chrono::{DateTime, NaiveDate, Utc};

/// An answer to record.
#[derive(Debug, Clone)]
pub struct NewAnswer<'a> {
    pub post_id: i64,
    pub topic: &'a str,
    pub body: &'a str,
    /// `None`: saved but could not be graded (an admin can /regrade it).
    pub verdict: Option<&'a str>,
    pub score: f32,
    pub feedback: serde_json::Value,
    pub points: i32,
    /// 'daily' | 'quiz' | 'practice'
    pub counting: &'a str,
    pub at: DateTime<Utc>,
    /// The channel's local date now: which week and month boards count it.
    pub day: NaiveDate,
    /// For daily answers: the local date of the post, to update the streak.
    pub streak: Option<NaiveDate>,
}

/// A stored answer.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct AnswerRow {
    pub id: i64,
    pub post_id: i64,
    pub member_id: i64,
    pub guild_id: i64,
    pub topic: String,
    pub body: String,
    pub verdict: Option<String>,
    pub points: i32,
    pub counting: String,
    pub answered_at: DateTime<Utc>,
    pub local_day: NaiveDate,
    pub flagged_at: Option<DateTime<Utc>>,
}

/// An answer flagged for a second look.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct OpenFlag {
    pub answer_id: i64,
    pub post_id: i64,
    pub member: String,
    pub question_id: String,
    pub verdict: Option<String>,
    pub body: String,
}

/// How a reveal went.
#[derive(Debug, Clone, PartialEq)]
pub struct RevealStats {
    pub answers: i64,
    pub correct: i64,
    pub correct_names: Vec<String>,
}

/// Before and after a re-grade.
#[derive(Debug, Clone, PartialEq)]
pub struct RegradeOutcome {
    pub old_verdict: Option<String>,
    pub old_points: i32,
    pub member: String,
}

impl Store {
    /// Records an answer with its points and streak. `Ok(None)` if this member
    /// already answered this post (the first answer stands).
    pub async fn record_answer(
        &self,
        ctx: Ctx,
        a: &NewAnswer<'_>,
    ) -> Result<Option<(i64, Option<Streak>)>, StoreError> {
        insert_answer(&self.pool, ctx, a).await
    }

    /// Whether the member has already been scored on this question as a quiz or daily.
    pub async fn has_scored(&self, member_id: i64, question_id: &str) -> Result<bool, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM answers a JOIN posts p ON p.id = a.post_id
             WHERE a.member_id = $1 AND p.question_id = $2 AND a.counting <> 'practice')",
        )
        .bind(member_id)
        .bind(question_id)
        .fetch_one(&self.pool)
        .await?)
    }

    /// A member's streak in a channel.
    pub async fn streak(&self, channel_id: i64, member_id: i64) -> Result<Streak, StoreError> {
        let row: Option<(i32, i32, NaiveDate)> = sqlx::query_as(
            "SELECT current, best, last_date FROM streaks WHERE channel_id = $1 AND member_id = $2",
        )
        .bind(channel_id)
        .bind(member_id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row
            .map(|(current, best, last)| Streak {
                current,
                best,
                last: Some(last),
            })
            .unwrap_or_default())
    }

    /// Counts and names for a reveal.
    pub async fn reveal_stats(
        &self,
        post_id: i64,
        max_names: i64,
    ) -> Result<RevealStats, StoreError> {
        let (answers, correct): (i64, i64) = sqlx::query_as(
            "SELECT count(*), count(*) FILTER (WHERE verdict = 'correct') FROM answers WHERE post_id = $1",
        )
        .bind(post_id)
        .fetch_one(&self.pool)
        .await?;
        // A public post: members who chose /privacy hide are "anonymous".
        let correct_names = sqlx::query_scalar(&format!(
            "SELECT {} FROM answers a JOIN members m ON m.id = a.member_id
             WHERE a.post_id = $1 AND a.verdict = 'correct' ORDER BY a.answered_at, a.id LIMIT $2",
            super::seasons::PUBLIC_NAME
        ))
        .bind(post_id)
        .bind(max_names)
        .fetch_all(&self.pool)
        .await?;
        Ok(RevealStats {
            answers,
            correct,
            correct_names,
        })
    }

    /// A member's answer to a post.
    pub async fn answer_of(
        &self,
        post_id: i64,
        member_id: i64,
    ) -> Result<Option<AnswerRow>, StoreError> {
        self.answer_where("a.post_id = $1 AND a.member_id = $2", post_id, member_id)
            .await
    }

    /// An answer by id, within a guild.
    pub async fn answer(
        &self,
        answer_id: i64,
        guild_id: i64,
    ) -> Result<Option<AnswerRow>, StoreError> {
        self.answer_where("a.id = $1 AND c.guild_id = $2", answer_id, guild_id)
            .await
    }

    async fn answer_where(
        &self,
        cond: &str,
        x: i64,
        y: i64,
    ) -> Result<Option<AnswerRow>, StoreError> {
        Ok(sqlx::query_as(&format!(
            "SELECT a.id, a.post_id, a.member_id, c.guild_id, p.topic, a.body, a.verdict, a.points, a.counting,
                    a.answered_at, a.local_day, a.flagged_at
             FROM answers a JOIN posts p ON p.id = a.post_id JOIN channels c ON c.id = p.channel_id
             WHERE {cond}"
        ))
        .bind(x)
        .bind(y)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Flags an answer for review; false if it was already flagged.
    pub async fn flag(&self, answer_id: i64, now: DateTime<Utc>) -> Result<bool, StoreError> {
        let done = sqlx::query("UPDATE answers SET flagged_at = $2, flag_closed_at = NULL WHERE id = $1 AND (flagged_at IS NULL OR flag_closed_at IS NOT NULL)")
            .bind(answer_id)
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Answers waiting for an admin in a guild, oldest first: open flags,
    /// and every answer saved without a grade (flagged or not).
    pub async fn open_flags(&self, guild_id: i64) -> Result<Vec<OpenFlag>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT a.id AS answer_id, p.id AS post_id, m.display_name AS member, p.question_id, a.verdict, a.body
             FROM answers a JOIN members m ON m.id = a.member_id JOIN posts p ON p.id = a.post_id
             WHERE m.guild_id = $1
               AND ((a.flagged_at IS NOT NULL AND a.flag_closed_at IS NULL) OR a.verdict IS NULL)
             ORDER BY coalesce(a.flagged_at, a.answered_at), a.id LIMIT 25",
        )
        .bind(guild_id)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Re-grades an answer: new verdict and points, the points difference in
    /// the ledger, the flag closed and an audit row, all in one transaction.
    pub async fn regrade(
        &self,
        answer: &AnswerRow,
        by: Ctx,
        verdict: &str,
        points: i32,
        note: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<RegradeOutcome, StoreError> {
        let mut tx = self.pool.begin().await?;
        // Lock the row so two admins re-grading at once cannot both apply a delta.
        let (old_verdict, old_points, member): (Option<String>, i32, String) = sqlx::query_as(
            "SELECT a.verdict, a.points, m.display_name FROM answers a JOIN members m ON m.id = a.member_id
             WHERE a.id = $1 FOR UPDATE OF a",
        )
        .bind(answer.id)
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query("UPDATE answers SET verdict = $2, points = $3, score = CASE $2 WHEN 'correct' THEN 1 WHEN 'partial' THEN 0.5 ELSE 0 END, flag_closed_at = CASE WHEN flagged_at IS NULL THEN NULL ELSE $4 END WHERE id = $1")
            .bind(answer.id)
            .bind(verdict)
            .bind(points)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        // The change counts on the boards of the day the answer was given.
        let change = PointChange {
            guild_id: answer.guild_id,
            member_id: answer.member_id,
            answer_id: answer.id,
            topic: &answer.topic,
            delta: points - old_points,
            day: answer.local_day,
            at: now,
        };
        add_points(&mut tx, &change).await?;
        sqlx::query(
            "INSERT INTO regrades (answer_id, by_member, old_verdict, new_verdict, old_points, new_points, note, at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(answer.id)
        .bind(by.member_id)
        .bind(&old_verdict)
        .bind(verdict)
        .bind(old_points)
        .bind(points)
        .bind(note)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(RegradeOutcome {
            old_verdict,
            old_points,
            member,
        })
    }
}
