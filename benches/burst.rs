//! The daily burst: N members answer the daily question at once, through
//! `Engine::handle` with real PostgreSQL, and pgbench's single-row insert
//! rate measured in the same run as the limit it is set beside.
//!
//! `cargo bench --bench burst` runs 1,000 and 10,000 concurrent answers
//! (three runs each, the median run reported) and prints answers/s, p50 and
//! p99 latency, how many were saved (every one must be), peak RSS, and the
//! ratio to pgbench (16 clients, 5 s of single-row inserts), and the CPU time
//! per answer spent in this process and in the rest of the machine
//! (PostgreSQL, mostly): where the time goes. It first measures the
//! ceiling the schema sets on its own: 10,000 answers written by the
//! engine's one write statement with nothing else around it (no reads,
//! grading or parsing), so the engine's figures can be read against both
//! pgbench and its own write. Needs
//! PostgreSQL at `DATABASE_URL` (default: the local server); makes its own
//! `prepbot_bench_burst` database afresh each run. Under `cargo test` it
//! runs once with 50 answers (and 50 bare writes) and no pgbench.

#[path = "common/mod.rs"]
#[allow(dead_code)]
mod common;
use chrono::{TimeZone, Utc};
use common::{fresh_store, server};
use prepbot::bank::{load_dir, Bank, Format, QuestionId};
use prepbot::domain::clock::ManualClock;
use prepbot::domain::command::parse;
use prepbot::domain::platform::Platform;
use prepbot::engine::{Actor, Engine, Place};
use prepbot::grading::Grading;
use prepbot::storage::{Ctx, NewAnswer, Store};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn bank() -> Arc<Bank> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bank");
    Arc::new(load_dir(&dir).expect("the test bank loads"))
}

/// One burst's numbers.
struct Burst {
    answers_per_s: f64,
    p50: Duration,
    p99: Duration,
    saved: i64,
    /// CPU time per answer: this process (engine, grading, sqlx) and the
    /// rest of the machine (PostgreSQL, mostly), over the burst.
    own_cpu: Duration,
    other_cpu: Duration,
}

/// CPU seconds so far: this process's, and the whole machine's busy time.
fn cpu_now() -> (f64, f64) {
    let ticks = 100.0; // USER_HZ on Linux
    let own = std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|s| {
            // Fields after the command's closing parenthesis; utime, stime are 14, 15.
            let rest = s.rsplit_once(')')?.1.split_whitespace().collect::<Vec<_>>();
            Some(rest.get(11)?.parse::<f64>().ok()? + rest.get(12)?.parse::<f64>().ok()?)
        })
        .unwrap_or(0.0);
    let busy = std::fs::read_to_string("/proc/stat")
        .ok()
        .and_then(|s| {
            let f: Vec<f64> = s
                .lines()
                .next()?
                .split_whitespace()
                .skip(1)
                .filter_map(|v| v.parse().ok())
                .collect();
            // user nice system idle iowait irq softirq steal: busy is all but idle and iowait.
            Some(f.iter().take(8).sum::<f64>() - f.get(3)? - f.get(4)?)
        })
        .unwrap_or(0.0);
    (own / ticks, busy / ticks)
}

/// A fresh database with a daily question posted in one channel: the
/// engine, its store, the place, and an answer text the question takes.
async fn daily_ready() -> (Arc<Engine>, Store, Place, String) {
    let store = fresh_store("prepbot_bench_burst").await;
    let clock = Arc::new(ManualClock::new(
        Utc.with_ymd_and_hms(2026, 11, 24, 8, 0, 0).unwrap(),
    ));
    let bank = bank();
    let engine = Arc::new(Engine::new(
        store.clone(),
        bank.clone(),
        clock.clone(),
        1,
        Arc::new(Grading::default()),
    ));
    let place = Place {
        platform: Platform::Console,
        guild: "bench".into(),
        channel: "daily".into(),
    };
    let admin = Actor::new("admin", "Admin", true);
    let setup = parse("/daily setup time:09:00 tz:UTC reveal:17:00").unwrap();
    engine.handle(&admin, &place, setup).await;
    clock.set(Utc.with_ymd_and_hms(2026, 11, 24, 9, 0, 0).unwrap());
    engine.run_due(&[Platform::Console]).await.expect("posted");
    let qid: String = sqlx::query_scalar("SELECT question_id FROM posts")
        .fetch_one(store.pool())
        .await
        .unwrap();
    let q = bank
        .get(&QuestionId::parse(&qid).unwrap())
        .expect("a bank question");
    let text = match q.format() {
        Format::Choice | Format::Truefalse => "/answer a".to_owned(),
        _ => format!("/answer {}", q.answer.replace('\n', " ")),
    };
    (engine, store, place, text)
}

