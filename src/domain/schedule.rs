//! When a channel's daily question is posted and revealed: pure functions of
//! the channel's settings and an instant, in the channel's IANA time zone.
//!
//! Local times that do not exist (the spring-forward gap) move to the first
//! instant after the gap; ambiguous ones (fall-back) take the earlier instant.

use crate::domain::command::Days;
use chrono::{
    DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveTime, TimeZone, Utc, Weekday,
};
use chrono_tz::Tz;

/// A channel's schedule.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Schedule {
    pub post: NaiveTime,
    pub reveal: NaiveTime,
    pub tz: Tz,
    pub days: Days,
}

/// Default gap between post and reveal when none is given.
pub const DEFAULT_REVEAL_AFTER: Duration = Duration::hours(8);

/// The reveal time to use when `/daily setup` gives none.
pub fn default_reveal(post: NaiveTime) -> NaiveTime {
    post.overflowing_add_signed(DEFAULT_REVEAL_AFTER).0
}

/// Whether `date` is a day the question runs on.
pub fn is_scheduled(date: NaiveDate, days: Days) -> bool {
    match days {
        Days::Daily => true,
        Days::Weekdays => !matches!(date.weekday(), Weekday::Sat | Weekday::Sun),
    }
}

/// The last scheduled day strictly before `date`.
pub fn previous_scheduled(date: NaiveDate, days: Days) -> NaiveDate {
    let mut d = date.pred_opt().expect("date in range");
    while !is_scheduled(d, days) {
        d = d.pred_opt().expect("date in range");
    }
    d
}

/// The instant a local wall-clock time happens in `tz` on `date`.
pub fn local_instant(tz: Tz, date: NaiveDate, time: NaiveTime) -> DateTime<Utc> {
    let mut local = date.and_time(time);
    // Gaps are at most a few hours in every zone; step past them.
    for _ in 0..=16 {
        match tz.from_local_datetime(&local) {
            LocalResult::Single(t) => return t.with_timezone(&Utc),
            LocalResult::Ambiguous(early, _) => return early.with_timezone(&Utc),
            LocalResult::None => local += Duration::minutes(15),
        }
    }
    Utc.from_utc_datetime(&date.and_time(time))
}

impl Schedule {
    /// The local date of `now` in this channel.
    pub fn local_date(&self, now: DateTime<Utc>) -> NaiveDate {
        now.with_timezone(&self.tz).date_naive()
    }

    /// When the question for local `date` is posted.
    pub fn post_at(&self, date: NaiveDate) -> DateTime<Utc> {
        local_instant(self.tz, date, self.post)
    }

    /// When the question posted for local `date` is revealed: the same day,
    /// or the next day when the reveal time is not after the post time.
    pub fn reveal_at(&self, date: NaiveDate) -> DateTime<Utc> {
        let day = if self.reveal > self.post {
            date
        } else {
            date.succ_opt().expect("date in range")
        };
        local_instant(self.tz, day, self.reveal)
    }

    /// The local date whose question should be out by `now`, if any. A bot that
    /// was down at post time still posts later the same local day, never on a
    /// later day.
    pub fn due_date(&self, now: DateTime<Utc>) -> Option<NaiveDate> {
        let today = self.local_date(now);
        (is_scheduled(today, self.days) && now >= self.post_at(today)).then_some(today)
    }

