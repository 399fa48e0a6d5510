//! The daily fan-out (issue 15) through real `prepbot run` processes: N
//! channels whose daily question is due at the same moment, delivered by 1
//! and by 3 replicas on one database, against the strict local Discord and
//! Slack mocks, each case with a database of its own.
//!
//! For each case it prints one row: the requests the platform received, the
//! wall time from starting the replicas (every channel already due) to the
//! last request, the floor that rate limit allows (requests / limit), their
//! ratio, the median and p99 of each channel's lag (start to its post), the
//! peak requests in any one second beside the limit, 429s, duplicate posts
//! and channels left without one. The limit, measured in the same run:
//! - Discord: its global 50 requests/s (the mock answers the 51st in any one
//!   second with a global 429); a daily post is a message and a thread.
//! - Slack: its documented limit is one `chat.postMessage` per second per
//!   channel (the mock enforces it, with a short burst), which one post per
//!   channel never reaches; the workspace-wide limit Slack keeps has no
//!   published number, so the floor is prepbot's own workspace pace,
//!   [`DEFAULT_RATE`] per second.
//!
//! `cargo bench --bench fanout` runs 10,000 channels per case (the Discord
//! cases take about 7 minutes each); `PREPBOT_BENCH_CHANNELS` changes N and
//! `PREPBOT_BENCH_CASES` (e.g. `discord-3,slack-1`) picks cases. Under
//! `cargo test` it runs every case once with 60 channels. Needs PostgreSQL
//! at `DATABASE_URL`; makes its own `prepbot_bench_fanout` database afresh.

#[path = "../tests/support/mod.rs"]
#[allow(unused_imports)]
mod support;

#[path = "common/mod.rs"]
mod common;
use common::{database_name, fresh_store, server};
use prepbot::delivery::DEFAULT_RATE;
use prepbot::engine::Platform;
use std::collections::HashMap;
use std::process::Stdio;
use std::time::{Duration, Instant};
use support::discord_mock::DiscordMock;
use support::replicas::{due_a_minute_ago, prepbot, sigterm, tempdir};
use support::slack_mock::{SlackMock, BOT_TOKEN};

const DB: &str = "prepbot_bench_fanout";

/// One request a mock received, as the fan-out sees it.
struct Seen {
    at: Instant,
    /// The channel of a daily post that went through.
    posted_to: Option<String>,
    limited: bool,
}

/// The platform's mock, started for one case.
enum Mock {
    Discord(DiscordMock),
    Slack(SlackMock),
}

impl Mock {
    async fn start(platform: Platform) -> Self {
        match platform {
            Platform::Discord => Self::Discord(DiscordMock::start().await),
            _ => Self::Slack(SlackMock::start().await),
        }
    }

    /// The settings `prepbot run` needs to reach this mock.
    fn env(&self) -> Vec<(&'static str, String)> {
        match self {
            Self::Discord(m) => vec![
                ("DISCORD_TOKEN", "mock-token".into()),
                ("DISCORD_API_BASE", m.base_url()),
            ],
            Self::Slack(m) => vec![
                ("SLACK_SIGNING_SECRET", "bench-signing-secret".into()),
                ("SLACK_BOT_TOKEN", BOT_TOKEN.into()),
                ("SLACK_API_BASE", m.api_base()),
            ],
        }
    }

    /// The requests the platform's limit counts, oldest first.
    fn seen(&self) -> Vec<Seen> {
        match self {
            Self::Discord(m) => m
                .requests()
                .into_iter()
                // Discord exempts interaction callbacks and webhooks.
                .filter(|r| {
                    !r.path.starts_with("/interactions/") && !r.path.starts_with("/webhooks/")
                })
                .map(|r| {
                    let post =
                        r.method == "POST" && r.status < 300 && r.path.ends_with("/messages");
                    let channel = r.path.split('/').nth(2).map(str::to_owned);
                    Seen {
                        at: r.at,
                        posted_to: channel.filter(|_| post),
                        limited: r.status == 429,
                    }
                })
                .collect(),
            Self::Slack(m) => m
                .calls()
                .into_iter()
                .map(|c| {
                    let post = c.method == "chat.postMessage" && c.error.is_none();
                    Seen {
                        at: c.at,
                        posted_to: c.body["channel"]
                            .as_str()
                            .map(str::to_owned)
                            .filter(|_| post),
                        limited: c.error.as_deref() == Some("ratelimited"),
                    }
                })
                .collect(),
        }
    }

