//! The fairness boards (most improved, accuracy) and the scoring switches.
//!
//! Most improved compares two `board_totals` scopes (this period and the
//! one before), so it is two index walks; accuracy counts scored answers in
//! a range of the channels' local days.

use super::seasons::SHOWN_NAME;
use super::{Store, StoreError};
use crate::domain::reply::FairRow;
use crate::domain::scoring::Rules;
use chrono::NaiveDate;

type Row = (i64, String, i64, i64, i64);

fn split(rows: Vec<Row>, viewer: i64, limit: i64) -> (Vec<FairRow>, Option<FairRow>) {
    let row = |(rank, name, value, of, _): Row| FairRow {
        rank,
        name,
        value,
        of,
    };
    let me = rows.iter().find(|r| r.4 == viewer).cloned().map(row);
    let top = rows
        .into_iter()
        .take(usize::try_from(limit).unwrap_or(0))
        .map(row)
        .collect();
    (top, me)
}

impl Store {
    /// Members ranked by points gained on board `now` over board `before`.
    pub async fn improved_board(
        &self,
        guild_id: i64,
        (now, before): (&str, &str),
        viewer: i64,
        limit: i64,
    ) -> Result<(Vec<FairRow>, Option<FairRow>), StoreError> {
        let rows: Vec<Row> = sqlx::query_as(&format!(
            "WITH cur AS (SELECT member_id, points FROM board_totals WHERE guild_id = $1 AND scope = $2),
             prev AS (SELECT member_id, points FROM board_totals WHERE guild_id = $1 AND scope = $3),
             g AS (SELECT cur.member_id, cur.points - coalesce(prev.points, 0) AS gain, cur.points AS now
                   FROM cur LEFT JOIN prev USING (member_id) WHERE cur.points - coalesce(prev.points, 0) > 0),
             r AS (SELECT g.*, rank() OVER (ORDER BY gain DESC)::bigint AS rank,
                          row_number() OVER (ORDER BY gain DESC, member_id) AS n FROM g)
             SELECT r.rank, {SHOWN_NAME}, r.gain, r.now, r.member_id
             FROM r JOIN members m ON m.id = r.member_id WHERE r.n <= $4 OR r.member_id = $5 ORDER BY r.n"
        ))
        .bind(guild_id)
        .bind(now)
        .bind(before)
        .bind(limit)
        .bind(viewer)
        .fetch_all(&self.pool)
        .await?;
        Ok(split(rows, viewer, limit))
    }

    /// Members with at least `min` scored answers on local days in
    /// `[from, to)` (open ends: all time), ranked by share right.
    pub async fn accuracy_board(
        &self,
        guild_id: i64,
        (from, to): (Option<NaiveDate>, Option<NaiveDate>),
        min: i64,
        viewer: i64,
        limit: i64,
    ) -> Result<(Vec<FairRow>, Option<FairRow>), StoreError> {
        let rows: Vec<Row> = sqlx::query_as(&format!(
            "WITH a AS (
                SELECT a.member_id, count(*) FILTER (WHERE a.verdict = 'correct') AS correct, count(*) AS answers
                FROM answers a JOIN posts p ON p.id = a.post_id JOIN channels c ON c.id = p.channel_id
                WHERE c.guild_id = $1 AND ($2::date IS NULL OR a.local_day >= $2)
                  AND ($3::date IS NULL OR a.local_day < $3)
                  AND a.verdict IS NOT NULL AND a.counting <> 'practice'
                GROUP BY a.member_id HAVING count(*) >= $4),
             r AS (SELECT a.*, rank() OVER (ORDER BY correct::float8 / answers DESC)::bigint AS rank,
                          row_number() OVER (ORDER BY correct::float8 / answers DESC, answers DESC, member_id) AS n
                   FROM a)
             SELECT r.rank, {SHOWN_NAME}, r.correct, r.answers, r.member_id
             FROM r JOIN members m ON m.id = r.member_id WHERE r.n <= $6 OR r.member_id = $5 ORDER BY r.n"
        ))
        .bind(guild_id)
        .bind(from)
        .bind(to)
        .bind(min)
        .bind(viewer)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        Ok(split(rows, viewer, limit))
    }

    /// A server's scoring switches (the defaults when never set).
    pub async fn scoring_rules(&self, guild_id: i64) -> Result<Rules, StoreError> {
        let row: Option<(bool, bool)> = sqlx::query_as(
            "SELECT on_time_bonus, streak_bonus FROM scoring_settings WHERE guild_id = $1",
        )
        .bind(guild_id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row
            .map(|(on_time_bonus, streak_bonus)| Rules {
                on_time_bonus,
                streak_bonus,
            })
            .unwrap_or_default())
    }

    /// Saves a server's scoring switches.
    pub async fn set_scoring_rules(&self, guild_id: i64, r: Rules) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO scoring_settings (guild_id, on_time_bonus, streak_bonus, updated_at)
             VALUES ($1, $2, $3, now())
             ON CONFLICT (guild_id) DO UPDATE SET on_time_bonus = EXCLUDED.on_time_bonus,
               streak_bonus = EXCLUDED.streak_bonus, updated_at = now()",
        )
        .bind(guild_id)
        .bind(r.on_time_bonus)
        .bind(r.streak_bonus)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}

impl Store {
    /// How many of a channel's daily questions in a row, ending with the
    /// newest one posted before local `date`, `member_id` answered on time:
    /// the streak an on-time answer to the question of `date` extends.
    pub async fn daily_run_before(
        &self,
        channel_id: i64,
        member_id: i64,
        date: NaiveDate,
    ) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar(
            "WITH p AS (SELECT id, row_number() OVER (ORDER BY local_date) AS n FROM posts
                        WHERE channel_id = $1 AND kind = 'daily' AND local_date < $3)
             SELECT coalesce((SELECT max(n) FROM p), 0) - coalesce((SELECT max(p.n) FROM p
                    WHERE NOT EXISTS (SELECT 1 FROM answers a WHERE a.post_id = p.id
                                      AND a.member_id = $2 AND a.counting = 'daily')), 0)",
        )
        .bind(channel_id)
        .bind(member_id)
        .bind(date)
        .fetch_one(&self.pool)
        .await?)
    }
}
