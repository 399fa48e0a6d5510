//! Competition posts (season results, weekly and monthly winners) and what
//! surrounds them: wins, the winners opt-in, privacy and `forget me`.
//!
//! A winners post is claimed by inserting its `(channel, kind, period)` key,
//! which the unique index lets happen once; the champions are recorded in the
//! same transaction. Delivery then follows the daily posts' lease: a claim
//! not confirmed within the lease is claimed again and re-sent.

use super::seasons::PUBLIC_NAME;
use super::{Store, StoreError};
use crate::domain::platform::{names, Platform};
use crate::domain::reply::{Standing, Wins};
use chrono::{DateTime, NaiveDate, Utc};

/// A claimed competition post and where it goes.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct CompetitionPost {
    pub id: i64,
    pub channel_id: i64,
    /// 'season', 'week' or 'month'
    pub kind: String,
    /// The season id, or the period's first local date.
    pub period_key: String,
    pub guild_id: i64,
    pub channel_external: String,
    pub platform: String,
}

/// A channel that opted in to winners posts.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct WinnersChannel {
    pub channel_id: i64,
    pub guild_id: i64,
    pub since: NaiveDate,
    /// The daily question's zone, or UTC.
    pub tz: String,
}

const POST_COLUMNS: &str = "cp.id, cp.channel_id, cp.kind, cp.period_key, c.guild_id,
     c.external_id AS channel_external, g.platform";

impl Store {
    /// A claimed competition post by id, with where it goes.
    pub async fn competition_post(&self, id: i64) -> Result<CompetitionPost, StoreError> {
        Ok(sqlx::query_as(&format!(
            "SELECT {POST_COLUMNS} FROM competition_posts cp JOIN channels c ON c.id = cp.channel_id
             JOIN guilds g ON g.id = c.guild_id WHERE cp.id = $1"
        ))
        .bind(id)
        .fetch_one(&self.pool)
        .await?)
    }

