//! The one command grammar every front end shares.
//!
//! Discord and Slack build a [`Command`] from their slash-command options; the
//! console parses it from text with [`parse`]. Parsing is kept apart from
//! applying (that is the engine's job), so the grammar is unit-tested on plain
//! strings.

use crate::bank::{Difficulty, Format, QuestionId, Topic};
use crate::domain::reply::Visibility;
use chrono::NaiveTime;
use chrono_tz::Tz;
use std::fmt;

/// Longest answer accepted, in characters. Discord modals cap a paragraph at
/// 4000; we accept the same everywhere so no front end loses text.
pub const MAX_ANSWER_CHARS: usize = 4000;

/// Which scheduled days a channel's daily question runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Days {
    Daily,
    Weekdays,
}

impl Days {
    pub fn as_str(self) -> &'static str {
        match self {
            Days::Daily => "daily",
            Days::Weekdays => "weekdays",
        }
    }
}

impl std::str::FromStr for Days {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "daily" | "every-day" | "everyday" => Ok(Days::Daily),
            "weekdays" | "workdays" => Ok(Days::Weekdays),
            _ => Err(format!("unknown days `{s}`: use daily or weekdays")),
        }
    }
}

/// Leaderboard period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    Week,
    Month,
    All,
}

impl Period {
    pub fn as_str(self) -> &'static str {
        match self {
            Period::Week => "this week",
            Period::Month => "this month",
            Period::All => "all time",
        }
    }
}

impl std::str::FromStr for Period {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "week" | "weekly" => Ok(Period::Week),
            "month" | "monthly" => Ok(Period::Month),
            "all" | "all-time" | "alltime" => Ok(Period::All),
            _ => Err(format!("unknown period `{s}`: use week, month or all")),
        }
    }
}

/// A channel's daily-question settings, as given to `/daily setup`.
#[derive(Debug, Clone, PartialEq)]
pub struct DailySetup {
    pub time: NaiveTime,
    pub tz: Tz,
    /// Local reveal time; `None` means eight hours after the post.
    pub reveal: Option<NaiveTime>,
    pub days: Days,
    /// Empty means every enabled topic.
    pub topics: Vec<Topic>,
}

/// `/daily ...`
#[derive(Debug, Clone, PartialEq)]
pub enum DailyCommand {
    Setup(DailySetup),
    Post,
    Status,
    Pause,
    Resume,
}

/// `/questions ...` (admin).
#[derive(Debug, Clone, PartialEq)]
pub enum QuestionsCommand {
    /// Adds the questions of a bank file (TOML text) to this server's pool.
    /// An id the server already has is refused unless `replace` is set.
    Add {
        toml: String,
        replace: bool,
    },
    /// Removes one custom question from this server's pool.
    Remove {
        id: QuestionId,
    },
    DisableTopic(Topic),
    EnableTopic(Topic),
    /// Lists this server's custom questions and disabled topics.
    List,
}

/// Filters for an on-demand `/quiz`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QuizFilter {
    pub topic: Option<Topic>,
    pub difficulty: Option<Difficulty>,
    pub format: Option<Format>,
}

/// Everything a person can ask prepbot to do.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    Help,
    Quiz(QuizFilter),
    /// A free-text (or SQL) answer; for choice questions the text may name
    /// option ids ("b", "a,c", "true").
    Answer {
        post: Option<i64>,
        text: String,
    },
    /// Options picked with buttons.
    Choose {
        post: i64,
        options: Vec<String>,
    },
    Reveal,
    /// The full model answer of a revealed (or answered quiz) question,
    /// privately: the reveal leads with the summary. `None`: the channel's
    /// latest daily question.
    FullAnswer {
        post: Option<i64>,
    },
    /// "I think my answer was right": asks an admin to look again.
    Flag {
        post: Option<i64>,
    },
    Leaderboard {
        period: Period,
        topic: Option<Topic>,
        page: u32,
    },
    Stats {
        member: Option<String>,
    },
    Streak,
    Daily(DailyCommand),
    Questions(QuestionsCommand),
    /// Admin: list open flags.
    Flags,
    /// Admin: re-grade an answer, accepting (correct) or rejecting a flag.
    Regrade {
        answer: i64,
        verdict: crate::grading::Verdict,
        note: Option<String>,
    },
    /// Seasons, winners posts, privacy and `forget me`.
    Compete(CompeteCommand),
}

