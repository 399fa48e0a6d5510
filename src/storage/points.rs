//! The write half of an answer: its ledger row, the boards it moves and the
//! streak it extends, in one statement.
//!
//! The daily burst (issue 15) showed that an answer's cost is mostly round
//! trips: each statement is a wait on the server, and the connection is
//! held, in a transaction, for all of them. So a new answer, its ledger
//! row, every board it moves (week, month, all time, their topic boards and
//! any running season) and its streak are one statement of data-modifying
//! CTEs: atomic on its own, so no transaction is opened, and one commit.
//! Which boards count a point is still `domain::boards::scopes_for`; the
//! streak's upsert is `Streak::answered` written in SQL, and
//! `tests/streak_sql.rs` checks the two agree on every case.

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

/// The streak move of `Streak::answered(date, previous_post)` as an
/// upsert of the `src` row set: the same day keeps the run, the day after
/// the channel's previous daily post extends it, anything else restarts
/// it at 1. `$DATE` is the post's local date (NULL: not a streak answer).
fn streak_cte(date_param: usize) -> String {
    let next = String::from(
        "CASE WHEN streaks.last_date = EXCLUDED.last_date THEN streaks.current
              WHEN streaks.last_date = (SELECT max(p.local_date) FROM posts p
                   WHERE p.channel_id = EXCLUDED.channel_id AND p.kind = 'daily'
                     AND p.local_date < EXCLUDED.last_date) THEN streaks.current + 1
              ELSE 1 END",
    );
    format!(
        "streak AS (
            INSERT INTO streaks (channel_id, member_id, current, best, last_date)
            SELECT channel_id, member_id, 1, 1, ${date_param}::date FROM src
            WHERE ${date_param}::date IS NOT NULL
            ON CONFLICT (channel_id, member_id) DO UPDATE
            SET current = {next}, best = greatest(streaks.best, {next}),
                last_date = EXCLUDED.last_date
            RETURNING current, best, last_date)"
    )
}

/// Inserts a new answer with its ledger row, board moves and (for a daily
/// answer on time) streak, in one statement. `None` if the member already
/// answered the post (the unique key on `(post_id, member_id)`), in which
/// case nothing is written.
pub(super) async fn insert_answer(
    pool: &sqlx::PgPool,
    ctx: Ctx,
    a: &super::NewAnswer<'_>,
) -> Result<Option<(i64, Option<Streak>)>, StoreError> {
    let sql = format!(
        "WITH new AS (
            INSERT INTO answers (post_id, member_id, body, verdict, score, feedback, points, counting, answered_at, local_day)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
            ON CONFLICT (post_id, member_id) DO NOTHING
            RETURNING id, answered_at),
         src AS (
            SELECT new.id AS answer_id, $11::bigint AS guild_id, $2::bigint AS member_id,
                   $14::bigint AS channel_id, $12::text AS topic, $7::int AS delta,
                   $10::date AS local_day, $9::timestamptz AS at, new.answered_at
            FROM new),
         {},
         {}
         SELECT new.id, streak.current, streak.best, streak.last_date
         FROM new LEFT JOIN streak ON true",
        points_ctes(13),
        streak_cte(15),
    );
    type Row = (i64, Option<i32>, Option<i32>, Option<NaiveDate>);
    let row: Option<Row> = sqlx::query_as(&sql)
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
        .bind(ctx.channel_id)
        .bind(a.streak)
        .fetch_optional(pool)
        .await?;
    Ok(row.map(|(id, current, best, last)| {
        let streak = match (current, best) {
            (Some(current), Some(best)) => Some(Streak {
                current,
                best,
                last,
            }),
            _ => None,
        };
        (id, streak)
    }))
}
