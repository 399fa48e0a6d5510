//! The real binary, as an operator runs it: started from an empty folder it
//! has the whole bank; SIGTERM in the middle of a fan-out makes it exit
//! promptly, and the next start delivers the rest with nothing posted twice.
#![cfg(feature = "discord")]

mod support;

use prepbot::engine::Platform;
use prepbot::storage::Store;
use sqlx::PgPool;
use std::process::Stdio;
use std::time::{Duration, Instant};
use support::discord_mock::DiscordMock;
use support::replicas::{due_a_minute_ago, due_with_reveal, prepbot, sigterm, tempdir};
use tokio::process::Child;
const CHANNELS: u64 = 12;

/// The URL of the test's own database.
async fn url_of(pool: &PgPool) -> String {
    let name: String = sqlx::query_scalar("SELECT current_database()")
        .fetch_one(pool)
        .await
        .unwrap();
    format!("postgres://postgres@127.0.0.1:5432/{name}")
}

fn bot(dir: &std::path::Path, url: &str, mock: &DiscordMock) -> Child {
    // Slow enough that a stop lands in the middle of the fan-out.
    bot_at(dir, url, mock, 4)
}

/// `prepbot run` against the mock, delivering at most `rate` requests/s.
fn bot_at(dir: &std::path::Path, url: &str, mock: &DiscordMock, rate: u32) -> Child {
    prepbot(dir, url)
        .arg("run")
        .env("DISCORD_TOKEN", "mock-token")
        .env("DISCORD_API_BASE", mock.base_url())
        .env("PREPBOT_FANOUT_RATE", rate.to_string())
        // Any free port: tests of other binaries may hold the default one.
        .env("PREPBOT_HTTP_ADDR", "127.0.0.1:0")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("prepbot run starts")
}

fn channel(i: u64) -> String {
    (840_000_000_000_000_000 + i).to_string()
}

/// Sets every channel's daily question to a minute ago, UTC, so it is due.
async fn schedule_due(pool: &PgPool) {
    schedule_due_in(pool, CHANNELS).await
}

/// [`schedule_due`] for the first `channels` channels.
async fn schedule_due_in(pool: &PgPool, channels: u64) {
    let guild = "700000000000000001";
    let all: Vec<_> = (0..channels).map(|i| (guild.into(), channel(i))).collect();
    due_a_minute_ago(Store::from_pool(pool.clone()), Platform::Discord, &all).await;
}

/// Posts (not thread creations) each channel received.
fn posts(mock: &DiscordMock) -> Vec<usize> {
    posts_in(mock, CHANNELS)
}

/// [`posts`] for the first `channels` channels.
fn posts_in(mock: &DiscordMock, channels: u64) -> Vec<usize> {
    let mut seen = std::collections::HashMap::<String, usize>::new();
    for r in mock.requests() {
        if r.method == "POST" && r.status < 300 {
            *seen.entry(r.path).or_default() += 1;
        }
    }
    (0..channels)
        .map(|i| {
            let path = format!("/channels/{}/messages", channel(i));
            seen.get(&path).copied().unwrap_or(0)
        })
        .collect()
}

async fn exits_within(child: &mut Child, limit: Duration) -> std::process::ExitStatus {
    tokio::time::timeout(limit, child.wait())
        .await
        .unwrap_or_else(|_| panic!("prepbot did not exit within {limit:?}"))
        .unwrap()
}

#[sqlx::test]
async fn sigterm_mid_fan_out_exits_promptly_and_the_next_start_posts_the_rest_once(pool: PgPool) {
    let url = url_of(&pool).await;
    let dir = tempdir();
    schedule_due(&pool).await;
    let mock = DiscordMock::start().await;

    let mut first = bot(&dir, &url, &mock);
    mock.wait_until("a few posts", || {
        (posts(&mock).iter().sum::<usize>() >= 3).then_some(())
    })
    .await;
    sigterm(&first);
    let stopped = Instant::now();
    let status = exits_within(&mut first, Duration::from_secs(5)).await;
    assert!(status.success(), "{status:?}");
    let after_first: usize = posts(&mock).iter().sum();
    assert!(
        after_first < CHANNELS as usize,
        "the stop came too late to test anything"
    );
    eprintln!(
        "stopped in {:?} after {after_first} posts",
        stopped.elapsed()
    );

    let mut second = bot(&dir, &url, &mock);
    mock.wait_until("every channel's post", || {
        posts(&mock).iter().all(|&n| n >= 1).then_some(())
    })
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    sigterm(&second);
    assert!(exits_within(&mut second, Duration::from_secs(5))
        .await
        .success());
    assert_eq!(
        posts(&mock),
        vec![1; CHANNELS as usize],
        "exactly one post per channel"
    );
    drop_sandbox(&pool, &url).await;
}

