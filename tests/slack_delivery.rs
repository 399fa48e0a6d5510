//! Delivery to Slack when things go wrong, against the strict mock and real
//! PostgreSQL: a post whose answer was lost is found again instead of being
//! posted twice, and the note to the admin whose schedule paused goes out
//! with their own workspace's token in a multi-workspace install.
#![cfg(feature = "slack")]

mod common;
mod support;

use common::utc;
use sqlx::PgPool;
use support::slack_bot::*;
use support::slack_methods::{INSTALLED_TEAM, INSTALLED_TOKEN};
use support::slack_mock::Fault;

const ADMIN: &str = "U0ADMIN";

async fn daily_setup(h: &SlackHarness) {
    h.mock.make_admin(ADMIN);
    let setup = "daily setup time:09:00 tz:UTC reveal:17:00";
    let (_, id) = h.command(ADMIN, setup, Signing::Good).await;
    assert!(text_of(&h.answer_to(&id).await).contains("Daily question set up"));
}

/// Posts at 09:01 with the answer to the post lost on the way back; returns
/// the `ts` the mock gave the message.
async fn post_with_lost_answer(h: &SlackHarness) -> String {
    daily_setup(h).await;
    h.mock.fail_next("chat.postMessage", Fault::LoseAnswer, 1);
    h.set_time(utc(2026, 11, 23, 9, 1));
    h.mock
        .wait_until("the post whose answer is lost", || {
            let calls = h.mock.calls_to("chat.postMessage");
            let lost = calls
                .iter()
                .any(|c| c.error.as_deref() == Some("answer_lost"));
            lost.then_some(())
        })
        .await;
    let posted = h.mock.top_level_in(CHANNEL);
    assert_eq!(posted.len(), 1);
    posted[0]["ts"].as_str().unwrap().to_owned()
}

