//! Seasons played by teams, and the kept team totals, against real
//! PostgreSQL: a team season's board counts the teams frozen at its start,
//! its results name the winning team once, and `team_totals` (like
//! `accuracy_totals`) equals a rebuild after every kind of change.

mod common;

use common::*;
use prepbot::domain::reply::{Announced, Body, Effect, Response, SeasonResults, TeamRow};
use sqlx::PgPool;

/// Gives `who` a quiz of `filter` and answers it correctly.
async fn quiz_right(w: &World, who: &str, filter: &str) {
    let r = w.run(&member(who), &format!("/quiz {filter}")).await;
    let Body::Question(c) = &r.reply.body else {
        panic!("{}", text(&r))
    };
    let r = w
        .run(&member(who), &format!("/answer {}", answer_to(c, true)))
        .await;
    assert!(text(&r).contains("Points: +"), "{}", text(&r));
}

/// (rank, team, average in tenths, active, members) of ranked team rows.
fn teams(rows: &[TeamRow]) -> Vec<(i64, String, i64, i64, i64)> {
    rows.iter()
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

fn team_board(r: &Response) -> Vec<(i64, String, i64, i64, i64)> {
    match &r.reply.body {
        Body::TeamBoard(b) => teams(&b.rows),
        Body::SeasonStatus(s) => teams(&s.teams),
        _ => panic!("{}", text(r)),
    }
}

fn results(effects: &[Effect]) -> Vec<SeasonResults> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Announce { card, .. } => match &card.body {
                Announced::SeasonResults(r) => Some(r.clone()),
                _ => None,
            },
            _ => None,
        })
        .collect()
}

async fn setup_teams(w: &World, joins: &[(&str, &str)]) {
    for team in ["Red", "Blue"] {
        w.run(&admin("lead"), &format!("/team create {team}")).await;
    }
    for (who, team) in joins {
        w.run(&member(who), &format!("/team join {team}")).await;
    }
}

async fn season_wins(pool: &PgPool) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT m.display_name FROM competition_wins w JOIN members m ON m.id = w.member_id
         WHERE w.kind = 'season' ORDER BY 1",
    )
    .fetch_all(pool)
    .await
    .unwrap()
}

#[sqlx::test]
async fn a_team_season_ranks_the_teams_frozen_at_its_start_and_posts_the_winning_team_once(
    pool: PgPool,
) {
    let w = World::new(pool.clone(), utc(2026, 11, 23, 10, 0));
    let none = w
        .run(
            &admin("lead"),
            "/season start name:Cup ends:2026-11-24 teams:yes",
        )
        .await;
    assert!(text(&none).contains("no teams here"), "{}", text(&none));
    setup_teams(
        &w,
        &[
            ("ana", "Red"),
            ("ben", "Red"),
            ("cat", "Blue"),
            ("dan", "Blue"),
        ],
    )
    .await;
    let r = w
        .run(
            &admin("lead"),
            "/season start name:Cup ends:2026-11-24 teams:yes",
        )
        .await;
    assert!(text(&r).contains("played by teams"), "{}", text(&r));
    quiz_right(&w, "ana", "format:truefalse").await; // 30 for Red
    quiz_right(&w, "ben", "format:choice").await; // 10 for Red
    quiz_right(&w, "cat", "format:truefalse").await; // 30 for Blue; dan scores nothing
                                                     // Ana moves to Blue: she still plays the season for Red.
    let moved = w.run(&member("ana"), "/team join Blue").await;
    assert!(
        text(&moved).contains("still play the running season for team Red"),
        "{}",
        text(&moved)
    );
    quiz_right(&w, "ana", "format:choice").await; // 10 more for Red in the season
                                                  // Eve was in no team at the start: she plays for the first she joins.
    w.run(&member("eve"), "/team join Red").await;
    w.run(&member("eve"), "/team join Blue").await;

    let status = w.run(&member("eve"), "/season status").await;
    // Red: 50 over ana and ben (eve is on its roster, inactive); Blue: 30 over cat.
    assert_eq!(
        team_board(&status),
        [(1, "Blue".into(), 300, 1, 2), (2, "Red".into(), 250, 2, 3)]
    );
    let Body::SeasonStatus(s) = &status.reply.body else {
        panic!()
    };
    assert_eq!(s.my_team.as_deref(), Some("Red"));
    assert!(text(&status).contains("Your team"), "{}", text(&status));
    // The week's team board follows the current teams: ana's 40 are Blue's.
    let week = w.run(&member("eve"), "/team board week").await;
    assert_eq!(
        team_board(&week),
        [(1, "Blue".into(), 350, 2, 4), (2, "Red".into(), 100, 1, 1)]
    );

    // The boundary: two schedulers race, the claimer "crashes", a
    // restarted engine re-sends after the lease. One post, one winner.
    w.clock.set(utc(2026, 11, 25, 0, 0));
    let other = World::with_clock(pool.clone(), w.clock.clone());
    let (a, b) = tokio::join!(w.engine.run_due(CONSOLE), other.engine.run_due(CONSOLE));
    let claimed = [results(&a.unwrap()), results(&b.unwrap())].concat();
    assert_eq!(claimed.len(), 1);
    let restarted = World::with_clock(pool.clone(), w.clock.clone());
    restarted.clock.advance(chrono::Duration::minutes(3));
    let again = restarted.engine.run_due(CONSOLE).await.unwrap();
    let resent = results(&again);
    assert_eq!(resent.len(), 1);
    restarted.engine.delivered(&again[0], None).await.unwrap();
    restarted.clock.advance(chrono::Duration::minutes(3));
    assert!(results(&restarted.engine.run_due(CONSOLE).await.unwrap()).is_empty());

    let post = &resent[0];
    assert_eq!(post.winning_teams, ["Blue"]);
    assert_eq!(post.teams[0].name, "Blue");
    // The member awards are still there.
    let podium: Vec<(&str, i64)> = post
        .podium
        .iter()
        .map(|p| (p.name.as_str(), p.points))
        .collect();
    assert_eq!(podium, [("ana", 40), ("cat", 30), ("ben", 10)]);
    let shown = prepbot::frontends::console::render(&Body::SeasonResults(post.clone()));
    assert!(shown.contains("Winning team"), "{shown}");
    // The win goes to the winning team's members who played: cat, not dan.
    assert_eq!(season_wins(&pool).await, ["cat"]);
    let posts: i64 = sqlx::query_scalar("SELECT count(*) FROM competition_posts")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(posts, 1);

    let fame = w.run(&member("dan"), "/season history").await;
    let Body::SeasonHistory(lines) = &fame.reply.body else {
        panic!("{}", text(&fame))
    };
    assert_eq!(lines[0].teams, ["Blue"]);
    assert!(text(&fame).contains("team Blue"), "{}", text(&fame));
}

