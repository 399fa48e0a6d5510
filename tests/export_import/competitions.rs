//! Competitions move with their server: a finished season (its results
//! post delivered, its champions recorded), a running one with its board,
//! weekly winners, teams, the winners and scoring switches, a finished live
//! round, a round still running, a team season's frozen rosters (with the
//! teams a re-balance deleted since) and the rewards: settings, roles,
//! holders and a role change still to send. Exported, imported and exported again
//! the document is the same; what people see is the same; nothing the old
//! server delivered is posted again.

use super::{build, drop_database, fresh_database, standings};
use crate::common::*;
use chrono::Duration;
use prepbot::domain::reply::{Announced, Effect};
use prepbot::storage::Store;
use serde_json::Value;

/// Ticks the scheduler and confirms every post, except winners posts when
/// `keep_winners_unsent` (a crash between the claim and the send).
async fn tick(w: &World, keep_winners_unsent: bool) -> Vec<Effect> {
    let effects = w.engine.run_due(CONSOLE).await.unwrap();
    for e in &effects {
        let winners = matches!(e, Effect::Announce { card, .. } if matches!(card.body, Announced::Winners(_)));
        if !(keep_winners_unsent && winners) {
            w.engine.delivered(e, Some(&"m".to_string())).await.unwrap();
        }
    }
    effects
}

/// Answers the round question just posted in `effects` as `who`.
async fn answer_round(w: &World, effects: &[Effect], who: &str, right: bool) {
    let q = effects
        .iter()
        .find_map(|e| match e {
            Effect::Announce { card, .. } => match &card.body {
                Announced::RoundQuestion(q) => Some(q.clone()),
                _ => None,
            },
            _ => None,
        })
        .expect("a round question was posted");
    let line = format!("/answer #{} {}", q.card.post_id, answer_to(&q.card, right));
    let r = w.run(&member(who), &line).await;
    assert!(text(&r).contains("Points:"), "{}", text(&r));
}

/// [`build`], with every kind of competition data around it; ends on
/// Monday 30 November 2026 00:05 UTC with the week's winners post claimed
/// but not confirmed.
pub async fn build_competitions(w: &World) {
    let lead = admin("lead");
    for line in [
        "/winners on",
        "/rewards champion season",
        "/rewards milestones 1,10",
        "/rewards streaks 1,2",
        "/season start name:Autumn ends:2026-11-23",
    ] {
        let r = w.run(&lead, line).await;
        assert!(!text(&r).starts_with('!'), "{line}: {}", text(&r));
    }
    build(w).await; // ends at 18:00, the daily revealed
    let r = w.run(&lead, "/round start questions:1 seconds:30").await;
    assert!(text(&r).contains("Round #1 starts"), "{}", text(&r));
    let opened = tick(w, false).await;
    answer_round(w, &opened, "ana", true).await;
    answer_round(w, &opened, "bob", false).await;
    w.clock.advance(Duration::seconds(31));
    assert_eq!(
        tick(w, false).await.len(),
        1,
        "the round's answer and podium"
    );
    for (who, line) in [
        (&lead, "/team create Owls"),
        (&lead, "/team create Larks"),
        (&member("ana"), "/team join Owls"),
        (&member("bob"), "/team join Larks"),
        (&member("cat"), "/team join Owls"),
        (&lead, "/scoring streak:on"),
        (&member("dan"), "/privacy hide"),
    ] {
        let r = w.run(who, line).await;
        assert!(!text(&r).starts_with('!'), "{line}: {}", text(&r));
    }
    w.clock.set(utc(2026, 11, 24, 0, 5));
    let results = tick(w, false).await;
    assert!(
        results.iter().any(|e| matches!(e, Effect::Announce { card, .. } if matches!(card.body, Announced::SeasonResults(_)))),
        "Autumn's results: {results:?}"
    );
    // A team season, whose frozen teams a re-balance then deletes.
    let r = w
        .run(&lead, "/season start name:Winter ends:2026-12-31 teams:yes")
        .await;
    assert!(text(&r).contains("has started"), "{}", text(&r));
    let r = w.run(&lead, "/team balance teams:2 seed:3").await;
    assert!(!text(&r).starts_with('!'), "{}", text(&r));
    w.clock.set(utc(2026, 11, 24, 9, 0));
    let daily = tick(w, false).await;
    let q = posted_question(&daily[0]);
    let right = match q.as_str() {
        "team-nightly-dag" => "true", // the server's own question
        other => good_answer(other),
    };
    w.run(&member("cat"), &format!("/answer {right}")).await;
    w.clock.set(utc(2026, 11, 30, 0, 5));
    let winners = tick(w, true).await;
    assert!(
        winners.iter().any(|e| matches!(e, Effect::Announce { card, .. } if matches!(card.body, Announced::Winners(_)))),
        "{winners:?}"
    );
}

