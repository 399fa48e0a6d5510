//! Red-DiscordBot trivia lists: a YAML mapping with `AUTHOR`, an optional
//! `DESCRIPTION` and `CONFIG`, and every other key a question mapped to its
//! accepted answers. Each question becomes a `short_answer` open question
//! with one key point whose phrases are the accepted answers.

use super::{quote, stable_id, Converted, Draft, ImportError, ImportOptions};
use crate::bank::types::{Difficulty, KeyPoint, Question, QuestionKind};
use serde_yaml::{Mapping, Value};

const RESERVED: [&str; 3] = ["AUTHOR", "DESCRIPTION", "CONFIG"];

/// What every question of one list shares.
struct List<'a> {
    name: &'a str,
    source: String,
    difficulty: Difficulty,
    opts: &'a ImportOptions,
}

/// Converts a Red trivia list. `name` is the list's slug (from its file name).
/// A bad entry is skipped with its reason; only a file that is not a Red
/// list at all is refused here.
pub(super) fn convert(
    file: &str,
    name: &str,
    text: &str,
    opts: &ImportOptions,
) -> Result<Converted, ImportError> {
    let mut warnings = Vec::new();
    let map = parse(text, &mut warnings).map_err(|message| ImportError::Malformed {
        file: file.to_owned(),
        message,
    })?;
    let author = author(&map, &mut warnings);
    let by = author
        .as_ref()
        .map_or(String::new(), |a| format!(" by {a}"));
    let list = List {
        name,
        source: format!("Red-DiscordBot trivia list \"{name}\"{by}"),
        difficulty: opts
            .difficulty
            .or_else(|| config_difficulty(&map, &mut warnings))
            .unwrap_or(Difficulty::Medium),
        opts,
    };
    let mut converted = Converted {
        header: header(file, author.as_deref(), map.get("DESCRIPTION")),
        warnings,
        ..Converted::default()
    };
    let entries = map
        .iter()
        .filter(|(k, _)| !k.as_str().is_some_and(|k| RESERVED.contains(&k)));
    for (i, (key, answers)) in entries.enumerate() {
        match entry(i + 1, key, answers) {
            Ok((prompt, answers)) => converted
                .drafts
                .push(draft(i + 1, &list, &prompt, &answers)),
            Err(e) => converted.skipped.push(e),
        }
    }
    Ok(converted)
}

/// The list's mapping, or why the file is not a Red list. A key written
/// twice keeps its last value, as Red (PyYAML) does, with a warning.
fn parse(text: &str, warnings: &mut Vec<String>) -> Result<Mapping, String> {
    let Pairs(pairs) = serde_yaml::from_str(text).map_err(|e| yaml_error(&e))?;
    let mut map = Mapping::with_capacity(pairs.len());
    for (key, value) in pairs {
        if map.insert(key.clone(), value).is_some() {
            let what = match key.as_str() {
                Some(k) if RESERVED.contains(&k) => format!("`{k}`"),
                Some(k) => format!("question {}", quote(k)),
                None => format!("key {key:?}"),
            };
            warnings.push(format!(
                "{what} is written more than once; the last one is used, as Red does"
            ));
        }
    }
    Ok(map)
}

/// The top-level mapping as written, duplicate keys included (serde_yaml's
/// own `Mapping` refuses them).
struct Pairs(Vec<(Value, Value)>);

impl<'de> serde::Deserialize<'de> for Pairs {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = Pairs;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a Red trivia list: a mapping of questions to lists of answers")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut m: A) -> Result<Pairs, A::Error> {
                let mut pairs = Vec::new();
                while let Some(pair) = m.next_entry::<Value, Value>()? {
                    pairs.push(pair);
                }
                Ok(Pairs(pairs))
            }
        }
        d.deserialize_map(Visit)
    }
}

/// The list's `AUTHOR`. Red does not require one, so a list without it
/// imports with a warning and no author in the attribution.
fn author(map: &Mapping, warnings: &mut Vec<String>) -> Option<String> {
    match map.get("AUTHOR") {
        Some(Value::String(a)) if !a.trim().is_empty() => Some(a.trim().to_owned()),
        _ => {
            warnings.push("`AUTHOR` is missing or not text; the questions name no author".into());
            None
        }
    }
}

