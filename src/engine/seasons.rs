//! Seasons: `/season start|end|status|history|results`, and the results
//! each season posts when it ends.
//!
//! A season belongs to a server and has a home channel: the channel it was
//! started in, whose time zone sets its end (midnight after its last day)
//! and where its results are posted. Its board sums the ledger from its
//! start, so the lifetime boards are untouched (a soft reset).

use super::teams::rank_teams;
use super::{user, Engine, EngineError, Place};
use crate::bank::Topic;
use crate::domain::command::SeasonCommand;
use crate::domain::reply::{
    Announced, Announcement, Award, Body, Effect, Response, SeasonLine, SeasonResults, SeasonStatus,
};
use crate::storage::{season_scope, BoardQuery, Ctx, NewSeason, SeasonRow, Window};
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;

/// Rows of the season board in `/season status`.
const STATUS_ROWS: i64 = 10;

/// Scored answers a member needs in a season to be "most accurate".
pub const MIN_ACCURACY_ANSWERS: i64 = 3;

/// The first instant of local date `day` in `tz`. Where midnight does not
/// exist (a zone that springs forward at 00:00), the first hour that does.
pub fn local_midnight(tz: Tz, day: NaiveDate) -> DateTime<Utc> {
    (0..=3)
        .find_map(|h| {
            tz.from_local_datetime(&day.and_hms_opt(h, 0, 0)?)
                .earliest()
        })
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| Utc.from_utc_datetime(&day.and_hms_opt(0, 0, 0).expect("midnight")))
}

fn zone(name: &str) -> Tz {
    name.parse().unwrap_or(chrono_tz::UTC)
}

/// The local date of an instant in a season's zone.
fn local_day(s: &SeasonRow, at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&zone(&s.tz)).date_naive()
}

impl Engine {
    pub(super) async fn season(
        &self,
        ctx: Ctx,
        place: &Place,
        cmd: SeasonCommand,
    ) -> Result<Response, EngineError> {
        match cmd {
            SeasonCommand::Start {
                name,
                ends,
                topics,
                teams,
            } => self.season_start(ctx, &name, ends, &topics, teams).await,
            SeasonCommand::End => self.season_end(ctx, place).await,
            SeasonCommand::Status => self.season_status(ctx).await,
            SeasonCommand::History => self.season_history(ctx).await,
            SeasonCommand::Results { season } => {
                match self.store.season(ctx.guild_id, season).await? {
                    Some(s) if s.ended_at.is_some() => Ok(Response::private(Body::SeasonResults(
                        self.season_results(&s).await?,
                    ))),
                    Some(_) => user("That season is still running: see /season status."),
                    None => user(format!(
                        "There is no season #{season} here: see /season history."
                    )),
                }
            }
        }
    }

    async fn season_start(
        &self,
        ctx: Ctx,
        name: &str,
        ends: NaiveDate,
        topics: &[Topic],
        teams: bool,
    ) -> Result<Response, EngineError> {
        if teams
            && self
                .store
                .team_totals(ctx.guild_id, "all")
                .await?
                .is_empty()
        {
            return user(
                "There are no teams here to play a team season: create some with /team create NAME or /team balance teams:N first.",
            );
        }
        if let Some(t) = topics.iter().find(|t| !self.bank.has_topic(t.as_str())) {
            return user(format!(
                "Unknown topic `{t}`. Topics: {}",
                self.topic_list()
            ));
        }
        let tz = self.channel_tz(ctx.channel_id).await?;
        let now = self.clock.now();
        let today = now.with_timezone(&tz).date_naive();
        if ends < today {
            return user(format!(
                "The season would end before it starts: today is {today} here ({}).",
                tz.name()
            ));
        }
        let ends_at = local_midnight(tz, ends + Duration::days(1));
        let season = NewSeason {
            guild_id: ctx.guild_id,
            channel_id: ctx.channel_id,
            name,
            topics: topics.iter().map(|t| t.to_string()).collect(),
            started_at: now,
            ends_on: ends,
            tz: tz.name(),
            ends_at,
            by: ctx.member_id,
            teams,
        };
        let Some(id) = self.store.start_season(&season).await? else {
            return user(
                "A season is already running here: see /season status, or end it with /season end.",
            );
        };
        let played_by = if teams {
            " It is played by teams: everyone plays for the team they are in now (or the first one they join), and the best average per active member wins."
        } else {
            ""
        };
        Ok(Response::public(Body::Text(format!(
            "Season #{id} **{}** has started! Points earned from now until {} count on its board; lifetime points are kept.{played_by} See /season status.",
            crate::domain::markup::escape(name),
            ends_label(tz, ends_at),
        ))))
    }

    async fn season_end(&self, ctx: Ctx, place: &Place) -> Result<Response, EngineError> {
        let now = self.clock.now();
        let closed = self
            .store
            .close_seasons(now, Some(ctx.guild_id), &[place.platform])
            .await?;
        let Some((post_id, season)) = closed.into_iter().next() else {
            return user("No season is running here.");
        };
        let effect = self.season_effect(post_id, &season).await?;
        Ok(Response::text(format!(
            "Season #{} ended; its results are posted.",
            season.id
        ))
        .with_effect(effect))
    }

    /// The results post of a season claimed as `post_id`.
    pub(super) async fn season_effect(
        &self,
        post_id: i64,
        season: &SeasonRow,
    ) -> Result<Effect, EngineError> {
        let at = self.store.channel_ref(season.channel_id).await?;
        Ok(Effect::Announce {
            platform: at
                .platform
                .parse()
                .map_err(|e: String| EngineError::Store(crate::storage::StoreError::Invalid(e)))?,
            channel: at.external_id,
            card: Announcement {
                id: post_id,
                body: Announced::SeasonResults(self.season_results(season).await?),
            },
        })
    }

