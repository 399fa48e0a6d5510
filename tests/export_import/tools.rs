//! Around `prepbot export` and `import`: what the binary says about an
//! unknown server or database, and the README's pg_dump/pg_restore steps.

use super::{build, drop_database, standings, temp_file, url_of};
use crate::common::*;
use prepbot::storage::Store;
use sqlx::PgPool;

#[sqlx::test]
async fn exporting_an_unknown_server_names_the_servers_there_are(pool: PgPool) {
    let w = World::new(pool.clone(), utc(2026, 11, 23, 8, 0));
    w.run(&member("ana"), "/quiz").await;
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_prepbot"))
        .args(["export", "--guild", "discord:42"])
        .env_clear()
        .env("DATABASE_URL", url_of(&pool).await)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no server discord:42") && err.contains("console:g1"),
        "{err}"
    );
}

/// Runs a PostgreSQL client tool; panics unless it succeeds.
fn pg_tool(program: &str, args: &[&str]) {
    let out = std::process::Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program} (PostgreSQL's client tools): {e}"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{program} {args:?}: {stderr}");
}

#[sqlx::test]
async fn the_readme_pg_dump_and_pg_restore_steps_bring_back_the_same_server(pool: PgPool) {
    let w = World::new(pool.clone(), utc(2026, 11, 23, 8, 0));
    build(&w).await;
    let dump = temp_file("prepbot.dump");
    let dump = dump.to_str().unwrap();
    pg_tool("pg_dump", &["-Fc", "-d", &url_of(&pool).await, "-f", dump]);
    let name = format!("prepbot_restore_{:08x}", rand::random::<u32>());
    pg_tool("createdb", &["-h", "127.0.0.1", "-U", "postgres", &name]);
    let url = format!("postgres://postgres@127.0.0.1:5432/{name}");
    pg_tool("pg_restore", &["--no-owner", "-d", &url, dump]);
    // prepbot starts on the restored database as on the old one.
    let restored = Store::connect(&url).await.unwrap();
    let before = w
        .engine
        .store()
        .export_guild("console", "g1")
        .await
        .unwrap();
    let after = restored.export_guild("console", "g1").await.unwrap();
    assert!(before.is_some());
    assert_eq!(before, after);
    let moved = World::with_clock(restored.pool().clone(), w.clock.clone());
    assert_eq!(standings(&w).await, standings(&moved).await);
    drop_database(restored, &url).await;
    std::fs::remove_dir_all(std::path::Path::new(dump).parent().unwrap()).unwrap();
}

#[tokio::test]
async fn exporting_from_a_database_that_does_not_exist_creates_none() {
    let name = format!("prepbot_missing_{:08x}", rand::random::<u32>());
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_prepbot"))
        .args(["export", "--guild", "console:g1"])
        .env_clear()
        .env(
            "DATABASE_URL",
            format!("postgres://postgres@127.0.0.1:5432/{name}"),
        )
        .output()
        .unwrap();
    assert!(!out.status.success());
    let admin = sqlx::PgPool::connect("postgres://postgres@127.0.0.1:5432/postgres")
        .await
        .unwrap();
    let exists: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
            .bind(&name)
            .fetch_one(&admin)
            .await
            .unwrap();
    assert!(!exists, "export created {name}");
}
