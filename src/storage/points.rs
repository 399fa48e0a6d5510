//! The write half of an answer: its ledger row, the boards it moves and the
//! streak it extends, in as few round trips as the rules allow.
//!
//! The daily burst (issue 15) showed that an answer's cost is mostly round
//! trips: each statement is a wait on the server, and the connection is
//! held, in a transaction, for all of them. So the ledger row and every
//! board it moves (week, month, all time, their topic boards and any
//! running season) are one statement of data-modifying CTEs, and a new
//! answer's own insert joins that statement too. The rules are unchanged:
//! which boards count a point is still `domain::boards::scopes_for`, and a
//! streak is still moved by `Streak::answered`, in Rust.

use super::{Ctx, StoreError};
use crate::domain::scoring::Streak;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{Postgres, Transaction};

/// A change in a member's points.
pub(super) struct PointChange<'a> {
    pub guild_id: i64,
    pub member_id: i64,
    pub answer_id: i64,
    pub topic: &'a str,
    pub delta: i32,
    /// The local day of the answer: which week and month boards count it.
    pub day: NaiveDate,
    /// When the change happened (a re-grade's own time).
    pub at: DateTime<Utc>,
}

/// The ledger row and the board rows of the `src` row set (`answer_id`,
/// `guild_id`, `member_id`, `topic`, `delta`, `local_day`, `at`,
/// `answered_at`), as CTEs to follow it. `$SCOPES` is the parameter holding
/// `scopes_for(day, topic)`. Nothing is written for a zero delta.
fn points_ctes(scopes_param: usize) -> String {
    format!(
        "ledger AS (
            INSERT INTO point_events (guild_id, member_id, answer_id, topic, delta, local_day, at)
            SELECT guild_id, member_id, answer_id, topic, delta, local_day, at FROM src WHERE delta <> 0),
         boards AS (
            INSERT INTO board_totals (guild_id, scope, member_id, points)
            SELECT * FROM (
                SELECT src.guild_id, scope, src.member_id, src.delta::bigint
                FROM src, unnest(${scopes_param}::text[]) AS scope
                UNION ALL {seasons}) moved
            WHERE (SELECT delta FROM src) <> 0
            ON CONFLICT (guild_id, scope, member_id)
            DO UPDATE SET points = board_totals.points + EXCLUDED.points)",
        seasons = super::seasons::SEASON_BOARD_ROWS,
    )
}

/// Adds a ledger row for an existing answer (a re-grade's difference) and
/// moves every board it counts on, in `tx`, in one statement. The season
/// boards follow the answer's own time, so a re-grade of an answer from
/// before a season leaves the season alone.
pub(super) async fn add_points(
    tx: &mut Transaction<'_, Postgres>,
    c: &PointChange<'_>,
) -> Result<(), StoreError> {
    if c.delta == 0 {
        return Ok(());
    }
    let sql = format!(
        "WITH src AS (
            SELECT a.id AS answer_id, $1::bigint AS guild_id, $2::bigint AS member_id,
                   $4::text AS topic, $5::int AS delta, $6::date AS local_day,
                   $7::timestamptz AS at, a.answered_at
            FROM answers a WHERE a.id = $3),
         {}
         SELECT 1",
        points_ctes(8)
    );
    sqlx::query(&sql)
        .bind(c.guild_id)
        .bind(c.member_id)
        .bind(c.answer_id)
        .bind(c.topic)
        .bind(c.delta)
        .bind(c.day)
        .bind(c.at)
        .bind(crate::domain::boards::scopes_for(c.day, c.topic))
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Inserts a new answer and, in the same statement, its ledger row and
/// board moves. `None` if the member already answered the post (the
/// unique key on `(post_id, member_id)`), in which case nothing is written.
pub(super) async fn insert_answer(
    tx: &mut Transaction<'_, Postgres>,
    ctx: Ctx,
    a: &super::NewAnswer<'_>,
) -> Result<Option<i64>, StoreError> {
    let sql = format!(
        "WITH new AS (
            INSERT INTO answers (post_id, member_id, body, verdict, score, feedback, points, counting, answered_at, local_day)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
            ON CONFLICT (post_id, member_id) DO NOTHING
            RETURNING id, answered_at),
         src AS (
            SELECT new.id AS answer_id, $11::bigint AS guild_id, $2::bigint AS member_id,
                   $12::text AS topic, $7::int AS delta, $10::date AS local_day,
                   $9::timestamptz AS at, new.answered_at
            FROM new),
         {}
         SELECT id FROM new",
        points_ctes(13)
    );
    Ok(sqlx::query_scalar(&sql)
        .bind(a.post_id)
        .bind(ctx.member_id)
        .bind(a.body)
        .bind(a.verdict)
        .bind(a.score)
        .bind(&a.feedback)
        .bind(a.points)
        .bind(a.counting)
        .bind(a.at)
        .bind(a.day)
        .bind(ctx.guild_id)
        .bind(a.topic)
        .bind(crate::domain::boards::scopes_for(a.day, a.topic))
        .fetch_optional(&mut **tx)
        .await?)
}

/// Moves a member's streak forward for an answered daily question: one read
/// (the streak, locked, with the channel's previous daily post) and one
/// write. The previous post matters only to an existing streak, so it is
/// read alongside the streak row.
pub(super) async fn bump_streak(
    tx: &mut Transaction<'_, Postgres>,
    ctx: Ctx,
    date: NaiveDate,
) -> Result<Streak, StoreError> {
    let row: Option<(i32, i32, NaiveDate, Option<NaiveDate>)> = sqlx::query_as(
        "SELECT s.current, s.best, s.last_date,
                (SELECT max(local_date) FROM posts
                 WHERE channel_id = $1 AND kind = 'daily' AND local_date < $3)
         FROM streaks s WHERE s.channel_id = $1 AND s.member_id = $2 FOR UPDATE",
    )
    .bind(ctx.channel_id)
    .bind(ctx.member_id)
    .bind(date)
    .fetch_optional(&mut **tx)
    .await?;
    let (before, previous_post) = match row {
        Some((current, best, last, previous)) => (
            Streak {
                current,
                best,
                last: Some(last),
            },
            previous,
        ),
        None => (Streak::default(), None),
    };
    let after = before.answered(date, previous_post);
    sqlx::query(
        "INSERT INTO streaks (channel_id, member_id, current, best, last_date) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (channel_id, member_id) DO UPDATE
         SET current = EXCLUDED.current, best = EXCLUDED.best, last_date = EXCLUDED.last_date",
    )
    .bind(ctx.channel_id)
    .bind(ctx.member_id)
    .bind(after.current)
    .bind(after.best)
    .bind(after.last)
    .execute(&mut **tx)
    .await?;
    Ok(after)
}
