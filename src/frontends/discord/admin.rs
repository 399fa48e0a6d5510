//! Admin slash commands: `/daily`, `/questions`, `/flags`, `/regrade`.
//!
//! They are registered with `default_member_permissions = MANAGE_GUILD`, so
//! Discord hides them from other members by default; a server can change
//! that, so the engine checks again ([`Command::needs_admin`]) from the
//! interaction's computed permissions and refuses clearly.

use super::channels;
use super::commands::{topic_list, topics};
use super::shim::{self, Ctx};
use super::Error;
use crate::bank::QuestionId;
use crate::domain::command::{
    build, Command, DailyCommand, DailySetup, ParseError, QuestionsCommand,
};
use crate::grading::Verdict;
use poise::serenity_prelude::{Attachment, AutocompleteChoice, ChannelId};

/// Largest bank file `/questions add` accepts.
pub const MAX_BANK_FILE: u32 = 512 * 1024;

/// `/daily setup` days choices.
#[derive(Debug, Clone, Copy, poise::ChoiceParameter)]
pub enum DaysChoice {
    #[name = "every day"]
    Daily,
    #[name = "weekdays"]
    Weekdays,
}

impl DaysChoice {
    /// The value the domain's constructor reads.
    fn as_str(self) -> &'static str {
        match self {
            DaysChoice::Daily => "daily",
            DaysChoice::Weekdays => "weekdays",
        }
    }
}

/// `/regrade` verdict choices.
#[derive(Debug, Clone, Copy, poise::ChoiceParameter)]
pub enum VerdictChoice {
    Correct,
    Partial,
    Incorrect,
}

/// IANA time zones containing what was typed (case-insensitive).
pub async fn timezones(_ctx: Ctx<'_>, partial: &str) -> Vec<AutocompleteChoice> {
    timezone_choices(partial)
}

/// The pure part of [`timezones`].
pub fn timezone_choices(partial: &str) -> Vec<AutocompleteChoice> {
    let needle = partial.trim().to_lowercase().replace(' ', "_");
    chrono_tz::TZ_VARIANTS
        .iter()
        .map(|tz| tz.name())
        .filter(|name| name.to_lowercase().contains(&needle))
        .take(25)
        .map(|name| AutocompleteChoice::new(name, name))
        .collect()
}

/// Runs a `/daily` subcommand for `channel` (default: this one).
async fn daily_in(
    ctx: Ctx<'_>,
    channel: Option<ChannelId>,
    cmd: Result<DailyCommand, ParseError>,
) -> Result<(), Error> {
    shim::run_in(ctx, channel, cmd.map(Command::Daily)).await
}

/// The daily question: schedule, pause, resume, status, post now.
#[poise::command(
    slash_command,
    guild_only,
    default_member_permissions = "MANAGE_GUILD",
    subcommands("setup", "pause", "resume", "status", "post_now"),
    subcommand_required
)]
pub async fn daily(_ctx: Ctx<'_>) -> Result<(), Error> {
    Ok(())
}

/// Post a daily question in a channel at a local time.
#[poise::command(slash_command, guild_only, default_member_permissions = "MANAGE_GUILD")]
#[allow(clippy::too_many_arguments)]
pub async fn setup(
    ctx: Ctx<'_>,
    #[description = "Channel for the daily question"] channel: ChannelId,
    #[description = "Local time of the post, HH:MM (24-hour)"] time: String,
    #[description = "IANA time zone, e.g. Europe/London"]
    #[autocomplete = "timezones"]
    timezone: String,
    #[description = "Local time of the reveal, HH:MM (default: 8 hours later)"] reveal: Option<
        String,
    >,
    #[description = "Which days (default: every day)"] days: Option<DaysChoice>,
    #[description = "Comma-separated topics (default: all)"]
    #[autocomplete = "topic_list"]
    topics: Option<String>,
) -> Result<(), Error> {
    let setup = DailySetup::from_options(
        &time,
        &timezone,
        reveal.as_deref(),
        days.map(DaysChoice::as_str),
        topics.as_deref(),
    );
    if let Some(why) = unusable(ctx, channel) {
        return shim::refuse(ctx, why).await;
    }
    daily_in(ctx, Some(channel), setup.map(DailyCommand::Setup)).await
}

/// Why the daily question cannot go to `channel`, from the interaction's
/// resolved channel and (for this channel) the bot's `app_permissions`.
fn unusable(ctx: Ctx<'_>, channel: ChannelId) -> Option<String> {
    let poise::Context::Application(app) = ctx else {
        return None;
    };
    let i = &app.interaction;
    let target = i.data.resolved.channels.get(&channel)?;
    let bot = (channel == i.channel_id)
        .then_some(i.app_permissions)
        .flatten();
    let name = target.name.as_deref().unwrap_or("that channel");
    channels::setup_problem(name, target.kind, bot)
}

/// Stop posting the daily question until resumed.
#[poise::command(slash_command, guild_only, default_member_permissions = "MANAGE_GUILD")]
pub async fn pause(
    ctx: Ctx<'_>,
    #[description = "Channel (default: this one)"] channel: Option<ChannelId>,
) -> Result<(), Error> {
    daily_in(ctx, channel, Ok(DailyCommand::Pause)).await
}

/// Start posting the daily question again.
#[poise::command(slash_command, guild_only, default_member_permissions = "MANAGE_GUILD")]
pub async fn resume(
    ctx: Ctx<'_>,
    #[description = "Channel (default: this one)"] channel: Option<ChannelId>,
) -> Result<(), Error> {
    daily_in(ctx, channel, Ok(DailyCommand::Resume)).await
}

