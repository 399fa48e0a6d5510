//! What an import checks before it writes anything: that the text is one
//! JSON document without a key given twice in an object (JSON parsers
//! disagree on which one wins, so such a file means two things), of our
//! format and a version we read, with every list a list of objects, no
//! key we do not know (at the top here, in rows in [`super::keys`]), and
//! no list longer than an import can take.
//! References and values are then checked by the load itself (see
//! [`super::load`]).

use super::{rewards, ImportError, FORMAT, VERSION};
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};
use std::borrow::Cow;

/// The largest file `prepbot import` reads.
pub const MAX_FILE_BYTES: usize = 1 << 30;
/// The most rows one list may hold. Far above any server prepbot has run;
/// a larger one is moved with pg_dump (README).
pub const MAX_ROWS: usize = 2_000_000;
/// The largest list, as JSON: each is sent to PostgreSQL as one jsonb
/// value, whose limit is 255 MB.
pub const MAX_LIST_BYTES: usize = 255 << 20;

/// The document's lists, in the order [`super::query`] writes them.
pub const LISTS: &[&str] = &[
    "members",
    "channels",
    "custom_questions",
    "seasons",
    "posts",
    "answers",
    "point_events",
    "board_totals",
    "season_totals",
    "streaks",
    "regrades",
    "sql_attempts",
    "teams",
    "team_members",
    "rounds",
    "round_questions",
    "competition_posts",
    "competition_wins",
    "season_teams",
    "season_members",
    "reward_roles",
    "member_rewards",
    "reward_role_changes",
];

/// The lists version 1 (before competitions were exported) did not have.
const SINCE_VERSION_2: &[&str] = &[
    "seasons",
    "season_totals",
    "teams",
    "team_members",
    "rounds",
    "round_questions",
    "competition_posts",
    "competition_wins",
];

/// The lists version 2 (before team seasons' rosters and the rewards were
/// exported) did not have.
const SINCE_VERSION_3: &[&str] = &[
    "season_teams",
    "season_members",
    "reward_roles",
    "member_rewards",
    "reward_role_changes",
];

pub(super) fn bad(why: impl Into<String>) -> ImportError {
    ImportError::BadFile(why.into())
}

/// Parses an export file, refusing a file over [`MAX_FILE_BYTES`], text
/// that is not JSON, and an object that gives a key twice.
pub fn parse_document(text: &str) -> Result<Value, ImportError> {
    if text.len() > MAX_FILE_BYTES {
        return Err(bad(format!(
            "the file is {} MB; an import reads at most {} MB (move a server this large with pg_dump)",
            text.len() >> 20,
            MAX_FILE_BYTES >> 20
        )));
    }
    let mut de = serde_json::Deserializer::from_str(text);
    let Strict(doc) = Strict::deserialize(&mut de).map_err(|e| bad(format!("not JSON: {e}")))?;
    de.end().map_err(|e| bad(format!("not JSON: {e}")))?;
    Ok(doc)
}

