//! Teams and the team board.
//!
//! The team board reads `team_totals` (migration 0012): per board scope,
//! team and shard, the points and active members of the team's members on
//! that `board_totals` scope, kept by triggers on `board_totals`,
//! `team_members` and `season_members`. So a board is a sum over 16 rows
//! per team, whatever the team's size. A team season's scope (`s:ID`)
//! counts the season's frozen roster, every other scope the current teams.
//!
//! Every membership change runs under [`lock_teams`] and locks the moved
//! members' rows first: an answer holds its member's row (its foreign key
//! check) until it commits, so a move either waits for it or is seen by it,
//! and two membership changes (or a season freezing its roster) never
//! interleave.

use super::{Store, StoreError};
use chrono::{DateTime, Utc};
use sqlx::{Postgres, Transaction};

/// One team on a board: its points, members who scored, and size.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TeamTotal {
    pub team_id: i64,
    pub name: String,
    pub points: i64,
    pub active: i64,
    pub members: i64,
}

impl Store {
    /// Creates a team; `false` if the server already has one of that name.
    pub async fn create_team(
        &self,
        guild_id: i64,
        name: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "INSERT INTO teams (guild_id, name, created_at) VALUES ($1, $2, $3)
             ON CONFLICT (guild_id, name) DO NOTHING",
        )
        .bind(guild_id)
        .bind(name)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Puts a member in the team `name` (leaving any other); the team's
    /// name as stored, or `None` if there is no such team. A member not yet
    /// playing the running team season plays it for this team.
    pub async fn join_team(
        &self,
        guild_id: i64,
        member_id: i64,
        name: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<String>, StoreError> {
        let mut tx = self.pool.begin().await?;
        lock_teams(&mut tx, guild_id, &[member_id]).await?;
        let team: Option<String> = sqlx::query_scalar(
            "WITH t AS (SELECT id, name FROM teams WHERE guild_id = $1 AND lower(name) = lower($3)
                        ORDER BY name = $3 DESC, id LIMIT 1),
             j AS (INSERT INTO team_members (member_id, team_id, joined_at) SELECT $2, id, $4 FROM t
                   ON CONFLICT (member_id) DO UPDATE SET team_id = EXCLUDED.team_id, joined_at = EXCLUDED.joined_at)
             SELECT name FROM t",
        )
        .bind(guild_id)
        .bind(member_id)
        .bind(name)
        .bind(now)
        .fetch_optional(&mut *tx)
        .await?;
        if team.is_some() {
            super::team_seasons::join_rosters(&mut tx, guild_id, Some(&[member_id]), now).await?;
        }
        tx.commit().await?;
        Ok(team)
    }

    /// Members who ever scored here, with their points on board `scope`
    /// (0 when none): who `/team balance` deals out.
    pub async fn team_candidates(
        &self,
        guild_id: i64,
        scope: &str,
    ) -> Result<Vec<(i64, i64)>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT a.member_id, coalesce(p.points, 0) FROM board_totals a
             LEFT JOIN board_totals p ON p.guild_id = a.guild_id AND p.scope = $2 AND p.member_id = a.member_id
             WHERE a.guild_id = $1 AND a.scope = 'all' AND a.points > 0",
        )
        .bind(guild_id)
        .bind(scope)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Replaces the server's teams with `teams` (name, members), in one
    /// transaction: members not dealt keep no team.
    pub async fn replace_teams(
        &self,
        guild_id: i64,
        teams: &[(String, Vec<i64>)],
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        let dealt: Vec<i64> = teams.iter().flat_map(|(_, m)| m.iter().copied()).collect();
        let members: Vec<i64> = sqlx::query_scalar(
            "SELECT tm.member_id FROM team_members tm JOIN teams t ON t.id = tm.team_id
             WHERE t.guild_id = $1 UNION SELECT unnest($2::bigint[])",
        )
        .bind(guild_id)
        .bind(&dealt)
        .fetch_all(&mut *tx)
        .await?;
        lock_teams(&mut tx, guild_id, &members).await?;
        // One statement for every departure, so its trigger moves all the
        // totals in one pass rather than once per team.
        for sql in [
            "DELETE FROM team_members WHERE team_id IN (SELECT id FROM teams WHERE guild_id = $1)",
            "DELETE FROM teams WHERE guild_id = $1",
        ] {
            sqlx::query(sql).bind(guild_id).execute(&mut *tx).await?;
        }
        for (name, members) in teams {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO teams (guild_id, name, created_at) VALUES ($1, $2, $3) RETURNING id",
            )
            .bind(guild_id)
            .bind(name)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            sqlx::query(
                "INSERT INTO team_members (member_id, team_id, joined_at)
                 SELECT m, $2, $3 FROM unnest($1::bigint[]) AS m",
            )
            .bind(members)
            .bind(id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        super::team_seasons::join_rosters(&mut tx, guild_id, Some(&dealt), now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Every team with its points on board `scope`, its active members
    /// (points > 0 there) and its size, from the kept totals.
    pub async fn team_totals(
        &self,
        guild_id: i64,
        scope: &str,
    ) -> Result<Vec<TeamTotal>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT t.id AS team_id, t.name, coalesce(x.points, 0)::bigint AS points,
                    coalesce(x.active, 0)::bigint AS active, coalesce(z.members, 0) AS members
             FROM teams t
             LEFT JOIN (SELECT team_id, sum(points) AS points, sum(active) AS active FROM team_totals
                        WHERE guild_id = $1 AND scope = $2 GROUP BY team_id) x ON x.team_id = t.id
             LEFT JOIN team_sizes z ON z.roster = '' AND z.team_id = t.id
             WHERE t.guild_id = $1 ORDER BY t.name",
        )
        .bind(guild_id)
        .bind(scope)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Which team `member_id` plays the running team season for, if any.
    pub async fn season_team_of(
        &self,
        guild_id: i64,
        member_id: i64,
    ) -> Result<Option<String>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT st.name FROM seasons s
             JOIN season_members sm ON sm.season_id = s.id AND sm.member_id = $2
             JOIN season_teams st ON st.season_id = s.id AND st.team_id = sm.team_id
             WHERE s.guild_id = $1 AND s.ended_at IS NULL AND s.teams",
        )
        .bind(guild_id)
        .bind(member_id)
        .fetch_optional(&self.pool)
        .await?)
    }
}

/// Serialises the team changes of a server (joins, balances, a team
/// season freezing its roster) with a transaction-scoped advisory lock,
/// then locks `members`' rows in id order (see the module header).
pub(super) async fn lock_teams(
    tx: &mut Transaction<'_, Postgres>,
    guild_id: i64,
    members: &[i64],
) -> Result<(), StoreError> {
    sqlx::query("SELECT pg_advisory_xact_lock(hashtext('prepbot teams'), $1::int)")
        .bind(i32::try_from(guild_id.rem_euclid(i64::from(i32::MAX))).unwrap_or(0))
        .execute(&mut **tx)
        .await?;
    sqlx::query("SELECT 1 FROM members WHERE id = ANY($1) ORDER BY id FOR UPDATE")
        .bind(members)
        .execute(&mut **tx)
        .await?;
    Ok(())
}
