//! The mock refuses what real Discord refuses: body limits (with Discord's
//! 50035 "Invalid Form Body" shape), the interaction lifecycle, and channels
//! the bot cannot post in. Each rule is driven here with raw requests, so the
//! end-to-end tests can trust that a request the mock accepts is one Discord
//! would accept too.
#![cfg(feature = "discord")]

mod support;

use serde_json::{json, Value};
use std::time::Duration;
use support::discord_events::{button, modal, slash, Member, CHANNEL};
use support::discord_lifecycle::{
    Lifetimes, ALL_NEEDED, CREATE_PUBLIC_THREADS, EMBED_LINKS, SEND_MESSAGES,
};
use support::discord_mock::DiscordMock;

async fn post(mock: &DiscordMock, body: Value) -> (u16, Value) {
    mock.send("POST", &format!("/channels/{CHANNEL}/messages"), body)
        .await
}

fn errors_at<'a>(answer: &'a Value, path: &str) -> &'a Value {
    path.split('.').fold(&answer["errors"], |v, k| &v[k])
}

#[tokio::test]
async fn each_body_limit_is_refused_with_discords_invalid_form_body_error() {
    let mock = DiscordMock::start().await;
    mock.expect_refusals();
    let long = |n: usize| "x".repeat(n);
    let button =
        |id: &str, label: &str| json!({"type": 2, "style": 1, "custom_id": id, "label": label});
    let row = |n: usize, tag: &str| json!({"type": 1, "components": (0..n).map(|i| button(&format!("{tag}{i}"), "b")).collect::<Vec<_>>()});
    let cases = [
        (json!({"embeds": [{"title": long(257)}]}), "embeds.0.title"),
        (
            json!({"embeds": [{"description": long(4097)}]}),
            "embeds.0.description",
        ),
        (
            json!({"embeds": [{"fields": (0..26).map(|_| json!({"name": "n", "value": "v"})).collect::<Vec<_>>()}]}),
            "embeds.0.fields",
        ),
        (
            json!({"embeds": [{"fields": [{"name": long(257), "value": "v"}]}]}),
            "embeds.0.fields.0.name",
        ),
        (
            json!({"embeds": [{"fields": [{"name": "n", "value": long(1025)}]}]}),
            "embeds.0.fields.0.value",
        ),
        (
            json!({"embeds": [{"footer": {"text": long(2049)}}]}),
            "embeds.0.footer.text",
        ),
        (
            json!({"embeds": [{"description": long(4000)}, {"description": long(2001)}]}),
            "embeds",
        ),
        (
            json!({"embeds": (0..11).map(|_| json!({"title": "t"})).collect::<Vec<_>>()}),
            "embeds",
        ),
        (json!({"content": long(2001)}), "content"),
        (
            json!({"components": (0..6).map(|r| row(1, &format!("r{r}-"))).collect::<Vec<_>>()}),
            "components",
        ),
        (
            json!({"components": [row(6, "a")]}),
            "components.0.components",
        ),
        (
            json!({"components": [{"type": 1, "components": [button("same", "a"), button("same", "b")]}]}),
            "components.0.components.1.custom_id",
        ),
        (
            json!({"components": [{"type": 1, "components": [button(&long(101), "a")]}]}),
            "components.0.components.0.custom_id",
        ),
        (
            json!({"components": [{"type": 1, "components": [button("a", &long(81))]}]}),
            "components.0.components.0.label",
        ),
        (
            json!({"components": [{"type": 1, "components": [button("a", "")]}]}),
            "components.0.components.0.label",
        ),
        (
            json!({"components": [{"type": 1, "components": [{"type": 3, "custom_id": "s", "options": (0..26).map(|i| json!({"label": "l", "value": i.to_string()})).collect::<Vec<_>>()}]}]}),
            "components.0.components.0.options",
        ),
        (
            json!({"components": [{"type": 1, "components": [{"type": 3, "custom_id": "s", "options": [{"label": long(101), "value": "v"}]}]}]}),
            "components.0.components.0.options.0.label",
        ),
        (
            json!({"components": [{"type": 1, "components": [{"type": 3, "custom_id": "s", "min_values": 3, "max_values": 2, "options": [{"label": "l", "value": "v"}]}]}]}),
            "components.0.components.0.min_values",
        ),
        (
            json!({"components": [{"type": 1, "components": [{"type": 3, "custom_id": "s", "max_values": 26, "options": [{"label": "l", "value": "v"}]}]}]}),
            "components.0.components.0.max_values",
        ),
        (json!({"content": "hi", "nonce": long(26)}), "nonce"),
    ];
    for (body, path) in cases {
        let (status, answer) = post(&mock, body.clone()).await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(
            (answer["code"].clone(), answer["message"].clone()),
            (json!(50035), json!("Invalid Form Body"))
        );
        assert!(
            errors_at(&answer, path)["_errors"].is_array(),
            "no error at {path}: {answer}"
        );
    }
    assert_eq!(mock.refused().len(), 20);
    assert!(
        mock.messages_in(CHANNEL).is_empty(),
        "a refused message was kept"
    );
    let (status, _) = post(
        &mock,
        json!({"content": "x".repeat(2000), "embeds": [{"title": "x".repeat(256)}]}),
    )
    .await;
    assert_eq!(status, 200, "limits are inclusive");
}

