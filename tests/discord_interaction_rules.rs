//! The mock's interaction lifecycle, driven with raw requests: each
//! interaction takes only the response types Discord takes for it, there is
//! no `@original` after a modal or once it is deleted, and a deferred reply
//! keeps the visibility it was deferred with, whatever the bot sends later.
#![cfg(feature = "discord")]

mod support;

use serde_json::{json, Value};
use support::discord_events::{autocomplete, button, modal, slash, Member, Pushed, CHANNEL};
use support::discord_mock::DiscordMock;

fn pushed(mock: &DiscordMock, p: Pushed) -> Pushed {
    mock.state.pushed(&p.frame);
    p
}

/// Builds a fresh interaction of one kind.
type Make<'a> = Box<dyn Fn() -> Pushed + 'a>;

async fn respond(mock: &DiscordMock, p: &Pushed, kind: u64, data: Value) -> u16 {
    let body = json!({"type": kind, "data": data});
    mock.send("POST", &p.callback_path(), body).await.0
}

#[tokio::test]
async fn each_interaction_takes_only_the_response_types_discord_takes_for_it() {
    let mock = DiscordMock::start().await;
    mock.expect_refusals();
    let who = Member::new(1, "Ada");
    let command = || slash("quiz", vec![], &who, CHANNEL);
    let click = || button("b", "1", &who, CHANNEL);
    let typed = || autocomplete("quiz", vec![], &who);
    let form = || modal("m", "a", "text", &who, CHANNEL);
    let form_from_button = || {
        let mut p = form();
        p.frame["d"]["message"] = json!({"id": "1", "flags": 64});
        p
    };
    let cases: Vec<(&str, Make, Vec<u64>)> = vec![
        ("command", Box::new(command), vec![4, 5]),
        ("click", Box::new(click), vec![4, 5, 6, 7]),
        ("autocomplete", Box::new(typed), vec![8]),
        ("form", Box::new(form), vec![4, 5]),
        (
            "form from a button",
            Box::new(form_from_button),
            vec![4, 5, 6, 7],
        ),
    ];
    for (what, make, allowed) in cases {
        for kind in [1, 2, 3, 4, 5, 6, 7, 8, 10, 11] {
            let p = pushed(&mock, make());
            let data = if kind == 8 {
                json!({"choices": []})
            } else {
                json!({"content": "x"})
            };
            let status = respond(&mock, &p, kind, data).await;
            let expected = if allowed.contains(&kind) { 204 } else { 400 };
            assert_eq!(status, expected, "response type {kind} to a {what}");
        }
    }
}

#[tokio::test]
async fn there_is_no_original_after_a_modal_or_once_it_is_deleted() {
    let mock = DiscordMock::start().await;
    mock.expect_refusals();
    let who = Member::new(1, "Ada");
    let edit = |p: &Pushed| format!("{}/messages/@original", p.webhook_path());
    let form = json!({"custom_id": "m", "title": "t", "components": [{"type": 1, "components": [{"type": 4, "custom_id": "a", "style": 2, "label": "l"}]}]});
    let opened = pushed(&mock, slash("answer", vec![], &who, CHANNEL));
    assert_eq!(respond(&mock, &opened, 9, form).await, 204);
    let (status, answer) = mock
        .send("PATCH", &edit(&opened), json!({"content": "x"}))
        .await;
    assert_eq!((status, answer["code"].clone()), (404, json!(10008)));

    let deferred = pushed(&mock, slash("quiz", vec![], &who, CHANNEL));
    assert_eq!(respond(&mock, &deferred, 5, json!({})).await, 204);
    assert_eq!(
        mock.send("DELETE", &edit(&deferred), json!({})).await.0,
        204
    );
    let (status, answer) = mock
        .send("PATCH", &edit(&deferred), json!({"content": "x"}))
        .await;
    assert_eq!((status, answer["code"].clone()), (404, json!(10008)));
    let after = json!({"content": "private", "flags": 64});
    assert_eq!(
        mock.send("POST", &deferred.webhook_path(), after).await.0,
        200
    );
    let seen = mock.seen(&deferred.token);
    assert_eq!(seen.len(), 1, "{seen:#?}");
    assert_eq!(
        seen[0]["flags"], 64,
        "a followup after the deletion is its own"
    );
    assert_eq!(mock.refused().len(), 2);
}

#[tokio::test]
async fn a_deferred_reply_keeps_the_visibility_it_was_deferred_with() {
    let mock = DiscordMock::start().await;
    let who = Member::new(1, "Ada");
    let public = pushed(&mock, slash("season", vec![], &who, CHANNEL));
    assert_eq!(respond(&mock, &public, 5, json!({})).await, 204);
    let edit = format!("{}/messages/@original", public.webhook_path());
    let (_, m) = mock
        .send("PATCH", &edit, json!({"content": "started", "flags": 64}))
        .await;
    assert_eq!(
        m["flags"], 0,
        "an edit cannot make a public reply ephemeral"
    );
    assert_eq!(mock.seen(&public.token)[0]["flags"], 0);

    let private = pushed(&mock, slash("quiz", vec![], &who, CHANNEL));
    assert_eq!(respond(&mock, &private, 5, json!({"flags": 64})).await, 204);
    let path = private.webhook_path();
    mock.send("POST", &path, json!({"content": "first"})).await;
    mock.send("POST", &path, json!({"content": "second"})).await;
    let seen = mock.seen(&private.token);
    let flags: Vec<_> = seen.iter().map(|m| m["flags"].clone()).collect();
    assert_eq!(
        flags,
        [json!(64), json!(0)],
        "the first followup replaces the thinking message"
    );

    let mut click = button("b", "1", &who, CHANNEL);
    click.frame["d"]["message"]["flags"] = json!(64);
    let click = pushed(&mock, click);
    assert_eq!(respond(&mock, &click, 6, json!({})).await, 204);
    let edit = format!("{}/messages/@original", click.webhook_path());
    mock.send("PATCH", &edit, json!({"content": "page 2"}))
        .await;
    let seen = mock.seen(&click.token);
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0]["flags"], 64, "the clicked message, edited");
    assert_eq!(seen[0]["data"]["content"], "page 2");
}
