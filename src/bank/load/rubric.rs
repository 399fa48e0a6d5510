//! Validation of the grading aids on `open` questions: the `subjects` a
//! comparison contrasts, each key point's `about`, and `misconceptions`
//! (see docs/question-format.md).

use super::raw::{At, Problems, RawKeyPoint, RawMisconception, RawQuestion};
use crate::bank::types::{limits, Misconception};

/// The question's `subjects`: 2..=4 lists of 1..=10 distinct names each.
/// `None` when they are broken (problems reported).
pub(crate) fn subjects(raw: &RawQuestion, p: &mut Problems) -> Option<Vec<Vec<String>>> {
    let Some(at) = &raw.subjects else {
        return Some(Vec::new());
    };
    let before = p.0.len();
    let n = at.value.len();
    if !(limits::MIN_SUBJECTS..=limits::MAX_SUBJECTS).contains(&n) {
        let (min, max) = (limits::MIN_SUBJECTS, limits::MAX_SUBJECTS);
        p.push(
            at.line,
            format!("`subjects` needs {min}..={max} lists of names, found {n}"),
        );
    }
    let mut seen: Vec<String> = Vec::new();
    let mut out = Vec::new();
    for names in &at.value {
        if names.is_empty() || names.len() > limits::SUBJECT_NAMES {
            let max = limits::SUBJECT_NAMES;
            p.push(
                at.line,
                format!("each subject needs 1..={max} names, found {}", names.len()),
            );
        }
        let mut list = Vec::new();
        for name in names {
            let name = name.trim().to_lowercase();
            let len = name.chars().count();
            if len == 0 || len > limits::SUBJECT_NAME {
                let max = limits::SUBJECT_NAME;
                p.push(
                    at.line,
                    format!("subject name `{name}` is {len} characters; use 1..={max}"),
                );
            } else if seen.contains(&name) {
                p.push(at.line, format!("subject name `{name}` is repeated"));
            }
            seen.push(name.clone());
            list.push(name);
        }
        out.push(list);
    }
    (p.0.len() == before).then_some(out)
}

/// A key point's `about`: one of the names of one subject, as its index.
/// `subjects` is `None` when they are broken (already reported).
pub(crate) fn about(
    k: &RawKeyPoint,
    subjects: Option<&[Vec<String>]>,
    p: &mut Problems,
) -> Option<Option<usize>> {
    let Some(at) = &k.about else {
        return Some(None);
    };
    let subjects = subjects?;
    if subjects.is_empty() {
        p.push(at.line, "`about` needs the question's `subjects`");
        return None;
    }
    let name = at.value.trim().to_lowercase();
    match subjects.iter().position(|s| s.contains(&name)) {
        Some(i) => Some(Some(i)),
        None => {
            p.push(
                at.line,
                format!("`about = \"{name}\"` names none of the `subjects`"),
            );
            None
        }
    }
}

/// The question's `misconceptions`: 1..=4 entries when present.
pub(crate) fn misconceptions(raw: &RawQuestion, p: &mut Problems) -> Option<Vec<Misconception>> {
    let Some(at) = &raw.misconceptions else {
        return Some(Vec::new());
    };
    let n = at.value.len();
    if !(1..=limits::MAX_MISCONCEPTIONS).contains(&n) {
        let max = limits::MAX_MISCONCEPTIONS;
        p.push(
            at.line,
            format!("a question has 1..={max} misconceptions, found {n}"),
        );
    }
    at.value.iter().map(|m| misconception(m, p)).collect()
}

fn misconception(m: &RawMisconception, p: &mut Problems) -> Option<Misconception> {
    let claim = bounded(p, "claim", &m.claim, limits::MISCONCEPTION_CLAIM);
    let why = bounded(p, "why", &m.why, limits::MISCONCEPTION_WHY);
    let phrases = m.phrases.as_ref().map_or(&[][..], |ph| &ph.value[..]);
    let line = m.phrases.as_ref().map_or(m.line, |ph| ph.line);
    if phrases.is_empty() || phrases.len() > limits::MISCONCEPTION_PHRASES {
        let max = limits::MISCONCEPTION_PHRASES;
        let n = phrases.len();
        p.push(
            line,
            format!("a misconception needs 1..={max} phrases, found {n}"),
        );
    }
    for ph in phrases {
        let n = ph.trim().chars().count();
        if n == 0 || n > limits::PHRASE {
            let max = limits::PHRASE;
            p.push(
                line,
                format!("phrase `{ph}` is {n} characters; use 1..={max}"),
            );
        }
    }
    Some(Misconception {
        claim: claim?,
        why: why?,
        phrases: phrases.iter().map(|s| s.trim().to_owned()).collect(),
    })
}

