//! Buttons and modals. poise dispatches slash commands and autocomplete; the
//! rest of `INTERACTION_CREATE` lands here. Every `custom_id` carries what the
//! click needs (see [`ids`](super::ids)), so this is stateless and buttons keep
//! working across restarts.
//!
//! Slow work (a typed answer may run SQL or an LLM) is deferred first, within
//! Discord's 3 seconds, then the deferred message is edited (`@original`) and
//! any further pieces are followups.

use super::ids::{answer_command, Action, ANSWER_FIELD};
use super::render::{self, Outgoing};
use super::shim::{actor_of, place_of, reference};
use super::{Data, Error};
use crate::domain::command::Command;
use crate::domain::reply::Body;
use crate::engine::{Actor, Place};
use poise::serenity_prelude::{
    ActionRowComponent, ComponentInteraction, Context, CreateInteractionResponse,
    CreateInteractionResponseMessage, EditInteractionResponse, FullEvent, Interaction,
    InteractionId, MessageFlags, MessageInteractionMetadata, ModalInteraction,
};

/// poise's event handler: routes component and modal interactions.
pub async fn on_event(ctx: &Context, event: &FullEvent, data: &Data) -> Result<(), Error> {
    let FullEvent::InteractionCreate { interaction } = event else {
        return Ok(());
    };
    let (target, outcome) = match interaction {
        Interaction::Component(c) => (Target::of_component(c), component(ctx, data, c).await),
        Interaction::Modal(m) => (Target::of_modal(m), modal(ctx, data, m).await),
        _ => return Ok(()),
    };
    if let Err(e) = outcome {
        let reference = reference();
        tracing::error!(error = %e, %reference, "interaction failed");
        target
            .send(ctx, vec![render::apology(&reference)])
            .await
            .ok();
    }
    Ok(())
}

/// Where an interaction's answers go.
struct Target {
    id: InteractionId,
    token: String,
    deferred: bool,
}

impl Target {
    fn of_component(c: &ComponentInteraction) -> Self {
        Self {
            id: c.id,
            token: c.token.clone(),
            deferred: false,
        }
    }

    fn of_modal(m: &ModalInteraction) -> Self {
        Self {
            id: m.id,
            token: m.token.clone(),
            deferred: false,
        }
    }

    /// Acknowledges now and answers later (privately).
    async fn defer(&mut self, ctx: &Context) -> Result<(), Error> {
        let defer = CreateInteractionResponse::Defer(
            CreateInteractionResponseMessage::new().ephemeral(true),
        );
        ctx.http
            .create_interaction_response(self.id, &self.token, &defer, vec![])
            .await?;
        self.deferred = true;
        Ok(())
    }

    /// Sends the messages: the first as the response (or the edit of the
    /// deferred one), the rest as followups.
    async fn send(&self, ctx: &Context, messages: Vec<Outgoing>) -> Result<(), Error> {
        for (i, out) in messages.into_iter().enumerate() {
            match (i, self.deferred) {
                (0, false) => {
                    let response = CreateInteractionResponse::Message(out.into_response());
                    ctx.http
                        .create_interaction_response(self.id, &self.token, &response, vec![])
                        .await?;
                }
                (0, true) => {
                    let edit = EditInteractionResponse::new()
                        .embeds(out.embeds)
                        .components(out.components);
                    ctx.http
                        .edit_original_interaction_response(&self.token, &edit, vec![])
                        .await?;
                }
                _ => {
                    ctx.http
                        .create_followup_message(&self.token, &out.into_followup(), vec![])
                        .await?;
                }
            }
        }
        Ok(())
    }

    /// Replaces the message the button is on (leaderboard paging).
    async fn update(&self, ctx: &Context, out: Outgoing) -> Result<(), Error> {
        let response = CreateInteractionResponse::UpdateMessage(out.into_response());
        ctx.http
            .create_interaction_response(self.id, &self.token, &response, vec![])
            .await?;
        Ok(())
    }
}

/// Runs a command for a button or modal, deferring if it may be slow, and
/// sends the reply and effects.
async fn run(
    ctx: &Context,
    data: &Data,
    mut target: Target,
    actor: Actor,
    place: Place,
    cmd: Command,
) -> Result<(), Error> {
    if data.engine.is_slow(&cmd) {
        target.defer(ctx).await?;
    }
    let response = data.engine.handle(&actor, &place, cmd).await;
    target.send(ctx, render::reply(&response.reply)).await?;
    data.carry_out(response.effects).await;
    Ok(())
}

#[tracing::instrument(skip_all, fields(custom_id = %c.data.custom_id, user = %c.user.id))]
async fn component(ctx: &Context, data: &Data, c: &ComponentInteraction) -> Result<(), Error> {
    let target = Target::of_component(c);
    let actor = actor_of(&c.user, c.member.as_ref());
    let place = place_of(c.guild_id, c.channel_id);
    match Action::parse(&c.data.custom_id) {
        Some(Action::OpenAnswer { post }) => {
            let modal = CreateInteractionResponse::Modal(render::answer_modal(Some(post), None));
            ctx.http
                .create_interaction_response(c.id, &c.token, &modal, vec![])
                .await?;
            Ok(())
        }
        Some(action @ Action::Leaderboard { .. }) => {
            let cmd = action.command().expect("a leaderboard page is a command");
            let response = data.engine.handle(&actor, &place, cmd).await;
            let mine = c
                .message
                .flags
                .is_some_and(|f| f.contains(MessageFlags::EPHEMERAL))
                || matches!(c.message.interaction_metadata.as_deref(), Some(MessageInteractionMetadata::Command(m)) if m.user.id == c.user.id);
            match (&response.reply.body, mine) {
                (Body::Leaderboard(_), true) => {
                    target
                        .update(ctx, render::reply(&response.reply).remove(0))
                        .await
                }
                _ => target.send(ctx, render::reply(&response.reply)).await,
            }
        }
        Some(action) => match action.command() {
            Some(cmd) => run(ctx, data, target, actor, place, cmd).await,
            None => stale(ctx, target).await,
        },
        None => stale(ctx, target).await,
    }
}

/// A button prepbot no longer understands (or another bot's).
async fn stale(ctx: &Context, target: Target) -> Result<(), Error> {
    let reply = crate::domain::reply::Reply {
        visibility: crate::domain::reply::Visibility::Private,
        body: Body::Error("This button is no longer active. Try /quiz or /answer.".into()),
    };
    target.send(ctx, render::reply(&reply)).await
}

#[tracing::instrument(skip_all, fields(custom_id = %m.data.custom_id, user = %m.user.id))]
async fn modal(ctx: &Context, data: &Data, m: &ModalInteraction) -> Result<(), Error> {
    let target = Target::of_modal(m);
    let Some(Action::SubmitAnswer { post }) = Action::parse(&m.data.custom_id) else {
        return stale(ctx, target).await;
    };
    let text = modal_text(m).unwrap_or_default();
    let actor = actor_of(&m.user, m.member.as_ref());
    let place = place_of(m.guild_id, m.channel_id);
    run(ctx, data, target, actor, place, answer_command(post, &text)).await
}

/// The answer field's text.
fn modal_text(m: &ModalInteraction) -> Option<String> {
    m.data
        .components
        .iter()
        .flat_map(|row| &row.components)
        .find_map(|c| match c {
            ActionRowComponent::InputText(t) if t.custom_id == ANSWER_FIELD => t.value.clone(),
            _ => None,
        })
}
