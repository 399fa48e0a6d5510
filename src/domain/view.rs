//! The view model: what every reply and post shows, decided once.
//!
//! [`build`] turns a reply [`Body`] into a [`View`]: a title, blocks of
//! text, short fields, a footer and controls (buttons and selects carrying
//! platform-neutral [`ActionId`]s). Front ends only map a view onto their
//! widgets (Discord embeds and components, Slack Block Kit, console text)
//! and enforce their own length limits without dropping content.
//!
//! Text is in the small markup of [`crate::domain::markup`]; anything that
//! came from a person is escaped before it lands in a view. Platform words
//! (who counts as an admin, how commands are typed) come from the front
//! end's [`Words`].

mod admin;
mod boards;
mod cards;
mod home;
mod rewards;
mod rounds;
mod seasons;

pub use home::home;

use crate::domain::action::ActionId;
use crate::domain::markup;
use crate::domain::reply::{Body, Effect};

/// The feel of a view: front ends pick a colour or an icon from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Neutral,
    Question,
    Success,
    Partial,
    Failure,
    Error,
    Trophy,
}

/// One block of a view's body, in order.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// Prose, in markup.
    Text(String),
    /// A titled piece of prose.
    Section { heading: String, text: String },
    /// A list; each item is markup.
    List {
        heading: Option<String>,
        mark: Mark,
        items: Vec<String>,
    },
    /// Preformatted code.
    Code { language: String, code: String },
    /// Rows of cells (a leaderboard, per-topic stats); cells are markup.
    Table {
        columns: Vec<String>,
        rows: Vec<Vec<String>>,
    },
}

/// The mark in front of each list item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    Bullet,
    Check,
    Cross,
    /// `A.`, `B.`, ...: the item's own id is shown instead.
    Lettered,
}

impl Mark {
    /// The sign in front of each item, the same on every platform
    /// (lettered items carry their own letter).
    pub fn glyph(self) -> &'static str {
        match self {
            Mark::Bullet => "• ",
            Mark::Check => "✓ ",
            Mark::Cross => "✗ ",
            Mark::Lettered => "",
        }
    }
}

/// A short name/value pair shown side by side with others.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub name: String,
    pub value: String,
}

/// How prominent a button is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Emphasis {
    Primary,
    Secondary,
}

/// Something a person can click or pick.
#[derive(Debug, Clone, PartialEq)]
pub enum Control {
    Button {
        action: ActionId,
        label: String,
        emphasis: Emphasis,
        disabled: bool,
    },
    /// A select menu: the picked option ids arrive with the click.
    Select {
        action: ActionId,
        placeholder: String,
        /// `(value, label)`
        options: Vec<(String, String)>,
        min: usize,
        max: usize,
    },
}

/// A reply or post, ready for a front end to lay out.
#[derive(Debug, Clone, PartialEq)]
pub struct View {
    pub tone: Tone,
    pub title: String,
    pub blocks: Vec<Block>,
    pub fields: Vec<Field>,
    pub footer: Option<String>,
    pub controls: Vec<Control>,
    /// What to type instead of clicking, for front ends without controls.
    pub typed: Option<String>,
    /// Unix seconds when the question shown closes (a live round's): a
    /// neutral time that each front end shows its own way (Discord a live
    /// countdown, Slack a date token, the console the time left).
    pub deadline: Option<i64>,
}

impl View {
    pub fn new(tone: Tone, title: impl Into<String>) -> Self {
        Self {
            tone,
            title: title.into(),
            blocks: vec![],
            fields: vec![],
            footer: None,
            controls: vec![],
            typed: None,
            deadline: None,
        }
    }

    pub fn text(mut self, text: impl Into<String>) -> Self {
        self.blocks.push(Block::Text(text.into()));
        self
    }

    pub fn block(mut self, block: Block) -> Self {
        self.blocks.push(block);
        self
    }

    pub fn field(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.fields.push(Field {
            name: name.into(),
            value: value.into(),
        });
        self
    }

    pub fn footer(mut self, footer: impl Into<String>) -> Self {
        self.footer = Some(footer.into());
        self
    }

    /// The view as a few lines of plain text, for readers that show no rich
    /// layout: Discord users who turned embeds off, notification previews,
    /// screen readers. The title, the start of the first prose block, and
    /// the fields on one line; at most [`FALLBACK_CHARS`] characters, so it
    /// stays a summary beside the full layout rather than a second copy.
    ///
    /// Only replies a person must not miss have one: questions, grades,
    /// reveals and refusals. Help, boards and status are long tables whose
    /// first line alone would mislead; they stay layout only.
    pub fn fallback(&self) -> Option<String> {
        if matches!(self.tone, Tone::Neutral | Tone::Trophy) {
            return None;
        }
        let lead = self.blocks.iter().find_map(|b| match b {
            Block::Text(t) | Block::Section { text: t, .. } if !t.trim().is_empty() => {
                Some(t.as_str())
            }
            _ => None,
        });
        let fields: Vec<String> = self
            .fields
            .iter()
            .map(|f| format!("{}: {}", f.name, f.value))
            .collect();
        let lines = [
            self.title.clone(),
            clip(lead.unwrap_or_default(), FALLBACK_LEAD_CHARS),
            fields.join(" · "),
        ];
        let text: Vec<String> = lines
            .iter()
            .map(|l| markup::to_plain(l).trim().to_owned())
            .filter(|l| !l.is_empty())
            .collect();
        Some(clip(&text.join("\n"), FALLBACK_CHARS))
    }
}