    /// The requests per second the fan-out runs into (see the module doc).
    fn limit(&self) -> f64 {
        match self {
            Self::Discord(_) => support::discord_limits::GLOBAL_PER_SECOND as f64,
            Self::Slack(_) => f64::from(DEFAULT_RATE),
        }
    }

    /// Channels with at least one daily post.
    fn posted(&self) -> usize {
        match self {
            Self::Discord(m) => m.channels_with_messages().len(),
            Self::Slack(m) => {
                let calls = m.calls_to("chat.postMessage");
                let ok = calls.iter().filter(|c| c.error.is_none());
                ok.filter_map(|c| c.body["channel"].as_str())
                    .collect::<std::collections::HashSet<_>>()
                    .len()
            }
        }
    }
}

/// One case: a platform and how many replicas share it.
#[derive(Clone, Copy)]
struct Case {
    platform: Platform,
    replicas: usize,
}

impl Case {
    fn name(&self) -> String {
        format!("{}-{}", self.platform.as_str(), self.replicas)
    }

    fn channel(&self, i: usize) -> String {
        match self.platform {
            Platform::Discord => (860_000_000_000_000_000 + i as u64).to_string(),
            _ => format!("CB{i:08}"),
        }
    }

    fn guild(&self) -> &'static str {
        match self.platform {
            Platform::Discord => "700000000000000077",
            _ => "TBENCH0001",
        }
    }
}

/// What one case measured.
struct Outcome {
    seen: Vec<Seen>,
    start: Instant,
    limit: f64,
    channels: usize,
}

/// Starts the case's replicas with every channel due, waits until each
/// channel has its post (or a generous time has passed), stops them.
async fn run(case: Case, channels: usize) -> Outcome {
    let store = fresh_store(DB).await;
    let places: Vec<_> = (0..channels)
        .map(|i| (case.guild().to_owned(), case.channel(i)))
        .collect();
    due_a_minute_ago(store.clone(), case.platform, &places).await;
    store.pool().close().await;
    let mock = Mock::start(case.platform).await;
    let url = format!("{}/{}", server(), database_name(DB));
    let dir = tempdir();
    let start = Instant::now();
    let mut bots: Vec<_> = (0..case.replicas)
        .map(|_| {
            prepbot(&dir, &url)
                .arg("run")
                .envs(mock.env())
                .env("PREPBOT_HTTP_ADDR", "127.0.0.1:0")
                .stdout(Stdio::null())
                .spawn()
                .expect("prepbot run starts")
        })
        .collect();
    // The mock stands in for Discord's and Slack's servers, whose clocks
    // do not slow down when the bot's processes load this machine's two
    // cores: the replicas run at a lower priority, so the mock's arrival
    // times are not bunched by its own runtime waiting for a core.
    for bot in &bots {
        if let Some(pid) = bot.id() {
            let _ = std::process::Command::new("renice")
                .args(["-n", "10", "-p", &pid.to_string()])
                .stdout(Stdio::null())
                .status();
        }
    }
    let floor = Duration::from_secs_f64(2.0 * channels as f64 / mock.limit());
    let deadline = start + floor * 3 + Duration::from_secs(120);
    while mock.posted() < channels && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // The last post's thread, and anything a replica would wrongly add.
    tokio::time::sleep(Duration::from_secs(2)).await;
    for b in &bots {
        sigterm(b);
    }
    for b in &mut bots {
        let _ = tokio::time::timeout(Duration::from_secs(15), b.wait()).await;
    }
    if let Mock::Discord(m) = &mock {
        m.expect_refusals(); // counted and reported below, not a panic
    }
    if let Mock::Slack(m) = &mock {
        m.expect_refusals();
    }
    Outcome {
        seen: mock.seen(),
        start,
        limit: mock.limit(),
        channels,
    }
}

