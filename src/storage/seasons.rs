//! Seasons and their boards.
//!
//! A season never resets anything. Its board is a `board_totals` scope
//! (`s:<season id>`) that the ledger's own transaction moves for every
//! point whose answer was given inside the season's window (and, if the
//! season has topics, in one of them), so it equals the window sum of the
//! ledger and reads as an index walk like every other board; the lifetime
//! boards stay as they are (a soft reset). Closing a season is an
//! `UPDATE ... WHERE ended_at IS NULL` that also claims its results post and
//! records its champions in one transaction, so two schedulers, or one
//! restarted at the boundary, close it once.

use super::{Store, StoreError};
use crate::domain::platform::{names, Platform};
use crate::domain::reply::Award;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{Postgres, Transaction};

/// A row of `seasons`.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct SeasonRow {
    pub id: i64,
    pub guild_id: i64,
    pub channel_id: i64,
    pub name: String,
    pub topics: Vec<String>,
    pub started_at: DateTime<Utc>,
    pub ends_on: NaiveDate,
    pub tz: String,
    pub ends_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
    /// Played by teams (their frozen rosters in `season_members`).
    pub teams: bool,
}

impl SeasonRow {
    /// The window whose answers count: from the start to the close (or the
    /// planned end while it runs).
    pub fn window(&self) -> (DateTime<Utc>, DateTime<Utc>) {
        (self.started_at, self.ended_at.unwrap_or(self.ends_at))
    }
}

/// A new season, as `/season start` makes it.
#[derive(Debug, Clone)]
pub struct NewSeason<'a> {
    pub guild_id: i64,
    pub channel_id: i64,
    pub name: &'a str,
    pub topics: Vec<String>,
    pub started_at: DateTime<Utc>,
    pub ends_on: NaiveDate,
    pub tz: &'a str,
    pub ends_at: DateTime<Utc>,
    pub by: i64,
    /// Played by teams: the server's teams are frozen for it now.
    pub teams: bool,
}

/// Which points a season board sums.
#[derive(Debug, Clone, Copy)]
pub struct Window<'a> {
    pub guild_id: i64,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    /// Empty: every topic.
    pub topics: &'a [String],
}

const SEASON_COLUMNS: &str =
    "id, guild_id, channel_id, name, topics, started_at, ends_on, tz, ends_at, ended_at, teams";

/// Points per member in a window: `$1` guild, `$2`..`$3` the window, `$4` topics.
const POINTS: &str = "SELECT pe.member_id, sum(pe.delta)::bigint AS points
     FROM point_events pe JOIN answers a ON a.id = pe.answer_id
     WHERE pe.guild_id = $1 AND pe.at >= $2 AND a.answered_at >= $2 AND a.answered_at < $3
       AND (cardinality($4::text[]) = 0 OR pe.topic = ANY($4))
     GROUP BY pe.member_id HAVING sum(pe.delta) > 0";

/// A member's name on a public post: hidden members are "anonymous".
pub(super) const PUBLIC_NAME: &str = "CASE WHEN m.hidden THEN 'anonymous' ELSE m.display_name END";

/// A member's name as `$5` (the viewer; 0 for a public post) may see it.
pub(super) const SHOWN_NAME: &str =
    "CASE WHEN m.hidden AND m.id <> $5 THEN 'anonymous' ELSE m.display_name END";

impl Store {
    /// Starts a season; `None` if one is already running in this server.
    /// A team season freezes the server's teams and their members in the
    /// same transaction.
    pub async fn start_season(&self, s: &NewSeason<'_>) -> Result<Option<i64>, StoreError> {
        let mut tx = self.pool.begin().await?;
        if s.teams {
            super::teams::lock_teams(&mut tx, s.guild_id, &[]).await?;
        }
        let done = sqlx::query_scalar(
            "INSERT INTO seasons (guild_id, channel_id, name, topics, started_at, ends_on, tz, ends_at, started_by, teams)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
        )
        .bind(s.guild_id)
        .bind(s.channel_id)
        .bind(s.name)
        .bind(&s.topics)
        .bind(s.started_at)
        .bind(s.ends_on)
        .bind(s.tz)
        .bind(s.ends_at)
        .bind(s.by)
        .bind(s.teams)
        .fetch_one(&mut *tx)
        .await;
        let id = match done {
            Ok(id) => id,
            Err(sqlx::Error::Database(e)) if e.code().as_deref() == Some("23505") => {
                return Ok(None)
            }
            Err(e) => return Err(e.into()),
        };
        if s.teams {
            super::team_seasons::join_rosters(&mut tx, s.guild_id, None, s.started_at).await?;
        }
        tx.commit().await?;
        Ok(Some(id))
    }

