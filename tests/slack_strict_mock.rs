//! The local Slack refuses what real Slack refuses, in Slack's shape, so a
//! flow test that passes proves something. Each case sends one request real
//! Slack would refuse and checks that it is answered `ok:false` and counted
//! as a refusal (which fails a flow test when the mock is dropped).
#![cfg(feature = "slack")]

mod support;

use serde_json::{json, Value};
use std::time::Duration;
use support::slack_mock::{Fault, SlackMock, BOT_TOKEN};

struct Client {
    http: reqwest::Client,
    base: String,
}

impl Client {
    fn new(mock: &SlackMock) -> Self {
        Self {
            http: reqwest::Client::new(),
            base: mock.api_base(),
        }
    }

    /// Calls `method` with a JSON body and `token`; (status, content type, body).
    async fn call(&self, method: &str, token: Option<&str>, body: Value) -> (u16, String, Value) {
        let mut r = self
            .http
            .post(format!("{}/{method}", self.base))
            .json(&body);
        if let Some(t) = token {
            r = r.bearer_auth(t);
        }
        read(r.send().await.unwrap()).await
    }
}

async fn read(r: reqwest::Response) -> (u16, String, Value) {
    let status = r.status().as_u16();
    let kind = r
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, kind, r.json().await.unwrap_or(Value::Null))
}

fn section(text: &str) -> Value {
    json!({"type": "section", "text": {"type": "mrkdwn", "text": text}})
}

fn button(label: &str, action_id: &str) -> Value {
    json!({"type": "actions", "elements": [{"type": "button", "text": {"type": "plain_text", "text": label}, "action_id": action_id}]})
}

fn modal(title: &str, metadata: &str) -> Value {
    json!({"type": "modal", "title": {"type": "plain_text", "text": title}, "private_metadata": metadata, "blocks": [section("q")]})
}

/// Asserts `ok:false` with `error`, as JSON, and one more refusal recorded.
fn refused(mock: &SlackMock, answer: (u16, String, Value), error: &str, before: usize) {
    assert_eq!(answer.0, 200, "Slack answers errors with 200");
    assert!(answer.1.starts_with("application/json"), "{}", answer.1);
    assert_eq!(answer.2, json!({"ok": false, "error": error}));
    assert_eq!(mock.refused().len(), before + 1, "{:?}", mock.refused());
}

#[tokio::test]
async fn a_message_over_slacks_block_kit_limits_is_refused() {
    let mock = SlackMock::start().await;
    mock.expect_refusals();
    let c = Client::new(&mock);
    let post = |blocks: Vec<Value>| json!({"channel": "C1", "text": "t", "blocks": blocks});
    let cases = [
        post(vec![section("x"); 51]),
        post(vec![section(&"x".repeat(3001))]),
        post(vec![button(&"b".repeat(76), "a")]),
        post(vec![button("ok", &"a".repeat(256))]),
        // Taken by Slack but shown broken, so failed here all the same:
        // half an escape left by a cut, and a code fence left open.
        // (In other channels: Slack allows a burst of about 5 per channel.)
        json!({"channel": "C2", "text": "t", "blocks": [section("a &am")]}),
        json!({"channel": "C3", "text": "t", "blocks": [section("```SELECT 1")]}),
    ];
    for (i, body) in cases.into_iter().enumerate() {
        let answer = c.call("chat.postMessage", Some(BOT_TOKEN), body).await;
        refused(&mock, answer, "invalid_blocks", i);
    }
    let ok = c
        .call(
            "chat.postMessage",
            Some(BOT_TOKEN),
            post(vec![section("x"); 50]),
        )
        .await;
    assert_eq!(ok.2["ok"], true, "50 blocks are fine");
    let fine = json!({"channel": "C4", "text": "t",
                      "blocks": [section("a & b &amp; &lt;x&gt; ```SELECT 1```")]});
    let ok = c.call("chat.postMessage", Some(BOT_TOKEN), fine).await;
    assert_eq!(ok.2["ok"], true, "whole escapes and closed fences are fine");
}

#[tokio::test]
async fn a_missing_or_wrong_bearer_token_is_refused() {
    let mock = SlackMock::start().await;
    mock.expect_refusals();
    let c = Client::new(&mock);
    let body = json!({"channel": "C1", "text": "hi"});
    refused(
        &mock,
        c.call("chat.postMessage", None, body.clone()).await,
        "not_authed",
        0,
    );
    refused(
        &mock,
        c.call("chat.postMessage", Some("xoxb-other"), body).await,
        "invalid_auth",
        1,
    );
}

