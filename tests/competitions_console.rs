//! The console transcript of a season in docs/competitions.md is a real run.

use std::process::{Command, Stdio};

/// The transcript block of docs/competitions.md.
fn documented() -> String {
    let doc = include_str!("../docs/competitions.md");
    let start = doc.find("```text\n").expect("a transcript block") + "```text\n".len();
    let len = doc[start..].find("```").unwrap();
    doc[start..start + len].to_owned()
}

#[test]
fn the_season_console_session_matches_the_docs() {
    let url = std::env::var("DATABASE_URL").expect("DATABASE_URL names the test server");
    let script = std::fs::File::open(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/console/season.script"),
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_prepbot"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "console",
            "--fresh",
            "--start",
            "2026-11-23T08:45:00Z",
            "--seed",
            "7",
        ])
        .env("DATABASE_URL", &url)
        .stdin(Stdio::from(script))
        .output()
        .expect("prepbot runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    pretty_assertions::assert_eq!(String::from_utf8(out.stdout).unwrap(), documented());
}