/// Roles for two rewards and two role changes: one the platform confirmed,
/// one still to send. (Console has no roles, so they are written as the
/// Discord front end's `/rewards role` and the reward pass would.)
pub async fn add_reward_roles(w: &World) {
    sqlx::raw_sql(
        "INSERT INTO reward_roles (guild_id, reward, role_id, updated_at)
         SELECT id, r.reward, r.role, '2026-11-23 08:00+00' FROM guilds,
              (VALUES ('champion', '700'), ('points-10', '710')) AS r(reward, role);
         INSERT INTO reward_role_changes (guild_id, member_id, role_id, give, reward, created_at, delivered_at)
         SELECT m.guild_id, m.id, '710', true, 'points-10', '2026-11-23 18:00+00',
                CASE m.external_id WHEN 'u-bob' THEN timestamptz '2026-11-23 18:01+00' END
         FROM members m WHERE m.external_id IN ('u-bob', 'u-cat') ORDER BY m.external_id",
    )
    .execute(w.engine.store().pool())
    .await
    .unwrap();
}

/// What people see of the competitions, then of the rest.
async fn competition_views(w: &World) -> Vec<String> {
    let mut out = Vec::new();
    for line in [
        "/season status",
        "/season history",
        "/season results 1",
        "/team board all",
        "/scoring",
        "/round status",
        "/season results 2",
        "/rewards",
        "/stats ana",
        "/stats cat",
    ] {
        out.push(text(&w.run(&member("bob"), line).await));
    }
    out.extend(standings(w).await);
    out
}

/// `text` with every `#<number>` as `#N`.
fn unnumbered(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        out.push(c);
        if c == '#' && chars.peek().is_some_and(char::is_ascii_digit) {
            out.push('N');
            while chars.peek().is_some_and(char::is_ascii_digit) {
                chars.next();
            }
        }
    }
    out
}

fn rows(doc: &Value, key: &str) -> usize {
    doc[key].as_array().map_or(0, Vec::len)
}

async fn export(store: &Store) -> Value {
    store.export_guild("console", "g1").await.unwrap().unwrap()
}

#[sqlx::test]
async fn a_server_with_seasons_wins_teams_settings_and_a_round_round_trips_exactly(
    pool: sqlx::PgPool,
) {
    let w = World::new(pool.clone(), utc(2026, 11, 23, 8, 0));
    build_competitions(&w).await;
    add_reward_roles(&w).await;
    let doc = export(w.engine.store()).await;
    for (key, want) in [
        ("seasons", 2),
        ("teams", 2),
        ("team_members", 3),
        ("rounds", 1),
        ("round_questions", 1),
        ("competition_posts", 4), // the round's question and its end, Autumn, the week
        ("season_teams", 4),      // Owls and Larks (deleted), Team 1 and Team 2
        ("season_members", 3),
        ("reward_roles", 2),
        ("member_rewards", 7),
        ("reward_role_changes", 1), // cat's, still to send; bob's was delivered
    ] {
        assert_eq!(rows(&doc, key), want, "{key}: {}", doc[key]);
    }
    assert!(rows(&doc, "season_totals") >= 3, "{}", doc["season_totals"]);
    assert!(
        rows(&doc, "competition_wins") >= 2,
        "{}",
        doc["competition_wins"]
    );
    assert!(doc["guild"]["scoring"].is_object());
    assert!(doc["channels"][0]["winners"].is_object());
    assert_eq!(doc["guild"]["rewards"]["champion_key"], "s:1", "Autumn's");

    let (target, url) = fresh_database("compete").await;
    target.import_guild(&doc, false).await.unwrap();
    assert_eq!(
        export(&target).await,
        doc,
        "exported again, the same document"
    );
    let moved = World::with_clock(target.pool().clone(), w.clock.clone());
    assert_eq!(competition_views(&w).await, competition_views(&moved).await);
    let status = text(&moved.run(&member("bob"), "/season status").await);
    assert!(
        status.contains("Owls") && status.contains("Your team: Larks"),
        "{status}"
    );
    drop_database(target, &url).await;
}

#[sqlx::test]
async fn imported_next_to_another_server_seasons_and_rounds_get_new_numbers_and_keep_their_boards(
    pool: sqlx::PgPool,
) {
    let w = World::new(pool.clone(), utc(2026, 11, 23, 8, 0));
    build_competitions(&w).await;
    let doc = export(w.engine.store()).await;
    let (target, url) = fresh_database("crowded").await;
    // The target already runs another server with a season and a round,
    // so the imported ones cannot keep their ids.
    let mut other = World::with_clock(target.pool().clone(), w.clock.clone());
    other.place.guild = "g2".into();
    other
        .run(&admin("zed"), "/season start name:Other ends:2026-12-31")
        .await;
    other
        .run(&admin("zed"), "/round start questions:2 seconds:60")
        .await;
    target.import_guild(&doc, false).await.unwrap();
    assert_eq!(export(&target).await, doc);
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT s.id FROM seasons s JOIN guilds g ON g.id = s.guild_id WHERE g.external_id = 'g1' ORDER BY s.id",
    )
    .fetch_all(target.pool())
    .await
    .unwrap();
    assert_eq!(ids, [2, 3]);
    let moved = World::with_clock(target.pool().clone(), w.clock.clone());
    // The same boards, under the new numbers.
    for line in ["/season status", "/leaderboard all", "/team board all"] {
        let before = text(&w.run(&member("bob"), line).await);
        let after = text(&moved.run(&member("bob"), line).await);
        assert_eq!(unnumbered(&before), unnumbered(&after), "{line}");
    }
    let history = text(&moved.run(&member("bob"), "/season history").await);
    assert!(
        history.contains("#2 Autumn") && history.contains("ana"),
        "{history}"
    );
    drop_database(target, &url).await;
}

