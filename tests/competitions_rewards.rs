//! Rewards against real PostgreSQL (issue 14): the champion reward passes
//! from one week's winner to the next exactly once, milestone and streak
//! rewards are granted once and show as badges, `forget me` takes them back,
//! and admin input is checked.

mod common;

use common::*;
use prepbot::domain::command::parse;
use prepbot::domain::reply::{Body, Effect, Response};
use prepbot::engine::{Place, Platform};
use sqlx::PgPool;

const DISCORD: &[Platform] = &[Platform::Discord];

/// A world whose place is a Discord server, where rewards can be roles.
fn on_discord(pool: PgPool, start: chrono::DateTime<chrono::Utc>) -> World {
    let mut w = World::new(pool, start);
    w.place = Place {
        platform: Platform::Discord,
        guild: "800000000000000001".into(),
        channel: "810000000000000001".into(),
    };
    w
}

async fn quiz_right(w: &World, who: &str, filter: &str) {
    let r = w.run(&member(who), &format!("/quiz {filter}")).await;
    let Body::Question(c) = &r.reply.body else {
        panic!("{}", text(&r))
    };
    w.run(&member(who), &format!("/answer {}", answer_to(c, true)))
        .await;
}

fn ok(r: &Response) -> String {
    let t = text(r);
    assert!(
        !matches!(r.reply.body, Body::Error(_) | Body::AdminOnly),
        "{t}"
    );
    t
}

async fn champions(w: &World) -> Vec<String> {
    let r = w.run(&member("ana"), "/rewards").await;
    let Body::Rewards(c) = &r.reply.body else {
        panic!("{}", text(&r))
    };
    c.champions.clone()
}

#[sqlx::test]
async fn the_champion_reward_passes_from_last_weeks_winner_to_this_weeks_once_with_its_role(
    pool: PgPool,
) {
    // Wednesday 25 November 2026.
    let w = on_discord(pool.clone(), utc(2026, 11, 25, 10, 0));
    ok(&w.run(&admin("lead"), "/rewards champion week").await);
    ok(&w.run(&admin("lead"), "/rewards role champion 700").await);
    quiz_right(&w, "ana", "format:truefalse").await;
    // The week ends at Monday 00:00 UTC (the channel has no zone of its own).
    w.clock.set(utc(2026, 11, 29, 23, 59));
    assert!(role_changes(&tick_delivered(&w, DISCORD).await).is_empty());
    w.clock.set(utc(2026, 11, 30, 0, 1));
    assert_eq!(
        role_changes(&tick_delivered(&w, DISCORD).await),
        [("u-ana".to_owned(), "700".to_owned(), true)]
    );
    assert_eq!(champions(&w).await, ["ana"]);
    assert!(role_changes(&tick_delivered(&w, DISCORD).await).is_empty());

    // Ben wins the next week. Two schedulers tick at its end together.
    quiz_right(&w, "ben", "format:truefalse").await;
    quiz_right(&w, "ben", "format:choice").await;
    w.clock.set(utc(2026, 12, 7, 0, 1));
    let other = World::with_clock(pool.clone(), w.clock.clone());
    let (a, b) = tokio::join!(w.engine.run_due(DISCORD), other.engine.run_due(DISCORD));
    let mut moved = role_changes(&a.unwrap());
    moved.extend(role_changes(&b.unwrap()));
    moved.sort();
    assert_eq!(
        moved,
        [
            ("u-ana".to_owned(), "700".to_owned(), false),
            ("u-ben".to_owned(), "700".to_owned(), true)
        ]
    );
    assert_eq!(champions(&w).await, ["ben"]);

    // Neither was confirmed (the process died): a restarted process sends
    // both again after the claim lease, and nothing else.
    let restarted = World::with_clock(pool.clone(), w.clock.clone());
    assert!(role_changes(&tick_delivered(&restarted, DISCORD).await).is_empty());
    w.clock.advance(chrono::Duration::minutes(3));
    let mut again = role_changes(&tick_delivered(&restarted, DISCORD).await);
    again.sort();
    assert_eq!(again, moved);
    assert!(role_changes(&tick_delivered(&restarted, DISCORD).await).is_empty());
    let ana = w.run(&member("ana"), "/stats").await;
    assert!(!text(&ana).contains("champion"), "{}", text(&ana));
    let ben = w.run(&member("ben"), "/stats").await;
    assert!(text(&ben).contains("Badges: 🏆 champion"), "{}", text(&ben));
}

