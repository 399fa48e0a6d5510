//! Red lists as Red ships them: every entry Red can load but the bank cannot
//! hold is skipped with its reason, what Red tolerates is accepted with a
//! warning, and the imported questions grade the way trivia players expect.
//! The entries copy the shapes of real lists in Red-DiscordBot's repository.

use super::*;
use prepbot::grading::{Grader, Grading, Submission, Verdict};

#[test]
fn a_red_list_with_bad_entries_imports_the_valid_ones_and_lists_each_skipped_one() {
    let dir = bank("red-some-bad");
    let report = import_file(
        ImportFormat::Red,
        &fixture("bad-entries.yaml"),
        &dir,
        &opts(),
    )
    .unwrap();
    assert_eq!(report.questions, 1);
    by_prompt(&clean_scan(&dir), "What is the capital of France?");
    let skipped = report.skipped.join("\n");
    assert_eq!(report.skipped.len(), 3, "{skipped}");
    assert!(skipped
        .contains("question 2 \"Name a primary colour:\": the answers must be a list, found text"));
    assert!(skipped.contains("question 3: the question text is empty"));
    assert!(skipped.contains(
        "question 4 \"Which year did the Berlin Wall fall?\": an answer must be text, found nothing"
    ));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_red_list_without_an_author_imports_with_a_warning() {
    let dir = bank("red-no-author");
    let report = import_file(ImportFormat::Red, &fixture("no-author.yaml"), &dir, &opts()).unwrap();
    assert_eq!(report.questions, 1);
    assert_eq!(
        report.warnings,
        ["`AUTHOR` is missing or not text; the questions name no author"]
    );
    let qs = clean_scan(&dir);
    assert_eq!(
        qs[0].question.source.as_deref(),
        Some("Red-DiscordBot trivia list \"no-author\"")
    );
    assert!(report
        .to_string()
        .contains("\nwarning: `AUTHOR` is missing"));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_question_written_twice_keeps_its_last_answers_as_red_does() {
    let text = "AUTHOR: Someone\n\
        Which pop band had a hit single with 'Open Your Heart' in 1981?:\n- Human League\n\
        Which planet is red?:\n- Mars\n\
        Which pop band had a hit single with 'Open Your Heart' in 1981?:\n- The Human League\n";
    let dir = bank("red-dup-key");
    let report = import_file(ImportFormat::Red, &input("music.yaml", text), &dir, &opts()).unwrap();
    assert_eq!(report.questions, 2);
    assert_eq!(report.warnings.len(), 1, "{:?}", report.warnings);
    assert!(report.warnings[0].contains("is written more than once; the last one is used"));
    let qs = clean_scan(&dir);
    let band = by_prompt(&qs, "Which pop band");
    assert!(
        matches!(&band.question.kind, QuestionKind::Open { key_points, .. } if key_points[0].phrases == ["The Human League"])
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn entries_red_accepts_but_the_bank_cannot_hold_are_skipped_with_their_reason() {
    let many: String = (1..=21).map(|i| format!("- Port {i}\n")).collect();
    let text = format!(
        "AUTHOR: Someone\n\
         Name one of the three defenders that can uniquely affect the visor:\n\
         - Mute (interference on visor) / Caveira (can hide footsteps) / Echo (Yokai)\n\
         Name any source port of Classic Doom.:\n{many}\
         What is D.VA's real name?:\n- Hana Song\n\
         What is D.Va's real name?:\n- Hana Song\n\
         Who created Linux?:\n- Linus Torvalds\n"
    );
    let dir = bank("red-limits");
    let report = import_file(
        ImportFormat::Red,
        &input("games.yaml", &text),
        &dir,
        &opts(),
    )
    .unwrap();
    assert_eq!(report.questions, 2);
    let skipped = report.skipped.join("\n");
    assert_eq!(report.skipped.len(), 3, "{skipped}");
    assert!(
        skipped.contains("question 1 \"Name one of the three defenders")
            && skipped.contains("is 74 characters; use 1..=60"),
        "{skipped}"
    );
    assert!(
        skipped.contains("question 2 \"Name any source port")
            && skipped.contains("has more than 20 phrasings"),
        "{skipped}"
    );
    assert!(skipped.contains(
        "question 4 \"What is D.Va's real name?\": same question as question 3 \"What is D.VA's real name?\""
    ), "{skipped}");
    let qs = clean_scan(&dir);
    by_prompt(&qs, "What is D.VA's real name?");
    by_prompt(&qs, "Who created Linux?");
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test]
async fn imported_questions_are_correct_when_answered_with_an_accepted_answer() {
    let dir = bank("red-grade");
    import_file(ImportFormat::Red, &fixture("computing.yaml"), &dir, &opts()).unwrap();
    let grading = Grading::default();
    for l in clean_scan(&dir) {
        let q = &l.question;
        let QuestionKind::Open { key_points, .. } = &q.kind else {
            panic!("{q:?}")
        };
        for accepted in &key_points[0].phrases {
            for text in [accepted.clone(), format!("I think it is {accepted}")] {
                let g = grading
                    .grade(q, &Submission::Text(text.clone()))
                    .await
                    .unwrap();
                assert_eq!(
                    (g.verdict, g.score),
                    (Verdict::Correct, 1.0),
                    "{text}: {g:?}"
                );
            }
        }
        let text = Submission::Text("banana bread".into());
        let wrong = grading.grade(q, &text).await.unwrap();
        assert_eq!(wrong.verdict, Verdict::Incorrect, "{}: {wrong:?}", q.prompt);
    }
    std::fs::remove_dir_all(dir).unwrap();
}
