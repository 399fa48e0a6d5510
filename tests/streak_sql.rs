//! The streak rule lives in `domain::scoring::Streak::answered`; to record
//! an answer in one statement, `storage::points` writes the same rule as an
//! SQL upsert. These tests hold the two together: over every pattern of
//! posted and answered days in a fortnight (and a seeded sample of longer
//! runs), the streak the database keeps after each answer is the one the
//! domain rule computes.

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use prepbot::domain::scoring::Streak;
use prepbot::storage::{Ctx, NewAnswer, Store};
use rand::{Rng, SeedableRng};
use sqlx::PgPool;

fn day(n: i64) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 1).unwrap() + Duration::days(n)
}

/// A guild, a channel and a member; the member's context.
async fn place(pool: &PgPool, member: &str) -> Ctx {
    let (guild_id, channel_id, member_id): (i64, i64, i64) = sqlx::query_as(
        "WITH g AS (INSERT INTO guilds (platform, external_id) VALUES ('console', $1) RETURNING id),
              c AS (INSERT INTO channels (guild_id, external_id) SELECT id, 'c' FROM g RETURNING id),
              m AS (INSERT INTO members (guild_id, external_id, display_name) SELECT id, 'u', 'u' FROM g RETURNING id)
         SELECT g.id, c.id, m.id FROM g, c, m",
    )
    .bind(member)
    .fetch_one(pool)
    .await
    .unwrap();
    Ctx {
        guild_id,
        channel_id,
        member_id,
    }
}

/// Posts a daily question in the channel for each of `posted` days.
async fn post_days(pool: &PgPool, ctx: Ctx, posted: &[i64]) -> Vec<i64> {
    let mut ids = Vec::new();
    for &d in posted {
        let at = Utc.from_utc_datetime(&day(d).and_hms_opt(9, 0, 0).unwrap());
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO posts (channel_id, question_id, topic, kind, local_date, posted_at, reveal_at)
             VALUES ($1, 'q', 'sql', 'daily', $2, $3, $3 + interval '8 hours') RETURNING id",
        )
        .bind(ctx.channel_id)
        .bind(day(d))
        .bind(at)
        .fetch_one(pool)
        .await
        .unwrap();
        ids.push(id);
    }
    ids
}

/// Answers the posts of `answered` (indexes into `posted`) in order, and
/// checks the stored streak against the domain rule after each.
async fn check(pool: &PgPool, store: &Store, name: &str, posted: &[i64], answered: &[usize]) {
    let ctx = place(pool, name).await;
    let ids = post_days(pool, ctx, posted).await;
    let mut expected = Streak::default();
    for &i in answered {
        let date = day(posted[i]);
        let previous = posted
            .iter()
            .filter(|&&d| day(d) < date)
            .max()
            .map(|&d| day(d));
        expected = expected.answered(date, previous);
        let at = Utc.from_utc_datetime(&date.and_hms_opt(10, 0, 0).unwrap());
        let new = NewAnswer {
            post_id: ids[i],
            topic: "sql",
            body: "x",
            verdict: Some("correct"),
            score: 1.0,
            feedback: serde_json::json!({}),
            points: 10,
            counting: "daily",
            at,
            day: date,
            streak: Some(date),
        };
        let (_, got) = store.record_answer(ctx, &new).await.unwrap().unwrap();
        assert_eq!(
            got,
            Some(expected),
            "{name}: posted {posted:?}, answered {answered:?}, after post {i}"
        );
    }
}

#[sqlx::test]
async fn the_sql_streak_equals_the_domain_rule_for_every_answer_pattern_over_a_week(pool: PgPool) {
    let store = Store::from_pool(pool.clone());
    // Posted every day but Sunday; every subset of the six posts answered.
    let posted = [0, 1, 2, 3, 4, 5];
    for mask in 0u32..64 {
        let answered: Vec<usize> = (0..6).filter(|i| mask & (1 << i) != 0).collect();
        check(&pool, &store, &format!("m{mask}"), &posted, &answered).await;
    }
}

#[sqlx::test]
async fn the_sql_streak_equals_the_domain_rule_on_seeded_random_schedules(pool: PgPool) {
    let store = Store::from_pool(pool.clone());
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(15);
    for run in 0..40 {
        // Gaps in the schedule (weekdays only, holidays) and in the answers.
        let posted: Vec<i64> = (0..30).filter(|_| rng.gen_bool(0.7)).collect();
        let answered: Vec<usize> = (0..posted.len()).filter(|_| rng.gen_bool(0.6)).collect();
        check(&pool, &store, &format!("r{run}"), &posted, &answered).await;
    }
}

#[sqlx::test]
async fn an_answer_that_is_not_a_daily_on_time_leaves_the_streak_alone(pool: PgPool) {
    let store = Store::from_pool(pool.clone());
    let ctx = place(&pool, "late").await;
    let ids = post_days(&pool, ctx, &[0]).await;
    let new = NewAnswer {
        post_id: ids[0],
        topic: "sql",
        body: "x",
        verdict: Some("correct"),
        score: 1.0,
        feedback: serde_json::json!({}),
        points: 0,
        counting: "practice",
        at: Utc::now(),
        day: day(0),
        streak: None,
    };
    let (_, streak) = store.record_answer(ctx, &new).await.unwrap().unwrap();
    assert_eq!(streak, None);
    let rows: i64 = sqlx::query_scalar("SELECT count(*) FROM streaks")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(rows, 0);
    assert!(
        store.record_answer(ctx, &new).await.unwrap().is_none(),
        "a second answer to the same post writes nothing"
    );
}
