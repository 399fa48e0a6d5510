//! Leaderboard replies for one guild with 100,000 members and 5,000,000
//! point events (issue 15), plus the season board and the team board
//! (issue 14). Needs PostgreSQL: BENCH_DATABASE_URL (default: a
//! `prepbot_bench_5m` database on the local server, created and seeded once,
//! in about a minute, with `generate_series`).
//!
//! Run: cargo bench --bench leaderboard
//!
//! Each board is timed `RUNS` times after a warm-up and reported as median
//! and p99, beside the 10 ms target and the floor measured in the same run
//! (a `SELECT 1` round trip on the same pool).

use chrono::{TimeZone, Utc};
use prepbot::storage::{BoardQuery, Store};
use std::time::{Duration, Instant};

/// The p99 target of issue 15.
const TARGET: Duration = Duration::from_millis(10);

/// The real size under `cargo bench`; `cargo test --all-targets` runs each
/// board a few times as a smoke test, on a small database of its own.
struct Size {
    members: i64,
    events: i64,
    database: &'static str,
    runs: usize,
}

fn size() -> Size {
    if std::env::args().any(|a| a == "--bench") {
        Size {
            members: 100_000,
            events: 5_000_000,
            database: "prepbot_bench_5m",
            runs: 300,
        }
    } else {
        Size {
            members: 1_000,
            events: 10_000,
            database: "prepbot_bench_smoke",
            runs: 3,
        }
    }
}

async fn seeded_store(size: &Size) -> Store {
    let url = std::env::var("BENCH_DATABASE_URL")
        .unwrap_or_else(|_| format!("postgres://postgres@127.0.0.1:5432/{}", size.database));
    let store = Store::connect(&url).await.expect("connect");
    let seeded: (i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM members), (SELECT coalesce(max(id), 0) FROM point_events)",
    )
    .fetch_one(store.pool())
    .await
    .unwrap();
    if seeded != (size.members, size.events) {
        let t = Instant::now();
        seed(&store, size).await;
        println!("seeded {} events in {:.0?}", size.events, t.elapsed());
    }
    store
}

/// The guild, channel, members, one post and answer the events point at,
/// ten teams holding every member, and season 1 (started 2026-11-04).
const BASE: &[&str] = &[
    "TRUNCATE guilds, point_events, board_counts CASCADE",
    "ALTER SEQUENCE point_events_id_seq RESTART",
    "INSERT INTO guilds (id, platform, external_id) VALUES (1, 'bench', 'g')",
    "INSERT INTO channels (id, guild_id, external_id) VALUES (1, 1, 'c')",
    "INSERT INTO members (id, guild_id, external_id, display_name)
     SELECT i, 1, 'u' || i, 'member' || i FROM generate_series(1, $1) i",
    "INSERT INTO posts (id, channel_id, question_id, topic, kind, member_id, posted_at)
     VALUES (1, 1, 'q', 'sql', 'quiz', 1, now())",
    "INSERT INTO answers (id, post_id, member_id, body, counting, answered_at, local_day)
     VALUES (1, 1, 1, 'x', 'quiz', now(), current_date)",
    "INSERT INTO teams (id, guild_id, name, created_at)
     SELECT t, 1, 'Team ' || t, now() FROM generate_series(1, 10) t",
    "INSERT INTO team_members (member_id, team_id, joined_at)
     SELECT i, 1 + i % 10, now() FROM generate_series(1, $1) i",
];

/// The same six boards per point that the engine maintains
/// (domain::boards::scopes_for), plus the season board from its start.
const TOTALS: &[&str] = &[
    "SELECT 'all'",
    "SELECT 'all:' || e.topic",
    "SELECT 'w:' || date_trunc('week', e.local_day)::date",
    "SELECT 'w:' || date_trunc('week', e.local_day)::date || ':' || e.topic",
    "SELECT 'm:' || date_trunc('month', e.local_day)::date",
    "SELECT 'm:' || date_trunc('month', e.local_day)::date || ':' || e.topic",
    "SELECT 's:1' WHERE e.local_day >= '2026-11-04'",
];

/// What the `board_counts` trigger would have kept, had it fired (the seed
/// runs with triggers off).
const COUNTS: &str = "INSERT INTO board_counts (guild_id, scope, points, shard, members)
     SELECT guild_id, scope, points, member_id % 16, count(*)
     FROM board_totals WHERE points > 0 GROUP BY 1, 2, 3, 4";

