//! Live rounds' rules, as pure functions: the speed bonus, the limits of
//! `/round start`, and when a step delayed by an outage is too late to run.
//!
//! A round is a sequence of steps: for question k, "open" (post it with its
//! deadline) then "close" (post the answer and the standings); closing the
//! last question also posts the podium and ends the round.

use crate::domain::reply::{QuestionCard, Standing};
use chrono::Duration;

/// A question of a live round, as posted in the channel.
#[derive(Debug, Clone, PartialEq)]
pub struct RoundQuestion {
    pub round_id: i64,
    /// 1 for the first question.
    pub n: u32,
    /// Questions in the round.
    pub of: u32,
    /// The question, answered with the usual answer flow.
    pub card: QuestionCard,
    /// Unix seconds of the deadline: a neutral time each front end shows
    /// its own way (a live countdown, a time, the time left).
    pub deadline: i64,
    pub seconds: u32,
}

/// A closed question: its answer and the round's standings so far.
#[derive(Debug, Clone, PartialEq)]
pub struct RoundResult {
    pub round_id: i64,
    pub n: u32,
    pub of: u32,
    pub post_id: i64,
    pub prompt: String,
    /// The chat-sized answer (the summary when the question has one).
    pub answer: String,
    /// `(shown id, text)` of the right options of a choice question.
    pub right_options: Vec<(String, String)>,
    pub answers: i64,
    pub correct: i64,
    /// The round's board after this question (hidden members anonymous).
    pub standings: Vec<Standing>,
    /// Unix seconds of the next question, when there is one.
    pub next_at: Option<i64>,
}

/// Why a round ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoundEnd {
    /// Every question was asked.
    Finished,
    /// An admin's `/round stop`.
    Stopped,
    /// prepbot was away too long to go on (see [`STALE_AFTER_MINUTES`]).
    Stale,
}

impl RoundEnd {
    pub fn as_str(self) -> &'static str {
        match self {
            RoundEnd::Finished => "finished",
            RoundEnd::Stopped => "stopped",
            RoundEnd::Stale => "stale",
        }
    }

    pub fn parse(s: &str) -> Self {
        match s {
            "stopped" => RoundEnd::Stopped,
            "stale" => RoundEnd::Stale,
            _ => RoundEnd::Finished,
        }
    }
}

/// The end of a round: the final podium.
#[derive(Debug, Clone, PartialEq)]
pub struct RoundPodium {
    pub round_id: i64,
    pub reason: RoundEnd,
    /// Questions opened before the end.
    pub asked: u32,
    pub of: u32,
    /// Ranks 1 to 3 (ties share a rank).
    pub podium: Vec<Standing>,
    /// Members who answered at least once.
    pub players: i64,
    /// The answer to the question that was open when the round ended,
    /// posted with the podium so it cannot arrive after it.
    pub last: Option<RoundResult>,
}

/// `/round status`: the running round, or the channel's last one.
#[derive(Debug, Clone, PartialEq)]
pub struct RoundStatus {
    pub round_id: i64,
    pub running: bool,
    /// The topic's display name; `None`: any topic.
    pub topic: Option<String>,
    /// Questions opened so far.
    pub asked: u32,
    pub of: u32,
    pub seconds: u32,
    /// The open question and its deadline (unix seconds), if one is open.
    pub open: Option<(i64, i64)>,
    pub standings: Vec<Standing>,
}

/// Questions in a round unless the admin says otherwise.
pub const DEFAULT_QUESTIONS: u32 = 5;
/// Seconds to answer each question unless the admin says otherwise.
pub const DEFAULT_SECONDS: u32 = 60;
/// Limits of `questions:` (kept in step with the migration's CHECK).
pub const QUESTIONS: std::ops::RangeInclusive<u32> = 1..=20;
/// Limits of `seconds:` (kept in step with the migration's CHECK).
pub const SECONDS: std::ops::RangeInclusive<u32> = 10..=600;
/// The pause between a question's answer and the next question.
pub const GAP_SECONDS: i64 = 5;
/// A question due to open this long ago (the process was down) is not
/// opened: the round is closed cleanly with the standings so far, since
/// the people who were playing have most likely left. Closing a question
/// is never too late: its answers came before its deadline.
pub const STALE_AFTER_MINUTES: i64 = 10;

/// How fast a choice or true/false answer came, for its points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Speed {
    /// From the question's post to the answer.
    pub elapsed_ms: i64,
    /// From the question's post to its deadline.
    pub window_ms: i64,
}

/// Points for a choice or true/false answer in a live round: full points
/// at 0 s, falling linearly to half at the deadline, rounded to the
/// nearest point (`earned × (1 − elapsed / (2 × window))`). Open and SQL
/// answers are graded as usual and earn their usual points; a wrong
/// answer earns nothing however fast.
pub fn speed_points(earned: i32, speed: Speed) -> i32 {
    if earned <= 0 || speed.window_ms <= 0 {
        return earned.max(0);
    }
    let elapsed = speed.elapsed_ms.clamp(0, speed.window_ms);
    let num = i64::from(earned) * (2 * speed.window_ms - elapsed);
    let den = 2 * speed.window_ms;
    i32::try_from((num + den / 2) / den).unwrap_or(earned)
}

/// Whether a question that was due to open `late` ago should be skipped
/// and the round closed instead (see [`STALE_AFTER_MINUTES`]).
pub fn too_late_to_open(late: Duration) -> bool {
    late > Duration::minutes(STALE_AFTER_MINUTES)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(elapsed_s: i64) -> Speed {
        Speed {
            elapsed_ms: elapsed_s * 1000,
            window_ms: 60_000,
        }
    }

    #[test]
    fn an_instant_answer_earns_full_points_and_one_at_the_deadline_earns_half() {
        assert_eq!(speed_points(20, at(0)), 20);
        assert_eq!(speed_points(20, at(30)), 15);
        assert_eq!(speed_points(20, at(60)), 10);
        assert_eq!(speed_points(10, at(15)), 9); // 8.75 rounds to 9
    }

    #[test]
    fn points_never_fall_below_half_or_rise_above_full() {
        assert_eq!(speed_points(20, at(600)), 10);
        assert_eq!(speed_points(20, at(-5)), 20);
        assert_eq!(speed_points(0, at(1)), 0);
    }

    #[test]
    fn a_question_is_opened_late_only_within_the_stale_limit() {
        assert!(!too_late_to_open(Duration::minutes(STALE_AFTER_MINUTES)));
        assert!(too_late_to_open(Duration::minutes(STALE_AFTER_MINUTES + 1)));
    }
}