    /// The season running in a server, if any.
    pub async fn running_season(&self, guild_id: i64) -> Result<Option<SeasonRow>, StoreError> {
        Ok(sqlx::query_as(&format!(
            "SELECT {SEASON_COLUMNS} FROM seasons WHERE guild_id = $1 AND ended_at IS NULL"
        ))
        .bind(guild_id)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// One season of a server.
    pub async fn season(&self, guild_id: i64, id: i64) -> Result<Option<SeasonRow>, StoreError> {
        Ok(sqlx::query_as(&format!(
            "SELECT {SEASON_COLUMNS} FROM seasons WHERE guild_id = $1 AND id = $2"
        ))
        .bind(guild_id)
        .bind(id)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Every season of a server, newest first.
    pub async fn seasons(&self, guild_id: i64) -> Result<Vec<SeasonRow>, StoreError> {
        Ok(sqlx::query_as(&format!(
            "SELECT {SEASON_COLUMNS} FROM seasons WHERE guild_id = $1 ORDER BY started_at DESC, id DESC LIMIT 50"
        ))
        .bind(guild_id)
        .fetch_all(&self.pool)
        .await?)
    }

    /// The season that ended last before `before` started, if any.
    pub async fn previous_season(&self, s: &SeasonRow) -> Result<Option<SeasonRow>, StoreError> {
        Ok(sqlx::query_as(&format!(
            "SELECT {SEASON_COLUMNS} FROM seasons
             WHERE guild_id = $1 AND id <> $2 AND ended_at IS NOT NULL AND ended_at <= $3
             ORDER BY ended_at DESC LIMIT 1"
        ))
        .bind(s.guild_id)
        .bind(s.id)
        .bind(s.started_at)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Who gained the most points in `now` over `before` (public names).
    pub async fn most_improved(
        &self,
        now: Window<'_>,
        before: (DateTime<Utc>, DateTime<Utc>),
    ) -> Result<Option<Award>, StoreError> {
        let row: Option<(String, i64)> = sqlx::query_as(&format!(
            "WITH cur AS ({POINTS}),
             prev AS ({})
             SELECT {SHOWN_NAME}, cur.points - coalesce(prev.points, 0) AS gain
             FROM cur LEFT JOIN prev USING (member_id) JOIN members m ON m.id = cur.member_id
             WHERE cur.points - coalesce(prev.points, 0) > 0
             ORDER BY gain DESC, cur.member_id LIMIT 1",
            POINTS.replace("$2", "$6").replace("$3", "$7")
        ))
        .bind(now.guild_id)
        .bind(now.from)
        .bind(now.to)
        .bind(now.topics)
        .bind(0_i64)
        .bind(before.0)
        .bind(before.1)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|(name, value)| Award {
            name,
            value,
            out_of: None,
        }))
    }

    /// The longest run of consecutive daily questions of `channel_id`
    /// posted in the window and answered on time (public names).
    pub async fn longest_streak_in(
        &self,
        channel_id: i64,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Option<Award>, StoreError> {
        let row: Option<(String, i64)> = sqlx::query_as(&format!(
            "WITH p AS (SELECT id, row_number() OVER (ORDER BY local_date) AS n FROM posts
                        WHERE channel_id = $1 AND kind = 'daily' AND posted_at >= $2 AND posted_at < $3),
             a AS (SELECT a.member_id, p.n - row_number() OVER (PARTITION BY a.member_id ORDER BY p.n) AS run
                   FROM answers a JOIN p ON p.id = a.post_id WHERE a.counting = 'daily'),
             runs AS (SELECT member_id, count(*) AS len FROM a GROUP BY member_id, run)
             SELECT {PUBLIC_NAME}, runs.len
             FROM runs JOIN members m ON m.id = runs.member_id
             ORDER BY runs.len DESC, runs.member_id LIMIT 1"
        ))
        .bind(channel_id)
        .bind(from)
        .bind(to)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|(name, value)| Award {
            name,
            value,
            out_of: None,
        }))
    }

    /// The member with the highest share of correct scored answers in the
    /// window, among those with at least `min` (public names).
    pub async fn most_accurate(
        &self,
        w: Window<'_>,
        min: i64,
    ) -> Result<Option<Award>, StoreError> {
        let row: Option<(String, i64, i64)> = sqlx::query_as(&format!(
            "SELECT {PUBLIC_NAME},
                    count(*) FILTER (WHERE a.verdict = 'correct') AS correct, count(*) AS answers
             FROM answers a JOIN posts p ON p.id = a.post_id JOIN channels c ON c.id = p.channel_id
             JOIN members m ON m.id = a.member_id
             WHERE c.guild_id = $1 AND a.answered_at >= $2 AND a.answered_at < $3
               AND a.verdict IS NOT NULL AND a.counting <> 'practice'
               AND (cardinality($4::text[]) = 0 OR p.topic = ANY($4))
             GROUP BY m.id HAVING count(*) >= $5
             ORDER BY count(*) FILTER (WHERE a.verdict = 'correct')::float8 / count(*) DESC,
                      count(*) DESC, m.id LIMIT 1"
        ))
        .bind(w.guild_id)
        .bind(w.from)
        .bind(w.to)
        .bind(w.topics)
        .bind(min)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|(name, value, out_of)| Award {
            name,
            value,
            out_of: Some(out_of),
        }))
    }

