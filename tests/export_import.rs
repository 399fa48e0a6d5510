//! `prepbot export --guild` and `prepbot import`: one server's data moves to
//! another database and comes out the same, with the same leaderboards.

mod common;

use common::*;
use prepbot::storage::export::{ImportError, Imported, COVERED, NOT_EXPORTED_YET, NOT_SERVER_DATA};
use prepbot::storage::Store;
use serde_json::Value;
use sqlx::PgPool;
use std::collections::BTreeSet;
use std::path::PathBuf;

const CUSTOM: &str = r#"
[[question]]
id = "team-nightly-dag"
topic = "orchestration"
difficulty = "easy"
format = "truefalse"
prompt = "Our nightly DAG reruns safely because every task overwrites its own date partition."
answer = "True: each task writes only its date partition with overwrite semantics."
explanation = "Idempotent tasks make retries and backfills safe."
[[question.options]]
id = "true"
text = "True"
correct = true
[[question.options]]
id = "false"
text = "False"
correct = false
why = "Overwriting a partition is idempotent."
"#;

/// A server with a bit of everything: two channels' schedules (one paused),
/// a custom question, a disabled topic, a revealed daily with right and
/// wrong answers, quiz answers, a flag and its re-grade, points, streaks and
/// an SQL attempt count.
async fn build(w: &World) {
    let lead = admin("lead");
    let r = w
        .run(
            &lead,
            "/daily setup time:09:00 tz:Europe/London reveal:17:00",
        )
        .await;
    assert!(
        text(&r).starts_with("Daily question set up."),
        "{}",
        text(&r)
    );
    let r = w.run(&lead, &format!("/questions add {CUSTOM}")).await;
    assert!(text(&r).contains("Added 1 question(s)"), "{}", text(&r));
    w.run(&lead, "/questions disable-topic python").await;
    let mut second = World::with_clock(w.engine.store().pool().clone(), w.clock.clone());
    second.place.channel = "c2".into();
    second
        .run(
            &lead,
            "/daily setup time:07:30 tz:America/New_York days:weekdays",
        )
        .await;
    second.run(&lead, "/daily pause").await;

    w.advance_hours(1); // 09:00 London
    let effects = w.engine.run_due(CONSOLE).await.unwrap();
    let daily = effects
        .iter()
        .find(|e| matches!(e, prepbot::domain::reply::Effect::PostQuestion { .. }))
        .unwrap();
    w.engine
        .delivered(daily, Some(&"m-1".to_string()))
        .await
        .unwrap();
    let q = posted_question(daily);
    w.run(&member("ana"), &format!("/answer {}", good_answer(&q)))
        .await;
    w.run(&member("bob"), &format!("/answer {}", bad_answer(&q)))
        .await;
    w.run(&member("cat"), &format!("/answer {}", good_answer(&q)))
        .await;
    for who in ["bob", "dan"] {
        let quiz = w.run(&member(who), "/quiz format:choice").await;
        assert!(!text(&quiz).is_empty());
        w.run(&member(who), "/answer b").await;
    }
    w.run(&member("bob"), "/flag 1").await;
    let answer: i64 = sqlx::query_scalar("SELECT a.id FROM answers a JOIN members m ON m.id = a.member_id WHERE m.display_name = 'bob' ORDER BY a.id LIMIT 1")
        .fetch_one(w.engine.store().pool())
        .await
        .unwrap();
    w.run(&lead, &format!("/regrade {answer} partial close enough"))
        .await;
    sqlx::query("INSERT INTO sql_attempts (member_id, question_id, tries, last_at) SELECT id, 't-sql-window', 2, now() FROM members WHERE display_name = 'ana'")
        .execute(w.engine.store().pool())
        .await
        .unwrap();
    w.advance_hours(9); // past the reveal
    let reveal = w.engine.run_due(CONSOLE).await.unwrap();
    assert!(!reveal.is_empty());
}

/// The document `prepbot export --guild g1` gives for the test world's server.
async fn exported(w: &World) -> Value {
    w.engine
        .store()
        .export_guild("console", "g1")
        .await
        .unwrap()
        .expect("the test server exists")
}

