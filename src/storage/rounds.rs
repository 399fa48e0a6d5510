//! Live rounds: starting one, the scheduler's steps, and the standings.
//!
//! A step is claimed by compare-and-set on `rounds.step`: the `UPDATE ...
//! WHERE step = $expected AND ended_at IS NULL` takes the round's row lock,
//! so of two schedulers (replicas, or a restart racing a tick) exactly one
//! moves the round on; the other updates nothing and does nothing. In the
//! same transaction the step inserts what it posts (the question's post,
//! its `round_questions` row, the `competition_posts` claim), each under a
//! unique key, so no step can post or score twice.

use super::seasons::PUBLIC_NAME;
use super::{Store, StoreError};
use crate::domain::platform::{names, Platform};
use crate::domain::reply::Standing;
use crate::domain::rounds::RoundEnd;
use chrono::{DateTime, Utc};

/// A round and where it is played.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct RoundRow {
    pub id: i64,
    pub channel_id: i64,
    pub guild_id: i64,
    pub topic: Option<String>,
    pub questions: i32,
    pub seconds: i32,
    pub seed: i64,
    pub step: i32,
    pub next_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
    pub end_reason: Option<String>,
}

/// What one step of a round does, decided by the engine.
#[derive(Debug, Clone, PartialEq)]
pub enum Step<'a> {
    /// Posts question `n` (its bank id, topic and option seed) until `deadline`.
    Open {
        n: i32,
        question_id: &'a str,
        topic: &'a str,
        option_seed: i64,
        deadline: DateTime<Utc>,
    },
    /// Closes the open question `n` (its answer and standings are posted);
    /// the next question is due at `next`, or the round ends when `None`.
    Close { n: i32, next: Option<DateTime<Utc>> },
    /// Ends the round (closing an open question first), with its podium.
    End { reason: RoundEnd, open: Option<i32> },
}

const ROUND_COLUMNS: &str = "r.id, r.channel_id, c.guild_id, r.topic, r.questions, r.seconds,
     r.seed, r.step, r.next_at, r.ended_at, r.end_reason";

