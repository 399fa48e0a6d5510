//! Importing Open Trivia DB responses.

use super::*;

#[test]
fn an_opentdb_response_imports_with_entities_decoded() {
    let dir = bank("otdb");
    let report = import_file(
        ImportFormat::Opentdb,
        &fixture("computers.json"),
        &dir,
        &opts(),
    );
    assert_eq!(report.unwrap().path, dir.join("opentdb-computers.toml"));
    let qs = clean_scan(&dir);
    assert_eq!(qs.len(), 8);
    by_prompt(
        &qs,
        "In \"Hexadecimal\", what is the decimal value of 'FF'?",
    );
    by_prompt(
        &qs,
        "Which of these was the name of Centrum Wiskunde & Informatica's",
    );
    by_prompt(&qs, "On Windows, the path \"C:\\Windows\\System32\" holds");
    by_prompt(
        &qs,
        "\"HTML\" stands for Hypertext Markup Language: <html> is its root",
    );
    let pokemon = by_prompt(
        &qs,
        "In Pokémon Red & Blue, what type is the move “Psychic”?",
    );
    let tags = &pokemon.question.tags;
    assert_eq!(tags, &["trivia", "entertainment-video-games"]);
    let java = by_prompt(
        &qs,
        "Which company developed the “Café” code name for Java’s first",
    );
    let options = java.question.options();
    assert!(options
        .iter()
        .any(|o| o.text == "Sun Microsystems" && o.correct));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn an_opentdb_import_keeps_the_cc_by_sa_attribution() {
    let dir = bank("otdb-attribution");
    let report = import_file(
        ImportFormat::Opentdb,
        &fixture("computers.json"),
        &dir,
        &opts(),
    );
    let path = report.unwrap().path;
    for l in &clean_scan(&dir) {
        let source = l.question.source.as_deref().unwrap();
        assert!(source.contains("CC BY-SA 4.0"), "{source}");
        assert!(l.question.id.as_str().starts_with("opentdb-"));
    }
    let text = std::fs::read_to_string(path).unwrap();
    let header =
        "# Questions from the Open Trivia Database (https://opentdb.com/), licensed CC BY-SA 4.0";
    assert!(text.contains(header), "{text}");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn opentdb_multiple_becomes_choice_with_one_correct_option_and_neutral_whys() {
    let dir = bank("otdb-choice");
    import_file(
        ImportFormat::Opentdb,
        &fixture("computers.json"),
        &dir,
        &opts(),
    )
    .unwrap();
    let qs = clean_scan(&dir);
    let cpu = by_prompt(&qs, "What does CPU stand for?");
    let options = cpu.question.options();
    assert!(matches!(cpu.question.kind, QuestionKind::Choice { .. }));
    let ids: Vec<&str> = options.iter().map(|o| o.id.as_str()).collect();
    assert_eq!(ids, ["a", "b", "c", "d"]);
    assert_eq!(options.iter().filter(|o| o.correct).count(), 1);
    for o in options.iter().filter(|o| !o.correct) {
        assert_eq!(
            o.why.as_deref(),
            Some("The correct answer is Central Processing Unit.")
        );
    }
    // The hash order moves the correct option around across questions.
    let positions: std::collections::HashSet<usize> = qs
        .iter()
        .filter(|l| matches!(l.question.kind, QuestionKind::Choice { .. }))
        .map(|l| l.question.options().iter().position(|o| o.correct).unwrap())
        .collect();
    assert!(
        positions.len() > 1,
        "the correct option is always at {positions:?}"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn opentdb_boolean_becomes_truefalse() {
    let dir = bank("otdb-bool");
    import_file(
        ImportFormat::Opentdb,
        &fixture("computers.json"),
        &dir,
        &opts(),
    )
    .unwrap();
    let qs = clean_scan(&dir);
    let snap = by_prompt(&qs, "The logo for Snapchat is a Bell.");
    assert!(matches!(snap.question.kind, QuestionKind::Truefalse { .. }));
    let correct: Vec<&str> = snap
        .question
        .options()
        .iter()
        .filter(|o| o.correct)
        .map(|o| o.id.as_str())
        .collect();
    assert_eq!(correct, ["false"]);
    assert_eq!(
        snap.question.options()[0].why.as_deref(),
        Some("The statement is false.")
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn an_opentdb_response_with_bad_entries_imports_the_rest_and_lists_each_skipped_one() {
    let dir = bank("otdb-bad");
    let report = import_file(
        ImportFormat::Opentdb,
        &fixture("bad-entries.json"),
        &dir,
        &opts(),
    )
    .unwrap();
    assert_eq!(report.questions, 1);
    assert_eq!(clean_scan(&dir).len(), 1);
    let skipped = report.skipped.join("\n");
    assert_eq!(report.skipped.len(), 3, "{skipped}");
    assert!(skipped
        .contains("results[1] \"Which animal says \"moo\"?\": missing field `correct_answer`"));
    assert!(skipped.contains("results[2] \"Water boils at 100 °C at sea level.\": a boolean entry's correct_answer must be True or False"));
    assert!(skipped.contains("results[3] \"Match the pairs.\": unknown difficulty `insane`"));
    let shown = report.to_string();
    assert!(
        shown.contains("with 1 question(s)\nskipped 3 entries:\n  results[1]"),
        "{shown}"
    );
    std::fs::remove_dir_all(dir).unwrap();
}
