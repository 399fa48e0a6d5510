//! Importing Red-DiscordBot trivia lists.

use super::*;

#[test]
fn a_red_list_imports_into_files_that_pass_bank_check() {
    let dir = bank("red");
    let report = import_file(ImportFormat::Red, &fixture("computing.yaml"), &dir, &opts()).unwrap();
    assert_eq!(report.questions, 10);
    assert_eq!(report.path, dir.join("red-computing.toml"));
    let qs = clean_scan(&dir);
    assert_eq!(qs.len(), 10);
    assert!(qs
        .iter()
        .all(|l| l.question.id.as_str().starts_with("red-computing-")));
    // CONFIG `difficulty: easy` applies; the rest of CONFIG is Red's own.
    assert!(qs.iter().all(|l| l.question.difficulty == Difficulty::Easy));
    let source = qs[0].question.source.as_deref().unwrap();
    assert_eq!(
        source,
        "Red-DiscordBot trivia list \"computing\" by Kowlin & the trivia team"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn red_answers_become_the_phrases_of_a_single_key_point() {
    let dir = bank("red-phrases");
    import_file(ImportFormat::Red, &fixture("computing.yaml"), &dir, &opts()).unwrap();
    let qs = clean_scan(&dir);
    let python = by_prompt(&qs, "Who designed the Python");
    let QuestionKind::Open { key_points, .. } = &python.question.kind else {
        panic!("expected an open question");
    };
    assert_eq!(key_points.len(), 1);
    assert_eq!(
        key_points[0].phrases,
        ["Guido van Rossum", "Guido", "Van Rossum"]
    );
    assert!(python
        .question
        .answer
        .starts_with("Guido van Rossum\n\nAlso accepted: Guido"));
    // Numbers and booleans in YAML are accepted answers too.
    let port = by_prompt(&qs, "Ports: which TCP port");
    assert!(
        matches!(&port.question.kind, QuestionKind::Open { key_points, .. } if key_points[0].phrases == ["443"])
    );
    let html = by_prompt(&qs, "True or false: HTML");
    assert!(
        matches!(&html.question.kind, QuestionKind::Open { key_points, .. } if key_points[0].phrases == ["false", "no"])
    );
    let text = std::fs::read_to_string(dir.join("red-computing.toml")).unwrap();
    assert!(text.contains("short_answer = true"));
    assert!(text.starts_with(
        "# Imported with `prepbot bank import --format red` from computing.yaml.\n# AUTHOR: Kowlin"
    ));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn red_questions_keep_colons_quotes_backslashes_and_non_ascii_text() {
    let dir = bank("red-text");
    import_file(ImportFormat::Red, &fixture("computing.yaml"), &dir, &opts()).unwrap();
    let qs = clean_scan(&dir);
    by_prompt(
        &qs,
        "Which shell command prints \"Hello\" followed by a newline: echo or cat?",
    );
    by_prompt(
        &qs,
        "In a C string, what does the escape sequence \"\\n\" produce?",
    );
    let ruby = by_prompt(
        &qs,
        "Ruby was created by Yukihiro “Matz” ___? (family name)",
    );
    assert!(
        matches!(&ruby.question.kind, QuestionKind::Open { key_points, .. } if key_points[0].phrases == ["Matsumoto", "松本"])
    );
    by_prompt(
        &qs,
        "Which Danish computer scientist created C++ — Bjarne ___?",
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn the_difficulty_flag_overrides_a_red_lists_config() {
    let dir = bank("red-difficulty");
    let opts = ImportOptions {
        difficulty: Some(Difficulty::Hard),
        ..opts()
    };
    import_file(ImportFormat::Red, &fixture("computing.yaml"), &dir, &opts).unwrap();
    assert!(clean_scan(&dir)
        .iter()
        .all(|l| l.question.difficulty == Difficulty::Hard));
    std::fs::remove_dir_all(dir).unwrap();
}
