//! Rewards move with their Discord server: a role change the old server
//! confirmed is not sent again, and one it claimed but never confirmed is
//! sent by the new server after the claim lease, once (as after a
//! restart); the holders keep their badges.

use super::{drop_database, fresh_database};
use crate::common::*;
use prepbot::domain::reply::{Body, Effect};
use prepbot::engine::{Place, Platform};

const DISCORD: &[Platform] = &[Platform::Discord];
const GUILD: &str = "800000000000000001";

async fn quiz_right(w: &World, who: &str) {
    let r = w.run(&member(who), "/quiz format:truefalse").await;
    let Body::Question(c) = &r.reply.body else {
        panic!("{}", text(&r))
    };
    w.run(&member(who), &format!("/answer {}", answer_to(c, true)))
        .await;
}

#[sqlx::test]
async fn a_role_change_not_yet_sent_is_sent_by_the_new_server_once_and_a_sent_one_is_not(
    pool: sqlx::PgPool,
) {
    let mut w = World::new(pool.clone(), utc(2026, 11, 25, 10, 0));
    w.place = Place {
        platform: Platform::Discord,
        guild: GUILD.into(),
        channel: "810000000000000001".into(),
    };
    for line in ["/rewards milestones 1", "/rewards role points-1 700"] {
        let r = w.run(&admin("lead"), line).await;
        assert!(!text(&r).starts_with('!'), "{line}: {}", text(&r));
    }
    quiz_right(&w, "ana").await;
    let ana = ("u-ana".to_owned(), "700".to_owned(), true);
    assert_eq!(role_changes(&tick_delivered(&w, DISCORD).await), [ana]);
    // Ben's role is claimed but never confirmed: the process died.
    quiz_right(&w, "ben").await;
    let claimed = w.engine.run_due(DISCORD).await.unwrap();
    assert!(
        claimed.iter().any(|e| matches!(e, Effect::SetRole { .. })),
        "{claimed:?}"
    );
    let doc = w
        .engine
        .store()
        .export_guild("discord", GUILD)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(doc["reward_role_changes"].as_array().unwrap().len(), 1);

    let (target, url) = fresh_database("roles").await;
    target.import_guild(&doc, false).await.unwrap();
    let mut moved = World::with_clock(target.pool().clone(), w.clock.clone());
    moved.place = w.place.clone();
    assert!(
        role_changes(&tick_delivered(&moved, DISCORD).await).is_empty(),
        "claimed a moment ago"
    );
    moved.clock.advance(chrono::Duration::minutes(3));
    let ben = ("u-ben".to_owned(), "700".to_owned(), true);
    assert_eq!(role_changes(&tick_delivered(&moved, DISCORD).await), [ben]);
    moved.clock.advance(chrono::Duration::minutes(10));
    assert!(
        role_changes(&tick_delivered(&moved, DISCORD).await).is_empty(),
        "nothing sent twice"
    );
    for who in ["ana", "ben"] {
        let stats = text(&moved.run(&member(who), "/stats").await);
        assert!(stats.contains("Badges:"), "{stats}");
    }
    drop_database(target, &url).await;
}
