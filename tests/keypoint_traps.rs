//! The key-point grader's traps on a small hand-made question: negation,
//! a pasted question, keyword stuffing, very short answers, and the
//! per-question cache noticing an edited question.

use prepbot::bank::{Difficulty, KeyPoint, Question, QuestionId, QuestionKind, Topic};
use prepbot::grading::{Grade, KeyPointGrader, Verdict};

fn question(extra_phrase: Option<&str>) -> Question {
    let kp = |point: &str, phrases: &[&str], weight| KeyPoint {
        point: point.into(),
        phrases: phrases.iter().map(|p| p.to_string()).collect(),
        weight,
        about: None,
    };
    let mut order = vec!["within a partition", "per partition", "no global order"];
    order.extend(extra_phrase);
    Question {
        id: QuestionId::parse("kafka-order").unwrap(),
        topic: Topic::parse("streaming").unwrap(),
        tags: vec![],
        difficulty: Difficulty::Medium,
        prompt: "Can messages be ordered in Kafka? What exactly is guaranteed?".into(),
        answer: "Only within a partition.".into(),
        explanation: "e".into(),
        kind: QuestionKind::Open {
            key_points: vec![
                kp(
                    "Order is kept only within a partition, never globally",
                    &order,
                    2,
                ),
                kp(
                    "Use the same key so related events share a partition",
                    &["same key", "partition key"],
                    2,
                ),
                kp(
                    "A single partition gives a total order but limits throughput",
                    &["single partition", "one partition", "limits throughput"],
                    1,
                ),
            ],
            misconceptions: vec![],
            subjects: vec![],
        },
        source: None,
        version_note: None,
        summary: None,
        hint: None,
    }
}

fn grade(g: &KeyPointGrader, q: &Question, answer: &str) -> Grade {
    g.assess(q, answer).unwrap()
}

#[test]
fn a_full_answer_in_other_words_is_correct() {
    let g = KeyPointGrader::default();
    let a = "Kafka keeps ordering per partition only, there is no global order across the topic. \
             Give related events the same key so they are hashed to one partition; if you really need \
             a total order, use a single partition and accept that it limits throughput.";
    let grade = grade(&g, &question(None), a);
    assert_eq!(grade.verdict, Verdict::Correct, "{grade:?}");
    assert_eq!(grade.missed, Vec::<String>::new());
}

#[test]
fn a_negated_statement_does_not_cover_the_point() {
    let g = KeyPointGrader::default();
    let q = question(None);
    let right = grade(&g, &q, "Kafka does not guarantee a global order: order holds only within a partition, and that is why related events should use the same key.");
    let wrong = grade(&g, &q, "Kafka guarantees a global order of all messages, so ordering is not kept per partition and you never need the same key for related events.");
    assert!(right.covered.len() >= 2, "{right:?}");
    assert_eq!(wrong.verdict, Verdict::Incorrect, "{wrong:?}");
    assert!(
        wrong.detail.iter().any(|d| d.contains("opposite")),
        "{wrong:?}"
    );
}

#[test]
fn pasting_the_question_back_scores_nothing() {
    let g = KeyPointGrader::default();
    let grade = grade(
        &g,
        &question(None),
        "Can messages be ordered in Kafka? What exactly is guaranteed?",
    );
    assert_eq!((grade.verdict, grade.score), (Verdict::Incorrect, 0.0));
    assert!(grade.detail[0].contains("repeats the question"));
}

#[test]
fn a_keyword_list_does_not_score_like_an_explanation() {
    let g = KeyPointGrader::default();
    let grade = grade(&g, &question(None), "within a partition, per partition, no global order, same key, partition key, single partition, limits throughput");
    assert_eq!(grade.verdict, Verdict::Incorrect);
    assert!(grade.score < 0.35, "{grade:?}");
    assert!(grade.detail[0].contains("list of keywords"));
}

