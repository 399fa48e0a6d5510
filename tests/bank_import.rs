//! `bank import` on realistic Red trivia lists and Open Trivia DB responses
//! (tests/fixtures/import/): entities, quotes, colons, backslashes and
//! non-ASCII text survive, ids are stable, and bad input writes nothing.

use prepbot::bank::import::{import_file, ImportError, ImportFormat, ImportOptions};
use prepbot::bank::{scan_dir, Difficulty, Located, QuestionKind, Topic};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import")
        .join(name)
}

/// A fresh bank folder holding only the real topics.toml.
fn bank(name: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    let pid = std::process::id();
    let dir = std::env::temp_dir().join(format!("prepbot-import-{name}-{pid}-{n}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let topics = Path::new(env!("CARGO_MANIFEST_DIR")).join("questions/topics.toml");
    std::fs::copy(topics, dir.join("topics.toml")).unwrap();
    dir
}

fn opts() -> ImportOptions {
    ImportOptions {
        topic: Topic::parse("cs-fundamentals").unwrap(),
        difficulty: None,
        force: false,
    }
}

fn files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Scans the bank, asserting `bank check` would find no problem.
fn clean_scan(dir: &Path) -> Vec<Located> {
    let scan = scan_dir(dir).unwrap();
    assert!(scan.issues.is_empty(), "{:#?}", scan.issues);
    scan.questions
}

fn by_prompt<'a>(qs: &'a [Located], start: &str) -> &'a Located {
    qs.iter()
        .find(|l| l.question.prompt.starts_with(start))
        .unwrap_or_else(|| panic!("no question starting with {start:?}"))
}

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
    let QuestionKind::Open { key_points } = &python.question.kind else {
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
        matches!(&port.question.kind, QuestionKind::Open { key_points } if key_points[0].phrases == ["443"])
    );
    let html = by_prompt(&qs, "True or false: HTML");
    assert!(
        matches!(&html.question.kind, QuestionKind::Open { key_points } if key_points[0].phrases == ["false", "no"])
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
        matches!(&ruby.question.kind, QuestionKind::Open { key_points } if key_points[0].phrases == ["Matsumoto", "松本"])
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

#[test]
fn an_opentdb_response_imports_with_entities_decoded_and_attribution_kept() {
    let dir = bank("otdb");
    let report = import_file(
        ImportFormat::Opentdb,
        &fixture("computers.json"),
        &dir,
        &opts(),
    )
    .unwrap();
    assert_eq!(report.path, dir.join("opentdb-computers.toml"));
    let qs = clean_scan(&dir);
    assert_eq!(qs.len(), 8);
    by_prompt(
        &qs,
        "In \"Hexadecimal\", what is the decimal value of 'FF'?",
    );
    by_prompt(
        &qs,
        "Which of these was the name of Centrum Wiskunde & Informatica's language",
    );
    by_prompt(&qs, "On Windows, the path \"C:\\Windows\\System32\" holds");
    by_prompt(
        &qs,
        "\"HTML\" stands for Hypertext Markup Language: <html> is its root element.",
    );
    let pokemon = by_prompt(
        &qs,
        "In Pokémon Red & Blue, what type is the move “Psychic”?",
    );
    assert_eq!(
        pokemon.question.tags,
        ["trivia", "entertainment-video-games"]
    );
    let java = by_prompt(
        &qs,
        "Which company developed the “Café” code name for Java’s first",
    );
    assert!(java
        .question
        .options()
        .iter()
        .any(|o| o.text == "Sun Microsystems" && o.correct));
    for l in &qs {
        assert!(l
            .question
            .source
            .as_deref()
            .unwrap()
            .contains("CC BY-SA 4.0"));
        assert!(l.question.id.as_str().starts_with("opentdb-"));
    }
    let text = std::fs::read_to_string(&report.path).unwrap();
    assert!(text.contains(
        "# Questions from the Open Trivia Database (https://opentdb.com/), licensed CC BY-SA 4.0"
    ));
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
fn reimporting_gives_the_same_ids_and_the_same_file() {
    let dir = bank("again");
    let force = ImportOptions {
        force: true,
        ..opts()
    };
    for (format, input) in [
        (ImportFormat::Red, "computing.yaml"),
        (ImportFormat::Opentdb, "computers.json"),
    ] {
        let first = import_file(format, &fixture(input), &dir, &opts()).unwrap();
        let before = std::fs::read_to_string(&first.path).unwrap();
        let again = import_file(format, &fixture(input), &dir, &force).unwrap();
        assert!(again.replaced);
        assert_eq!(before, std::fs::read_to_string(&again.path).unwrap());
    }
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn an_imported_questions_id_stays_stable_when_its_source_file_is_edited() {
    let dir = bank("edited");
    let original = std::fs::read_to_string(fixture("computing.yaml")).unwrap();
    let renamed = dir.join("computing.yaml");
    std::fs::write(&renamed, &original).unwrap();
    import_file(ImportFormat::Red, &renamed, &dir, &opts()).unwrap();
    let ids_before: Vec<(String, String)> = clean_scan(&dir)
        .into_iter()
        .map(|l| (l.question.prompt.clone(), l.question.id.to_string()))
        .collect();
    // Add a question at the top and change the case and spacing of another.
    let edited = original
        .replacen(
            "What does the acronym SQL",
            "\"What is a B-tree?\":\n- balanced tree\nWhat does the acronym SQL",
            1,
        )
        .replace(
            "\"Who designed the Python programming language?\"",
            "\"who designed the  Python programming language?\"",
        );
    std::fs::write(&renamed, edited).unwrap();
    let force = ImportOptions {
        force: true,
        ..opts()
    };
    import_file(ImportFormat::Red, &renamed, &dir, &force).unwrap();
    let after = clean_scan(&dir);
    assert_eq!(after.len(), 11);
    for (prompt, id) in ids_before {
        let same = after
            .iter()
            .find(|l| l.question.prompt.to_lowercase().replace("  ", " ") == prompt.to_lowercase());
        assert_eq!(
            same.map(|l| l.question.id.to_string()),
            Some(id),
            "{prompt}"
        );
    }
    std::fs::remove_dir_all(dir).unwrap();
}

/// Imports `input`, expecting an error, and checks nothing was written.
fn fails(format: ImportFormat, input: &str, opts: &ImportOptions) -> ImportError {
    let dir = bank(&format!("bad-{}", input.replace('.', "-")));
    let err = import_file(format, &fixture(input), &dir, opts).unwrap_err();
    assert_eq!(files(&dir), ["topics.toml"], "something was written");
    std::fs::remove_dir_all(dir).unwrap();
    err
}

#[test]
fn a_red_list_with_bad_entries_names_each_one_and_writes_nothing() {
    let err = fails(ImportFormat::Red, "bad-entries.yaml", &opts()).to_string();
    assert!(
        err.starts_with(&format!(
            "{}: 3 bad entries:",
            fixture("bad-entries.yaml").display()
        )),
        "{err}"
    );
    assert!(err
        .contains("question 2 \"Name a primary colour:\": the answers must be a list, found text"));
    assert!(err.contains("question 3: the question text is empty"));
    assert!(err.contains("question 4 \"Which year did the Berlin Wall fall?\": an answer must be text, found nothing"));
}

#[test]
fn a_red_list_without_an_author_is_refused() {
    let err = fails(ImportFormat::Red, "no-author.yaml", &opts()).to_string();
    assert!(
        err.ends_with("`AUTHOR` is missing or not text; the attribution is required"),
        "{err}"
    );
}

#[test]
fn invalid_yaml_is_reported_with_its_line() {
    let err = fails(ImportFormat::Red, "bad-syntax.yaml", &opts()).to_string();
    assert!(
        err.contains("invalid YAML: ") && err.contains("at line 2 column"),
        "{err}"
    );
}

#[test]
fn an_opentdb_response_with_bad_entries_names_each_one_and_writes_nothing() {
    let err = fails(ImportFormat::Opentdb, "bad-entries.json", &opts()).to_string();
    assert!(
        err.contains("results[1] \"Which animal says \"moo\"?\": missing field `correct_answer`"),
        "{err}"
    );
    assert!(err.contains("results[2] \"Water boils at 100 °C at sea level.\": a boolean entry's correct_answer must be True or False"));
    assert!(err.contains("results[3] \"Match the pairs.\": unknown difficulty `insane`"));
}

#[test]
fn an_opentdb_error_response_is_refused() {
    let err = fails(ImportFormat::Opentdb, "rate-limited.json", &opts()).to_string();
    assert!(
        err.ends_with("the response has response_code 5 (rate limited)"),
        "{err}"
    );
    let err = fails(ImportFormat::Opentdb, "computing.yaml", &opts()).to_string();
    assert!(err.contains("invalid Open Trivia DB JSON"), "{err}");
}

#[test]
fn an_unknown_topic_is_refused() {
    let opts = ImportOptions {
        topic: Topic::parse("trivia").unwrap(),
        ..opts()
    };
    let err = fails(ImportFormat::Red, "computing.yaml", &opts).to_string();
    assert!(
        err.contains("no topic `trivia`; use one of: streaming,"),
        "{err}"
    );
}

#[test]
fn the_difficulty_flag_is_refused_for_opentdb() {
    let opts = ImportOptions {
        difficulty: Some(Difficulty::Easy),
        ..opts()
    };
    let err = fails(ImportFormat::Opentdb, "computers.json", &opts);
    assert!(matches!(err, ImportError::DifficultyNotApplicable));
}

#[test]
fn an_existing_file_is_kept_unless_forced() {
    let dir = bank("exists");
    let target = dir.join("red-computing.toml");
    std::fs::write(&target, "# hand edited\n").unwrap();
    let err =
        import_file(ImportFormat::Red, &fixture("computing.yaml"), &dir, &opts()).unwrap_err();
    assert!(matches!(err, ImportError::Exists(_)));
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "# hand edited\n");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn an_id_already_used_by_another_bank_file_is_refused() {
    let dir = bank("clash");
    import_file(
        ImportFormat::Opentdb,
        &fixture("computers.json"),
        &dir,
        &opts(),
    )
    .unwrap();
    std::fs::rename(dir.join("opentdb-computers.toml"), dir.join("kept.toml")).unwrap();
    let err = import_file(
        ImportFormat::Opentdb,
        &fixture("computers.json"),
        &dir,
        &opts(),
    )
    .unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("is already used at") && msg.contains("kept.toml:"),
        "{msg}"
    );
    assert!(!dir.join("opentdb-computers.toml").exists());
    std::fs::remove_dir_all(dir).unwrap();
}
