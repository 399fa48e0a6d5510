use super::*;
use crate::bank::{Difficulty, KeyPoint, QuestionId, Topic};

fn question(answers: &[&str]) -> Question {
    Question {
        id: QuestionId::parse("red-test-0001").unwrap(),
        topic: Topic::parse("trivia").unwrap(),
        tags: vec![],
        difficulty: Difficulty::Medium,
        prompt: "Which columnar file format did Twitter and Cloudera create?".into(),
        answer: answers[0].into(),
        explanation: "e".into(),
        kind: QuestionKind::Open {
            key_points: vec![KeyPoint {
                point: format!("The answer is {}", answers[0]),
                phrases: answers.iter().map(|a| a.to_string()).collect(),
                weight: 1,
                about: None,
            }],
            misconceptions: vec![],
            subjects: vec![],
        },
        source: None,
        version_note: None,
        summary: None,
        hint: None,
    }
}

fn verdict(answers: &[&str], text: &str) -> Verdict {
    assess(&question(answers), text).unwrap().verdict
}

#[test]
fn the_bare_accepted_answer_is_correct_with_full_score() {
    let g = assess(&question(&["Parquet"]), "Parquet").unwrap();
    assert_eq!((g.verdict, g.score), (Verdict::Correct, 1.0));
    assert_eq!(g.covered, ["The answer is Parquet"]);
}

#[test]
fn case_punctuation_accents_and_articles_are_ignored() {
    assert_eq!(verdict(&["Parquet"], "parquet!"), Verdict::Correct);
    assert_eq!(verdict(&["The Beatles"], "beatles"), Verdict::Correct);
    assert_eq!(verdict(&["Beatles"], "The Beatles."), Verdict::Correct);
    assert_eq!(verdict(&["Pokémon"], "POKEMON"), Verdict::Correct);
    assert_eq!(
        verdict(&["Guido van Rossum"], "guido-van-rossum"),
        Verdict::Correct
    );
}

#[test]
fn an_accepted_answer_inside_a_short_sentence_counts() {
    assert_eq!(
        verdict(&["Parquet"], "I think it is Parquet"),
        Verdict::Correct
    );
    assert_eq!(
        verdict(&["Van Rossum"], "it was van rossum"),
        Verdict::Correct
    );
}

#[test]
fn a_long_list_of_guesses_does_not_count() {
    let guesses = "avro orc json csv parquet protobuf";
    assert_eq!(verdict(&["Parquet"], guesses), Verdict::Incorrect);
}

#[test]
fn a_wrong_answer_is_incorrect_with_zero_score() {
    let g = assess(&question(&["Parquet"]), "Avro").unwrap();
    assert_eq!((g.verdict, g.score), (Verdict::Incorrect, 0.0));
    assert_eq!(g.missed, ["The answer is Parquet"]);
}

#[test]
fn a_small_typo_is_tolerated_on_longer_answers_only() {
    assert_eq!(verdict(&["Parquet"], "parqeut"), Verdict::Correct);
    assert_eq!(verdict(&["Matsumoto"], "matsumotto"), Verdict::Correct);
    assert_eq!(verdict(&["Mississippi"], "missisipi"), Verdict::Correct);
    assert_eq!(verdict(&["Mississippi"], "misisipi"), Verdict::Incorrect);
    assert_eq!(verdict(&["Mars"], "mass"), Verdict::Incorrect);
    assert_eq!(verdict(&["Mars"], "Bars"), Verdict::Incorrect);
}

#[test]
fn numbers_must_match_exactly() {
    assert_eq!(verdict(&["1989"], "1989"), Verdict::Correct);
    assert_eq!(verdict(&["1989"], "1988"), Verdict::Incorrect);
    assert_eq!(verdict(&["443"], "port 443"), Verdict::Correct);
}

#[test]
fn a_word_must_match_whole_not_inside_another_word() {
    assert_eq!(verdict(&["Go"], "golang"), Verdict::Incorrect);
    assert_eq!(verdict(&["C"], "C++"), Verdict::Incorrect);
    assert_eq!(verdict(&["C++"], "c++"), Verdict::Correct);
}

#[test]
fn a_single_letter_answer_that_is_an_article_still_matches() {
    assert_eq!(verdict(&["A"], "a"), Verdict::Correct);
    assert_eq!(verdict(&["A"], "b"), Verdict::Incorrect);
}

#[test]
fn any_of_the_accepted_answers_counts() {
    let answers = ["Guido van Rossum", "Guido", "Van Rossum"];
    assert_eq!(verdict(&answers, "Guido"), Verdict::Correct);
    assert_eq!(verdict(&answers, "Rossum"), Verdict::Incorrect);
}

#[test]
fn only_short_answer_questions_are_short_answers() {
    assert!(is_short_answer(&question(&["x"])));
    let mut q = question(&["x"]);
    if let QuestionKind::Open { key_points, .. } = &mut q.kind {
        key_points.push(key_points[0].clone());
    }
    assert!(!is_short_answer(&q));
    assert!(assess(&q, "x").is_err());
}