    /// The next post instant strictly after `now`.
    pub fn next_post(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        let mut date = self.local_date(now);
        loop {
            if is_scheduled(date, self.days) && self.post_at(date) > now {
                return self.post_at(date);
            }
            date = date.succ_opt().expect("date in range");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }
    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }
    fn utc(y: i32, m: u32, day: u32, h: u32, min: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, day, h, min, 0).unwrap()
    }
    fn sched(tz: Tz, post: NaiveTime, reveal: NaiveTime, days: Days) -> Schedule {
        Schedule {
            post,
            reveal,
            tz,
            days,
        }
    }

    #[test]
    fn a_london_post_at_nine_is_nine_utc_in_winter_and_eight_utc_in_summer() {
        let s = sched(chrono_tz::Europe::London, t(9, 0), t(17, 0), Days::Daily);
        assert_eq!(s.post_at(d(2026, 1, 15)), utc(2026, 1, 15, 9, 0));
        assert_eq!(s.post_at(d(2026, 7, 15)), utc(2026, 7, 15, 8, 0));
    }

    #[test]
    fn a_post_time_inside_the_spring_forward_gap_moves_to_the_end_of_the_gap() {
        // 2026-03-29: London clocks jump from 01:00 to 02:00.
        let s = sched(chrono_tz::Europe::London, t(1, 30), t(17, 0), Days::Daily);
        assert_eq!(s.post_at(d(2026, 3, 29)), utc(2026, 3, 29, 1, 0));
    }

    #[test]
    fn an_ambiguous_fall_back_time_takes_the_earlier_instant() {
        // 2026-10-25: London clocks go back from 02:00 BST to 01:00 GMT; 01:30 happens twice.
        let s = sched(chrono_tz::Europe::London, t(1, 30), t(17, 0), Days::Daily);
        assert_eq!(s.post_at(d(2026, 10, 25)), utc(2026, 10, 25, 0, 30));
    }

    #[test]
    fn the_days_around_a_dst_change_each_get_exactly_one_post_at_local_nine() {
        let s = sched(chrono_tz::America::New_York, t(9, 0), t(17, 0), Days::Daily);
        // US DST starts 2026-03-08.
        let before = s.next_post(utc(2026, 3, 7, 15, 0));
        let after = s.next_post(before);
        assert_eq!(before, utc(2026, 3, 8, 13, 0));
        assert_eq!(after, utc(2026, 3, 9, 13, 0));
        assert_eq!(after - before, Duration::hours(24));
        assert_eq!(s.next_post(utc(2026, 3, 7, 13, 0)), utc(2026, 3, 7, 14, 0));
    }

    #[test]
    fn the_local_date_follows_the_channel_zone_not_utc() {
        let s = sched(chrono_tz::Pacific::Auckland, t(8, 0), t(18, 0), Days::Daily);
        // 20:00 UTC on the 24th is 09:00 on the 25th in Auckland (NZDT, UTC+13).
        let now = utc(2026, 11, 24, 20, 0);
        assert_eq!(s.local_date(now), d(2026, 11, 25));
        assert_eq!(s.due_date(now), Some(d(2026, 11, 25)));
    }

    #[test]
    fn a_bot_that_was_down_at_post_time_posts_later_that_day_but_not_the_next_day() {
        let s = sched(chrono_tz::Asia::Kolkata, t(9, 0), t(18, 0), Days::Daily);
        // 09:00 IST is 03:30 UTC.
        assert_eq!(s.due_date(utc(2026, 11, 24, 3, 29)), None);
        assert_eq!(s.due_date(utc(2026, 11, 24, 3, 30)), Some(d(2026, 11, 24)));
        assert_eq!(s.due_date(utc(2026, 11, 24, 18, 0)), Some(d(2026, 11, 24)));
        // Just after local midnight the due date is the new day's, and only once its time comes.
        assert_eq!(s.due_date(utc(2026, 11, 24, 18, 31)), None);
    }

    #[test]
    fn weekday_channels_skip_saturday_and_sunday() {
        let s = sched(chrono_tz::UTC, t(9, 0), t(17, 0), Days::Weekdays);
        // 2026-11-27 is a Friday.
        assert_eq!(
            s.next_post(utc(2026, 11, 27, 10, 0)),
            utc(2026, 11, 30, 9, 0)
        );
        assert_eq!(s.due_date(utc(2026, 11, 28, 12, 0)), None);
        assert_eq!(
            previous_scheduled(d(2026, 11, 30), Days::Weekdays),
            d(2026, 11, 27)
        );
    }

    #[test]
    fn a_reveal_time_before_the_post_time_means_the_next_day() {
        let s = sched(chrono_tz::UTC, t(18, 0), t(9, 0), Days::Daily);
        assert_eq!(s.reveal_at(d(2026, 11, 24)), utc(2026, 11, 25, 9, 0));
        let same_day = sched(chrono_tz::UTC, t(9, 0), t(17, 0), Days::Daily);
        assert_eq!(
            same_day.reveal_at(d(2026, 11, 24)),
            utc(2026, 11, 24, 17, 0)
        );
    }

    #[test]
    fn the_default_reveal_is_eight_hours_after_the_post_wrapping_past_midnight() {
        assert_eq!(default_reveal(t(9, 0)), t(17, 0));
        assert_eq!(default_reveal(t(20, 0)), t(4, 0));
    }
}
