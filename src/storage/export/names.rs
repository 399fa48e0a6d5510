//! The names an import shows to everyone, held to the rules the live bot
//! applies when it takes them: a member's display name as
//! [`DisplayName`] keeps it (at most 32 characters, no control or
//! invisible characters), and team and season names within their
//! commands' lengths and without the control characters commands strip.
//! A hand-edited file could otherwise put a megabyte of text, a terminal
//! escape or a right-to-left override on every leaderboard, which the
//! live bot never stores.

use super::check::bad;
use super::values::rows;
use super::ImportError;
use crate::domain::command::{is_stray_control, MAX_SEASON_NAME, MAX_TEAM_NAME};
use crate::domain::name::{DisplayName, MAX_NAME_CHARS};
use serde_json::Value;

/// `name` for a message: quoted and escaped, cut at 40 characters (it may
/// be a hostile file's 100 MB string).
fn shown(name: &str) -> String {
    let cut: String = name.chars().take(40).collect();
    match cut.len() < name.len() {
        true => format!("{cut:?}…"),
        false => format!("{cut:?}"),
    }
}

/// Refuses a display name the live bot would have cleaned, or a team or
/// season name its commands would not have taken.
pub(super) fn check_names(doc: &Value) -> Result<(), ImportError> {
    for (i, m) in rows(doc, "members") {
        let Some(name) = m["display_name"].as_str() else {
            continue; // a null is named when PostgreSQL refuses it
        };
        let kept = DisplayName::new(name, m["external_id"].as_str().unwrap_or_default());
        if kept.as_str() != name {
            return Err(bad(format!(
                "members[{i}].display_name {} is not a name as prepbot keeps them (at most {MAX_NAME_CHARS} characters, no control or invisible characters); it would be {:?}",
                shown(name),
                kept.as_str()
            )));
        }
    }
    let lists = [
        ("teams", MAX_TEAM_NAME),
        ("season_teams", MAX_TEAM_NAME),
        ("seasons", MAX_SEASON_NAME),
    ];
    for (list, max) in lists {
        for (i, row) in rows(doc, list) {
            let Some(name) = row["name"].as_str() else {
                continue;
            };
            let stray = name.chars().any(is_stray_control);
            if stray || !(1..=max).contains(&name.chars().count()) {
                return Err(bad(format!(
                    "{list}[{i}].name {} is not a name /team or /season takes (1 to {max} characters, no control characters)",
                    shown(name)
                )));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn refusal(doc: Value) -> String {
        check_names(&doc).unwrap_err().to_string()
    }

    #[test]
    fn names_as_the_live_bot_keeps_them_are_taken() {
        let doc = json!({
            "members": [{"external_id": "u1", "display_name": "Ada Lovelace"}, {"display_name": null}],
            "teams": [{"name": "Tabs\tand spaces"}],
            "seasons": [{"name": "Winter 2027"}],
        });
        check_names(&doc).unwrap();
    }

    #[test]
    fn long_escaped_or_invisible_names_are_refused_naming_the_row() {
        let long = "x".repeat(1_000_000);
        let e = refusal(json!({"members": [{"external_id": "u1", "display_name": long}]}));
        assert!(
            e.contains("members[0].display_name \"xxxx") && e.contains('…'),
            "{e}"
        );
        assert!(
            e.len() < 400,
            "the 1 MB name is not repeated: {} bytes",
            e.len()
        );
        let e = refusal(
            json!({"members": [{}, {"external_id": "u2", "display_name": "Eve\u{202e}nimda"}]}),
        );
        assert!(
            e.contains("members[1].display_name") && e.contains("\"Evenimda\""),
            "{e}"
        );
        let e = refusal(json!({"teams": [{"name": "\u{1b}[2J"}]}));
        assert!(e.contains("teams[0].name \"\\u{1b}[2J\""), "{e}");
        let e = refusal(json!({"seasons": [{"name": ""}]}));
        assert!(e.contains("seasons[0].name \"\" is not a name"), "{e}");
        let e = refusal(json!({"season_teams": [{"name": "t".repeat(41)}]}));
        assert!(e.contains("1 to 40 characters"), "{e}");
    }
}
