//! A whole console session, run as a script and checked against the expected
//! transcript in tests/fixtures/console/session.txt. Set
//! `PREPBOT_BLESS=1` to rewrite the expected file after a deliberate change.

mod common;

use common::*;
use prepbot::frontends::console::Console;
use sqlx::PgPool;

const SCRIPT: &str = include_str!("fixtures/console/session.script");
const EXPECTED: &str = "tests/fixtures/console/session.txt";

#[sqlx::test]
async fn a_scripted_console_session_matches_the_expected_transcript(pool: PgPool) {
    // Monday 23 Nov 2026, 08:50 in London (UTC in winter).
    let w = World::new(pool, utc(2026, 11, 23, 8, 50));
    let mut console = Console::new(w.engine.clone(), Some(w.clock.clone()));
    let mut transcript = String::new();
    for line in SCRIPT.lines() {
        transcript.push_str(&console.prompt());
        transcript.push_str(line);
        transcript.push('\n');
        let out = console.line(line).await.expect("the script does not quit");
        if !out.is_empty() {
            transcript.push_str(&out);
            transcript.push('\n');
        }
    }
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(EXPECTED);
    if std::env::var_os("PREPBOT_BLESS").is_some() {
        std::fs::write(&path, &transcript).unwrap();
    }
    let expected = std::fs::read_to_string(&path).unwrap();
    pretty_assertions::assert_eq!(transcript, expected);
}

#[sqlx::test]
async fn unknown_commands_and_bad_options_get_one_line_not_a_panic(pool: PgPool) {
    let w = World::new(pool, utc(2026, 11, 23, 8, 50));
    let mut console = Console::new(w.engine.clone(), Some(w.clock.clone()));
    for (line, want) in [
        ("/dance", "! unknown command `/dance`: try /help"),
        ("/quiz topic:astrology", "! Unknown topic `astrology`."),
        (
            "/leaderboard yearly",
            "! unknown period `yearly`: use week, month or all",
        ),
        ("/wait soon", "! usage: /wait 90m | 2h | 1d | 2h30m"),
        ("/answer", "! write your answer first, like: /answer"),
        ("hello", "! unknown command `/hello`: try /help"),
    ] {
        let out = console.line(line).await.unwrap();
        assert!(out.starts_with(want), "{line} -> {out}");
        assert_eq!(out.lines().count(), 1, "{line} -> {out}");
    }
}