/// Team totals as kept, and rebuilt from board_totals and the rosters:
/// (guild, scope, team, points, active), then sizes (roster, team, members).
type Totals = (Vec<(i64, String, i64, i64, i64)>, Vec<(String, i64, i64)>);

async fn kept_and_rebuilt(pool: &PgPool) -> (Totals, Totals) {
    let q = |sql: &'static str| sqlx::query_as(sql).fetch_all(pool);
    let kept = (
        q("SELECT guild_id, scope, team_id, sum(points)::bigint, sum(active)::bigint FROM team_totals
           GROUP BY 1, 2, 3 HAVING sum(points) <> 0 OR sum(active) <> 0 ORDER BY 1, 2, 3")
        .await
        .unwrap(),
        sqlx::query_as(
            "SELECT roster, team_id, members FROM team_sizes WHERE members <> 0 ORDER BY 1, 2",
        )
        .fetch_all(pool)
        .await
        .unwrap(),
    );
    let rebuilt = (
        q("SELECT b.guild_id, b.scope, x.team_id, sum(b.points)::bigint, count(*)::bigint
           FROM board_totals b JOIN LATERAL (
               SELECT sm.team_id FROM season_members sm WHERE sm.member_id = b.member_id
                 AND sm.season_id = CASE WHEN b.scope LIKE 's:%' THEN substr(b.scope, 3)::bigint END
               UNION ALL
               SELECT tm.team_id FROM team_members tm WHERE tm.member_id = b.member_id AND b.scope NOT LIKE 's:%'
           ) x ON true
           WHERE b.points > 0 GROUP BY 1, 2, 3 ORDER BY 1, 2, 3")
        .await
        .unwrap(),
        sqlx::query_as(
            "SELECT '' AS roster, team_id, count(*) FROM team_members GROUP BY 2
             UNION ALL SELECT 's:' || season_id, team_id, count(*) FROM season_members GROUP BY 1, 2
             ORDER BY 1, 2",
        )
        .fetch_all(pool)
        .await
        .unwrap(),
    );
    (kept, rebuilt)
}

/// Accuracy counts as kept, and rebuilt from the answers.
async fn accuracy_kept_and_rebuilt(
    pool: &PgPool,
) -> (Vec<(String, i64, i64, i64)>, Vec<(String, i64, i64, i64)>) {
    let kept = sqlx::query_as(
        "SELECT scope, member_id, answers, correct FROM accuracy_totals
         WHERE answers <> 0 OR correct <> 0 ORDER BY 1, 2",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    let rebuilt = sqlx::query_as(
        "SELECT s.scope, a.member_id, count(*), count(*) FILTER (WHERE a.verdict = 'correct')
         FROM answers a, LATERAL unnest(ARRAY['all', 'w:' || date_trunc('week', a.local_day)::date,
                                              'm:' || date_trunc('month', a.local_day)::date]) AS s(scope)
         WHERE a.verdict IS NOT NULL AND a.counting <> 'practice' GROUP BY 1, 2 ORDER BY 1, 2",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    (kept, rebuilt)
}

async fn assert_rebuilt(pool: &PgPool, after: &str) {
    let (kept, rebuilt) = kept_and_rebuilt(pool).await;
    assert_eq!(kept, rebuilt, "team totals after {after}");
    assert!(!kept.0.is_empty(), "something to compare after {after}");
    let (kept, rebuilt) = accuracy_kept_and_rebuilt(pool).await;
    assert_eq!(kept, rebuilt, "accuracy counts after {after}");
}

async fn answer_id(pool: &PgPool, who: &str, question: &str) -> i64 {
    sqlx::query_scalar(
        "SELECT a.id FROM answers a JOIN members m ON m.id = a.member_id JOIN posts p ON p.id = a.post_id
         WHERE m.display_name = $1 AND p.question_id = $2",
    )
    .bind(who)
    .bind(question)
    .fetch_one(pool)
    .await
    .unwrap()
}

#[sqlx::test]
async fn team_totals_equal_a_rebuild_after_joins_moves_balance_regrades_forget_me_and_a_season_window(
    pool: PgPool,
) {
    let w = World::new(pool.clone(), utc(2026, 11, 23, 10, 0));
    let lead = admin("lead");
    quiz_right(&w, "ana", "format:choice").await;
    quiz_right(&w, "cat", "format:truefalse").await;
    setup_teams(&w, &[("ana", "Red"), ("ben", "Red"), ("cat", "Blue")]).await;
    assert_rebuilt(&pool, "joins").await;
    quiz_right(&w, "ben", "format:truefalse").await;
    w.advance_hours(1);
    w.run(&lead, "/season start name:Cup ends:2026-11-29 teams:yes")
        .await;
    w.advance_hours(1);
    quiz_right(&w, "ana", "format:truefalse").await;
    quiz_right(&w, "cat", "format:choice").await;
    assert_rebuilt(&pool, "a team season's answers").await;
    w.run(&member("ana"), "/team join Blue").await;
    assert_rebuilt(&pool, "a move").await;
    // Dan scores first, then joins: he brings his season points to Red.
    quiz_right(&w, "dan", "format:choice").await;
    w.run(&member("dan"), "/team join Red").await;
    assert_rebuilt(&pool, "a late join").await;
    // A re-grade inside the season, and one of an answer from before it.
    let before = answer_id(&pool, "ana", "t-cap-choice").await;
    let inside = answer_id(&pool, "cat", "t-cap-choice").await;
    w.run(&lead, &format!("/regrade {before} incorrect")).await;
    w.run(&lead, &format!("/regrade {inside} partial")).await;
    assert_rebuilt(&pool, "re-grades").await;
    w.run(&lead, "/team balance teams:2 seed:3").await;
    assert_rebuilt(&pool, "a balance").await;
    w.run(&member("cat"), "/forget me confirm:yes").await;
    assert_rebuilt(&pool, "forget me").await;
    // The season's window closes: later points stay off its board.
    w.advance_hours(1);
    w.run(&lead, "/season end").await;
    w.advance_hours(1);
    quiz_right(&w, "ben", "format:choice").await;
    let dans = answer_id(&pool, "dan", "t-cap-choice").await;
    w.run(&lead, &format!("/regrade {dans} partial")).await;
    assert_rebuilt(&pool, "the season's end").await;
    let season: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT team_id, sum(points)::bigint FROM team_totals WHERE scope = 's:1' GROUP BY 1 HAVING sum(points) > 0 ORDER BY 1",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    // Red: ana's 30 (frozen there) and dan's re-graded 5; ben's choice came
    // after the end, and cat (Blue) asked to be forgotten.
    let red: i64 = sqlx::query_scalar("SELECT team_id FROM season_teams WHERE name = 'Red'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(season, [(red, 35)]);
}

#[sqlx::test]
async fn team_totals_stay_equal_to_a_rebuild_while_moves_race_answers(pool: PgPool) {
    let w = World::new(pool.clone(), utc(2026, 11, 23, 10, 0));
    let players = ["ana", "ben", "cat", "dan", "eve", "fay"];
    setup_teams(&w, &players.map(|p| (p, "Red"))).await;
    w.run(
        &admin("lead"),
        "/season start name:Race ends:2026-11-29 teams:yes",
    )
    .await;
    let answers = async {
        for filter in ["format:choice", "format:truefalse", "topic:streaming"] {
            let all = players.map(|p| quiz_right(&w, p, filter));
            futures::future::join_all(all).await;
        }
    };
    let moves = async {
        for round in 0..6 {
            let team = if round % 2 == 0 { "Blue" } else { "Red" };
            let line = format!("/team join {team}");
            let actors = players.map(member);
            let all = actors.iter().map(|a| w.run(a, &line));
            futures::future::join_all(all).await;
        }
    };
    tokio::join!(answers, moves);
    assert_rebuilt(&pool, "moves racing answers").await;
}
