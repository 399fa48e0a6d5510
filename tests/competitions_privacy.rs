//! Privacy against real PostgreSQL: `/privacy hide` makes a member
//! "anonymous" on every public board and post, and `/forget me` deletes
//! their record, leaving board totals equal to a rebuild from the ledger.

mod common;

use common::*;
use prepbot::domain::boards::scopes_for;
use prepbot::domain::reply::{Announced, Body, Effect, Response};
use sqlx::PgPool;
use std::collections::BTreeMap;

fn names(r: &Response) -> Vec<String> {
    match &r.reply.body {
        Body::Leaderboard(l) => l.rows.iter().map(|s| s.name.clone()).collect(),
        Body::SeasonStatus(s) => s.rows.iter().map(|s| s.name.clone()).collect(),
        Body::SeasonResults(s) => s.podium.iter().map(|s| s.name.clone()).collect(),
        _ => panic!("{}", text(r)),
    }
}

fn announced_names(effects: &[Effect]) -> Vec<Vec<String>> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Announce { card, .. } => Some(match &card.body {
                Announced::SeasonResults(r) => r.podium.iter().map(|s| s.name.clone()).collect(),
                Announced::Winners(w) => w.podium.iter().map(|s| s.name.clone()).collect(),
                _ => Vec::new(),
            }),
            _ => None,
        })
        .collect()
}

async fn answer_daily(w: &World, who: &[&str]) -> String {
    let effects = tick_delivered(w, CONSOLE).await;
    let q = posted_question(
        effects
            .iter()
            .find(|e| matches!(e, Effect::PostQuestion { .. }))
            .expect("a daily post"),
    );
    for name in who {
        w.run(&member(name), &format!("/answer {}", good_answer(&q)))
            .await;
    }
    q
}

#[sqlx::test]
async fn a_hidden_member_is_anonymous_on_every_board_and_post_but_sees_their_own_rank(
    pool: PgPool,
) {
    // Monday 23 November 2026, 08:00 UTC.
    let w = World::new(pool, utc(2026, 11, 23, 8, 0));
    w.run(
        &admin("lead"),
        "/daily setup time:09:00 tz:UTC reveal:17:00",
    )
    .await;
    w.run(&admin("lead"), "/winners on").await;
    w.run(&admin("lead"), "/season start name:Dec ends:2026-11-29")
        .await;
    w.advance_hours(1);
    answer_daily(&w, &["ana", "ben"]).await;
    let r = w.run(&member("ana"), "/privacy hide").await;
    assert!(text(&r).contains("anonymous"), "{}", text(&r));

    // The reveal names those who got it right.
    w.advance_hours(8);
    let reveal = w.engine.run_due(CONSOLE).await.unwrap();
    let Some(Effect::PostReveal { card, .. }) = reveal.first() else {
        panic!("{reveal:?}")
    };
    assert!(card.correct_names.contains(&"anonymous".to_owned()));
    assert!(!card.correct_names.contains(&"ana".to_owned()));

    for line in [
        "/leaderboard week",
        "/leaderboard month",
        "/leaderboard all",
        "/season status",
    ] {
        let seen_by_ben = names(&w.run(&member("ben"), line).await);
        assert!(
            seen_by_ben.contains(&"anonymous".to_owned()),
            "{line}: {seen_by_ben:?}"
        );
        assert!(!seen_by_ben.contains(&"ana".to_owned()), "{line}");
        let own = w.run(&member("ana"), line).await;
        assert!(names(&own).contains(&"ana".to_owned()), "{line}");
    }
    let Body::Leaderboard(l) = &w.run(&member("ana"), "/leaderboard week").await.reply.body else {
        panic!()
    };
    assert_eq!(
        l.me.as_ref().map(|m| (m.rank, m.name.as_str())),
        Some((1, "ana"))
    );
    let stats = w.run(&member("ben"), "/stats ana").await;
    assert!(text(&stats).contains("private"), "{}", text(&stats));

    // The season results and the week's winners, posted Monday 00:00.
    w.clock.set(utc(2026, 11, 30, 0, 0));
    let posts = announced_names(&w.engine.run_due(CONSOLE).await.unwrap());
    assert_eq!(posts.len(), 2, "{posts:?}");
    for podium in posts {
        assert!(podium.contains(&"anonymous".to_owned()), "{podium:?}");
        assert!(!podium.contains(&"ana".to_owned()));
    }
    let h = w.run(&member("ben"), "/season history").await;
    assert!(!text(&h).contains("ana"), "{}", text(&h));

    // Showing again restores the name.
    w.run(&member("ana"), "/privacy show").await;
    let seen = names(&w.run(&member("ben"), "/leaderboard all").await);
    assert!(seen.contains(&"ana".to_owned()));
}

