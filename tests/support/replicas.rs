//! Real `prepbot run` processes, as an operator starts them, for the process
//! tests and the benchmarks: the release or test binary with a clean
//! environment, run from an empty folder, and daily questions made due for
//! many channels at once.

use chrono::{Timelike, Utc};
use futures::StreamExt;
use prepbot::bank::BankSource;
use prepbot::domain::clock::SystemClock;
use prepbot::domain::command::parse;
use prepbot::engine::{Actor, Engine, Place, Platform};
use prepbot::grading::Grading;
use prepbot::storage::Store;
use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;
use tokio::process::Command;

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_prepbot");

/// `prepbot` with a clean environment (only `PATH`, the database and
/// `RUST_LOG=warn`), run from `dir`, killed if the test drops it.
pub fn prepbot(dir: &std::path::Path, url: &str) -> Command {
    let mut c = Command::new(BIN);
    c.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DATABASE_URL", url)
        .env("RUST_LOG", "warn")
        .current_dir(dir)
        .stdin(Stdio::null())
        .kill_on_drop(true);
    c
}

/// An empty folder of its own, removed with the test process's temp files.
pub fn tempdir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("prepbot-test-{:016x}", rand::random::<u64>()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Sends SIGTERM to a running child (a clean stop).
pub fn sigterm(child: &tokio::process::Child) {
    let pid = child.id().expect("running").to_string();
    let ok = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    assert!(ok.success());
}

/// Sets a daily question a minute ago (UTC) in each `(guild, channel)` of
/// `places`, so every one is due at once; 16 set-ups at a time.
pub async fn due_a_minute_ago(store: Store, platform: Platform, places: &[(String, String)]) {
    set_up_due(store, platform, places, false).await
}

/// [`due_a_minute_ago`], with the question two minutes ago and its reveal
/// a minute ago: each post is revealed as soon as it is delivered.
pub async fn due_with_reveal(store: Store, platform: Platform, places: &[(String, String)]) {
    set_up_due(store, platform, places, true).await
}

async fn set_up_due(store: Store, platform: Platform, places: &[(String, String)], reveal: bool) {
    let mut now = Utc::now();
    if now.hour() == 0 && now.minute() < 3 {
        // Not across midnight: "a minute ago" would be tomorrow's time.
        tokio::time::sleep(Duration::from_secs(150)).await;
        now = Utc::now();
    }
    let minute = |ago| (now - chrono::Duration::minutes(ago)).format("%H:%M");
    let line = match reveal {
        false => format!("/daily setup time:{} tz:UTC", minute(1)),
        true => format!(
            "/daily setup time:{} tz:UTC reveal:{}",
            minute(2),
            minute(1)
        ),
    };
    let engine = Arc::new(Engine::new(
        store,
        Arc::new(BankSource::Builtin.load().unwrap()),
        Arc::new(SystemClock),
        7,
        Arc::new(Grading::default()),
    ));
    let lead = Actor::new("600000000000000009", "Lead", true);
    let setups = places.iter().map(|(guild, channel)| {
        let place = Place {
            platform,
            guild: guild.clone(),
            channel: channel.clone(),
        };
        let (engine, lead, line) = (engine.clone(), lead.clone(), line.clone());
        async move {
            let r = engine.handle(&lead, &place, parse(&line).unwrap()).await;
            assert!(
                matches!(r.reply.body, prepbot::domain::reply::Body::DailyStatus(_)),
                "{r:?}"
            );
        }
    });
    futures::stream::iter(setups)
        .buffer_unordered(16)
        .collect::<Vec<()>>()
        .await;
}
