//! Leaderboard replies for one guild with 100,000 members and 5,000,000
//! point events (issue 15), plus the season board, the team boards and the
//! accuracy board over 5,000,000 answers (issues 14 and 15), each beside
//! the query it replaced ("before"), timed in the same run. Needs PostgreSQL: BENCH_DATABASE_URL (default: a
//! `prepbot_bench_5m` database on the local server, created and seeded once,
//! in about a minute, with `generate_series`).
//!
//! Run: cargo bench --bench leaderboard
//!
//! Each board is timed `RUNS` times after a warm-up and reported as median
//! and p99, beside the 10 ms target and the floor measured in the same run
//! (a `SELECT 1` round trip on the same pool).

#[path = "common/mod.rs"]
#[allow(dead_code)]
mod common;
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
    database: String,
    runs: usize,
}

fn size() -> Size {
    if std::env::args().any(|a| a == "--bench") {
        Size {
            members: 100_000,
            events: 5_000_000,
            database: "prepbot_bench_5m".to_owned(),
            runs: 300,
        }
    } else {
        Size {
            members: 1_000,
            events: 10_000,
            // Its own database per run (see benches/common), dropped after.
            database: common::database_name("prepbot_bench_smoke"),
            runs: 3,
        }
    }
}

async fn seeded_store(size: &Size) -> Store {
    let url = std::env::var("BENCH_DATABASE_URL")
        .unwrap_or_else(|_| format!("postgres://postgres@127.0.0.1:5432/{}", size.database));
    let store = Store::connect(&url).await.expect("connect");
    let seeded: (i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM members), (SELECT coalesce(max(id), 0) FROM point_events),
                (SELECT coalesce(max(id), 0) FROM answers)",
    )
    .fetch_one(store.pool())
    .await
    .unwrap();
    if seeded != (size.members, size.events, 1 + size.events) {
        let t = Instant::now();
        seed(&store, size).await;
        println!("seeded {} events in {:.0?}", size.events, t.elapsed());
    }
    store
}

/// The guild, channel, members, one post and answer the events point at,
/// ten teams holding every member, and season 1 (started 2026-11-04).
const BASE: &[&str] = &[
    "TRUNCATE guilds, point_events, board_counts, team_totals, team_sizes, accuracy_counts CASCADE",
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
    // Season 1 is played by the ten teams, frozen as they are.
    "INSERT INTO seasons (id, guild_id, channel_id, name, started_at, ends_on, tz, ends_at, teams)
     VALUES (1, 1, 1, 'Autumn', '2026-11-04', '2026-11-30', 'UTC', '2026-12-01', true)",
    "INSERT INTO season_teams (season_id, team_id, name) SELECT 1, id, name FROM teams",
    "INSERT INTO season_members (season_id, member_id, team_id, joined_at)
     SELECT 1, member_id, team_id, now() FROM team_members",
];

/// Daily posts 2.. spread over the 90 days, and every member's answer to
/// each (`$1` members, `$2` posts): `$1 × $2` answers with a mix of
/// verdicts that differs by member, for the accuracy board.
const ANSWERS: &[&str] = &[
    "INSERT INTO posts (id, channel_id, question_id, topic, kind, local_date, posted_at, reveal_at)
     SELECT 1 + p, 1, 'q' || p, 'sql', 'daily', date '2026-09-01' + ((p - 1) * 90 / $2)::int,
            timestamptz '2026-09-01 09:00Z' + ((p - 1) * 90 / $2) * interval '1 day',
            timestamptz '2026-09-01 17:00Z' + ((p - 1) * 90 / $2) * interval '1 day'
     FROM generate_series(1, $2) p",
    "INSERT INTO answers (id, post_id, member_id, body, verdict, counting, answered_at, local_day)
     SELECT 1 + (p - 1) * $1 + m, 1 + p, m, 'x',
            CASE WHEN (m * 31 + p * 17) % 10 < 3 + m % 5 THEN 'correct'
                 WHEN (m * 31 + p * 17) % 10 < 9 THEN 'partial' ELSE 'incorrect' END,
            'daily', timestamptz '2026-09-01 10:00Z' + ((p - 1) * 90 / $2) * interval '1 day',
            date '2026-09-01' + ((p - 1) * 90 / $2)::int
     FROM generate_series(1, $2) p, generate_series(1, $1) m",
];

