//! Slash-command shims for competitions: `/season`, `/team`, `/privacy`,
//! `/forget-me`, `/winners`, `/scoring` and `/round`. Each builds the same core
//! [`Command`] as the text grammar; the engine decides who may run what.

use super::commands::PeriodChoice;
use super::shim::{self, Ctx};
use super::Error;
use crate::domain::command::{
    round_start, season_start, team_name, Command, CompeteCommand, ParseError, Period,
    RoundCommand, SeasonCommand, TeamCommand,
};

fn season_cmd(cmd: SeasonCommand) -> Command {
    Command::Compete(CompeteCommand::Season(cmd))
}

/// Seasons: a board of their own, results when they end, a hall of fame.
#[poise::command(
    slash_command,
    guild_only,
    subcommands(
        "season_start_cmd",
        "season_end",
        "season_status",
        "season_history",
        "season_results"
    ),
    subcommand_required
)]
pub async fn season(_ctx: Ctx<'_>) -> Result<(), Error> {
    Ok(())
}

/// Admins: start a season here, ending at midnight after its last day.
#[poise::command(slash_command, guild_only, rename = "start")]
pub async fn season_start_cmd(
    ctx: Ctx<'_>,
    #[description = "Season name, e.g. Winter 2027"] name: String,
    #[description = "Last day, YYYY-MM-DD"] ends: String,
    #[description = "Comma-separated topics (default: all)"]
    #[autocomplete = "super::commands::topic_list"]
    topics: Option<String>,
    #[description = "Played by teams, frozen as they are now (default: no)"] teams: Option<bool>,
) -> Result<(), Error> {
    let cmd = season_start(&name, &ends, topics.as_deref(), teams.unwrap_or(false)).map(season_cmd);
    shim::run(ctx, cmd).await
}

/// Admins: end the running season now and post its results.
#[poise::command(slash_command, guild_only, rename = "end")]
pub async fn season_end(ctx: Ctx<'_>) -> Result<(), Error> {
    shim::run(ctx, Ok(season_cmd(SeasonCommand::End))).await
}

/// The running season's board and your rank.
#[poise::command(slash_command, guild_only, rename = "status")]
pub async fn season_status(ctx: Ctx<'_>) -> Result<(), Error> {
    shim::run(ctx, Ok(season_cmd(SeasonCommand::Status))).await
}

/// The hall of fame: every season and its champions.
#[poise::command(slash_command, guild_only, rename = "history")]
pub async fn season_history(ctx: Ctx<'_>) -> Result<(), Error> {
    shim::run(ctx, Ok(season_cmd(SeasonCommand::History))).await
}

/// A past season's full results.
#[poise::command(slash_command, guild_only, rename = "results")]
pub async fn season_results(
    ctx: Ctx<'_>,
    #[description = "Season number, from /season history"]
    #[min = 1]
    season: i64,
) -> Result<(), Error> {
    shim::run(ctx, Ok(season_cmd(SeasonCommand::Results { season }))).await
}

/// `/privacy` choices.
#[derive(Debug, Clone, Copy, poise::ChoiceParameter)]
pub enum PrivacyChoice {
    #[name = "hide my name"]
    Hide,
    #[name = "show my name"]
    Show,
}

/// Appear as "anonymous" on public boards and posts, or by name.
#[poise::command(slash_command, guild_only)]
pub async fn privacy(
    ctx: Ctx<'_>,
    #[description = "Hide or show your name"] choice: PrivacyChoice,
) -> Result<(), Error> {
    let hide = matches!(choice, PrivacyChoice::Hide);
    shim::run(ctx, Ok(Command::Compete(CompeteCommand::Privacy { hide }))).await
}

/// Delete your answers, points, streaks and wins in this server.
#[poise::command(slash_command, guild_only, rename = "forget-me")]
pub async fn forget_me(
    ctx: Ctx<'_>,
    #[description = "True to delete for good (without it, nothing is deleted)"] confirm: Option<
        bool,
    >,
) -> Result<(), Error> {
    let confirmed = confirm.unwrap_or(false);
    shim::run(
        ctx,
        Ok(Command::Compete(CompeteCommand::ForgetMe { confirmed })),
    )
    .await
}

/// Post the winners here at the end of each week and month.
#[poise::command(slash_command, guild_only, default_member_permissions = "MANAGE_GUILD")]
pub async fn winners(
    ctx: Ctx<'_>,
    #[description = "True: post winners here; false: stop"] on: bool,
) -> Result<(), Error> {
    shim::run(ctx, Ok(Command::Compete(CompeteCommand::Winners { on }))).await
}

