//! What every slash command shares: who is asking and where ([`Actor`],
//! [`Place`]), and the hand-over to the [`super::gate`]. A command is then a
//! shim: build the [`Command`] through the domain's constructors, call
//! [`run`], done. The command runs in a task of its own, so poise's
//! dispatch ends as soon as the options are read.

use super::gate::{self, Ack, Job, Pass};
use super::{Data, Error};
use crate::domain::command::{Command, ParseError};
use crate::domain::reply::Visibility;
use crate::engine::{Actor, Place, Platform};
use poise::serenity_prelude::{ChannelId, CreateModal, GuildId, Member, User};
use std::sync::atomic::Ordering;

/// The poise context every command gets.
pub type Ctx<'a> = poise::Context<'a, Data, Error>;

/// The person behind an interaction. Admin means Manage Server (or
/// Administrator), as the server itself grants it.
pub fn actor_of(user: &User, member: Option<&Member>) -> Actor {
    let is_admin = member
        .and_then(|m| m.permissions)
        .is_some_and(|p| p.manage_guild() || p.administrator());
    let name = member.map_or_else(
        || user.display_name().to_owned(),
        |m| m.display_name().to_owned(),
    );
    Actor::new(user.id.to_string(), &name, is_admin)
}

/// Where an interaction happened; DMs get a scope of their own.
pub fn place_of(guild: Option<GuildId>, channel: ChannelId) -> Place {
    let guild = guild.map_or_else(|| format!("dm-{channel}"), |g| g.to_string());
    Place {
        platform: Platform::Discord,
        guild,
        channel: channel.to_string(),
    }
}

/// The actor and place of a slash command (a thread's parent channel when
/// typed in a thread).
pub fn who_and_where(ctx: Ctx<'_>) -> (Actor, Place) {
    let (member, channel) = match ctx {
        poise::Context::Application(a) => (
            a.interaction.member.as_deref(),
            a.interaction.channel.as_ref(),
        ),
        poise::Context::Prefix(_) => (None, None),
    };
    let channel = super::channels::schedule_channel(ctx.channel_id(), channel);
    (
        actor_of(ctx.author(), member),
        place_of(ctx.guild_id(), channel),
    )
}

/// The shim: a command built by the domain's constructors (or the reason it
/// could not be), handed to the gate, which runs it with the shared runner.
pub async fn run(ctx: Ctx<'_>, command: Result<Command, ParseError>) -> Result<(), Error> {
    run_in(ctx, None, command).await
}

/// [`run`], for a channel named in the options (default: this one). Returns
/// at once: the command runs in a task of its own, acknowledged first as
/// its reply will be seen ([`Command::visibility`]) if it must wait.
#[tracing::instrument(skip_all, fields(command = %ctx.command().qualified_name))]
pub async fn run_in(
    ctx: Ctx<'_>,
    channel: Option<ChannelId>,
    command: Result<Command, ParseError>,
) -> Result<(), Error> {
    let (actor, mut place) = who_and_where(ctx);
    if let Some(c) = channel {
        place.channel = c.to_string();
    }
    let seen = command
        .as_ref()
        .map_or(Visibility::Private, Command::visibility);
    let who = Box::new((actor, place));
    hand_over(ctx, Ack::Reply(seen), Job::Command { who, command });
    Ok(())
}

/// Opens `form` as the interaction's response, through the gate (the
/// request in flight is bounded like the acknowledgements).
pub fn open_form(ctx: Ctx<'_>, form: CreateModal) {
    hand_over(ctx, Ack::Form, Job::Form(Box::new(form)));
}

/// Gives the interaction to the gate; poise must not answer it any more.
fn hand_over(ctx: Ctx<'_>, ack: Ack, job: Job) {
    let poise::Context::Application(app) = ctx else {
        return;
    };
    let pass = Pass {
        id: app.interaction.id,
        token: app.interaction.token.clone(),
        ack,
        deferred: app.has_sent_initial_response.swap(true, Ordering::SeqCst),
    };
    gate::admit(ctx.serenity_context(), ctx.data(), pass, job);
}

/// Refuses privately with `message` (input poise could not read).
pub async fn refuse(ctx: Ctx<'_>, message: impl Into<String>) -> Result<(), Error> {
    run(ctx, Err(ParseError(message.into()))).await
}

/// A short id the person can report, logged beside the full error.
pub fn reference() -> String {
    format!("{:08x}", rand::random::<u32>())
}

#[cfg(test)]
mod tests {
    use super::*;
    use poise::serenity_prelude::Permissions;

    fn member(perms: Permissions, nick: Option<&str>) -> Member {
        let json = serde_json::json!({
            "user": {"id": "42", "username": "ada", "discriminator": "0", "global_name": "Ada", "avatar": null},
            "nick": nick, "roles": [], "joined_at": null, "deaf": false, "mute": false, "flags": 0,
            "guild_id": "1", "permissions": perms.bits().to_string(),
        });
        serde_json::from_value(json).expect("member")
    }

    #[test]
    fn manage_server_or_administrator_makes_an_admin() {
        let m = member(Permissions::MANAGE_GUILD, None);
        assert!(actor_of(&m.user, Some(&m)).is_admin);
        let m = member(Permissions::ADMINISTRATOR, None);
        assert!(actor_of(&m.user, Some(&m)).is_admin);
        let m = member(
            Permissions::SEND_MESSAGES | Permissions::MANAGE_MESSAGES,
            None,
        );
        assert!(!actor_of(&m.user, Some(&m)).is_admin);
        assert!(!actor_of(&m.user, None).is_admin);
    }

    #[test]
    fn the_actor_is_named_by_server_nickname_then_global_name() {
        let m = member(Permissions::empty(), Some("Countess"));
        let a = actor_of(&m.user, Some(&m));
        assert_eq!((a.user_id.as_str(), a.name.as_str()), ("42", "Countess"));
        assert_eq!(actor_of(&m.user, None).name, "Ada");
    }

    #[test]
    fn the_place_is_the_guild_and_channel_or_a_dm_scope() {
        let p = place_of(Some(GuildId::new(5)), ChannelId::new(6));
        assert_eq!(
            (p.platform, p.guild.as_str(), p.channel.as_str()),
            (Platform::Discord, "5", "6")
        );
        assert_eq!(place_of(None, ChannelId::new(6)).guild, "dm-6");
    }
}
