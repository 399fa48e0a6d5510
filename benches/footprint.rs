//! Footprint (issue 15): the resident memory of a real `prepbot run`
//! process with 1,000 Discord servers configured (each with one channel and
//! daily settings), against the local Discord mock, which sends a
//! GUILD_CREATE for every server as Discord does.
//!
//! `cargo bench --bench footprint` samples VmRSS from /proc/<pid>/status
//! every 100 ms through three phases and prints the median and p99 of each
//! beside the 50 MB target, then the process's peak (VmHWM):
//! - the daily fan-out: 1,000 posts and threads at the production pace;
//! - idle: 10 s after the fan-out, every server loaded;
//! - the `/answer` burst: 1,000 members type `/answer` at once (slash
//!   commands through the gateway), until each got its answer form or
//!   120 s pass;
//! - the answer burst: 1,000 members answer at once (modal submits through
//!   the gateway), until every answer is saved or 120 s pass; it prints
//!   how many were saved.
//!
//! Before each burst the process's peak (VmHWM) is reset (`clear_refs`), so
//! each burst's own peak is printed; the overall peak is the largest.
//!
//! Needs PostgreSQL at `DATABASE_URL`; makes its own
//! `prepbot_bench_footprint` database afresh. Under `cargo test` it runs
//! once with 20 servers.

#[path = "../tests/support/mod.rs"]
#[allow(unused_imports)]
mod support;

#[path = "common/mod.rs"]
mod common;
use common::{database_name, fresh_store, server};
use prepbot::bank::{BankSource, Format, QuestionId, QuestionKind};
use prepbot::engine::Platform;
use prepbot::storage::Store;
use std::process::Stdio;
use std::time::{Duration, Instant};
use support::discord_events::{button, modal, slash, Member};
use support::discord_mock::DiscordMock;
use support::replicas::due_a_minute_ago;

const TARGET_MB: f64 = 50.0;

fn guild(i: usize) -> String {
    (710_000_000_000_000_000 + i as u64).to_string()
}

fn channel(i: usize) -> String {
    (850_000_000_000_000_000 + i as u64).to_string()
}

/// Every server's channel gets a daily question due a minute ago (UTC).
async fn configure(store: Store, servers: usize) {
    let places: Vec<_> = (0..servers).map(|i| (guild(i), channel(i))).collect();
    due_a_minute_ago(store, Platform::Discord, &places).await;
}

fn rss_kb(pid: u32, field: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse().ok())
        })
        .unwrap_or(0)
}

