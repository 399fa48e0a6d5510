//! Seasons against real PostgreSQL: their boards, their end in each
//! channel's zone (across a DST change), and results posted exactly once.

mod common;

use common::*;
use prepbot::domain::reply::{Announced, Body, Effect, Response, SeasonResults};
use prepbot::engine::Place;
use sqlx::PgPool;

/// Gives `who` a quiz of `filter` and answers it correctly; returns the points.
async fn quiz_right(w: &World, who: &str, filter: &str) -> i32 {
    let r = w.run(&member(who), &format!("/quiz {filter}")).await;
    let Body::Question(card) = &r.reply.body else {
        panic!("{}", text(&r))
    };
    let r = w
        .run(&member(who), &format!("/answer {}", answer_to(card, true)))
        .await;
    let Body::Feedback(f) = &r.reply.body else {
        panic!("{}", text(&r))
    };
    f.points
}

fn board(r: &Response) -> Vec<(String, i64)> {
    match &r.reply.body {
        Body::SeasonStatus(s) => s.rows.iter().map(|r| (r.name.clone(), r.points)).collect(),
        Body::Leaderboard(l) => l.rows.iter().map(|r| (r.name.clone(), r.points)).collect(),
        _ => panic!("{}", text(r)),
    }
}

/// The season results among `effects`.
fn results(effects: &[Effect]) -> Vec<(i64, SeasonResults)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Announce { card, .. } => match &card.body {
                Announced::SeasonResults(r) => Some((card.id, r.clone())),
                _ => None,
            },
            _ => None,
        })
        .collect()
}

async fn due_results(w: &World) -> Vec<(i64, SeasonResults)> {
    results(&w.engine.run_due(CONSOLE).await.unwrap())
}

/// Runs the scheduler and delivers everything it claimed; the season results.
async fn tick(w: &World) -> Vec<(i64, SeasonResults)> {
    let effects = w.engine.run_due(CONSOLE).await.unwrap();
    for e in &effects {
        w.engine.delivered(e, None).await.unwrap();
    }
    results(&effects)
}

async fn start(w: &World, line: &str) {
    let r = w.run(&admin("lead"), line).await;
    assert!(text(&r).contains("has started"), "{}", text(&r));
}

#[sqlx::test]
async fn a_season_started_mid_week_counts_only_points_from_its_start(pool: PgPool) {
    // Monday 23 November 2026.
    let w = World::new(pool, utc(2026, 11, 23, 10, 0));
    assert_eq!(quiz_right(&w, "ana", "format:choice").await, 10);
    w.advance_hours(48);
    start(&w, "/season start name:\"Winter 2027\" ends:2027-03-31").await;
    w.advance_hours(24);
    assert_eq!(quiz_right(&w, "ben", "format:choice").await, 10);
    assert_eq!(quiz_right(&w, "ana", "format:truefalse").await, 30);

    let season = w.run(&member("ben"), "/season status").await;
    assert_eq!(board(&season), [("ana".into(), 30), ("ben".into(), 10)]);
    let Body::SeasonStatus(s) = &season.reply.body else {
        panic!()
    };
    assert_eq!(s.me.as_ref().map(|m| m.rank), Some(2));
    // The soft reset: the week and lifetime boards still hold Monday's points.
    let week = w.run(&member("ben"), "/leaderboard week").await;
    assert_eq!(board(&week), [("ana".into(), 40), ("ben".into(), 10)]);
    let all = w.run(&member("ben"), "/leaderboard all").await;
    assert_eq!(board(&all), [("ana".into(), 40), ("ben".into(), 10)]);
}

#[sqlx::test]
async fn only_admins_start_or_end_a_season_and_one_runs_at_a_time(pool: PgPool) {
    let w = World::new(pool, utc(2026, 11, 23, 10, 0));
    let r = w
        .run(&member("ana"), "/season start name:X ends:2027-01-01")
        .await;
    assert!(matches!(r.reply.body, Body::AdminOnly));
    start(&w, "/season start name:X ends:2027-01-01").await;
    let again = w
        .run(&admin("lead"), "/season start name:Y ends:2027-01-01")
        .await;
    assert!(text(&again).contains("already running"), "{}", text(&again));
    let past = w.run(&admin("lead"), "/season end").await;
    assert_eq!(past.effects.len(), 1);
    let before = w
        .run(&admin("lead"), "/season start name:Z ends:2026-11-01")
        .await;
    assert!(
        text(&before).contains("end before it starts"),
        "{}",
        text(&before)
    );
}

