//! Which leaderboards a point counts on. A board is named by a scope string:
//! `all`, `w:MONDAY`, `m:FIRST-OF-MONTH`, each optionally followed by
//! `:TOPIC`. Weeks start on Monday; dates are the channel's local dates.

use crate::domain::command::Period;
use chrono::{Datelike, Duration, NaiveDate};

fn week_start(day: NaiveDate) -> NaiveDate {
    day - Duration::days(i64::from(day.weekday().num_days_from_monday()))
}

fn month_start(day: NaiveDate) -> NaiveDate {
    day.with_day(1).expect("every month has a first day")
}

/// The board a period (and optional topic) names on local date `today`.
pub fn scope(period: Period, today: NaiveDate, topic: Option<&str>) -> String {
    let base = match period {
        Period::All => "all".to_owned(),
        Period::Week => format!("w:{}", week_start(today)),
        Period::Month => format!("m:{}", month_start(today)),
    };
    match topic {
        Some(t) => format!("{base}:{t}"),
        None => base,
    }
}

/// Every board a point earned on local date `day` in `topic` counts on.
pub fn scopes_for(day: NaiveDate, topic: &str) -> Vec<String> {
    [Period::All, Period::Week, Period::Month]
        .into_iter()
        .flat_map(|p| [scope(p, day, None), scope(p, day, Some(topic))])
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).unwrap()
    }

    #[test]
    fn weeks_start_on_monday_and_months_on_the_first() {
        assert_eq!(scope(Period::Week, d(11, 29), None), "w:2026-11-23");
        assert_eq!(scope(Period::Week, d(11, 30), None), "w:2026-11-30");
        assert_eq!(
            scope(Period::Month, d(11, 30), Some("sql")),
            "m:2026-11-01:sql"
        );
        assert_eq!(scope(Period::All, d(11, 30), None), "all");
    }

    #[test]
    fn a_point_counts_on_six_boards() {
        let s = scopes_for(d(12, 2), "spark");
        assert_eq!(
            s,
            [
                "all",
                "all:spark",
                "w:2026-11-30",
                "w:2026-11-30:spark",
                "m:2026-12-01",
                "m:2026-12-01:spark"
            ]
        );
    }
}
