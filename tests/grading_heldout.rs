//! Measures the free-text grader on the held-out set in
//! `tests/grading/heldout/*.toml`: 336 answers to 72 open questions, written
//! blind (from each question's prompt and model answer only, never the
//! grader, its key points or the tuning labels) and labelled by
//! `tests/grading/RUBRIC.md`. Nothing is ever tuned on this set; it answers
//! "how does the grader do on answers it has never seen?".
//!
//! `cargo test --test grading_heldout -- --nocapture` prints the confusion
//! matrix and agreement by kind. The test fails if agreement drops below the
//! floor measured when docs/grading.md was written, or if more answers
//! labelled incorrect are graded correct than then.

use prepbot::bank::{BankSource, QuestionId};
use prepbot::grading::{KeyPointGrader, Verdict};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Exact agreement measured on the held-out set (docs/grading.md).
const MIN_AGREEMENT: f64 = 0.622;
/// Answers labelled incorrect that were graded correct, at most.
const MAX_WRONG_CORRECT: usize = 25;

#[derive(Deserialize)]
struct LabelFile {
    case: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    question_id: String,
    kind: String,
    label: String,
    answer: String,
}

const VERDICTS: [Verdict; 3] = [Verdict::Correct, Verdict::Partial, Verdict::Incorrect];

fn idx(v: Verdict) -> usize {
    VERDICTS.iter().position(|x| *x == v).unwrap()
}

fn cases() -> Vec<Case> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/grading/heldout");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("the held-out folder")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    files
        .iter()
        .flat_map(|f| {
            let text = std::fs::read_to_string(f).unwrap();
            let parsed: LabelFile =
                toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
            parsed.case
        })
        .collect()
}

#[test]
fn the_grader_agrees_with_a_fair_interviewer_on_answers_it_was_never_tuned_on() {
    let bank = BankSource::Builtin.load().expect("the bank loads");
    let grader = KeyPointGrader::default();
    let cases = cases();
    let mut matrix = [[0usize; 3]; 3];
    let mut by_kind: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let questions: BTreeSet<&str> = cases.iter().map(|c| c.question_id.as_str()).collect();
    for c in &cases {
        let q = bank
            .get(&QuestionId::parse(&c.question_id).unwrap())
            .unwrap_or_else(|| panic!("unknown question `{}`", c.question_id));
        let label: Verdict = c.label.parse().unwrap();
        let graded = grader.assess(q, &c.answer).unwrap().verdict;
        matrix[idx(label)][idx(graded)] += 1;
        let k = by_kind.entry(c.kind.as_str()).or_default();
        k.1 += 1;
        k.0 += usize::from(graded == label);
    }
    let agree: usize = (0..3).map(|i| matrix[i][i]).sum();
    let rate = agree as f64 / cases.len() as f64;
    println!("{} answers over {} questions", cases.len(), questions.len());
    println!("| label \\ graded | correct | partial | incorrect |\n| --- | --- | --- | --- |");
    for (i, v) in VERDICTS.iter().enumerate() {
        println!(
            "| {v} | {} | {} | {} |",
            matrix[i][0], matrix[i][1], matrix[i][2]
        );
    }
    for (k, (ok, n)) in &by_kind {
        println!("{k}: {ok}/{n}");
    }
    println!(
        "exact agreement: {agree}/{} = {:.1}%",
        cases.len(),
        rate * 100.0
    );
    let partial = matrix[idx(Verdict::Partial)];
    println!(
        "partial graded incorrect: {}/{}",
        partial[2],
        partial.iter().sum::<usize>()
    );
    assert!(
        cases.len() >= 200 && questions.len() >= 60,
        "the held-out set shrank"
    );
    let wrong_correct = matrix[idx(Verdict::Incorrect)][idx(Verdict::Correct)];
    assert!(
        wrong_correct <= MAX_WRONG_CORRECT,
        "{wrong_correct} answers labelled incorrect were graded correct"
    );
    assert!(
        rate >= MIN_AGREEMENT,
        "agreement {rate:.3} fell below {MIN_AGREEMENT}"
    );
}
