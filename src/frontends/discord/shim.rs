//! What every slash command shares: who is asking and where ([`Actor`],
//! [`Place`]), deferring slow work, sending the rendered reply, and carrying
//! out the response's effects. A command is then three lines: build the
//! [`Command`], call [`run`], done.

use super::{render, Data, Error};
use crate::domain::command::Command;
use crate::domain::reply::{Body, Reply, Response, Visibility};
use crate::engine::{Actor, Place, Platform};
use poise::serenity_prelude::{ChannelId, GuildId, Member, User};

/// poise's context with prepbot's data.
pub type Ctx<'a> = poise::Context<'a, Data, Error>;

/// The person behind an interaction. Admin means Manage Server (or
/// Administrator) in the interaction's computed permissions.
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

/// Where an interaction happened. Settings, pools and leaderboards are per
/// guild; a DM (never reached by guild-only commands) gets its own scope.
pub fn place_of(guild: Option<GuildId>, channel: ChannelId) -> Place {
    let guild = guild.map_or_else(|| format!("dm-{channel}"), |g| g.to_string());
    Place {
        platform: Platform::Discord,
        guild,
        channel: channel.to_string(),
    }
}

/// The actor and place of a slash command.
pub fn who_and_where(ctx: Ctx<'_>) -> (Actor, Place) {
    let member = match ctx {
        poise::Context::Application(a) => a.interaction.member.as_deref(),
        // prepbot registers slash commands only.
        poise::Context::Prefix(_) => None,
    };
    (
        actor_of(ctx.author(), member),
        place_of(ctx.guild_id(), ctx.channel_id()),
    )
}

/// Runs `command` in the invoking channel.
pub async fn run(ctx: Ctx<'_>, command: Command) -> Result<(), Error> {
    let (actor, place) = who_and_where(ctx);
    run_at(ctx, actor, place, command).await
}

/// Runs `command` as `actor` at `place`: defers first when the engine says
/// the work may be slow, so the interaction never times out.
#[tracing::instrument(skip_all, fields(command = %ctx.command().qualified_name, guild = %place.guild, user = %actor.user_id))]
pub async fn run_at(
    ctx: Ctx<'_>,
    actor: Actor,
    place: Place,
    command: Command,
) -> Result<(), Error> {
    let data = ctx.data();
    if data.engine.is_slow(&command) {
        ctx.defer_ephemeral().await?;
    }
    let response = data.engine.handle(&actor, &place, command).await;
    send(ctx, response).await
}

/// Sends the reply (one or more messages), then the effects.
pub async fn send(ctx: Ctx<'_>, response: Response) -> Result<(), Error> {
    for out in render::reply(&response.reply) {
        ctx.send(out.into_reply()).await?;
    }
    ctx.data().carry_out(response.effects).await;
    Ok(())
}

/// Tells the person what to fix, privately, without calling the core.
pub async fn refuse(ctx: Ctx<'_>, message: impl Into<String>) -> Result<(), Error> {
    let reply = Reply {
        visibility: Visibility::Private,
        body: Body::Error(message.into()),
    };
    send(
        ctx,
        Response {
            reply,
            effects: vec![],
        },
    )
    .await
}

/// A short id for an internal error, logged with it and shown to the person.
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
