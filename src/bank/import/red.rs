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
pub(super) fn convert(
    file: &str,
    name: &str,
    text: &str,
    opts: &ImportOptions,
) -> Result<Converted, ImportError> {
    let (map, author) = parse(text).map_err(|message| ImportError::Malformed {
        file: file.to_owned(),
        message,
    })?;
    let mut bad = Vec::new();
    let list = List {
        name,
        source: format!("Red-DiscordBot trivia list \"{name}\" by {author}"),
        difficulty: opts
            .difficulty
            .or_else(|| config_difficulty(&map, &mut bad))
            .unwrap_or(Difficulty::Medium),
        opts,
    };
    let mut drafts = Vec::new();
    let entries = map
        .iter()
        .filter(|(k, _)| !k.as_str().is_some_and(|k| RESERVED.contains(&k)));
    for (i, (key, answers)) in entries.enumerate() {
        match entry(i + 1, key, answers) {
            Ok((prompt, answers)) => drafts.push(draft(i + 1, &list, &prompt, &answers)),
            Err(e) => bad.push(e),
        }
    }
    if !bad.is_empty() {
        let file = file.to_owned();
        return Err(ImportError::BadEntries { file, entries: bad });
    }
    Ok(Converted {
        header: header(file, &author, map.get("DESCRIPTION")),
        drafts,
    })
}

/// The list's mapping and its author, or why the file is not a Red list.
fn parse(text: &str) -> Result<(Mapping, String), String> {
    let root: Value = serde_yaml::from_str(text).map_err(|e| yaml_error(&e))?;
    let Value::Mapping(map) = root else {
        return Err("a Red trivia list is a mapping of questions to lists of answers".into());
    };
    match map.get("AUTHOR") {
        Some(Value::String(a)) if !a.trim().is_empty() => {
            let author = a.trim().to_owned();
            Ok((map, author))
        }
        _ => Err("`AUTHOR` is missing or not text; the attribution is required".into()),
    }
}

fn yaml_error(e: &serde_yaml::Error) -> String {
    // serde_yaml's message already ends with "at line L column C".
    format!("invalid YAML: {e}")
}

/// `CONFIG: {difficulty: easy}`, the one CONFIG key the bank uses.
fn config_difficulty(map: &Mapping, bad: &mut Vec<String>) -> Option<Difficulty> {
    let config = map.get("CONFIG")?;
    let value = config.as_mapping()?.get("difficulty")?;
    match value.as_str().map(str::parse::<Difficulty>) {
        Some(Ok(d)) => Some(d),
        _ => {
            bad.push(format!(
                "CONFIG: difficulty {value:?} is not easy, medium or hard"
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
        "Imported trivia: an answer counts when it contains one of the accepted answers ({list})."
    )
}

fn header(file: &str, author: &str, description: Option<&Value>) -> String {
    let name = std::path::Path::new(file)
        .file_name()
        .map_or(file.into(), |n| n.to_string_lossy());
    let mut h = format!(
        "Imported with `prepbot bank import --format red` from {name}.\nAUTHOR: {author}\n"
    );
    if let Some(d) = description.and_then(Value::as_str) {
        h.push_str(&format!("DESCRIPTION: {}\n", d.trim()));
    }
    h
}
