//! Open Trivia DB API responses (JSON, default HTML-entity encoding):
//! `multiple` entries become `choice` questions with the options in an order
//! fixed by a hash of the question, `boolean` entries become `truefalse`.
//! The CC BY-SA licence is kept in every question's `source` and in the file
//! header.

use super::ImportOptions;
use super::{fnv1a, normalise, quote, slug, stable_id, Converted, Draft, ImportError};
use crate::bank::types::{ChoiceOption, Difficulty, Question, QuestionKind};
use serde::Deserialize;

/// Attribution required by the Open Trivia DB licence.
pub const ATTRIBUTION: &str = "Open Trivia Database (https://opentdb.com/), \
    licensed CC BY-SA 4.0 (https://creativecommons.org/licenses/by-sa/4.0/)";

#[derive(Deserialize)]
struct Response {
    response_code: Option<i64>,
    results: Option<Vec<serde_json::Value>>,
}

#[derive(Deserialize)]
struct Entry {
    #[serde(rename = "type")]
    kind: String,
    difficulty: String,
    category: String,
    question: String,
    correct_answer: String,
    incorrect_answers: Vec<String>,
}

/// Converts an Open Trivia DB response.
pub(super) fn convert(
    file: &str,
    text: &str,
    opts: &ImportOptions,
) -> Result<Converted, ImportError> {
    let malformed = |message: String| ImportError::Malformed {
        file: file.to_owned(),
        message,
    };
    let response: Response = serde_json::from_str(text)
        .map_err(|e| malformed(format!("invalid Open Trivia DB JSON: {e}")))?;
    match response.response_code {
        None | Some(0) => {}
        Some(code) => {
            return Err(malformed(format!(
                "the response has response_code {code} ({})",
                meaning(code)
            )))
        }
    }
    let Some(results) = response.results else {
        return Err(malformed("no `results` array".into()));
    };
    let mut c = Converted {
        header: format!("Imported with `prepbot bank import --format opentdb`.\nQuestions from the {ATTRIBUTION}."),
        ..Converted::default()
    };
    for (i, value) in results.into_iter().enumerate() {
        let raw_question = value.get("question").and_then(|q| q.as_str()).map(decode);
        match serde_json::from_value::<Entry>(value) {
            Ok(e) => match draft(i, e, opts) {
                Ok(d) => c.drafts.push(d),
                Err(msg) => c.skipped.push(msg),
            },
            Err(e) => c
                .skipped
                .push(format!("{}: {e}", label_of(i, &raw_question))),
        }
    }
    Ok(c)
}

fn meaning(code: i64) -> &'static str {
    match code {
        1 => "no results: the query asked for more questions than exist",
        2 => "invalid parameter",
        3 => "session token not found",
        4 => "session token exhausted",
        5 => "rate limited",
        _ => "unknown code",
    }
}

fn decode(s: &str) -> String {
    html_escape::decode_html_entities(s).trim().to_owned()
}

/// Names an entry: its index and, when it has one, the start of its question.
fn label_of(i: usize, question: &Option<String>) -> String {
    match question {
        Some(q) => format!("results[{i}] {}", quote(q)),
        None => format!("results[{i}]"),
    }
}

fn draft(i: usize, e: Entry, opts: &ImportOptions) -> Result<Draft, String> {
    let prompt = decode(&e.question);
    let label = label_of(i, &Some(prompt.clone()));
    let difficulty = e
        .difficulty
        .parse::<Difficulty>()
        .map_err(|msg| format!("{label}: {msg}"))?;
    let (kind, answer) = kind_and_answer(&label, &e, &prompt)?;
    let category = decode(&e.category);
    let tags = tags(&category);
    let question = Question {
        id: stable_id("opentdb", &prompt),
        topic: opts.topic.clone(),
        tags,
        difficulty,
        explanation: format!("From the Open Trivia Database, category \"{category}\"."),
        prompt,
        answer,
        kind,
        source: Some(ATTRIBUTION.to_owned()),
        version_note: None,
        summary: None,
        hint: None,
    };
    Ok(Draft {
        entry: label,
        question,
    })
}

/// The question kind and model answer of an entry, by its `type`.
fn kind_and_answer(label: &str, e: &Entry, prompt: &str) -> Result<(QuestionKind, String), String> {
    let correct = decode(&e.correct_answer);
    match e.kind.as_str() {
        "multiple" => {
            let wrong: Vec<String> = e.incorrect_answers.iter().map(|w| decode(w)).collect();
            let options = choice_options(prompt, &correct, &wrong);
            Ok((QuestionKind::Choice { options }, correct))
        }
        "boolean" => {
            let truth = match correct.to_lowercase().as_str() {
                "true" => true,
                "false" => false,
                _ => {
                    return Err(format!(
                        "{label}: a boolean entry's correct_answer must be True or False, found \"{correct}\""
                    ))
                }
            };
            let options = truefalse_options(truth);
            Ok((
                QuestionKind::Truefalse { options },
                format!("{}.", title(truth)),
            ))
        }
        other => Err(format!(
            "{label}: unknown type \"{other}\"; expected multiple or boolean"
        )),
    }
}

/// `trivia` plus the category as a slug, e.g. `science-computers`.
fn tags(category: &str) -> Vec<String> {
    let mut tags = vec!["trivia".to_owned()];
    let category_tag = slug(category, 32);
    if !category_tag.is_empty() && category_tag != "trivia" {
        tags.push(category_tag);
    }
    tags
}

/// Options a, b, c… in an order fixed by a hash of the question and option
/// text: re-importing gives the same order, yet the correct one moves around.
fn choice_options(prompt: &str, correct: &str, wrong: &[String]) -> Vec<ChoiceOption> {
    let key = normalise(prompt);
    let mut texts: Vec<(bool, &str)> = vec![(true, correct)];
    texts.extend(wrong.iter().map(|w| (false, w.as_str())));
    texts.sort_by_key(|(_, t)| fnv1a(format!("{key}\u{0}{t}").as_bytes()));
    texts
        .into_iter()
        .zip('a'..='z')
        .map(|((is_correct, text), id)| ChoiceOption {
            id: id.to_string(),
            text: text.to_owned(),
            correct: is_correct,
            why: (!is_correct).then(|| format!("The correct answer is {correct}.")),
        })
        .collect()
}

fn title(b: bool) -> &'static str {
    if b {
        "True"
    } else {
        "False"
    }
}

fn truefalse_options(truth: bool) -> Vec<ChoiceOption> {
    [true, false]
        .into_iter()
        .map(|b| ChoiceOption {
            id: b.to_string(),
            text: title(b).to_owned(),
            correct: b == truth,
            why: (b != truth).then(|| format!("The statement is {}.", title(truth).to_lowercase())),
        })
        .collect()
}
