//! Unit tests of `text`, kept beside it so the module itself stays short.

use super::*;

fn stems(text: &str) -> Vec<String> {
    Analyzer::default()
        .analyze(text)
        .tokens
        .into_iter()
        .map(|t| t.stem)
        .collect()
}

#[test]
fn case_accents_and_width_are_normalised() {
    assert_eq!(stems("Café ＫＡＦＫＡ"), stems("cafe kafka"));
}

#[test]
fn contractions_become_not() {
    assert_eq!(stems("doesn’t"), vec!["doe", "not"]);
    assert_eq!(stems("can't"), stems("cannot"));
    assert_eq!(stems("dont"), vec!["do", "not"]);
    assert_eq!(stems("Kafka's"), vec!["kafka"]);
}

#[test]
fn british_and_american_spellings_agree() {
    assert_eq!(stems("normalised behaviour"), stems("normalized behavior"));
}

#[test]
fn articles_are_dropped_but_counted() {
    let a = Analyzer::default().analyze("the partition key");
    assert_eq!(a.words, 3);
    assert_eq!(a.tokens.len(), 2);
}

#[test]
fn numbers_keep_their_separators() {
    assert_eq!(
        stems("1,000 records and 0.75"),
        vec!["1000", "record", "and", "0.75"]
    );
}

#[test]
fn punctuation_and_contrast_words_split_clauses() {
    let a = Analyzer::default().analyze("shards, replay. Kafka but not Kinesis");
    let clauses: Vec<u32> = a.tokens.iter().map(|t| t.clause).collect();
    assert_eq!(clauses, vec![0, 1, 2, 3, 3, 3]);
    let segments: Vec<u32> = a.tokens.iter().map(|t| t.segment).collect();
    assert_eq!(segments, vec![0, 1, 2, 2, 2, 2]);
}

#[test]
fn dotted_names_do_not_end_a_sentence() {
    let a = Analyzer::default().analyze("use list.sort e.g. here");
    assert!(a.tokens.iter().all(|t| t.segment == 0));
}