/// The message the database holds for the day's post, once confirmed.
async fn confirmed_ref(h: &SlackHarness) -> String {
    // A generous bound, only to turn a hang into a failure.
    for _ in 0..400 {
        let found: Option<String> =
            sqlx::query_scalar("SELECT message_ref FROM posts WHERE delivered_at IS NOT NULL")
                .fetch_optional(&h.pool)
                .await
                .unwrap()
                .flatten();
        if let Some(found) = found {
            return found;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the post was never confirmed");
}

#[sqlx::test]
async fn a_post_whose_answer_was_lost_is_found_on_redelivery_not_posted_again_and_the_reveal_updates_it(
    pool: PgPool,
) {
    let h = SlackHarness::start(pool, utc(2026, 11, 23, 8, 45)).await;
    let ts = post_with_lost_answer(&h).await;
    // After the claim's lease (2 minutes) another tick redelivers it.
    h.set_time(utc(2026, 11, 23, 9, 4));
    let looked = h.mock.wait_for("conversations.history", 1, |_| true).await;
    assert_eq!(looked.body["channel"], CHANNEL);
    assert_eq!(looked.body["limit"], "50");
    assert_eq!(looked.body["include_all_metadata"], "true");
    assert_eq!(
        confirmed_ref(&h).await,
        ts,
        "the earlier message is adopted"
    );
    assert_eq!(
        h.mock.calls_to("chat.postMessage").len(),
        1,
        "not posted again"
    );
    assert_eq!(h.mock.top_level_in(CHANNEL).len(), 1);

    h.set_time(utc(2026, 11, 23, 17, 1));
    let update = h.mock.wait_for("chat.update", 1, |_| true).await.body;
    assert_eq!(update["ts"], ts.as_str());
    assert!(
        text_of(&update).contains("Revealed: daily question"),
        "{update}"
    );
    let thread = h
        .mock
        .wait_for("chat.postMessage", 1, |c| {
            c.body["thread_ts"] == ts.as_str()
        })
        .await
        .body;
    assert!(text_of(&thread).contains("Model answer"), "{thread}");
    assert_eq!(h.mock.top_level_in(CHANNEL).len(), 1, "still the one post");
    h.stop().await;
}

#[sqlx::test]
async fn metadata_naming_the_post_is_returned_only_to_a_history_read_that_asks_for_it(
    pool: PgPool,
) {
    let h = SlackHarness::start(pool, utc(2026, 11, 23, 8, 45)).await;
    daily_setup(&h).await;
    h.set_time(utc(2026, 11, 23, 9, 1));
    let post = h.mock.wait_for("chat.postMessage", 1, |_| true).await.body;
    assert_eq!(post["metadata"]["event_type"], "prepbot_daily_post");
    let id = post["metadata"]["event_payload"]["post_id"]
        .as_i64()
        .unwrap();
    let reads = |all: bool| {
        let form = [
            ("channel", CHANNEL),
            ("include_all_metadata", if all { "true" } else { "false" }),
        ];
        let url = format!("{}/conversations.history", h.mock.api_base());
        reqwest::Client::new()
            .post(url)
            .bearer_auth(support::slack_mock::BOT_TOKEN)
            .form(&form)
            .send()
    };
    let with: serde_json::Value = reads(true).await.unwrap().json().await.unwrap();
    assert_eq!(
        with["messages"][0]["metadata"]["event_payload"]["post_id"],
        id
    );
    let without: serde_json::Value = reads(false).await.unwrap().json().await.unwrap();
    assert!(without["messages"][0]["metadata"].is_null(), "{without}");
    h.stop().await;
}

#[sqlx::test]
async fn an_install_without_the_history_scope_posts_again_rather_than_never(pool: PgPool) {
    let h = SlackHarness::start(pool, utc(2026, 11, 23, 8, 45)).await;
    h.mock.revoke_scope("channels:history");
    post_with_lost_answer(&h).await;
    h.set_time(utc(2026, 11, 23, 9, 4));
    let refused = h
        .mock
        .wait_until("the history read", || {
            h.mock.calls_to("conversations.history").into_iter().next()
        })
        .await;
    assert_eq!(refused.error.as_deref(), Some("missing_scope"));
    confirmed_ref(&h).await;
    assert_eq!(
        h.mock.top_level_in(CHANNEL).len(),
        2,
        "docs/slack.md says so"
    );
    h.stop().await;
}

#[sqlx::test]
async fn the_note_to_the_admin_of_an_installed_workspace_goes_out_with_that_workspaces_token(
    pool: PgPool,
) {
    let h = SlackHarness::start_with(pool, utc(2026, 11, 23, 8, 45), true, false).await;
    h.install().await;
    h.mock.make_admin("U0BOSS");
    let (_, id) = h
        .command_in(
            INSTALLED_TEAM,
            "U0BOSS",
            "daily setup time:09:00 tz:UTC",
            Signing::Good,
        )
        .await;
    assert!(text_of(&h.answer_to(&id).await).contains("Daily question set up"));
    h.mock.fail_channel(CHANNEL, "not_in_channel");
    h.set_time(utc(2026, 11, 23, 9, 1));
    let note = h
        .mock
        .wait_for("chat.postMessage", 1, |c| c.body["channel"] == "U0BOSS")
        .await;
    assert_eq!(note.token.as_deref(), Some(INSTALLED_TOKEN));
    assert!(
        text_of(&note.body).contains("Daily question paused"),
        "{:?}",
        note.body
    );
    assert!(text_of(&note.body).contains("/invite"), "{:?}", note.body);
    h.stop().await;
}

/// Posts at 09:01 with the first `chat.postMessage` answered 500, and
/// waits for the post to be confirmed with the clock still at 09:01: the
/// claim's two-minute lease never runs out, so only a retry within the
/// tick can confirm it.
async fn post_through_a_500(h: &SlackHarness, took_effect: bool) -> String {
    daily_setup(h).await;
    h.mock
        .fail_next("chat.postMessage", Fault::ServerError { took_effect }, 1);
    h.set_time(utc(2026, 11, 23, 9, 1));
    confirmed_ref(h).await
}

#[sqlx::test]
async fn a_500_that_hid_a_post_is_retried_within_the_tick_and_finds_the_post_instead_of_posting_twice(
    pool: PgPool,
) {
    let h = SlackHarness::start(pool, utc(2026, 11, 23, 8, 45)).await;
    let confirmed = post_through_a_500(&h, true).await;
    let posted = h.mock.top_level_in(CHANNEL);
    assert_eq!(posted.len(), 1, "one post in the channel");
    assert_eq!(confirmed, posted[0]["ts"].as_str().unwrap());
    assert_eq!(h.mock.calls_to("conversations.history").len(), 1);
    assert_eq!(
        h.mock.calls_to("chat.postMessage").len(),
        1,
        "not posted again"
    );
    h.stop().await;
}

#[sqlx::test]
async fn a_500_that_posted_nothing_is_retried_within_the_tick_and_posts_once(pool: PgPool) {
    let h = SlackHarness::start(pool, utc(2026, 11, 23, 8, 45)).await;
    let confirmed = post_through_a_500(&h, false).await;
    let posted = h.mock.top_level_in(CHANNEL);
    assert_eq!(posted.len(), 1, "one post in the channel");
    assert_eq!(confirmed, posted[0]["ts"].as_str().unwrap());
    assert_eq!(
        h.mock.calls_to("conversations.history").len(),
        1,
        "looked before posting again"
    );
    let calls = h.mock.calls_to("chat.postMessage");
    assert_eq!(calls.len(), 2);
    assert_eq!(calls[0].error.as_deref(), Some("http_500"));
    assert_eq!(calls[1].error, None);
    h.stop().await;
}