/// Checks a document's shape and brings a version 1 or 2 document to the
/// current version (what they did not hold is empty: version 1 had no
/// competitions, version 2 no team rosters and no rewards). Returns the
/// document to load and its server's `(platform, external id)`.
pub fn check_document(doc: &Value) -> Result<(Cow<'_, Value>, String, String), ImportError> {
    let Some(top) = doc.as_object() else {
        return Err(bad("the file is not a JSON object"));
    };
    if doc["format"] != FORMAT {
        return Err(bad(format!("\"format\" is not \"{FORMAT}\"")));
    }
    // Only an old document is copied: a large one is not held twice.
    let doc = match doc["version"].as_i64() {
        Some(VERSION) => Cow::Borrowed(doc),
        Some(old @ (1 | 2)) => {
            let mut doc = doc.clone();
            upgrade(&mut doc, old);
            Cow::Owned(doc)
        }
        _ => {
            return Err(bad(format!(
                "version {} (this prepbot reads versions 1 to {VERSION})",
                doc["version"]
            )))
        }
    };
    if let Some(key) = top.keys().find(|k| {
        !["format", "version", "guild"].contains(&k.as_str()) && !LISTS.contains(&k.as_str())
    }) {
        return Err(bad(format!(
            "unknown key {key:?} (a newer prepbot's file?)"
        )));
    }
    for key in LISTS {
        check_list(&doc, key)?;
    }
    let guild = doc["guild"]
        .as_object()
        .ok_or_else(|| bad("\"guild\" is not an object"))?;
    let field = |name: &str| {
        guild[name]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| bad(format!("guild.{name} is missing or not text")))
    };
    let (platform, external_id) = (field("platform")?, field("external_id")?);
    optional_object(&doc["guild"], "scoring", "guild")?;
    optional_object(&doc["guild"], "rewards", "guild")?;
    rewards::check(&doc)?;
    check_times(&doc["guild"], "guild")?;
    for (i, channel) in doc["channels"].as_array().into_iter().flatten().enumerate() {
        for key in ["daily", "winners"] {
            optional_object(channel, key, &format!("channels[{i}]"))?;
        }
    }
    super::keys::check_keys(&doc, matches!(doc, Cow::Borrowed(_)))?;
    super::values::check_values(&doc)?;
    super::names::check_names(&doc)?;
    Ok((doc, platform, external_id))
}

/// A version 1 or 2 document as this version writes the same server.
fn upgrade(doc: &mut Value, from: i64) {
    doc["version"] = VERSION.into();
    let added = if from == 1 { SINCE_VERSION_2 } else { &[] };
    for key in added.iter().chain(SINCE_VERSION_3) {
        if doc.get(key).is_none() {
            doc[key] = Value::Array(Vec::new());
        }
    }
    for key in ["scoring", "rewards"] {
        if doc["guild"].is_object() && doc["guild"].get(key).is_none() {
            doc["guild"][key] = Value::Null;
        }
    }
    if from == 1 {
        // Version 1 also wrote season boards (`s:ID`) into board_totals,
        // but not the seasons they belong to: those rows point nowhere.
        if let Some(rows) = doc["board_totals"].as_array_mut() {
            rows.retain(|r| !r["scope"].as_str().is_some_and(|s| s.starts_with("s:")));
        }
    }
    if let Some(channels) = doc["channels"].as_array_mut() {
        for c in channels.iter_mut().filter(|c| c.is_object()) {
            if c.get("winners").is_none() {
                c["winners"] = Value::Null;
            }
        }
    }
}

fn check_list(doc: &Value, key: &str) -> Result<(), ImportError> {
    let rows = doc[key]
        .as_array()
        .ok_or_else(|| bad(format!("\"{key}\" is missing or not a list")))?;
    if rows.len() > MAX_ROWS {
        return Err(bad(format!(
            "\"{key}\" has {} rows; an import takes at most {MAX_ROWS} (move a server this large with pg_dump)",
            rows.len()
        )));
    }
    if let Some(i) = rows.iter().position(|r| !r.is_object()) {
        return Err(bad(format!("{key}[{i}] is not an object")));
    }
    for (i, row) in rows.iter().enumerate() {
        check_times(row, &format!("{key}[{i}]"))?;
    }
    let bytes = serde_json::to_vec(&doc[key]).map_or(usize::MAX, |v| v.len());
    if bytes > MAX_LIST_BYTES {
        return Err(bad(format!(
            "\"{key}\" is {} MB of JSON; PostgreSQL takes at most {} MB in one value (move a server this large with pg_dump)",
            bytes >> 20,
            MAX_LIST_BYTES >> 20
        )));
    }
    Ok(())
}

/// Whether a field holds a date or time (`posted_at`, `ends_on`,
/// `local_date`, `local_day`, `post_time`, `at`, `since`, ...).
fn is_time(key: &str) -> bool {
    ["_at", "_on", "_date", "_day", "_time"]
        .iter()
        .any(|end| key.ends_with(end))
        || key == "at"
        || key == "since"
        || key.ends_with("_since")
}