#[test]
fn very_short_answers_are_never_correct() {
    let g = KeyPointGrader::default();
    let q = question(None);
    assert_eq!(grade(&g, &q, "per partition").verdict, Verdict::Incorrect);
    let brief = grade(
        &g,
        &q,
        "Only per partition; use the same key and one partition.",
    );
    assert_eq!(brief.verdict, Verdict::Partial, "{brief:?}");
}

#[test]
fn a_brief_answer_capped_to_partial_never_shows_a_full_score() {
    let g = KeyPointGrader::default();
    // Covers every key point, but in fewer words than a full answer needs.
    let brief = grade(
        &g,
        &question(None),
        "Only per partition; use the same key, or one partition which limits throughput.",
    );
    assert_eq!(brief.verdict, Verdict::Partial, "{brief:?}");
    assert_eq!(brief.missed, Vec::<String>::new(), "{brief:?}");
    assert!(brief.score <= 0.5, "{brief:?}");
}

#[test]
fn an_edited_question_is_analysed_again() {
    let g = KeyPointGrader::default();
    let answer = "Ordering is by offset in a log segment, and keys decide the partition so the same key keeps its events together in order.";
    let before = grade(&g, &question(None), answer);
    let after = grade(&g, &question(Some("offset in a log segment")), answer);
    assert!(
        after.covered.len() > before.covered.len(),
        "{before:?} {after:?}"
    );
}

#[test]
fn a_run_of_buzzwords_in_one_sentence_earns_nothing() {
    let g = KeyPointGrader::default();
    let q = question(None);
    let salad = grade(
        &g,
        &q,
        "It is all about the per partition and the same key and a single partition, you see.",
    );
    assert_eq!(salad.verdict, Verdict::Incorrect, "{salad:?}");
    assert!(salad.covered.is_empty(), "{salad:?}");
    let sentence = grade(
        &g,
        &q,
        "Kafka keeps order per partition, so related events must use the same key; a single partition would limit throughput.",
    );
    assert_eq!(sentence.covered.len(), 3, "{sentence:?}");
}

#[test]
fn names_dropped_in_a_list_cover_nothing() {
    let g = KeyPointGrader::default();
    let listed = grade(
        &g,
        &question(None),
        "Ordering in Kafka comes from the platform as a whole: brokers, per partition, \
         same key, single partition, offsets and replication all play a part.",
    );
    assert_eq!(listed.covered, Vec::<String>::new(), "{listed:?}");
    assert_eq!(listed.verdict, Verdict::Incorrect, "{listed:?}");
}

#[test]
fn an_answer_dense_with_buzzwords_is_salad_even_with_the_right_terms() {
    let g = KeyPointGrader::default();
    let salad = grade(
        &g,
        &question(None),
        "Kafka ordering is about leveraging a robust, scalable, cloud-native platform: \
         order is kept within a partition and best practices with the same key give \
         reliable, efficient pipelines with proper governance.",
    );
    assert_eq!(salad.verdict, Verdict::Incorrect, "{salad:?}");
    assert!(
        salad.detail.iter().any(|d| d.contains("buzzwords")),
        "{salad:?}"
    );
}

#[test]
fn nothing_until_is_not_a_denial() {
    let g = KeyPointGrader::default();
    let q = question(None);
    let a = grade(
        &g,
        &q,
        "There is no guarantee across the topic: nothing is ordered until it is within a partition, \
         so send related events with the same key.",
    );
    assert!(!a.detail.iter().any(|d| d.contains("opposite")), "{a:?}");
}

#[test]
fn code_and_notes_are_not_a_keyword_list() {
    let g = KeyPointGrader::default();
    let q = question(None);
    for answer in [
        "producer.send(topic, key=user_id, value=event)  # same key, so one partition keeps them in order",
        "order = per partition only; related events -> same key; total order = single partition, limits throughput",
    ] {
        let a = grade(&g, &q, answer);
        assert!(
            !a.detail.iter().any(|d| d.contains("list of keywords")),
            "{answer}: {a:?}"
        );
        assert_ne!(a.verdict, Verdict::Incorrect, "{answer}: {a:?}");
    }
}
