//! The `prepbot` binary itself: help texts, and the README's console session
//! replayed with `--fresh` (twice, as a newcomer would).

use std::process::{Command, Stdio};

fn prepbot() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_prepbot"));
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd
}

fn stdout_of(cmd: &mut Command) -> String {
    let out = cmd.output().expect("prepbot runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_help_names_slack_exactly_when_the_build_has_it() {
    let help = stdout_of(prepbot().arg("--help"));
    assert_eq!(
        help.to_lowercase().contains("slack"),
        cfg!(feature = "slack"),
        "{help}"
    );
}

#[test]
fn console_help_offers_a_fresh_database() {
    let help = stdout_of(prepbot().args(["console", "--help"]));
    assert!(help.contains("--fresh"), "{help}");
}

/// The transcript block of the README's "Try it in a terminal" section.
fn readme_transcript() -> String {
    let readme = include_str!("../README.md");
    let start = readme.find("```text\n").expect("a transcript block") + "```text\n".len();
    let len = readme[start..].find("```").unwrap();
    readme[start..start + len].to_owned()
}

fn fresh_databases(url: &str) -> i64 {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let pool = sqlx::PgPool::connect(url).await.unwrap();
        sqlx::query_scalar(
            "SELECT count(*) FROM pg_database WHERE datname LIKE 'prepbot_console_%'",
        )
        .fetch_one(&pool)
        .await
        .unwrap()
    })
}

#[test]
fn the_readme_session_replays_twice_with_fresh_and_matches_the_readme() {
    let url = std::env::var("DATABASE_URL").expect("DATABASE_URL names the test server");
    let before = fresh_databases(&url);
    let script = std::fs::File::open(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/console/readme.script"),
    )
    .unwrap();
    let script2 = script.try_clone().unwrap();
    let expected = readme_transcript();
    for input in [script, script2] {
        use std::io::Seek;
        let mut input = input;
        input.rewind().unwrap();
        let out = stdout_of(
            prepbot()
                .args([
                    "console",
                    "--fresh",
                    "--start",
                    "2026-11-23T08:45:00Z",
                    "--seed",
                    "7",
                ])
                .env("DATABASE_URL", &url)
                .stdin(Stdio::from(input)),
        );
        pretty_assertions::assert_eq!(out, expected);
    }
    assert_eq!(
        fresh_databases(&url),
        before,
        "--fresh databases and sandbox roles are dropped on exit"
    );
}
