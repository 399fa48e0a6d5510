//! Values an import checks against each other before it writes: a file is
//! text an admin can edit, and a hand-made total or time zone must be
//! refused here rather than found later as a leaderboard that disagrees
//! with `/stats`, or a channel that silently stops posting.
//!
//! - no text holds a NUL character, which PostgreSQL cannot store (found
//!   here, it is named by its place in the file, not blamed on the first
//!   statement that happens to send it);
//! - the server's platform is one prepbot runs on;
//! - every channel's time zone is a real IANA zone;
//! - streaks are whole numbers, not negative, best at least current;
//! - the leaderboard totals (every board but the seasons') are exactly what
//!   the points history adds up to, board by board, as the live bot keeps
//!   them (`domain::boards::scopes_for`).

use super::check::bad;
use super::ImportError;
use crate::domain::boards::scopes_for;
use crate::domain::command::{parse_tz, Days};
use crate::domain::platform::Platform;
use chrono::NaiveDate;
use serde_json::Value;
use std::collections::HashMap;

/// Checks `doc` (already of the right shape, see `check_document`).
pub(super) fn check_values(doc: &Value) -> Result<(), ImportError> {
    if let Some(at) = nul_at(doc, "") {
        return Err(bad(format!(
            "{at} holds a NUL character (\\u0000), which PostgreSQL cannot store"
        )));
    }
    let platform = doc["guild"]["platform"].as_str().unwrap_or_default();
    if platform.parse::<Platform>().is_err() {
        return Err(bad(format!(
            "guild.platform {platform:?} is not one prepbot runs on (console, discord, slack)"
        )));
    }
    for (i, channel) in rows(doc, "channels") {
        schedule_parses(&channel["daily"], &format!("channels[{i}].daily"))?;
    }
    for (i, s) in rows(doc, "streaks") {
        let at = format!("streaks[{i}]");
        let (current, best) = (int(s, "current", &at)?, int(s, "best", &at)?);
        if current < 0 || best < current {
            return Err(bad(format!(
                "{at}: a streak of {current} with a best of {best} cannot happen"
            )));
        }
    }
    totals_follow_history(doc)
}

/// A daily schedule's zone and days read as the engine reads them
/// (`engine::daily`'s `schedule_of`), with the commands' own rules: one
/// that does not would leave its channel silently without posts.
fn schedule_parses(daily: &Value, at: &str) -> Result<(), ImportError> {
    if let Some(tz) = daily["tz"].as_str() {
        parse_tz(tz).map_err(|e| bad(format!("{at}.tz: {e}")))?;
    }
    if let Some(days) = daily["days"].as_str() {
        days.parse::<Days>()
            .map_err(|e| bad(format!("{at}.days: {e}")))?;
    }
    Ok(())
}

/// The file's board totals equal the sums of its points history.
fn totals_follow_history(doc: &Value) -> Result<(), ImportError> {
    let mut expected: HashMap<(String, String), i64> = HashMap::new();
    for (i, e) in rows(doc, "point_events") {
        let at = format!("point_events[{i}]");
        let delta = int(e, "delta", &at)?;
        // The ledger's column is an integer: a larger change cannot have
        // happened, and summing it could overflow.
        if i32::try_from(delta).is_err() {
            return Err(bad(format!("{at}.delta {delta} is out of range")));
        }
        let (member, topic) = (text(e, "member", &at)?, text(e, "topic", &at)?);
        let day = text(e, "local_day", &at)?
            .parse::<NaiveDate>()
            .map_err(|_| bad(format!("{at}.local_day is not a date")))?;
        for scope in scopes_for(day, topic) {
            *expected.entry((scope, member.to_owned())).or_default() += delta;
        }
    }
    for (i, b) in rows(doc, "board_totals") {
        let at = format!("board_totals[{i}]");
        let points = int(b, "points", &at)?;
        let key = (
            text(b, "scope", &at)?.to_owned(),
            text(b, "member", &at)?.to_owned(),
        );
        let history = expected.remove(&key).unwrap_or(0);
        if points != history {
            return Err(bad(format!(
                "{at}: {} has {points} points on {}, but the points history adds up to {history}",
                key.1, key.0
            )));
        }
    }
    // A board row with no points may be left out, but not one with some.
    if let Some(((scope, member), points)) = expected.into_iter().find(|(_, p)| *p != 0) {
        return Err(bad(format!(
            "board_totals: {member} has no row on {scope}, but the points history adds up to {points}"
        )));
    }
    Ok(())
}