#[tokio::test]
async fn modals_autocomplete_and_command_registration_are_held_to_their_limits() {
    let mock = DiscordMock::start().await;
    mock.expect_refusals();
    let who = Member::new(1, "Ada");
    let input = |label: &str, max: u64| json!({"type": 1, "components": [{"type": 4, "custom_id": "a", "style": 2, "label": label, "max_length": max}]});
    let cases = [
        (
            json!({"type": 9, "data": {"custom_id": "m", "title": "x".repeat(46), "components": [input("l", 10)]}}),
            "data.title",
        ),
        (
            json!({"type": 9, "data": {"custom_id": "m", "title": "t", "components": [input(&"x".repeat(46), 10)]}}),
            "data.components.0.components.0.label",
        ),
        (
            json!({"type": 9, "data": {"custom_id": "m", "title": "t", "components": [input("l", 4001)]}}),
            "data.components.0.components.0.max_length",
        ),
    ];
    for (body, path) in cases {
        let p = slash("quiz", vec![], &who, CHANNEL);
        mock.state.pushed(&p.frame);
        let (status, answer) = mock.send("POST", &p.callback_path(), body).await;
        assert_eq!((status, answer["code"].clone()), (400, json!(50035)));
        assert!(
            errors_at(&answer, path)["_errors"].is_array(),
            "{path}: {answer}"
        );
    }
    let choices = |n: usize, name: &str| json!({"type": 8, "data": {"choices": (0..n).map(|i| json!({"name": name, "value": i.to_string()})).collect::<Vec<_>>()}});
    for (body, path) in [
        (choices(26, "c"), "data.choices"),
        (choices(1, ""), "data.choices.0.name"),
        (choices(1, &"x".repeat(101)), "data.choices.0.name"),
    ] {
        let (status, answer) = mock.send("POST", "/interactions/1/t/callback", body).await;
        assert_eq!(status, 400);
        assert!(
            errors_at(&answer, path)["_errors"].is_array(),
            "{path}: {answer}"
        );
    }
    let command = |name: &str, description: &str, options: Value| json!([{"name": name, "description": description, "options": options}]);
    let optional = json!({"type": 3, "name": "a", "description": "d"});
    let required = json!({"type": 3, "name": "b", "description": "d", "required": true});
    let path = "/applications/1/commands";
    for (body, at) in [
        (command("Quiz", "d", json!([])), "0.name"),
        (command("two words", "d", json!([])), "0.name"),
        (command(&"q".repeat(33), "d", json!([])), "0.name"),
        (command("quiz", "", json!([])), "0.description"),
        (
            command("quiz", &"d".repeat(101), json!([])),
            "0.description",
        ),
        (
            command("quiz", "d", json!([optional, required])),
            "0.options.1.required",
        ),
        (
            command(
                "quiz",
                "d",
                Value::Array(vec![
                    json!({"type": 3, "name": "a", "description": "d"});
                    26
                ]),
            ),
            "0.options",
        ),
    ] {
        let (status, answer) = mock.send("PUT", path, body).await;
        assert_eq!(status, 400, "{at}");
        assert!(
            errors_at(&answer, at)["_errors"].is_array(),
            "{at}: {answer}"
        );
    }
    let (status, _) = mock
        .send("PUT", path, command("réponse-ज्ञान_1", "d", json!([])))
        .await;
    assert_eq!(
        status, 200,
        "Discord's pattern takes any lowercase letter, digit, - and _"
    );
}

