//! Defects the strict mock exposes, end to end: pings, an apology after a
//! failed deferred answer, channels where posting cannot work (at set-up, and
//! when a channel dies later), and commands typed in the discussion thread.
#![cfg(feature = "discord")]

mod support;

use axum::http::Method;
use serde_json::{json, Value};
use sqlx::PgPool;
use support::discord_bot::*;
use support::discord_events::*;
use support::discord_mock::{Fault, Recorded};

const DAILY: &str = "810000000000000042";

/// The message a request carries, if it carries one.
fn message_body(r: &Recorded) -> Option<&Value> {
    let message_path = r.path.starts_with("/webhooks/")
        || (r.path.starts_with("/channels/") && !r.path.ends_with("/threads"));
    if r.path.ends_with("/callback") {
        matches!(r.body["type"].as_u64(), Some(4 | 7)).then(|| &r.body["data"])
    } else if message_path && matches!(r.method.as_str(), "POST" | "PATCH") {
        Some(&r.body)
    } else {
        None
    }
}

#[sqlx::test]
async fn no_message_the_bot_sends_can_ping_anyone(pool: PgPool) {
    let h = Harness::start(pool, at(8, 0)).await;
    h.interact(&daily_setup(&lead(), DAILY)).await;
    let quiz = h
        .interact(&slash(
            "quiz",
            vec![s("topic", "streaming")],
            &ada(),
            CHANNEL,
        ))
        .await;
    let post = post_id(&quiz);
    let submit = modal(
        &format!("prepbot:modal:{post}"),
        "answer",
        "ordering",
        &ada(),
        CHANNEL,
    );
    h.interact_deferred(&submit).await;
    h.set_time(at(9, 0));
    h.mock
        .wait_until("the daily post", || {
            h.mock.messages_in(DAILY).first().cloned()
        })
        .await;
    h.set_time(at(17, 0));
    h.mock
        .wait_for("the reveal", |r| {
            r.method == "PATCH" && r.path.starts_with(&format!("/channels/{DAILY}/"))
        })
        .await;
    let sent: Vec<(String, Value)> = h
        .mock
        .requests()
        .iter()
        .filter_map(|r| {
            message_body(r).map(|b| {
                (
                    format!("{} {}", r.method, r.path),
                    b["allowed_mentions"].clone(),
                )
            })
        })
        .collect();
    assert!(
        sent.len() >= 5,
        "replies, the deferred answer, the post and the reveal: {sent:#?}"
    );
    for (request, mentions) in &sent {
        let none = |k: &str| mentions[k].as_array().is_none_or(Vec::is_empty);
        let silent = mentions["parse"] == json!([]) && none("users") && none("roles");
        assert!(
            silent && mentions["replied_user"] != true,
            "{request} may ping: {mentions}"
        );
    }
    h.stop().await;
}

#[sqlx::test]
async fn an_answer_that_fails_after_the_defer_apologises_by_editing_not_by_a_second_response(
    pool: PgPool,
) {
    let h = Harness::start(pool, at(8, 0)).await;
    let quiz = h
        .interact(&slash(
            "quiz",
            vec![s("topic", "streaming")],
            &ada(),
            CHANNEL,
        ))
        .await;
    let post = post_id(&quiz);
    h.mock
        .fail_next(Method::PATCH, "/messages/@original", Fault::ServerError, 1);
    let submit = modal(
        &format!("prepbot:modal:{post}"),
        "answer",
        "ordering",
        &ada(),
        CHANNEL,
    );
    let defer = h.interact(&submit).await;
    assert_eq!(defer.body["type"], 5);
    let edit = format!("{}/messages/@original", submit.webhook_path());
    let apology = h
        .mock
        .wait_until("the apology", || {
            h.mock
                .requests_to("PATCH", &edit)
                .into_iter()
                .find(|r| r.status == 200)
        })
        .await;
    assert!(text_of(&apology).contains("Sorry"), "{}", text_of(&apology));
    assert_eq!(h.mock.requests_to("POST", &submit.callback_path()).len(), 1);
    h.stop().await;
}