#[tokio::test]
async fn a_trigger_id_works_once_and_only_within_three_seconds() {
    let mock = SlackMock::start().await;
    mock.expect_refusals();
    let c = Client::new(&mock);
    let open = |trigger: &str| json!({"trigger_id": trigger, "view": modal("Answer", "C1")});
    let fresh = mock.trigger();
    assert_eq!(
        c.call("views.open", Some(BOT_TOKEN), open(&fresh)).await.2["ok"],
        true
    );
    refused(
        &mock,
        c.call("views.open", Some(BOT_TOKEN), open(&fresh)).await,
        "invalid_trigger_id",
        0,
    );
    let old = mock.trigger();
    mock.age(&old, Duration::from_millis(3100));
    refused(
        &mock,
        c.call("views.open", Some(BOT_TOKEN), open(&old)).await,
        "expired_trigger_id",
        1,
    );
}

#[tokio::test]
async fn a_modal_title_over_24_characters_or_metadata_over_3000_is_refused() {
    let mock = SlackMock::start().await;
    mock.expect_refusals();
    let c = Client::new(&mock);
    let long_title = json!({"trigger_id": mock.trigger(), "view": modal(&"t".repeat(25), "C1")});
    refused(
        &mock,
        c.call("views.open", Some(BOT_TOKEN), long_title).await,
        "invalid_blocks",
        0,
    );
    let long_meta =
        json!({"trigger_id": mock.trigger(), "view": modal("Answer", &"m".repeat(3001))});
    refused(
        &mock,
        c.call("views.open", Some(BOT_TOKEN), long_meta).await,
        "invalid_arguments",
        1,
    );
    let big_home =
        json!({"user_id": "U1", "view": {"type": "home", "blocks": vec![section("x"); 101]}});
    refused(
        &mock,
        c.call("views.publish", Some(BOT_TOKEN), big_home).await,
        "invalid_blocks",
        2,
    );
}

#[tokio::test]
async fn a_response_url_takes_five_posts_within_thirty_minutes() {
    let mock = SlackMock::start().await;
    mock.expect_refusals();
    let http = reqwest::Client::new();
    let message = json!({"response_type": "ephemeral", "text": "hi"});
    let (url, _) = mock.response_url();
    for _ in 0..5 {
        let ok = read(http.post(&url).json(&message).send().await.unwrap()).await;
        assert_eq!(ok.2["ok"], true);
    }
    refused(
        &mock,
        read(http.post(&url).json(&message).send().await.unwrap()).await,
        "used_url",
        0,
    );
    let (late, id) = mock.response_url();
    mock.age(&id, Duration::from_secs(31 * 60));
    refused(
        &mock,
        read(http.post(&late).json(&message).send().await.unwrap()).await,
        "expired_url",
        1,
    );
}

#[tokio::test]
async fn a_429_carries_retry_after_and_every_answer_is_json() {
    let mock = SlackMock::start().await;
    let c = Client::new(&mock);
    mock.fail_next("chat.postMessage", Fault::RateLimited { secs: 2 }, 1);
    let r = reqwest::Client::new()
        .post(format!("{}/chat.postMessage", mock.api_base()))
        .bearer_auth(BOT_TOKEN)
        .json(&json!({"channel": "C1", "text": "hi"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 429);
    assert_eq!(r.headers()["retry-after"], "2");
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/json"));
    let (_, kind, body) = c
        .call(
            "chat.postMessage",
            Some(BOT_TOKEN),
            json!({"channel": "C1", "text": "hi"}),
        )
        .await;
    assert!(
        kind.starts_with("application/json") && body["ok"] == true,
        "{body}"
    );
}

#[tokio::test]
async fn users_info_takes_a_form_not_json() {
    let mock = SlackMock::start().await;
    mock.expect_refusals();
    let c = Client::new(&mock);
    refused(
        &mock,
        c.call("users.info", Some(BOT_TOKEN), json!({"user": "U1"}))
            .await,
        "invalid_arguments",
        0,
    );
    mock.make_admin("U1");
    let form = reqwest::Client::new()
        .post(format!("{}/users.info", mock.api_base()))
        .bearer_auth(BOT_TOKEN)
        .form(&[("user", "U1")]);
    let (_, _, body) = read(form.send().await.unwrap()).await;
    assert_eq!(body["user"]["is_admin"], true);
}

#[tokio::test]
#[should_panic(expected = "Slack would refuse")]
async fn dropping_the_mock_after_an_unexpected_refusal_fails_the_test() {
    let mock = SlackMock::start().await;
    let c = Client::new(&mock);
    c.call(
        "chat.postMessage",
        None,
        json!({"channel": "C1", "text": "hi"}),
    )
    .await;
    drop(mock);
}