/// Every date and time in `row` (and the settings in it) is null or
/// written with digits, as an export writes it: PostgreSQL also reads
/// words such as `now`, `yesterday`, `epoch` or `infinity`, which would
/// make a file mean something different on each import.
fn check_times(row: &Value, at: &str) -> Result<(), ImportError> {
    for (key, value) in row.as_object().into_iter().flatten() {
        match value {
            Value::Object(_)
                if ["daily", "winners", "scoring", "rewards"].contains(&key.as_str()) =>
            {
                check_times(value, &format!("{at}.{key}"))?
            }
            Value::String(s) if is_time(key) && !s.starts_with(|c: char| c.is_ascii_digit()) => {
                return Err(bad(format!("{at}.{key} is not a date or time: {s:?}")))
            }
            _ => {}
        }
    }
    Ok(())
}

/// `parent.key` is absent, null or an object.
pub(super) fn optional_object(parent: &Value, key: &str, at: &str) -> Result<(), ImportError> {
    match parent.get(key) {
        None | Some(Value::Null) | Some(Value::Object(_)) => Ok(()),
        Some(_) => Err(bad(format!("{at}.{key} is not an object"))),
    }
}

/// A JSON value parsed without letting a repeated key overwrite the first.
struct Strict(Value);

impl<'de> Deserialize<'de> for Strict {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(StrictVisitor).map(Strict)
    }
}

struct StrictVisitor;

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Number::from_f64(v).map_or(Value::Null, Value::Number))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut out = Vec::new();
        while let Some(Strict(v)) = seq.next_element()? {
            out.push(v);
        }
        Ok(Value::Array(out))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if out.contains_key(&key) {
                return Err(de::Error::custom(format!(
                    "the key {key:?} appears twice in one object"
                )));
            }
            let Strict(v) = map.next_value()?;
            out.insert(key, v);
        }
        Ok(Value::Object(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_given_twice_in_one_object_is_refused_and_names_the_key() {
        let err = parse_document(r#"{"a": 1, "b": {"c": 1, "c": 2}}"#).unwrap_err();
        assert!(err.to_string().contains("\"c\" appears twice"), "{err}");
        assert_eq!(
            parse_document(r#"{"a": [1, 2.5, null, true, "x"]}"#).unwrap()["a"][1],
            2.5
        );
    }

    #[test]
    fn text_after_the_document_is_refused() {
        assert!(parse_document(r#"{"a": 1} {"b": 2}"#).is_err());
    }

    #[test]
    fn a_list_of_the_wrong_type_or_an_unknown_key_is_refused_before_any_write() {
        let mut doc = serde_json::json!({"format": FORMAT, "version": VERSION,
            "guild": {"platform": "console", "external_id": "g", "disabled_topics": [],
                "created_at": "2026-11-01T00:00:00Z", "scoring": null, "rewards": null}});
        for key in LISTS {
            doc[key] = Value::Array(Vec::new());
        }
        assert!(check_document(&doc).is_ok());
        let mut wrong = doc.clone();
        wrong["teams"] = "lots".into();
        assert!(check_document(&wrong)
            .unwrap_err()
            .to_string()
            .contains("\"teams\""));
        let mut row = doc.clone();
        row["rounds"] = serde_json::json!([1]);
        assert!(check_document(&row)
            .unwrap_err()
            .to_string()
            .contains("rounds[0]"));
        let mut extra = doc.clone();
        extra["trophies"] = Value::Array(Vec::new());
        assert!(check_document(&extra)
            .unwrap_err()
            .to_string()
            .contains("trophies"));
        let mut daily = doc;
        daily["channels"] = serde_json::json!([{"external_id": "c", "daily": "yes"}]);
        assert!(check_document(&daily)
            .unwrap_err()
            .to_string()
            .contains("daily"));
    }
}