/// A second, fresh, migrated database on the same server, and its URL. (A
/// suffix on the test's own name would pass PostgreSQL's 63-byte limit and
/// be cut back to that very name.)
async fn fresh_database(suffix: &str) -> (Store, String) {
    let name = format!("prepbot_{suffix}_{:08x}", rand::random::<u32>());
    let url = format!("postgres://postgres@127.0.0.1:5432/{name}");
    (Store::connect(&url).await.unwrap(), url)
}

async fn drop_database(store: Store, url: &str) {
    store.pool().close().await;
    prepbot::storage::drop_database(url, std::time::Duration::from_secs(30))
        .await
        .unwrap();
}

async fn url_of(pool: &PgPool) -> String {
    let name: String = sqlx::query_scalar("SELECT current_database()")
        .fetch_one(pool)
        .await
        .unwrap();
    format!("postgres://postgres@127.0.0.1:5432/{name}")
}

/// Runs the binary against `url`; panics unless it succeeds.
fn prepbot(url: &str, args: &[&str]) -> String {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_prepbot"))
        .args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DATABASE_URL", url)
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "prepbot {args:?}: {stderr}");
    String::from_utf8(out.stdout).unwrap()
}

fn temp_file(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("prepbot-export-{}", rand::random::<u32>()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

/// What people see of the server: every leaderboard, and a streak.
async fn standings(w: &World) -> Vec<String> {
    let mut out = Vec::new();
    for line in [
        "/leaderboard all",
        "/leaderboard week",
        "/leaderboard month",
        "/streak",
        "/stats",
    ] {
        for who in ["ana", "bob", "cat", "dan"] {
            out.push(text(&w.run(&member(who), line).await));
        }
    }
    out
}

#[sqlx::test]
async fn a_server_exported_and_imported_into_a_fresh_database_exports_the_same_and_ranks_the_same(
    pool: PgPool,
) {
    let w = World::new(pool.clone(), utc(2026, 11, 23, 8, 0));
    build(&w).await;
    let file = temp_file("g1.json");
    let source = url_of(&pool).await;
    prepbot(
        &source,
        &[
            "export",
            "--guild",
            "console:g1",
            "--out",
            file.to_str().unwrap(),
        ],
    );
    let first = std::fs::read_to_string(&file).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(
            mode & 0o777,
            0o600,
            "an export holds answers: its owner's only"
        );
    }

    let (target, target_url) = fresh_database("import").await;
    let said = prepbot(&target_url, &["import", file.to_str().unwrap()]);
    assert!(said.contains("imported console:g1"), "{said}");
    let again = prepbot(&target_url, &["export", "--guild", "console:g1"]);
    assert_eq!(first, again);

    let doc: Value = serde_json::from_str(&first).unwrap();
    for (key, at_least) in [
        ("members", 5),
        ("channels", 2),
        ("posts", 3),
        ("answers", 5),
        ("point_events", 3),
        ("regrades", 1),
        ("streaks", 2),
        ("sql_attempts", 1),
        ("custom_questions", 1),
    ] {
        let n = doc[key].as_array().unwrap().len();
        assert!(n >= at_least, "{key}: {n} rows exported");
    }
    let moved = World::with_clock(target.pool().clone(), w.clock.clone());
    assert_eq!(standings(&w).await, standings(&moved).await);
    drop_database(target, &target_url).await;
    std::fs::remove_dir_all(file.parent().unwrap()).unwrap();
}

#[sqlx::test]
async fn importing_the_same_file_twice_changes_nothing(pool: PgPool) {
    let w = World::new(pool.clone(), utc(2026, 11, 23, 8, 0));
    build(&w).await;
    let doc = exported(&w).await;
    let (target, url) = fresh_database("twice").await;
    assert_eq!(
        target.import_guild(&doc, false).await.unwrap(),
        Imported::Created
    );
    let answers =
        || sqlx::query_scalar::<_, i64>("SELECT count(*) FROM answers").fetch_one(target.pool());
    let before = answers().await.unwrap();
    assert_eq!(
        target.import_guild(&doc, false).await.unwrap(),
        Imported::Unchanged
    );
    assert_eq!(
        target.import_guild(&doc, true).await.unwrap(),
        Imported::Unchanged
    );
    assert_eq!(answers().await.unwrap(), before);
    drop_database(target, &url).await;
}

#[sqlx::test]
async fn a_different_server_with_the_same_id_is_refused_unless_replaced(pool: PgPool) {
    let w = World::new(pool.clone(), utc(2026, 11, 23, 8, 0));
    build(&w).await;
    let doc = exported(&w).await;
    let (target, url) = fresh_database("clash").await;
    // The target already has its own console:g1, with one member.
    let other = World::with_clock(target.pool().clone(), w.clock.clone());
    other.run(&member("zoe"), "/quiz").await;
    let err = target.import_guild(&doc, false).await.unwrap_err();
    assert!(matches!(err, ImportError::Conflict(_)), "{err}");
    assert!(err.to_string().contains("--replace"), "{err}");
    let members: Vec<String> = sqlx::query_scalar("SELECT display_name FROM members ORDER BY id")
        .fetch_all(target.pool())
        .await
        .unwrap();
    assert_eq!(members, ["zoe"], "a refused import writes nothing");
    assert_eq!(
        target.import_guild(&doc, true).await.unwrap(),
        Imported::Replaced
    );
    let after = target.export_guild("console", "g1").await.unwrap().unwrap();
    assert_eq!(after, doc);
    drop_database(target, &url).await;
}

#[sqlx::test]
async fn a_file_of_another_format_or_with_a_dangling_reference_is_refused_and_writes_nothing(
    pool: PgPool,
) {
    let w = World::new(pool.clone(), utc(2026, 11, 23, 8, 0));
    build(&w).await;
    let doc = exported(&w).await;
    let (target, url) = fresh_database("bad").await;
    let mut wrong_format = doc.clone();
    wrong_format["format"] = "something-else".into();
    let mut newer = doc.clone();
    newer["version"] = 99.into();
    let mut dangling = doc.clone();
    dangling["answers"][0]["member"] = "u-nobody".into();
    for (bad, why) in [
        (wrong_format, "format"),
        (newer, "version 99"),
        (dangling, "answers"),
    ] {
        let err = target.import_guild(&bad, false).await.unwrap_err();
        assert!(matches!(err, ImportError::BadFile(_)), "{err}");
        assert!(err.to_string().contains(why), "{err}");
    }
    let guilds: i64 = sqlx::query_scalar("SELECT count(*) FROM guilds")
        .fetch_one(target.pool())
        .await
        .unwrap();
    assert_eq!(guilds, 0);
    drop_database(target, &url).await;
}

#[sqlx::test]
async fn the_export_covers_every_table_and_column_of_the_schema(pool: PgPool) {
    let columns: Vec<(String, String)> = sqlx::query_as(
        "SELECT table_name::text, column_name::text FROM information_schema.columns
         WHERE table_schema = 'public' ORDER BY table_name, ordinal_position",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let in_db: BTreeSet<(String, String)> = columns
        .into_iter()
        .filter(|(t, _)| {
            !NOT_SERVER_DATA.contains(&t.as_str()) && !NOT_EXPORTED_YET.contains(&t.as_str())
        })
        .collect();
    let covered: BTreeSet<(String, String)> = COVERED
        .iter()
        .flat_map(|(t, cols)| cols.iter().map(|c| (t.to_string(), c.to_string())))
        .collect();
    let missing: Vec<_> = in_db.difference(&covered).collect();
    assert!(missing.is_empty(), "a migration added server data the export does not move: {missing:?} (see storage/export.rs COVERED)");
    let stale: Vec<_> = covered.difference(&in_db).collect();
    assert!(
        stale.is_empty(),
        "COVERED names columns the schema no longer has: {stale:?}"
    );
}

/// The tools around it: unknown servers and databases, pg_dump and pg_restore.
#[path = "export_import/tools.rs"]
mod tools;

/// Seasons, wins, teams, settings and rounds move too.
#[path = "export_import/competitions.rs"]
mod competitions;

/// Files that lie: references outside the file, duplicates, wrong types, huge lists.
#[path = "export_import/hostile.rs"]
mod hostile;

/// Reward roles: what the old server sent is not sent again.
#[path = "export_import/rewards.rs"]
mod rewards;

/// One value changed anywhere: loaded, or refused as a bad file.
#[path = "export_import/fuzz.rs"]
mod fuzz;