/// The on-time and streak bonuses: see them, or (admins) switch them.
#[poise::command(slash_command, guild_only)]
pub async fn scoring(
    ctx: Ctx<'_>,
    #[description = "The +5 bonus for answering before the reveal"] on_time: Option<bool>,
    #[description = "+1 per streak day after the first, at most +5"] streak: Option<bool>,
) -> Result<(), Error> {
    shim::run(
        ctx,
        Ok(Command::Compete(CompeteCommand::Scoring {
            on_time,
            streak,
        })),
    )
    .await
}

fn team_cmd(cmd: Result<TeamCommand, ParseError>) -> Result<Command, ParseError> {
    cmd.map(|t| Command::Compete(CompeteCommand::Team(t)))
}

/// Teams: ranked by average points per active member.
#[poise::command(
    slash_command,
    guild_only,
    subcommands("team_create", "team_join", "team_balance", "team_board"),
    subcommand_required
)]
pub async fn team(_ctx: Ctx<'_>) -> Result<(), Error> {
    Ok(())
}

/// Admins: create an empty team.
#[poise::command(slash_command, guild_only, rename = "create")]
pub async fn team_create(
    ctx: Ctx<'_>,
    #[description = "Team name"] name: String,
) -> Result<(), Error> {
    let cmd = team_name(&name).map(|name| TeamCommand::Create { name });
    shim::run(ctx, team_cmd(cmd)).await
}

/// Join a team (leaving any other).
#[poise::command(slash_command, guild_only, rename = "join")]
pub async fn team_join(
    ctx: Ctx<'_>,
    #[description = "Team name"] name: String,
) -> Result<(), Error> {
    let cmd = team_name(&name).map(|name| TeamCommand::Join { name });
    shim::run(ctx, team_cmd(cmd)).await
}

/// Admins: replace the teams with N balanced by last month's points.
#[poise::command(slash_command, guild_only, rename = "balance")]
pub async fn team_balance(
    ctx: Ctx<'_>,
    #[description = "How many teams"]
    #[min = 2]
    #[max = 20]
    teams: u32,
    #[description = "Seed for ordering equal points (default 0)"] seed: Option<u32>,
) -> Result<(), Error> {
    let cmd = TeamCommand::Balance {
        teams: teams as usize,
        seed: u64::from(seed.unwrap_or(0)),
    };
    shim::run(ctx, team_cmd(Ok(cmd))).await
}

/// Teams ranked by average points per active member.
#[poise::command(slash_command, guild_only, rename = "board")]
pub async fn team_board(
    ctx: Ctx<'_>,
    #[description = "Period (default: this week)"] period: Option<PeriodChoice>,
) -> Result<(), Error> {
    let period = period.map_or(Period::Week, Into::into);
    shim::run(ctx, team_cmd(Ok(TeamCommand::Board { period }))).await
}

fn round_cmd(cmd: RoundCommand) -> Command {
    Command::Compete(CompeteCommand::Round(cmd))
}

/// Live rounds: questions one after another in this channel, each with a
/// countdown.
#[poise::command(
    slash_command,
    guild_only,
    subcommands("round_start_cmd", "round_status", "round_stop"),
    subcommand_required
)]
pub async fn round(_ctx: Ctx<'_>) -> Result<(), Error> {
    Ok(())
}

/// Admins: start a live round in this channel.
#[poise::command(slash_command, guild_only, rename = "start")]
pub async fn round_start_cmd(
    ctx: Ctx<'_>,
    #[description = "Topic (default: any)"]
    #[autocomplete = "super::commands::topics"]
    topic: Option<String>,
    #[description = "How many questions (default 5)"]
    #[min = 1]
    #[max = 20]
    questions: Option<u32>,
    #[description = "Seconds to answer each (default 60)"]
    #[min = 10]
    #[max = 600]
    seconds: Option<u32>,
) -> Result<(), Error> {
    let (q, s) = (
        questions.map(|n| n.to_string()),
        seconds.map(|n| n.to_string()),
    );
    let cmd = round_start(topic.as_deref(), q.as_deref(), s.as_deref()).map(round_cmd);
    shim::run(ctx, cmd).await
}

/// The live round here: its open question and the standings.
#[poise::command(slash_command, guild_only, rename = "status")]
pub async fn round_status(ctx: Ctx<'_>) -> Result<(), Error> {
    shim::run(ctx, Ok(round_cmd(RoundCommand::Status))).await
}

/// Admins: end the live round now, with its podium.
#[poise::command(slash_command, guild_only, rename = "stop")]
pub async fn round_stop(ctx: Ctx<'_>) -> Result<(), Error> {
    shim::run(ctx, Ok(round_cmd(RoundCommand::Stop))).await
}
