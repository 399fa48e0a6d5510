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

#[sqlx::test]
async fn console_help_lists_the_console_only_commands(pool: PgPool) {
    let w = World::new(pool, utc(2026, 11, 23, 8, 50));
    let mut console = Console::new(w.engine.clone(), Some(w.clock.clone()));
    let out = console.line("/help").await.unwrap();
    for cmd in ["/as NAME", "/wait", "/time", "/quit"] {
        assert!(out.contains(cmd), "{cmd} missing from:\n{out}");
    }
    assert!(out.contains("/leaderboard"), "the core help is still there");
}

#[sqlx::test]
async fn invalid_utf8_on_stdin_spoils_one_line_not_the_session(pool: PgPool) {
    let w = World::new(pool, utc(2026, 11, 23, 8, 50));
    let mut console = Console::new(w.engine.clone(), Some(w.clock.clone()));
    let mut input: Vec<u8> = b"/as al\xffice\n".to_vec();
    input.extend_from_slice(b"# a note\x1b[2J\n/wait 2h\n/streak\n");
    let mut out = Vec::new();
    console
        .run(input.as_slice(), &mut out, true)
        .await
        .expect("invalid UTF-8 does not end the console");
    let out = String::from_utf8(out).unwrap();
    assert!(out.contains("You are now al\u{fffd}ice."), "{out}");
    assert!(out.contains("It is now 2026-11-23 10:50 UTC."), "{out}");
    assert!(out.contains("in a row (best"), "{out}");
    assert!(!out.contains('\u{1b}'), "escapes are not echoed: {out:?}");
}

#[sqlx::test]
async fn nul_bytes_in_answers_and_names_are_dropped_instead_of_failing(pool: PgPool) {
    let w = World::new(pool, utc(2026, 11, 23, 8, 50));
    let mut console = Console::new(w.engine.clone(), Some(w.clock.clone()));
    let out = console.line("/as b\0ob").await.unwrap();
    assert_eq!(out, "You are now bob.");
    console.line("/quiz format:truefalse").await.unwrap();
    let out = console.line("/answer fal\0se").await.unwrap();
    assert!(out.contains("Correct"), "{out}");
    assert!(!out.contains("went wrong"), "{out}");
    let out = console.line("\0\0").await.unwrap();
    assert!(
        out.starts_with("! that line held only control characters"),
        "{out}"
    );
}

#[sqlx::test]
async fn an_enormous_wait_is_refused_with_a_message_not_a_panic(pool: PgPool) {
    let w = World::new(pool, utc(2026, 11, 23, 8, 50));
    let mut console = Console::new(w.engine.clone(), Some(w.clock.clone()));
    let out = console.line("/wait 100000000d").await.unwrap();
    assert_eq!(out, "! /wait moves the clock by at most 366 days at a time");
    // Near the end of time, even an allowed wait cannot be added.
    let near_end = chrono::DateTime::<chrono::Utc>::MAX_UTC - chrono::Duration::days(30);
    w.clock.set(near_end);
    let out = console.line("/wait 366d").await.unwrap();
    assert_eq!(
        out,
        "! that would move the clock past the last representable date"
    );
    use prepbot::domain::clock::Clock;
    assert_eq!(w.clock.now(), near_end, "the clock did not move");
}

#[sqlx::test]
async fn names_are_cleaned_before_they_reach_the_boards(pool: PgPool) {
    let w = World::new(pool.clone(), utc(2026, 11, 23, 8, 50));
    let mut console = Console::new(w.engine.clone(), Some(w.clock.clone()));
    let out = console
        .line("/as \u{1b}[31mEve\u{202e}\u{200b}lyn")
        .await
        .unwrap();
    assert_eq!(out, "You are now [31mEvelyn.");
    console.line("/quiz format:truefalse").await.unwrap();
    console.line("/answer false").await.unwrap();
    let board = console.line("/leaderboard").await.unwrap();
    assert!(board.contains("[31mEvelyn"), "{board}");
    let stored: Vec<String> = sqlx::query_scalar("SELECT display_name FROM members")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert!(stored.contains(&"[31mEvelyn".to_string()), "{stored:?}");
    assert!(stored.iter().all(|n| !n.chars().any(char::is_control)));
}
