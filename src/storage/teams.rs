//! Teams and the team board. The team board reads the same `board_totals`
//! scopes as the member boards, so it costs one pass over a team's members.

use super::{Store, StoreError};
use chrono::{DateTime, Utc};

/// One team on a board: its points, members who scored, and size.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TeamTotal {
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
    /// name as stored, or `None` if there is no such team.
    pub async fn join_team(
        &self,
        guild_id: i64,
        member_id: i64,
        name: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<String>, StoreError> {
        Ok(sqlx::query_scalar(
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
        .fetch_optional(&self.pool)
        .await?)
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
        sqlx::query("DELETE FROM teams WHERE guild_id = $1")
            .bind(guild_id)
            .execute(&mut *tx)
            .await?;
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
        tx.commit().await?;
        Ok(())
    }

    /// Every team with its points on board `scope`, its active members
    /// (points > 0 there) and its size.
    pub async fn team_totals(
        &self,
        guild_id: i64,
        scope: &str,
    ) -> Result<Vec<TeamTotal>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT t.name, coalesce(sum(b.points) FILTER (WHERE b.points > 0), 0)::bigint AS points,
                    count(b.member_id) FILTER (WHERE b.points > 0) AS active,
                    count(tm.member_id) AS members
             FROM teams t LEFT JOIN team_members tm ON tm.team_id = t.id
             LEFT JOIN board_totals b ON b.guild_id = t.guild_id AND b.scope = $2 AND b.member_id = tm.member_id
             WHERE t.guild_id = $1 GROUP BY t.id, t.name ORDER BY t.name",
        )
        .bind(guild_id)
        .bind(scope)
        .fetch_all(&self.pool)
        .await?)
    }
}