/// `board_totals` as a map, without zero rows.
async fn totals(pool: &PgPool) -> BTreeMap<(i64, String, i64), i64> {
    let rows: Vec<(i64, String, i64, i64)> = sqlx::query_as(
        "SELECT guild_id, scope, member_id, points FROM board_totals WHERE points <> 0",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    rows.into_iter()
        .map(|(g, s, m, p)| ((g, s, m), p))
        .collect()
}

/// Every board rebuilt from the ledger alone.
async fn rebuilt(pool: &PgPool) -> BTreeMap<(i64, String, i64), i64> {
    let events: Vec<(i64, i64, String, i32, chrono::NaiveDate)> =
        sqlx::query_as("SELECT guild_id, member_id, topic, delta, local_day FROM point_events")
            .fetch_all(pool)
            .await
            .unwrap();
    let mut out = BTreeMap::new();
    for (g, m, topic, delta, day) in events {
        for scope in scopes_for(day, &topic) {
            *out.entry((g, scope, m)).or_insert(0) += i64::from(delta);
        }
    }
    out.retain(|_, p| *p != 0);
    out
}

#[sqlx::test]
async fn after_forget_me_the_board_totals_equal_a_rebuild_from_the_ledger(pool: PgPool) {
    let w = World::new(pool.clone(), utc(2026, 11, 23, 8, 0));
    w.run(&admin("lead"), "/daily setup time:09:00 tz:Europe/London")
        .await;
    w.advance_hours(1);
    answer_daily(&w, &["ana", "ben", "cat"]).await;
    w.advance_hours(24);
    answer_daily(&w, &["ana", "cat"]).await;
    for who in ["ana", "ben"] {
        let r = w.run(&member(who), "/quiz format:choice").await;
        let Body::Question(c) = &r.reply.body else {
            panic!()
        };
        w.run(&member(who), &format!("/answer {}", answer_to(c, true)))
            .await;
    }
    assert_eq!(totals(&pool).await, rebuilt(&pool).await);

    let ask = w.run(&member("ana"), "/forget me").await;
    assert!(text(&ask).contains("confirm:yes"), "{}", text(&ask));
    let ana: i64 = sqlx::query_scalar("SELECT id FROM members WHERE display_name = 'ana'")
        .fetch_one(&pool)
        .await
        .unwrap();
    let before = totals(&pool).await;
    assert!(
        before.keys().any(|(_, _, m)| *m == ana),
        "nothing deleted without confirming"
    );

    let done = w.run(&member("ana"), "/forget me confirm:yes").await;
    assert!(
        text(&done).starts_with("Done: 3 answers"),
        "{}",
        text(&done)
    );
    let after = totals(&pool).await;
    assert_eq!(after, rebuilt(&pool).await);
    // Only ana's rows went; everyone else's totals are unchanged.
    let mut expected = before.clone();
    expected.retain(|(_, _, m), _| *m != ana);
    assert_eq!(after, expected);

    let stats = w.run(&member("ana"), "/stats").await;
    let Body::Stats(s) = &stats.reply.body else {
        panic!()
    };
    assert_eq!((s.points, s.answers, s.best_streak), (0, 0, 0));
    let board = names(&w.run(&member("ben"), "/leaderboard all").await);
    assert!(!board.contains(&"ana".to_owned()), "{board:?}");
}
