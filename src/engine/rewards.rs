//! Rewards (issue 14): `/rewards` and the scheduler's part.
//!
//! Nothing here runs on the answer path: an answer only moves points and
//! streaks, and the scheduler's tick ([`Engine::run_due`]) finds who
//! reached a threshold since, grants the reward, passes the champion
//! reward when a period ends, and claims the role changes those call for
//! (on platforms with roles). So a reward arrives within a tick of being
//! earned, and answers stay as fast as before.

use super::competition::{month_start, week_start, DeliveryOutcome};
use super::{user, Engine, EngineError, Place, Platform};
use crate::domain::command::RewardsCommand;
use crate::domain::platform::names;
use crate::domain::reply::{Body, Effect, Response, RewardsCard};
use crate::domain::rewards::{has_roles, ChampionPeriod, Ladder, Reward};
use crate::storage::{season_scope, Ctx, RewardSettings, StoreError};
use chrono::{DateTime, Duration, Months, Utc};

fn invalid(e: impl std::fmt::Display) -> EngineError {
    EngineError::Store(StoreError::Invalid(e.to_string()))
}

impl Engine {
    pub(super) async fn rewards(
        &self,
        ctx: Ctx,
        place: &Place,
        cmd: RewardsCommand,
    ) -> Result<Response, EngineError> {
        let now = self.clock.now();
        let headline = match cmd {
            RewardsCommand::Status => None,
            RewardsCommand::Champion(period) => {
                let mode = period.map(ChampionPeriod::as_str);
                self.store
                    .set_champion(ctx.guild_id, mode, ctx.channel_id, now)
                    .await?;
                Some(champion_headline(period))
            }
            RewardsCommand::Ladder { ladder, tiers } => {
                self.store
                    .set_ladder(ctx.guild_id, ladder, &tiers, now)
                    .await?;
                Some(ladder_headline(ladder, &tiers))
            }
            RewardsCommand::Role { reward, role } => {
                Some(self.map_role(ctx, place.platform, reward, role).await?)
            }
        };
        let card = self.rewards_card(ctx, place.platform, headline).await?;
        Ok(Response::private(Body::Rewards(card)))
    }

    /// `/rewards role`: only where rewards can be roles, and only for a
    /// reward this server has on.
    async fn map_role(
        &self,
        ctx: Ctx,
        platform: Platform,
        reward: Reward,
        role: Option<String>,
    ) -> Result<String, EngineError> {
        if !has_roles(platform) {
            return user("Rewards are badges here: roles exist only on Discord.");
        }
        let settings = self.store.reward_settings(ctx.guild_id).await?;
        let on = settings.as_ref().is_some_and(|s| match reward {
            Reward::Champion => s.champion.is_some(),
            Reward::Tier(Ladder::Points, n) => s.milestones.contains(&n),
            Reward::Tier(Ladder::Streak, n) => s.streaks.contains(&n),
        });
        if !on {
            return user(format!(
                "`{}` is not one of this server's rewards: see /rewards status, and turn it on first.",
                reward.key()
            ));
        }
        self.store
            .set_reward_role(
                ctx.guild_id,
                &reward.key(),
                role.as_deref(),
                self.clock.now(),
            )
            .await?;
        Ok(match role {
            Some(r) => format!("{} now gives the role `{r}`.", reward.key()),
            None => format!("{} gives no role now.", reward.key()),
        })
    }

    async fn rewards_card(
        &self,
        ctx: Ctx,
        platform: Platform,
        headline: Option<String>,
    ) -> Result<RewardsCard, EngineError> {
        let s = self.store.reward_settings(ctx.guild_id).await?;
        let champion = match &s {
            Some(RewardSettings {
                champion: Some(c),
                tz,
                ..
            }) => Some((c.parse().map_err(invalid)?, tz.clone())),
            _ => None,
        };
        Ok(RewardsCard {
            headline,
            champion,
            champions: self.store.champions(ctx.guild_id).await?,
            milestones: s.as_ref().map(|s| s.milestones.clone()).unwrap_or_default(),
            streaks: s.as_ref().map(|s| s.streaks.clone()).unwrap_or_default(),
            roles_here: has_roles(platform),
            roles: self.store.reward_roles(ctx.guild_id).await?,
            yours: self.store.member_badges(ctx.member_id).await?,
        })
    }

