//! `prepbot console --fresh` stopped by a signal at any moment of its
//! start leaves no database behind: a stop during set-up lets an in-flight
//! `CREATE DATABASE` finish before the clean-up looks for it (it used to
//! complete on the server after the clean-up, and the database stayed).
//! Kept apart from `tests/cli.rs`, which counts every `--fresh` database
//! on the server, because cargo runs the tests of one file in parallel.
//! `prepbot run` stopped while it starts is here too.

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
            // Held past `wait`, which would close it first: the console
            // would read the end of its input and could leave with 0
            // before it sees the signal.
            let input = child.stdin.take();
            Command::new("kill")
                .args([&format!("-{signal}"), &pid])
                .status()
                .unwrap();
            let status = child.wait().unwrap();
            drop(input);
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

/// `prepbot run` waiting on a database that never answers (it may wait
/// PREPBOT_DB_TIMEOUT_SECS) stops at once on SIGTERM or Ctrl-C, as
/// Docker's and Kubernetes' grace periods need: the signal is heard from
/// the start, and start-up does not hold it back.
#[test]
fn a_bot_stopped_while_it_waits_for_its_database_exits_at_once() {
    // Accepts connections and never says a word, like a hung server.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let held: Vec<_> = silent.incoming().collect();
        drop(held);
    });
    for signal in ["TERM", "INT"] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_prepbot"))
            .arg("run")
            .env_clear()
            .env(
                "DATABASE_URL",
                format!("postgres://postgres@127.0.0.1:{port}/x"),
            )
            .env("PREPBOT_DB_TIMEOUT_SECS", "120")
            .env("PREPBOT_HTTP_ADDR", "127.0.0.1:0")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(1500));
        Command::new("kill")
            .args([&format!("-{signal}"), &child.id().to_string()])
            .status()
            .unwrap();
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            if std::time::Instant::now() > deadline {
                child.kill().unwrap();
                panic!("SIG{signal}: still starting 20 s later");
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        assert!(status.success(), "SIG{signal}: {status:?}");
    }
}
