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

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).unwrap()
    }

    #[test]
    fn points_scale_with_difficulty_and_halve_for_partial_answers() {
        assert_eq!(
            points(Difficulty::Easy, Verdict::Correct, Counting::FirstQuiz),
            10
        );
        assert_eq!(
            points(Difficulty::Hard, Verdict::Partial, Counting::FirstQuiz),
            15
        );
        assert_eq!(
            points(Difficulty::Medium, Verdict::Incorrect, Counting::FirstQuiz),
            0
        );
    }

    #[test]
    fn an_on_time_daily_answer_earns_the_bonus_unless_it_is_wrong() {
        assert_eq!(
            points(Difficulty::Medium, Verdict::Correct, Counting::DailyOnTime),
            25
        );
        assert_eq!(
            points(Difficulty::Medium, Verdict::Partial, Counting::DailyOnTime),
            15
        );
        assert_eq!(
            points(
                Difficulty::Medium,
                Verdict::Incorrect,
                Counting::DailyOnTime
            ),
            0
        );
    }

    #[test]
    fn practice_answers_earn_nothing() {
        assert_eq!(
            points(Difficulty::Hard, Verdict::Correct, Counting::Practice),
            0
        );
    }

    #[test]
    fn consecutive_days_grow_a_streak_and_a_missed_day_resets_it() {
        let s = Streak::default()
            .answered(d(11, 23), Days::Daily)
            .answered(d(11, 24), Days::Daily);
        assert_eq!((s.current, s.best), (2, 2));
        let s = s.answered(d(11, 26), Days::Daily);
        assert_eq!((s.current, s.best), (1, 2));
    }

    #[test]
    fn answering_twice_on_one_day_does_not_grow_the_streak() {
        let s = Streak::default()
            .answered(d(11, 24), Days::Daily)
            .answered(d(11, 24), Days::Daily);
        assert_eq!(s.current, 1);
    }

    #[test]
    fn a_weekday_streak_survives_the_weekend() {
        // Friday 27th, then Monday 30th.
        let s = Streak::default().answered(d(11, 27), Days::Weekdays);
        assert_eq!(s.as_of(d(11, 28), Days::Weekdays), 1);
        assert_eq!(s.as_of(d(11, 29), Days::Weekdays), 1);
        assert_eq!(s.as_of(d(11, 30), Days::Weekdays), 1);
        assert_eq!(s.answered(d(11, 30), Days::Weekdays).current, 2);
    }

    #[test]
    fn a_daily_streak_does_not_survive_the_weekend() {
        let s = Streak::default().answered(d(11, 27), Days::Daily);
        assert_eq!(s.as_of(d(11, 28), Days::Daily), 1);
        assert_eq!(s.as_of(d(11, 29), Days::Daily), 0);
        assert_eq!(s.answered(d(11, 30), Days::Daily).current, 1);
    }

    #[test]
    fn a_streak_shows_as_broken_once_a_scheduled_day_passes_unanswered() {
        let s = Streak::default()
            .answered(d(11, 23), Days::Weekdays)
            .answered(d(11, 24), Days::Weekdays);
        assert_eq!(s.as_of(d(11, 25), Days::Weekdays), 2);
        assert_eq!(s.as_of(d(11, 26), Days::Weekdays), 0);
        assert_eq!(s.best, 2);
    }
}
