//! Weekly and monthly winners against real PostgreSQL: one post per period
//! at its end in the channel's zone, exactly once across restarts, and wins
//! counted in `/stats`.

mod common;

use common::*;
use prepbot::domain::reply::{Announced, Body, Effect, PeriodWinners};
use sqlx::PgPool;

fn winners(effects: &[Effect]) -> Vec<(i64, PeriodWinners)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Announce { card, .. } => match &card.body {
                Announced::Winners(w) => Some((card.id, w.clone())),
                _ => None,
            },
            _ => None,
        })
        .collect()
}

async fn tick(w: &World) -> Vec<(i64, PeriodWinners)> {
    let effects = w.engine.run_due(CONSOLE).await.unwrap();
    for e in &effects {
        w.engine.delivered(e, None).await.unwrap();
    }
    winners(&effects)
}

async fn quiz_right(w: &World, who: &str, filter: &str) {
    let r = w.run(&member(who), &format!("/quiz {filter}")).await;
    let Body::Question(c) = &r.reply.body else {
        panic!("{}", text(&r))
    };
    w.run(&member(who), &format!("/answer {}", answer_to(c, true)))
        .await;
}

#[sqlx::test]
async fn each_week_and_month_gets_one_winners_post_at_its_end_in_the_channels_zone(pool: PgPool) {
    // Wednesday 25 November 2026 in New York.
    let w = World::new(pool.clone(), utc(2026, 11, 25, 15, 0));
    w.run(
        &admin("lead"),
        "/daily setup time:09:00 tz:America/New_York",
    )
    .await;
    let r = w.run(&member("ana"), "/winners on").await;
    assert!(matches!(r.reply.body, Body::AdminOnly));
    w.run(&admin("lead"), "/winners on").await;
    // Last week and October ended before the opt-in: no posts for them.
    assert!(tick(&w).await.is_empty());
    quiz_right(&w, "ana", "format:truefalse").await;
    quiz_right(&w, "ben", "format:choice").await;

    // Sunday ends at 05:00 UTC on Monday in New York (EST).
    w.clock.set(utc(2026, 11, 30, 4, 59));
    assert!(tick(&w).await.is_empty());
    w.clock.set(utc(2026, 11, 30, 5, 0));
    let week = tick(&w).await;
    assert_eq!(week.len(), 1);
    let (_, post) = &week[0];
    assert_eq!(
        (post.period.as_str(), post.from.as_str(), post.to.as_str()),
        ("week", "2026-11-23", "2026-11-29")
    );
    let podium: Vec<(&str, i64)> = post
        .podium
        .iter()
        .map(|s| (s.name.as_str(), s.points))
        .collect();
    assert_eq!(podium, [("ana", 30), ("ben", 10)]);
    w.advance_hours(6);
    assert!(tick(&w).await.is_empty());

    // November ends at 05:00 UTC on 1 December.
    w.clock.set(utc(2026, 12, 1, 5, 0));
    let month = tick(&w).await;
    assert_eq!(month.len(), 1);
    assert_eq!(
        (month[0].1.period.as_str(), month[0].1.to.as_str()),
        ("month", "2026-11-30")
    );
    let stats = w.run(&member("ana"), "/stats").await;
    let Body::Stats(s) = &stats.reply.body else {
        panic!()
    };
    assert_eq!((s.wins.weeks, s.wins.months, s.wins.seasons), (1, 1, 0));
    assert!(
        text(&stats).contains("1 week · 1 month · 0 seasons"),
        "{}",
        text(&stats)
    );
}

#[sqlx::test]
async fn a_winners_post_is_made_exactly_once_even_with_a_restart_at_the_boundary(pool: PgPool) {
    let a = World::new(pool.clone(), utc(2026, 11, 25, 12, 0));
    a.run(&admin("lead"), "/winners on").await;
    quiz_right(&a, "ana", "format:choice").await;
    a.clock.set(utc(2026, 11, 30, 0, 0));
    let b = World::with_clock(pool.clone(), a.clock.clone());
    let (ea, eb) = tokio::join!(a.engine.run_due(CONSOLE), b.engine.run_due(CONSOLE));
    let claimed = [winners(&ea.unwrap()), winners(&eb.unwrap())].concat();
    assert_eq!(claimed.len(), 1);
    // The claimer died before sending it: after the lease, a restarted
    // process sends that same post, once.
    let restarted = World::with_clock(pool.clone(), a.clock.clone());
    assert!(winners(&restarted.engine.run_due(CONSOLE).await.unwrap()).is_empty());
    restarted.clock.advance(chrono::Duration::minutes(3));
    let again = restarted.engine.run_due(CONSOLE).await.unwrap();
    assert_eq!(winners(&again).len(), 1);
    assert_eq!(again[0].post_id(), claimed[0].0);
    restarted.engine.delivered(&again[0], None).await.unwrap();
    restarted.clock.advance(chrono::Duration::minutes(3));
    assert!(tick(&restarted).await.is_empty());
    let (posts, wins): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM competition_posts), (SELECT count(*) FROM competition_wins)",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!((posts, wins), (1, 1));
}

#[sqlx::test]
async fn winners_off_stops_the_posts(pool: PgPool) {
    let w = World::new(pool, utc(2026, 11, 25, 12, 0));
    w.run(&admin("lead"), "/winners on").await;
    quiz_right(&w, "ana", "format:choice").await;
    w.run(&admin("lead"), "/winners off").await;
    w.clock.set(utc(2026, 12, 1, 1, 0));
    assert!(tick(&w).await.is_empty());
}
