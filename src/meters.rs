//! Metrics: their names, the one Prometheus recorder per process, and small
//! helpers the core calls where the facts are (runner, delivery, scheduler,
//! engine). The helpers use the `metrics` macros, so whichever recorder is
//! installed (the app's, or a test's) receives them.

use metrics::{counter, describe_counter, describe_gauge, describe_histogram, gauge, histogram};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use std::sync::OnceLock;
use std::time::Duration;

/// Commands handled, by `command` and `outcome` (ok, user_error, internal).
pub const COMMANDS: &str = "prepbot_commands_total";
/// Time to handle a command (engine only, not the platform's reply), by `command`.
pub const COMMAND_SECONDS: &str = "prepbot_command_duration_seconds";
/// Posts and reveals delivered, by `platform`.
pub const POSTS_SENT: &str = "prepbot_posts_sent_total";
/// Deliveries given up on (a later tick retries them), by `platform`.
pub const POSTS_FAILED: &str = "prepbot_posts_failed_total";
/// Delivery attempts beyond the first (after a 429), by `platform`.
pub const POSTS_RETRIED: &str = "prepbot_posts_retried_total";
/// 429 answers seen from a platform, by `platform`.
pub const RATE_LIMITED: &str = "prepbot_rate_limited_total";
/// Answers recorded, by `verdict` (correct, partial, incorrect, ungraded).
pub const ANSWERS: &str = "prepbot_answers_total";
/// How long one scheduler tick (claim and deliver) took.
pub const TICK_SECONDS: &str = "prepbot_scheduler_tick_seconds";
/// Open connections in the database pool, sampled at scrape time.
pub const POOL_SIZE: &str = "prepbot_db_pool_connections";
/// Idle connections in the database pool, sampled at scrape time.
pub const POOL_IDLE: &str = "prepbot_db_pool_idle_connections";

/// Histogram buckets in seconds: a command is ms, a tick with a fan-out is s.
const BUCKETS: &[f64] = &[
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0,
];

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

/// Installs the Prometheus recorder once per process and returns its handle
/// (later calls return the same handle).
pub fn install() -> PrometheusHandle {
    HANDLE
        .get_or_init(|| {
            let recorder = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), BUCKETS)
                .expect("the bucket list is not empty")
                .build_recorder();
            let handle = recorder.handle();
            if metrics::set_global_recorder(recorder).is_err() {
                tracing::warn!("another metrics recorder is installed; /metrics stays empty");
            }
            describe();
            handle
        })
        .clone()
}

fn describe() {
    describe_counter!(COMMANDS, "Commands handled, by command and outcome.");
    describe_histogram!(COMMAND_SECONDS, "Seconds to handle a command, by command.");
    describe_counter!(POSTS_SENT, "Posts and reveals delivered, by platform.");
    describe_counter!(POSTS_FAILED, "Deliveries given up on until a later tick.");
    describe_counter!(POSTS_RETRIED, "Delivery attempts after a 429.");
    describe_counter!(RATE_LIMITED, "429 answers seen, by platform.");
    describe_counter!(ANSWERS, "Answers recorded, by verdict.");
    describe_histogram!(TICK_SECONDS, "Seconds one scheduler tick took.");
    describe_gauge!(POOL_SIZE, "Open database connections.");
    describe_gauge!(POOL_IDLE, "Idle database connections.");
}

/// Starts the counters whose labels are known ahead at zero: each
/// delivering platform's posts and 429s, and the answers by verdict. A
/// counter that appears only at its first event breaks `rate()` and
/// alerts on it (Prometheus' advice is to export known series at 0).
pub fn zero(platforms: &[&'static str]) {
    for &platform in platforms {
        for name in [POSTS_SENT, POSTS_FAILED, POSTS_RETRIED, RATE_LIMITED] {
            counter!(name, "platform" => platform).increment(0);
        }
    }
    for verdict in ["correct", "partial", "incorrect", "ungraded"] {
        counter!(ANSWERS, "verdict" => verdict).increment(0);
    }
}

/// One command handled.
pub fn command(name: &'static str, outcome: &'static str, took: Duration) {
    counter!(COMMANDS, "command" => name, "outcome" => outcome).increment(1);
    histogram!(COMMAND_SECONDS, "command" => name).record(took.as_secs_f64());
}

/// One delivery's end: sent or not, and how many 429s it met on the way.
pub fn delivery(platform: &'static str, sent: bool, limited: usize, retried: usize) {
    let name = if sent { POSTS_SENT } else { POSTS_FAILED };
    counter!(name, "platform" => platform).increment(1);
    counter!(RATE_LIMITED, "platform" => platform).increment(limited as u64);
    counter!(POSTS_RETRIED, "platform" => platform).increment(retried as u64);
}

/// One answer recorded.
pub fn answer(verdict: &'static str) {
    counter!(ANSWERS, "verdict" => verdict).increment(1);
}

/// One scheduler tick.
pub fn tick(took: Duration) {
    histogram!(TICK_SECONDS).record(took.as_secs_f64());
}

/// The pool's use now (called at scrape time).
pub fn pool(size: u32, idle: usize) {
    gauge!(POOL_SIZE).set(size as f64);
    gauge!(POOL_IDLE).set(idle as f64);
}
