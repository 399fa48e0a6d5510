//! The accuracy board against real PostgreSQL: its ranks (summed from
//! `accuracy_counts`, migration 0013) and its top rows equal a
//! straightforward aggregate of the answers, over seeded members with tied
//! shares, hidden members, several `min:N` thresholds, week and month
//! boundaries, and after re-grades, deleted answers and a forgotten member.

use prepbot::domain::reply::FairRow;
use prepbot::storage::Store;
use sqlx::PgPool;

/// (rank, name, right, scored) as the board shows them.
type Shown = (i64, String, i64, i64);

/// One guild, 60 members (every fifth hidden), and 40 daily posts from
/// Monday 19 October to Friday 27 November 2026, crossing a month and
/// several weeks. Members answer in six patterns (by `id % 6`), so each
/// pattern's members tie; some answers are practice or ungraded, and some
/// fall on the next local day, across a week or month boundary.
const SEED: &[&str] = &[
    "INSERT INTO guilds (id, platform, external_id) VALUES (1, 'console', 'g')",
    "INSERT INTO channels (id, guild_id, external_id) VALUES (1, 1, 'c')",
    "INSERT INTO members (id, guild_id, external_id, display_name, hidden)
     SELECT i, 1, 'u' || i, 'member' || i, i % 5 = 0 FROM generate_series(1, 60) i",
    "INSERT INTO posts (id, channel_id, question_id, topic, kind, local_date, posted_at, reveal_at)
     SELECT p, 1, 'q' || p, 'sql', 'daily', date '2026-10-19' + p - 1,
            timestamptz '2026-10-19 09:00Z' + (p - 1) * interval '1 day',
            timestamptz '2026-10-19 17:00Z' + (p - 1) * interval '1 day'
     FROM generate_series(1, 40) p",
    "INSERT INTO answers (post_id, member_id, body, verdict, counting, answered_at, local_day)
     SELECT p, m, 'x',
            CASE WHEN (p * (1 + m % 6)) % 7 < 1 + m % 6 THEN 'correct'
                 WHEN (p + m % 6) % 3 = 0 THEN 'incorrect'
                 WHEN p % 11 = 0 THEN NULL ELSE 'partial' END,
            CASE WHEN (p + m % 6) % 13 = 0 THEN 'practice' ELSE 'daily' END,
            timestamptz '2026-10-19 10:00Z' + (p - 1) * interval '1 day',
            date '2026-10-19' + p - 1 + (CASE WHEN (p + m % 6) % 5 = 0 THEN 1 ELSE 0 END)
     FROM generate_series(1, 40) p, generate_series(1, 60) m
     WHERE (p + m % 6) % (2 + m % 6) <> 0 AND (m % 6 <> 5 OR p <= 3 + m % 4)",
];

/// Re-grades, deleted answers and a member who asked to be forgotten.
const CHANGES: &[&str] = &[
    "UPDATE answers SET verdict = 'correct' WHERE member_id IN (7, 8) AND verdict = 'partial' AND post_id < 20",
    "UPDATE answers SET verdict = 'incorrect' WHERE member_id = 13 AND verdict = 'correct'",
    "UPDATE answers SET local_day = local_day + 3 WHERE member_id = 14 AND post_id % 4 = 0",
    "DELETE FROM answers WHERE member_id = 19 AND post_id > 30",
    "DELETE FROM members WHERE id = 25",
];

/// The boards checked: (scope, first local day, day after the last).
const BOARDS: &[(&str, &str, &str)] = &[
    ("all", "2000-01-01", "3000-01-01"),
    ("m:2026-10-01", "2026-10-01", "2026-11-01"),
    ("m:2026-11-01", "2026-11-01", "2026-12-01"),
    ("w:2026-10-26", "2026-10-26", "2026-11-02"),
    ("w:2026-11-23", "2026-11-23", "2026-11-30"),
];

/// The board computed from the answers themselves: every scored answer of
/// the days in [$2, $3), members with at least $4 ranked by share right
/// (competition ranks), listed by share, answers and id; the first $5 rows
/// and the viewer's ($1) own.
const EXPECTED: &str = "WITH a AS (
        SELECT a.member_id, count(*) FILTER (WHERE a.verdict = 'correct') AS correct, count(*) AS answers
        FROM answers a
        WHERE a.local_day >= $2::date AND a.local_day < $3::date
          AND a.verdict IS NOT NULL AND a.counting <> 'practice'
        GROUP BY a.member_id HAVING count(*) >= $4),
     r AS (SELECT a.*, rank() OVER (ORDER BY correct::float8 / answers DESC) AS rank,
                  row_number() OVER (ORDER BY correct::float8 / answers DESC, answers DESC, member_id) AS n
           FROM a)
     SELECT r.rank, CASE WHEN m.hidden AND m.id <> $1 THEN 'anonymous' ELSE m.display_name END,
            r.correct, r.answers, r.n <= $5, r.member_id = $1
     FROM r JOIN members m ON m.id = r.member_id ORDER BY r.n";

