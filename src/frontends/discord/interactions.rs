//! Buttons, selects and modals. poise dispatches slash commands and
//! autocomplete; the rest of `INTERACTION_CREATE` lands here. Every
//! `custom_id` is a core [`ActionId`] carrying what the click needs, so this
//! is stateless and buttons keep working across restarts.
//!
//! Each interaction goes through the [`gate`] (a task of its own, bounded,
//! acknowledged first when it must wait), like the slash commands: this
//! module only decides how it is acknowledged ([`ack_of`]) and what it runs.

use super::channels::schedule_channel;
use super::gate::{self, Ack, Job, Pass, Target};
use super::render;
use super::shim::{actor_of, place_of};
use super::{Data, Error};
use crate::domain::action::{ActionId, Input, ANSWER_FIELD};
use crate::domain::command::{Command, ParseError};
use crate::domain::reply::Visibility;
use crate::runner::Runner;
use poise::serenity_prelude::{
    ActionRowComponent, ComponentInteraction, ComponentInteractionDataKind, Context,
    CreateInteractionResponse, FullEvent, Interaction, MessageFlags, MessageInteractionMetadata,
    ModalInteraction, UnavailableGuild,
};

/// poise's event handler: hands component and modal interactions to the
/// [`gate`], and notices when the bot is removed from a server.
pub async fn on_event(ctx: &Context, event: &FullEvent, data: &Data) -> Result<(), Error> {
    match event {
        FullEvent::InteractionCreate { interaction } => {
            let (id, token) = match interaction {
                Interaction::Component(c) => (c.id, &c.token),
                Interaction::Modal(m) => (m.id, &m.token),
                _ => return Ok(()),
            };
            let pass = Pass {
                id,
                token: token.clone(),
                ack: ack_of(interaction),
                deferred: false,
            };
            gate::admit(
                ctx,
                data,
                pass,
                Job::Interaction(Box::new(interaction.clone())),
            );
            Ok(())
        }
        FullEvent::GuildDelete { incomplete, .. } => left(data, incomplete).await,
        _ => Ok(()),
    }
}

/// How the interaction is acknowledged if it must wait, decided before it
/// runs: the answer form is never deferred; a page click on the clicker's
/// own board is deferred as an update of it; the rest as the command's
/// reply will be seen.
fn ack_of(interaction: &Interaction) -> Ack {
    let visibility = |command: Option<Result<Command, ParseError>>| match command {
        Some(Ok(c)) => Ack::Reply(c.visibility()),
        _ => Ack::Reply(Visibility::Private),
    };
    match interaction {
        Interaction::Component(c) => match ActionId::parse(&c.data.custom_id) {
            Some(ActionId::OpenAnswer { .. }) => Ack::Form,
            Some(ActionId::Leaderboard { .. }) if own_message(c) => Ack::Update,
            action => visibility(command_of(action.as_ref(), c)),
        },
        Interaction::Modal(m) => visibility(submitted(m)),
        _ => Ack::Reply(Visibility::Private),
    }
}

/// Runs a component or modal interaction.
pub(super) async fn handle(
    runner: &Runner,
    target: &mut Target,
    interaction: &Interaction,
) -> Result<(), Error> {
    match interaction {
        Interaction::Component(c) => component(runner, target, c).await,
        Interaction::Modal(m) => modal(runner, target, m).await,
        _ => Ok(()),
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

#[tracing::instrument(skip_all, fields(custom_id = %c.data.custom_id, user = %c.user.id))]
async fn component(
    runner: &Runner,
    target: &mut Target,
    c: &ComponentInteraction,
) -> Result<(), Error> {
    let action = ActionId::parse(&c.data.custom_id);
    if let Some(ActionId::OpenAnswer { post }) = action {
        let modal = CreateInteractionResponse::Modal(render::answer_modal(Some(post), None));
        return target.respond(modal).await;
    }
    let who = (
        actor_of(&c.user, c.member.as_ref()),
        place_of(
            c.guild_id,
            schedule_channel(c.channel_id, c.channel.as_ref()),
        ),
    );
    gate::run(runner, target, &who, command_of(action.as_ref(), c)).await
}

/// The command a click stands for (`None`: a button no longer active).
fn command_of(
    action: Option<&ActionId>,
    c: &ComponentInteraction,
) -> Option<Result<Command, ParseError>> {
    let picked = match &c.data.kind {
        ComponentInteractionDataKind::StringSelect { values } => values.as_slice(),
        _ => &[],
    };
    let input = if picked.is_empty() {
        Input::None
    } else {
        Input::Picked(picked)
    };
    action.and_then(|a| a.command(input))
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
async fn modal(runner: &Runner, target: &mut Target, m: &ModalInteraction) -> Result<(), Error> {
    let who = (
        actor_of(&m.user, m.member.as_ref()),
        place_of(
            m.guild_id,
            schedule_channel(m.channel_id, m.channel.as_ref()),
        ),
    );
    gate::run(runner, target, &who, submitted(m)).await
}

/// The command a submitted form stands for.
fn submitted(m: &ModalInteraction) -> Option<Result<Command, ParseError>> {
    let text = modal_text(m).unwrap_or_default();
    match ActionId::parse(&m.data.custom_id) {
        Some(a @ ActionId::SubmitAnswer { .. }) => a.command(Input::Text(&text)),
        _ => None,
    }
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