    /// `/privacy hide|show` on a platform with roles: a hidden member's
    /// reward roles are taken back, and given back when they show again.
    pub(super) async fn privacy_roles(&self, ctx: Ctx, place: &Place) -> Result<(), EngineError> {
        if has_roles(place.platform) {
            self.store
                .sync_reward_roles(ctx.guild_id, ctx.member_id, self.clock.now())
                .await?;
        }
        Ok(())
    }

    /// The scheduler's part (see the module header): grants, the champion's
    /// pass, then the role changes to carry out, added to `out`.
    pub(super) async fn rewards_due(
        &self,
        now: DateTime<Utc>,
        platforms: &[Platform],
        out: &mut Vec<Effect>,
    ) -> Result<(), EngineError> {
        for s in self.store.reward_servers(&names(platforms)).await? {
            self.store
                .grant_ladder(s.guild_id, Ladder::Points, &s.milestones, now)
                .await?;
            self.store
                .grant_ladder(s.guild_id, Ladder::Streak, &s.streaks, now)
                .await?;
            if let (Some(mode), Some(key)) = (&s.champion, self.champion_due(&s, now).await?) {
                if let Some((lost, gained)) = self
                    .store
                    .pass_champion(s.guild_id, mode, &key, now)
                    .await?
                {
                    tracing::info!(guild = s.guild_id, %key, lost, gained, "champion reward passed");
                }
            }
        }
        for c in self
            .store
            .claim_role_changes(now, now - self.lease, platforms)
            .await?
        {
            out.push(Effect::SetRole {
                platform: c.platform.parse().map_err(invalid)?,
                guild: c.guild,
                member: c.member,
                role: c.role_id,
                give: c.give,
                id: c.id,
            });
        }
        Ok(())
    }

    /// The board (a scope) of the last period to end, if the champion
    /// reward has not passed for it yet and it ended after the reward was
    /// turned on. Weeks and months end at local midnight in the zone of
    /// the channel where `/rewards champion` was run, as winners posts do.
    async fn champion_due(
        &self,
        s: &RewardSettings,
        now: DateTime<Utc>,
    ) -> Result<Option<String>, EngineError> {
        let (Some(mode), Some(since)) = (&s.champion, s.champion_since) else {
            return Ok(None);
        };
        let tz: chrono_tz::Tz = s.tz.parse().unwrap_or(chrono_tz::UTC);
        let today = now.with_timezone(&tz).date_naive();
        let since_day = since.with_timezone(&tz).date_naive();
        let key = match mode.parse().map_err(invalid)? {
            ChampionPeriod::Week => {
                let ended = week_start(today);
                (since_day < ended).then(|| format!("w:{}", ended - Duration::days(7)))
            }
            ChampionPeriod::Month => {
                let ended = month_start(today);
                (since_day < ended).then(|| format!("m:{}", ended - Months::new(1)))
            }
            ChampionPeriod::Season => match self.store.last_ended_season(s.guild_id).await? {
                Some((id, ended)) if ended >= since => Some(season_scope(id)),
                _ => None,
            },
        };
        Ok(key.filter(|k| s.champion_key.as_deref() != Some(k)))
    }

    /// Delivery hooks for role changes: confirmed, released unsent, or
    /// refused for good. `false` when `effect` is not a role change.
    pub(super) async fn reward_delivery(
        &self,
        effect: &Effect,
        outcome: &DeliveryOutcome<'_>,
    ) -> Result<bool, EngineError> {
        let Effect::SetRole { id, .. } = effect else {
            return Ok(false);
        };
        match outcome {
            DeliveryOutcome::Delivered => {
                self.store.mark_role_changed(*id, self.clock.now()).await?
            }
            DeliveryOutcome::Released => self.store.release_role_change(*id).await?,
            DeliveryOutcome::Refused(why) => self.store.give_up_role_change(*id, why).await?,
        }
        Ok(true)
    }
}

fn champion_headline(period: Option<ChampionPeriod>) -> String {
    match period {
        Some(ChampionPeriod::Season) => {
            "Champion reward on: each season's winner holds it, from the next season's results."
                .into()
        }
        Some(p) => format!(
            "Champion reward on: each {}'s winner holds it, from the {} that ends next.",
            p.as_str(),
            p.as_str()
        ),
        None => "Champion reward off: the champions no longer hold it.".into(),
    }
}

fn ladder_headline(ladder: Ladder, tiers: &[i64]) -> String {
    let what = match ladder {
        Ladder::Points => "Milestone rewards",
        Ladder::Streak => "Streak rewards",
    };
    if tiers.is_empty() {
        format!("{what} off: their badges and roles are taken back.")
    } else {
        format!("{what} on. Members who already reached one get it within a minute.")
    }
}
