//! Competition work the scheduler claims (season ends, weekly and monthly
//! winners, and the redelivery of their posts), plus the commands around
//! them: `/winners on|off`, `/privacy hide|show` and `/forget me`.
//!
//! Claims follow the daily posts exactly: a unique key (or `ended_at IS
//! NULL`) makes each claim happen once, and a post not confirmed within the
//! lease is claimed again and sent again.

use super::{Engine, EngineError, Place, Platform};
use crate::domain::boards::scope;
use crate::domain::command::{CompeteCommand, Period};
use crate::domain::reply::{Announced, Announcement, Effect, PeriodWinners, Response};
use crate::storage::{CompetitionPost, Ctx, StoreError, WinnersChannel};
use chrono::{DateTime, Datelike, Duration, Months, NaiveDate, Utc};

fn invalid(e: impl std::fmt::Display) -> EngineError {
    EngineError::Store(StoreError::Invalid(e.to_string()))
}

pub(super) fn week_start(day: NaiveDate) -> NaiveDate {
    day - Duration::days(i64::from(day.weekday().num_days_from_monday()))
}

pub(super) fn month_start(day: NaiveDate) -> NaiveDate {
    day.with_day(1).expect("every month has a first day")
}

impl Engine {
    pub(super) async fn compete(
        &self,
        ctx: Ctx,
        place: &Place,
        cmd: CompeteCommand,
    ) -> Result<Response, EngineError> {
        match cmd {
            CompeteCommand::Season(s) => self.season(ctx, place, s).await,
            CompeteCommand::Privacy { hide } => {
                self.store.set_hidden(ctx.member_id, hide).await?;
                self.privacy_roles(ctx, place).await?;
                Ok(Response::text(if hide {
                    "You now appear as \"anonymous\" on public boards and winners posts. You still see your own rank."
                } else {
                    "Your name shows on public boards and winners posts again."
                }))
            }
            CompeteCommand::ForgetMe { confirmed: false } => Ok(Response::text(
                "This deletes all your answers, points, streaks and wins in this server, for good. \
                 To go ahead, send: /forget me confirm:yes",
            )),
            CompeteCommand::ForgetMe { confirmed: true } => {
                let now = self.clock.now();
                let n = (self.store)
                    .forget_member(ctx.guild_id, ctx.member_id, now)
                    .await?;
                Ok(Response::text(format!(
                    "Done: {n} answers and every point, streak and win of yours in this server are deleted."
                )))
            }
            CompeteCommand::Team(t) => self.team(ctx, t).await,
            CompeteCommand::Round(r) => self.round(ctx, r).await,
            CompeteCommand::Rewards(r) => self.rewards(ctx, place, r).await,
            CompeteCommand::Board { kind, period } => self.fair_board(ctx, kind, period).await,
            CompeteCommand::Scoring { on_time, streak } => {
                self.scoring_switches(ctx, on_time, streak).await
            }
            CompeteCommand::Winners { on } => {
                let tz = self.channel_tz(ctx.channel_id).await?;
                let today = self.clock.now().with_timezone(&tz).date_naive();
                self.store
                    .set_winners(ctx.channel_id, on.then_some(today))
                    .await?;
                Ok(Response::text(if on {
                    format!("Winners posts on: at the end of each week and month ({}), this channel gets the winners.", tz.name())
                } else {
                    "Winners posts off here.".to_owned()
                }))
            }
        }
    }

    /// Everything competitive due by `now` on `platforms`, added to `out` as
    /// it is claimed (see [`Engine::run_due`]): stale claims to send again,
    /// seasons that ended, and weeks and months that ended in each opted-in
    /// channel's zone.
    pub(super) async fn competition_due(
        &self,
        now: DateTime<Utc>,
        platforms: &[Platform],
        out: &mut Vec<Effect>,
    ) -> Result<(), EngineError> {
        for post in self
            .store
            .claim_undelivered_competition(now, now - self.lease, platforms)
            .await?
        {
            out.push(self.announcement_effect(&post).await?);
        }
        for (post_id, season) in self.store.close_seasons(now, None, platforms).await? {
            out.push(self.season_effect(post_id, &season).await?);
        }
        for w in self.store.winners_channels(platforms).await? {
            for id in self.claim_period_winners(&w, now).await? {
                let post = self.store.competition_post(id).await?;
                out.push(self.announcement_effect(&post).await?);
            }
        }
        Ok(())
    }

