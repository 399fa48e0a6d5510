//! The same flows over Socket Mode: no public URL, the bot connects to the
//! mock's WebSocket with the app token, acknowledges each envelope at once
//! and answers exactly as in HTTP mode.
#![cfg(feature = "slack")]

mod common;
mod support;

use common::utc;
use serde_json::json;
use sqlx::PgPool;
use support::slack_bot::*;
use support::slack_mock::APP_TOKEN;

#[sqlx::test]
async fn a_prep_quiz_over_socket_mode_is_acknowledged_and_answered_privately(pool: PgPool) {
    let h = SlackHarness::start_with(pool, utc(2026, 11, 23, 8, 45), false, true).await;
    let opened = h.mock.calls_to("apps.connections.open");
    assert_eq!(
        opened[0].token.as_deref(),
        Some(APP_TOKEN),
        "opened with the app token"
    );
    let (payload, id) = h.command_payload("U0ADA", "quiz");
    let envelope = h.mock.push("slash_commands", payload);
    h.mock.wait_ack(&envelope).await;
    let answer = h.answer_to(&id).await;
    assert_eq!(answer["response_type"], "ephemeral");
    assert!(text_of(&answer).contains("Practice question #"), "{answer}");
    h.stop().await;
}

#[sqlx::test]
async fn a_modal_submitted_over_socket_mode_is_graded_and_stored(pool: PgPool) {
    let h = SlackHarness::start_with(pool, utc(2026, 11, 23, 8, 45), false, true).await;
    let (payload, id) = h.command_payload("U0ADA", "quiz format:open topic:streaming");
    h.mock.push("slash_commands", payload);
    let question = h.answer_to(&id).await;
    let open = actions(&question)
        .into_iter()
        .find(|a| a.starts_with("prepbot:answer:"))
        .unwrap();
    let click = json!({
        "type": "block_actions", "team": {"id": TEAM}, "user": {"id": "U0ADA", "username": "ada", "team_id": TEAM},
        "channel": {"id": CHANNEL}, "container": {"type": "message", "channel_id": CHANNEL, "is_ephemeral": true},
        "trigger_id": h.mock.trigger(), "response_url": h.mock.response_url().0,
        "actions": [{"action_id": open, "type": "button", "block_id": "b", "action_ts": "1"}],
    });
    h.mock.push("interactive", click);
    let view = h.mock.wait_for("views.open", 1, |_| true).await.body["view"].clone();
    let submit = json!({
        "type": "view_submission", "team": {"id": TEAM}, "user": {"id": "U0ADA", "username": "ada", "team_id": TEAM},
        "view": {"id": "V1", "type": "modal", "callback_id": view["callback_id"], "private_metadata": view["private_metadata"],
                 "state": {"values": {"answer": {"answer": {"type": "plain_text_input", "value": common::good_answer("t-kafka-ordering")}}}}},
    });
    let envelope = h.mock.push("interactive", submit);
    h.mock.wait_ack(&envelope).await;
    let feedback = h
        .mock
        .wait_for("chat.postEphemeral", 1, |_| true)
        .await
        .body;
    assert!(text_of(&feedback).contains("You covered"), "{feedback}");
    assert_eq!(h.count("SELECT count(*) FROM answers").await, 1);
    h.stop().await;
}

#[sqlx::test]
async fn a_duplicate_event_over_socket_mode_is_handled_once(pool: PgPool) {
    let h = SlackHarness::start_with(pool, utc(2026, 11, 23, 8, 45), false, true).await;
    let opened = |id: &str| {
        json!({"type": "event_callback", "team_id": TEAM, "event_id": id,
                                    "event": {"type": "app_home_opened", "user": "U0ADA", "tab": "home", "channel": "D0ADA"}})
    };
    let first = h.mock.push("events_api", opened("EvS1"));
    h.mock.wait_ack(&first).await;
    h.mock.wait_for("views.publish", 1, |_| true).await;
    let again = h.mock.push("events_api", opened("EvS1"));
    h.mock.wait_ack(&again).await;
    let other = h.mock.push("events_api", opened("EvS2"));
    h.mock.wait_ack(&other).await;
    h.mock.wait_for("views.publish", 2, |_| true).await;
    assert_eq!(h.count("SELECT count(*) FROM slack_events").await, 2);
    assert_eq!(h.mock.calls_to("views.publish").len(), 2);
    h.stop().await;
}
