//! Leaderboards, stats and streaks.

use super::{user, Engine, EngineError};
use crate::bank::Topic;
use crate::domain::command::Period;
use crate::domain::reply::{Body, Leaderboard, Response, Stats, StreakCard, TopicLine};
use crate::storage::{BoardQuery, Ctx};

/// Rows per leaderboard page.
pub const PAGE_SIZE: i64 = 10;

impl Engine {
    pub(super) async fn leaderboard(
        &self,
        ctx: Ctx,
        period: Period,
        topic: Option<Topic>,
        page: u32,
    ) -> Result<Response, EngineError> {
        let board = self.board(ctx, period, topic, page).await?;
        Ok(Response::private(Body::Leaderboard(board)))
    }

    /// One page of a leaderboard, with the asker's own standing.
    pub(super) async fn board(
        &self,
        ctx: Ctx,
        period: Period,
        topic: Option<Topic>,
        page: u32,
    ) -> Result<Leaderboard, EngineError> {
        if let Some(t) = &topic {
            if !self.bank.has_topic(t.as_str()) {
                return user(format!(
                    "Unknown topic `{t}`. Topics: {}",
                    self.topic_list()
                ));
            }
        }
        let (today, _) = self.channel_today(ctx.channel_id).await?;
        let scope = crate::domain::boards::scope(period, today, topic.as_ref().map(Topic::as_str));
        let query = BoardQuery {
            guild_id: ctx.guild_id,
            scope: &scope,
            me: ctx.member_id,
            offset: (i64::from(page) - 1) * PAGE_SIZE,
            limit: PAGE_SIZE,
        };
        let (rows, total, me) = self.store.leaderboard(query).await?;
        let pages = u32::try_from((total + PAGE_SIZE - 1) / PAGE_SIZE)
            .unwrap_or(u32::MAX)
            .max(1);
        if page > pages {
            return user(match pages {
                1 => "There is only one page.".to_owned(),
                n => format!("There are only {n} pages."),
            });
        }
        Ok(Leaderboard {
            period,
            topic,
            page,
            pages,
            rows,
            me,
        })
    }

    pub(super) async fn stats(
        &self,
        ctx: Ctx,
        me: &str,
        member: Option<String>,
    ) -> Result<Response, EngineError> {
        let stats = self.stats_card(ctx, me, member).await?;
        Ok(Response::private(Body::Stats(stats)))
    }

    /// A member's stats (`None`: the asker's, called `me`).
    pub(super) async fn stats_card(
        &self,
        ctx: Ctx,
        me: &str,
        member: Option<String>,
    ) -> Result<Stats, EngineError> {
        let (member_id, name) = match member {
            None => (ctx.member_id, None),
            Some(who) => match self.store.find_member(ctx.guild_id, &who).await? {
                // `/privacy hide` keeps a member's record to themselves.
                Some((id, _)) if id != ctx.member_id && self.store.is_hidden(id).await? => {
                    return user("That member keeps their stats private.")
                }
                Some((id, name)) => (id, Some(name)),
                None => return user(format!("No member called `{who}` has played here yet.")),
            },
        };
        let per_topic = self.store.topic_stats(member_id).await?;
        let (today, _) = self.channel_today(ctx.channel_id).await?;
        let streak = self.store.streak(ctx.channel_id, member_id).await?;
        let previous_post = self.store.previous_daily(ctx.channel_id, today).await?;
        let name = name.unwrap_or_else(|| me.to_owned());
        Ok(Stats {
            name,
            points: self.store.total_points(ctx.guild_id, member_id).await?,
            answers: per_topic.iter().map(|t| t.answered).sum(),
            correct: per_topic.iter().map(|t| t.correct).sum(),
            streak: streak.as_of(previous_post),
            best_streak: self.store.best_streak(member_id).await?,
            per_topic: per_topic
                .into_iter()
                .map(|t| TopicLine {
                    name: Topic::parse(&t.topic)
                        .map(|slug| self.topic_name(&slug))
                        .unwrap_or(t.topic),
                    answered: t.answered,
                    correct: t.correct,
                    points: t.points,
                })
                .collect(),
            wins: self.store.wins(member_id).await?,
            badges: self.store.member_badges(member_id).await?,
        })
    }

    pub(super) async fn streak(&self, ctx: Ctx) -> Result<Response, EngineError> {
        let (today, days) = self.channel_today(ctx.channel_id).await?;
        let streak = self.store.streak(ctx.channel_id, ctx.member_id).await?;
        let previous_post = self.store.previous_daily(ctx.channel_id, today).await?;
        Ok(Response::private(Body::Streak(StreakCard {
            current: streak.as_of(previous_post),
            best: streak.best,
            weekdays: days == crate::domain::command::Days::Weekdays,
        })))
    }
}
