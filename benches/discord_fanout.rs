//! Discord fan-out: the daily question posted to many channels through the
//! real scheduler, `DiscordNotifier` and serenity routes, against the local
//! Discord mock (a post and a discussion thread per channel), with
//! PostgreSQL recording each delivery.
//!
//! `cargo bench --bench discord_fanout` measures 10,000 channels with the
//! pacing lifted, i.e. prepbot's own cost per delivery, and prints the median
//! of the runs. `PREPBOT_BENCH_PACED=1` adds one run at the production pace
//! (40 requests/s) and reports its duration and its peak requests in any one
//! second, which must stay under Discord's global 50/s.
//! Needs PostgreSQL at `DATABASE_URL`; the bench makes its own database
//! there, `prepbot_bench_discord`, afresh each run. Under `cargo test` it runs once, with 100 channels.

#[path = "../tests/support/mod.rs"]
#[allow(unused_imports)]
mod support;

#[path = "common/mod.rs"]
#[allow(dead_code)]
mod common;
use common::fresh_store;
use criterion::Criterion;
use prepbot::bank::QuestionId;
use prepbot::delivery::{Delivery, Router, SchedulerConfig};
use prepbot::domain::clock::SystemClock;
use prepbot::domain::reply::{Effect, QuestionCard};
use prepbot::engine::Engine;
use prepbot::engine::Platform;
use prepbot::frontends::discord::notifier::DiscordNotifier;
use prepbot::frontends::discord::{http, DiscordConfig};
use prepbot::grading::Grading;
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::discord_mock::DiscordMock;

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn effects(channels: u64) -> Vec<Effect> {
    let bank = support::discord_bot::test_bank();
    let q = &bank.questions()[0];
    (0..channels)
        .map(|i| Effect::PostQuestion {
            platform: Platform::Discord,
            channel: (830_000_000_000_000_000 + i).to_string(),
            card: QuestionCard {
                post_id: 1_000_000 + i as i64,
                question_id: QuestionId::parse(q.id.as_str()).unwrap(),
                topic: q.topic.clone(),
                topic_name: "Streaming".into(),
                difficulty: q.difficulty,
                format: q.format(),
                prompt: q.prompt.clone(),
                options: vec![],
                schema: None,
                multi: false,
                daily: true,
                reveals_at: Some(1_800_000_000),
                reveal_label: Some("17:00 UTC".into()),
            },
            redelivery: false,
        })
        .collect()
}

struct Bench {
    mock: DiscordMock,
    engine: Arc<Engine>,
}

impl Bench {
    async fn new() -> Self {
        // A database of its own, made afresh each run.
        let store = fresh_store("prepbot_bench_discord").await;
        let bank = support::discord_bot::test_bank();
        let engine = Arc::new(Engine::new(
            store,
            bank,
            Arc::new(SystemClock),
            1,
            Arc::new(Grading::default()),
        ));
        let mock = DiscordMock::start().await;
        // The unpaced runs measure prepbot's own cost, not Discord's limit.
        mock.lift_global_limit();
        Self { mock, engine }
    }

    /// Delivers `effects` at `rate` requests/s; returns the wall time.
    async fn fan_out(&self, effects: Vec<Effect>, rate: u32) -> Duration {
        let config = DiscordConfig {
            token: "bench-token".to_owned().into(),
            api_base: Some(self.mock.base_url()),
            dev_guild: None,
            fanout_rate: rate,
            shards: None,
        };
        let notifier = Arc::new(DiscordNotifier::new(Arc::new(http(&config)), rate));
        let scheduler = SchedulerConfig {
            rate_per_second: rate,
            ..SchedulerConfig::default()
        };
        let router = Router::single(Platform::Discord, notifier);
        let delivery = Delivery::new(self.engine.clone(), router, scheduler);
        let n = effects.len();
        let start = Instant::now();
        let report = delivery.deliver_all(effects).await;
        let took = start.elapsed();
        assert_eq!(report.delivered, n, "{report:?}");
        took
    }
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let measuring = std::env::args().any(|a| a == "--bench");
    let channels: u64 = env_or(
        "PREPBOT_BENCH_CHANNELS",
        if measuring { 10_000 } else { 100 },
    );
    let rt = tokio::runtime::Runtime::new().expect("a tokio runtime");
    let bench = rt.block_on(Bench::new());
    let mut runs = Vec::new();
    let mut c = Criterion::default()
        .configure_from_args()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(1));
    c.bench_function(
        &format!("discord_fanout/{channels}_channels_unpaced"),
        |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    bench.mock.clear();
                    let took = rt.block_on(bench.fan_out(effects(channels), 1_000_000));
                    runs.push(took);
                    total += took;
                }
                total
            })
        },
    );
    c.final_summary();
    let requests = bench.mock.requests().len();
    println!("discord_fanout: {channels} channels unpaced, {} runs, median {:.2?} ({requests} requests in the last run)", runs.len(), median(runs));
    if env_or("PREPBOT_BENCH_PACED", 0) == 1 {
        bench.mock.clear();
        let took = rt.block_on(bench.fan_out(effects(channels), 40));
        let peak = bench.mock.peak_rate(Duration::from_secs(1), |_| true);
        let total = bench.mock.requests().len();
        println!("discord_fanout: {channels} channels paced at 40/s: {took:.2?}, {total} requests, peak {peak} in one second");
        assert!(peak <= 50, "over Discord's global limit");
    }
}