/// A required text of 1..=max characters after trimming.
fn bounded(p: &mut Problems, field: &str, v: &Option<At<String>>, max: usize) -> Option<String> {
    let v = v.as_ref()?;
    let s = v.value.trim();
    let n = s.chars().count();
    if n == 0 || n > max {
        p.push(
            v.line,
            format!("misconception `{field}` is {n} characters; use 1..={max}"),
        );
        return None;
    }
    Some(s.to_owned())
}

#[cfg(test)]
mod tests {
    use crate::bank::{load_str, parse_topics, require_misconceptions, QuestionKind};

    const HEAD: &str = "[[question]]\nid = \"pd-loc\"\ntopic = \"pandas\"\ndifficulty = \"easy\"\n\
        subjects = [[\"loc\"], [\"iloc\"]]\nformat = \"open\"\nprompt = \"p\"\nanswer = \"a\"\n\
        explanation = \"e\"\n[[question.key_points]]\npoint = \"loc is by label\"\n\
        about = \"loc\"\nphrases = [\"by label\"]\n[[question.key_points]]\n\
        point = \"iloc is by position\"\nphrases = [\"by position\"]\n";

    fn load(extra: &str) -> Result<Vec<crate::bank::Located>, String> {
        let topics = parse_topics(
            "t",
            "[[topic]]\nslug = \"pandas\"\nname = \"P\"\nabout = \"a\"",
        )
        .unwrap();
        load_str("q.toml", &format!("{HEAD}{extra}"), &topics).map_err(|e| e.to_string())
    }

    #[test]
    fn misconceptions_subjects_and_about_load() {
        let qs = load("[[question.misconceptions]]\nclaim = \"loc is positional\"\nwhy = \"w\"\nphrases = [\"loc by position\"]\n").unwrap();
        let QuestionKind::Open {
            key_points,
            misconceptions,
            subjects,
        } = &qs[0].question.kind
        else {
            panic!("not open");
        };
        assert_eq!(key_points[0].about, Some(0));
        assert_eq!(misconceptions[0].phrases, ["loc by position"]);
        assert_eq!(subjects.len(), 2);
        assert!(require_misconceptions(&qs).is_empty());
    }

    #[test]
    fn an_unknown_key_or_a_long_claim_in_a_misconception_is_reported() {
        let long = "x".repeat(201);
        let err = load(&format!(
            "[[question.misconceptions]]\nclaim = \"{long}\"\nwhy = \"w\"\nwhy_not = \"?\"\n"
        ))
        .unwrap_err();
        assert!(
            err.contains("unknown key `why_not` on a misconception"),
            "{err}"
        );
        assert!(err.contains("`claim` is 201 characters"), "{err}");
        assert!(err.contains("needs 1..=12 phrases"), "{err}");
    }

    #[test]
    fn about_must_name_a_subject() {
        let topics = parse_topics(
            "t",
            "[[topic]]\nslug = \"pandas\"\nname = \"P\"\nabout = \"a\"",
        )
        .unwrap();
        let err = load_str(
            "q.toml",
            &HEAD.replace("about = \"loc\"", "about = \"at\""),
            &topics,
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains(
                "q.toml:12: question `pd-loc`: `about = \"at\"` names none of the `subjects`"
            ),
            "{err}"
        );
    }

    #[test]
    fn an_open_question_without_misconceptions_is_reported_when_required() {
        let qs = load("").unwrap();
        let issues = require_misconceptions(&qs);
        assert_eq!(issues.len(), 1);
        assert!(issues[0].message.contains("needs 1..=4 `misconceptions`"));
    }
}
