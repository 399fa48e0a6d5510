//! Seasons played by teams: their frozen rosters, their team board and
//! the winning team.
//!
//! A team season freezes the server's teams when it starts: every member
//! plays it for the team they were in then (`season_members`), and a
//! member in no team then plays it for the first team they join during it.
//! Later moves and `/team balance` change the current teams only. The
//! season's team board is `team_totals` on its scope (`s:ID`), which the
//! triggers of migration 0012 key by the roster's team, so it equals the
//! roster's members summed on the season board.

use super::seasons::{season_scope, SeasonRow};
use super::{Store, StoreError, TeamTotal};
use crate::domain::teams::average_tenths;
use chrono::{DateTime, Utc};
use sqlx::{Postgres, Transaction};

/// A team season's teams with their points, active members and size.
const SEASON_BOARD: &str = "SELECT st.team_id, st.name, coalesce(x.points, 0)::bigint AS points,
        coalesce(x.active, 0)::bigint AS active, coalesce(z.members, 0) AS members
     FROM season_teams st
     LEFT JOIN (SELECT team_id, sum(points) AS points, sum(active) AS active FROM team_totals
                WHERE guild_id = $1 AND scope = $2 GROUP BY team_id) x ON x.team_id = st.team_id
     LEFT JOIN team_sizes z ON z.roster = $2 AND z.team_id = st.team_id
     WHERE st.season_id = $3 ORDER BY st.name, st.team_id";

impl Store {
    /// A team season's teams (empty for a season played alone).
    pub async fn season_team_board(&self, s: &SeasonRow) -> Result<Vec<TeamTotal>, StoreError> {
        Ok(sqlx::query_as(SEASON_BOARD)
            .bind(s.guild_id)
            .bind(season_scope(s.id))
            .bind(s.id)
            .fetch_all(&self.pool)
            .await?)
    }

    /// The team(s) recorded as winning a team season when it closed.
    pub async fn season_winning_teams(&self, season_id: i64) -> Result<Vec<String>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT name FROM season_teams WHERE season_id = $1 AND won_at IS NOT NULL ORDER BY name",
        )
        .bind(season_id)
        .fetch_all(&self.pool)
        .await?)
    }
}

/// Puts `members` (with `None`, every member of a team) on the roster of
/// the server's running team season, for the team they are in now, unless
/// they already play it; their teams join the season too (with `None`,
/// every team, even an empty one). Called under `teams::lock_teams`.
pub(super) async fn join_rosters(
    tx: &mut Transaction<'_, Postgres>,
    guild_id: i64,
    members: Option<&[i64]>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    for sql in [
        "INSERT INTO season_teams (season_id, team_id, name)
         SELECT s.id, t.id, t.name FROM seasons s JOIN teams t ON t.guild_id = s.guild_id
         WHERE s.guild_id = $1 AND s.teams AND s.ended_at IS NULL
           AND ($2::bigint[] IS NULL
                OR t.id IN (SELECT team_id FROM team_members WHERE member_id = ANY($2)))
         ON CONFLICT DO NOTHING",
        "INSERT INTO season_members (season_id, member_id, team_id, joined_at)
         SELECT s.id, tm.member_id, tm.team_id, $3
         FROM seasons s JOIN teams t ON t.guild_id = s.guild_id JOIN team_members tm ON tm.team_id = t.id
         WHERE s.guild_id = $1 AND s.teams AND s.ended_at IS NULL
           AND ($2::bigint[] IS NULL OR tm.member_id = ANY($2))
         ON CONFLICT DO NOTHING",
    ] {
        sqlx::query(sql)
            .bind(guild_id)
            .bind(members)
            .bind(now)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Records a closing team season's winner: the team(s) with the best
/// average per active member ([`average_tenths`], the team board's own
/// key), and a season win for each of their roster members who scored in
/// it (a member who never played does not win a season).
pub(super) async fn record_team_wins(
    tx: &mut Transaction<'_, Postgres>,
    s: &SeasonRow,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    let scope = season_scope(s.id);
    let teams: Vec<TeamTotal> = sqlx::query_as(SEASON_BOARD)
        .bind(s.guild_id)
        .bind(&scope)
        .bind(s.id)
        .fetch_all(&mut **tx)
        .await?;
    let best = teams
        .iter()
        .filter(|t| t.active > 0)
        .map(|t| average_tenths(t.points, t.active))
        .max();
    let winners: Vec<i64> = teams
        .iter()
        .filter(|t| t.active > 0 && Some(average_tenths(t.points, t.active)) == best)
        .map(|t| t.team_id)
        .collect();
    sqlx::query("UPDATE season_teams SET won_at = $3 WHERE season_id = $1 AND team_id = ANY($2)")
        .bind(s.id)
        .bind(&winners)
        .bind(at)
        .execute(&mut **tx)
        .await?;
    sqlx::query(
        "INSERT INTO competition_wins (guild_id, member_id, kind, period_key, won_at)
         SELECT $1, sm.member_id, 'season', $4, $5 FROM season_members sm
         JOIN board_totals b ON b.guild_id = $1 AND b.scope = $2 AND b.member_id = sm.member_id
         WHERE sm.season_id = $3 AND sm.team_id = ANY($6) AND b.points > 0
         ON CONFLICT DO NOTHING",
    )
    .bind(s.guild_id)
    .bind(&scope)
    .bind(s.id)
    .bind(s.id.to_string())
    .bind(at)
    .bind(&winners)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
