//! The console transcripts of a season and of a live round in
//! docs/competitions.md are real runs.

use std::process::{Command, Stdio};

/// The transcript block under `heading` in docs/competitions.md.
fn documented(heading: &str) -> String {
    let doc = include_str!("../docs/competitions.md");
    let from = doc.find(heading).expect("the section");
    let start =
        from + doc[from..].find("```text\n").expect("a transcript block") + "```text\n".len();
    let len = doc[start..].find("```").unwrap();
    doc[start..start + len].to_owned()
}

#[test]
fn the_season_console_session_matches_the_docs() {
    let out = replay("season.script", "2026-11-23T08:45:00Z");
    pretty_assertions::assert_eq!(out, documented("## A season in the console"));
}

#[test]
fn the_live_round_console_session_matches_the_docs() {
    let out = replay("round.script", "2026-11-23T09:00:00Z");
    pretty_assertions::assert_eq!(out, documented("## A live round in the console"));
}

/// The console's output for a script, with `--fresh` and seed 7.
fn replay(script: &str, start: &str) -> String {
    let url = std::env::var("DATABASE_URL").expect("DATABASE_URL names the test server");
    let script = std::fs::File::open(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/console")
            .join(script),
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_prepbot"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["console", "--fresh", "--start", start, "--seed", "7"])
        .env("DATABASE_URL", &url)
        .stdin(Stdio::from(script))
        .output()
        .expect("prepbot runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}