/// Samples VmRSS every 100 ms until `done` or `limit`; the samples in MB.
async fn sample<F: std::future::Future<Output = bool>>(
    pid: u32,
    limit: Duration,
    mut done: impl FnMut() -> F,
) -> Vec<f64> {
    let start = Instant::now();
    let mut mb = Vec::new();
    loop {
        mb.push(rss_kb(pid, "VmRSS:") as f64 / 1024.0);
        if start.elapsed() > limit || done().await {
            return mb;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn report(phase: &str, mut mb: Vec<f64>, took: Duration) {
    mb.sort_by(f64::total_cmp);
    let median = mb[mb.len() / 2];
    let p99 = mb[(mb.len() * 99 / 100).min(mb.len() - 1)];
    println!(
        "| {phase} | {:.1} s, {} samples | {median:.1} MB | {p99:.1} MB | {:.2}x |",
        took.as_secs_f64(),
        mb.len(),
        p99 / TARGET_MB
    );
}

/// Resets the process's peak resident set size (VmHWM) to its current
/// size (Linux 4.0+, `clear_refs` value 5).
fn reset_peak(pid: u32) {
    if let Err(e) = std::fs::write(format!("/proc/{pid}/clear_refs"), "5") {
        eprintln!("could not reset VmHWM: {e}");
    }
}

/// Pushes `frames` through the gateway at once and samples until `done`
/// (or `limit`); prints the phase and returns its peak (VmHWM) in MB.
async fn burst<F: std::future::Future<Output = bool>>(
    (mock, pid): (&DiscordMock, u32),
    phase: &str,
    frames: Vec<serde_json::Value>,
    limit: Duration,
    done: impl FnMut() -> F,
) -> f64 {
    reset_peak(pid);
    let t = Instant::now();
    let pushing = async {
        for f in frames {
            mock.push(f).await;
        }
    };
    let ((), mb) = tokio::join!(pushing, sample(pid, limit, done));
    report(phase, mb, t.elapsed());
    rss_kb(pid, "VmHWM:") as f64 / 1024.0
}

/// `/answer` typed by one member in every server's channel.
fn answer_commands(servers: usize) -> Vec<serde_json::Value> {
    (0..servers)
        .map(|i| {
            let who = Member::new(630_000_000_000_000_000 + i as u64, &format!("s{i}"));
            let mut p = slash("answer", vec![], &who, &channel(i));
            p.frame["d"]["guild_id"] = serde_json::json!(guild(i));
            p.frame
        })
        .collect()
}

/// How many answer forms (modal responses) the mock accepted.
fn forms_opened(mock: &DiscordMock) -> usize {
    mock.requests_to("POST", "/callback")
        .iter()
        .filter(|r| r.status < 300 && r.body["type"] == 9)
        .count()
}

/// The answer text each channel's daily question takes.
async fn answers(store: &Store) -> Vec<(i64, String, String, String)> {
    let bank = BankSource::Builtin.load().unwrap();
    let rows: Vec<(i64, String, String, String)> = sqlx::query_as(
        "SELECT p.id, c.external_id, g.external_id, p.question_id
         FROM posts p JOIN channels c ON c.id = p.channel_id JOIN guilds g ON g.id = c.guild_id
         WHERE p.kind = 'daily' ORDER BY p.id",
    )
    .fetch_all(store.pool())
    .await
    .unwrap();
    rows.into_iter()
        .map(|(post, ch, g, qid)| {
            let q = bank.get(&QuestionId::parse(&qid).unwrap()).unwrap();
            // A SQL question is answered with its reference query: the
            // model answer's prose would be refused as SQL, not stored.
            let text = match (&q.kind, q.format()) {
                (_, Format::Choice | Format::Truefalse) => "a".to_owned(),
                (QuestionKind::Sql(task), _) => task.solution.clone(),
                _ => q.answer.replace('\n', " "),
            };
            (post, ch, g, text)
        })
        .collect()
}

/// Each channel's answer: its first option's button for choice questions,
/// as a person would click, else the answer form submitted.
async fn answer_frames(mock: &DiscordMock, store: &Store) -> Vec<serde_json::Value> {
    let burst = answers(store).await;
    burst
        .iter()
        .enumerate()
        .map(|(i, (post, ch, g, text))| {
            let who = Member::new(620_000_000_000_000_000 + i as u64, &format!("m{i}"));
            let posted = mock.messages_in(ch).into_iter().next().unwrap_or_default();
            let option = posted["components"].to_string();
            let option = option
                .split('"')
                .find(|id| id.starts_with(&format!("prepbot:choose:{post}:")));
            let mut p = match option {
                Some(id) => button(id, posted["id"].as_str().unwrap_or("0"), &who, ch),
                None => modal(&format!("prepbot:modal:{post}"), "answer", text, &who, ch),
            };
            p.frame["d"]["guild_id"] = serde_json::json!(g);
            p.frame
        })
        .collect()
}

async fn count(store: &Store, sql: &str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(store.pool())
        .await
        .unwrap()
}

async fn footprint(servers: usize, idle: Duration, burst_limit: Duration) {
    let store = fresh_store("prepbot_bench_footprint").await;
    configure(store.clone(), servers).await;
    let mock = DiscordMock::start().await;
    mock.gateway(|g| g.guilds = (0..servers).map(guild).collect());
    let dir = std::env::temp_dir().join("prepbot-bench-footprint");
    std::fs::create_dir_all(&dir).unwrap();
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_prepbot"))
        .arg("run")
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env(
            "DATABASE_URL",
            // The database fresh_store made (per process under `cargo test`).
            format!("{}/{}", server(), database_name("prepbot_bench_footprint")),
        )
        .env("RUST_LOG", "warn")
        .env("DISCORD_TOKEN", "mock-token")
        .env("DISCORD_API_BASE", mock.base_url())
        .env("PREPBOT_HTTP_ADDR", "127.0.0.1:0")
        .current_dir(&dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("prepbot run starts");
    let pid = child.id().unwrap();
    println!("| phase | duration | median RSS | p99 RSS | p99 / 50 MB |");
    println!("| --- | --- | --- | --- | --- |");
    let t = Instant::now();
    let mb = sample(pid, Duration::from_secs(300), || async {
        mock.channels_with_messages().len() >= servers
    })
    .await;
    report(
        &format!("daily fan-out to {servers} channels"),
        mb,
        t.elapsed(),
    );
    let t = Instant::now();
    let mb = sample(pid, idle, || async { false }).await;
    report(&format!("idle, {servers} servers loaded"), mb, t.elapsed());
    let settled = rss_kb(pid, "VmHWM:") as f64 / 1024.0;
    let commands = burst(
        (&mock, pid),
        &format!("/answer burst: {servers} at once"),
        answer_commands(servers),
        burst_limit,
        || async { forms_opened(&mock) >= servers },
    )
    .await;
    let forms = forms_opened(&mock);
    let frames = answer_frames(&mock, &store).await;
    let n = frames.len();
    let answers = burst(
        (&mock, pid),
        &format!("answer burst: {n} at once"),
        frames,
        burst_limit,
        || async { count(&store, "SELECT count(*) FROM answers").await >= n as i64 },
    )
    .await;
    let saved = count(&store, "SELECT count(*) FROM answers").await;
    let refused = mock.refused().len();
    println!("peak (VmHWM) of the fan-out and idle: {settled:.1} MB");
    println!("peak (VmHWM) of the /answer burst: {commands:.1} MB, {:.2}x the 50 MB target; forms opened {forms} of {servers}", commands / TARGET_MB);
    println!("peak (VmHWM) of the answer burst: {answers:.1} MB, {:.2}x the 50 MB target; answers saved {saved} of {n}", answers / TARGET_MB);
    println!("requests the mock refused: {refused}");
    mock.expect_refusals();
    child.kill().await.ok();
}

fn main() {
    let bench = std::env::args().any(|a| a == "--bench");
    let rt = tokio::runtime::Runtime::new().unwrap();
    if bench {
        println!("command: cargo bench --bench footprint");
        rt.block_on(footprint(
            1_000,
            Duration::from_secs(10),
            Duration::from_secs(120),
        ));
    } else {
        rt.block_on(footprint(
            20,
            Duration::from_secs(1),
            Duration::from_secs(5),
        ));
        // A smoke run's database is its own (benches/common): drop it, its
        // SQL sandbox and the sandbox's two roles.
        let name = common::database_name("prepbot_bench_footprint");
        rt.block_on(common::drop_bench_database(&name));
    }
}