/// One guild, its members, and point events over 90 days, totals kept in step.
async fn seed(store: &Store, size: &Size) {
    let start = Utc.with_ymd_and_hms(2026, 9, 1, 0, 0, 0).unwrap();
    let mut tx = store.pool().begin().await.unwrap();
    // Generated rows are consistent by construction: skipping the foreign-key
    // triggers (superuser only) makes 5M inserts several times faster.
    for set in [
        "SET LOCAL work_mem = '256MB'",
        "SET LOCAL session_replication_role = replica",
    ] {
        sqlx::query(set).execute(&mut *tx).await.unwrap();
    }
    for sql in BASE {
        let q = sqlx::query(sql);
        let q = if sql.contains("$1") {
            q.bind(size.members)
        } else {
            q
        };
        q.execute(&mut *tx).await.unwrap();
    }
    sqlx::query(
        "INSERT INTO point_events (guild_id, member_id, answer_id, topic, delta, local_day, at)
         SELECT 1, 1 + (i * 7919) % $1, 1,
                (ARRAY['sql','spark','python','streaming'])[1 + i % 4],
                (ARRAY[10, 15, 20, 25, 30])[1 + i % 5],
                ($2::timestamptz + (i % 90) * interval '1 day')::date,
                $2::timestamptz + (i % 90) * interval '1 day' + (i % 86400) * interval '1 second'
         FROM generate_series(1, $3) i",
    )
    .bind(size.members)
    .bind(start)
    .bind(size.events)
    .execute(&mut *tx)
    .await
    .unwrap();
    for scope in TOTALS {
        // One board kind at a time keeps each aggregate in memory.
        let sql = format!(
            "INSERT INTO board_totals (guild_id, scope, member_id, points)
             SELECT 1, s.scope, e.member_id, sum(e.delta) FROM point_events e,
             LATERAL ({scope}) AS s(scope) GROUP BY s.scope, e.member_id"
        );
        sqlx::query(&sql).execute(&mut *tx).await.unwrap();
    }
    sqlx::query(COUNTS).execute(&mut *tx).await.unwrap();
    tx.commit().await.unwrap();
    // VACUUM sets the visibility map, so index-only scans work as they would in production.
    sqlx::query("VACUUM ANALYZE")
        .execute(store.pool())
        .await
        .unwrap();
}

/// Median and p99 of `runs` timings of `f`, after three warm-up calls.
async fn time<F, Fut>(runs: usize, mut f: F) -> (Duration, Duration)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    for _ in 0..3 {
        f().await;
    }
    let mut t = Vec::with_capacity(runs);
    for _ in 0..runs {
        let s = Instant::now();
        f().await;
        t.push(s.elapsed());
    }
    t.sort();
    (t[runs / 2], t[(runs * 99 / 100).min(runs - 1)])
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

fn report(name: &str, (median, p99): (Duration, Duration)) {
    let ratio = p99.as_secs_f64() / TARGET.as_secs_f64();
    println!("| {name} | {} | {} | {ratio:.2}x |", ms(median), ms(p99));
}

async fn boards(size: &Size) {
    let store = seeded_store(size).await;
    let me = size.members / 2 + 321;
    let query = |scope| BoardQuery {
        guild_id: 1,
        scope,
        me,
        offset: 0,
        limit: 10,
    };
    println!("command: cargo bench --bench leaderboard");
    println!(
        "{} members, {} point events; {} runs each; target p99 {}",
        size.members,
        size.events,
        size.runs,
        ms(TARGET)
    );
    println!("| reply | median | p99 | p99 / target |");
    println!("| --- | --- | --- | --- |");
    let pool = store.pool().clone();
    report(
        "floor: SELECT 1 round trip",
        time(size.runs, || async {
            sqlx::query("SELECT 1").execute(&pool).await.unwrap();
        })
        .await,
    );
    for (name, q) in [
        ("all time", query("all")),
        ("this week", query("w:2026-11-23")),
        ("this month", query("m:2026-11-01")),
        ("all time, one topic", query("all:sql")),
        ("season (started 2026-11-04)", query("s:1")),
        (
            "all time, page 500",
            BoardQuery {
                offset: 4_990,
                ..query("all")
            },
        ),
    ] {
        let store = &store;
        let t = time(size.runs, || async move {
            store.leaderboard(q).await.unwrap();
        })
        .await;
        report(name, t);
    }
    for (name, scope) in [
        ("team board, all time", "all"),
        ("team board, this week", "w:2026-11-23"),
        ("team board, season", "s:1"),
    ] {
        let store = &store;
        let t = time(size.runs, || async move {
            store.team_totals(1, scope).await.unwrap();
        })
        .await;
        report(name, t);
    }
}

fn main() {
    let size = size();
    tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(boards(&size));
}
