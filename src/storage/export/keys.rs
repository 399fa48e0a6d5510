//! The keys an import reads, found in its own statements: every
//! `jsonb_to_record(...) AS x(name type, ...)` of [`super::load`] names
//! the keys it takes from one kind of row. A row's key outside that list
//! would be dropped without a word: a typo in a hand-edited file
//! (`"hiden": true`) would import as a visible member. So such a key is
//! refused, naming the row, and the list cannot drift from the statements
//! because it is read from them. A file of the current version must also
//! hold every key read, as an export writes it, each of the JSON type its
//! column is read as. The round trips of `tests/export_import.rs` and
//! `tests/export_import/competitions.rs` between them fill every list and
//! every nested setting, so a parse that missed a key, or an export that
//! wrote one the import does not read, fails them.

use super::check::bad;
use super::load::{all_statements, GUILD};
use super::ImportError;
use serde_json::Value;
use std::collections::BTreeMap;

/// Where rows live in the document (`posts`, `guild`, `channels.daily`,
/// `guild.scoring`), and the keys the import reads from them, each with
/// the SQL type it is read as (`object` for settings nested in a row).
type Known = BTreeMap<String, BTreeMap<String, String>>;

/// The text between the parenthesis opening at `open` and its match.
fn inside(text: &str, open: usize) -> Option<&str> {
    let mut depth = 0;
    for (i, c) in text[open..].char_indices() {
        match c {
            '(' => depth += 1,
            ')' if depth == 1 => return Some(&text[open + 1..open + i]),
            ')' => depth -= 1,
            _ => {}
        }
    }
    None
}

/// `$1->'a'->'b'` (or `e.v->'b'`) as its quoted names: `["a", "b"]`.
fn names(path: &str) -> Vec<&str> {
    path.split("->'")
        .skip(1)
        .filter_map(|p| p.split('\'').next())
        .collect()
}

/// The document path a `jsonb_to_record` argument reads, given the rows
/// (`e.v`) of the last `jsonb_array_elements` before it.
fn path_of(arg: &str, rows: &[&str]) -> String {
    let own: Vec<&str> = if arg.starts_with("e.v") {
        rows.iter().copied().chain(names(arg)).collect()
    } else {
        names(arg)
    };
    own.join(".")
}

/// Adds what `sql` reads to `known`.
fn read(sql: &str, known: &mut Known) {
    let mut at = 0;
    while let Some(found) = sql[at..].find("jsonb_to_record(") {
        let open = at + found + "jsonb_to_record".len();
        let Some(arg) = inside(sql, open) else { return };
        let before = &sql[..open];
        let rows = before
            .rfind("jsonb_array_elements(")
            .and_then(|i| inside(before, i + "jsonb_array_elements".len()))
            .map(names)
            .unwrap_or_default();
        let after = open + arg.len() + 2;
        let Some(cols) = sql[after..].find('(').and_then(|i| inside(sql, after + i)) else {
            return;
        };
        let path = path_of(arg.trim(), &rows);
        let row = known.entry(path.clone()).or_default();
        for col in cols.split(',') {
            if let Some((name, ty)) = col.trim().split_once(char::is_whitespace) {
                row.entry(name.to_owned())
                    .or_insert_with(|| ty.trim().to_owned());
            }
        }
        // A nested object is itself a key of the row holding it.
        if let Some((parent, child)) = path.rsplit_once('.') {
            known
                .entry(parent.to_owned())
                .or_default()
                .insert(child.to_owned(), "object".to_owned());
        }
        at = after;
    }
}

/// What `value` should have been, if it is not what PostgreSQL reads as
/// `ty`. PostgreSQL would take `"yes"` as a boolean and `"12"` as a number;
/// an export writes neither, so a file holding them was edited by hand
/// and may not mean what it seems (`"false"` is false, but so is `"no"`).
fn misfit(value: &Value, ty: &str) -> Option<&'static str> {
    let fits = match ty {
        _ if value.is_null() => true,
        "boolean" => value.is_boolean(),
        "integer" | "bigint" | "smallint" => value.is_i64() || value.is_u64(),
        "real" | "double precision" => value.is_number(),
        "text" | "date" | "time" | "timestamptz" => value.is_string(),
        "text[]" => value
            .as_array()
            .is_some_and(|items| items.iter().all(Value::is_string)),
        _ => true, // jsonb takes anything; nested objects are checked apart
    };
    (!fits).then_some(match ty {
        "boolean" => "true or false",
        "integer" | "bigint" | "smallint" => "a whole number",
        "real" | "double precision" => "a number",
        "text[]" => "a list of text",
        _ => "text",
    })
}