#[sqlx::test]
async fn the_binary_started_from_an_empty_folder_has_the_whole_built_in_bank(pool: PgPool) {
    let url = url_of(&pool).await;
    let dir = tempdir();
    let out = prepbot(&dir, &url)
        .args(["bank", "list"])
        .output()
        .await
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let listed = String::from_utf8_lossy(&out.stdout).lines().count();
    assert!(listed > 300, "only {listed} questions from an empty folder");

    let mut console = prepbot(&dir, &url)
        .args(["console", "--seed", "1"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    use tokio::io::AsyncWriteExt;
    let mut stdin = console.stdin.take().unwrap();
    stdin.write_all(b"/quiz topic:spark\n").await.unwrap();
    drop(stdin);
    let out = console.wait_with_output().await.unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && text.contains("Practice question #1"),
        "{text}"
    );
    assert!(text.contains("Topic: Spark"), "{text}");
    drop_sandbox(&pool, &url).await;
}

/// The binary made `<db>_sandbox` for SQL grading; sqlx::test drops only `<db>`.
async fn drop_sandbox(pool: &PgPool, url: &str) {
    let db = url.rsplit('/').next().unwrap();
    sqlx::query(&format!(
        "DROP DATABASE IF EXISTS \"{db}_sandbox\" WITH (FORCE)"
    ))
    .execute(pool)
    .await
    .ok();
}

#[sqlx::test]
async fn three_replicas_on_one_database_post_and_reveal_once_per_channel_within_discords_global_limit(
    pool: PgPool,
) {
    // The fault test: 500 channels, each with its daily schedule,
    // question and reveal both due: 1,500 requests (post, thread, reveal).
    const MANY: u64 = 500;
    let url = url_of(&pool).await;
    let dir = tempdir();
    let all: Vec<_> = (0..MANY)
        .map(|i| ("700000000000000001".to_owned(), channel(i)))
        .collect();
    due_with_reveal(Store::from_pool(pool.clone()), Platform::Discord, &all).await;
    let mock = DiscordMock::start().await;
    // 40 requests/s for the whole bot, taken from one clock by all three:
    // without sharing, the three would send 120/s. (Not the default 47, so
    // a loaded CI machine's jitter stays inside Discord's 50.)
    let mut bots: Vec<Child> = (0..3).map(|_| bot_at(&dir, &url, &mock, 40)).collect();
    let deadline = Instant::now() + Duration::from_secs(180);
    while reveals_in(&mock, MANY).contains(&0) {
        assert!(
            Instant::now() < deadline,
            "not every channel was revealed: {} of {MANY} posted, {} revealed; last requests {:#?}",
            posts_in(&mock, MANY).iter().filter(|&&n| n > 0).count(),
            reveals_in(&mock, MANY).iter().filter(|&&n| n > 0).count(),
            mock.paths().iter().rev().take(5).collect::<Vec<_>>()
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    for b in &bots {
        sigterm(b);
    }
    for b in &mut bots {
        assert!(exits_within(b, Duration::from_secs(10)).await.success());
    }
    let once = vec![1; MANY as usize];
    assert_eq!(posts_in(&mock, MANY), once, "exactly one post per channel");
    assert_eq!(
        reveals_in(&mock, MANY),
        once,
        "exactly one reveal per channel"
    );
    let limited: Vec<_> = mock
        .requests()
        .into_iter()
        .filter(|r| r.status == 429)
        .collect();
    assert!(limited.is_empty(), "429s: {limited:?}");
    let peak = mock.peak_rate(Duration::from_secs(1), |r| r.path.starts_with("/channels/"));
    assert!(peak <= 50, "{peak} requests in one second");
    eprintln!("three replicas: peak {peak} requests/s");
    drop_sandbox(&pool, &url).await;
}

/// Reveals (edits of the daily post) each of the first `channels`
/// channels received.
fn reveals_in(mock: &DiscordMock, channels: u64) -> Vec<usize> {
    let requests = mock.requests();
    (0..channels)
        .map(|i| {
            let prefix = format!("/channels/{}/messages/", channel(i));
            requests
                .iter()
                .filter(|r| r.method == "PATCH" && r.status < 300 && r.path.starts_with(&prefix))
                .count()
        })
        .collect()
}

#[sqlx::test]
async fn a_kill_9_in_the_middle_of_a_1000_channel_fan_out_loses_no_post_and_doubles_none(
    pool: PgPool,
) {
    const MANY: u64 = 1000;
    let url = url_of(&pool).await;
    let dir = tempdir();
    schedule_due_in(&pool, MANY).await;
    let mock = DiscordMock::start().await;
    // 400 requests/s, so the kill lands mid-fan-out quickly: this test is
    // about crash safety, not Discord's global limit.
    mock.lift_global_limit();
    let crashing = |rate: u32| {
        let mut c = prepbot(&dir, &url);
        c.arg("run")
            .env("DISCORD_TOKEN", "mock-token")
            .env("DISCORD_API_BASE", mock.base_url())
            .env("PREPBOT_FANOUT_RATE", rate.to_string())
            // A short lease, so the test need not wait the default 2 minutes
            // for the restart to take over the dead process's claims.
            .env("PREPBOT_CLAIM_LEASE_SECS", "3")
            .env("PREPBOT_HTTP_ADDR", "127.0.0.1:0")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit());
        c.spawn().expect("prepbot run starts")
    };
    let mut first = crashing(400);
    let deadline = Instant::now() + Duration::from_secs(90);
    while posts_in(&mock, MANY).iter().sum::<usize>() < 200 {
        assert!(Instant::now() < deadline, "the fan-out did not start");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    first.start_kill().unwrap(); // SIGKILL: no drain, no release
    first.wait().await.unwrap();
    let at_kill: usize = posts_in(&mock, MANY).iter().sum();
    assert!(
        at_kill < MANY as usize,
        "the kill came too late to test anything"
    );

    let mut second = crashing(400);
    let deadline = Instant::now() + Duration::from_secs(120);
    while !posts_in(&mock, MANY).iter().all(|&n| n >= 1) {
        assert!(Instant::now() < deadline, "not every channel was posted to");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    sigterm(&second);
    assert!(exits_within(&mut second, Duration::from_secs(10))
        .await
        .success());
    let doubled: Vec<usize> = posts_in(&mock, MANY)
        .iter()
        .enumerate()
        .filter(|(_, &n)| n != 1)
        .map(|(i, _)| i)
        .collect();
    assert!(
        doubled.is_empty(),
        "channels without exactly one post: {doubled:?}"
    );
    eprintln!("killed after {at_kill} of {MANY} posts; the restart posted the rest once");
    drop_sandbox(&pool, &url).await;
}
