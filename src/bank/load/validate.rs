//! Second pass over a bank file: the rules of docs/question-format.md applied
//! to raw records. Every broken rule is reported at the line of the key that
//! breaks it; a [`Question`] is built only when nothing is wrong.

use super::raw::{At, Problems, RawKeyPoint, RawQuestion};
use super::rubric;
use crate::bank::types::*;

mod choice;

use choice::options;

/// Validates one raw question. Returns `None` when `p` gained problems.
pub(crate) fn validate(
    raw: RawQuestion,
    topics: &[TopicInfo],
    p: &mut Problems,
) -> Option<Question> {
    let before = p.0.len();
    let id = parse_at(&raw.id, p, QuestionId::parse);
    let topic = parse_at(&raw.topic, p, |s| topic(s, topics));
    let difficulty = parse_at(&raw.difficulty, p, difficulty);
    let format = parse_at(&raw.format, p, format);
    let prompt = text(p, "prompt", &raw.prompt, limits::PROMPT);
    let answer = text(p, "answer", &raw.answer, limits::ANSWER);
    let explanation = text(p, "explanation", &raw.explanation, limits::EXPLANATION);
    let tags = tags(&raw, p);
    let summary = optional_text(p, "summary", &raw.summary, limits::SUMMARY);
    let hint = optional_text(p, "hint", &raw.hint, limits::HINT);
    let kind = format.and_then(|f| kind_of(f, &raw, p));
    if p.0.len() > before {
        return None;
    }
    Some(Question {
        id: id?,
        topic: topic?,
        tags,
        difficulty: difficulty?,
        prompt: prompt?,
        answer: answer?,
        explanation: explanation?,
        kind: kind?,
        source: raw.source.map(|s| s.value.trim().to_owned()),
        version_note: raw.version_note.map(|s| s.value.trim().to_owned()),
        summary,
        hint,
    })
}

/// A field that may be absent, checked like [`text`] when present.
fn optional_text(
    p: &mut Problems,
    field: &str,
    v: &Option<At<String>>,
    max: usize,
) -> Option<String> {
    v.as_ref()?;
    text(p, field, v, max)
}

/// Parses a present value, reporting a failure at its line.
fn parse_at<T>(
    v: &Option<At<String>>,
    p: &mut Problems,
    parse: impl Fn(&str) -> Result<T, String>,
) -> Option<T> {
    let v = v.as_ref()?;
    parse(&v.value).map_err(|e| p.push(v.line, e)).ok()
}

fn topic(s: &str, topics: &[TopicInfo]) -> Result<Topic, String> {
    let t = Topic::parse(s)?;
    if topics.iter().any(|k| k.slug == t) {
        Ok(t)
    } else {
        Err(format!("unknown topic `{s}` (see topics.toml)"))
    }
}

fn difficulty(s: &str) -> Result<Difficulty, String> {
    Difficulty::ALL
        .into_iter()
        .find(|d| d.as_str() == s)
        .ok_or_else(|| format!("unknown difficulty `{s}`: use easy, medium or hard"))
}

fn format(s: &str) -> Result<Format, String> {
    Format::ALL
        .into_iter()
        .find(|f| f.as_str() == s)
        .ok_or_else(|| format!("unknown format `{s}`: use open, choice, truefalse or sql"))
}