    /// Closes every season of `platforms` due by `now` (or, with `only`,
    /// that running season of that server now): sets `ended_at`, claims the
    /// results post in the home channel and records the champions, in one
    /// transaction. Returns the claimed post ids with their seasons.
    pub async fn close_seasons(
        &self,
        now: DateTime<Utc>,
        only: Option<i64>,
        platforms: &[Platform],
    ) -> Result<Vec<(i64, SeasonRow)>, StoreError> {
        let mut tx = self.pool.begin().await?;
        let closed: Vec<SeasonRow> = sqlx::query_as(&format!(
            "UPDATE seasons SET ended_at = CASE WHEN $2::bigint IS NULL THEN ends_at ELSE least($1, ends_at) END
             WHERE ended_at IS NULL
               AND (($2::bigint IS NULL AND ends_at <= $1) OR guild_id = $2)
               AND guild_id IN (SELECT id FROM guilds WHERE platform = ANY($3))
             RETURNING {SEASON_COLUMNS}"
        ))
        .bind(now)
        .bind(only)
        .bind(names(platforms))
        .fetch_all(&mut *tx)
        .await?;
        let mut out = Vec::new();
        for s in closed {
            let (_, to) = s.window();
            if s.teams {
                super::team_seasons::record_team_wins(&mut tx, &s, to).await?;
            } else {
                record_member_wins(&mut tx, &s, to).await?;
            }
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO competition_posts (channel_id, kind, period_key, claimed_at, delivery_attempted_at)
                 VALUES ($1, 'season', $2, $3, $3) RETURNING id",
            )
            .bind(s.channel_id)
            .bind(s.id.to_string())
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            out.push((id, s));
        }
        tx.commit().await?;
        Ok(out)
    }

    /// The champions of a season (public names), from the recorded wins.
    pub async fn season_champions(&self, season: &SeasonRow) -> Result<Vec<String>, StoreError> {
        Ok(sqlx::query_scalar(&format!(
            "SELECT {PUBLIC_NAME}
             FROM competition_wins w JOIN members m ON m.id = w.member_id
             WHERE w.guild_id = $1 AND w.kind = 'season' AND w.period_key = $2 ORDER BY m.id"
        ))
        .bind(season.guild_id)
        .bind(season.id.to_string())
        .fetch_all(&self.pool)
        .await?)
    }
}

/// Records the champions of a season played alone: everyone at the top.
async fn record_member_wins(
    tx: &mut Transaction<'_, Postgres>,
    s: &SeasonRow,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO competition_wins (guild_id, member_id, kind, period_key, won_at)
         SELECT guild_id, member_id, 'season', $3, $4 FROM board_totals
         WHERE guild_id = $1 AND scope = $2 AND points > 0 AND points =
           (SELECT max(points) FROM board_totals WHERE guild_id = $1 AND scope = $2)
         ON CONFLICT DO NOTHING",
    )
    .bind(s.guild_id)
    .bind(season_scope(s.id))
    .bind(s.id.to_string())
    .bind(at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The `board_totals` scope of a season's board.
pub fn season_scope(season_id: i64) -> String {
    format!("s:{season_id}")
}

/// The season boards a ledger row counts on, as `board_totals` rows to add
/// in the ledger's own statement (see `storage::points`): every season of
/// the server whose window holds the answer's time and whose topics (if
/// any) hold its topic. So a season board is an index walk like every other
/// board, and equals the window sum of the ledger ([`POINTS`]) by
/// construction. Reads the `src` row set (`guild_id`, `member_id`,
/// `topic`, `delta`, `answered_at`) of the statement it is part of.
pub(super) const SEASON_BOARD_ROWS: &str = "
    SELECT src.guild_id, 's:' || s.id, src.member_id, src.delta::bigint
    FROM src JOIN seasons s ON s.guild_id = src.guild_id
    WHERE src.answered_at >= s.started_at
      AND src.answered_at < coalesce(s.ended_at, s.ends_at)
      AND (cardinality(s.topics) = 0 OR src.topic = ANY(s.topics))";