impl Command {
    /// The command's name, for metrics and logs (never its arguments).
    pub fn name(&self) -> &'static str {
        match self {
            Command::Help => "help",
            Command::Quiz(_) => "quiz",
            Command::Answer { .. } => "answer",
            Command::Choose { .. } => "choose",
            Command::Reveal => "reveal",
            Command::FullAnswer { .. } => "full-answer",
            Command::Flag { .. } => "flag",
            Command::Leaderboard { .. } => "leaderboard",
            Command::Stats { .. } => "stats",
            Command::Streak => "streak",
            Command::Daily(_) => "daily",
            Command::Questions(_) => "questions",
            Command::Flags => "flags",
            Command::Regrade { .. } => "regrade",
            Command::Compete(c) => c.name(),
        }
    }

    /// Whether only server admins may run this command.
    pub fn needs_admin(&self) -> bool {
        matches!(
            self,
            Command::Daily(
                DailyCommand::Setup(_)
                    | DailyCommand::Pause
                    | DailyCommand::Resume
                    | DailyCommand::Post
            ) | Command::Questions(
                QuestionsCommand::Add { .. }
                    | QuestionsCommand::Remove { .. }
                    | QuestionsCommand::DisableTopic(_)
                    | QuestionsCommand::EnableTopic(_)
            ) | Command::Flags
                | Command::Regrade { .. }
        ) || matches!(self, Command::Compete(c) if c.needs_admin())
    }

    /// Who will see this command's reply, known before it runs: a front end
    /// that must acknowledge first (a queued Discord interaction) does so
    /// with this visibility, and the engine replies with it. Announcements
    /// (a round or a season starting) are public; everything else answers
    /// the asker alone. An error is private whatever this says.
    pub fn visibility(&self) -> Visibility {
        match self {
            Command::Compete(
                CompeteCommand::Round(RoundCommand::Start { .. })
                | CompeteCommand::Season(SeasonCommand::Start { .. }),
            ) => Visibility::Public,
            _ => Visibility::Private,
        }
    }

    /// Whether being an admin changes what this command does, so a front
    /// end whose admin check costs a request (Slack's `users.info`) makes
    /// it: every admin-only command, plus `/reveal`, which admins may run
    /// before the reveal time.
    pub fn admin_matters(&self) -> bool {
        self.needs_admin() || matches!(self, Command::Reveal)
    }
}

/// Why a line could not be parsed; shown to the person as one line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ParseError(pub String);

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn err<T>(msg: impl Into<String>) -> Result<T, ParseError> {
    Err(ParseError(msg.into()))
}

pub mod build;

/// `text` without NUL and other control characters (newlines and tabs stay,
/// for multi-line answers). PostgreSQL refuses NUL in text, and escapes have
/// no business in answers or names.
pub fn strip_controls(text: &str) -> std::borrow::Cow<'_, str> {
    if text.chars().any(is_stray_control) {
        text.chars().filter(|&c| !is_stray_control(c)).collect()
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// A control character other than a newline or a tab: what
/// [`strip_controls`] takes out of typed text.
pub fn is_stray_control(c: char) -> bool {
    c.is_control() && c != '\n' && c != '\t'
}

/// Shown when a line held nothing but control characters.
pub const ONLY_CONTROLS: &str =
    "that line held only control characters (such as NUL); type a command like /help";

mod compete;
mod parse;
mod rewards;
mod round;
pub use compete::{
    season_start, team_name, CompeteCommand, FairBoard, SeasonCommand, TeamCommand, ACCURACY_MIN,
    MAX_SEASON_NAME, MAX_TEAM_NAME,
};
pub use parse::{parse, parse_time, parse_tz, COMMAND_NAMES};
pub use rewards::{rewards_role, rewards_setting, RewardsCommand, REWARDS_USAGE};
pub use round::{round_start, RoundCommand, ROUND_USAGE};

#[cfg(test)]
mod tests;
