//! What each Web API method of the mock does: its required arguments, the
//! channel's state, messages kept per channel (so `chat.update` edits what
//! `chat.postMessage` made), single-use `trigger_id`s that expire after 3 s.
//! `conversations.history` and `usergroups.users.list` are in `slack_reads.rs`.

use super::slack_mock::{Outcome, SlackState, TRIGGER_LIFE};
use super::slack_rules as rules;
use serde_json::{json, Value};
use std::sync::atomic::Ordering;

/// The one `code` the mock's consent page hands out.
pub const GOOD_CODE: &str = "good-code";
/// The workspace that installs, and the token it gets.
pub const INSTALLED_TEAM: &str = "T0INSTALL";
pub const INSTALLED_TOKEN: &str = "xoxb-installed-team-token";

pub(crate) fn refused(code: &'static str, why: impl Into<String>) -> Outcome {
    Outcome::Refused((code, why.into()))
}

fn need_json(is_json: bool, method: &str) -> Result<(), Outcome> {
    if is_json {
        Ok(())
    } else {
        Err(refused(
            "invalid_arguments",
            format!("{method}: this bot sends JSON to write methods"),
        ))
    }
}

/// Runs `method`; the fields to add to `{"ok": true}`.
pub fn call(s: &SlackState, method: &str, is_json: bool, body: &Value) -> Result<Value, Outcome> {
    match method {
        "chat.postMessage" => {
            need_json(is_json, method)?;
            post_message(s, body)
        }
        "chat.update" => {
            need_json(is_json, method)?;
            update(s, body)
        }
        "chat.postEphemeral" => {
            need_json(is_json, method)?;
            rules::message(body).map_err(Outcome::Refused)?;
            let user = body["user"].as_str().unwrap_or_default();
            if user.is_empty() {
                return Err(refused("user_not_in_channel", "no user"));
            }
            let channel = channel_ok(s, body)?;
            // An ephemeral message is only for a member of the channel
            // (chat.postEphemeral: "user_not_in_channel").
            if s.outsiders
                .lock()
                .unwrap()
                .contains(&(channel, user.to_owned()))
            {
                return Err(Outcome::Error("user_not_in_channel".into()));
            }
            Ok(json!({"message_ts": next_ts(s)}))
        }
        "views.open" => {
            need_json(is_json, method)?;
            trigger(s, body["trigger_id"].as_str().unwrap_or_default())?;
            rules::view(&body["view"], "modal").map_err(Outcome::Refused)?;
            Ok(json!({"view": {"id": format!("V{}", next_ts(s))}}))
        }
        "views.publish" => {
            need_json(is_json, method)?;
            if body["user_id"].as_str().unwrap_or_default().is_empty() {
                return Err(refused("invalid_arguments", "no user_id"));
            }
            rules::view(&body["view"], "home").map_err(Outcome::Refused)?;
            Ok(json!({"view": {"id": "VHOME"}}))
        }
        "users.info" => users_info(s, is_json, body),
        "usergroups.users.list" => super::slack_reads::usergroup_users(s, is_json, body),
        "conversations.history" => super::slack_reads::history(s, is_json, body),
        "oauth.v2.access" => {
            for arg in ["code", "client_id", "client_secret"] {
                if body[arg].as_str().unwrap_or_default().is_empty() {
                    return Err(refused("invalid_arguments", format!("no {arg}")));
                }
            }
            // A wrong code is the person's (or Slack's) problem, not a bot bug.
            if body["code"] != GOOD_CODE {
                return Err(Outcome::Error("invalid_code".into()));
            }
            s.issued.lock().unwrap().insert(INSTALLED_TOKEN.into());
            Ok(json!({
                "access_token": INSTALLED_TOKEN, "token_type": "bot", "scope": super::slack_reads::manifest_scopes().into_iter().collect::<Vec<_>>().join(","),
                "team": {"id": INSTALLED_TEAM, "name": "Installed"}, "bot_user_id": "UBOT", "app_id": "A1",
            }))
        }
        // Who the token is: what prepbot asks at start (`/readyz`). Any
        // token the routes let through is good; a wrong one never gets here
        // (`invalid_auth`).
        "auth.test" => Ok(json!({
            "url": "https://mock.slack.com/", "team": "Mock", "user": "prepbot",
            "team_id": "T0MOCK", "user_id": "UBOT", "bot_id": "B1",
        })),
        "apps.connections.open" => {
            let base = s.base.lock().unwrap().replace("http://", "ws://");
            Ok(json!({"url": format!("{base}/socket")}))
        }
        other => Err(refused("unknown_method", other.to_owned())),
    }
}

