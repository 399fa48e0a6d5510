//! Bank loading speed: generated bank files of 1,000, 10,000 and 100,000
//! `open` questions through the loader (`scan_str`: TOML parse, line
//! tracking and validation), reporting the median of several runs and the
//! time per question, which stays flat when loading is linear.
//!
//! `cargo bench --bench bank_load`. Results: docs/benchmarks.md.

use prepbot::bank::{parse_topics, scan_str};
use std::fmt::Write;
use std::hint::black_box;
use std::time::{Duration, Instant};

const TOPICS: &str = "[[topic]]\nslug = \"streaming\"\nname = \"Streaming\"\nabout = \"a\"\n";

/// One question of about 340 bytes, the size of the questions in the issue's
/// 505 KB, 1,500-question file.
fn question(out: &mut String, i: usize) {
    let _ = write!(
        out,
        r#"
[[question]]
id = "gen-{i:06}"
topic = "streaming"
difficulty = "medium"
format = "open"
prompt = "Question {i}: why does a consumer group rebalance, and what does it cost?"
answer = "Membership changed, so partitions move; consumption pauses meanwhile."
explanation = "Rebalances reassign partitions."

[[question.key_points]]
point = "Membership change"
phrases = ["member joins", "member leaves"]

[[question.key_points]]
point = "Consumption pauses"
phrases = ["pauses", "stop the world"]
"#
    );
}

fn file(n: usize) -> String {
    let mut out = String::with_capacity(n * 400);
    (0..n).for_each(|i| question(&mut out, i));
    out
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn main() {
    let topics = parse_topics("topics.toml", TOPICS).expect("valid topics");
    println!("bank_load: median of runs, generated open questions");
    println!(
        "{:>9}  {:>9}  {:>5}  {:>10}  {:>12}",
        "questions", "size", "runs", "median", "per question"
    );
    // `cargo bench` passes --bench; under `cargo test` one small size proves
    // the bench still runs without spending CI's minutes and memory.
    let measuring = std::env::args().any(|a| a == "--bench");
    let sizes: &[(usize, usize)] = if measuring {
        &[(1_000, 15), (10_000, 9), (100_000, 5)]
    } else {
        &[(1_000, 1)]
    };
    for &(n, runs) in sizes {
        let text = file(n);
        let (qs, issues) = scan_str("gen.toml", &text, &topics);
        assert_eq!(
            (qs.len(), issues.len()),
            (n, 0),
            "the generated file is valid"
        );
        let times: Vec<Duration> = (0..runs)
            .map(|_| {
                let start = Instant::now();
                black_box(scan_str("gen.toml", black_box(&text), &topics));
                start.elapsed()
            })
            .collect();
        let m = median(times);
        println!(
            "{n:>9}  {:>7.1}MB  {runs:>5}  {:>8.1}ms  {:>10.1}µs",
            text.len() as f64 / 1e6,
            m.as_secs_f64() * 1e3,
            m.as_secs_f64() * 1e6 / n as f64
        );
    }
}