/// Sets up a daily question in a fresh database, then has `n` members
/// answer it: all at once (`over` zero), or evenly spread over `over`
/// (the "within seconds"). Each latency runs from that member's
/// own send.
async fn burst(n: usize, over: Duration) -> Burst {
    let (engine, store, place, text) = daily_ready().await;
    let pool = store.pool().clone();
    let started = Instant::now();
    let cpu_before = cpu_now();
    let tasks: Vec<_> = (0..n)
        .map(|i| {
            let (engine, place, text) = (engine.clone(), place.clone(), text.clone());
            let at = started + over.mul_f64(i as f64 / n as f64);
            tokio::spawn(async move {
                tokio::time::sleep_until(at.into()).await;
                let who = Actor::new(format!("u{i}"), &format!("member {i}"), false);
                let t = Instant::now();
                engine.handle(&who, &place, parse(&text).unwrap()).await;
                t.elapsed()
            })
        })
        .collect();
    let mut latencies = Vec::with_capacity(n);
    for t in tasks {
        latencies.push(t.await.unwrap());
    }
    let wall = started.elapsed();
    let cpu_after = cpu_now();
    let own = cpu_after.0 - cpu_before.0;
    let other = (cpu_after.1 - cpu_before.1 - own).max(0.0);
    latencies.sort();
    let saved: i64 = sqlx::query_scalar("SELECT count(*) FROM answers")
        .fetch_one(&pool)
        .await
        .unwrap();
    Burst {
        answers_per_s: n as f64 / wall.as_secs_f64(),
        p50: latencies[n / 2],
        p99: latencies[(n * 99 / 100).min(n - 1)],
        saved,
        own_cpu: Duration::from_secs_f64(own / n as f64),
        other_cpu: Duration::from_secs_f64(other / n as f64),
    }
}

/// The ceiling the schema sets: each of `n` known members' answers written
/// by the engine's own statement (`Store::record_answer`: the answer, its
/// ledger row, six board rows and their counts, the streak and the
/// accuracy counts), 16 at a time, with no reads, grading or parsing.
/// Answers/s and machine CPU per answer.
async fn write_alone(n: usize) -> (f64, Duration) {
    let (_, store, _, _) = daily_ready().await;
    let pool = store.pool();
    let (post_id, channel_id, guild_id): (i64, i64, i64) = sqlx::query_as(
        "SELECT p.id, c.id, c.guild_id FROM posts p JOIN channels c ON c.id = p.channel_id",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    let members: Vec<i64> = sqlx::query_scalar(
        "INSERT INTO members (guild_id, external_id, display_name)
         SELECT $1, 'w' || i, 'member ' || i FROM generate_series(1, $2) i RETURNING id",
    )
    .bind(guild_id)
    .bind(n as i64)
    .fetch_all(pool)
    .await
    .unwrap();
    let members = Arc::new(members);
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
    let at = Utc.with_ymd_and_hms(2026, 11, 24, 9, 30, 0).unwrap();
    let started = Instant::now();
    let cpu_before = cpu_now();
    let workers: Vec<_> = (0..16)
        .map(|_| {
            let (store, members, next) = (store.clone(), members.clone(), next.clone());
            tokio::spawn(async move {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(&member_id) = members.get(i) else {
                        break;
                    };
                    let ctx = Ctx {
                        guild_id,
                        channel_id,
                        member_id,
                    };
                    let answer = NewAnswer {
                        post_id,
                        topic: "sql",
                        body: "a",
                        verdict: Some("correct"),
                        score: 1.0,
                        feedback: serde_json::json!({}),
                        points: 10,
                        counting: "daily",
                        at,
                        day,
                        streak: Some(day),
                    };
                    let saved = store.record_answer(ctx, &answer).await.expect("written");
                    assert!(saved.is_some(), "a first answer is written");
                }
            })
        })
        .collect();
    for w in workers {
        w.await.unwrap();
    }
    let wall = started.elapsed().as_secs_f64();
    let busy = cpu_now().1 - cpu_before.1;
    (n as f64 / wall, Duration::from_secs_f64(busy / n as f64))
}

