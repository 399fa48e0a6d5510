//! Teams: created by admins or balanced from last month's results, joined
//! by members, and ranked by average points per active member, so a big
//! team does not win by size alone.

use super::competition::month_start;
use super::{user, Engine, EngineError};
use crate::domain::boards::scope;
use crate::domain::command::{Period, TeamCommand};
use crate::domain::reply::{Body, Response, TeamBoardCard, TeamRow};
use crate::storage::{Ctx, TeamTotal};
use chrono::Duration;

/// The team board's rows: [`crate::domain::teams::rank`] of the totals.
pub fn rank_teams(totals: Vec<TeamTotal>) -> Vec<TeamRow> {
    crate::domain::teams::rank(
        totals
            .into_iter()
            .map(|t| TeamRow {
                rank: 0,
                average_tenths: 0,
                name: t.name,
                points: t.points,
                active: t.active,
                members: t.members,
            })
            .collect(),
    )
}

impl Engine {
    pub(super) async fn team(&self, ctx: Ctx, cmd: TeamCommand) -> Result<Response, EngineError> {
        let now = self.clock.now();
        match cmd {
            TeamCommand::Create { name } => {
                if !self.store.create_team(ctx.guild_id, &name, now).await? {
                    return user(format!("There is already a team called {name}."));
                }
                Ok(Response::text(format!(
                    "Team {name} created. Members join with /team join {name}."
                )))
            }
            TeamCommand::Join { name } => {
                match self
                    .store
                    .join_team(ctx.guild_id, ctx.member_id, &name, now)
                    .await?
                {
                    Some(team) => {
                        // A team season keeps the team its player started it with.
                        let note = match self.store.season_team_of(ctx.guild_id, ctx.member_id).await? {
                            Some(season_team) if season_team != team => format!(
                                " You still play the running season for team {season_team}: teams are frozen for it."
                            ),
                            _ => String::new(),
                        };
                        Ok(Response::text(format!("You are now in team {team}.{note}")))
                    }
                    None => user(format!("There is no team called {name}: see /team board.")),
                }
            }
            TeamCommand::Balance { teams, seed } => self.team_balance(ctx, teams, seed).await,
            TeamCommand::Board { period } => {
                let (today, _) = self.channel_today(ctx.channel_id).await?;
                let totals = self
                    .store
                    .team_totals(ctx.guild_id, &scope(period, today, None))
                    .await?;
                Ok(Response::private(Body::TeamBoard(TeamBoardCard {
                    period,
                    rows: rank_teams(totals),
                })))
            }
        }
    }

    /// Deals everyone who has scored into `teams` teams by last month's points.
    async fn team_balance(
        &self,
        ctx: Ctx,
        teams: usize,
        seed: u64,
    ) -> Result<Response, EngineError> {
        let (today, _) = self.channel_today(ctx.channel_id).await?;
        let last_month = scope(Period::Month, month_start(today) - Duration::days(1), None);
        let candidates = self
            .store
            .team_candidates(ctx.guild_id, &last_month)
            .await?;
        if candidates.len() < teams {
            let scored = match candidates.len() {
                0 => "No member has".to_owned(),
                1 => "Only 1 member has".to_owned(),
                n => format!("Only {n} members have"),
            };
            return user(format!("{scored} scored here: too few for {teams} teams."));
        }
        let dealt: Vec<(String, Vec<i64>)> = crate::domain::teams::balance(candidates, teams, seed)
            .into_iter()
            .enumerate()
            .map(|(i, members)| (format!("Team {}", i + 1), members))
            .collect();
        self.store
            .replace_teams(ctx.guild_id, &dealt, self.clock.now())
            .await?;
        let sizes: Vec<String> = dealt
            .iter()
            .map(|(name, m)| format!("{name} ({})", m.len()))
            .collect();
        Ok(Response::text(format!(
            "Balanced from last month's points (seed {seed}): {}. See /team board.",
            sizes.join(", ")
        )))
    }
}