/// Longest [`View::fallback`].
pub const FALLBACK_CHARS: usize = 500;
/// How much of the first prose block a fallback carries.
const FALLBACK_LEAD_CHARS: usize = 300;

/// The words a platform uses, so the core's layout reads naturally on each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Words {
    /// Who may run admin commands, e.g. "server admins (Manage Server permission)".
    pub admins: &'static str,
    /// How a person becomes an admin, where they can do it themselves.
    pub become_admin: Option<&'static str>,
    /// How a command is typed: "/" on Discord, "/prep " on Slack.
    pub command_prefix: &'static str,
    /// The community a bot is installed in: "server", "workspace".
    pub community: &'static str,
    /// How a channel is named in text, `{}` standing for its id: `<#{}>`
    /// on Discord and Slack, where it becomes a link.
    pub channel: &'static str,
}

impl Words {
    /// `name` as typed on this platform, e.g. `/daily setup`.
    pub fn cmd(&self, name: &str) -> String {
        format!("{}{name}", self.command_prefix)
    }

    /// `text` with every command it names (`/quiz`, `/daily resume`) typed
    /// the way this platform types commands (`/prep quiz` on Slack).
    /// Messages written once in the core (usage lines, refusals) read right
    /// on every platform.
    pub fn retype(&self, text: &str) -> String {
        if self.command_prefix == "/" {
            return text.to_owned();
        }
        let mut out = String::with_capacity(text.len() + 16);
        let mut rest = text;
        while let Some(i) = rest.find('/') {
            let (before, after) = rest.split_at(i);
            out.push_str(before);
            let at_word_start = before
                .chars()
                .last()
                .is_none_or(|c| c.is_whitespace() || "`(\"'[".contains(c));
            let name: String = after[1..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                .collect();
            if at_word_start && crate::domain::command::COMMAND_NAMES.contains(&name.as_str()) {
                out.push_str(self.command_prefix);
            } else {
                out.push('/');
            }
            rest = &after[1..];
        }
        out.push_str(rest);
        out
    }

    /// The channel with this platform id, as text.
    pub fn channel(&self, id: &str) -> String {
        self.channel.replace("{}", id)
    }
}

/// Cuts `s` to at most `n` characters, ending with `…` when cut (a button
/// label; the full text is always in the view's body too).
pub fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        return s.to_owned();
    }
    let mut out: String = s.chars().take(n.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// "1 answer", "2 answers".
pub fn count(n: i64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Whole percent of `part` in `whole` (0 when there is nothing).
pub fn percent(part: i64, whole: i64) -> i64 {
    if whole > 0 {
        part * 100 / whole
    } else {
        0
    }
}

/// The view of any reply body.
pub fn build(body: &Body, words: &Words) -> View {
    match body {
        Body::Text(t) => View::new(Tone::Neutral, "").text(words.retype(t)),
        Body::Error(e) => View::new(Tone::Error, "Can't do that").text(words.retype(e)),
        Body::TryAgain(t) => admin::try_again(t),
        Body::AdminOnly => admin::admin_only(words),
        Body::Help(h) => admin::help(h, words),
        Body::Question(c) => cards::question(c, words),
        Body::Feedback(f) => cards::feedback(f, words),
        Body::Reveal(r) => cards::reveal(r, words),
        Body::Leaderboard(l) => boards::leaderboard(l),
        Body::Stats(s) => boards::stats(s),
        Body::Streak(s) => boards::streak(s),
        Body::DailyStatus(s) => admin::daily_status(s, words),
        Body::Flags(f) => admin::flags(f, words),
        Body::CustomQuestions(c) => admin::custom_questions(c, words),
        Body::SeasonStatus(s) => seasons::season_status(s, words),
        Body::SeasonResults(r) => seasons::season_results(r),
        Body::SeasonHistory(h) => seasons::season_history(h, words),
        Body::FairBoard(b) => seasons::fair_board(b),
        Body::TeamBoard(b) => seasons::team_board(b),
        Body::RoundStatus(s) => rounds::status(s, words),
        Body::Rewards(c) => rewards::rewards(c, words),
    }
}

/// A reveal as the edit of its original post plus the model answer in the
/// post's thread; `None` for a question post.
pub fn reveal_parts(effect: &Effect, words: &Words) -> Option<(View, View)> {
    match effect {
        Effect::PostReveal { card, .. } => Some(cards::reveal_parts(card, words)),
        Effect::PostQuestion { .. }
        | Effect::TellAdmin { .. }
        | Effect::Announce { .. }
        | Effect::SetRole { .. } => None,
    }
}

/// The view of a post a notifier delivers to a channel.
pub fn post(effect: &Effect, words: &Words) -> View {
    match effect {
        Effect::PostQuestion { card, .. } => cards::question(card, words),
        Effect::PostReveal { card, .. } => cards::reveal(card, words),
        Effect::TellAdmin { card, .. } => admin::paused_by_delivery(card, words),
        Effect::Announce { card, .. } => seasons::announcement(card, words),
        // Never posted: a role change is a request of its own. A front end
        // that shows effects (the console) gets a plain line.
        Effect::SetRole {
            member, role, give, ..
        } => View::new(Tone::Neutral, "Role change").text(format!(
            "{} role `{role}` {} {}",
            if *give { "Give" } else { "Take" },
            if *give { "to" } else { "from" },
            markup::escape(member)
        )),
    }
}

#[cfg(test)]
mod tests;