#[sqlx::test]
async fn a_season_ends_at_midnight_in_each_channels_zone_across_a_dst_change(pool: PgPool) {
    // New York springs forward on Sunday 14 March 2027, so the midnight after
    // it is 04:00 UTC (EDT), not 05:00 (EST). Tokyo's is 15:00 UTC on the 14th.
    let ny = World::new(pool.clone(), utc(2027, 3, 10, 12, 0));
    ny.run(
        &admin("lead"),
        "/daily setup time:09:00 tz:America/New_York",
    )
    .await;
    start(&ny, "/season start name:Spring ends:2027-03-14").await;
    let mut tokyo = World::with_clock(pool.clone(), ny.clock.clone());
    tokyo.place = Place {
        guild: "g2".into(),
        channel: "c2".into(),
        ..tokyo.place.clone()
    };
    tokyo
        .run(&admin("lead"), "/daily setup time:09:00 tz:Asia/Tokyo")
        .await;
    start(&tokyo, "/season start name:Sakura ends:2027-03-14").await;

    ny.clock.set(utc(2027, 3, 14, 14, 59));
    assert!(tick(&ny).await.is_empty());
    ny.clock.set(utc(2027, 3, 14, 15, 0));
    let tokyo_end = tick(&ny).await;
    assert_eq!(tokyo_end.len(), 1);
    assert_eq!(tokyo_end[0].1.name, "Sakura");
    assert_eq!(tokyo_end[0].1.ended_on, "2027-03-14");

    // 23:30 EDT on the 14th still counts; 00:30 EDT on the 15th does not.
    ny.clock.set(utc(2027, 3, 15, 3, 30));
    quiz_right(&ny, "ben", "format:choice").await;
    assert!(tick(&ny).await.is_empty());
    ny.clock.set(utc(2027, 3, 15, 3, 59));
    assert!(tick(&ny).await.is_empty());
    ny.clock.set(utc(2027, 3, 15, 4, 0));
    let ny_end = tick(&ny).await;
    assert_eq!(ny_end.len(), 1);
    assert_eq!(ny_end[0].1.name, "Spring");
    let podium: Vec<&str> = ny_end[0].1.podium.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(podium, ["ben"]);
    ny.clock.set(utc(2027, 3, 15, 4, 30));
    quiz_right(&ny, "ana", "format:choice").await;
    let r = ny.run(&member("ana"), "/season results 1").await;
    let Body::SeasonResults(after) = &r.reply.body else {
        panic!("{}", text(&r))
    };
    assert_eq!(after.podium.len(), 1, "ana answered after the end");
}

#[sqlx::test]
async fn season_results_are_posted_exactly_once_even_with_a_restart_at_the_boundary(pool: PgPool) {
    let a = World::new(pool.clone(), utc(2026, 11, 23, 10, 0));
    start(&a, "/season start name:Short ends:2026-11-24").await;
    quiz_right(&a, "ana", "format:choice").await;
    a.clock.set(utc(2026, 11, 25, 0, 0));
    let b = World::with_clock(pool.clone(), a.clock.clone());
    // Two schedulers race at the boundary: one claim.
    let (ea, eb) = tokio::join!(a.engine.run_due(CONSOLE), b.engine.run_due(CONSOLE));
    let claimed = [results(&ea.unwrap()), results(&eb.unwrap())].concat();
    assert_eq!(claimed.len(), 1);
    // The claimer crashed before delivering; a restarted engine waits for
    // the lease, then sends the same post once.
    let restarted = World::with_clock(pool.clone(), a.clock.clone());
    assert!(due_results(&restarted).await.is_empty());
    restarted.clock.advance(chrono::Duration::minutes(3));
    let again = restarted.engine.run_due(CONSOLE).await.unwrap();
    assert_eq!(results(&again).len(), 1);
    assert_eq!(again[0].post_id(), claimed[0].0);
    restarted.engine.delivered(&again[0], None).await.unwrap();
    restarted.clock.advance(chrono::Duration::minutes(3));
    assert!(due_results(&restarted).await.is_empty());
    let posts: i64 = sqlx::query_scalar("SELECT count(*) FROM competition_posts")
        .fetch_one(&pool)
        .await
        .unwrap();
    let wins: i64 =
        sqlx::query_scalar("SELECT count(*) FROM competition_wins WHERE kind = 'season'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!((posts, wins), (1, 1));
}

/// Posts the day's question and lets each `(who, right)` answer it.
async fn daily_day(w: &World, answers: &[(&str, bool)]) {
    let effects = w.engine.run_due(CONSOLE).await.unwrap();
    let q = effects
        .iter()
        .find(|e| matches!(e, Effect::PostQuestion { .. }))
        .map(posted_question)
        .expect("a daily post");
    for (who, right) in answers {
        let a = if *right {
            good_answer(&q)
        } else {
            bad_answer(&q)
        };
        w.run(&member(who), &format!("/answer {a}")).await;
    }
    w.advance_hours(24);
}

#[sqlx::test]
async fn season_results_name_the_podium_the_most_improved_the_longest_streak_and_the_most_accurate(
    pool: PgPool,
) {
    let w = World::new(pool, utc(2026, 11, 23, 8, 0));
    w.run(
        &admin("lead"),
        "/daily setup time:09:00 tz:UTC reveal:17:00",
    )
    .await;
    start(&w, "/season start name:One ends:2026-11-24").await;
    w.advance_hours(1);
    daily_day(&w, &[("ana", true), ("ben", false)]).await;
    daily_day(&w, &[("ana", true), ("ben", false)]).await;
    // Season one ends at midnight before Wednesday.
    w.clock.set(utc(2026, 11, 25, 0, 0));
    let one = due_results(&w).await;
    assert_eq!(one.len(), 1);
    start(&w, "/season start name:Two ends:2026-11-27").await;
    w.clock.set(utc(2026, 11, 25, 9, 0));
    daily_day(&w, &[("ana", false), ("ben", true)]).await;
    daily_day(&w, &[("ben", true)]).await;
    daily_day(&w, &[("ana", true), ("ben", true)]).await;
    let r = w.run(&admin("lead"), "/season end").await;
    let [Effect::Announce { card, .. }] = r.effects.as_slice() else {
        panic!("{r:?}")
    };
    let Announced::SeasonResults(two) = &card.body else {
        panic!()
    };
    let names: Vec<&str> = two.podium.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["ben", "ana"]);
    let award = |a: &Option<prepbot::domain::reply::Award>| {
        a.as_ref().map(|a| (a.name.clone(), a.value, a.out_of))
    };
    assert_eq!(award(&two.longest_streak), Some(("ben".into(), 3, None)));
    // The test bank grades the open answer partial: two of three right.
    // Ana, with two answers, is under the minimum of three.
    assert_eq!(award(&two.most_accurate), Some(("ben".into(), 2, Some(3))));
    let improved = two.most_improved.as_ref().unwrap();
    assert_eq!(improved.name, "ben");

    // The hall of fame keeps both seasons and their champions.
    let h = w.run(&member("cat"), "/season history").await;
    let Body::SeasonHistory(lines) = &h.reply.body else {
        panic!("{}", text(&h))
    };
    let fame: Vec<(&str, Vec<String>)> = lines
        .iter()
        .map(|l| (l.name.as_str(), l.champions.clone()))
        .collect();
    assert_eq!(
        fame,
        [
            ("Two", vec!["ben".to_owned()]),
            ("One", vec!["ana".to_owned()])
        ]
    );
    let stats = w.run(&member("ben"), "/stats").await;
    let Body::Stats(s) = &stats.reply.body else {
        panic!()
    };
    assert_eq!(s.wins.seasons, 1);
    assert!(text(&stats).contains("1 season"), "{}", text(&stats));
}

