//! End to end over Slack's HTTP mode: the real bot (endpoints, engine,
//! scheduler, notifier) against the strict local Slack mock, with real
//! PostgreSQL behind it. Requests are signed like Slack's; time is the
//! engine's manual clock, the scheduler ticks every 100 ms of real time.
#![cfg(feature = "slack")]

mod common;
mod support;

use common::utc;
use serde_json::{json, Value};
use sqlx::PgPool;
use support::slack_bot::*;
use support::slack_mock::Fault;

const ADMIN: &str = "U0ADMIN";
const ADA: &str = "U0ADA";

/// Everything in the database a request could change.
async fn footprint(h: &SlackHarness) -> Vec<i64> {
    let mut out = Vec::new();
    for table in [
        "guilds",
        "members",
        "channels",
        "posts",
        "answers",
        "daily_settings",
        "slack_events",
    ] {
        out.push(h.count(&format!("SELECT count(*) FROM {table}")).await);
    }
    out
}

/// Sets up the daily question in [`CHANNEL`] as a workspace admin.
async fn daily_setup(h: &SlackHarness) {
    h.mock.make_admin(ADMIN);
    let (status, id) = h
        .command(
            ADMIN,
            "daily setup time:09:00 tz:UTC reveal:17:00",
            Signing::Good,
        )
        .await;
    assert_eq!(status, 200);
    let answer = h.answer_to(&id).await;
    assert!(
        text_of(&answer).contains("Daily question set up"),
        "{answer}"
    );
}

fn post_of(action: &str) -> i64 {
    action.rsplit(':').next().unwrap().parse().unwrap()
}

#[sqlx::test]
async fn a_signed_prep_quiz_gets_a_question_only_the_asker_sees(pool: PgPool) {
    let h = SlackHarness::start(pool, utc(2026, 11, 23, 8, 45)).await;
    let (status, id) = h.command(ADA, "quiz", Signing::Good).await;
    assert_eq!(status, 200);
    let answer = h.answer_to(&id).await;
    assert_eq!(answer["response_type"], "ephemeral");
    assert!(text_of(&answer).contains("Practice question #"), "{answer}");
    assert!(!actions(&answer).is_empty(), "answer controls: {answer}");
    assert!(
        h.mock.calls_to("chat.postMessage").is_empty(),
        "nothing public"
    );
    h.stop().await;
}

#[sqlx::test]
async fn bad_text_gets_the_usage_line_privately(pool: PgPool) {
    let h = SlackHarness::start(pool, utc(2026, 11, 23, 8, 45)).await;
    let (_, id) = h.command(ADA, "flag soon", Signing::Good).await;
    let answer = h.answer_to(&id).await;
    assert_eq!(answer["response_type"], "ephemeral");
    assert!(text_of(&answer).contains("Usage:"), "{answer}");
    assert!(
        text_of(&answer).contains("/prep flag"),
        "typed the Slack way: {answer}"
    );
    h.stop().await;
}

#[sqlx::test]
async fn a_bad_signature_or_a_six_minute_old_timestamp_gets_401_and_changes_nothing(pool: PgPool) {
    let h = SlackHarness::start(pool, utc(2026, 11, 23, 8, 45)).await;
    let (_, id) = h.command(ADA, "help", Signing::Good).await;
    h.answer_to(&id).await;
    let before = footprint(&h).await;
    h.mock.make_admin(ADMIN);
    let setup = "daily setup time:09:00 tz:UTC";
    for signing in [Signing::Forged, Signing::Old(6 * 60), Signing::Unsigned] {
        assert_eq!(h.command(ADMIN, setup, signing).await.0, 401, "{signing:?}");
        assert_eq!(h.command(ADA, "quiz", signing).await.0, 401, "{signing:?}");
        let home = json!({"type": "event_callback", "team_id": TEAM, "event_id": "EvFORGED",
                          "event": {"type": "app_home_opened", "user": ADA, "tab": "home", "channel": "D1"}});
        assert_eq!(h.event(home, signing).await.0, 401, "{signing:?}");
    }
    // A good request after them is answered (so anything the refused ones
    // started would have had its turn too).
    let (_, id) = h.command(ADA, "help", Signing::Good).await;
    h.answer_to(&id).await;
    assert_eq!(footprint(&h).await, before);
    assert_eq!(
        h.mock.calls().len(),
        2,
        "only the two help answers: {:?}",
        h.mock.calls()
    );
    h.stop().await;
}

#[sqlx::test]
async fn slack_checks_the_events_url_with_a_challenge_that_is_echoed(pool: PgPool) {
    let h = SlackHarness::start(pool, utc(2026, 11, 23, 8, 45)).await;
    let check = json!({"type": "url_verification", "token": "x", "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"});
    let (status, body) = h.event(check, Signing::Good).await;
    assert_eq!(status, 200);
    let body: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        body["challenge"],
        "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"
    );
    h.stop().await;
}

