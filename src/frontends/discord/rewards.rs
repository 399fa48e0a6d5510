//! `/rewards`: slash-command shims that build the same core commands as
//! the text grammar. `/rewards role` first checks, from the interaction and
//! the bot's own roles, that the bot can give the role (see
//! [`super::roles::role_problem`]), and stores nothing when it cannot.

use super::roles::{role_problem, RoleFacts};
use super::shim::{self, Ctx};
use super::Error;
use crate::domain::command::{
    rewards_role, rewards_setting, Command, CompeteCommand, ParseError, RewardsCommand,
};
use poise::serenity_prelude::{self as serenity, Permissions};

fn wrap(cmd: Result<RewardsCommand, ParseError>) -> Result<Command, ParseError> {
    cmd.map(|r| Command::Compete(CompeteCommand::Rewards(r)))
}

/// `/rewards champion` choices.
#[derive(Debug, Clone, Copy, poise::ChoiceParameter)]
pub enum ChampionChoice {
    #[name = "each week's winner"]
    Week,
    #[name = "each month's winner"]
    Month,
    #[name = "each season's winner"]
    Season,
    #[name = "off"]
    Off,
}

/// Rewards: a champion, milestones for lifetime points, streaks.
#[poise::command(
    slash_command,
    guild_only,
    subcommands(
        "rewards_status",
        "rewards_champion",
        "rewards_milestones",
        "rewards_streaks",
        "rewards_role_cmd"
    ),
    subcommand_required
)]
pub async fn rewards(_ctx: Ctx<'_>) -> Result<(), Error> {
    Ok(())
}

/// What is on, the thresholds, the champion and your badges.
#[poise::command(slash_command, guild_only, rename = "status")]
pub async fn rewards_status(ctx: Ctx<'_>) -> Result<(), Error> {
    shim::run(ctx, wrap(Ok(RewardsCommand::Status))).await
}

/// Admins: which period's winner holds the champion reward.
#[poise::command(slash_command, guild_only, rename = "champion")]
pub async fn rewards_champion(
    ctx: Ctx<'_>,
    #[description = "Whose winner holds it (weeks and months end in this channel's zone)"]
    period: ChampionChoice,
) -> Result<(), Error> {
    let value = match period {
        ChampionChoice::Week => "week",
        ChampionChoice::Month => "month",
        ChampionChoice::Season => "season",
        ChampionChoice::Off => "off",
    };
    shim::run(ctx, wrap(rewards_setting("champion", value))).await
}

/// Admins: milestone rewards at these lifetime points.
#[poise::command(slash_command, guild_only, rename = "milestones")]
pub async fn rewards_milestones(
    ctx: Ctx<'_>,
    #[description = "Points, ascending, e.g. 100,500,1000; or off"] thresholds: String,
) -> Result<(), Error> {
    shim::run(ctx, wrap(rewards_setting("milestones", &thresholds))).await
}

/// Admins: streak rewards at these streak lengths (default 3,7,14,30,90).
#[poise::command(slash_command, guild_only, rename = "streaks")]
pub async fn rewards_streaks(
    ctx: Ctx<'_>,
    #[description = "Days, ascending, e.g. 3,7,14,30,90; or off"] thresholds: Option<String>,
) -> Result<(), Error> {
    let value = thresholds.unwrap_or_default();
    shim::run(ctx, wrap(rewards_setting("streaks", &value))).await
}

/// Admins: the role a reward gives (without a role: none).
#[poise::command(slash_command, guild_only, rename = "role")]
pub async fn rewards_role_cmd(
    ctx: Ctx<'_>,
    #[description = "champion, points-N or streak-N (see /rewards status)"] reward: String,
    #[description = "The role to give (leave out to give none)"] role: Option<serenity::Role>,
) -> Result<(), Error> {
    let Some(role) = role else {
        return shim::run(ctx, wrap(rewards_role(&reward, Some("off")))).await;
    };
    let (actor, _) = shim::who_and_where(ctx);
    // Only an admin's request is worth checking (the engine refuses others).
    if actor.is_admin {
        if let Some(why) = role_check(ctx, &role).await {
            return shim::refuse(ctx, why).await;
        }
    }
    let id = role.id.to_string();
    shim::run(ctx, wrap(rewards_role(&reward, Some(&id)))).await
}

/// Why the bot cannot give `role` here, if it cannot. Giving a role needs
/// Manage Roles at the server level, which is what the bot's roles grant
/// (plus @everyone's): the interaction's `app_permissions` are the bot's
/// permissions in this channel, where an overwrite can grant the same bit
/// ("Manage Permissions") without the server-level right, so they are not
/// enough. The bot's member and the server's roles (two requests, made only
/// for an admin setting a role) give both its permissions and its highest
/// role.
async fn role_check(ctx: Ctx<'_>, role: &serenity::Role) -> Option<String> {
    let guild = ctx.guild_id()?;
    let facts = RoleFacts {
        name: role.name.clone(),
        position: i64::from(role.position),
        managed: role.managed,
        everyone: role.id.get() == guild.get(),
    };
    let bot = ctx.framework().bot_id;
    let http = ctx.http();
    let (member, roles) = match tokio::try_join!(
        http.get_member(guild, bot),
        http.get_guild_roles(guild)
    ) {
        Ok(both) => both,
        Err(e) => {
            tracing::warn!(error = %e, "could not read the bot's roles");
            return Some(
                "I could not read this server's roles just now, so the role is not set. Try again in a minute."
                    .into(),
            );
        }
    };
    let mine = || {
        roles
            .iter()
            .filter(|r| member.roles.contains(&r.id) || r.id.get() == guild.get())
    };
    let perms = mine().fold(Permissions::empty(), |p, r| p | r.permissions);
    let top = mine()
        .filter(|r| r.id.get() != guild.get())
        .max_by_key(|r| (r.position, r.id))
        .map(|r| (r.name.as_str(), i64::from(r.position)));
    role_problem(&facts, Some(perms), top)
}