fn yaml_error(e: &serde_yaml::Error) -> String {
    // serde_yaml's message already ends with "at line L column C".
    format!("invalid YAML: {e}")
}

/// `CONFIG: {difficulty: easy}`, the one CONFIG key the bank uses; any
/// other value is warned about and the default kept.
fn config_difficulty(map: &Mapping, warnings: &mut Vec<String>) -> Option<Difficulty> {
    let config = map.get("CONFIG")?;
    let value = config.as_mapping()?.get("difficulty")?;
    match value.as_str().map(str::parse::<Difficulty>) {
        Some(Ok(d)) => Some(d),
        _ => {
            warnings.push(format!(
                "CONFIG: difficulty {value:?} is not easy, medium or hard; medium is used"
            ));
            None
        }
    }
}

/// The question text and its distinct accepted answers, or why the entry is bad.
fn entry(n: usize, key: &Value, answers: &Value) -> Result<(String, Vec<String>), String> {
    let prompt = match key {
        Value::String(s) if !s.trim().is_empty() => s.trim(),
        Value::String(_) => return Err(format!("question {n}: the question text is empty")),
        other => {
            let found = kind(other);
            return Err(format!(
                "question {n}: the question must be text, found {found}"
            ));
        }
    };
    let label = format!("question {n} {}", quote(prompt));
    let Value::Sequence(list) = answers else {
        return Err(format!(
            "{label}: the answers must be a list, found {}",
            kind(answers)
        ));
    };
    let mut out: Vec<String> = Vec::new();
    for a in list {
        let text = match a {
            Value::String(s) => s.trim().to_owned(),
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            other => {
                return Err(format!(
                    "{label}: an answer must be text, found {}",
                    kind(other)
                ))
            }
        };
        if text.is_empty() {
            return Err(format!("{label}: an answer is empty"));
        }
        if !out.iter().any(|o| o.to_lowercase() == text.to_lowercase()) {
            out.push(text);
        }
    }
    if out.is_empty() {
        return Err(format!("{label}: no accepted answer"));
    }
    Ok((prompt.to_owned(), out))
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "nothing",
        Value::Bool(_) => "true/false",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Sequence(_) => "a list",
        Value::Mapping(_) => "a mapping",
        Value::Tagged(_) => "a tagged value",
    }
}

fn draft(n: usize, list: &List<'_>, prompt: &str, answers: &[String]) -> Draft {
    let first = &answers[0];
    let others = &answers[1..];
    let answer = if others.is_empty() {
        first.clone()
    } else {
        format!("{first}\n\nAlso accepted: {}", others.join(", "))
    };
    let question = Question {
        id: stable_id(&format!("red-{}", list.name), prompt),
        topic: list.opts.topic.clone(),
        tags: vec!["trivia".to_owned()],
        difficulty: list.difficulty,
        prompt: prompt.to_owned(),
        answer,
        explanation: explanation(answers),
        kind: QuestionKind::Open {
            key_points: vec![KeyPoint {
                point: format!("The answer is {first}"),
                phrases: answers.to_vec(),
                weight: 1,
                about: None,
            }],
            misconceptions: vec![],
            subjects: vec![],
        },
        source: Some(list.source.clone()),
        version_note: None,
        summary: None,
        hint: None,
    };
    Draft {
        entry: format!("question {n} {}", quote(prompt)),
        question,
    }
}

/// A neutral explanation listing the accepted answers (cut to fit the limit).
fn explanation(answers: &[String]) -> String {
    let mut list = String::new();
    for a in answers {
        if list.chars().count() + a.chars().count() > 700 {
            list.push_str(", …");
            break;
        }
        if !list.is_empty() {
            list.push_str(", ");
        }
        list.push_str(a);
    }
    format!(
        "Imported trivia: an answer counts when it matches one of the accepted answers ({list})."
    )
}

fn header(file: &str, author: Option<&str>, description: Option<&Value>) -> String {
    let name = std::path::Path::new(file)
        .file_name()
        .map_or(file.into(), |n| n.to_string_lossy());
    let author = author.unwrap_or("(not given)");
    let mut h = format!(
        "Imported with `prepbot bank import --format red` from {name}.\nAUTHOR: {author}\n"
    );
    if let Some(d) = description.and_then(Value::as_str) {
        h.push_str(&format!("DESCRIPTION: {}\n", d.trim()));
    }
    h
}