#[sqlx::test]
async fn a_slash_command_that_fails_after_the_defer_apologises_by_editing_its_reply(pool: PgPool) {
    let h = Harness::start(pool, at(8, 0)).await;
    // `/questions add` is deferred (it may run SQL); its reply then fails once.
    let url = h.mock.attach("empty.toml", b"");
    let options = vec![file("file", "empty.toml", &url, 0)];
    let cmd = slash("questions", vec![sub("add", options)], &lead(), CHANNEL);
    let edit = format!("{}/messages/@original", cmd.webhook_path());
    h.mock
        .fail_next(Method::PATCH, &edit, Fault::ServerError, 1);
    let defer = h.interact(&cmd).await;
    assert_eq!(defer.body["type"], 5, "{:#}", defer.body);
    let apology = h
        .mock
        .wait_until("the apology", || {
            h.mock
                .requests_to("PATCH", &edit)
                .into_iter()
                .find(|r| r.status == 200)
        })
        .await;
    assert!(text_of(&apology).contains("Sorry"), "{}", text_of(&apology));
    assert!(is_private(&h.mock.seen(&cmd.token)[0]));
    assert_eq!(h.mock.requests_to("POST", &cmd.callback_path()).len(), 1);
    h.stop().await;
}

/// Lets the scheduler run a few ticks.
async fn a_few_ticks() {
    tokio::time::sleep(std::time::Duration::from_millis(450)).await;
}

#[sqlx::test]
async fn a_deleted_or_forbidden_channel_is_tried_once_then_paused_with_the_reason(pool: PgPool) {
    const FORBIDDEN: &str = "810000000000000043";
    let h = Harness::start(pool, at(8, 0)).await;
    h.interact(&daily_setup(&lead(), DAILY)).await;
    h.interact(&daily_setup(&lead(), FORBIDDEN)).await;
    h.mock.delete_channel(DAILY);
    let no_send =
        support::discord_lifecycle::ALL_NEEDED & !support::discord_lifecycle::SEND_MESSAGES;
    h.mock.add_channel(FORBIDDEN, 0, no_send);
    // The post time, a redelivery window later, and the reveal time.
    for t in [at(9, 0), at(9, 5), at(9, 10), at(17, 0), at(17, 5)] {
        h.set_time(t);
        a_few_ticks().await;
    }
    for (channel, status, words) in [
        (DAILY, 404, "no longer exists"),
        (FORBIDDEN, 403, "Send Messages"),
    ] {
        let tried: Vec<u16> = h
            .mock
            .requests()
            .iter()
            .filter(|r| r.path.starts_with(&format!("/channels/{channel}/")))
            .map(|r| r.status)
            .collect();
        assert_eq!(tried, vec![status], "{channel} is tried once");
        let ask = slash(
            "daily",
            vec![sub("status", vec![ch("channel", channel)])],
            &lead(),
            CHANNEL,
        );
        let r = h.interact(&ask).await;
        assert!(text_of(&r).contains(words), "{}", text_of(&r));
    }
    assert_eq!(
        h.mock.invalid_requests().len(),
        1,
        "one 403 against the budget"
    );
    // The admin who set them up is told once per channel, by direct message.
    let dms = h.mock.requests_to("POST", "/users/@me/channels");
    assert_eq!(dms.len(), 2, "one note per paused channel");
    assert!(dms
        .iter()
        .all(|r| r.body["recipient_id"] == lead().id.as_str()));
    let dm = format!("9{}", &lead().id[1..]);
    let notes: Vec<String> = h
        .mock
        .messages_in(&dm)
        .iter()
        .map(|m| m.to_string())
        .collect();
    assert_eq!(notes.len(), 2);
    assert!(notes.iter().any(|n| n.contains(&format!("<#{DAILY}>"))
        && n.contains("no longer exists")
        && n.contains("/daily resume")));
    assert!(notes
        .iter()
        .any(|n| n.contains(&format!("<#{FORBIDDEN}>")) && n.contains("Send Messages")));
    h.stop().await;
}