pub(crate) fn next_ts(s: &SlackState) -> String {
    format!("1700000000.{:06}", s.next_ts.fetch_add(1, Ordering::SeqCst))
}

/// Seconds to wait when a `chat.postMessage` to `body`'s channel is over
/// Slack's one per second (after a burst of [`super::slack_mock::POST_BURST`]);
/// `None` when it may go, and then it is counted.
pub(crate) fn over_channel_limit(s: &SlackState, body: &Value) -> Option<u64> {
    let channel = body["channel"].as_str().unwrap_or_default().to_owned();
    let burst = super::slack_mock::POST_BURST;
    let now = std::time::Instant::now();
    let mut buckets = s.post_buckets.lock().unwrap();
    let (tokens, at) = buckets.entry(channel).or_insert((burst, now));
    *tokens = (*tokens + (now - *at).as_secs_f64()).min(burst);
    *at = now;
    if *tokens < 1.0 {
        return Some(1);
    }
    *tokens -= 1.0;
    None
}

pub(crate) fn channel_ok(s: &SlackState, body: &Value) -> Result<String, Outcome> {
    let channel = body["channel"].as_str().unwrap_or_default().to_owned();
    if let Some(e) = s.channel_errors.lock().unwrap().get(&channel) {
        return Err(Outcome::Error(e.clone()));
    }
    Ok(channel)
}

fn post_message(s: &SlackState, body: &Value) -> Result<Value, Outcome> {
    rules::message(body).map_err(Outcome::Refused)?;
    let channel = channel_ok(s, body)?;
    let mut all = s.messages.lock().unwrap();
    let list = all.entry(channel.clone()).or_default();
    if let Some(thread) = body["thread_ts"].as_str() {
        if !list.iter().any(|m| m["ts"] == thread) {
            return Err(refused("thread_not_found", format!("thread_ts {thread}")));
        }
    }
    if !body["metadata"].is_null() {
        super::slack_reads::metadata(&body["metadata"]).map_err(Outcome::Refused)?;
    }
    let ts = next_ts(s);
    let message = json!({"type": "message", "ts": ts, "text": body["text"], "blocks": body["blocks"],
                         "thread_ts": body["thread_ts"], "metadata": body["metadata"],
                         "bot_id": super::slack_reads::BOT_ID, "app_id": "A1", "user": "UBOT"});
    list.push(message.clone());
    Ok(json!({"channel": channel, "ts": ts, "message": message}))
}

fn update(s: &SlackState, body: &Value) -> Result<Value, Outcome> {
    rules::message(body).map_err(Outcome::Refused)?;
    let channel = channel_ok(s, body)?;
    let ts = body["ts"].as_str().unwrap_or_default();
    let mut all = s.messages.lock().unwrap();
    let Some(m) = all
        .get_mut(&channel)
        .and_then(|l| l.iter_mut().find(|m| m["ts"] == ts))
    else {
        return Err(refused("message_not_found", format!("{channel} {ts}")));
    };
    m["text"] = body["text"].clone();
    m["blocks"] = body["blocks"].clone();
    m["edited"] = json!(true);
    Ok(json!({"channel": channel, "ts": ts}))
}

fn trigger(s: &SlackState, id: &str) -> Result<(), Outcome> {
    match s.triggers.lock().unwrap().remove(id) {
        None => Err(refused(
            "invalid_trigger_id",
            format!("unknown or used trigger {id}"),
        )),
        Some(made) if made.elapsed() > TRIGGER_LIFE => Err(refused(
            "expired_trigger_id",
            format!("{:?} old", made.elapsed()),
        )),
        Some(_) => Ok(()),
    }
}

fn users_info(s: &SlackState, is_json: bool, body: &Value) -> Result<Value, Outcome> {
    if is_json {
        return Err(refused(
            "invalid_arguments",
            "users.info does not take JSON",
        ));
    }
    let Some(user) = body["user"].as_str().filter(|u| !u.is_empty()) else {
        return Err(refused("user_not_found", "no user"));
    };
    let admin = s.admins.lock().unwrap().contains(user);
    Ok(
        json!({"user": {"id": user, "name": user.to_lowercase(), "is_admin": admin, "is_owner": false, "is_bot": false}}),
    )
}