#[sqlx::test]
async fn the_answer_button_opens_a_modal_whose_submission_is_graded_and_stored(pool: PgPool) {
    let h = SlackHarness::start(pool, utc(2026, 11, 23, 8, 45)).await;
    let (_, id) = h
        .command(ADA, "quiz format:open topic:streaming", Signing::Good)
        .await;
    let question = h.answer_to(&id).await;
    let open = actions(&question)
        .into_iter()
        .find(|a| a.starts_with("prepbot:answer:"))
        .expect("an Answer button");
    let (status, _) = h.click(ADA, &open, None, &[]).await;
    assert_eq!(status, 200);
    let view = h.mock.wait_for("views.open", 1, |_| true).await.body["view"].clone();
    assert_eq!(view["private_metadata"], CHANNEL);
    assert_eq!(
        h.submit(ADA, &view, common::good_answer("t-kafka-ordering"))
            .await,
        200
    );
    let feedback = h
        .mock
        .wait_for("chat.postEphemeral", 1, |_| true)
        .await
        .body;
    assert_eq!(
        (feedback["user"].as_str(), feedback["channel"].as_str()),
        (Some(ADA), Some(CHANNEL))
    );
    let shown = text_of(&feedback);
    assert!(
        shown.contains(&format!("#{}", post_of(&open))) && shown.contains("You covered"),
        "{shown}"
    );
    let stored = h
        .count("SELECT count(*) FROM answers WHERE body LIKE 'Order is only guaranteed%'")
        .await;
    assert_eq!(stored, 1);
    h.stop().await;
}

#[sqlx::test]
async fn the_daily_post_goes_out_at_the_scheduled_time_and_the_reveal_updates_it(pool: PgPool) {
    let h = SlackHarness::start(pool, utc(2026, 11, 23, 8, 45)).await;
    daily_setup(&h).await;
    h.set_time(utc(2026, 11, 23, 9, 1));
    let post = h
        .mock
        .wait_for("chat.postMessage", 1, |c| c.body["channel"] == CHANNEL)
        .await
        .body;
    assert!(text_of(&post).contains("Daily question #"), "{post}");
    let original = h.mock.messages_in(CHANNEL)[0]["ts"]
        .as_str()
        .unwrap()
        .to_owned();
    h.set_time(utc(2026, 11, 23, 17, 1));
    let update = h.mock.wait_for("chat.update", 1, |_| true).await.body;
    assert_eq!(update["ts"], original.as_str());
    assert!(
        text_of(&update).contains("Revealed: daily question"),
        "{update}"
    );
    assert!(actions(&update).is_empty(), "no answering after the reveal");
    let thread = h.mock.wait_for("chat.postMessage", 2, |_| true).await;
    let updated = h.mock.wait_for("chat.update", 1, |_| true).await;
    // Paced to about one message per second per channel (unpaced, the two
    // would be milliseconds apart).
    assert!(thread.at.duration_since(updated.at) >= std::time::Duration::from_millis(500));
    let thread = thread.body;
    assert_eq!(thread["thread_ts"], original.as_str());
    assert!(text_of(&thread).contains("Model answer"), "{thread}");
    h.stop().await;
}

#[sqlx::test]
async fn a_429_is_retried_after_its_retry_after(pool: PgPool) {
    let h = SlackHarness::start(pool, utc(2026, 11, 23, 8, 45)).await;
    daily_setup(&h).await;
    h.mock
        .fail_next("chat.postMessage", Fault::RateLimited { secs: 1 }, 1);
    h.set_time(utc(2026, 11, 23, 9, 1));
    let posted = h.mock.wait_for("chat.postMessage", 1, |_| true).await;
    let calls = h.mock.calls_to("chat.postMessage");
    assert_eq!(calls[0].error.as_deref(), Some("ratelimited"));
    assert!(posted.at.duration_since(calls[0].at) >= std::time::Duration::from_secs(1));
    assert_eq!(h.mock.messages_in(CHANNEL).len(), 1, "posted once");
    h.stop().await;
}

#[sqlx::test]
async fn a_duplicate_event_is_handled_once(pool: PgPool) {
    let h = SlackHarness::start(pool, utc(2026, 11, 23, 8, 45)).await;
    let opened = |id: &str| {
        json!({"type": "event_callback", "team_id": TEAM, "event_id": id, "event_time": 1,
                                    "event": {"type": "app_home_opened", "user": ADA, "tab": "home", "channel": "D0ADA"}})
    };
    assert_eq!(h.event(opened("Ev1"), Signing::Good).await.0, 200);
    let home = h.mock.wait_for("views.publish", 1, |_| true).await.body;
    assert_eq!(home["user_id"], ADA);
    let home_text = text_of(&home["view"]);
    assert!(
        home_text.contains("Points") && home_text.contains("Leaderboard, all time"),
        "{home_text}"
    );
    assert!(
        actions(&home["view"]).is_empty(),
        "no paging buttons without a response_url"
    );
    assert_eq!(
        h.event(opened("Ev1"), Signing::Good).await.0,
        200,
        "a retry is acknowledged"
    );
    assert_eq!(h.event(opened("Ev2"), Signing::Good).await.0, 200);
    h.mock.wait_for("views.publish", 2, |_| true).await;
    assert_eq!(h.count("SELECT count(*) FROM slack_events").await, 2);
    assert_eq!(
        h.mock.calls_to("views.publish").len(),
        2,
        "Ev1 once, Ev2 once"
    );
    h.stop().await;
}

