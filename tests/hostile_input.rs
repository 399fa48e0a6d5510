//! Hostile input, generated: the command grammar, the bank loader, both
//! importers and the Slack signature verifier take arbitrary text (control
//! characters, huge lines, broken UTF-8 turned into replacement characters,
//! TOML, YAML and JSON fragments) without panicking, and what they accept
//! stays within their rules. Run in CI with proptest's default 256 cases per
//! property (`PROPTEST_CASES` raises it); see docs/fuzzing.md for the
//! longer cargo-fuzz runs.

use prepbot::bank::import::{import_file, ImportFormat, ImportOptions};
use prepbot::bank::{parse_topics, scan_str, Topic};
use prepbot::domain::command::Command;
use prepbot::domain::command::{parse, MAX_ANSWER_CHARS};
use proptest::prelude::*;
use secrecy::SecretString;

/// Text that looks like what people (or attackers) type: commands with
/// options, quotes, control characters and long runs.
fn commandish() -> impl Strategy<Value = String> {
    let word = prop_oneof![
        Just("/".to_owned()),
        "[a-z]{1,12}",
        "[a-z]{1,8}:[^ ]{0,20}",
        "\"[^\"]{0,30}\"",
        "[\\x00-\\x1f\\x7f]{1,4}",
        "\\PC{1,40}",
        Just("x".repeat(5000)),
    ];
    prop::collection::vec(word, 0..8).prop_map(|w| w.join(" "))
}

const TOPICS: &str = "[[topic]]\nslug = \"sql\"\nname = \"SQL\"\nabout = \"queries\"\n";

proptest! {
    #[test]
    fn the_grammar_never_panics_and_answers_stay_within_their_limit(line in commandish()) {
        if let Ok(Command::Answer { text, .. }) = parse(&line) {
            prop_assert!(text.chars().count() <= MAX_ANSWER_CHARS);
            prop_assert!(!text.trim().is_empty());
        }
    }

    #[test]
    fn the_bank_loader_never_panics_on_arbitrary_files(body in "\\PC{0,400}|\\[\\[question\\]\\][\\s\\S]{0,400}") {
        let topics = parse_topics("topics.toml", TOPICS).expect("the test topics load");
        let (questions, _problems) = scan_str("fuzz.toml", &body, &topics);
        // Whatever loads obeyed every rule (the loader builds a Question
        // only when nothing is wrong), so it is at least non-empty.
        for q in questions {
            prop_assert!(!q.question.prompt.trim().is_empty());
        }
    }

    #[test]
    fn the_signature_verifier_accepts_only_the_exact_signature(
        body in prop::collection::vec(any::<u8>(), 0..2000),
        timestamp in "[0-9]{1,12}|\\PC{0,12}",
        forged in "\\PC{0,80}",
    ) {
        use prepbot::frontends::slack::verify::{sign, verify};
        let secret = SecretString::from("proptest-secret".to_owned());
        let now = timestamp.trim().parse::<i64>().unwrap_or(0);
        let good = sign(&secret, &timestamp, &body);
        let ok = verify(&secret, Some(&timestamp), Some(&good), &body, now);
        prop_assert_eq!(ok.is_ok(), timestamp.trim().parse::<i64>().is_ok());
        if forged.trim() != good {
            prop_assert!(verify(&secret, Some(&timestamp), Some(&forged), &body, now).is_err());
        }
    }
}

proptest! {
    // Each case writes two files; fewer cases keep CI quick.
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn both_importers_refuse_or_convert_arbitrary_files_without_panicking(
        text in "\\PC{0,300}|AUTHOR: [a-z]{0,8}\\n[\\s\\S]{0,300}|\\{\"response_code\": 0, \"results\": \\[[\\s\\S]{0,300}",
        red in any::<bool>(),
    ) {
        let dir = tempfile_dir();
        std::fs::write(dir.join("topics.toml"), TOPICS).unwrap();
        let input = dir.join(if red { "list.yaml" } else { "list.json" });
        std::fs::write(&input, &text).unwrap();
        let opts = ImportOptions {
            topic: Topic::parse("sql").unwrap(),
            difficulty: None,
            force: true,
        };
        let format = if red { ImportFormat::Red } else { ImportFormat::Opentdb };
        let _ = import_file(format, &input, &dir, &opts);
        std::fs::remove_dir_all(&dir).ok();
    }
}

/// A fresh folder under the system temp dir.
fn tempfile_dir() -> std::path::PathBuf {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "prepbot-hostile-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
