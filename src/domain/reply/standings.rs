//! The standings a reply can carry: leaderboards, stats, season and team
//! boards, period winners and competition announcements. Kept apart from
//! [`super`]'s question, answer and admin cards because they are the
//! competition's own vocabulary; re-exported there, so callers name them
//! as `reply::Leaderboard` and so on.

use crate::bank::Topic;
use crate::domain::command::Period;

/// One leaderboard row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Standing {
    pub rank: i64,
    pub name: String,
    pub points: i64,
    /// Rewards the member holds (none for a hidden member, to others).
    pub badges: Vec<crate::domain::rewards::Badge>,
}

impl Standing {
    /// A row without badges (podiums and round standings).
    pub fn new(rank: i64, name: String, points: i64) -> Self {
        Self {
            rank,
            name,
            points,
            badges: vec![],
        }
    }
}

/// A page of a leaderboard, plus the asker's own standing.
#[derive(Debug, Clone, PartialEq)]
pub struct Leaderboard {
    pub period: Period,
    pub topic: Option<Topic>,
    pub page: u32,
    pub pages: u32,
    pub rows: Vec<Standing>,
    pub me: Option<Standing>,
}

/// A person's stats.
#[derive(Debug, Clone, PartialEq)]
pub struct Stats {
    pub name: String,
    pub points: i64,
    pub answers: i64,
    pub correct: i64,
    pub streak: i32,
    pub best_streak: i32,
    pub per_topic: Vec<TopicLine>,
    /// Weeks, months and seasons won in this server.
    pub wins: Wins,
    /// Rewards held now, champion first.
    pub badges: Vec<crate::domain::rewards::Badge>,
}

/// How often a member won a period in one server.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Wins {
    pub weeks: i64,
    pub months: i64,
    pub seasons: i64,
}

/// The running season, as `/season status` shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct SeasonStatus {
    pub season_id: i64,
    pub name: String,
    /// Local dates, e.g. "2027-01-04".
    pub started_on: String,
    pub ends_on: String,
    /// The end in the home channel's zone: "Thu 01 Apr 2027 00:00 BST".
    pub ends_label: String,
    /// Topic display names; empty means every topic.
    pub topics: Vec<String>,
    /// The top of the season board (hidden members shown as anonymous).
    pub rows: Vec<Standing>,
    pub me: Option<Standing>,
    /// A team season's teams, ranked; empty for a season played alone.
    pub teams: Vec<TeamRow>,
    /// The asker's team in a team season (frozen at its start).
    pub my_team: Option<String>,
}

/// A member singled out in a season's results.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Award {
    pub name: String,
    /// Points gained over the previous period, a streak's length, or
    /// answers right.
    pub value: i64,
    /// For accuracy: answers given.
    pub out_of: Option<i64>,
}

/// A finished season's results.
#[derive(Debug, Clone, PartialEq)]
pub struct SeasonResults {
    pub season_id: i64,
    pub name: String,
    pub started_on: String,
    pub ended_on: String,
    /// Ranks 1 to 3 (ties share a rank).
    pub podium: Vec<Standing>,
    /// Most points gained against the previous season (or, for the first,
    /// the same length of time before it).
    pub most_improved: Option<Award>,
    pub longest_streak: Option<Award>,
    pub most_accurate: Option<Award>,
    /// Answers needed to be considered for accuracy.
    pub min_answers: i64,
    /// A team season's teams, ranked; empty for a season played alone.
    pub teams: Vec<TeamRow>,
    /// The team(s) recorded as winning a team season (ties share it).
    pub winning_teams: Vec<String>,
}

/// One season in the hall of fame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeasonLine {
    pub season_id: i64,
    pub name: String,
    pub started_on: String,
    /// The last local day (planned, while running).
    pub ends_on: String,
    pub running: bool,
    /// Winners (ties share the title); empty while running or with no points.
    pub champions: Vec<String>,
    /// A team season's winning team(s); empty otherwise.
    pub teams: Vec<String>,
}

/// The winners of a week or a month, as posted when it ends.
#[derive(Debug, Clone, PartialEq)]
pub struct PeriodWinners {
    /// "week" or "month"
    pub period: String,
    /// First and last local day of the period.
    pub from: String,
    pub to: String,
    pub podium: Vec<Standing>,
}

/// One row of a fairness board.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FairRow {
    pub rank: i64,
    pub name: String,
    /// Improved: points gained; accuracy: answers right.
    pub value: i64,
    /// Improved: points this period; accuracy: answers scored.
    pub of: i64,
}

/// The most improved board (against the previous period) or the accuracy
/// board (with a minimum of answers), and the asker's row.
#[derive(Debug, Clone, PartialEq)]
pub struct FairBoardCard {
    pub kind: crate::domain::command::FairBoard,
    pub period: Period,
    pub rows: Vec<FairRow>,
    pub me: Option<FairRow>,
}

/// One team on the team board.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamRow {
    pub rank: i64,
    pub name: String,
    /// Points per active member, in tenths (the ranking key).
    pub average_tenths: i64,
    pub points: i64,
    /// Members with points in the period.
    pub active: i64,
    pub members: i64,
}

/// The team board of a period.
#[derive(Debug, Clone, PartialEq)]
pub struct TeamBoardCard {
    pub period: Period,
    pub rows: Vec<TeamRow>,
}

/// What a competition post announces.
#[derive(Debug, Clone, PartialEq)]
pub enum Announced {
    SeasonResults(SeasonResults),
    Winners(PeriodWinners),
    /// A live round's question, with its deadline.
    RoundQuestion(crate::domain::rounds::RoundQuestion),
    /// A live round's closed question: answer and standings.
    RoundResult(crate::domain::rounds::RoundResult),
    /// A live round's end: the podium.
    RoundPodium(crate::domain::rounds::RoundPodium),
}

/// A competition post: `id` is its claim in `competition_posts`.
#[derive(Debug, Clone, PartialEq)]
pub struct Announcement {
    pub id: i64,
    pub body: Announced,
}

/// How a member did in one topic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicLine {
    /// The topic's display name.
    pub name: String,
    pub answered: i64,
    pub correct: i64,
    pub points: i64,
}
