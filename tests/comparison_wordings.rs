//! Comparison questions on the real bank, against
//! `tests/grading/comparison_wordings.toml`: answers that state a comparison
//! the right way round, in the wordings people use, assert no misconception
//! and read as no swap; answers that swap it are never graded correct and are
//! told which claim is wrong. The file was written while tuning the bank's
//! `subjects`, `about` and swap misconceptions, so it guards against
//! regressions; it is not a measure of agreement (that is the held-out set).

use prepbot::bank::{load_dir, QuestionId};
use prepbot::grading::{Grade, KeyPointGrader, Verdict};
use serde::Deserialize;
use std::path::Path;

#[derive(Deserialize)]
struct Wordings {
    case: Vec<Wording>,
}

#[derive(Deserialize)]
struct Wording {
    question_id: String,
    /// `right` or `swapped`.
    kind: String,
    answer: String,
}

fn wordings() -> Vec<Wording> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let path = root.join("tests/grading/comparison_wordings.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let parsed: Wordings = toml::from_str(&text).unwrap();
    parsed.case
}

/// Grades every case of one kind, returning the problems `judge` finds.
fn problems(kind: &str, judge: impl Fn(&Grade) -> Option<String>) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let bank = load_dir(&root.join("questions")).unwrap();
    let grader = KeyPointGrader::default();
    let cases: Vec<Wording> = wordings().into_iter().filter(|c| c.kind == kind).collect();
    assert!(!cases.is_empty(), "no `{kind}` cases");
    let mut out = Vec::new();
    for c in &cases {
        let id = QuestionId::parse(&c.question_id).unwrap();
        let q = bank
            .get(&id)
            .unwrap_or_else(|| panic!("unknown question `{}`", c.question_id));
        let g = grader.assess(q, &c.answer).unwrap();
        if let Some(p) = judge(&g) {
            out.push(format!("{}: {p}\n  {}", c.question_id, c.answer));
        }
    }
    out
}

fn swap_notes(g: &Grade) -> Vec<&String> {
    g.detail
        .iter()
        .filter(|d| d.contains("wrong way round"))
        .collect()
}

#[test]
fn right_comparisons_assert_no_misconception_and_read_as_no_swap() {
    let found = problems("right", |g| {
        let mut said: Vec<String> = g.misconceptions.iter().map(|m| m.claim.clone()).collect();
        said.extend(swap_notes(g).into_iter().cloned());
        (!said.is_empty()).then(|| said.join(" | "))
    });
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn swapped_comparisons_are_never_correct_and_say_what_is_wrong() {
    let found = problems("swapped", |g| {
        let told = !g.misconceptions.is_empty() || !swap_notes(g).is_empty();
        if g.verdict == Verdict::Correct {
            Some(format!("graded correct ({:.2})", g.score))
        } else if !told {
            Some(format!("graded {} without naming the swap", g.verdict))
        } else {
            None
        }
    });
    assert!(found.is_empty(), "{}", found.join("\n"));
}
