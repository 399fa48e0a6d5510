//! Content rules for the bank prepbot ships (issue 13), beyond what
//! `prepbot bank check` asks of any bank: every question has a chat-sized
//! summary and a hint, and the shipped choices are not guessable from
//! their position or truth value.

use prepbot::bank::{load_dir, Format};

fn shipped() -> prepbot::bank::Bank {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("questions");
    load_dir(&dir).expect("the shipped bank loads")
}

#[test]
fn every_shipped_question_has_a_summary_and_a_hint() {
    let bank = shipped();
    let missing: Vec<String> = bank
        .questions()
        .iter()
        .filter(|q| q.summary.is_none() || q.hint.is_none())
        .map(|q| q.id.to_string())
        .collect();
    assert!(missing.is_empty(), "without a summary or hint: {missing:?}");
}

#[test]
fn the_shipped_bank_has_500_questions_and_100_sql_exercises() {
    let bank = shipped();
    let sql = bank
        .questions()
        .iter()
        .filter(|q| q.format() == Format::Sql)
        .count();
    assert!(bank.questions().len() >= 500, "{}", bank.questions().len());
    assert!(sql >= 100, "{sql} SQL exercises");
}

#[test]
fn true_and_false_are_balanced_between_40_and_60_percent() {
    let bank = shipped();
    let tf: Vec<bool> = bank
        .questions()
        .iter()
        .filter(|q| q.format() == Format::Truefalse)
        .map(|q| q.options().iter().any(|o| o.correct && o.id == "true"))
        .collect();
    let share = tf.iter().filter(|t| **t).count() * 100 / tf.len();
    assert!((40..=60).contains(&share), "{share}% True");
}
