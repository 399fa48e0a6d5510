//! A person's home against real PostgreSQL: which daily questions it offers
//! (delivered, not yet revealed, in this community), whether the person
//! answered each, and what only admins see.

mod common;

use common::*;
use prepbot::domain::reply::Effect;
use prepbot::engine::{Place, Platform};
use sqlx::PgPool;

fn place(guild: &str, channel: &str) -> Place {
    Place {
        platform: Platform::Console,
        guild: guild.into(),
        channel: channel.into(),
    }
}

/// Sets up a daily question at 09:00 UTC in `channel` of guild g1.
async fn schedule(w: &World, channel: &str) {
    let cmd =
        prepbot::domain::command::parse("/daily setup time:09:00 tz:UTC reveal:17:00").unwrap();
    let r = w
        .engine
        .handle(&admin("lead"), &place("g1", channel), cmd)
        .await;
    assert!(
        text(&r).starts_with("Daily question set up."),
        "{}",
        text(&r)
    );
}

/// Claims today's posts and confirms all but those in `undelivered`.
async fn post_all(w: &World, undelivered: &[&str]) -> Vec<Effect> {
    let effects = w.engine.run_due(CONSOLE).await.unwrap();
    for e in &effects {
        if !undelivered.contains(&e.channel()) {
            w.engine.delivered(e, Some(&"m".to_owned())).await.unwrap();
        }
    }
    effects
}

#[sqlx::test]
async fn the_home_offers_every_delivered_unrevealed_daily_of_the_community_and_knows_who_answered(
    pool: PgPool,
) {
    let w = World::new(pool, utc(2026, 11, 23, 8, 0));
    for channel in ["c1", "c2", "c3"] {
        schedule(&w, channel).await;
    }
    w.clock.set(utc(2026, 11, 23, 9, 1));
    let effects = post_all(&w, &["c3"]).await;
    assert_eq!(effects.len(), 3);
    let c1 = effects.iter().find(|e| e.channel() == "c1").unwrap();
    let Effect::PostQuestion { card, .. } = c1 else {
        panic!("{c1:?}")
    };
    let ada = member("ada");
    let line = format!("/answer #{} {}", card.post_id, answer_to(card, true));
    let cmd = prepbot::domain::command::parse(&line).unwrap();
    let r = w.engine.handle(&ada, &place("g1", "c1"), cmd).await;
    assert!(text(&r).starts_with("Correct"), "{}", text(&r));

    let home = w.engine.home(&ada, &place("g1", "dm-ada")).await.unwrap();
    let mut open: Vec<(&str, bool)> = home
        .open
        .iter()
        .map(|o| (o.channel.as_str(), o.answered))
        .collect();
    open.sort();
    assert_eq!(
        open,
        [("c1", true), ("c2", false)],
        "c3 was never delivered"
    );
    let shown = home.open.iter().find(|o| o.channel == "c1").unwrap();
    assert_eq!(&shown.card, card, "the card as the post showed it");
    assert_eq!(home.more_open, 0);
    assert!(home.schedules.is_none(), "members see no settings");
    assert!(home.stats.points > 0);

    // Another community sees none of them; after the reveal nothing is open.
    let elsewhere = w.engine.home(&ada, &place("g2", "dm-ada")).await.unwrap();
    assert!(elsewhere.open.is_empty());
    w.clock.set(utc(2026, 11, 23, 17, 1));
    w.engine.run_due(CONSOLE).await.unwrap();
    let later = w.engine.home(&ada, &place("g1", "dm-ada")).await.unwrap();
    assert!(later.open.is_empty(), "{:?}", later.open);
}

#[sqlx::test]
async fn an_admins_home_lists_each_scheduled_channel_and_why_one_is_paused(pool: PgPool) {
    let w = World::new(pool, utc(2026, 11, 23, 8, 0));
    schedule(&w, "c1").await;
    schedule(&w, "c2").await;
    let pause = prepbot::domain::command::parse("/daily pause").unwrap();
    w.engine
        .handle(&admin("lead"), &place("g1", "c2"), pause)
        .await;
    let home = w
        .engine
        .home(&admin("lead"), &place("g1", "dm"))
        .await
        .unwrap();
    let s = home.schedules.expect("an admin sees the settings");
    let listed: Vec<(&str, Option<&str>)> = s
        .channels
        .iter()
        .map(|c| (c.channel.as_str(), c.status.paused.as_deref()))
        .collect();
    assert_eq!(listed, [("c1", None), ("c2", Some("paused by an admin"))]);
    assert_eq!(s.channels[0].status.post_time, "09:00");
    assert_eq!(s.more, 0);
}

#[sqlx::test]
async fn a_posts_channel_is_found_only_within_its_own_community(pool: PgPool) {
    let w = World::new(pool, utc(2026, 11, 23, 8, 0));
    schedule(&w, "c1").await;
    w.clock.set(utc(2026, 11, 23, 9, 1));
    let effects = post_all(&w, &[]).await;
    let post = effects[0].post_id();
    let found = w
        .engine
        .post_channel(Platform::Console, "g1", post)
        .await
        .unwrap();
    assert_eq!(found.as_deref(), Some("c1"));
    let other = w
        .engine
        .post_channel(Platform::Console, "g2", post)
        .await
        .unwrap();
    assert_eq!(other, None);
}