    /// Competition posts of `platforms` claimed but not confirmed, last tried
    /// before `stale`: claimed again for redelivery.
    pub async fn claim_undelivered_competition(
        &self,
        now: DateTime<Utc>,
        stale: DateTime<Utc>,
        platforms: &[Platform],
    ) -> Result<Vec<CompetitionPost>, StoreError> {
        Ok(sqlx::query_as(&format!(
            "WITH claimed AS (
                UPDATE competition_posts SET delivery_attempted_at = $1
                WHERE delivered_at IS NULL AND gave_up IS NULL AND delivery_attempted_at < $2
                  AND claimed_at > $1 - interval '7 days'
                  AND channel_id IN (SELECT c.id FROM channels c JOIN guilds g ON g.id = c.guild_id
                                     WHERE g.platform = ANY($3))
                RETURNING *)
             SELECT {POST_COLUMNS} FROM claimed cp JOIN channels c ON c.id = cp.channel_id
             JOIN guilds g ON g.id = c.guild_id ORDER BY cp.id"
        ))
        .bind(now)
        .bind(stale)
        .bind(names(platforms))
        .fetch_all(&self.pool)
        .await?)
    }

    /// Records that a competition post reached its channel.
    pub async fn mark_announced(&self, id: i64, now: DateTime<Utc>) -> Result<(), StoreError> {
        sqlx::query("UPDATE competition_posts SET delivered_at = $2 WHERE id = $1")
            .bind(id)
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Makes an unsent competition post due for redelivery at once.
    pub async fn release_announcement(&self, id: i64) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE competition_posts SET delivery_attempted_at = 'epoch'
             WHERE id = $1 AND delivered_at IS NULL",
        )
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The platform refused a competition post for good: stop retrying it.
    pub async fn give_up_announcement(&self, id: i64, reason: &str) -> Result<(), StoreError> {
        sqlx::query("UPDATE competition_posts SET gave_up = $2 WHERE id = $1")
            .bind(id)
            .bind(reason)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Turns weekly and monthly winners posts on (from local `since`) or off.
    pub async fn set_winners(
        &self,
        channel_id: i64,
        since: Option<NaiveDate>,
    ) -> Result<(), StoreError> {
        let q = match since {
            Some(_) => {
                "INSERT INTO winners_settings (channel_id, since, updated_at) VALUES ($1, $2, now())
                 ON CONFLICT (channel_id) DO UPDATE SET since = EXCLUDED.since, updated_at = now()"
            }
            None => "DELETE FROM winners_settings WHERE channel_id = $1 AND $2::date IS NULL",
        };
        sqlx::query(q)
            .bind(channel_id)
            .bind(since)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Every channel of `platforms` that opted in to winners posts.
    pub async fn winners_channels(
        &self,
        platforms: &[Platform],
    ) -> Result<Vec<WinnersChannel>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT w.channel_id, c.guild_id, w.since, coalesce(d.tz, 'UTC') AS tz
             FROM winners_settings w JOIN channels c ON c.id = w.channel_id
             JOIN guilds g ON g.id = c.guild_id LEFT JOIN daily_settings d ON d.channel_id = w.channel_id
             WHERE g.platform = ANY($1) ORDER BY w.channel_id",
        )
        .bind(names(platforms))
        .fetch_all(&self.pool)
        .await?)
    }

    /// Claims the winners post of one period (`kind` 'week' or 'month',
    /// first local day `start`, board `scope`) and records its winners;
    /// `None` if it was claimed before.
    pub async fn claim_winners(
        &self,
        w: &WinnersChannel,
        (kind, start, scope): (&str, NaiveDate, &str),
        now: DateTime<Utc>,
    ) -> Result<Option<i64>, StoreError> {
        let mut tx = self.pool.begin().await?;
        let id: Option<i64> = sqlx::query_scalar(
            "INSERT INTO competition_posts (channel_id, kind, period_key, claimed_at, delivery_attempted_at)
             VALUES ($1, $2, $3, $4, $4) ON CONFLICT (channel_id, kind, period_key) DO NOTHING RETURNING id",
        )
        .bind(w.channel_id)
        .bind(kind)
        .bind(start.to_string())
        .bind(now)
        .fetch_optional(&mut *tx)
        .await?;
        if id.is_some() {
            sqlx::query(
                "INSERT INTO competition_wins (guild_id, member_id, kind, period_key, won_at)
                 SELECT guild_id, member_id, $2, $3, $5 FROM board_totals
                 WHERE guild_id = $1 AND scope = $4 AND points > 0 AND points =
                   (SELECT max(points) FROM board_totals WHERE guild_id = $1 AND scope = $4)
                 ON CONFLICT DO NOTHING",
            )
            .bind(w.guild_id)
            .bind(kind)
            .bind(start.to_string())
            .bind(scope)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(id)
    }

    /// The top `limit` of a board, with public names (hidden: "anonymous").
    pub async fn public_podium(
        &self,
        guild_id: i64,
        scope: &str,
        limit: i64,
    ) -> Result<Vec<Standing>, StoreError> {
        let rows: Vec<(i64, String, i64)> = sqlx::query_as(&format!(
            "WITH b AS (SELECT member_id, points, rank() OVER (ORDER BY points DESC)::bigint AS rank
                        FROM board_totals WHERE guild_id = $1 AND scope = $2 AND points > 0)
             SELECT b.rank, {PUBLIC_NAME}, b.points
             FROM b JOIN members m ON m.id = b.member_id WHERE b.rank <= $3
             ORDER BY b.points DESC, b.member_id"
        ))
        .bind(guild_id)
        .bind(scope)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(rank, name, points)| Standing::new(rank, name, points))
            .collect())
    }

    /// How often a member won in their server.
    pub async fn wins(&self, member_id: i64) -> Result<Wins, StoreError> {
        let (weeks, months, seasons): (i64, i64, i64) = sqlx::query_as(
            "SELECT count(*) FILTER (WHERE kind = 'week'), count(*) FILTER (WHERE kind = 'month'),
                    count(*) FILTER (WHERE kind = 'season')
             FROM competition_wins WHERE member_id = $1",
        )
        .bind(member_id)
        .fetch_one(&self.pool)
        .await?;
        Ok(Wins {
            weeks,
            months,
            seasons,
        })
    }

    /// `/privacy hide|show`.
    pub async fn set_hidden(&self, member_id: i64, hidden: bool) -> Result<(), StoreError> {
        sqlx::query("UPDATE members SET hidden = $2 WHERE id = $1")
            .bind(member_id)
            .bind(hidden)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Whether a member chose to be anonymous.
    pub async fn is_hidden(&self, member_id: i64) -> Result<bool, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT hidden FROM members WHERE id = $1")
                .bind(member_id)
                .fetch_one(&self.pool)
                .await?,
        )
    }

    /// `/forget me`: deletes a member's answers (and with them their ledger
    /// rows), board totals, streaks, SQL tries, wins, rewards and teams
    /// (current and seasons') in one server, in one
    /// transaction; returns how many answers went. The member row stays
    /// (it is who they are when they play again), without any points.
    /// Their rewards go first, their roles taken back at `now`.
    pub async fn forget_member(
        &self,
        guild_id: i64,
        member_id: i64,
        now: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        let mut tx = self.pool.begin().await?;
        // Their team rows move with the deletes below (the team_totals
        // triggers), under the same locks as any other team change.
        super::teams::lock_teams(&mut tx, guild_id, &[member_id]).await?;
        super::reward_roles::forget_rewards(&mut tx, guild_id, member_id, now).await?;
        let answers = sqlx::query("DELETE FROM answers WHERE member_id = $1")
            .bind(member_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        for sql in [
            // Their own quiz posts go too: they say which questions they asked for.
            "DELETE FROM posts WHERE kind = 'quiz' AND member_id = $1",
            "DELETE FROM point_events WHERE member_id = $1",
            "DELETE FROM streaks WHERE member_id = $1",
            "DELETE FROM sql_attempts WHERE member_id = $1",
            "DELETE FROM competition_wins WHERE member_id = $1",
            "DELETE FROM team_members WHERE member_id = $1",
            "DELETE FROM season_members WHERE member_id = $1",
        ] {
            sqlx::query(sql).bind(member_id).execute(&mut *tx).await?;
        }
        sqlx::query("DELETE FROM board_totals WHERE guild_id = $1 AND member_id = $2")
            .bind(guild_id)
            .bind(member_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(answers)
    }
}