async fn expected(
    pool: &PgPool,
    (from, to): (&str, &str),
    min: i64,
    viewer: i64,
    limit: i64,
) -> (Vec<Shown>, Option<Shown>) {
    let rows: Vec<(i64, String, i64, i64, bool, bool)> = sqlx::query_as(EXPECTED)
        .bind(viewer)
        .bind(from)
        .bind(to)
        .bind(min)
        .bind(limit)
        .fetch_all(pool)
        .await
        .unwrap();
    let shown = |r: &(i64, String, i64, i64, bool, bool)| (r.0, r.1.clone(), r.2, r.3);
    let top = rows.iter().filter(|r| r.4).map(shown).collect();
    let me = rows.iter().find(|r| r.5).map(shown);
    (top, me)
}

fn shown(r: &FairRow) -> Shown {
    (r.rank, r.name.clone(), r.value, r.of)
}

async fn assert_boards_match(store: &Store, pool: &PgPool, after: &str) {
    let mut compared = 0;
    for &(scope, from, to) in BOARDS {
        for min in [1, 3, 7, 20] {
            for viewer in [0, 5, 10, 12, 14, 31, 59, 60] {
                for limit in [1, 4, 10, 100] {
                    let (top, me) = store
                        .accuracy_board(1, scope, min, viewer, limit)
                        .await
                        .unwrap();
                    let got = (top.iter().map(shown).collect(), me.as_ref().map(shown));
                    let want = expected(pool, (from, to), min, viewer, limit).await;
                    assert_eq!(
                        got, want,
                        "{scope} min:{min} viewer {viewer} limit {limit} after {after}"
                    );
                    compared += got.0.len();
                }
            }
        }
    }
    assert!(
        compared > 1000,
        "enough rows compared after {after}: {compared}"
    );
}

/// `accuracy_counts` equals a rebuild from `accuracy_totals`.
async fn assert_counts_rebuilt(pool: &PgPool, after: &str) {
    let q = |sql: &'static str| sqlx::query_as::<_, (String, i64, i64, i64)>(sql).fetch_all(pool);
    let kept = q(
        "SELECT scope, answers, correct, sum(members)::bigint FROM accuracy_counts
                  GROUP BY 1, 2, 3 ORDER BY 1, 2, 3",
    );
    let rebuilt = q(
        "SELECT scope, answers, correct, count(*) FROM accuracy_totals
                     GROUP BY 1, 2, 3 ORDER BY 1, 2, 3",
    );
    let (kept, rebuilt) = tokio::try_join!(kept, rebuilt).unwrap();
    assert_eq!(kept, rebuilt, "accuracy counts after {after}");
    let empty: i64 = sqlx::query_scalar("SELECT count(*) FROM accuracy_counts WHERE members <= 0")
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(empty, 0, "no empty pair rows after {after}");
}

#[sqlx::test]
async fn the_accuracy_board_equals_a_straightforward_aggregate_of_the_answers(pool: PgPool) {
    let store = Store::from_pool(pool.clone());
    for sql in SEED {
        sqlx::query(sql).execute(&pool).await.unwrap();
    }
    let ties: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM accuracy_counts WHERE scope = 'all' AND members > 1",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(ties > 0, "the seed has members sharing a pair");
    assert_counts_rebuilt(&pool, "the seed").await;
    assert_boards_match(&store, &pool, "the seed").await;
    for sql in CHANGES {
        sqlx::query(sql).execute(&pool).await.unwrap();
    }
    assert_counts_rebuilt(&pool, "re-grades, deletions and forget me").await;
    assert_boards_match(&store, &pool, "re-grades, deletions and forget me").await;
}

#[sqlx::test]
async fn a_deleted_server_leaves_no_accuracy_counts(pool: PgPool) {
    for sql in SEED {
        sqlx::query(sql).execute(&pool).await.unwrap();
    }
    sqlx::query("DELETE FROM guilds WHERE id = 1")
        .execute(&pool)
        .await
        .unwrap();
    let left: i64 = sqlx::query_scalar("SELECT count(*) FROM accuracy_counts")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(left, 0);
}
