//! What front ends report back about the effects they were given: sent,
//! refused for good, never sent (shutdown), or the bot removed from a
//! server. Each moves the claim or the schedule behind the effect, so the
//! scheduler (in any replica) neither posts twice nor retries forever.

use super::{Engine, EngineError, Platform};
use crate::domain::reply::{Effect, MessageRef, PauseCard};

/// Why a server's schedules paused when the bot left it.
pub const SERVER_LEFT: &str = "the bot was removed from this server";

impl Engine {
    /// Records what a front end did with an effect.
    pub async fn delivered(
        &self,
        effect: &Effect,
        message: Option<&MessageRef>,
    ) -> Result<(), EngineError> {
        use super::competition::DeliveryOutcome;
        if self
            .competition_delivery(effect, DeliveryOutcome::Delivered)
            .await?
        {
            return Ok(());
        }
        let now = self.clock.now();
        match effect {
            Effect::PostQuestion { card, .. } => {
                self.store
                    .mark_posted(card.post_id, message.map(String::as_str), now)
                    .await?
            }
            Effect::PostReveal { card, .. } => self.store.mark_revealed(card.post_id, now).await?,
            // Best effort and never retried: nothing to record.
            Effect::TellAdmin { .. } => {}
            // Recorded by `competition_delivery` above; never reached.
            Effect::Announce { .. } | Effect::SetRole { .. } => {}
        }
        Ok(())
    }

    /// The platform refused `effect` for good (channel deleted, bot not
    /// allowed there): pauses that channel's schedule with `reason`, so
    /// delivery stops retrying it until an admin resumes it. The first
    /// time, it also returns the note that tells the admin who set the
    /// schedule up (when that admin is known). Competition posts are given
    /// up on their own terms.
    pub async fn undeliverable(
        &self,
        effect: &Effect,
        reason: &str,
    ) -> Result<Option<Effect>, EngineError> {
        use super::competition::DeliveryOutcome;
        if matches!(effect, Effect::TellAdmin { .. })
            || self
                .competition_delivery(effect, DeliveryOutcome::Refused(reason))
                .await?
        {
            return Ok(None);
        }
        let notice = self
            .store
            .pause_undeliverable(effect.post_id(), reason)
            .await?;
        Ok(notice.map(|n| Effect::TellAdmin {
            platform: effect.platform(),
            admin: n.admin,
            card: PauseCard {
                post_id: effect.post_id(),
                channel: n.channel,
                reason: reason.to_owned(),
            },
        }))
    }

    /// The bot was removed from a server: its schedules pause with the
    /// reason (shown by `/daily status`), so nothing is posted, or retried,
    /// where it can no longer post. Setting up again or resuming clears it.
    pub async fn server_left(&self, platform: Platform, server: &str) -> Result<u64, EngineError> {
        Ok(self
            .store
            .pause_server(platform, server, SERVER_LEFT)
            .await?)
    }

    /// Gives back the claim of an effect that was never sent (shutdown), so
    /// the next scheduler tick, in any process, delivers it at once.
    pub async fn release(&self, effect: &Effect) -> Result<(), EngineError> {
        use super::competition::DeliveryOutcome;
        if matches!(effect, Effect::TellAdmin { .. })
            || self
                .competition_delivery(effect, DeliveryOutcome::Released)
                .await?
        {
            return Ok(());
        }
        Ok(self.store.release_claim(effect.post_id()).await?)
    }
}
