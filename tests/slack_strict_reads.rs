//! The local Slack's read methods are as strict as the rest:
//! `usergroups.users.list` and `conversations.history` take forms with
//! their required arguments and a bot token with the right scope, answer a
//! workspace's state (`no_such_subteam`, `not_in_channel`) the way Slack
//! does, and return message metadata only when asked for. Also: malformed
//! message metadata is refused, and a lost answer still takes effect.
#![cfg(feature = "slack")]

mod support;

use serde_json::{json, Value};
use support::slack_mock::{Fault, SlackMock, BOT_TOKEN};

/// Calls `method` with a form (or JSON when `json` is given); (status, body).
async fn call(
    mock: &SlackMock,
    method: &str,
    token: Option<&str>,
    form: &[(&str, &str)],
    json: Option<Value>,
) -> (u16, Value) {
    let mut r = reqwest::Client::new().post(format!("{}/{method}", mock.api_base()));
    r = match json {
        Some(body) => r.json(&body),
        None => r.form(form),
    };
    if let Some(t) = token {
        r = r.bearer_auth(t);
    }
    let answer = r.send().await.unwrap();
    let status = answer.status().as_u16();
    (status, answer.json().await.unwrap_or(Value::Null))
}

fn error(answer: &(u16, Value)) -> &str {
    assert_eq!(answer.0, 200, "Slack answers errors with 200");
    answer.1["error"].as_str().unwrap_or_default()
}

async fn post(mock: &SlackMock, body: Value) -> (u16, Value) {
    call(mock, "chat.postMessage", Some(BOT_TOKEN), &[], Some(body)).await
}

#[tokio::test]
async fn usergroups_users_list_needs_a_token_a_form_and_a_usergroup_and_knows_its_groups() {
    let mock = SlackMock::start().await;
    mock.expect_refusals();
    mock.make_group("S1", &["U1", "U2"]);
    let method = "usergroups.users.list";
    let no_token = call(&mock, method, None, &[("usergroup", "S1")], None).await;
    assert_eq!(error(&no_token), "not_authed");
    let as_json = call(
        &mock,
        method,
        Some(BOT_TOKEN),
        &[],
        Some(json!({"usergroup": "S1"})),
    )
    .await;
    assert_eq!(error(&as_json), "invalid_arguments");
    let without = call(&mock, method, Some(BOT_TOKEN), &[], None).await;
    assert_eq!(error(&without), "invalid_arguments");
    assert_eq!(mock.refused().len(), 3, "{:?}", mock.refused());

    let unknown = call(&mock, method, Some(BOT_TOKEN), &[("usergroup", "S9")], None).await;
    assert_eq!(error(&unknown), "no_such_subteam");
    assert_eq!(
        mock.refused().len(),
        3,
        "a group the workspace lacks is no bot bug"
    );
    let known = call(&mock, method, Some(BOT_TOKEN), &[("usergroup", "S1")], None).await;
    assert_eq!(known.1, json!({"ok": true, "users": ["U1", "U2"]}));
}

#[tokio::test]
async fn conversations_history_needs_a_channel_as_a_form_and_answers_the_channels_state() {
    let mock = SlackMock::start().await;
    mock.expect_refusals();
    let method = "conversations.history";
    let as_json = call(
        &mock,
        method,
        Some(BOT_TOKEN),
        &[],
        Some(json!({"channel": "C1"})),
    )
    .await;
    assert_eq!(error(&as_json), "invalid_arguments");
    let without = call(&mock, method, Some(BOT_TOKEN), &[("limit", "5")], None).await;
    assert_eq!(error(&without), "channel_not_found");
    let too_many = call(
        &mock,
        method,
        Some(BOT_TOKEN),
        &[("channel", "C1"), ("limit", "1000")],
        None,
    )
    .await;
    assert_eq!(error(&too_many), "invalid_limit");
    let no_token = call(&mock, method, None, &[("channel", "C1")], None).await;
    assert_eq!(error(&no_token), "not_authed");
    assert_eq!(mock.refused().len(), 4, "{:?}", mock.refused());

    for state in ["not_in_channel", "channel_not_found"] {
        let channel = format!("C{state}");
        mock.fail_channel(&channel, state);
        let answer = call(
            &mock,
            method,
            Some(BOT_TOKEN),
            &[("channel", &channel)],
            None,
        )
        .await;
        assert_eq!(error(&answer), state);
    }
    assert_eq!(mock.refused().len(), 4, "the channel's state is no bot bug");
    mock.revoke_scope("channels:history");
    let unscoped = call(&mock, method, Some(BOT_TOKEN), &[("channel", "C1")], None).await;
    assert_eq!(error(&unscoped), "missing_scope");
}

