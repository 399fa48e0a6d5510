//! What the engine answers: a [`Reply`] for the person, plus [`Effect`]s for
//! the channel. Views are plain data; each front end renders them its own way
//! (embeds and buttons on Discord, Block Kit on Slack, text in the console).

use crate::bank::{Difficulty, Format, QuestionId, Topic};
use crate::domain::platform::Platform;
use crate::grading::Grade;

mod standings;
pub use standings::*;

/// Who may see a reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visibility {
    /// Only the person who asked (Discord ephemeral, Slack ephemeral).
    Private,
    /// Everyone in the channel.
    Public,
}

/// The engine's answer to one command.
#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    pub reply: Reply,
    pub effects: Vec<Effect>,
}

impl Response {
    pub fn private(body: Body) -> Self {
        Self {
            reply: Reply {
                visibility: Visibility::Private,
                body,
            },
            effects: vec![],
        }
    }
    pub fn public(body: Body) -> Self {
        Self {
            reply: Reply {
                visibility: Visibility::Public,
                body,
            },
            effects: vec![],
        }
    }
    pub fn text(text: impl Into<String>) -> Self {
        Self::private(Body::Text(text.into()))
    }
    pub fn with_effect(mut self, e: Effect) -> Self {
        self.effects.push(e);
        self
    }
}

/// A reply to the person who sent the command.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    pub visibility: Visibility,
    pub body: Body,
}

/// The content of a reply.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    /// A short confirmation, in markup.
    Text(String),
    Question(QuestionCard),
    Feedback(Feedback),
    Reveal(RevealCard),
    Leaderboard(Leaderboard),
    Stats(Stats),
    Streak(StreakCard),
    Help(HelpCard),
    DailyStatus(DailyStatus),
    Flags(Vec<FlagLine>),
    CustomQuestions(CustomQuestions),
    /// The running season's board.
    SeasonStatus(SeasonStatus),
    /// A finished season's results (also the body of its results post).
    SeasonResults(SeasonResults),
    /// The hall of fame: every season of the server.
    SeasonHistory(Vec<SeasonLine>),
    /// The most improved or the accuracy board.
    FairBoard(FairBoardCard),
    /// Teams ranked by average points per active member.
    TeamBoard(TeamBoardCard),
    /// A live round's progress and standings.
    RoundStatus(crate::domain::rounds::RoundStatus),
    /// `/rewards`: what is on, the champion, the asker's badges.
    Rewards(RewardsCard),
    /// The error a person can act on, in markup.
    Error(String),
    /// Our side failed (the database is out of reach, or a fault): nothing
    /// the person did wrong, so they are told to try again, with their own
    /// words to send again.
    TryAgain(TryAgain),
    /// The command needs an admin; the front end's words say who that is.
    AdminOnly,
}

/// A command that failed on our side: why, the reference in the logs, and
/// the text the person sent (an answer), so nothing they wrote is lost even
/// when it could not be stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TryAgain {
    /// PostgreSQL was out of reach (a restart, an outage), which passes on
    /// its own; otherwise something is broken and the reference matters.
    pub unreachable: bool,
    /// The reference the logs carry for this failure.
    pub reference: String,
    /// What the person wrote, as they wrote it (not yet escaped).
    pub echo: Option<String>,
}

/// A question as shown to people (never the answer).
#[derive(Debug, Clone, PartialEq)]
pub struct QuestionCard {
    pub post_id: i64,
    pub question_id: QuestionId,
    pub topic: Topic,
    pub topic_name: String,
    pub difficulty: Difficulty,
    pub format: Format,
    pub prompt: String,
    /// `(id, text)` for choice and true/false questions: rendered as buttons.
    pub options: Vec<(String, String)>,
    /// SQL questions: the tables the query runs against.
    pub schema: Option<String>,
    /// "Select all that apply": more than one option may be picked.
    pub multi: bool,
    pub daily: bool,
    /// Unix seconds of the reveal, for daily questions.
    pub reveals_at: Option<i64>,
    /// The reveal in the channel's zone, e.g. "17:00 Europe/London".
    pub reveal_label: Option<String>,
}

/// Private feedback on one answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Feedback {
    pub post_id: i64,
    pub answer_id: i64,
    pub question_id: QuestionId,
    pub grade: Grade,
    pub points: i32,
    /// Why no points: "practice", "after the reveal", ...
    pub note: Option<String>,
    /// The model answer, shown at once for quiz questions.
    pub model_answer: Option<String>,
    /// The question's chat-sized summary: when the model answer is shown
    /// and this is set, feedback leads with it and the full answer is one
    /// step away.
    pub summary: Option<String>,
    pub streak: Option<i32>,
}

/// A revealed question with how the channel did.
#[derive(Debug, Clone, PartialEq)]
pub struct RevealCard {
    pub post_id: i64,
    pub question_id: QuestionId,
    pub prompt: String,
    pub answer: String,
    /// The chat-sized answer the reveal leads with, when the question has
    /// one; the full answer is then one step away.
    pub summary: Option<String>,
    pub explanation: String,
    /// `(shown id, text, correct)` of a choice or true/false question's
    /// options, in the order the post showed them.
    pub options: Vec<(String, String, bool)>,
    pub answers: i64,
    pub correct: i64,
    /// Display names of those who got it right (at most 25).
    pub correct_names: Vec<String>,
    pub version_note: Option<String>,
}