/// Every kind of row the import reads, with its keys.
fn known() -> Known {
    let mut known = Known::new();
    read(GUILD, &mut known);
    for (_, sql) in all_statements() {
        read(&sql, &mut known);
    }
    known
}

/// The rows of `list` in `doc`, each with where it is (`members[3]`), or
/// the one row `guild`.
pub(super) fn rows_at<'a>(doc: &'a Value, list: &str) -> Vec<(String, &'a Value)> {
    match &doc[list] {
        Value::Array(rows) => rows
            .iter()
            .enumerate()
            .map(|(i, r)| (format!("{list}[{i}]"), r))
            .collect(),
        row => vec![(list.to_owned(), row)],
    }
}

/// Refuses a key the import would not read, anywhere in `doc` (which
/// [`super::check`] has shaped: every list is a list of objects), and,
/// when `complete` (a file of the current version, which an export writes
/// with every key, null or not), a key it reads that is missing: a
/// hand-edit that dropped `hidden` would make a hidden member public, and
/// one that dropped `delivered_at` would post again.
pub(super) fn check_keys(doc: &Value, complete: bool) -> Result<(), ImportError> {
    let known = known();
    for (path, keys) in &known {
        let (list, nested) = path.split_once('.').unwrap_or((path, ""));
        for (at, row) in rows_at(doc, list) {
            let (at, row) = match nested {
                "" => (at, row),
                key => (format!("{at}.{key}"), &row[key]),
            };
            let unread = row
                .as_object()
                .into_iter()
                .flat_map(|o| o.keys())
                .find(|k| !keys.contains_key(*k));
            if let Some(key) = unread {
                return Err(bad(format!(
                    "{at} has the key {key:?}, which prepbot does not read (a typo? it would be dropped)"
                )));
            }
            let missing = row
                .as_object()
                .filter(|_| complete)
                .and_then(|o| keys.keys().find(|k| !o.contains_key(*k)));
            if let Some(key) = missing {
                return Err(bad(format!(
                    "{at} has no key {key:?} (an export writes every key, null when empty)"
                )));
            }
            for (key, ty) in keys {
                // Every yes-or-no column is NOT NULL, and the import reads
                // a null one as its default: `"hidden": null` would make a
                // hidden member public. No export, of any version, writes
                // one (an older file may leave the key out instead).
                if ty == "boolean" && row.get(key).is_some_and(Value::is_null) {
                    return Err(bad(format!(
                        "{at}.{key} is null, where true or false is read"
                    )));
                }
                if let Some(want) = misfit(&row[key], ty) {
                    // Cut: the value may be a hostile file's 100 MB string.
                    let given: String = row[key].to_string().chars().take(40).collect();
                    return Err(bad(format!("{at}.{key} is {given}, where {want} is read")));
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_keys_are_read_from_the_statements_for_lists_rows_and_settings_inside_them() {
        let known = known();
        let has = |path: &str, key: &str| known.get(path).is_some_and(|k| k.contains_key(key));
        assert!(has("members", "hidden") && has("members", "display_name"));
        assert!(has("posts", "ref") && has("posts", "option_seed"));
        assert!(has("channels", "daily") && has("channels.daily", "tz"));
        assert!(has("channels", "winners") && has("channels.winners", "since"));
        assert!(has("guild", "scoring") && has("guild.scoring", "streak_bonus"));
        assert!(has("guild", "rewards") && has("guild", "created_at"));
        assert!(!has("members", "hiden"));
        for list in super::super::check::LISTS {
            assert!(known.contains_key(*list), "{list} is read by no statement");
        }
    }

    #[test]
    fn values_of_another_json_type_than_the_column_are_misfits_and_null_never_is() {
        assert_eq!(misfit(&"yes".into(), "boolean"), Some("true or false"));
        assert_eq!(misfit(&"12".into(), "bigint"), Some("a whole number"));
        assert_eq!(misfit(&1.5.into(), "integer"), Some("a whole number"));
        assert_eq!(
            misfit(&serde_json::json!(["sql", 1]), "text[]"),
            Some("a list of text")
        );
        assert_eq!(misfit(&7.into(), "text"), Some("text"));
        for (v, ty) in [
            (Value::Null, "boolean"),
            (1.into(), "real"),
            ("{}".into(), "jsonb"),
        ] {
            assert_eq!(misfit(&v, ty), None, "{v} as {ty}");
        }
    }
}
