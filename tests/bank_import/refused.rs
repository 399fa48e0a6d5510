//! Bad input is refused with an error naming each bad entry, and nothing is
//! written: a malformed file, one with no valid entry, a bad topic or option.

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
fn a_red_list_with_no_valid_entry_is_refused_naming_each_entry() {
    let text =
        "AUTHOR: Someone\n\"Name a primary colour:\": red\n\"\": [nothing]\nWhat year?:\n- \n";
    let dir = bank("no-valid");
    let err = import_file(ImportFormat::Red, &input("bad.yaml", text), &dir, &opts())
        .unwrap_err()
        .to_string();
    assert_eq!(files(&dir), ["topics.toml"], "something was written");
    assert!(
        err.contains("bad.yaml: no valid entry; 3 bad entries:"),
        "{err}"
    );
    assert!(err
        .contains("question 1 \"Name a primary colour:\": the answers must be a list, found text"));
    assert!(err.contains("question 2: the question text is empty"));
    assert!(err.contains("question 3 \"What year?\": an answer must be text, found nothing"));
    std::fs::remove_dir_all(dir).unwrap();
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
    assert!(msg.contains("no valid entry; 8 bad entries"), "{msg}");
    assert!(
        msg.contains("is already used at") && msg.contains("kept.toml:"),
        "{msg}"
    );
    assert!(!dir.join("opentdb-computers.toml").exists());
    std::fs::remove_dir_all(dir).unwrap();
}