/// `p` with its frame changed by `edit`, still one serenity reads.
fn edited(mut p: Pushed, edit: impl FnOnce(&mut Value)) -> Pushed {
    edit(&mut p.frame["d"]);
    pinned(&p.frame);
    p
}

#[sqlx::test]
async fn daily_setup_refuses_a_forum_or_a_channel_the_bot_cannot_post_in(pool: PgPool) {
    const FORUM: &str = "810000000000000044";
    let h = Harness::start(pool, at(8, 0)).await;
    let forum = edited(daily_setup(&lead(), FORUM), |d| {
        d["data"]["resolved"]["channels"][FORUM]["type"] = json!(15);
    });
    let r = h.interact(&forum).await;
    assert!(is_ephemeral(&r));
    assert!(text_of(&r).contains("is a forum"), "{}", text_of(&r));
    let view_only = (1u64 << 10).to_string();
    let mute = edited(daily_setup(&lead(), CHANNEL), |d| {
        d["app_permissions"] = json!(view_only);
    });
    let r = h.interact(&mute).await;
    assert!(
        text_of(&r).contains("missing Send Messages, Embed Links"),
        "{}",
        text_of(&r)
    );
    assert_eq!(h.count("SELECT count(*) FROM daily_settings").await, 0);
    let fine = h.interact(&daily_setup(&lead(), CHANNEL)).await;
    assert!(
        text_of(&fine).contains("Daily question set up"),
        "{}",
        text_of(&fine)
    );
    h.stop().await;
}

#[sqlx::test]
async fn a_command_in_the_discussion_thread_acts_on_the_channel_of_the_daily_post(pool: PgPool) {
    const THREAD: &str = "810000000000000045";
    let h = Harness::start(pool, at(8, 0)).await;
    h.interact(&daily_setup(&lead(), DAILY)).await;
    let in_thread = |sub_name: &str| {
        let p = slash("daily", vec![sub(sub_name, vec![])], &lead(), THREAD);
        edited(p, |d| {
            d["channel"] = json!({"id": THREAD, "type": 11, "name": "Discuss daily question #1", "parent_id": DAILY});
        })
    };
    let r = h.interact(&in_thread("pause")).await;
    assert!(text_of(&r).contains("paused here"), "{}", text_of(&r));
    let paused: i64 = h
        .count(&format!(
            "SELECT count(*) FROM daily_settings d JOIN channels c ON c.id = d.channel_id
             WHERE d.paused AND c.external_id = '{DAILY}'"
        ))
        .await;
    assert_eq!(paused, 1, "the parent channel's schedule is paused");
    h.stop().await;
}

#[sqlx::test]
async fn autocomplete_and_the_longest_answer_stay_within_what_discord_accepts(pool: PgPool) {
    let h = Harness::start(pool, at(8, 0)).await;
    let focused = json!({"name": "timezone", "type": 3, "value": "", "focused": true});
    let every_zone = autocomplete("daily", vec![sub("setup", vec![focused])], &lead());
    let r = h.interact(&every_zone).await;
    assert_eq!((r.status, r.body["type"].clone()), (204, json!(8)));
    assert_eq!(r.body["data"]["choices"].as_array().unwrap().len(), 25);
    let quiz = h
        .interact(&slash(
            "quiz",
            vec![s("topic", "streaming")],
            &ada(),
            CHANNEL,
        ))
        .await;
    let post = post_id(&quiz);
    let longest = "Kafka keeps order per partition. ".repeat(130);
    let longest = &longest[..4000];
    let submit = modal(
        &format!("prepbot:modal:{post}"),
        "answer",
        longest,
        &ada(),
        CHANNEL,
    );
    let (_, done) = h.interact_deferred(&submit).await;
    assert_eq!(done.status, 200, "{:#}", done.body);
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert_eq!(h.mock.refused().len(), 0, "{:#?}", h.mock.refused());
    h.stop().await;
}

