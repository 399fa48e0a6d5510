//! Rewards: each server's settings, who holds what, and the grants the
//! scheduler makes.
//!
//! Every change to who holds a reward (a grant, the champion passing, a
//! ladder changed, `forget me`) first locks the server's `reward_settings`
//! row, so two schedulers (or a scheduler and a command) change one
//! server's rewards one after the other, each seeing what the other did.
//! The champion's pass is also a compare-and-set on `champion_key`, so a
//! period passes the reward once however many ticks see it end. Role
//! changes are enqueued in the same transaction (see `reward_roles.rs`).

use super::reward_roles::{enqueue, take_rewards, RoleChange};
use super::{Store, StoreError};
use crate::domain::rewards::{Badge, Ladder, Reward};
use chrono::{DateTime, Utc};
use sqlx::{Postgres, Transaction};

/// A server's reward settings, with what the scheduler needs to apply them.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct RewardSettings {
    pub guild_id: i64,
    /// 'week', 'month' or 'season'; `None`: no champion reward.
    pub champion: Option<String>,
    pub champion_since: Option<DateTime<Utc>>,
    /// The last period passed, e.g. 'w:2026-11-23'.
    pub champion_key: Option<String>,
    /// The champion channel's zone (its daily question's; else UTC).
    pub tz: String,
    pub milestones: Vec<i64>,
    pub streaks: Vec<i64>,
    pub platform: String,
}

/// Parses a stored `reward:tier` pair into a badge.
fn badge(stored: &str) -> Option<Badge> {
    let (kind, tier) = stored.split_once(':')?;
    let tier: i64 = tier.parse().ok()?;
    Some(Badge(match kind {
        "champion" => Reward::Champion,
        "points" => Reward::Tier(Ladder::Points, tier),
        "streak" => Reward::Tier(Ladder::Streak, tier),
        _ => return None,
    }))
}

/// Badges from stored `reward:tier` pairs, champion first.
pub(super) fn badges(stored: &[String]) -> Vec<Badge> {
    let mut out: Vec<Badge> = stored.iter().filter_map(|s| badge(s)).collect();
    out.sort();
    out
}

/// The `reward:tier` pairs a member aliased `m` holds, for a viewer `$5`:
/// none when the member hides and is not the viewer (a badge could name them).
pub(super) const BADGES: &str = "CASE WHEN m.hidden AND m.id <> $5 THEN '{}'::text[] ELSE
     (SELECT coalesce(array_agg(r.reward || ':' || r.tier), '{}') FROM member_rewards r
      WHERE r.member_id = m.id) END";

impl Store {
    /// A server's reward settings (`None`: never set).
    pub async fn reward_settings(
        &self,
        guild_id: i64,
    ) -> Result<Option<RewardSettings>, StoreError> {
        Ok(sqlx::query_as(&format!("{SETTINGS} WHERE s.guild_id = $1"))
            .bind(guild_id)
            .fetch_optional(&self.pool)
            .await?)
    }

    /// Every server of `platforms` with some reward on.
    pub async fn reward_servers(
        &self,
        platforms: &[String],
    ) -> Result<Vec<RewardSettings>, StoreError> {
        Ok(sqlx::query_as(&format!(
            "{SETTINGS} WHERE g.platform = ANY($1)
               AND (s.champion IS NOT NULL OR s.milestones <> '{{}}' OR s.streaks <> '{{}}')
             ORDER BY s.guild_id"
        ))
        .bind(platforms)
        .fetch_all(&self.pool)
        .await?)
    }