/// What the triggers of migration 0012 would have kept, had they fired.
const DERIVED: &[&str] = &[
    "INSERT INTO team_totals (guild_id, scope, team_id, shard, points, active)
     SELECT b.guild_id, b.scope, coalesce(sm.team_id, tm.team_id), b.member_id % 16, sum(b.points), count(*)
     FROM board_totals b
     LEFT JOIN season_members sm ON b.scope = 's:1' AND sm.season_id = 1 AND sm.member_id = b.member_id
     LEFT JOIN team_members tm ON b.scope NOT LIKE 's:%' AND tm.member_id = b.member_id
     WHERE b.points > 0 AND coalesce(sm.team_id, tm.team_id) IS NOT NULL GROUP BY 1, 2, 3, 4",
    "INSERT INTO team_sizes (roster, team_id, members)
     SELECT '', team_id, count(*) FROM team_members GROUP BY 2
     UNION ALL SELECT 's:1', team_id, count(*) FROM season_members GROUP BY 2",
    "INSERT INTO accuracy_totals (guild_id, scope, member_id, answers, correct)
     SELECT 1, s.scope, a.member_id, count(*), count(*) FILTER (WHERE a.verdict = 'correct')
     FROM answers a, LATERAL unnest(ARRAY['all', 'w:' || date_trunc('week', a.local_day)::date,
                                          'm:' || date_trunc('month', a.local_day)::date]) AS s(scope)
     WHERE a.verdict IS NOT NULL AND a.counting <> 'practice' GROUP BY 1, 2, 3",
    // Migration 0013's trigger on accuracy_totals.
    "INSERT INTO accuracy_counts (guild_id, scope, answers, correct, shard, members)
     SELECT guild_id, scope, answers, correct, accuracy_counts_shard(answers, member_id), count(*)
     FROM accuracy_totals GROUP BY 1, 2, 3, 4, 5",
];

/// The team board before migration 0012: every member joined to their
/// totals on each call (the current teams; `s:1` would read the same way).
const TEAMS_BEFORE: &str =
    "SELECT t.name, coalesce(sum(b.points) FILTER (WHERE b.points > 0), 0)::bigint AS points,
            count(b.member_id) FILTER (WHERE b.points > 0) AS active, count(tm.member_id) AS members
     FROM teams t LEFT JOIN team_members tm ON tm.team_id = t.id
     LEFT JOIN board_totals b ON b.guild_id = t.guild_id AND b.scope = $2 AND b.member_id = tm.member_id
     WHERE t.guild_id = $1 GROUP BY t.id, t.name ORDER BY t.name";

/// The accuracy board before migration 0012: every scored answer of the
/// local days in [$2, $3) aggregated and ranked on each call.
const ACCURACY_BEFORE: &str = "WITH a AS (
        SELECT a.member_id, count(*) FILTER (WHERE a.verdict = 'correct') AS correct, count(*) AS answers
        FROM answers a JOIN posts p ON p.id = a.post_id JOIN channels c ON c.id = p.channel_id
        WHERE c.guild_id = $1 AND ($2::date IS NULL OR a.local_day >= $2)
          AND ($3::date IS NULL OR a.local_day < $3)
          AND a.verdict IS NOT NULL AND a.counting <> 'practice'
        GROUP BY a.member_id HAVING count(*) >= 3),
     r AS (SELECT a.*, rank() OVER (ORDER BY correct::float8 / answers DESC)::bigint AS rank,
                  row_number() OVER (ORDER BY correct::float8 / answers DESC, answers DESC, member_id) AS n
           FROM a)
     SELECT r.rank, m.display_name, r.correct, r.answers, r.member_id
     FROM r JOIN members m ON m.id = r.member_id WHERE r.n <= 10 OR r.member_id = $4 ORDER BY r.n";