#[tokio::test]
async fn an_interaction_is_acknowledged_once_within_three_seconds_and_followed_up_for_fifteen_minutes(
) {
    let mock = DiscordMock::start().await;
    mock.expect_refusals();
    let who = Member::new(1, "Ada");
    let reply = json!({"type": 4, "data": {"content": "hi"}});
    let p = slash("quiz", vec![], &who, CHANNEL);
    mock.state.pushed(&p.frame);
    let followup = |p: &support::discord_events::Pushed| p.webhook_path();
    assert_eq!(
        mock.send("POST", &followup(&p), json!({"content": "early"}))
            .await
            .1["code"],
        10015
    );
    assert_eq!(
        mock.send("POST", &p.callback_path(), reply.clone()).await.0,
        204
    );
    let (status, again) = mock
        .send("POST", &p.callback_path(), json!({"type": 9, "data": {}}))
        .await;
    assert_eq!((status, again["code"].clone()), (400, json!(40060)));
    assert_eq!(
        mock.send("POST", &followup(&p), json!({"content": "more"}))
            .await
            .0,
        200
    );

    mock.set_lifetimes(Lifetimes {
        initial_response: Duration::from_millis(50),
        token: Duration::from_millis(100),
        ..Lifetimes::default()
    });
    let late = slash("quiz", vec![], &who, CHANNEL);
    mock.state.pushed(&late.frame);
    tokio::time::sleep(Duration::from_millis(120)).await;
    let (status, answer) = mock
        .send("POST", &late.callback_path(), reply.clone())
        .await;
    assert_eq!((status, answer["code"].clone()), (404, json!(10062)));
    let (status, answer) = mock
        .send("POST", &followup(&p), json!({"content": "late"}))
        .await;
    assert_eq!((status, answer["code"].clone()), (401, json!(50027)));
    assert_eq!(mock.refused().len(), 4);
}

#[tokio::test]
async fn a_modal_answers_only_commands_and_clicks_and_update_message_only_components() {
    let mock = DiscordMock::start().await;
    mock.expect_refusals();
    let who = Member::new(1, "Ada");
    let modal_reply = json!({"type": 9, "data": {"custom_id": "m", "title": "t", "components": [{"type": 1, "components": [{"type": 4, "custom_id": "a", "style": 2, "label": "l"}]}]}});
    let update = json!({"type": 7, "data": {"content": "x"}});
    let submitted = modal("m", "a", "text", &who, CHANNEL);
    let command = slash("quiz", vec![], &who, CHANNEL);
    let click = button("b", "1", &who, CHANNEL);
    for p in [&submitted, &command, &click] {
        mock.state.pushed(&p.frame);
    }
    assert_eq!(
        mock.send("POST", &submitted.callback_path(), modal_reply.clone())
            .await
            .0,
        400
    );
    assert_eq!(
        mock.send("POST", &command.callback_path(), update.clone())
            .await
            .0,
        400
    );
    assert_eq!(
        mock.send("POST", &click.callback_path(), update).await.0,
        204
    );
    let deferred = slash("quiz", vec![], &who, CHANNEL);
    mock.state.pushed(&deferred.frame);
    let defer = json!({"type": 5, "data": {"flags": 64}});
    assert_eq!(
        mock.send("POST", &deferred.callback_path(), defer).await.0,
        204
    );
    let (_, answer) = mock
        .send("POST", &deferred.callback_path(), modal_reply)
        .await;
    assert_eq!(answer["code"], 40060, "no modal after a defer");
    assert_eq!(mock.refused().len(), 3);
}

