//! Points and streaks: pure functions, so the rules live in one place.

use crate::bank::Difficulty;
use crate::domain::command::Days;
use crate::domain::schedule::previous_scheduled;
use crate::grading::Verdict;
use chrono::NaiveDate;

/// Bonus for a daily answer given before the reveal that is not wrong.
pub const ON_TIME_BONUS: i32 = 5;

/// Full points for a correct answer, by difficulty.
pub fn base_points(d: Difficulty) -> i32 {
    match d {
        Difficulty::Easy => 10,
        Difficulty::Medium => 20,
        Difficulty::Hard => 30,
    }
}

/// How an answer counts towards points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counting {
    /// The daily question, answered before its reveal.
    DailyOnTime,
    /// A `/quiz` question this person has not been scored on before.
    FirstQuiz,
    /// Practice: after the reveal, or a repeated quiz question. No points.
    Practice,
}

/// Points for a graded answer.
pub fn points(d: Difficulty, verdict: Verdict, counting: Counting) -> i32 {
    let earned = match verdict {
        Verdict::Correct => base_points(d),
        Verdict::Partial => base_points(d) / 2,
        Verdict::Incorrect => 0,
    };
    match counting {
        Counting::Practice => 0,
        Counting::FirstQuiz => earned,
        Counting::DailyOnTime if earned > 0 => earned + ON_TIME_BONUS,
        Counting::DailyOnTime => 0,
    }
}

/// A person's streak in one channel: consecutive scheduled days answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Streak {
    pub current: i32,
    pub best: i32,
    pub last: Option<NaiveDate>,
}

impl Streak {
    /// The streak after answering the daily question of local `date`.
    pub fn answered(self, date: NaiveDate, days: Days) -> Streak {
        let current = match self.last {
            Some(last) if last == date => self.current,
            Some(last) if last == previous_scheduled(date, days) => self.current + 1,
            _ => 1,
        };
        Streak {
            current,
            best: self.best.max(current),
            last: Some(date),
        }
    }

    /// The streak as it stands on local `today`: it survives until a scheduled
    /// day passes unanswered (weekends do not break a `weekdays` streak).
    pub fn as_of(self, today: NaiveDate, days: Days) -> i32 {
        let Some(last) = self.last else { return 0 };
        // Still alive if the last answer was on or after the most recent
        // scheduled day before today; today's own question may still be open.
        if last >= previous_scheduled(today, days) {
            self.current
        } else {
            0
        }
    }
}