/// The channel's schedule and next post.
#[poise::command(slash_command, guild_only, default_member_permissions = "MANAGE_GUILD")]
pub async fn status(
    ctx: Ctx<'_>,
    #[description = "Channel (default: this one)"] channel: Option<ChannelId>,
) -> Result<(), Error> {
    daily_in(ctx, channel, Ok(DailyCommand::Status)).await
}

/// Post today's daily question now.
#[poise::command(
    slash_command,
    guild_only,
    rename = "post-now",
    default_member_permissions = "MANAGE_GUILD"
)]
pub async fn post_now(
    ctx: Ctx<'_>,
    #[description = "Channel (default: this one)"] channel: Option<ChannelId>,
) -> Result<(), Error> {
    daily_in(ctx, channel, Ok(DailyCommand::Post)).await
}

/// This server's question pool.
#[poise::command(
    slash_command,
    guild_only,
    default_member_permissions = "MANAGE_GUILD",
    subcommands("add", "remove", "disable_topic", "enable_topic", "list"),
    subcommand_required
)]
pub async fn questions(_ctx: Ctx<'_>) -> Result<(), Error> {
    Ok(())
}

/// Add the questions of a bank file (TOML) to this server's pool.
#[poise::command(slash_command, guild_only, default_member_permissions = "MANAGE_GUILD")]
pub async fn add(
    ctx: Ctx<'_>,
    #[description = "A bank file (.toml), see docs/question-format.md"] file: Attachment,
    #[description = "Replace questions this server already has with the same id"] replace: Option<
        bool,
    >,
) -> Result<(), Error> {
    if file.size > MAX_BANK_FILE {
        return shim::refuse(
            ctx,
            format!(
                "`{}` is too large: bank files are at most 512 KiB.",
                file.filename
            ),
        )
        .await;
    }
    ctx.defer_ephemeral().await?;
    let bytes = match file.download().await {
        Ok(b) => b,
        Err(e) => {
            tracing::warn!(error = %e, file = %file.filename, "could not download a bank file");
            return shim::refuse(
                ctx,
                "Discord did not let me read that file. Please attach it again.",
            )
            .await;
        }
    };
    let Ok(toml) = String::from_utf8(bytes) else {
        return shim::refuse(
            ctx,
            format!("`{}` is not a UTF-8 text file.", file.filename),
        )
        .await;
    };
    let replace = replace.unwrap_or(false);
    shim::run(
        ctx,
        Ok(Command::Questions(QuestionsCommand::Add { toml, replace })),
    )
    .await
}

/// Remove one custom question from this server's pool.
#[poise::command(slash_command, guild_only, default_member_permissions = "MANAGE_GUILD")]
pub async fn remove(
    ctx: Ctx<'_>,
    #[description = "The question's id (see /questions list)"] id: String,
) -> Result<(), Error> {
    let command = QuestionId::parse(id.trim())
        .map(|id| Command::Questions(QuestionsCommand::Remove { id }))
        .map_err(ParseError);
    shim::run(ctx, command).await
}

/// Stop drawing questions from a topic in this server.
#[poise::command(
    slash_command,
    guild_only,
    rename = "disable-topic",
    default_member_permissions = "MANAGE_GUILD"
)]
pub async fn disable_topic(
    ctx: Ctx<'_>,
    #[description = "Topic"]
    #[autocomplete = "topics"]
    topic: String,
) -> Result<(), Error> {
    let command = build::required_topic(&topic).map(QuestionsCommand::DisableTopic);
    shim::run(ctx, command.map(Command::Questions)).await
}

/// Draw questions from a disabled topic again.
#[poise::command(
    slash_command,
    guild_only,
    rename = "enable-topic",
    default_member_permissions = "MANAGE_GUILD"
)]
pub async fn enable_topic(
    ctx: Ctx<'_>,
    #[description = "Topic"]
    #[autocomplete = "topics"]
    topic: String,
) -> Result<(), Error> {
    let command = build::required_topic(&topic).map(QuestionsCommand::EnableTopic);
    shim::run(ctx, command.map(Command::Questions)).await
}

/// This server's custom questions and disabled topics.
#[poise::command(slash_command, guild_only, default_member_permissions = "MANAGE_GUILD")]
pub async fn list(ctx: Ctx<'_>) -> Result<(), Error> {
    shim::run(ctx, Ok(Command::Questions(QuestionsCommand::List))).await
}

/// Open appeals: answers members flagged after the reveal.
#[poise::command(slash_command, guild_only, default_member_permissions = "MANAGE_GUILD")]
pub async fn flags(ctx: Ctx<'_>) -> Result<(), Error> {
    shim::run(ctx, Ok(Command::Flags)).await
}

/// Settle an appeal: re-grade an answer.
#[poise::command(slash_command, guild_only, default_member_permissions = "MANAGE_GUILD")]
pub async fn regrade(
    ctx: Ctx<'_>,
    #[description = "Answer id (from /flags)"]
    #[min = 1]
    answer: i64,
    #[description = "New verdict"] verdict: VerdictChoice,
    #[description = "A note for the member"] note: Option<String>,
) -> Result<(), Error> {
    let verdict = match verdict {
        VerdictChoice::Correct => Verdict::Correct,
        VerdictChoice::Partial => Verdict::Partial,
        VerdictChoice::Incorrect => Verdict::Incorrect,
    };
    shim::run(
        ctx,
        Ok(Command::Regrade {
            answer,
            verdict,
            note,
        }),
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timezone_autocomplete_offers_iana_names_containing_the_text() {
        let names: Vec<String> = timezone_choices("new york")
            .iter()
            .map(|c| {
                serde_json::to_value(c).unwrap()["value"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect();
        assert_eq!(names, ["America/New_York"]);
        assert_eq!(timezone_choices("").len(), 25, "at most 25 suggestions");
    }
}
