//! The fairness boards (most improved, accuracy) and the scoring switches.
//!
//! Most improved compares two `board_totals` scopes (this period and the
//! one before), so it is two index walks; accuracy reads the running
//! counts of scored and right answers per member and board that a trigger
//! on `answers` keeps in `accuracy_totals` (migration 0012), and how many
//! members hold each pair of counts, in `accuracy_counts` (migration 0013).

use super::seasons::SHOWN_NAME;
use super::{Ctx, Store, StoreError};
use crate::domain::reply::FairRow;
use crate::domain::scoring::Rules;
use chrono::NaiveDate;

type Row = (i64, String, i64, i64, i64);

/// What grading and scoring an answer read, besides the post itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerSetting {
    /// The member's earlier answer to the post: `Some(verdict)` (a `None`
    /// verdict: saved ungraded) if there is one, else `None`.
    pub previous: Option<Option<String>>,
    /// The server's scoring switches.
    pub rules: Rules,
    /// The channel's IANA zone, if it has a daily schedule.
    pub tz: Option<String>,
}

/// The share right, exactly as `accuracy_totals_rank` indexes it: every
/// comparison of shares uses this one expression, so equal pairs tie.
const RATIO: &str = "(correct::float8 / greatest(answers, 1))";

/// [`RATIO`] of the row aliased `alias`.
fn ratio_of(alias: &str) -> String {
    RATIO
        .replace("correct", &format!("{alias}.correct"))
        .replace("answers", &format!("{alias}.answers"))
}

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

    /// Members with at least `min` scored answers on board `scope` (`all`,
    /// `w:MONDAY` or `m:FIRST`), ranked by share right. The top rows walk
    /// `accuracy_totals_rank`; as they are the head of the board, their
    /// ranks are counted among themselves. The viewer's rank is 1 + the
    /// members in the `(answers, correct)` pairs with a higher share, summed
    /// from `accuracy_counts` (kept by a trigger; migration 0013), so no
    /// reply counts the members above one by one.
    pub async fn accuracy_board(
        &self,
        guild_id: i64,
        scope: &str,
        min: i64,
        viewer: i64,
        limit: i64,
    ) -> Result<(Vec<FairRow>, Option<FairRow>), StoreError> {
        let rows: Vec<Row> = sqlx::query_as(&format!(
            "WITH top AS (
                SELECT member_id, correct, answers FROM accuracy_totals
                WHERE guild_id = $1 AND scope = $2 AND answers >= $3
                ORDER BY {RATIO} DESC, answers DESC, member_id LIMIT $4),
             mine AS (
                SELECT 1 + (SELECT coalesce(sum(c.members), 0) FROM accuracy_counts c
                            WHERE c.guild_id = $1 AND c.scope = $2 AND c.answers >= $3
                              AND {C_RATIO} > {T_RATIO})::bigint,
                       t.member_id, t.correct, t.answers
                FROM accuracy_totals t
                WHERE t.guild_id = $1 AND t.scope = $2 AND t.member_id = $5 AND t.answers >= $3
                  AND NOT EXISTS (SELECT 1 FROM top WHERE top.member_id = $5)),
             r AS (SELECT rank() OVER (ORDER BY {RATIO} DESC)::bigint AS rank, * FROM top
                   UNION ALL SELECT * FROM mine)
             SELECT r.rank, {SHOWN_NAME}, r.correct, r.answers, r.member_id
             FROM r JOIN members m ON m.id = r.member_id
             ORDER BY {R_RATIO} DESC, r.answers DESC, r.member_id",
            C_RATIO = ratio_of("c"),
            T_RATIO = ratio_of("t"),
            R_RATIO = ratio_of("r"),
        ))
        .bind(guild_id)
        .bind(scope)
        .bind(min)
        .bind(limit)
        .bind(viewer)
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

    /// What answering `post_id` needs besides the post, in one round trip:
    /// the member's earlier answer to it, the server's scoring switches and
    /// the channel's zone (the daily burst read each on its own).
    pub async fn answer_setting(
        &self,
        post_id: i64,
        ctx: Ctx,
    ) -> Result<AnswerSetting, StoreError> {
        type Row = (
            bool,
            Option<String>,
            Option<bool>,
            Option<bool>,
            Option<String>,
        );
        let (answered, verdict, on_time, streak, tz): Row = sqlx::query_as(
            "SELECT a.id IS NOT NULL, a.verdict, s.on_time_bonus, s.streak_bonus, d.tz
             FROM (SELECT 1) one
             LEFT JOIN answers a ON a.post_id = $1 AND a.member_id = $2
             LEFT JOIN scoring_settings s ON s.guild_id = $3
             LEFT JOIN daily_settings d ON d.channel_id = $4",
        )
        .bind(post_id)
        .bind(ctx.member_id)
        .bind(ctx.guild_id)
        .bind(ctx.channel_id)
        .fetch_one(&self.pool)
        .await?;
        let default = Rules::default();
        Ok(AnswerSetting {
            previous: answered.then_some(verdict),
            rules: Rules {
                on_time_bonus: on_time.unwrap_or(default.on_time_bonus),
                streak_bonus: streak.unwrap_or(default.streak_bonus),
            },
            tz,
        })
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