/// A member's streak in one channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StreakCard {
    pub current: i32,
    pub best: i32,
    /// The channel posts on weekdays only, so streaks skip weekends.
    pub weekdays: bool,
}

/// What `/help` lists besides the commands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelpCard {
    /// `(slug, name)` of every topic.
    pub topics: Vec<(String, String)>,
}

/// A channel's daily-question settings, as `/daily status` shows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DailyStatus {
    /// Set when the settings were just changed ("Daily question set up.").
    pub headline: Option<String>,
    /// "09:00"
    pub post_time: String,
    pub reveal_time: String,
    pub reveal_next_day: bool,
    pub tz: String,
    pub weekdays: bool,
    /// Display names; empty means every topic.
    pub topics: Vec<String>,
    /// Why the schedule is paused, if it is ("paused by an admin").
    pub paused: Option<String>,
    /// "Mon 23 Nov 09:00 GMT", when not paused.
    pub next_post: Option<String>,
}

/// An answer flagged for review, as `/flags` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlagLine {
    pub answer_id: i64,
    pub post_id: i64,
    pub member: String,
    pub question_id: String,
    /// `None` while ungraded.
    pub verdict: Option<String>,
    /// The start of the answer.
    pub excerpt: String,
}

/// A server's own questions and switched-off topics.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomQuestions {
    /// `(id, topic, difficulty, format)`
    pub questions: Vec<(String, String, String, String)>,
    pub disabled_topics: Vec<String>,
}

/// A server's rewards, as `/rewards` shows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RewardsCard {
    /// Set when a setting was just changed ("Milestone rewards on.").
    pub headline: Option<String>,
    /// Whose winner holds the champion reward, and the zone its weeks and
    /// months end in (`None`: off).
    pub champion: Option<(crate::domain::rewards::ChampionPeriod, String)>,
    /// Display names of the champions now (hidden members never hold it).
    pub champions: Vec<String>,
    /// Thresholds in lifetime points; empty: off.
    pub milestones: Vec<i64>,
    /// Thresholds in streak days; empty: off.
    pub streaks: Vec<i64>,
    /// Whether rewards can be roles here (Discord) or are badges only.
    pub roles_here: bool,
    /// `(reward key, role id)` of each mapped role.
    pub roles: Vec<(String, String)>,
    /// The asker's badges.
    pub yours: Vec<crate::domain::rewards::Badge>,
}

/// A platform message, as a front end reported it after posting.
pub type MessageRef = String;

/// Something to do in a channel besides replying to the asker. Each names
/// the platform that must deliver it, so a process only hands an effect to
/// its own notifier for that platform (the delivery router).
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Post the daily question.
    PostQuestion {
        platform: Platform,
        channel: String,
        card: QuestionCard,
        /// A claim taken over after an earlier attempt went unrecorded: the
        /// post may already be in the channel (the process died before it
        /// saw the answer), so the notifier looks before posting again.
        redelivery: bool,
    },
    /// Publish a reveal: edit or reply to the original post.
    PostReveal {
        platform: Platform,
        channel: String,
        original: Option<MessageRef>,
        card: RevealCard,
    },
    /// Tell the admin who set a schedule up, privately and once, that
    /// delivery had to pause it.
    TellAdmin {
        platform: Platform,
        /// The admin's id on the platform.
        admin: String,
        card: PauseCard,
    },
    /// Post season results or period winners.
    Announce {
        platform: Platform,
        channel: String,
        card: Announcement,
    },
    /// Give (or take) a reward's role: only for platforms with roles.
    /// `id` is the change's claim in `reward_role_changes`.
    SetRole {
        platform: Platform,
        /// The server's platform id.
        guild: String,
        /// The member's platform id.
        member: String,
        role: String,
        give: bool,
        id: i64,
    },
}

/// Why an admin is being told that a schedule stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PauseCard {
    /// The post whose delivery failed.
    pub post_id: i64,
    /// The channel's id on its platform.
    pub channel: String,
    /// What went wrong and what to do about it.
    pub reason: String,
}

impl Effect {
    pub fn post_id(&self) -> i64 {
        match self {
            Effect::PostQuestion { card, .. } => card.post_id,
            Effect::PostReveal { card, .. } => card.post_id,
            Effect::TellAdmin { card, .. } => card.post_id,
            Effect::Announce { card, .. } => card.id,
            Effect::SetRole { id, .. } => *id,
        }
    }

    /// The platform that delivers this effect.
    pub fn platform(&self) -> Platform {
        match self {
            Effect::PostQuestion { platform, .. }
            | Effect::PostReveal { platform, .. }
            | Effect::Announce { platform, .. }
            | Effect::SetRole { platform, .. }
            | Effect::TellAdmin { platform, .. } => *platform,
        }
    }

    /// The platform channel this effect goes to.
    pub fn channel(&self) -> &str {
        match self {
            Effect::PostQuestion { channel, .. }
            | Effect::PostReveal { channel, .. }
            | Effect::Announce { channel, .. } => channel,
            // A note to an admin goes to that person directly.
            Effect::TellAdmin { admin, .. } => admin,
            // A role belongs to the server, not to a channel.
            Effect::SetRole { guild, .. } => guild,
        }
    }
}
