//! Buttons, selects and modals. poise dispatches slash commands and
//! autocomplete; the rest of `INTERACTION_CREATE` lands here. Every
//! `custom_id` is a core [`ActionId`] carrying what the click needs, so this
//! is stateless and buttons keep working across restarts.
//!
//! Slow work (a typed answer may run SQL or an LLM) is deferred first, within
//! Discord's 3 seconds, then the deferred message is edited (`@original`) and
//! any further pieces are followups. One [`Target`] per interaction
//! remembers whether it was acknowledged, so even an apology after a failure
//! goes through the right endpoint.
//!
//! Each interaction runs in a task of its own behind a gate
//! ([`super::INTERACTIONS_AT_ONCE`]); see [`admit`] for why (memory in a
//! burst, docs/benchmarks.md "Footprint").

use super::channels::schedule_channel;
use super::render::{self, Outgoing};
use super::shim::{actor_of, place_of, reference};
use super::{Data, Error};
use crate::domain::action::{ActionId, Input, ANSWER_FIELD};
use crate::domain::command::{Command, ParseError};
use crate::domain::reply::Visibility;
use crate::runner::{Runner, Shown, Surface};
use async_trait::async_trait;
use poise::serenity_prelude::{
    ActionRowComponent, ComponentInteraction, ComponentInteractionDataKind, Context,
    CreateInteractionResponse, CreateInteractionResponseMessage, EditInteractionResponse,
    FullEvent, Interaction, InteractionId, MessageFlags, MessageInteractionMetadata,
    ModalInteraction, UnavailableGuild,
};

/// poise's event handler: hands component and modal interactions to
/// [`admit`], and notices when the bot is removed from a server.
pub async fn on_event(ctx: &Context, event: &FullEvent, data: &Data) -> Result<(), Error> {
    match event {
        FullEvent::InteractionCreate { interaction } => {
            if matches!(
                interaction,
                Interaction::Component(_) | Interaction::Modal(_)
            ) {
                admit(ctx, interaction, data);
            }
            Ok(())
        }
        FullEvent::GuildDelete { incomplete, .. } => left(data, incomplete).await,
        _ => Ok(()),
    }
}

/// Handles the interaction in a task of its own and returns at once, so
/// poise's dispatch future (about 30 KB per event, measured) is freed now
/// rather than held while the command waits for a database connection.
/// The task waits for the gate holding only the parsed interaction; when it
/// has to wait, it acknowledges first (a deferred reply), so Discord's
/// 3-second window is kept however long the queue.
fn admit(ctx: &Context, interaction: &Interaction, data: &Data) {
    let (ctx, interaction) = (ctx.clone(), interaction.clone());
    let (runner, gate, acks) = (data.runner.clone(), data.gate.clone(), data.acks.clone());
    tokio::spawn(async move {
        let (id, token) = match &interaction {
            Interaction::Component(c) => (c.id, c.token.as_str()),
            Interaction::Modal(m) => (m.id, m.token.as_str()),
            _ => return,
        };
        let mut target = Target::new(&ctx, id, token);
        let _permit = match gate.clone().try_acquire_owned() {
            Ok(permit) => permit,
            Err(_) => {
                if !opens_form(&interaction) {
                    let _ack = acks.acquire().await;
                    if let Err(e) = Box::pin(target.defer()).await {
                        tracing::warn!(error = %format!("{e:#}"), "could not defer a queued interaction");
                    }
                }
                let Ok(permit) = gate.acquire_owned().await else {
                    return;
                };
                permit
            }
        };
        // Boxed: the command's future is allocated only once admitted.
        Box::pin(handle(&runner, &mut target, &interaction)).await;
    });
}

/// Whether the click opens the answer form: that must be the interaction's
/// first response, so it is never deferred (it needs no database).
fn opens_form(interaction: &Interaction) -> bool {
    matches!(interaction, Interaction::Component(c)
        if matches!(ActionId::parse(&c.data.custom_id), Some(ActionId::OpenAnswer { .. })))
}

/// Runs a component or modal interaction; a failure is logged and the
/// person gets an apology with its reference.
async fn handle(runner: &Runner, target: &mut Target<'_>, interaction: &Interaction) {
    let outcome = match interaction {
        Interaction::Component(c) => component(runner, target, c).await,
        Interaction::Modal(m) => modal(runner, target, m).await,
        _ => Ok(()),
    };
    if let Err(e) = outcome {
        let reference = reference();
        tracing::error!(error = %format!("{e:#}"), %reference, "interaction failed");
        if let Err(e) = target.send(vec![render::apology(&reference)]).await {
            tracing::error!(error = %e, %reference, "could not send the apology");
        }
    }
}

/// GUILD_DELETE: with `unavailable` it is an outage and changes nothing;
/// without, the bot was removed (kicked, or the server deleted), so that
/// server's schedules pause with the reason instead of failing every day.
async fn left(data: &Data, guild: &UnavailableGuild) -> Result<(), Error> {
    if guild.unavailable {
        return Ok(());
    }
    let paused = data
        .runner
        .engine()
        .server_left(crate::engine::Platform::Discord, &guild.id.to_string())
        .await?;
    tracing::info!(guild = %guild.id, paused, "removed from a server; its schedules are paused");
    Ok(())
}

