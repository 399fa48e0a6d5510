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

mod labels;

use labels::{idx, render};
use prepbot::bank::{BankSource, QuestionId};
use prepbot::grading::{KeyPointGrader, Verdict};
use std::collections::{BTreeMap, BTreeSet};

/// Exact agreement measured on the held-out set (docs/grading.md).
const MIN_AGREEMENT: f64 = 0.696;
/// Answers labelled incorrect that were graded correct, at most.
const MAX_WRONG_CORRECT: usize = 9;

#[test]
fn the_grader_agrees_with_a_fair_interviewer_on_answers_it_was_never_tuned_on() {
    // The folder, not the built-in copy: what is measured is what is in
    // questions/ now, whatever build.rs last embedded.
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("questions");
    let bank = BankSource::Dir(dir).load().expect("the bank loads");
    let grader = KeyPointGrader::default();
    let cases: Vec<_> = labels::load("heldout")
        .into_iter()
        .map(|(_, c)| c)
        .collect();
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
    println!("{}", render(&matrix));
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
