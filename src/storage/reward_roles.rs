//! Reward roles: which role each reward gives, and the outbox of role
//! changes the scheduler carries out on the platform.
//!
//! The outbox is claimed like competition posts: a claim sets
//! `delivery_attempted_at` (an `UPDATE ... WHERE delivery_attempted_at <
//! stale`, which a second scheduler re-checks after the first's row lock,
//! so each change is claimed once); a change not confirmed within the lease
//! is claimed again (adding or removing a role twice is harmless on
//! Discord); a process shutting down releases its unsent claims; a refusal
//! gives the change up with the platform's reason.

use super::{Store, StoreError};
use crate::domain::platform::{names, Platform};
use chrono::{DateTime, Utc};
use sqlx::{Postgres, Transaction};

/// One member's reward changed: `(member, reward key, give)`.
pub type RoleChange = (i64, String, bool);

/// The role-mapping key of a held reward row `r`.
const REWARD_KEY: &str =
    "CASE WHEN r.reward = 'champion' THEN 'champion' ELSE r.reward || '-' || r.tier END";

/// A claimed role change and where it goes.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct RoleChangeRow {
    pub id: i64,
    pub platform: String,
    /// The server's platform id.
    pub guild: String,
    /// The member's platform id.
    pub member: String,
    pub role_id: String,
    pub give: bool,
}

