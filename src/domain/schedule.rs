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
