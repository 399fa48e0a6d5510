//! `prepbot console --fresh` stopped by a signal at any moment of its
//! start leaves no database behind: a stop during set-up lets an in-flight
//! `CREATE DATABASE` finish before the clean-up looks for it (it used to
//! complete on the server after the clean-up, and the database stayed).
//! Kept apart from `tests/cli.rs`, which counts every `--fresh` database
//! on the server, because cargo runs the tests of one file in parallel.

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::Duration;

/// Whether the server has a database called `name`.
fn exists(url: &str, name: &str) -> bool {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let pool = sqlx::PgPool::connect(url).await.unwrap();
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
            .bind(name)
            .fetch_one(&pool)
            .await
            .unwrap()
    })
}

#[test]
fn a_fresh_console_stopped_by_a_signal_during_its_start_drops_its_database() {
    let url = std::env::var("DATABASE_URL").expect("DATABASE_URL names the test server");
    let mut seen = 0;
    for (signal, code) in [("TERM", 143), ("HUP", 129), ("INT", 130)] {
        for delay_ms in [100, 250, 400, 700] {
            let mut child = Command::new(env!("CARGO_BIN_EXE_prepbot"))
                .args(["console", "--fresh"])
                .env("DATABASE_URL", &url)
                // Kept open: the console waits for input, not for its end.
                .stdin(Stdio::piped())
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            std::thread::sleep(Duration::from_millis(delay_ms));
            let pid = child.id().to_string();
            Command::new("kill")
                .args([&format!("-{signal}"), &pid])
                .status()
                .unwrap();
            let status = child.wait().unwrap();
            let mut err = String::new();
            child
                .stderr
                .take()
                .unwrap()
                .read_to_string(&mut err)
                .unwrap();
            // Before it prints its database's name it has made nothing, and
            // may not listen for signals yet.
            let Some(name) = err
                .split("throwaway database, ")
                .nth(1)
                .and_then(|rest| rest.split(',').next())
            else {
                continue;
            };
            seen += 1;
            assert!(
                !exists(&url, name),
                "SIG{signal} after {delay_ms} ms left {name}: {err}"
            );
            assert!(!exists(&url, &format!("{name}_sandbox")), "{err}");
            assert_eq!(status.code(), Some(code), "SIG{signal}: {err}");
        }
    }
    assert!(
        seen >= 6,
        "the console named its database in only {seen} of 12 starts"
    );
}
