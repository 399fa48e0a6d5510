//! What a person's home shows (Slack's App Home tab): their standing, the
//! daily questions open in their community right now with a way to answer
//! each, and for admins every channel's daily settings. Plain data, decided
//! by the engine ([`crate::engine::Engine::home`]) and laid out by
//! [`crate::domain::view::home`].

use crate::domain::reply::{DailyStatus, Leaderboard, QuestionCard, Stats};

/// Most open daily questions a home lists (each is several blocks, and a
/// Slack view holds 100); the rest are counted.
pub const MAX_OPEN: i64 = 5;
/// Most channels whose settings an admin's home lists; the rest are counted.
pub const MAX_SCHEDULES: i64 = 25;

/// A person's home in one community.
#[derive(Debug, Clone, PartialEq)]
pub struct Home {
    pub stats: Stats,
    /// The first page of the all-time leaderboard, with the person's rank.
    pub board: Leaderboard,
    /// Daily questions posted and not yet revealed, newest first.
    pub open: Vec<OpenQuestion>,
    /// Open questions beyond those in `open`.
    pub more_open: i64,
    /// Admins only: the daily settings of each channel that has them.
    pub schedules: Option<Schedules>,
}

/// Today's question of one channel, as the person may answer it.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenQuestion {
    /// The channel's id on its platform.
    pub channel: String,
    pub card: QuestionCard,
    /// The person answered it already (their first answer stands).
    pub answered: bool,
}

/// Every scheduled channel's settings, as an admin sees them.
#[derive(Debug, Clone, PartialEq)]
pub struct Schedules {
    pub channels: Vec<ChannelStatus>,
    /// Channels beyond those listed.
    pub more: i64,
}

/// One channel's daily settings.
#[derive(Debug, Clone, PartialEq)]
pub struct ChannelStatus {
    /// The channel's id on its platform.
    pub channel: String,
    pub status: DailyStatus,
}