#[sqlx::test]
async fn a_channel_the_bot_was_removed_from_pauses_its_schedule_and_status_says_why(pool: PgPool) {
    let h = SlackHarness::start(pool, utc(2026, 11, 23, 8, 45)).await;
    daily_setup(&h).await;
    h.mock.fail_channel(CHANNEL, "not_in_channel");
    h.set_time(utc(2026, 11, 23, 9, 1));
    h.mock
        .wait_until("the schedule to pause", || {
            let refused = h.mock.calls_to("chat.postMessage");
            (!refused.is_empty()).then_some(())
        })
        .await;
    let pool = h.pool.clone();
    let mut reason = None;
    // A generous bound, only to turn a hang into a failure.
    for _ in 0..400 {
        reason = sqlx::query_scalar("SELECT paused_reason FROM daily_settings")
            .fetch_one(&pool)
            .await
            .unwrap();
        if reason.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let reason: String = reason.expect("the schedule paused");
    assert!(reason.contains("/invite"), "{reason}");
    let (_, id) = h.command(ADMIN, "daily status", Signing::Good).await;
    let status = text_of(&h.answer_to(&id).await);
    assert!(status.contains("/invite"), "{status}");
    h.stop().await;
}

#[sqlx::test]
async fn feedback_on_a_modal_from_a_channel_the_bot_is_not_in_arrives_as_a_direct_message(
    pool: PgPool,
) {
    let h = SlackHarness::start(pool, utc(2026, 11, 23, 8, 45)).await;
    h.mock.fail_channel(CHANNEL, "not_in_channel");
    feedback_arrives_as_a_direct_message(&h).await;
    h.stop().await;
}

/// The App Home offers every open daily question of the workspace, so a
/// person may answer one of a channel they are not in; Slack refuses an
/// ephemeral message to them there.
#[sqlx::test]
async fn feedback_for_someone_not_in_the_channel_arrives_as_a_direct_message(pool: PgPool) {
    let h = SlackHarness::start(pool, utc(2026, 11, 23, 8, 45)).await;
    h.mock.leave(CHANNEL, ADA);
    feedback_arrives_as_a_direct_message(&h).await;
    h.stop().await;
}

async fn feedback_arrives_as_a_direct_message(h: &SlackHarness) {
    let (_, id) = h
        .command(ADA, "quiz format:open topic:streaming", Signing::Good)
        .await;
    let question = h.answer_to(&id).await;
    let open = actions(&question)
        .into_iter()
        .find(|a| a.starts_with("prepbot:answer:"))
        .unwrap();
    h.click(ADA, &open, None, &[]).await;
    let view = h.mock.wait_for("views.open", 1, |_| true).await.body["view"].clone();
    h.submit(ADA, &view, common::good_answer("t-kafka-ordering"))
        .await;
    let dm = h
        .mock
        .wait_for("chat.postMessage", 1, |c| c.body["channel"] == ADA)
        .await
        .body;
    assert!(text_of(&dm).contains("You covered"), "{dm}");
    assert_eq!(h.mock.messages_in(CHANNEL).len(), 0, "nothing public");
}

#[sqlx::test]
async fn a_choice_question_has_a_button_per_option_and_a_click_is_graded_privately(pool: PgPool) {
    let h = SlackHarness::start(pool, utc(2026, 11, 23, 8, 45)).await;
    let (_, id) = h.command(ADA, "quiz format:choice", Signing::Good).await;
    let question = h.answer_to(&id).await;
    let choices: Vec<String> = actions(&question)
        .into_iter()
        .filter(|a| a.starts_with("prepbot:choose:"))
        .collect();
    assert!(choices.len() >= 2, "{question}");
    let right = choices
        .iter()
        .find(|a| a.ends_with(":a"))
        .expect("option a");
    let (status, url) = h.click(ADA, right, None, &[]).await;
    assert_eq!(status, 200);
    let feedback = h.answer_to(&url).await;
    assert_eq!(feedback["response_type"], "ephemeral");
    assert!(text_of(&feedback).starts_with("Correct"), "{feedback}");
    assert_eq!(
        h.count("SELECT count(*) FROM answers WHERE body = 'a'")
            .await,
        1
    );
    h.stop().await;
}