/// Where an interaction's answers go, and whether it was acknowledged.
pub struct Target<'a> {
    ctx: &'a Context,
    id: InteractionId,
    token: String,
    /// Deferred: the answer is an edit of `@original`.
    deferred: bool,
    /// Answered: anything more is a followup.
    answered: bool,
    /// Replace the message the button is on instead of answering.
    update: bool,
}

impl<'a> Target<'a> {
    fn new(ctx: &'a Context, id: InteractionId, token: &str) -> Self {
        Self {
            ctx,
            id,
            token: token.to_owned(),
            deferred: false,
            answered: false,
            update: false,
        }
    }

    async fn respond(&mut self, response: CreateInteractionResponse) -> Result<(), Error> {
        self.ctx
            .http
            .create_interaction_response(self.id, &self.token, &response, vec![])
            .await?;
        self.answered = true;
        Ok(())
    }

    /// Sends the messages through whichever endpoint the state allows.
    async fn send(&mut self, messages: Vec<Outgoing>) -> Result<(), Error> {
        for out in messages {
            if self.answered {
                self.ctx
                    .http
                    .create_followup_message(&self.token, &out.into_followup(), vec![])
                    .await?;
            } else if self.deferred {
                let edit = EditInteractionResponse::new()
                    .embeds(out.embeds)
                    .components(out.components)
                    .allowed_mentions(render::no_pings());
                self.ctx
                    .http
                    .edit_original_interaction_response(&self.token, &edit, vec![])
                    .await?;
                self.answered = true;
            } else if self.update {
                self.respond(CreateInteractionResponse::UpdateMessage(
                    out.into_response(),
                ))
                .await?;
            } else {
                self.respond(CreateInteractionResponse::Message(out.into_response()))
                    .await?;
            }
        }
        Ok(())
    }
}

#[async_trait]
impl Surface for Target<'_> {
    async fn defer(&mut self) -> anyhow::Result<()> {
        if !self.answered && !self.deferred {
            let defer = CreateInteractionResponse::Defer(
                CreateInteractionResponseMessage::new().ephemeral(true),
            );
            self.respond(defer).await?;
            self.answered = false;
            self.deferred = true;
        }
        Ok(())
    }

    async fn show(&mut self, shown: Shown) -> anyhow::Result<()> {
        // Only a private reply may replace the asker's own board message.
        self.update &= shown.visibility == Visibility::Private;
        self.send(render::shown(&shown)).await
    }
}

/// Runs the command a click stands for, or says why it cannot.
async fn run(
    runner: &Runner,
    target: &mut Target<'_>,
    actor_place: (crate::engine::Actor, crate::engine::Place),
    command: Option<Result<Command, ParseError>>,
) -> Result<(), Error> {
    match command {
        Some(Ok(cmd)) => {
            runner
                .run(&actor_place.0, &actor_place.1, cmd, target)
                .await?;
        }
        Some(Err(why)) => runner.refuse(target, &why.0).await?,
        None => {
            runner
                .refuse(
                    target,
                    "This button is no longer active. Try /quiz or /answer.",
                )
                .await?
        }
    }
    Ok(())
}

#[tracing::instrument(skip_all, fields(custom_id = %c.data.custom_id, user = %c.user.id))]
async fn component(
    runner: &Runner,
    target: &mut Target<'_>,
    c: &ComponentInteraction,
) -> Result<(), Error> {
    let who = (
        actor_of(&c.user, c.member.as_ref()),
        place_of(
            c.guild_id,
            schedule_channel(c.channel_id, c.channel.as_ref()),
        ),
    );
    let action = ActionId::parse(&c.data.custom_id);
    match &action {
        Some(ActionId::OpenAnswer { post }) => {
            let modal = CreateInteractionResponse::Modal(render::answer_modal(Some(*post), None));
            return target.respond(modal).await;
        }
        Some(ActionId::Leaderboard { .. }) => target.update = own_message(c),
        _ => {}
    }
    let picked = match &c.data.kind {
        ComponentInteractionDataKind::StringSelect { values } => values.clone(),
        _ => vec![],
    };
    let input = if picked.is_empty() {
        Input::None
    } else {
        Input::Picked(&picked)
    };
    let command = action.as_ref().and_then(|a| a.command(input));
    run(runner, target, who, command).await
}

/// Whether the clicked message is the clicker's own (an ephemeral reply, or
/// the response to their command): only then may paging replace it.
fn own_message(c: &ComponentInteraction) -> bool {
    c.message
        .flags
        .is_some_and(|f| f.contains(MessageFlags::EPHEMERAL))
        || matches!(c.message.interaction_metadata.as_deref(), Some(MessageInteractionMetadata::Command(m)) if m.user.id == c.user.id)
}

#[tracing::instrument(skip_all, fields(custom_id = %m.data.custom_id, user = %m.user.id))]
async fn modal(
    runner: &Runner,
    target: &mut Target<'_>,
    m: &ModalInteraction,
) -> Result<(), Error> {
    let who = (
        actor_of(&m.user, m.member.as_ref()),
        place_of(
            m.guild_id,
            schedule_channel(m.channel_id, m.channel.as_ref()),
        ),
    );
    let text = modal_text(m).unwrap_or_default();
    let command = match ActionId::parse(&m.data.custom_id) {
        Some(a @ ActionId::SubmitAnswer { .. }) => a.command(Input::Text(&text)),
        _ => None,
    };
    run(runner, target, who, command).await
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
