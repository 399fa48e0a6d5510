//! Bad input is refused with an error naming the bad entry, and nothing is written.

use super::*;

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