    /// Claims the winners posts of the week and the month that ended last in
    /// the channel's zone, if they ended after the channel opted in.
    async fn claim_period_winners(
        &self,
        w: &WinnersChannel,
        now: DateTime<Utc>,
    ) -> Result<Vec<i64>, EngineError> {
        let tz: chrono_tz::Tz = w.tz.parse().unwrap_or(chrono_tz::UTC);
        let today = now.with_timezone(&tz).date_naive();
        let periods = [
            (
                "week",
                week_start(today),
                week_start(today) - Duration::days(7),
                Period::Week,
            ),
            (
                "month",
                month_start(today),
                month_start(today) - Months::new(1),
                Period::Month,
            ),
        ];
        let mut claimed = Vec::new();
        for (kind, ended, start, period) in periods {
            if w.since >= ended {
                continue;
            }
            let board = scope(period, start, None);
            if let Some(id) = self
                .store
                .claim_winners(w, (kind, start, &board), now)
                .await?
            {
                claimed.push(id);
            }
        }
        Ok(claimed)
    }

    /// The effect of a claimed competition post, rebuilt from the database.
    async fn announcement_effect(&self, post: &CompetitionPost) -> Result<Effect, EngineError> {
        if post.kind == "round" {
            return self.round_effect(post).await;
        }
        let platform: Platform = post.platform.parse().map_err(invalid)?;
        if post.kind == "season" {
            let id: i64 = post.period_key.parse().map_err(invalid)?;
            let season = self
                .store
                .season(post.guild_id, id)
                .await?
                .ok_or_else(|| invalid(format!("season {id} is gone")))?;
            return self.season_effect(post.id, &season).await;
        }
        let start: NaiveDate = post.period_key.parse().map_err(invalid)?;
        let (period, end) = if post.kind == "week" {
            (Period::Week, start + Duration::days(6))
        } else {
            (Period::Month, start + Months::new(1) - Duration::days(1))
        };
        let podium = self
            .store
            .public_podium(post.guild_id, &scope(period, start, None), 3)
            .await?;
        Ok(Effect::Announce {
            platform,
            channel: post.channel_external.clone(),
            card: Announcement {
                id: post.id,
                body: Announced::Winners(PeriodWinners {
                    period: post.kind.clone(),
                    from: start.to_string(),
                    to: end.to_string(),
                    podium,
                }),
            },
        })
    }

    /// Delivery hooks for competition posts and reward role changes:
    /// confirmed, released unsent, or refused for good. `false` when
    /// `effect` is neither.
    pub(super) async fn competition_delivery(
        &self,
        effect: &Effect,
        outcome: DeliveryOutcome<'_>,
    ) -> Result<bool, EngineError> {
        if self.reward_delivery(effect, &outcome).await? {
            return Ok(true);
        }
        let Effect::Announce { card, .. } = effect else {
            return Ok(false);
        };
        match outcome {
            DeliveryOutcome::Delivered => {
                self.store.mark_announced(card.id, self.clock.now()).await?
            }
            DeliveryOutcome::Released => self.store.release_announcement(card.id).await?,
            DeliveryOutcome::Refused(why) => self.store.give_up_announcement(card.id, why).await?,
        }
        Ok(true)
    }
}

/// What happened to a delivery, for [`Engine::competition_delivery`].
pub(super) enum DeliveryOutcome<'a> {
    Delivered,
    Released,
    Refused(&'a str),
}