#[sqlx::test]
async fn a_channel_deleted_before_the_reveal_gets_one_edit_attempt_and_is_paused(pool: PgPool) {
    let h = Harness::start(pool, at(8, 0)).await;
    h.interact(&daily_setup(&lead(), DAILY)).await;
    h.set_time(at(9, 0));
    h.mock
        .wait_until("the daily post", || {
            h.mock.messages_in(DAILY).first().cloned()
        })
        .await;
    a_few_ticks().await;
    h.mock.delete_channel(DAILY);
    for t in [at(17, 0), at(17, 5), at(17, 10)] {
        h.set_time(t);
        a_few_ticks().await;
    }
    let refused: Vec<String> = h
        .mock
        .requests()
        .iter()
        .filter(|r| r.path.starts_with(&format!("/channels/{DAILY}/")) && r.status == 404)
        .map(|r| r.method.clone())
        .collect();
    assert_eq!(
        refused,
        vec!["PATCH"],
        "one edit, no new message, no retries"
    );
    let ask = slash(
        "daily",
        vec![sub("status", vec![ch("channel", DAILY)])],
        &lead(),
        CHANNEL,
    );
    let r = h.interact(&ask).await;
    assert!(text_of(&r).contains("no longer exists"), "{}", text_of(&r));
    // Restored (say, from a backup) and resumed: the reveal goes out.
    let all = support::discord_lifecycle::ALL_NEEDED;
    h.mock.add_channel(DAILY, 0, all);
    let resume = slash(
        "daily",
        vec![sub("resume", vec![ch("channel", DAILY)])],
        &lead(),
        CHANNEL,
    );
    h.interact(&resume).await;
    h.mock
        .wait_for("the reveal after resume", |r| {
            r.method == "PATCH" && r.status == 200
        })
        .await;
    let ask = slash(
        "daily",
        vec![sub("status", vec![ch("channel", DAILY)])],
        &lead(),
        CHANNEL,
    );
    let r = h.interact(&ask).await;
    assert!(
        !text_of(&r).contains("no longer exists"),
        "resume clears the reason: {}",
        text_of(&r)
    );
    h.stop().await;
}

#[sqlx::test]
async fn removing_the_bot_from_a_server_pauses_its_schedules_and_nothing_is_posted(pool: PgPool) {
    let h = Harness::start(pool, at(8, 0)).await;
    h.interact(&daily_setup(&lead(), DAILY)).await;
    // An outage first (unavailable: true) changes nothing.
    h.mock
        .push(json!({"op": 0, "t": "GUILD_DELETE", "d": {"id": GUILD, "unavailable": true}}))
        .await;
    a_few_ticks().await;
    let paused = "SELECT count(*) FROM daily_settings WHERE paused";
    assert_eq!(h.count(paused).await, 0, "an outage is not a removal");
    h.mock
        .push(json!({"op": 0, "t": "GUILD_DELETE", "d": {"id": GUILD}}))
        .await;
    for _ in 0..40 {
        if h.count(paused).await == 1 {
            break;
        }
        a_few_ticks().await;
    }
    let reason: String = sqlx::query_scalar("SELECT paused_reason FROM daily_settings")
        .fetch_one(&h.pool)
        .await
        .unwrap();
    assert_eq!(reason, "the bot was removed from this server");
    h.set_time(at(9, 5));
    a_few_ticks().await;
    assert!(
        h.mock.messages_in(DAILY).is_empty(),
        "nothing is posted where the bot was removed"
    );
    h.stop().await;
}