#[sqlx::test]
async fn the_new_server_posts_nothing_the_old_one_delivered_and_delivers_what_it_had_not(
    pool: sqlx::PgPool,
) {
    let w = World::new(pool.clone(), utc(2026, 11, 23, 8, 0));
    build_competitions(&w).await;
    let doc = export(w.engine.store()).await;
    let (target, url) = fresh_database("posted").await;
    target.import_guild(&doc, false).await.unwrap();
    let moved = World::with_clock(target.pool().clone(), w.clock.clone());
    // After the claim lease the unconfirmed winners post is sent, once;
    // Autumn's results and the round's posts, delivered before, are not.
    moved.clock.advance(Duration::minutes(3));
    let sent = tick(&moved, false).await;
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert!(
        matches!(&sent[0], Effect::Announce { card, .. } if matches!(card.body, Announced::Winners(_))),
        "{sent:?}"
    );
    moved.clock.advance(Duration::minutes(3));
    assert!(tick(&moved, false).await.is_empty());
    drop_database(target, &url).await;
}

#[sqlx::test]
async fn a_round_still_running_when_exported_is_closed_by_the_new_server_with_its_points(
    pool: sqlx::PgPool,
) {
    let w = World::new(pool.clone(), utc(2026, 11, 23, 18, 0));
    w.run(&admin("lead"), "/round start questions:1 seconds:60")
        .await;
    let opened = tick(&w, false).await;
    answer_round(&w, &opened, "ana", true).await;
    let doc = export(w.engine.store()).await;
    let (target, url) = fresh_database("running").await;
    target.import_guild(&doc, false).await.unwrap();
    let moved = World::with_clock(target.pool().clone(), w.clock.clone());
    assert!(
        tick(&moved, false).await.is_empty(),
        "the question stays open"
    );
    moved.clock.advance(Duration::seconds(61));
    let closed = tick(&moved, false).await;
    let [Effect::Announce { card, .. }] = closed.as_slice() else {
        panic!("one post: {closed:?}")
    };
    let Announced::RoundPodium(p) = &card.body else {
        panic!("the podium: {card:?}")
    };
    assert_eq!(
        (p.asked, p.players, p.podium[0].name.as_str()),
        (1, 1, "ana")
    );
    moved.clock.advance(Duration::minutes(30));
    assert!(tick(&moved, false).await.is_empty(), "nothing more");
    drop_database(target, &url).await;
}

#[sqlx::test]
async fn a_version_1_file_without_competitions_still_imports(pool: sqlx::PgPool) {
    let w = World::new(pool.clone(), utc(2026, 11, 23, 8, 0));
    build(&w).await;
    let doc = export(w.engine.store()).await;
    let mut old = doc.clone();
    old["version"] = 1.into();
    for key in [
        "seasons",
        "season_totals",
        "teams",
        "team_members",
        "rounds",
    ] {
        old.as_object_mut().unwrap().remove(key);
    }
    for key in ["round_questions", "competition_posts", "competition_wins"] {
        old.as_object_mut().unwrap().remove(key);
    }
    old["guild"].as_object_mut().unwrap().remove("scoring");
    for c in old["channels"].as_array_mut().unwrap() {
        c.as_object_mut().unwrap().remove("winners");
    }
    let (target, url) = fresh_database("v1").await;
    target.import_guild(&old, false).await.unwrap();
    assert_eq!(export(&target).await, doc);
    drop_database(target, &url).await;
}

#[sqlx::test]
async fn a_version_2_file_without_rosters_or_rewards_still_imports(pool: sqlx::PgPool) {
    let w = World::new(pool.clone(), utc(2026, 11, 23, 8, 0));
    build(&w).await;
    let doc = export(w.engine.store()).await;
    let mut old = doc.clone();
    old["version"] = 2.into();
    for key in [
        "season_teams",
        "season_members",
        "reward_roles",
        "member_rewards",
        "reward_role_changes",
    ] {
        old.as_object_mut().unwrap().remove(key);
    }
    old["guild"].as_object_mut().unwrap().remove("rewards");
    let (target, url) = fresh_database("v2").await;
    target.import_guild(&old, false).await.unwrap();
    assert_eq!(export(&target).await, doc);
    drop_database(target, &url).await;
}
