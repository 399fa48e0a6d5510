//! `bank import` on realistic Red trivia lists and Open Trivia DB responses
//! (tests/fixtures/import/): entities, quotes, colons, backslashes and
//! non-ASCII text survive, ids are stable, and bad input writes nothing.

mod opentdb;
mod red;
mod red_real;
mod refused;

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

/// Writes an input file of the given text outside any bank folder.
fn input(name: &str, text: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("prepbot-input-{}-{n}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
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
