//! Reveals: the model answer and who got it right, posted at the reveal
//! time by the scheduler ([`super::daily`]) or early by an admin's
//! `/reveal`, and shown privately once revealed.

use super::daily::platform_of;
use super::{user, Engine, EngineError, Platform};
use crate::domain::reply::{Body, Effect, Response, RevealCard};
use crate::storage::{Ctx, PostRow};

/// Most names listed in a reveal.
const MAX_NAMES: i64 = 25;

impl Engine {
    pub(super) async fn reveal_effect(&self, post: &PostRow) -> Result<Effect, EngineError> {
        let at = self.store.channel_ref(post.channel_id).await?;
        Ok(Effect::PostReveal {
            platform: platform_of(&at)?,
            channel: at.external_id,
            original: post.message_ref.clone(),
            card: self.reveal_card(post).await?,
        })
    }

    pub(super) async fn reveal_card(&self, post: &PostRow) -> Result<RevealCard, EngineError> {
        let at = self.store.channel_ref(post.channel_id).await?;
        let q = self.question(at.guild_id, &post.question_id).await?;
        let stats = self.store.reveal_stats(post.id, MAX_NAMES).await?;
        let shown = Self::shown(post, &q);
        Ok(RevealCard {
            options: shown
                .question
                .options()
                .iter()
                .map(|o| (o.id.clone(), o.text.clone(), o.correct))
                .collect(),
            post_id: post.id,
            question_id: q.id.clone(),
            prompt: q.prompt.clone(),
            answer: q.answer.clone(),
            summary: q.summary.clone(),
            explanation: q.explanation.clone(),
            answers: stats.answers,
            correct: stats.correct,
            correct_names: stats.correct_names,
            version_note: q.version_note.clone(),
        })
    }

    pub(super) async fn reveal_command(
        &self,
        ctx: Ctx,
        actor: &super::Actor,
        platform: Platform,
    ) -> Result<Response, EngineError> {
        let Some(post) = self.store.latest_daily(ctx.channel_id).await? else {
            return user("No daily question has been posted here yet.");
        };
        if post.revealed_at.is_some() {
            return Ok(Response::private(Body::Reveal(
                self.reveal_card(&post).await?,
            )));
        }
        if !actor.is_admin {
            let at = post.reveal_at.unwrap_or(post.posted_at);
            return user(format!(
                "The answer to #{} is revealed {}.",
                post.id,
                self.when(ctx, at).await?
            ));
        }
        let claimed = self
            .store
            .claim_reveals(self.clock.now(), Some(post.id), &[platform])
            .await?;
        let Some(post) = claimed.into_iter().next() else {
            return user("It was just revealed.");
        };
        let effect = self.reveal_effect(&post).await?;
        Ok(Response::text(format!("Revealed #{} early.", post.id)).with_effect(effect))
    }
}