/// Where the first text (or key) holding a NUL is, as `list[i].key`.
fn nul_at(v: &Value, at: &str) -> Option<String> {
    match v {
        Value::String(s) if s.contains('\0') => Some(at.to_owned()),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, item)| nul_at(item, &format!("{at}[{i}]"))),
        Value::Object(map) => map.iter().find_map(|(k, item)| {
            let here = if at.is_empty() {
                k.clone()
            } else {
                format!("{at}.{k}")
            };
            if k.contains('\0') {
                Some(here)
            } else {
                nul_at(item, &here)
            }
        }),
        _ => None,
    }
}

/// The rows of a list, numbered.
pub(super) fn rows<'a>(doc: &'a Value, key: &str) -> impl Iterator<Item = (usize, &'a Value)> {
    doc[key].as_array().into_iter().flatten().enumerate()
}

/// `row.key` as a whole number: a number written as text is refused, as
/// an export never writes one.
fn int(row: &Value, key: &str, at: &str) -> Result<i64, ImportError> {
    row[key]
        .as_i64()
        .ok_or_else(|| bad(format!("{at}.{key} is not a whole number: {}", row[key])))
}

fn text<'a>(row: &'a Value, key: &str, at: &str) -> Result<&'a str, ImportError> {
    row[key]
        .as_str()
        .ok_or_else(|| bad(format!("{at}.{key} is missing or not text")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A server with one answer worth 10 points on 2026-11-24 (a Tuesday).
    fn doc() -> Value {
        let scopes = scopes_for(NaiveDate::from_ymd_opt(2026, 11, 24).unwrap(), "sql");
        let totals: Vec<Value> = scopes
            .iter()
            .map(|s| json!({"scope": s, "member": "u1", "points": 10}))
            .collect();
        json!({
            "guild": {"platform": "discord", "external_id": "g"},
            "channels": [{"external_id": "c", "daily": {"tz": "Europe/Berlin", "days": "weekdays"}}],
            "streaks": [{"channel": "c", "member": "u1", "current": 2, "best": 3}],
            "point_events": [{"member": "u1", "topic": "sql", "delta": 10, "local_day": "2026-11-24"}],
            "board_totals": totals,
        })
    }

    fn refusal(doc: &Value) -> String {
        check_values(doc).unwrap_err().to_string()
    }

    #[test]
    fn a_consistent_server_passes() {
        check_values(&doc()).unwrap();
    }

    #[test]
    fn an_unknown_platform_or_time_zone_is_refused() {
        let mut d = doc();
        d["guild"]["platform"] = "telegram".into();
        assert!(refusal(&d).contains("telegram"));
        let mut d = doc();
        d["channels"][0]["daily"]["tz"] = "Mars/Olympus".into();
        assert!(refusal(&d).contains("Mars/Olympus"));
        let mut d = doc();
        d["channels"][0]["daily"]["days"] = "fortnightly".into();
        assert!(
            refusal(&d).contains("channels[0].daily.days"),
            "{}",
            refusal(&d)
        );
    }

    #[test]
    fn impossible_streaks_are_refused() {
        for (current, best) in [(-1, 3), (4, 3)] {
            let mut d = doc();
            d["streaks"][0]["current"] = current.into();
            d["streaks"][0]["best"] = best.into();
            assert!(refusal(&d).contains("streaks[0]"), "{current}/{best}");
        }
    }

    #[test]
    fn a_total_that_is_not_its_history_is_refused_naming_board_and_member() {
        let mut d = doc();
        d["board_totals"][0]["points"] = 999_999.into();
        let why = refusal(&d);
        assert!(
            why.contains("999999") && why.contains("u1") && why.contains("adds up to 10"),
            "{why}"
        );
        let mut d = doc();
        d["point_events"][0]["delta"] = (-1_000_000).into();
        assert!(refusal(&d).contains("-1000000"));
    }

    #[test]
    fn a_nul_in_any_text_is_refused_at_its_place() {
        let mut d = doc();
        d["channels"][0]["daily"]["tz"] = "Europe/Berlin\0".into();
        assert!(
            refusal(&d).contains("channels[0].daily.tz holds a NUL"),
            "{}",
            refusal(&d)
        );
        let mut d = doc();
        d["point_events"][0]["note\0"] = "x".into();
        assert!(
            refusal(&d).contains("point_events[0].note"),
            "{}",
            refusal(&d)
        );
    }

    #[test]
    fn a_missing_total_row_or_a_number_written_as_text_is_refused() {
        let mut d = doc();
        d["board_totals"].as_array_mut().unwrap().remove(0);
        assert!(refusal(&d).contains("has no row"));
        let mut d = doc();
        d["board_totals"][0]["points"] = "10".into();
        assert!(refusal(&d).contains("not a whole number"));
    }
}
