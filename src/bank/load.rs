//! Reading bank files: TOML into raw structs, then validation into
//! [`Question`]s. Every problem is reported as `file:line: what is wrong`, and
//! all problems in a file are collected, not just the first.

use super::types::*;
use super::Bank;
use serde::Deserialize;
use std::fmt;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// One problem found in a bank file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BankIssue {
    pub file: String,
    pub line: usize,
    pub message: String,
}

impl BankIssue {
    pub fn new(file: impl Into<String>, line: usize, message: impl Into<String>) -> Self {
        Self {
            file: file.into(),
            line,
            message: message.into(),
        }
    }
}

impl fmt::Display for BankIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.message)
    }
}

/// Why a bank could not be loaded: every issue found.
#[derive(Debug, thiserror::Error)]
#[error("{} problem(s) in the question bank:\n{}", .0.len(), render(.0))]
pub struct LoadError(pub Vec<BankIssue>);

fn render(issues: &[BankIssue]) -> String {
    issues
        .iter()
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    question: Vec<Spanned<RawQuestion>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTopics {
    topic: Vec<TopicInfo>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuestion {
    id: QuestionId,
    topic: Topic,
    #[serde(default)]
    tags: Vec<String>,
    difficulty: Difficulty,
    format: Format,
    prompt: String,
    answer: String,
    explanation: String,
    source: Option<String>,
    version_note: Option<String>,
    #[serde(default)]
    key_points: Vec<RawKeyPoint>,
    #[serde(default)]
    options: Vec<RawOption>,
    schema: Option<String>,
    fixture: Option<String>,
    solution: Option<String>,
    order_matters: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawKeyPoint {
    point: String,
    #[serde(default)]
    phrases: Vec<String>,
    weight: Option<u8>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOption {
    id: String,
    text: String,
    correct: bool,
    why: Option<String>,
}

/// Loads `dir/topics.toml` and every other `*.toml` in `dir` (sorted by name).
pub fn load_dir(dir: &Path) -> Result<Bank, LoadError> {
    let topics_path = dir.join("topics.toml");
    let topics = read(&topics_path).and_then(|text| parse_topics(&topics_path, &text))?;
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| one(dir, 0, format!("cannot read the bank folder: {e}")))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml") && *p != topics_path)
        .collect();
    files.sort();
    let mut questions = Vec::new();
    let mut issues = Vec::new();
    for path in files {
        match read(&path).and_then(|text| load_str(&path.display().to_string(), &text, &topics)) {
            Ok(mut qs) => questions.append(&mut qs),
            Err(LoadError(mut more)) => issues.append(&mut more),
        }
    }
    issues.extend(duplicate_ids(&questions));
    if !issues.is_empty() {
        return Err(LoadError(issues));
    }
    let questions = questions.into_iter().map(|(q, _, _)| q).collect();
    Bank::new(topics, questions).map_err(|i| LoadError(vec![i]))
}

type Located = (Question, String, usize);

fn duplicate_ids(questions: &[Located]) -> Vec<BankIssue> {
    let mut seen = std::collections::HashMap::new();
    let mut issues = Vec::new();
    for (q, file, line) in questions {
        if let Some((f0, l0)) = seen.insert(q.id.clone(), (file.clone(), *line)) {
            issues.push(BankIssue::new(
                file.clone(),
                *line,
                format!("duplicate question id `{}` (first at {f0}:{l0})", q.id),
            ));
        }
    }
    issues
}

fn read(path: &Path) -> Result<String, LoadError> {
    std::fs::read_to_string(path).map_err(|e| one(path, 0, format!("cannot read: {e}")))
}

fn one(path: &Path, line: usize, msg: String) -> LoadError {
    LoadError(vec![BankIssue::new(path.display().to_string(), line, msg)])
}

fn parse_topics(path: &Path, text: &str) -> Result<Vec<TopicInfo>, LoadError> {
    toml::from_str::<RawTopics>(text)
        .map(|t| t.topic)
        .map_err(|e| toml_error(&path.display().to_string(), text, &e))
}

fn toml_error(file: &str, text: &str, e: &toml::de::Error) -> LoadError {
    let line = e.span().map(|s| line_of(text, s.start)).unwrap_or(0);
    LoadError(vec![BankIssue::new(
        file,
        line,
        e.message().trim().to_owned(),
    )])
}

/// 1-based line number of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// Parses and validates one bank file's text. `file` names it in messages.
pub fn load_str(file: &str, text: &str, topics: &[TopicInfo]) -> Result<Vec<Located>, LoadError> {
    let raw: RawFile = toml::from_str(text).map_err(|e| toml_error(file, text, &e))?;
    let mut out = Vec::new();
    let mut issues = Vec::new();
    for spanned in raw.question {
        let line = line_of(text, spanned.span().start);
        let raw = spanned.into_inner();
        let mut problems = Vec::new();
        let q = validate(raw, topics, &mut problems);
        if problems.is_empty() {
            out.push((q, file.to_owned(), line));
        } else {
            let id = q.id.to_string();
            issues.extend(
                problems
                    .into_iter()
                    .map(|p| BankIssue::new(file, line, format!("question `{id}`: {p}"))),
            );
        }
    }
    if issues.is_empty() {
        Ok(out)
    } else {
        Err(LoadError(issues))
    }
}

fn check_len(problems: &mut Vec<String>, field: &str, value: &str, max: usize) {
    let n = value.trim().chars().count();
    if n == 0 {
        problems.push(format!("`{field}` is empty"));
    } else if n > max {
        problems.push(format!("`{field}` is {n} characters; the limit is {max}"));
    }
}

fn validate(raw: RawQuestion, topics: &[TopicInfo], p: &mut Vec<String>) -> Question {
    if !topics.iter().any(|t| t.slug == raw.topic) {
        p.push(format!("unknown topic `{}` (see topics.toml)", raw.topic));
    }
    check_len(p, "prompt", &raw.prompt, limits::PROMPT);
    check_len(p, "answer", &raw.answer, limits::ANSWER);
    check_len(p, "explanation", &raw.explanation, limits::EXPLANATION);
    for field in [
        ("answer", &raw.answer),
        ("explanation", &raw.explanation),
        ("prompt", &raw.prompt),
    ] {
        if has_markdown_table(field.1) {
            p.push(format!(
                "`{}` has a Markdown table outside a code block; Discord cannot show it",
                field.0
            ));
        }
    }
    if raw.tags.len() > limits::MAX_TAGS {
        p.push(format!(
            "{} tags; the limit is {}",
            raw.tags.len(),
            limits::MAX_TAGS
        ));
    }
    for tag in &raw.tags {
        if !is_slug(tag, 1, 32) {
            p.push(format!("tag `{tag}` must be a lowercase slug"));
        }
    }
    let kind = kind_of(&raw, p);
    Question {
        id: raw.id,
        topic: raw.topic,
        tags: raw.tags,
        difficulty: raw.difficulty,
        prompt: raw.prompt.trim().to_owned(),
        answer: raw.answer.trim().to_owned(),
        explanation: raw.explanation.trim().to_owned(),
        kind,
        source: raw.source,
        version_note: raw.version_note,
    }
}

/// True when a line outside a fenced code block looks like a Markdown table rule.
fn has_markdown_table(text: &str) -> bool {
    let mut fenced = false;
    for line in text.lines() {
        let t = line.trim();
        if t.starts_with("```") {
            fenced = !fenced;
        } else if !fenced && t.starts_with('|') && t.contains("---") {
            return true;
        }
    }
    false
}

fn forbid(p: &mut Vec<String>, format: Format, field: &str, present: bool) {
    if present {
        p.push(format!(
            "`{field}` does not belong on a `{format}` question"
        ));
    }
}

fn kind_of(raw: &RawQuestion, p: &mut Vec<String>) -> QuestionKind {
    let f = raw.format;
    let has_sql = raw.schema.is_some()
        || raw.fixture.is_some()
        || raw.solution.is_some()
        || raw.order_matters.is_some();
    match f {
        Format::Open => {
            forbid(p, f, "options", !raw.options.is_empty());
            forbid(p, f, "schema/fixture/solution", has_sql);
            QuestionKind::Open {
                key_points: key_points(&raw.key_points, p),
            }
        }
        Format::Choice | Format::Truefalse => {
            forbid(p, f, "key_points", !raw.key_points.is_empty());
            forbid(p, f, "schema/fixture/solution", has_sql);
            let options = options(f, &raw.options, p);
            if f == Format::Choice {
                QuestionKind::Choice { options }
            } else {
                QuestionKind::Truefalse { options }
            }
        }
        Format::Sql => {
            forbid(p, f, "key_points", !raw.key_points.is_empty());
            forbid(p, f, "options", !raw.options.is_empty());
            QuestionKind::Sql(sql_task(raw, p))
        }
    }
}

fn key_points(raw: &[RawKeyPoint], p: &mut Vec<String>) -> Vec<KeyPoint> {
    if !(limits::MIN_KEY_POINTS..=limits::MAX_KEY_POINTS).contains(&raw.len()) {
        p.push(format!(
            "an open question needs {}..={} key points, found {}",
            limits::MIN_KEY_POINTS,
            limits::MAX_KEY_POINTS,
            raw.len()
        ));
    }
    raw.iter()
        .enumerate()
        .map(|(i, k)| {
            check_len(
                p,
                &format!("key_points[{i}].point"),
                &k.point,
                limits::KEY_POINT,
            );
            if k.phrases.is_empty() {
                p.push(format!("key point `{}` has no phrasing", k.point));
            }
            if k.phrases.len() > limits::PHRASES {
                p.push(format!(
                    "key point `{}` has more than {} phrasings",
                    k.point,
                    limits::PHRASES
                ));
            }
            for ph in &k.phrases {
                check_len(p, &format!("key_points[{i}].phrases"), ph, limits::PHRASE);
            }
            let weight = k.weight.unwrap_or(1);
            if !(1..=3).contains(&weight) {
                p.push(format!(
                    "key point `{}` has weight {weight}; use 1..=3",
                    k.point
                ));
            }
            KeyPoint {
                point: k.point.trim().to_owned(),
                phrases: k.phrases.clone(),
                weight,
            }
        })
        .collect()
}

fn options(f: Format, raw: &[RawOption], p: &mut Vec<String>) -> Vec<ChoiceOption> {
    if !(limits::MIN_OPTIONS..=limits::MAX_OPTIONS).contains(&raw.len()) {
        p.push(format!(
            "a choice question needs 2..=6 options, found {}",
            raw.len()
        ));
    }
    let mut ids = std::collections::HashSet::new();
    for o in raw {
        if !ids.insert(o.id.as_str()) {
            p.push(format!("option id `{}` is repeated", o.id));
        }
        check_len(
            p,
            &format!("option `{}` text", o.id),
            &o.text,
            limits::OPTION_TEXT,
        );
        match (&o.why, o.correct) {
            (None, false) => p.push(format!("wrong option `{}` has no `why`", o.id)),
            (Some(w), false) => {
                check_len(p, &format!("option `{}` why", o.id), w, limits::OPTION_WHY)
            }
            _ => {}
        }
    }
    let correct = raw.iter().filter(|o| o.correct).count();
    if correct == 0 {
        p.push("no option is marked correct".to_owned());
    }
    if f == Format::Truefalse {
        let mut got: Vec<&str> = raw.iter().map(|o| o.id.as_str()).collect();
        got.sort_unstable();
        if got != ["false", "true"] || correct != 1 {
            p.push("a truefalse question needs exactly the options `true` and `false`, one of them correct".to_owned());
        }
    } else if raw.iter().any(|o| !is_slug(&o.id, 1, 8)) {
        p.push("option ids must be short lowercase slugs like `a`".to_owned());
    }
    raw.iter()
        .map(|o| ChoiceOption {
            id: o.id.clone(),
            text: o.text.trim().to_owned(),
            correct: o.correct,
            why: o.why.as_ref().map(|w| w.trim().to_owned()),
        })
        .collect()
}

fn sql_task(raw: &RawQuestion, p: &mut Vec<String>) -> SqlTask {
    let mut need = |field: &str, v: &Option<String>| -> String {
        match v.as_deref().map(str::trim) {
            Some(s) if !s.is_empty() => s.to_owned(),
            _ => {
                p.push(format!("a sql question needs `{field}`"));
                String::new()
            }
        }
    };
    let schema = need("schema", &raw.schema);
    let fixture = need("fixture", &raw.fixture);
    let solution = need("solution", &raw.solution);
    if solution.trim_end().ends_with(';') {
        p.push("`solution` must be one statement without a trailing ';'".to_owned());
    }
    SqlTask {
        schema,
        fixture,
        solution,
        order_matters: raw.order_matters.unwrap_or(false),
    }
}