/// Checks a text field's length (1..=max characters after trimming).
fn text(p: &mut Problems, field: &str, v: &Option<At<String>>, max: usize) -> Option<String> {
    let v = v.as_ref()?;
    let s = v.value.trim();
    let n = s.chars().count();
    if n == 0 {
        p.push(v.line, format!("`{field}` is empty"));
    } else if n > max {
        p.push(
            v.line,
            format!("`{field}` is {n} characters; the limit is {max}"),
        );
    } else if has_markdown_table(s) {
        p.push(
            v.line,
            format!("`{field}` has a Markdown table outside a code block; Discord cannot show it"),
        );
    } else {
        return Some(s.to_owned());
    }
    None
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

fn tags(raw: &RawQuestion, p: &mut Problems) -> Vec<String> {
    let Some(tags) = &raw.tags else {
        return Vec::new();
    };
    if tags.value.len() > limits::MAX_TAGS {
        let n = tags.value.len();
        p.push(
            tags.line,
            format!("{n} tags; the limit is {}", limits::MAX_TAGS),
        );
    }
    for tag in &tags.value {
        if !is_slug(tag, 1, 32) {
            p.push(tags.line, format!("tag `{tag}` must be a lowercase slug"));
        }
    }
    tags.value.clone()
}

/// Reports `field` when it is present on a format it does not belong to.
fn forbid<T>(p: &mut Problems, format: Format, field: &str, v: &Option<At<T>>) {
    if let Some(v) = v {
        p.push(
            v.line,
            format!("`{field}` does not belong on a `{format}` question"),
        );
    }
}

fn kind_of(f: Format, raw: &RawQuestion, p: &mut Problems) -> Option<QuestionKind> {
    if f != Format::Open {
        forbid(p, f, "short_answer", &raw.short_answer);
        forbid(p, f, "key_points", &raw.key_points);
        forbid(p, f, "subjects", &raw.subjects);
        forbid(p, f, "misconceptions", &raw.misconceptions);
    }
    if !matches!(f, Format::Choice | Format::Truefalse) {
        forbid(p, f, "options", &raw.options);
    }
    if f != Format::Sql {
        forbid(p, f, "schema", &raw.schema);
        forbid(p, f, "fixture", &raw.fixture);
        forbid(p, f, "solution", &raw.solution);
        forbid(p, f, "order_matters", &raw.order_matters);
    }
    match f {
        Format::Open => open(raw, p),
        Format::Choice => options(f, raw, p).map(|options| QuestionKind::Choice { options }),
        Format::Truefalse => options(f, raw, p).map(|options| QuestionKind::Truefalse { options }),
        Format::Sql => sql_task(raw, p).map(QuestionKind::Sql),
    }
}

fn open(raw: &RawQuestion, p: &mut Problems) -> Option<QuestionKind> {
    let subjects = rubric::subjects(raw, p);
    let key_points = key_points(raw, subjects.as_deref(), p);
    let misconceptions = rubric::misconceptions(raw, p);
    Some(QuestionKind::Open {
        key_points: key_points?,
        misconceptions: misconceptions?,
        subjects: subjects?,
    })
}

fn key_points(
    raw: &RawQuestion,
    subjects: Option<&[Vec<String>]>,
    p: &mut Problems,
) -> Option<Vec<KeyPoint>> {
    let short = raw.short_answer.as_ref().is_some_and(|s| s.value);
    let (min, max) = if short {
        (1, 1)
    } else {
        (limits::MIN_KEY_POINTS, limits::MAX_KEY_POINTS)
    };
    let list = raw.key_points.as_ref();
    let n = list.map_or(0, |k| k.value.len());
    if !(min..=max).contains(&n) {
        let line = list.map_or(raw.line, |k| k.line);
        let need = if short {
            "a `short_answer` question needs exactly 1 key point".to_owned()
        } else {
            format!("an open question needs {min}..={max} key points")
        };
        p.push(line, format!("{need}, found {n}"));
    }
    let points = list.map_or(&[][..], |k| &k.value[..]);
    points.iter().map(|k| key_point(k, subjects, p)).collect()
}

fn key_point(
    k: &RawKeyPoint,
    subjects: Option<&[Vec<String>]>,
    p: &mut Problems,
) -> Option<KeyPoint> {
    let point = text(p, "point", &k.point, limits::KEY_POINT);
    let label = point
        .clone()
        .unwrap_or_else(|| format!("at line {}", k.line));
    let phrases = k.phrases.as_ref().map_or(&[][..], |ph| &ph.value[..]);
    let line = k.phrases.as_ref().map_or(k.line, |ph| ph.line);
    if phrases.is_empty() {
        p.push(line, format!("key point `{label}` has no phrasing"));
    } else if phrases.len() > limits::PHRASES {
        p.push(
            line,
            format!(
                "key point `{label}` has more than {} phrasings",
                limits::PHRASES
            ),
        );
    }
    for ph in phrases {
        let n = ph.trim().chars().count();
        if n == 0 || n > limits::PHRASE {
            p.push(
                line,
                format!(
                    "phrase `{ph}` is {n} characters; use 1..={}",
                    limits::PHRASE
                ),
            );
        }
    }
    let weight = k.weight.as_ref().map_or(1, |w| w.value);
    if !(1..=3).contains(&weight) {
        let wline = k.weight.as_ref().map_or(k.line, |w| w.line);
        p.push(
            wline,
            format!("key point `{label}` has weight {weight}; use 1..=3"),
        );
    }
    let about = rubric::about(k, subjects, p);
    Some(KeyPoint {
        about: about?,
        point: point?,
        phrases: phrases.iter().map(|s| s.trim().to_owned()).collect(),
        weight: u8::try_from(weight).ok()?,
    })
}

fn sql_task(raw: &RawQuestion, p: &mut Problems) -> Option<SqlTask> {
    let mut need = |field: &str, v: &Option<At<String>>| -> Option<String> {
        match v {
            Some(s) if !s.value.trim().is_empty() => Some(s.value.trim().to_owned()),
            Some(s) => {
                p.push(s.line, format!("`{field}` is empty"));
                None
            }
            None => {
                p.push(raw.line, format!("a sql question needs `{field}`"));
                None
            }
        }
    };
    let schema = need("schema", &raw.schema);
    let fixture = need("fixture", &raw.fixture);
    let solution = need("solution", &raw.solution);
    if let (Some(s), Some(at)) = (&solution, &raw.solution) {
        if s.ends_with(';') {
            p.push(
                at.line,
                "`solution` must be one statement without a trailing ';'",
            );
        }
        if !starts_with_select(s) {
            p.push(
                at.line,
                "`solution` must be a SELECT (or WITH ... SELECT) statement",
            );
        }
    }
    Some(SqlTask {
        schema: schema?,
        fixture: fixture?,
        solution: solution?,
        order_matters: raw.order_matters.as_ref().is_some_and(|o| o.value),
    })
}

/// Whether a query starts with SELECT or WITH, after `--` comment lines.
fn starts_with_select(sql: &str) -> bool {
    let first = sql
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with("--"))
        .unwrap_or("")
        .trim_start_matches('(')
        .to_ascii_lowercase();
    ["select", "with"].iter().any(|k| {
        first.starts_with(k)
            && !first[k.len()..].starts_with(|c: char| c.is_alphanumeric() || c == '_')
    })
}
