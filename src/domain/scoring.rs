//! Points and streaks: pure functions, so the rules live in one place.

use crate::bank::Difficulty;
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
    /// A question of a live round, answered before its deadline; choice and
    /// true/false answers carry how fast they came (see
    /// [`crate::domain::rounds::speed_points`]).
    Round(Option<crate::domain::rounds::Speed>),
}

/// Most points a streak adds to one daily answer.
pub const STREAK_BONUS_MAX: i32 = 5;

/// A server's fairness switches (`/scoring`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rules {
    /// [`ON_TIME_BONUS`] for a daily answer before the reveal that is not wrong.
    pub on_time_bonus: bool,
    /// [`streak_bonus`] on a daily answer that earns points.
    pub streak_bonus: bool,
}

impl Default for Rules {
    /// The rules prepbot always had: the on-time bonus, no streak bonus.
    fn default() -> Self {
        Self {
            on_time_bonus: true,
            streak_bonus: false,
        }
    }
}

/// One point per streak day after the first, at most [`STREAK_BONUS_MAX`].
pub fn streak_bonus(streak: i32) -> i32 {
    (streak - 1).clamp(0, STREAK_BONUS_MAX)
}

/// Points for a graded answer under the default rules.
pub fn points(d: Difficulty, verdict: Verdict, counting: Counting) -> i32 {
    points_with(Rules::default(), d, verdict, counting, 0)
}

/// Points for a graded answer under `rules`; `streak` is the member's
/// streak including this answer (daily answers only).
pub fn points_with(
    rules: Rules,
    d: Difficulty,
    verdict: Verdict,
    counting: Counting,
    streak: i32,
) -> i32 {
    let earned = match verdict {
        Verdict::Correct => base_points(d),
        Verdict::Partial => base_points(d) / 2,
        Verdict::Incorrect => 0,
    };
    match counting {
        Counting::Practice => 0,
        Counting::FirstQuiz => earned,
        Counting::Round(None) => earned,
        Counting::Round(Some(speed)) => crate::domain::rounds::speed_points(earned, speed),
        Counting::DailyOnTime if earned > 0 => {
            let on_time = if rules.on_time_bonus {
                ON_TIME_BONUS
            } else {
                0
            };
            let streak = if rules.streak_bonus {
                streak_bonus(streak)
            } else {
                0
            };
            earned + on_time + streak
        }
        Counting::DailyOnTime => 0,
    }
}

/// A person's streak in one channel: consecutive daily questions that were
/// actually posted there, each answered on time. Days with no post (an outage,
/// a `/daily pause`, a weekend on a `weekdays` channel) neither grow nor break it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Streak {
    pub current: i32,
    pub best: i32,
    /// The local date of the last daily question answered.
    pub last: Option<NaiveDate>,
}

impl Streak {
    /// The streak after answering the daily question of local `date`;
    /// `previous_post` is the local date of the channel's daily post before it.
    pub fn answered(self, date: NaiveDate, previous_post: Option<NaiveDate>) -> Streak {
        let current = match self.last {
            Some(last) if last == date => self.current,
            Some(last) if Some(last) == previous_post => self.current + 1,
            _ => 1,
        };
        Streak {
            current,
            best: self.best.max(current),
            last: Some(date),
        }
    }

    /// The streak as it stands today; `previous_post` is the local date of the
    /// channel's newest daily post before today. Today's own question may
    /// still be open, so only an earlier posted question left unanswered breaks it.
    pub fn as_of(self, previous_post: Option<NaiveDate>) -> i32 {
        let Some(last) = self.last else { return 0 };
        match previous_post {
            Some(p) if last < p => 0,
            _ => self.current,
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
    fn the_switches_drop_the_on_time_bonus_or_add_a_capped_streak_bonus() {
        let (d, v, c) = (Difficulty::Medium, Verdict::Correct, Counting::DailyOnTime);
        let off = Rules {
            on_time_bonus: false,
            streak_bonus: false,
        };
        assert_eq!(points_with(off, d, v, c, 4), 20);
        let streaky = Rules {
            on_time_bonus: true,
            streak_bonus: true,
        };
        assert_eq!(points_with(streaky, d, v, c, 1), 25);
        assert_eq!(points_with(streaky, d, v, c, 4), 28);
        assert_eq!(points_with(streaky, d, v, c, 30), 30);
        assert_eq!(points_with(streaky, d, Verdict::Incorrect, c, 30), 0);
        assert_eq!(points_with(streaky, d, v, Counting::FirstQuiz, 30), 20);
    }

    #[test]
    fn practice_answers_earn_nothing() {
        assert_eq!(
            points(Difficulty::Hard, Verdict::Correct, Counting::Practice),
            0
        );
    }

    #[test]
    fn consecutive_posted_questions_grow_a_streak_and_a_missed_one_resets_it() {
        let s = Streak::default()
            .answered(d(11, 23), None)
            .answered(d(11, 24), Some(d(11, 23)));
        assert_eq!((s.current, s.best), (2, 2));
        // The 25th was posted and not answered.
        let s = s.answered(d(11, 26), Some(d(11, 25)));
        assert_eq!((s.current, s.best), (1, 2));
    }

    #[test]
    fn answering_twice_on_one_day_does_not_grow_the_streak() {
        let s = Streak::default()
            .answered(d(11, 24), None)
            .answered(d(11, 24), None);
        assert_eq!(s.current, 1);
    }

    #[test]
    fn a_day_with_no_post_neither_grows_nor_breaks_the_streak() {
        // Posted on the 23rd and the 25th; nothing on the 24th (an outage).
        let s = Streak::default().answered(d(11, 23), None);
        assert_eq!(s.as_of(Some(d(11, 23))), 1);
        let s = s.answered(d(11, 25), Some(d(11, 23)));
        assert_eq!((s.current, s.best), (2, 2));
    }

    #[test]
    fn a_streak_shows_as_broken_once_a_posted_question_goes_unanswered() {
        let s = Streak::default()
            .answered(d(11, 23), None)
            .answered(d(11, 24), Some(d(11, 23)));
        assert_eq!(s.as_of(Some(d(11, 24))), 2);
        assert_eq!(s.as_of(Some(d(11, 25))), 0);
        assert_eq!(s.best, 2);
    }

    #[test]
    fn nobody_has_a_streak_before_answering() {
        assert_eq!(Streak::default().as_of(None), 0);
        assert_eq!(Streak::default().as_of(Some(d(11, 24))), 0);
    }
}