    /// `/rewards champion`: `period` from now on, ending periods in the
    /// zone of `channel_id`; off (`None`) takes the reward from its holders.
    pub async fn set_champion(
        &self,
        guild_id: i64,
        period: Option<&str>,
        channel_id: i64,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = self.lock_rewards(guild_id, now).await?;
        sqlx::query(
            "UPDATE reward_settings SET champion = $2, champion_channel_id = $3,
                 champion_since = CASE WHEN champion IS DISTINCT FROM $2 THEN $4 ELSE champion_since END,
                 updated_at = $4 WHERE guild_id = $1",
        )
        .bind(guild_id)
        .bind(period)
        .bind(channel_id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        if period.is_none() {
            let all = "reward = 'champion' AND $2::bigint[] IS NOT NULL";
            let gone = take_rewards(&mut tx, guild_id, all, &[]).await?;
            enqueue(&mut tx, guild_id, &gone, now).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// `/rewards milestones|streaks`: a ladder's thresholds (empty: off).
    /// Rewards held at a rung no longer on the ladder are taken back; the
    /// next tick grants the right rung again.
    pub async fn set_ladder(
        &self,
        guild_id: i64,
        ladder: Ladder,
        tiers: &[i64],
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = self.lock_rewards(guild_id, now).await?;
        let column = match ladder {
            Ladder::Points => "milestones",
            Ladder::Streak => "streaks",
        };
        sqlx::query(&format!(
            "UPDATE reward_settings SET {column} = $2, updated_at = $3 WHERE guild_id = $1"
        ))
        .bind(guild_id)
        .bind(tiers)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        let filter = format!("reward = '{}' AND NOT tier = ANY($2)", ladder.as_str());
        let gone = take_rewards(&mut tx, guild_id, &filter, tiers).await?;
        enqueue(&mut tx, guild_id, &gone, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The badges a member holds, champion first.
    pub async fn member_badges(&self, member_id: i64) -> Result<Vec<Badge>, StoreError> {
        let stored: Vec<String> = sqlx::query_scalar(
            "SELECT reward || ':' || tier FROM member_rewards WHERE member_id = $1",
        )
        .bind(member_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(badges(&stored))
    }

    /// Public names of a server's champions now (hidden members never hold it).
    pub async fn champions(&self, guild_id: i64) -> Result<Vec<String>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT m.display_name FROM member_rewards r JOIN members m ON m.id = r.member_id
             WHERE r.guild_id = $1 AND r.reward = 'champion' ORDER BY m.id",
        )
        .bind(guild_id)
        .fetch_all(&self.pool)
        .await?)
    }

    /// The server's last season to end: its id and when it ended.
    pub async fn last_ended_season(
        &self,
        guild_id: i64,
    ) -> Result<Option<(i64, DateTime<Utc>)>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT id, ended_at FROM seasons WHERE guild_id = $1 AND ended_at IS NOT NULL
             ORDER BY ended_at DESC, id DESC LIMIT 1",
        )
        .bind(guild_id)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Starts a transaction holding the server's settings row (created if
    /// missing), which serialises every change to its rewards.
    pub(super) async fn lock_rewards(
        &self,
        guild_id: i64,
        now: DateTime<Utc>,
    ) -> Result<Transaction<'static, Postgres>, StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO reward_settings (guild_id, updated_at) VALUES ($1, $2)
             ON CONFLICT (guild_id) DO NOTHING",
        )
        .bind(guild_id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        sqlx::query("SELECT 1 FROM reward_settings WHERE guild_id = $1 FOR UPDATE")
            .bind(guild_id)
            .execute(&mut *tx)
            .await?;
        Ok(tx)
    }

    /// Raises every member of the server who reached a rung of `ladder`
    /// (lifetime points, or the longest streak in any of its channels) to
    /// the top rung reached, enqueuing their role changes; how many moved.
    pub async fn grant_ladder(
        &self,
        guild_id: i64,
        ladder: Ladder,
        tiers: &[i64],
        now: DateTime<Utc>,
    ) -> Result<usize, StoreError> {
        let Some(&lowest) = tiers.first() else {
            return Ok(0);
        };
        let source = match ladder {
            Ladder::Points => {
                "SELECT member_id, points AS value FROM board_totals
                 WHERE guild_id = $1 AND scope = 'all' AND points >= $3"
            }
            Ladder::Streak => {
                "SELECT s.member_id, max(s.best)::bigint AS value FROM streaks s
                 JOIN channels c ON c.id = s.channel_id WHERE c.guild_id = $1
                 GROUP BY s.member_id HAVING max(s.best) >= $3"
            }
        };
        let mut tx = self.lock_rewards(guild_id, now).await?;
        let moved: Vec<(i64, Option<i64>, i64)> = sqlx::query_as(&raise_sql(source))
            .bind(guild_id)
            .bind(tiers)
            .bind(lowest)
            .bind(ladder.as_str())
            .bind(now)
            .fetch_all(&mut *tx)
            .await?;
        enqueue(&mut tx, guild_id, &rung_changes(ladder, &moved), now).await?;
        tx.commit().await?;
        Ok(moved.len())
    }

    /// Passes the champion reward to the visible members at rank 1 of board
    /// `key` (a board scope: the period that ended), once: `None` if this
    /// period was passed before (by any process) or the reward is no longer
    /// `mode`. Returns how many lost it and how many gained it.
    pub async fn pass_champion(
        &self,
        guild_id: i64,
        mode: &str,
        key: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<(usize, usize)>, StoreError> {
        let mut tx = self.lock_rewards(guild_id, now).await?;
        let claimed = sqlx::query(
            "UPDATE reward_settings SET champion_key = $3
             WHERE guild_id = $1 AND champion = $2 AND champion_key IS DISTINCT FROM $3",
        )
        .bind(guild_id)
        .bind(mode)
        .bind(key)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if claimed == 0 {
            return Ok(None);
        }
        // Ties share the reward, as they share a win; a hidden member is
        // never named by a public role or badge, so if only hidden members
        // top the board, nobody holds it for this period.
        let winners: Vec<i64> = sqlx::query_scalar(
            "SELECT b.member_id FROM board_totals b JOIN members m ON m.id = b.member_id
             WHERE b.guild_id = $1 AND b.scope = $2 AND b.points > 0 AND NOT m.hidden
               AND b.points = (SELECT max(points) FROM board_totals WHERE guild_id = $1 AND scope = $2)
             ORDER BY b.member_id",
        )
        .bind(guild_id)
        .bind(key)
        .fetch_all(&mut *tx)
        .await?;
        let lost = take_rewards(
            &mut tx,
            guild_id,
            "reward = 'champion' AND NOT member_id = ANY($2)",
            &winners,
        )
        .await?;
        let gained: Vec<i64> = sqlx::query_scalar::<_, Option<i64>>(
            "INSERT INTO member_rewards (member_id, guild_id, reward, tier, period_key, since)
             SELECT w, $1, 'champion', 0, $3, $4 FROM unnest($2::bigint[]) w
             ON CONFLICT (member_id, reward) DO UPDATE SET period_key = EXCLUDED.period_key
             RETURNING CASE WHEN xmax = 0 THEN member_id END",
        )
        .bind(guild_id)
        .bind(&winners)
        .bind(key)
        .bind(now)
        .fetch_all(&mut *tx)
        .await?
        .into_iter()
        .flatten()
        .collect();
        let changes: Vec<RoleChange> = lost
            .iter()
            .cloned()
            .chain(gained.iter().map(|&m| (m, "champion".to_owned(), true)))
            .collect();
        enqueue(&mut tx, guild_id, &changes, now).await?;
        tx.commit().await?;
        Ok(Some((lost.len(), gained.len())))
    }
}

/// Raises members of server `$1` whose value in `source` (rows of
/// `member_id, value` at least `$3`) reaches a higher rung of ladder `$2`
/// (kind `$4`) than they hold, at `$5`: `(member, old rung, new rung)`.
/// A concurrent raise to the same rung makes the conflict's `WHERE` false,
/// so each raise is returned once.
fn raise_sql(source: &str) -> String {
    format!(
        "WITH src AS ({source}),
         due AS (SELECT src.member_id,
                    (SELECT max(t) FROM unnest($2::bigint[]) t WHERE t <= src.value) AS tier
                 FROM src),
         old AS (SELECT member_id, tier FROM member_rewards WHERE guild_id = $1 AND reward = $4),
         up AS (INSERT INTO member_rewards (member_id, guild_id, reward, tier, since)
                SELECT due.member_id, $1, $4, due.tier, $5 FROM due LEFT JOIN old USING (member_id)
                WHERE old.tier IS NULL OR old.tier < due.tier
                ON CONFLICT (member_id, reward) DO UPDATE SET tier = EXCLUDED.tier, since = EXCLUDED.since
                WHERE member_rewards.tier < EXCLUDED.tier
                RETURNING member_id, tier)
         SELECT up.member_id, old.tier, up.tier FROM up LEFT JOIN old USING (member_id)
         ORDER BY up.member_id"
    )
}

/// The role changes of members moved up a ladder: the old rung's role
/// taken, the new one's given.
fn rung_changes(ladder: Ladder, moved: &[(i64, Option<i64>, i64)]) -> Vec<RoleChange> {
    let key = |t: i64| Reward::Tier(ladder, t).key();
    moved
        .iter()
        .flat_map(|&(member, old, new)| {
            old.map(|o| (member, key(o), false))
                .into_iter()
                .chain([(member, key(new), true)])
        })
        .collect()
}

const SETTINGS: &str = "SELECT s.guild_id, s.champion, s.champion_since, s.champion_key,
        coalesce(d.tz, 'UTC') AS tz, s.milestones, s.streaks, g.platform
     FROM reward_settings s JOIN guilds g ON g.id = s.guild_id
     LEFT JOIN daily_settings d ON d.channel_id = s.champion_channel_id";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_pairs_become_badges_champion_first_and_unknown_ones_are_skipped() {
        let stored = ["streak:7", "champion:0", "points:500", "trophy:1"].map(String::from);
        let shown: Vec<String> = badges(&stored).iter().map(ToString::to_string).collect();
        assert_eq!(shown, ["🏆 champion", "⭐ 500", "🔥 7-day"]);
    }
}