fn quantile(sorted: &[f64], q: f64) -> f64 {
    sorted[((sorted.len() as f64 * q) as usize).min(sorted.len() - 1)]
}

/// The case's row of the results table; asserts what must hold at any N.
fn report(case: Case, o: &Outcome) {
    let times: Vec<Instant> = o.seen.iter().map(|s| s.at).collect();
    let last = times.iter().max().copied().unwrap_or(o.start);
    let took = (last - o.start).as_secs_f64();
    let floor = o.seen.len() as f64 / o.limit;
    let mut posts: HashMap<&str, Vec<f64>> = HashMap::new();
    for s in &o.seen {
        if let Some(c) = &s.posted_to {
            posts
                .entry(c)
                .or_default()
                .push((s.at - o.start).as_secs_f64());
        }
    }
    let doubled: usize = posts.values().map(|p| p.len() - 1).sum();
    let missing = o.channels - posts.len();
    let mut lags: Vec<f64> = posts.values().filter_map(|p| p.first().copied()).collect();
    lags.sort_by(f64::total_cmp);
    if lags.is_empty() {
        lags.push(f64::NAN); // nothing posted: the assert below says so
    }
    let limited = o.seen.iter().filter(|s| s.limited).count();
    let peak = support::rate::peak(&times, Duration::from_secs(1));
    // The posts alone: start-up calls (a Slack replica's auth.test) and
    // threads beside them are in `peak`.
    let post_times: Vec<Instant> = o
        .seen
        .iter()
        .filter(|s| s.posted_to.is_some())
        .map(|s| s.at)
        .collect();
    let post_peak = support::rate::peak(&post_times, Duration::from_secs(1));
    println!(
        "| {} | {} | {} | {} | {took:.1} s | {floor:.1} s | {:.3} | {:.1} s | {:.1} s | {peak}; posts {post_peak} (limit {}) | {limited} | {doubled} | {missing} |",
        case.platform.as_str(),
        case.replicas,
        o.channels,
        o.seen.len(),
        took / floor,
        quantile(&lags, 0.5),
        quantile(&lags, 0.99),
        o.limit,
    );
    if case.platform == Platform::Discord {
        assert!(
            peak <= support::discord_limits::GLOBAL_PER_SECOND,
            "over Discord's global limit"
        );
    }
    assert_eq!(
        (limited, doubled, missing),
        (0, 0, 0),
        "429s, duplicates, missing posts"
    );
}

fn main() {
    let measuring = std::env::args().any(|a| a == "--bench");
    let default = if measuring { 10_000 } else { 60 };
    let channels = std::env::var("PREPBOT_BENCH_CHANNELS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default);
    let picked = std::env::var("PREPBOT_BENCH_CASES").unwrap_or_default();
    let cases: Vec<Case> = [Platform::Discord, Platform::Slack]
        .into_iter()
        .flat_map(|platform| [1, 3].map(|replicas| Case { platform, replicas }))
        .filter(|c| picked.is_empty() || picked.split(',').any(|p| p.trim() == c.name()))
        .collect();
    let rt = tokio::runtime::Runtime::new().expect("a tokio runtime");
    println!("| platform | replicas | channels | requests | duration | floor (requests / limit) | ratio | lag median | lag p99 | peak in any 1 s | 429s | duplicates | missing |");
    println!("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    let names: Vec<String> = cases.iter().map(Case::name).collect();
    for case in cases {
        let outcome = rt.block_on(run(case, channels));
        report(case, &outcome);
    }
    println!(
        "command: PREPBOT_BENCH_CHANNELS={channels} PREPBOT_BENCH_CASES={} cargo bench --bench fanout",
        names.join(",")
    );
    if !measuring {
        rt.block_on(common::drop_bench_database(&database_name(DB)));
    }
}
