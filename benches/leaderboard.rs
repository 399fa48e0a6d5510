//! Leaderboard queries for one guild with 100,000 members and 1,000,000
//! point events. Needs PostgreSQL: BENCH_DATABASE_URL (default: a
//! `prepbot_bench` database on the local server, created and seeded once).
//!
//! Run: cargo bench --bench leaderboard

use chrono::{TimeZone, Utc};
use criterion::{criterion_group, criterion_main, Criterion};
use prepbot::storage::{BoardQuery, Store};

/// The real size under `cargo bench`; `cargo test --all-targets` runs each
/// benchmark once as a smoke test, on a small database of its own.
struct Size {
    members: i64,
    events: i64,
    database: &'static str,
}

fn size() -> Size {
    if std::env::args().any(|a| a == "--bench") {
        Size {
            members: 100_000,
            events: 1_000_000,
            database: "prepbot_bench",
        }
    } else {
        Size {
            members: 1_000,
            events: 10_000,
            database: "prepbot_bench_smoke",
        }
    }
}

async fn seeded_store(size: &Size) -> Store {
    let url = std::env::var("BENCH_DATABASE_URL")
        .unwrap_or_else(|_| format!("postgres://postgres@127.0.0.1:5432/{}", size.database));
    let store = Store::connect(&url).await.expect("connect");
    let have: i64 = sqlx::query_scalar("SELECT count(*) FROM members")
        .fetch_one(store.pool())
        .await
        .unwrap();
    if have != size.members {
        seed(&store, size).await;
    }
    store
}

/// One guild, its members, and point events over 90 days, totals kept in step.
async fn seed(store: &Store, size: &Size) {
    let start = Utc.with_ymd_and_hms(2026, 9, 1, 0, 0, 0).unwrap();
    for sql in [
        "TRUNCATE guilds CASCADE",
        "INSERT INTO guilds (id, platform, external_id) VALUES (1, 'bench', 'g')",
        "INSERT INTO channels (id, guild_id, external_id) VALUES (1, 1, 'c')",
        "INSERT INTO members (id, guild_id, external_id, display_name)
         SELECT i, 1, 'u' || i, 'member' || i FROM generate_series(1, $1) i",
        "INSERT INTO posts (id, channel_id, question_id, topic, kind, member_id, posted_at)
         VALUES (1, 1, 'q', 'sql', 'quiz', 1, now())",
        "INSERT INTO answers (id, post_id, member_id, body, counting, answered_at, local_day)
         VALUES (1, 1, 1, 'x', 'quiz', now(), current_date)",
    ] {
        sqlx::query(sql)
            .bind(size.members)
            .execute(store.pool())
            .await
            .unwrap();
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
    .execute(store.pool())
    .await
    .unwrap();
    sqlx::query(
        // The same six boards per point that the engine maintains (domain::boards::scopes_for).
        "INSERT INTO board_totals (guild_id, scope, member_id, points)
         SELECT 1, s.scope, e.member_id, sum(e.delta) FROM point_events e,
         LATERAL (VALUES ('all'), ('all:' || e.topic),
                         ('w:' || date_trunc('week', e.local_day)::date), ('w:' || date_trunc('week', e.local_day)::date || ':' || e.topic),
                         ('m:' || date_trunc('month', e.local_day)::date), ('m:' || date_trunc('month', e.local_day)::date || ':' || e.topic)) AS s(scope)
         GROUP BY s.scope, e.member_id",
    )
    .execute(store.pool())
    .await
    .unwrap();
    // VACUUM sets the visibility map, so index-only scans work as they would in production.
    sqlx::query("VACUUM ANALYZE")
        .execute(store.pool())
        .await
        .unwrap();
}

fn boards(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let size = size();
    let store = rt.block_on(seeded_store(&size));
    let query = |scope| BoardQuery {
        guild_id: 1,
        scope,
        me: size.members / 2 + 321,
        offset: 0,
        limit: 10,
    };
    let mut group = c.benchmark_group("leaderboard_100k_members");
    group.sample_size(20);
    for (name, q) in [
        ("all_time", query("all")),
        ("this_week", query("w:2026-11-23")),
        ("this_month", query("m:2026-11-01")),
        ("all_time_topic", query("all:sql")),
        (
            "all_time_page_500",
            BoardQuery {
                offset: 4_990,
                ..query("all")
            },
        ),
    ] {
        group.bench_function(name, |b| {
            b.iter(|| rt.block_on(store.leaderboard(q)).unwrap())
        });
    }
    group.finish();
}

criterion_group!(benches, boards);
criterion_main!(benches);
