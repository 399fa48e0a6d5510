//! Admin slash commands: `/daily`, `/questions`, `/flags`, `/regrade`.
//!
//! They are registered with `default_member_permissions = MANAGE_GUILD`, so
//! Discord hides them from other members by default; a server can change
//! that, so the engine checks again ([`Command::needs_admin`]) from the
//! interaction's computed permissions and refuses clearly.

use super::commands::{topic_list, topics};
use super::shim::{self, Ctx};
use super::Error;
use crate::bank::{QuestionId, Topic};
use crate::domain::command::{
    parse_time, parse_tz, Command, DailyCommand, DailySetup, Days, QuestionsCommand,
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

/// Parses the `/daily setup` options; `Err` says what to fix.
pub fn setup_from(
    bank: &crate::bank::Bank,
    time: &str,
    timezone: &str,
    reveal: Option<&str>,
    days: Option<DaysChoice>,
    topics: Option<&str>,
) -> Result<DailySetup, String> {
    let topics = topics
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|t| super::commands::topic(bank, Some(t.to_owned())).map(|t| t.expect("non-empty")))
        .collect::<Result<Vec<Topic>, String>>()?;
    Ok(DailySetup {
        time: parse_time(time.trim()).map_err(|e| e.0)?,
        tz: parse_tz(timezone.trim()).map_err(|e| e.0)?,
        reveal: reveal
            .map(|r| parse_time(r.trim()))
            .transpose()
            .map_err(|e| e.0)?,
        days: match days {
            Some(DaysChoice::Weekdays) => Days::Weekdays,
            _ => Days::Daily,
        },
        topics,
    })
}

/// Runs a `/daily` subcommand for `channel` (default: this one).
async fn daily_in(
    ctx: Ctx<'_>,
    channel: Option<ChannelId>,
    cmd: DailyCommand,
) -> Result<(), Error> {
    let (actor, mut place) = shim::who_and_where(ctx);
    if let Some(c) = channel {
        place.channel = c.to_string();
    }
    shim::run_at(ctx, actor, place, Command::Daily(cmd)).await
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
    let bank = ctx.data().engine.bank();
    match setup_from(
        bank,
        &time,
        &timezone,
        reveal.as_deref(),
        days,
        topics.as_deref(),
    ) {
        Ok(setup) => daily_in(ctx, Some(channel), DailyCommand::Setup(setup)).await,
        Err(why) => shim::refuse(ctx, why).await,
    }
}

/// Stop posting the daily question until resumed.
#[poise::command(slash_command, guild_only, default_member_permissions = "MANAGE_GUILD")]
pub async fn pause(
    ctx: Ctx<'_>,
    #[description = "Channel (default: this one)"] channel: Option<ChannelId>,
) -> Result<(), Error> {
    daily_in(ctx, channel, DailyCommand::Pause).await
}

/// Start posting the daily question again.
#[poise::command(slash_command, guild_only, default_member_permissions = "MANAGE_GUILD")]
pub async fn resume(
    ctx: Ctx<'_>,
    #[description = "Channel (default: this one)"] channel: Option<ChannelId>,
) -> Result<(), Error> {
    daily_in(ctx, channel, DailyCommand::Resume).await
}

/// The channel's schedule and next post.
#[poise::command(slash_command, guild_only, default_member_permissions = "MANAGE_GUILD")]
pub async fn status(
    ctx: Ctx<'_>,
    #[description = "Channel (default: this one)"] channel: Option<ChannelId>,
) -> Result<(), Error> {
    daily_in(ctx, channel, DailyCommand::Status).await
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
    daily_in(ctx, channel, DailyCommand::Post).await
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
        Command::Questions(QuestionsCommand::Add { toml, replace }),
    )
    .await
}

/// Remove one custom question from this server's pool.
#[poise::command(slash_command, guild_only, default_member_permissions = "MANAGE_GUILD")]
pub async fn remove(
    ctx: Ctx<'_>,
    #[description = "The question's id (see /questions list)"] id: String,
) -> Result<(), Error> {
    match QuestionId::parse(id.trim()) {
        Ok(id) => shim::run(ctx, Command::Questions(QuestionsCommand::Remove { id })).await,
        Err(why) => shim::refuse(ctx, why).await,
    }
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
    match super::commands::topic(ctx.data().engine.bank(), Some(topic)) {
        Ok(Some(t)) => shim::run(ctx, Command::Questions(QuestionsCommand::DisableTopic(t))).await,
        Ok(None) => shim::refuse(ctx, "Name a topic.").await,
        Err(why) => shim::refuse(ctx, why).await,
    }
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
    match super::commands::topic(ctx.data().engine.bank(), Some(topic)) {
        Ok(Some(t)) => shim::run(ctx, Command::Questions(QuestionsCommand::EnableTopic(t))).await,
        Ok(None) => shim::refuse(ctx, "Name a topic.").await,
        Err(why) => shim::refuse(ctx, why).await,
    }
}

/// This server's custom questions and disabled topics.
#[poise::command(slash_command, guild_only, default_member_permissions = "MANAGE_GUILD")]
pub async fn list(ctx: Ctx<'_>) -> Result<(), Error> {
    shim::run(ctx, Command::Questions(QuestionsCommand::List)).await
}

/// Open appeals: answers members flagged after the reveal.
#[poise::command(slash_command, guild_only, default_member_permissions = "MANAGE_GUILD")]
pub async fn flags(ctx: Ctx<'_>) -> Result<(), Error> {
    shim::run(ctx, Command::Flags).await
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
        Command::Regrade {
            answer,
            verdict,
            note,
        },
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bank::{Bank, TopicInfo};

    fn bank() -> Bank {
        let t = |slug: &str| TopicInfo {
            slug: Topic::parse(slug).unwrap(),
            name: slug.into(),
            about: String::new(),
        };
        Bank::new(vec![t("sql"), t("streaming")], vec![]).unwrap()
    }

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

    #[test]
    fn daily_setup_options_become_the_core_setup() {
        let s = setup_from(
            &bank(),
            "09:30",
            "Europe/London",
            Some("17:00"),
            Some(DaysChoice::Weekdays),
            Some("sql, streaming"),
        )
        .unwrap();
        assert_eq!(s.time.to_string(), "09:30:00");
        assert_eq!(s.tz, chrono_tz::Europe::London);
        assert_eq!(s.reveal.map(|r| r.to_string()).as_deref(), Some("17:00:00"));
        assert_eq!(s.days, Days::Weekdays);
        assert_eq!(s.topics.len(), 2);
        let d = setup_from(&bank(), "07:00", "UTC", None, None, None).unwrap();
        assert_eq!((d.reveal, d.days, d.topics.len()), (None, Days::Daily, 0));
    }

    #[test]
    fn bad_daily_setup_options_say_what_to_fix() {
        assert!(setup_from(&bank(), "9am", "UTC", None, None, None)
            .unwrap_err()
            .contains("HH:MM"));
        assert!(
            setup_from(&bank(), "09:00", "Mars/Olympus", None, None, None)
                .unwrap_err()
                .contains("time zone")
        );
        assert!(
            setup_from(&bank(), "09:00", "UTC", None, None, Some("sql,cobol"))
                .unwrap_err()
                .contains("cobol")
        );
    }
}