    async fn season_status(&self, ctx: Ctx) -> Result<Response, EngineError> {
        let Some(s) = self.store.running_season(ctx.guild_id).await? else {
            return user("No season is running here. An admin can start one with /season start name:\"Winter 2027\" ends:2027-03-31");
        };
        let scope = season_scope(s.id);
        let query = BoardQuery {
            guild_id: s.guild_id,
            scope: &scope,
            me: ctx.member_id,
            offset: 0,
            limit: STATUS_ROWS,
        };
        let (rows, _, me) = self.store.leaderboard(query).await?;
        let (teams, my_team) = if s.teams {
            (
                rank_teams(self.store.season_team_board(&s).await?),
                self.store.season_team_of(s.guild_id, ctx.member_id).await?,
            )
        } else {
            (vec![], None)
        };
        Ok(Response::private(Body::SeasonStatus(SeasonStatus {
            season_id: s.id,
            name: s.name.clone(),
            started_on: local_day(&s, s.started_at).to_string(),
            ends_on: s.ends_on.to_string(),
            ends_label: ends_label(zone(&s.tz), s.ends_at),
            topics: self.topic_names(&s.topics),
            rows,
            me,
            teams,
            my_team,
        })))
    }

    async fn season_history(&self, ctx: Ctx) -> Result<Response, EngineError> {
        let mut lines = Vec::new();
        for s in self.store.seasons(ctx.guild_id).await? {
            let running = s.ended_at.is_none();
            lines.push(SeasonLine {
                season_id: s.id,
                name: s.name.clone(),
                started_on: local_day(&s, s.started_at).to_string(),
                ends_on: last_day(&s).to_string(),
                running,
                champions: if running {
                    vec![]
                } else {
                    self.store.season_champions(&s).await?
                },
                teams: if s.teams && !running {
                    self.store.season_winning_teams(s.id).await?
                } else {
                    vec![]
                },
            });
        }
        Ok(Response::private(Body::SeasonHistory(lines)))
    }

    /// A season's podium and awards, with public names.
    pub(super) async fn season_results(&self, s: &SeasonRow) -> Result<SeasonResults, EngineError> {
        let (from, to) = s.window();
        let window = Window {
            guild_id: s.guild_id,
            from,
            to,
            topics: &s.topics,
        };
        let scope = season_scope(s.id);
        let podium = self.store.public_podium(s.guild_id, &scope, 3).await?;
        let most_improved = match self.store.previous_season(s).await? {
            Some(p) => {
                let scopes = (scope.as_str(), season_scope(p.id));
                let (top, _) = self
                    .store
                    .improved_board(s.guild_id, (scopes.0, &scopes.1), 0, 1)
                    .await?;
                top.into_iter().next().map(|r| Award {
                    name: r.name,
                    value: r.value,
                    out_of: None,
                })
            }
            // A server's first season: against the same length of time before it.
            None => {
                self.store
                    .most_improved(window, (from - (to - from), from))
                    .await?
            }
        };
        Ok(SeasonResults {
            season_id: s.id,
            name: s.name.clone(),
            started_on: local_day(s, from).to_string(),
            ended_on: last_day(s).to_string(),
            podium,
            most_improved,
            longest_streak: self.store.longest_streak_in(s.channel_id, from, to).await?,
            most_accurate: self
                .store
                .most_accurate(window, MIN_ACCURACY_ANSWERS)
                .await?,
            min_answers: MIN_ACCURACY_ANSWERS,
            teams: if s.teams {
                rank_teams(self.store.season_team_board(s).await?)
            } else {
                vec![]
            },
            winning_teams: if s.teams {
                self.store.season_winning_teams(s.id).await?
            } else {
                vec![]
            },
        })
    }

    fn topic_names(&self, slugs: &[String]) -> Vec<String> {
        slugs
            .iter()
            .map(|t| match Topic::parse(t) {
                Ok(slug) => self.topic_name(&slug),
                Err(_) => t.clone(),
            })
            .collect()
    }
}

/// The last local day a season counts (its planned last day, or the day
/// before an early close's midnight).
fn last_day(s: &SeasonRow) -> NaiveDate {
    match s.ended_at {
        Some(end) if end < s.ends_at => local_day(s, end),
        _ => s.ends_on,
    }
}

/// "Thu 01 Apr 2027 00:00 BST"
fn ends_label(tz: Tz, at: DateTime<Utc>) -> String {
    at.with_timezone(&tz)
        .format("%a %d %b %Y %H:%M %Z")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn local_midnight_follows_the_zone_on_that_date() {
        let ny: Tz = "America/New_York".parse().unwrap();
        assert_eq!(
            local_midnight(ny, d(2027, 3, 14)).to_rfc3339(),
            "2027-03-14T05:00:00+00:00"
        );
        assert_eq!(
            local_midnight(ny, d(2027, 3, 15)).to_rfc3339(),
            "2027-03-15T04:00:00+00:00"
        );
    }

    #[test]
    fn where_midnight_does_not_exist_the_day_starts_at_its_first_hour() {
        // Cuba springs forward at 00:00: 14 March 2027 starts at 01:00 CDT.
        let havana: Tz = "America/Havana".parse().unwrap();
        assert_eq!(
            local_midnight(havana, d(2027, 3, 14)).to_rfc3339(),
            "2027-03-14T05:00:00+00:00"
        );
    }
}