/// A season's board as kept in `board_totals`, and as summed from the ledger.
async fn season_board_and_ledger(pool: &PgPool) -> (Vec<(i64, i64)>, Vec<(i64, i64)>) {
    let kept = sqlx::query_as(
        "SELECT member_id, points FROM board_totals WHERE scope = 's:1' AND points <> 0 ORDER BY member_id",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    let summed = sqlx::query_as(
        "SELECT pe.member_id, sum(pe.delta)::bigint FROM point_events pe
         JOIN answers a ON a.id = pe.answer_id, seasons s
         WHERE s.id = 1 AND a.answered_at >= s.started_at AND a.answered_at < coalesce(s.ended_at, s.ends_at)
           AND (cardinality(s.topics) = 0 OR pe.topic = ANY(s.topics))
         GROUP BY pe.member_id HAVING sum(pe.delta) <> 0 ORDER BY pe.member_id",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    (kept, summed)
}

#[sqlx::test]
async fn a_season_board_equals_the_ledger_summed_over_its_window_after_regrades_and_forget_me(
    pool: PgPool,
) {
    let w = World::new(pool.clone(), utc(2026, 11, 23, 10, 0));
    quiz_right(&w, "ana", "format:choice").await;
    w.advance_hours(48);
    start(
        &w,
        "/season start name:Topical ends:2026-12-31 topics:python,distributed-systems",
    )
    .await;
    w.advance_hours(1);
    quiz_right(&w, "ana", "format:truefalse").await;
    quiz_right(&w, "ben", "format:choice").await;
    quiz_right(&w, "cat", "format:truefalse").await;
    // Outside the season's topics: on the lifetime boards only.
    quiz_right(&w, "ben", "topic:sql").await;
    // Re-grading the answer from before the season leaves the season alone;
    // re-grading one inside it moves it.
    w.run(&admin("lead"), "/regrade 1 incorrect").await;
    let ben_choice: i64 = sqlx::query_scalar(
        "SELECT a.id FROM answers a JOIN members m ON m.id = a.member_id JOIN posts p ON p.id = a.post_id
         WHERE m.display_name = 'ben' AND p.question_id = 't-cap-choice'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    w.run(&admin("lead"), &format!("/regrade {ben_choice} partial"))
        .await;
    w.run(&member("cat"), "/forget me confirm:yes").await;
    let (kept, summed) = season_board_and_ledger(&pool).await;
    assert_eq!(kept, summed);
    let names = board(&w.run(&member("ana"), "/season status").await);
    assert_eq!(names, [("ana".into(), 30), ("ben".into(), 5)]);
}
