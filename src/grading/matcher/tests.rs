//! Unit tests of `matcher`, kept beside it so the module itself stays short.

use super::super::text::Analyzer;
use super::*;

fn phrase(a: &Analyzer, phrase: &str, point: &str) -> Phrase {
    let none = Analysis::default();
    Phrase::new(&a.analyze(phrase), &a.analyze(point), &Index::new(&none))
}

fn hits(phrase_text: &str, point: &str, answer: &str) -> Vec<Hit> {
    let a = Analyzer::default();
    let p = phrase(&a, phrase_text, point);
    let text = a.analyze(answer);
    p.find(&Index::new(&text))
}

fn affirms(phrase_text: &str, point: &str, answer: &str) -> bool {
    let a = Analyzer::default();
    let p = phrase(&a, phrase_text, point);
    let text = a.analyze(answer);
    p.find(&Index::new(&text))
        .iter()
        .any(|h| h.negated == p.expect_negated)
}

#[test]
fn stems_and_glue_words_are_flexible() {
    assert!(affirms(
        "partition key",
        "",
        "choose the partitioning keys well"
    ));
    assert!(affirms(
        "write your own consumers",
        "",
        "you write consumers yourself"
    ));
    assert!(affirms("key of the partition", "", "partition key"));
}

#[test]
fn words_far_apart_or_in_other_clauses_do_not_match() {
    assert!(hits(
        "partition key",
        "",
        "the partition is large and the cache key is hot"
    )
    .is_empty());
    assert!(hits("partition key", "", "partition. key").is_empty());
}

#[test]
fn a_negated_mention_does_not_affirm() {
    let point = "Kinesis is fully managed";
    assert!(affirms(
        "fully managed",
        point,
        "Kinesis is fully managed by AWS"
    ));
    assert!(!affirms(
        "fully managed",
        point,
        "Kinesis is not fully managed"
    ));
    assert!(!affirms(
        "fully managed",
        point,
        "Kinesis isn't fully-managed at all"
    ));
    assert!(affirms(
        "fully managed",
        point,
        "not only is it fully managed, it scales"
    ));
}

#[test]
fn a_negation_after_the_phrase_counts() {
    let point = "Ordering is per partition";
    assert!(!affirms(
        "global order",
        point,
        "global ordering is not guaranteed"
    ));
}

#[test]
fn a_negative_point_needs_a_negative_mention() {
    let point = "Query-based CDC misses hard deletes";
    assert!(affirms(
        "hard deletes",
        point,
        "polling can't see hard deletes"
    ));
    assert!(affirms("hard deletes", point, "it misses hard deletes"));
    assert!(!affirms(
        "hard deletes",
        point,
        "it captures hard deletes fine"
    ));
}

#[test]
fn a_phrase_with_a_negation_needs_one() {
    let point = "Ordering is only per partition, never global";
    assert!(affirms(
        "no global order",
        point,
        "there is no global ordering"
    ));
    assert!(affirms(
        "no global order",
        point,
        "Kafka does not give a global order"
    ));
    assert!(!affirms(
        "no global order",
        point,
        "Kafka gives a global order"
    ));
}

#[test]
fn a_double_negation_affirms() {
    let point = "Query-based CDC misses hard deletes";
    assert!(!affirms(
        "hard deletes",
        point,
        "it does not miss hard deletes"
    ));
}

#[test]
fn a_repeated_word_needs_two_occurrences() {
    assert!(hits("row by row", "", "reads a row").is_empty());
    assert!(!hits("row by row", "", "reads row by row").is_empty());
}

#[test]
fn a_phrase_made_of_prompt_words_is_an_echo() {
    let a = Analyzer::default();
    let prompt = a.analyze("Explain at-least-once delivery");
    let none = Analysis::default();
    let p = Phrase::new(&a.analyze("at least once"), &none, &Index::new(&prompt));
    assert!(p.echo);
    let q = Phrase::new(&a.analyze("duplicates"), &none, &Index::new(&prompt));
    assert!(!q.echo);
}

#[test]
fn a_hypothetical_negation_is_not_an_explicit_denial() {
    let h = hits(
        "sorted",
        "",
        "if the files are not sorted, nothing is skipped",
    );
    assert!(h[0].negated && !h[0].explicit);
}
