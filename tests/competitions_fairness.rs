//! Fairness against real PostgreSQL: the on-time and streak bonus switches,
//! and the most improved and accuracy boards.

mod common;

use common::*;
use prepbot::domain::boards::scopes_for;
use prepbot::domain::reply::{Body, Effect, Response};
use sqlx::PgPool;
use std::collections::BTreeMap;

/// Posts the day's question, answers it correctly as `who`; the points.
async fn daily_points(w: &World, who: &str) -> (i32, i64) {
    let effects = w.engine.run_due(CONSOLE).await.unwrap();
    let q = effects
        .iter()
        .find(|e| matches!(e, Effect::PostQuestion { .. }))
        .map(posted_question)
        .expect("a daily post");
    let r = w
        .run(&member(who), &format!("/answer {}", good_answer(&q)))
        .await;
    let Body::Feedback(f) = &r.reply.body else {
        panic!("{}", text(&r))
    };
    (f.points, f.answer_id)
}

async fn quiz(w: &World, who: &str, filter: &str, right: bool) {
    let r = w.run(&member(who), &format!("/quiz {filter}")).await;
    let Body::Question(c) = &r.reply.body else {
        panic!("{}", text(&r))
    };
    let a = answer_to(c, right);
    w.run(&member(who), &format!("/answer {a}")).await;
}

fn rows(r: &Response) -> Vec<(i64, String, i64, i64)> {
    let Body::FairBoard(b) = &r.reply.body else {
        panic!("{}", text(r))
    };
    b.rows
        .iter()
        .map(|r| (r.rank, r.name.clone(), r.value, r.of))
        .collect()
}

async fn consistent(pool: &PgPool) {
    let totals: Vec<(i64, String, i64, i64)> = sqlx::query_as(
        "SELECT guild_id, scope, member_id, points FROM board_totals WHERE points <> 0",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    let events: Vec<(i64, i64, String, i32, chrono::NaiveDate)> =
        sqlx::query_as("SELECT guild_id, member_id, topic, delta, local_day FROM point_events")
            .fetch_all(pool)
            .await
            .unwrap();
    let mut rebuilt = BTreeMap::new();
    for (g, m, topic, delta, day) in events {
        for s in scopes_for(day, &topic) {
            *rebuilt.entry((g, s, m)).or_insert(0_i64) += i64::from(delta);
        }
    }
    rebuilt.retain(|_, p| *p != 0);
    let totals: BTreeMap<_, _> = totals
        .into_iter()
        .map(|(g, s, m, p)| ((g, s, m), p))
        .collect();
    assert_eq!(totals, rebuilt);
}

#[sqlx::test]
async fn with_the_on_time_bonus_off_a_daily_answer_earns_only_its_base_points(pool: PgPool) {
    let w = World::new(pool, utc(2026, 11, 23, 9, 0));
    w.run(&admin("lead"), "/daily setup time:09:00 tz:UTC")
        .await;
    let r = w.run(&member("ana"), "/scoring on-time:off").await;
    assert!(matches!(r.reply.body, Body::AdminOnly));
    let r = w.run(&admin("lead"), "/scoring on-time:off").await;
    assert!(text(&r).contains("On-time bonus: off"), "{}", text(&r));
    let shown = w.run(&member("ana"), "/scoring").await;
    assert!(
        text(&shown).contains("Streak bonus: off"),
        "{}",
        text(&shown)
    );
    // The first daily question of the test bank is t-cap-choice (easy: 10).
    assert_eq!(daily_points(&w, "ana").await.0, 10);
    w.run(&admin("lead"), "/scoring on-time:on").await;
    w.advance_hours(24);
    let (points, _) = daily_points(&w, "ana").await;
    assert_eq!(points % 5, 0);
    assert!(points > 5, "the bonus is back: {points}");
}

#[sqlx::test]
async fn the_streak_bonus_grows_with_the_streak_and_a_regrade_keeps_it(pool: PgPool) {
    let w = World::new(pool.clone(), utc(2026, 11, 23, 9, 0));
    w.run(&admin("lead"), "/daily setup time:09:00 tz:UTC")
        .await;
    w.run(&admin("lead"), "/scoring streak:on").await;
    // Day one: t-cap-choice, easy, right: 10 + 5 on time, no streak bonus yet.
    assert_eq!(daily_points(&w, "ana").await.0, 15);
    w.advance_hours(24);
    let (two, _) = daily_points(&w, "ana").await;
    w.advance_hours(24);
    let (three, answer) = daily_points(&w, "ana").await;
    let base = |p: i32, bonus: i32| p - 5 - bonus;
    // Whatever the questions were, the streak adds +1 on day two and +2 on day three.
    assert!([10, 15, 20, 30].contains(&base(two, 1)), "{two}");
    assert!([10, 15, 20, 30].contains(&base(three, 2)), "{three}");

    let down = w
        .run(&admin("lead"), &format!("/regrade {answer} incorrect"))
        .await;
    assert!(text(&down).contains("-> 0"), "{}", text(&down));
    let up = w
        .run(&admin("lead"), &format!("/regrade {answer} correct"))
        .await;
    let restored: i32 = text(&up)
        .rsplit("-> ")
        .next()
        .unwrap()
        .split('.')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        restored >= three,
        "{restored} keeps the streak bonus of day three"
    );
    assert_eq!((restored - 5 - 2) % 10, 0, "{restored}");
    consistent(&pool).await;
}

#[sqlx::test]
async fn the_most_improved_and_accuracy_boards_rank_by_gain_and_share_right(pool: PgPool) {
    // Week one (from Monday 16 November): ana leads.
    let w = World::new(pool, utc(2026, 11, 17, 10, 0));
    quiz(&w, "ana", "format:truefalse", true).await; // hard: 30
    quiz(&w, "ana", "format:choice", true).await; // easy: 10
    quiz(&w, "ben", "format:choice", true).await; // 10
                                                  // Week two: ben gains, ana slips.
    w.advance_hours(7 * 24);
    quiz(&w, "ben", "format:truefalse", true).await; // 30
    quiz(&w, "ben", "topic:sql", true).await; // partial: 5
    quiz(&w, "ana", "topic:streaming", false).await; // 0

    let improved = w.run(&member("cat"), "/leaderboard improved week").await;
    assert_eq!(rows(&improved), [(1, "ben".into(), 25, 35)]);
    let acc = w
        .run(&member("ana"), "/leaderboard accuracy week min:1")
        .await;
    assert_eq!(
        rows(&acc),
        [(1, "ben".into(), 1, 2), (2, "ana".into(), 0, 1)]
    );
    let Body::FairBoard(b) = &acc.reply.body else {
        panic!()
    };
    assert_eq!(b.me.as_ref().map(|m| m.rank), Some(2));
    // All time, with the default minimum of three answers: a tie at 2 of 3.
    let all = w.run(&member("ana"), "/leaderboard accuracy all").await;
    assert_eq!(
        rows(&all),
        [(1, "ana".into(), 2, 3), (1, "ben".into(), 2, 3)]
    );
    let strict = w
        .run(&member("ana"), "/leaderboard accuracy all min:4")
        .await;
    assert!(rows(&strict).is_empty());
    assert!(text(&strict).contains("4 or more"), "{}", text(&strict));
}
