//! Teams against real PostgreSQL: balancing is deterministic given the
//! seed, and the team board ranks by average points per active member.

mod common;

use common::*;
use prepbot::domain::reply::{Body, Response};
use sqlx::PgPool;

async fn quiz_right(w: &World, who: &str, filter: &str) {
    let r = w.run(&member(who), &format!("/quiz {filter}")).await;
    let Body::Question(c) = &r.reply.body else {
        panic!("{}", text(&r))
    };
    w.run(&member(who), &format!("/answer {}", answer_to(c, true)))
        .await;
}

fn board(r: &Response) -> Vec<(i64, String, i64, i64, i64)> {
    let Body::TeamBoard(b) = &r.reply.body else {
        panic!("{}", text(r))
    };
    b.rows
        .iter()
        .map(|t| {
            (
                t.rank,
                t.name.clone(),
                t.average_tenths,
                t.active,
                t.members,
            )
        })
        .collect()
}

async fn teams_of(pool: &PgPool) -> Vec<(String, String)> {
    sqlx::query_as(
        "SELECT t.name, m.display_name FROM team_members tm JOIN teams t ON t.id = tm.team_id
         JOIN members m ON m.id = tm.member_id ORDER BY t.name, m.display_name",
    )
    .fetch_all(pool)
    .await
    .unwrap()
}

#[sqlx::test]
async fn the_team_board_ranks_by_average_points_per_active_member(pool: PgPool) {
    let w = World::new(pool, utc(2026, 11, 24, 10, 0));
    let r = w.run(&member("ana"), "/team create Red").await;
    assert!(matches!(r.reply.body, Body::AdminOnly));
    w.run(&admin("lead"), "/team create Red").await;
    w.run(&admin("lead"), "/team create Blue").await;
    for (who, team) in [
        ("ana", "Red"),
        ("ben", "red"),
        ("cat", "Blue"),
        ("dan", "Blue"),
    ] {
        let r = w.run(&member(who), &format!("/team join {team}")).await;
        assert!(text(&r).contains("You are now in team"), "{}", text(&r));
    }
    quiz_right(&w, "ana", "format:truefalse").await; // 30
    quiz_right(&w, "ben", "format:choice").await; // 10
    quiz_right(&w, "cat", "format:truefalse").await; // 30; dan scores nothing
    let b = board(&w.run(&member("dan"), "/team board").await);
    // Blue: 30 over one active member; Red: 40 over two. Dan does not dilute Blue.
    assert_eq!(
        b,
        [(1, "Blue".into(), 300, 1, 2), (2, "Red".into(), 200, 2, 2)]
    );
    let none = w.run(&member("dan"), "/team join Green").await;
    assert!(
        text(&none).contains("no team called Green"),
        "{}",
        text(&none)
    );
}

#[sqlx::test]
async fn balancing_from_last_months_results_is_deterministic_given_the_seed(pool: PgPool) {
    // November's results, then balance on 2 December.
    let w = World::new(pool.clone(), utc(2026, 11, 10, 10, 0));
    for (who, filters) in [
        ("ana", &["format:truefalse", "format:choice"][..]),
        ("ben", &["format:truefalse"][..]),
        ("cat", &["format:choice"][..]),
        ("dan", &["format:choice"][..]),
        ("eve", &["topic:sql"][..]),
        ("fay", &["topic:sql"][..]),
    ] {
        for f in filters {
            quiz_right(&w, who, f).await;
        }
    }
    w.clock.set(utc(2026, 12, 2, 10, 0));
    let r = w.run(&admin("lead"), "/team balance teams:2 seed:5").await;
    assert!(text(&r).contains("Team 1 (3), Team 2 (3)"), "{}", text(&r));
    let first = teams_of(&pool).await;
    w.run(&admin("lead"), "/team balance teams:2 seed:5").await;
    assert_eq!(teams_of(&pool).await, first, "same seed, same teams");
    // The snake draft: ana (40) and ben (30) lead different teams.
    let team = |who: &str| first.iter().find(|(_, m)| m == who).unwrap().0.clone();
    assert_ne!(team("ana"), team("ben"));
    // Ties (cat and dan at 10, eve and fay at 5) are split by the seed.
    assert_ne!(team("cat"), team("dan"));
    assert_ne!(team("eve"), team("fay"));
    let seeds_differ = {
        let mut differ = false;
        for seed in 0..20 {
            w.run(
                &admin("lead"),
                &format!("/team balance teams:2 seed:{seed}"),
            )
            .await;
            differ |= teams_of(&pool).await != first;
        }
        differ
    };
    assert!(seeds_differ, "another seed orders the ties differently");
}