impl Store {
    /// Starts a round in a channel; `None` when one is already running there.
    pub async fn start_round(
        &self,
        (channel_id, member_id): (i64, i64),
        (topic, questions, seconds): (Option<&str>, i32, i32),
        seed: i64,
        now: DateTime<Utc>,
    ) -> Result<Option<i64>, StoreError> {
        Ok(sqlx::query_scalar(
            "INSERT INTO rounds (channel_id, topic, questions, seconds, seed, started_by, started_at, next_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $7)
             ON CONFLICT (channel_id) WHERE ended_at IS NULL DO NOTHING RETURNING id",
        )
        .bind(channel_id)
        .bind(topic)
        .bind(questions)
        .bind(seconds)
        .bind(seed)
        .bind(member_id)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// The channel's running round, or else its latest one.
    pub async fn latest_round(&self, channel_id: i64) -> Result<Option<RoundRow>, StoreError> {
        Ok(sqlx::query_as(&format!(
            "SELECT {ROUND_COLUMNS} FROM rounds r JOIN channels c ON c.id = r.channel_id
             WHERE r.channel_id = $1 ORDER BY r.ended_at IS NULL DESC, r.id DESC LIMIT 1"
        ))
        .bind(channel_id)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// A round by id.
    pub async fn round(&self, id: i64) -> Result<Option<RoundRow>, StoreError> {
        Ok(sqlx::query_as(&format!(
            "SELECT {ROUND_COLUMNS} FROM rounds r JOIN channels c ON c.id = r.channel_id WHERE r.id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Running rounds on `platforms` whose next step is due by `now`. Only a
    /// read: each step is then claimed by [`Store::round_step`].
    pub async fn due_rounds(
        &self,
        now: DateTime<Utc>,
        platforms: &[Platform],
    ) -> Result<Vec<RoundRow>, StoreError> {
        Ok(sqlx::query_as(&format!(
            "SELECT {ROUND_COLUMNS} FROM rounds r JOIN channels c ON c.id = r.channel_id
             JOIN guilds g ON g.id = c.guild_id
             WHERE r.ended_at IS NULL AND r.next_at <= $1 AND g.platform = ANY($2)
             ORDER BY r.next_at LIMIT 100"
        ))
        .bind(now)
        .bind(names(platforms))
        .fetch_all(&self.pool)
        .await?)
    }

    /// Does `step` of round `id` if the round is still at step `at` (see the
    /// module): returns the ids of the competition posts it claimed, in
    /// posting order, or `None` when another scheduler got there first.
    pub async fn round_step(
        &self,
        (id, channel_id, at): (i64, i64, i32),
        step: &Step<'_>,
        now: DateTime<Utc>,
    ) -> Result<Option<Vec<i64>>, StoreError> {
        let mut tx = self.pool.begin().await?;
        let (next_step, next_at, end) = match *step {
            Step::Open { deadline, .. } => (at + 1, deadline, None),
            Step::Close { next: Some(t), .. } => (at + 1, t, None),
            Step::Close { next: None, .. } => (at + 1, now, Some(RoundEnd::Finished)),
            Step::End { reason, .. } => (at, now, Some(reason)),
        };
        let moved = sqlx::query(
            "UPDATE rounds SET step = $3, next_at = $4, ended_at = $5, end_reason = $6
             WHERE id = $1 AND step = $2 AND ended_at IS NULL",
        )
        .bind(id)
        .bind(at)
        .bind(next_step)
        .bind(next_at)
        .bind(end.map(|_| now))
        .bind(end.map(RoundEnd::as_str))
        .execute(&mut *tx)
        .await?;
        if moved.rows_affected() == 0 {
            return Ok(None);
        }
        let mut keys = Vec::new();
        match *step {
            Step::Open {
                n,
                question_id,
                topic,
                option_seed,
                deadline,
            } => {
                let post: i64 = sqlx::query_scalar(
                    "INSERT INTO posts (channel_id, question_id, topic, kind, posted_at, reveal_at, option_seed)
                     VALUES ($1, $2, $3, 'round', $4, $5, $6) RETURNING id",
                )
                .bind(channel_id)
                .bind(question_id)
                .bind(topic)
                .bind(now)
                .bind(deadline)
                .bind(option_seed)
                .fetch_one(&mut *tx)
                .await?;
                sqlx::query(
                    "INSERT INTO round_questions (round_id, n, post_id) VALUES ($1, $2, $3)",
                )
                .bind(id)
                .bind(n)
                .bind(post)
                .execute(&mut *tx)
                .await?;
                keys.push(format!("{id}:q{n}"));
            }
            Step::Close { n, .. } | Step::End { open: Some(n), .. } => {
                sqlx::query(
                    "UPDATE posts SET revealed_at = $3 WHERE id =
                       (SELECT post_id FROM round_questions WHERE round_id = $1 AND n = $2)",
                )
                .bind(id)
                .bind(n)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                // The last answer and the podium are one post, so no
                // parallel delivery can show the podium first.
                keys.push(match end {
                    Some(_) => format!("{id}:end:a{n}"),
                    None => format!("{id}:a{n}"),
                });
            }
            Step::End { open: None, .. } => keys.push(format!("{id}:end")),
        }
        let mut claimed = Vec::new();
        for key in keys {
            claimed.push(
                sqlx::query_scalar(
                    "INSERT INTO competition_posts (channel_id, kind, period_key, claimed_at, delivery_attempted_at)
                     VALUES ($1, 'round', $2, $3, $3) RETURNING id",
                )
                .bind(channel_id)
                .bind(key)
                .bind(now)
                .fetch_one(&mut *tx)
                .await?,
            );
        }
        tx.commit().await?;
        Ok(Some(claimed))
    }

    /// The post of question `n` of a round, with its open and close times.
    pub async fn round_question(
        &self,
        round_id: i64,
        n: i32,
    ) -> Result<Option<super::PostRow>, StoreError> {
        Ok(sqlx::query_as(&format!(
            "SELECT {} FROM posts p JOIN round_questions rq ON rq.post_id = p.id
             WHERE rq.round_id = $1 AND rq.n = $2",
            super::posts::POST_COLUMNS_P
        ))
        .bind(round_id)
        .bind(n)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// The round a post belongs to, and the question's number in it.
    pub async fn round_of_post(&self, post_id: i64) -> Result<Option<(i64, i32)>, StoreError> {
        Ok(
            sqlx::query_as("SELECT round_id, n FROM round_questions WHERE post_id = $1")
                .bind(post_id)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    /// The round's board: points from its answers, best first (ties share
    /// a rank; hidden members are "anonymous"), at most `limit` rows, and
    /// how many members answered at all.
    pub async fn round_standings(
        &self,
        round_id: i64,
        limit: i64,
    ) -> Result<(Vec<Standing>, i64), StoreError> {
        let rows: Vec<(i64, String, i64)> = sqlx::query_as(&format!(
            "WITH t AS (
                SELECT a.member_id, sum(a.points)::bigint AS points, min(a.answered_at) AS first
                FROM answers a JOIN round_questions rq ON rq.post_id = a.post_id
                WHERE rq.round_id = $1 GROUP BY a.member_id)
             SELECT rank() OVER (ORDER BY t.points DESC), {PUBLIC_NAME}, t.points
             FROM t JOIN members m ON m.id = t.member_id
             ORDER BY t.points DESC, t.first, t.member_id"
        ))
        .bind(round_id)
        .fetch_all(&self.pool)
        .await?;
        let players = rows.len() as i64;
        let rows = rows
            .into_iter()
            .filter(|r| r.2 > 0)
            .take(usize::try_from(limit).unwrap_or(10))
            .map(|(rank, name, points)| Standing::new(rank, name, points))
            .collect();
        Ok((rows, players))
    }
}
