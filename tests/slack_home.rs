//! App Home over Slack's HTTP mode, against the strict mock and real
//! PostgreSQL: today's open question with an Answer button that opens the
//! same modal as the daily post's, each person's standing, and for admins
//! every channel's daily settings, always within Slack's 100 blocks a view.
#![cfg(feature = "slack")]

mod common;
mod support;

use common::utc;
use prepbot::domain::command::parse;
use prepbot::engine::{Actor, Place, Platform};
use serde_json::Value;
use sqlx::PgPool;
use support::slack_bot::*;

const ADMIN: &str = "U0ADMIN";
const ADA: &str = "U0ADA";
const BOB: &str = "U0BOB";

/// An open-answer daily question at 09:00 UTC in [`CHANNEL`], posted and
/// confirmed; returns the post's message.
async fn posted_daily(h: &SlackHarness) -> Value {
    h.mock.make_admin(ADMIN);
    let setup = "daily setup time:09:00 tz:UTC reveal:17:00 topics:streaming";
    let (_, id) = h.command(ADMIN, setup, Signing::Good).await;
    assert!(text_of(&h.answer_to(&id).await).contains("Daily question set up"));
    h.set_time(utc(2026, 11, 23, 9, 1));
    let post = h
        .mock
        .wait_for("chat.postMessage", 1, |c| c.body["channel"] == CHANNEL)
        .await
        .body;
    delivered(h, 1).await;
    post
}

/// Waits until `n` daily posts are confirmed delivered.
async fn delivered(h: &SlackHarness, n: i64) {
    // A generous bound, only to turn a hang into a failure.
    for _ in 0..400 {
        let done = h
            .count("SELECT count(*) FROM posts WHERE delivered_at IS NOT NULL")
            .await;
        if done >= n {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("{n} posts were not confirmed");
}

/// Opens `user`'s App Home; the view published for them (the `n`th).
async fn home_of(h: &SlackHarness, user: &str, event_id: &str, n: usize) -> Value {
    assert_eq!(h.open_home(user, event_id).await, 200);
    h.mock
        .wait_for("views.publish", n, |c| c.body["user_id"] == user)
        .await
        .body["view"]
        .clone()
}

fn answer_button(message: &Value) -> Option<String> {
    actions(message)
        .into_iter()
        .find(|a| a.starts_with("prepbot:answer:"))
}

#[sqlx::test]
async fn app_home_offers_todays_question_whose_answer_button_opens_the_daily_posts_modal(
    pool: PgPool,
) {
    let h = SlackHarness::start(pool, utc(2026, 11, 23, 8, 45)).await;
    let post = posted_daily(&h).await;
    let on_post = answer_button(&post).expect("the post's Answer button");

    let home = home_of(&h, ADA, "EvH1", 1).await;
    let shown = text_of(&home);
    assert!(shown.contains("Open now in <#C0DAILY>."), "{shown}");
    assert!(shown.contains("Daily question #"), "{shown}");
    assert_eq!(answer_button(&home).as_deref(), Some(on_post.as_str()));

    // The same modal from the home tab as from the post itself.
    assert_eq!(h.click_home(ADA, &on_post).await, 200);
    let from_home = h.mock.wait_for("views.open", 1, |_| true).await.body["view"].clone();
    let ts = h.mock.messages_in(CHANNEL)[0]["ts"]
        .as_str()
        .unwrap()
        .to_owned();
    h.click(BOB, &on_post, Some(&ts), &[]).await;
    let from_post = h.mock.wait_for("views.open", 2, |_| true).await.body["view"].clone();
    assert_eq!(from_home, from_post);
    assert_eq!(from_home["private_metadata"], CHANNEL);

    // Answered from the home tab: graded, stored, told privately.
    h.submit(ADA, &from_home, common::good_answer("t-kafka-ordering"))
        .await;
    let feedback = h
        .mock
        .wait_for("chat.postEphemeral", 1, |c| c.body["user"] == ADA)
        .await
        .body;
    assert!(text_of(&feedback).contains("You covered"), "{feedback}");
    assert_eq!(h.count("SELECT count(*) FROM answers").await, 1);
    let again = home_of(&h, ADA, "EvH2", 2).await;
    assert!(text_of(&again).contains("You answered this one"), "{again}");
    assert_eq!(answer_button(&again), None);
    h.stop().await;
}

#[sqlx::test]
async fn only_admins_see_each_channels_daily_settings_and_why_one_is_paused(pool: PgPool) {
    let h = SlackHarness::start(pool, utc(2026, 11, 23, 8, 45)).await;
    posted_daily(&h).await;
    let member = text_of(&home_of(&h, ADA, "EvM", 1).await);
    assert!(!member.contains("Daily question settings"), "{member}");

    let admin = text_of(&home_of(&h, ADMIN, "EvA1", 1).await);
    assert!(admin.contains("Daily question settings"), "{admin}");
    assert!(
        admin.contains("<#C0DAILY>: Posts at 09:00 and reveals at 17:00 (UTC), every day, from Streaming. Next post: Tue 24 Nov 09:00 UTC."),
        "{admin}"
    );
    let (_, id) = h.command(ADMIN, "daily pause", Signing::Good).await;
    h.answer_to(&id).await;
    let paused = text_of(&home_of(&h, ADMIN, "EvA2", 2).await);
    assert!(
        paused.contains("Paused (paused by an admin): nothing is posted until an admin runs /prep daily resume."),
        "{paused}"
    );
    // Whether someone is an admin is asked of Slack for each home.
    let asked: Vec<Value> = h
        .mock
        .calls_to("users.info")
        .into_iter()
        .map(|c| c.body["user"].clone())
        .collect();
    assert!(asked.contains(&ADA.into()) && asked.contains(&ADMIN.into()));
    h.stop().await;
}

#[sqlx::test]
async fn a_workspace_with_many_open_questions_gets_a_home_within_100_blocks_that_counts_the_rest(
    pool: PgPool,
) {
    let h = SlackHarness::start(pool, utc(2026, 11, 23, 8, 45)).await;
    let lead = Actor::new(ADMIN, "lead", true);
    let channels: Vec<String> = (0..8).map(|i| format!("C0ROOM{i}")).collect();
    for channel in &channels {
        let place = Place {
            platform: Platform::Slack,
            guild: TEAM.into(),
            channel: channel.clone(),
        };
        let setup = parse("/daily setup time:09:00 tz:UTC reveal:17:00").unwrap();
        h.engine.handle(&lead, &place, setup).await;
    }
    h.set_time(utc(2026, 11, 23, 9, 1));
    delivered(&h, 8).await;
    h.mock.make_admin(ADMIN);
    let home = home_of(&h, ADMIN, "EvMany", 1).await;
    let blocks = home["blocks"].as_array().unwrap().len();
    assert!(blocks <= 100, "{blocks} blocks");
    let shown = text_of(&home);
    assert_eq!(actions(&home).len(), 5, "five questions offered: {shown}");
    assert!(
        shown.contains("3 more questions are open in other channels"),
        "{shown}"
    );
    for channel in &channels {
        assert!(
            shown.contains(&format!("<#{channel}>: Posts at 09:00")),
            "{shown}"
        );
    }
    h.stop().await;
}