#[tokio::test]
async fn channels_answer_by_type_and_permission_and_refusals_count_as_invalid_requests() {
    let mock = DiscordMock::start().await;
    let msg = json!({"content": "hi", "embeds": [{"title": "t"}]});
    let at = |c: &str| format!("/channels/{c}/messages");
    mock.delete_channel("1");
    mock.add_channel("2", 0, 0);
    mock.add_channel("3", 0, ALL_NEEDED & !SEND_MESSAGES);
    mock.add_channel("4", 15, ALL_NEEDED);
    mock.add_channel("5", 4, ALL_NEEDED);
    mock.add_channel("6", 0, ALL_NEEDED & !EMBED_LINKS);
    let mut answers = vec![];
    for c in ["1", "2", "3", "4", "5"] {
        let (status, answer) = mock.send("POST", &at(c), msg.clone()).await;
        answers.push((status, answer["code"].clone()));
    }
    assert_eq!(
        answers,
        vec![
            (404, json!(10003)),
            (403, json!(50001)),
            (403, json!(50013)),
            (400, json!(50008)),
            (400, json!(50008))
        ]
    );
    let (status, m) = mock.send("POST", &at("6"), msg).await;
    assert_eq!((status, m["content"].clone()), (200, json!("hi")));
    assert_eq!(
        m["embeds"],
        json!([]),
        "embeds are dropped without Embed Links"
    );
    let thread = format!("/channels/6/messages/{}/threads", m["id"].as_str().unwrap());
    let (status, answer) = mock.send("POST", &thread, json!({"name": "t"})).await;
    assert_eq!((status, answer["code"].clone()), (201, Value::Null));
    mock.add_channel("6", 0, ALL_NEEDED & !CREATE_PUBLIC_THREADS);
    let (status, answer) = mock.send("POST", &thread, json!({"name": "t"})).await;
    assert_eq!((status, answer["code"].clone()), (403, json!(50013)));
    assert_eq!(
        mock.invalid_requests().len(),
        3,
        "the three 403s count against the budget"
    );
    assert!(
        mock.refused().is_empty(),
        "a channel's state is not the bot's mistake"
    );
}

#[tokio::test]
async fn an_enforced_nonce_deduplicates_only_for_its_lifetime() {
    let mock = DiscordMock::start().await;
    mock.set_lifetimes(Lifetimes {
        nonce: Duration::from_millis(50),
        ..Lifetimes::default()
    });
    let msg = json!({"content": "q", "nonce": "p1", "enforce_nonce": true});
    let a = post(&mock, msg.clone()).await.1;
    let b = post(&mock, msg.clone()).await.1;
    assert_eq!(a["id"], b["id"]);
    tokio::time::sleep(Duration::from_millis(80)).await;
    let c = post(&mock, msg).await.1;
    assert_ne!(a["id"], c["id"], "an expired nonce posts again");
    assert_eq!(mock.messages_in(CHANNEL).len(), 2);
}

#[tokio::test]
#[should_panic(expected = "request(s) Discord would refuse")]
async fn a_test_whose_bot_sends_a_refused_request_fails_when_the_mock_is_dropped() {
    let mock = DiscordMock::start().await;
    let (status, _) = post(&mock, json!({"content": "x".repeat(2001)})).await;
    assert_eq!(status, 400);
    drop(mock);
}