/// pgbench's single-row inserts per second with 16 clients for 5 s, on a
/// scratch database of the same server: the limit the burst is set beside;
/// and the machine's CPU time per insert meanwhile.
fn pgbench_inserts_per_s() -> Option<(f64, Duration)> {
    let server = server();
    let db = format!("{server}/prepbot_bench_pgbench");
    let sh = |sql: &str| {
        std::process::Command::new("psql")
            .args([&format!("{server}/postgres"), "-qc", sql])
            .status()
            .ok()
    };
    sh("DROP DATABASE IF EXISTS prepbot_bench_pgbench WITH (FORCE)")?;
    sh("CREATE DATABASE prepbot_bench_pgbench")?;
    std::process::Command::new("psql")
        .args([
            &db,
            "-qc",
            "CREATE TABLE t (id bigserial PRIMARY KEY, v double precision)",
        ])
        .status()
        .ok()?;
    let script = std::env::temp_dir().join("prepbot_insert.sql");
    std::fs::write(&script, "INSERT INTO t (v) VALUES (random());\n").ok()?;
    let before = cpu_now().1;
    let out = std::process::Command::new("pgbench")
        .args(["-n", "-c", "16", "-j", "2", "-T", "5", "-f"])
        .arg(&script)
        .arg(&db)
        .output()
        .ok()?;
    let busy = cpu_now().1 - before;
    let text = String::from_utf8_lossy(&out.stdout);
    let tps: Option<f64> = text
        .lines()
        .find(|l| l.starts_with("tps = "))?
        .split_whitespace()
        .nth(2)?
        .parse()
        .ok();
    sh("DROP DATABASE IF EXISTS prepbot_bench_pgbench WITH (FORCE)");
    tps.map(|tps| (tps, Duration::from_secs_f64(busy / (tps * 5.0))))
}

/// The process's peak resident memory (VmHWM), in MB.
fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

fn main() {
    let bench = std::env::args().any(|a| a == "--bench");
    let rt = tokio::runtime::Runtime::new().unwrap();
    if !bench {
        let b = rt.block_on(burst(50, Duration::ZERO));
        assert_eq!(b.saved, 50, "every answer of the burst is saved");
        rt.block_on(write_alone(50));
        rt.block_on(common::drop_database(&common::database_name(
            "prepbot_bench_burst",
        )));
        return;
    }
    let limit = pgbench_inserts_per_s();
    println!("command: cargo bench --bench burst");
    match limit {
        Some((tps, cpu)) => println!(
            "pgbench single-row inserts (16 clients, 5 s): {tps:.0}/s, machine CPU per insert {cpu:?}"
        ),
        None => println!("pgbench: not available"),
    }
    let (rate, cpu) = rt.block_on(write_alone(10_000));
    let ratio = limit.map_or(String::new(), |(tps, _)| {
        format!(", {:.2}x pgbench", rate / tps)
    });
    println!(
        "the answer's write alone (Store::record_answer, 10,000 members, 16 at a time, no reads or grading): {rate:.0} answers/s{ratio}, machine CPU per answer {cpu:?}"
    );
    for (n, over) in [
        (1_000, Duration::ZERO),
        (1_000, Duration::from_secs(2)),
        (1_000, Duration::from_secs(4)),
        (10_000, Duration::ZERO),
        (10_000, Duration::from_secs(10)),
    ] {
        let mut runs: Vec<Burst> = (0..3).map(|_| rt.block_on(burst(n, over))).collect();
        runs.sort_by(|a, b| a.answers_per_s.total_cmp(&b.answers_per_s));
        let all_saved = runs.iter().all(|r| r.saved == n as i64);
        let m = &runs[1];
        let ratio = limit.map_or(String::new(), |(tps, _)| {
            format!(", {:.2}x pgbench", m.answers_per_s / tps)
        });
        let how = if over.is_zero() {
            "at once".to_owned()
        } else {
            format!("spread over {over:?}")
        };
        println!(
            "{n} answers {how} (median of 3): {:.0} answers/s{ratio}, p50 {:?}, p99 {:?}, saved {}/{n} in every run: {all_saved}, peak RSS {:.0} MB, CPU per answer: prepbot {:?}, rest of the machine {:?}",
            m.answers_per_s,
            m.p50,
            m.p99,
            m.saved,
            peak_rss_mb(),
            m.own_cpu,
            m.other_cpu,
        );
    }
}