/// The accuracy board of migration 0012 ($3 = min 3, $4 = 10 rows): the
/// top walks the share index and each rank counts the members above.
const ACCURACY_COUNTED: &str = "WITH top AS (
        SELECT member_id, correct, answers FROM accuracy_totals
        WHERE guild_id = $1 AND scope = $2 AND answers >= 3
        ORDER BY (correct::float8 / greatest(answers, 1)) DESC, answers DESC, member_id LIMIT 10),
     mine AS (SELECT member_id, correct, answers FROM accuracy_totals
              WHERE guild_id = $1 AND scope = $2 AND member_id = $3 AND answers >= 3),
     r AS (SELECT * FROM top UNION SELECT * FROM mine)
     SELECT 1 + (SELECT count(*) FROM accuracy_totals o
                 WHERE o.guild_id = $1 AND o.scope = $2 AND o.answers >= 3
                   AND (o.correct::float8 / greatest(o.answers, 1)) > (r.correct::float8 / greatest(r.answers, 1)))::bigint,
            m.display_name, r.correct, r.answers, r.member_id
     FROM r JOIN members m ON m.id = r.member_id
     ORDER BY (r.correct::float8 / greatest(r.answers, 1)) DESC, r.answers DESC, r.member_id";

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
    let posts = size.events / size.members;
    for sql in ANSWERS {
        sqlx::query(sql)
            .bind(size.members)
            .bind(posts)
            .execute(&mut *tx)
            .await
            .unwrap();
    }
    for scope in TOTALS {
        // One board kind at a time keeps each aggregate in memory.
        let sql = format!(
            "INSERT INTO board_totals (guild_id, scope, member_id, points)
             SELECT 1, s.scope, e.member_id, sum(e.delta) FROM point_events e,
             LATERAL ({scope}) AS s(scope) GROUP BY s.scope, e.member_id"
        );
        sqlx::query(&sql).execute(&mut *tx).await.unwrap();
    }
    for sql in std::iter::once(&COUNTS).chain(DERIVED) {
        sqlx::query(sql).execute(&mut *tx).await.unwrap();
    }
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
    team_boards(&store, size.runs).await;
    accuracy_boards(&store, me, size.runs).await;
}

/// The team boards from `team_totals`, beside the join they replaced.
async fn team_boards(store: &Store, runs: usize) {
    let season = store.season(1, 1).await.unwrap().expect("season 1");
    for (name, scope) in [("all time", "all"), ("this week", "w:2026-11-23")] {
        let t = time(runs, || async move {
            store.team_totals(1, scope).await.unwrap();
        })
        .await;
        report(&format!("team board, {name}"), t);
        let t = time(runs, || async move {
            before_teams(store, scope).await;
        })
        .await;
        report(&format!("team board, {name}, before (join)"), t);
    }
    let season = &season;
    let t = time(runs, || async move {
        store.season_team_board(season).await.unwrap();
    })
    .await;
    report("team board, team season", t);
    let t = time(runs, || async move {
        before_teams(store, "s:1").await;
    })
    .await;
    report("team board, season, before (join)", t);
}

async fn before_teams(store: &Store, scope: &str) {
    sqlx::query(TEAMS_BEFORE)
        .bind(1_i64)
        .bind(scope)
        .fetch_all(store.pool())
        .await
        .unwrap();
}

/// The accuracy board (min 3) from `accuracy_counts`, beside migration
/// 0012's count of the members above and the aggregate it replaced (timed
/// fewer times: it takes seconds).
async fn accuracy_boards(store: &Store, me: i64, runs: usize) {
    let day = |m: u32, d: u32| chrono::NaiveDate::from_ymd_opt(2026, m, d);
    for (name, scope, range) in [
        ("this week", "w:2026-11-23", (day(11, 23), day(11, 30))),
        ("this month", "m:2026-11-01", (day(11, 1), day(12, 1))),
        ("all time", "all", (None, None)),
    ] {
        let t = time(runs, || async move {
            store.accuracy_board(1, scope, 3, me, 10).await.unwrap();
        })
        .await;
        report(&format!("accuracy, {name}"), t);
        let t = time(runs, || async move {
            sqlx::query(ACCURACY_COUNTED)
                .bind(1_i64)
                .bind(scope)
                .bind(me)
                .fetch_all(store.pool())
                .await
                .unwrap();
        })
        .await;
        report(&format!("accuracy, {name}, before (count, 0012)"), t);
        let t = time(runs.min(10), || async move {
            sqlx::query(ACCURACY_BEFORE)
                .bind(1_i64)
                .bind(range.0)
                .bind(range.1)
                .bind(me)
                .fetch_all(store.pool())
                .await
                .unwrap();
        })
        .await;
        report(&format!("accuracy, {name}, before (aggregate, 10 runs)"), t);
    }
}

fn main() {
    let size = size();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(boards(&size));
    let smoke = !std::env::args().any(|a| a == "--bench");
    if smoke && std::env::var("BENCH_DATABASE_URL").is_err() {
        rt.block_on(common::drop_database(&size.database));
    }
}