#[tokio::test]
async fn history_is_newest_first_without_thread_replies_and_shows_metadata_only_when_asked() {
    let mock = SlackMock::start().await;
    let marker = json!({"event_type": "prepbot_daily_post", "event_payload": {"post_id": 7}});
    let first = post(
        &mock,
        json!({"channel": "C1", "text": "first", "metadata": marker}),
    )
    .await;
    let ts = first.1["ts"].as_str().unwrap().to_owned();
    post(
        &mock,
        json!({"channel": "C1", "text": "reply", "thread_ts": ts}),
    )
    .await;
    post(&mock, json!({"channel": "C1", "text": "second"})).await;
    let read = |all: &'static str| {
        let mock = &mock;
        async move {
            let form = [
                ("channel", "C1"),
                ("limit", "50"),
                ("include_all_metadata", all),
            ];
            call(mock, "conversations.history", Some(BOT_TOKEN), &form, None)
                .await
                .1
        }
    };
    let plain = read("false").await;
    let texts: Vec<&str> = plain["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["text"].as_str().unwrap())
        .collect();
    assert_eq!(texts, ["second", "first"]);
    assert!(plain["messages"][1].get("metadata").is_none(), "{plain}");
    assert!(
        plain["messages"][1]["bot_id"].is_string(),
        "a bot's message says so"
    );
    let with = read("true").await;
    assert_eq!(with["messages"][1]["metadata"], marker);
    let one = call(
        &mock,
        "conversations.history",
        Some(BOT_TOKEN),
        &[("channel", "C1"), ("limit", "1")],
        None,
    )
    .await;
    assert_eq!(one.1["messages"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn malformed_message_metadata_is_refused() {
    let mock = SlackMock::start().await;
    mock.expect_refusals();
    for (i, metadata) in [
        json!({"event_payload": {"post_id": 1}}),
        json!({"event_type": "x", "event_payload": "1"}),
    ]
    .into_iter()
    .enumerate()
    {
        let answer = post(
            &mock,
            json!({"channel": "C1", "text": "t", "metadata": metadata}),
        )
        .await;
        assert_eq!(error(&answer), "invalid_metadata_format");
        assert_eq!(mock.refused().len(), i + 1);
    }
    assert!(mock.messages_in("C1").is_empty());
}

#[tokio::test]
async fn a_lost_answer_leaves_the_caller_without_one_but_the_message_posted() {
    let mock = SlackMock::start().await;
    mock.fail_next("chat.postMessage", Fault::LoseAnswer, 1);
    let sent = reqwest::Client::new()
        .post(format!("{}/chat.postMessage", mock.api_base()))
        .bearer_auth(BOT_TOKEN)
        .json(&json!({"channel": "C1", "text": "hi"}))
        .send()
        .await;
    let read = match sent {
        Ok(r) => r.bytes().await.map(|_| ()),
        Err(e) => Err(e),
    };
    assert!(read.is_err(), "no answer reaches the caller");
    assert_eq!(mock.messages_in("C1").len(), 1, "but the message is there");
    let again = post(&mock, json!({"channel": "C1", "text": "hi"})).await;
    assert_eq!(again.1["ok"], true, "the next call is answered");
}