impl Store {
    /// Maps `reward` (a key like `points-500`) to `role` (`None`: no role).
    /// Current holders lose the old role and get the new one.
    pub async fn set_reward_role(
        &self,
        guild_id: i64,
        reward: &str,
        role: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = self.lock_rewards(guild_id, now).await?;
        let holders: Vec<i64> = sqlx::query_scalar(&format!(
            "SELECT member_id FROM member_rewards r WHERE guild_id = $1 AND ({REWARD_KEY}) = $2"
        ))
        .bind(guild_id)
        .bind(reward)
        .fetch_all(&mut *tx)
        .await?;
        let change = |give| -> Vec<RoleChange> {
            holders
                .iter()
                .map(|&m| (m, reward.to_owned(), give))
                .collect()
        };
        enqueue(&mut tx, guild_id, &change(false), now).await?;
        match role {
            Some(role) => sqlx::query(
                "INSERT INTO reward_roles (guild_id, reward, role_id, updated_at) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (guild_id, reward) DO UPDATE SET role_id = EXCLUDED.role_id, updated_at = $4",
            )
            .bind(guild_id)
            .bind(reward)
            .bind(role)
            .bind(now),
            None => sqlx::query("DELETE FROM reward_roles WHERE guild_id = $1 AND reward = $2")
                .bind(guild_id)
                .bind(reward),
        }
        .execute(&mut *tx)
        .await?;
        enqueue(&mut tx, guild_id, &change(true), now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// A server's reward roles: `(reward key, role id)`, by reward.
    pub async fn reward_roles(&self, guild_id: i64) -> Result<Vec<(String, String)>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT reward, role_id FROM reward_roles WHERE guild_id = $1 ORDER BY reward",
        )
        .bind(guild_id)
        .fetch_all(&self.pool)
        .await?)
    }

    /// `/privacy hide|show`: a hidden member's reward roles are taken back
    /// (a role would name them); showing again gives them back.
    pub async fn sync_reward_roles(
        &self,
        guild_id: i64,
        member_id: i64,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = self.lock_rewards(guild_id, now).await?;
        let (held, hidden): (Vec<String>, bool) = sqlx::query_as(&format!(
            "SELECT coalesce(array_agg({REWARD_KEY}) FILTER (WHERE r.member_id IS NOT NULL), '{{}}'),
                    m.hidden
             FROM members m LEFT JOIN member_rewards r ON r.member_id = m.id
             WHERE m.id = $1 GROUP BY m.hidden"
        ))
        .bind(member_id)
        .fetch_one(&mut *tx)
        .await?;
        let changes: Vec<RoleChange> = held.into_iter().map(|k| (member_id, k, !hidden)).collect();
        enqueue(&mut tx, guild_id, &changes, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Claims the role changes of `platforms` not yet confirmed and last
    /// tried before `stale` (new ones are at 'epoch').
    pub async fn claim_role_changes(
        &self,
        now: DateTime<Utc>,
        stale: DateTime<Utc>,
        platforms: &[Platform],
    ) -> Result<Vec<RoleChangeRow>, StoreError> {
        Ok(sqlx::query_as(
            "WITH claimed AS (
                UPDATE reward_role_changes SET delivery_attempted_at = $1
                WHERE delivered_at IS NULL AND gave_up IS NULL AND delivery_attempted_at < $2
                  AND created_at > $1 - interval '7 days'
                  AND guild_id IN (SELECT id FROM guilds WHERE platform = ANY($3))
                RETURNING id, guild_id, member_id, role_id, give)
             SELECT c.id, g.platform, g.external_id AS guild, m.external_id AS member, c.role_id, c.give
             FROM claimed c JOIN guilds g ON g.id = c.guild_id JOIN members m ON m.id = c.member_id
             ORDER BY c.id",
        )
        .bind(now)
        .bind(stale)
        .bind(names(platforms))
        .fetch_all(&self.pool)
        .await?)
    }

    /// Records that the platform carried a role change out.
    pub async fn mark_role_changed(&self, id: i64, now: DateTime<Utc>) -> Result<(), StoreError> {
        sqlx::query("UPDATE reward_role_changes SET delivered_at = $2 WHERE id = $1")
            .bind(id)
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Makes an unsent role change due again at once (shutdown).
    pub async fn release_role_change(&self, id: i64) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE reward_role_changes SET delivery_attempted_at = 'epoch'
             WHERE id = $1 AND delivered_at IS NULL",
        )
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The platform refused a role change for good: stop retrying it.
    pub async fn give_up_role_change(&self, id: i64, reason: &str) -> Result<(), StoreError> {
        sqlx::query("UPDATE reward_role_changes SET gave_up = $2 WHERE id = $1")
            .bind(id)
            .bind(reason)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

/// `forget me` (inside its transaction): the member's rewards go, and
/// their roles are taken back.
pub(super) async fn forget_rewards(
    tx: &mut sqlx::Transaction<'static, sqlx::Postgres>,
    guild_id: i64,
    member_id: i64,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    sqlx::query("SELECT 1 FROM reward_settings WHERE guild_id = $1 FOR UPDATE")
        .bind(guild_id)
        .execute(&mut **tx)
        .await?;
    let filter = "member_id = ANY($2)";
    let gone = take_rewards(tx, guild_id, filter, &[member_id]).await?;
    enqueue(tx, guild_id, &gone, now).await
}

/// Deletes the server's held rewards matching `filter` (which may use `$2`,
/// bound to `ids`), returning the role removals they call for.
pub(super) async fn take_rewards(
    tx: &mut Transaction<'static, Postgres>,
    guild_id: i64,
    filter: &str,
    ids: &[i64],
) -> Result<Vec<RoleChange>, StoreError> {
    let rows: Vec<(i64, String)> = sqlx::query_as(&format!(
        "DELETE FROM member_rewards r WHERE guild_id = $1 AND {filter}
         RETURNING member_id, {REWARD_KEY}"
    ))
    .bind(guild_id)
    .bind(ids)
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows.into_iter().map(|(m, k)| (m, k, false)).collect())
}

/// Enqueues the role changes `changes` call for: only rewards mapped to a
/// role (so only on platforms with roles), and a role is never given to a
/// hidden member. An undelivered earlier change of the same member's role
/// is superseded, so an old removal cannot land after a newer grant.
pub(super) async fn enqueue(
    tx: &mut Transaction<'static, Postgres>,
    guild_id: i64,
    changes: &[RoleChange],
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    if changes.is_empty() {
        return Ok(());
    }
    let members: Vec<i64> = changes.iter().map(|c| c.0).collect();
    let rewards: Vec<&str> = changes.iter().map(|c| c.1.as_str()).collect();
    let gives: Vec<bool> = changes.iter().map(|c| c.2).collect();
    sqlx::query(
        "WITH c AS (SELECT * FROM unnest($2::bigint[], $3::text[], $4::bool[]) AS c(member_id, reward, give)),
         wanted AS (SELECT c.member_id, rr.role_id, c.give, c.reward FROM c
                    JOIN reward_roles rr ON rr.guild_id = $1 AND rr.reward = c.reward
                    JOIN members m ON m.id = c.member_id
                    WHERE NOT c.give OR NOT m.hidden),
         superseded AS (UPDATE reward_role_changes o SET gave_up = 'superseded' FROM wanted w
                        WHERE o.member_id = w.member_id AND o.role_id = w.role_id
                          AND o.delivered_at IS NULL AND o.gave_up IS NULL)
         INSERT INTO reward_role_changes (guild_id, member_id, role_id, give, reward, created_at)
         SELECT $1, member_id, role_id, give, reward, $5 FROM wanted",
    )
    .bind(guild_id)
    .bind(&members)
    .bind(&rewards)
    .bind(&gives)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