#[sqlx::test]
async fn a_hidden_winner_is_not_named_champion_and_nobody_else_is_either(pool: PgPool) {
    let w = World::new(pool, utc(2026, 11, 25, 10, 0));
    ok(&w.run(&admin("lead"), "/rewards champion week").await);
    quiz_right(&w, "ana", "format:truefalse").await;
    quiz_right(&w, "ana", "format:choice").await;
    quiz_right(&w, "ben", "format:truefalse").await;
    w.run(&member("ana"), "/privacy hide").await;
    w.clock.set(utc(2026, 11, 30, 0, 1));
    tick_delivered(&w, CONSOLE).await;
    assert!(champions(&w).await.is_empty());
    let r = w.run(&member("ben"), "/rewards").await;
    assert!(
        text(&r).contains("Champion now: nobody yet"),
        "{}",
        text(&r)
    );
}

#[sqlx::test]
async fn milestone_and_streak_rewards_are_granted_once_and_show_as_badges_on_boards_and_in_stats(
    pool: PgPool,
) {
    let w = World::new(pool.clone(), utc(2026, 11, 23, 8, 0));
    w.run(
        &admin("lead"),
        "/daily setup time:09:00 tz:UTC reveal:17:00",
    )
    .await;
    let on = ok(&w.run(&admin("lead"), "/rewards milestones 10,40").await);
    assert!(on.contains("Milestone rewards on"), "{on}");
    ok(&w.run(&admin("lead"), "/rewards streaks 2,3").await);
    // Three days of daily questions answered right on time.
    for day in 0..3 {
        w.clock.set(utc(2026, 11, 23 + day, 9, 5));
        let effects = tick_delivered(&w, CONSOLE).await;
        let card = effects
            .iter()
            .find_map(|e| match e {
                Effect::PostQuestion { card, .. } => Some(card.clone()),
                _ => None,
            })
            .expect("the daily question");
        w.run(
            &member("ana"),
            &format!("/answer {}", answer_to(&card, true)),
        )
        .await;
        tick_delivered(&w, CONSOLE).await;
    }
    let held = || async {
        sqlx::query_as::<_, (String, i64)>(
            "SELECT reward, tier FROM member_rewards ORDER BY reward",
        )
        .fetch_all(&pool)
        .await
        .unwrap()
    };
    let points: i64 = sqlx::query_scalar("SELECT points FROM board_totals WHERE scope = 'all'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(points >= 40, "{points}");
    assert_eq!(
        held().await,
        [("points".to_owned(), 40), ("streak".to_owned(), 3)]
    );
    let since: Vec<chrono::DateTime<chrono::Utc>> =
        sqlx::query_scalar("SELECT since FROM member_rewards ORDER BY reward")
            .fetch_all(&pool)
            .await
            .unwrap();
    // Later ticks change nothing: granted once.
    w.advance_hours(2);
    tick_delivered(&w, CONSOLE).await;
    let after: Vec<chrono::DateTime<chrono::Utc>> =
        sqlx::query_scalar("SELECT since FROM member_rewards ORDER BY reward")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(since, after);
    let board = text(&w.run(&member("ben"), "/leaderboard all").await);
    assert!(board.contains("ana ⭐ 40 🔥 3-day"), "{board}");
    let stats = text(&w.run(&member("ana"), "/stats").await);
    assert!(stats.contains("Badges: ⭐ 40 · 🔥 3-day"), "{stats}");
    let status = text(&w.run(&member("ana"), "/rewards").await);
    for line in [
        "Milestones: 10, 40 points",
        "Streaks: 2, 3 days",
        "Your badges: ⭐ 40 · 🔥 3-day",
    ] {
        assert!(status.contains(line), "{line} in {status}");
    }
    assert!(
        !status.contains("Roles"),
        "the console has no roles: {status}"
    );
    // Turning milestones off takes that badge back.
    ok(&w.run(&admin("lead"), "/rewards milestones off").await);
    assert_eq!(held().await, [("streak".to_owned(), 3)]);
}

#[sqlx::test]
async fn forget_me_removes_the_members_rewards_and_enqueues_their_role_removal(pool: PgPool) {
    let w = on_discord(pool.clone(), utc(2026, 11, 25, 10, 0));
    ok(&w.run(&admin("lead"), "/rewards milestones 5").await);
    ok(&w
        .run(&admin("lead"), "/rewards role points-5 <@&555>")
        .await);
    quiz_right(&w, "ana", "format:truefalse").await;
    assert_eq!(
        role_changes(&tick_delivered(&w, DISCORD).await),
        [("u-ana".to_owned(), "555".to_owned(), true)]
    );
    ok(&w.run(&member("ana"), "/forget me confirm:yes").await);
    let left: i64 = sqlx::query_scalar("SELECT count(*) FROM member_rewards")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(left, 0);
    assert_eq!(
        role_changes(&tick_delivered(&w, DISCORD).await),
        [("u-ana".to_owned(), "555".to_owned(), false)]
    );
    // Nothing is granted again: the points went with the answers.
    assert!(role_changes(&tick_delivered(&w, DISCORD).await).is_empty());
}

#[sqlx::test]
async fn hostile_reward_settings_are_refused_and_store_nothing(pool: PgPool) {
    let w = World::new(pool.clone(), utc(2026, 11, 25, 10, 0));
    for line in [
        "/rewards milestones 99999999999999999999",
        "/rewards milestones 500,100",
        "/rewards streaks -1",
        "/rewards streaks 1,2,3,4,5,6,7,8,9,10,11",
        "/rewards role trophy 1",
        "/rewards champion yearly",
        "/rewards milestones 100;DROP TABLE members",
    ] {
        assert!(parse(line).is_err(), "{line} parsed");
    }
    let r = w.run(&member("ana"), "/rewards milestones 100").await;
    assert!(matches!(r.reply.body, Body::AdminOnly));
    let r = w.run(&admin("lead"), "/rewards role champion 123").await;
    assert!(
        text(&r).contains("roles exist only on Discord"),
        "{}",
        text(&r)
    );
    let discord = on_discord(pool.clone(), utc(2026, 11, 25, 10, 0));
    let r = discord
        .run(&admin("lead"), "/rewards role points-500 123")
        .await;
    assert!(
        text(&r).contains("`points-500` is not one of this server's rewards"),
        "{}",
        text(&r)
    );
    let stored: i64 = sqlx::query_scalar(
        "SELECT (SELECT count(*) FROM reward_roles) + (SELECT count(*) FROM reward_settings
                 WHERE champion IS NOT NULL OR milestones <> '{}' OR streaks <> '{}')",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(stored, 0);
}

#[sqlx::test]
async fn hiding_takes_a_members_reward_roles_back_and_showing_gives_them_back(pool: PgPool) {
    let w = on_discord(pool, utc(2026, 11, 25, 10, 0));
    ok(&w.run(&admin("lead"), "/rewards milestones 5").await);
    ok(&w.run(&admin("lead"), "/rewards role points-5 555").await);
    quiz_right(&w, "ana", "format:truefalse").await;
    let give = ("u-ana".to_owned(), "555".to_owned(), true);
    assert_eq!(
        role_changes(&tick_delivered(&w, DISCORD).await),
        std::slice::from_ref(&give)
    );
    w.run(&member("ana"), "/privacy hide").await;
    assert_eq!(
        role_changes(&tick_delivered(&w, DISCORD).await),
        [("u-ana".to_owned(), "555".to_owned(), false)]
    );
    // Still a badge she sees herself.
    let stats = text(&w.run(&member("ana"), "/stats").await);
    assert!(stats.contains("⭐ 5"), "{stats}");
    w.run(&member("ana"), "/privacy show").await;
    assert_eq!(role_changes(&tick_delivered(&w, DISCORD).await), [give]);
}
