//! The mock's read methods and what guards them: `conversations.history`
//! (newest first, top-level messages only, message `metadata` only when
//! asked for with `include_all_metadata=true`), `usergroups.users.list`
//! (`no_such_subteam` for a group the workspace does not have), message
//! metadata's shape, and the bot scopes each method needs: a bot token
//! holds the scopes deploy/slack-manifest.yaml asks for, so a method the
//! manifest forgot is refused with `missing_scope`, as Slack would.
//!
//! Read methods take form arguments: Slack's `conversations.history` and
//! `usergroups.users.list` do not accept JSON bodies.

use super::slack_methods::{channel_ok, refused};
use super::slack_mock::{Outcome, SlackMock, SlackState};
use super::slack_rules::Refusal;
use serde_json::{json, Value};
use std::collections::HashSet;

/// The `bot_id` on every message the bot posts.
pub const BOT_ID: &str = "B0PREPBOT";
/// Most messages `conversations.history` returns at once.
pub const HISTORY_MAX: u64 = 999;

/// The bot scopes in deploy/slack-manifest.yaml.
pub fn manifest_scopes() -> HashSet<String> {
    let text = include_str!("../../deploy/slack-manifest.yaml");
    let manifest: serde_yaml::Value = serde_yaml::from_str(text).expect("the manifest is YAML");
    manifest["oauth_config"]["scopes"]["bot"]
        .as_sequence()
        .expect("bot scopes")
        .iter()
        .filter_map(|s| s.as_str().map(str::to_owned))
        .collect()
}

/// The scope `method` needs on `body`'s channel, if any.
fn needs(method: &str, body: &Value) -> Option<&'static str> {
    Some(match method {
        "chat.postMessage" | "chat.update" | "chat.postEphemeral" => "chat:write",
        "users.info" => "users:read",
        "usergroups.users.list" => "usergroups:read",
        // Public channels' ids start with C, private ones' with G.
        "conversations.history" if body["channel"].as_str()?.starts_with('G') => "groups:history",
        "conversations.history" => "channels:history",
        _ => return None,
    })
}

/// A call whose scope the manifest does not ask for is refused (the bot
/// needs a scope its manifest forgot); one a test took away answers
/// `missing_scope`, which the bot must cope with.
pub fn scoped(s: &SlackState, method: &str, body: &Value) -> Result<(), Outcome> {
    let Some(scope) = needs(method, body) else {
        return Ok(());
    };
    if !manifest_scopes().contains(scope) {
        return Err(refused(
            "missing_scope",
            format!("{method} needs {scope}, which deploy/slack-manifest.yaml does not ask for"),
        ));
    }
    if !s.scopes.lock().unwrap().contains(scope) {
        return Err(Outcome::Error("missing_scope".into()));
    }
    Ok(())
}

fn form_only(is_json: bool, method: &str) -> Result<(), Outcome> {
    if is_json {
        return Err(refused(
            "invalid_arguments",
            format!("{method} does not take JSON"),
        ));
    }
    Ok(())
}

/// `conversations.history`: the channel's top-level messages, newest first.
pub fn history(s: &SlackState, is_json: bool, body: &Value) -> Result<Value, Outcome> {
    form_only(is_json, "conversations.history")?;
    if body["channel"].as_str().unwrap_or_default().is_empty() {
        return Err(refused("channel_not_found", "no channel argument"));
    }
    let limit = match body["limit"].as_str() {
        None => 100,
        Some(l) => match l.parse::<u64>() {
            Ok(n) if (1..=HISTORY_MAX).contains(&n) => n,
            _ => return Err(refused("invalid_limit", format!("limit {l}"))),
        },
    };
    let with_metadata = body["include_all_metadata"] == "true";
    let channel = channel_ok(s, body)?;
    let all = s.messages.lock().unwrap();
    let top: Vec<Value> = all
        .get(&channel)
        .into_iter()
        .flatten()
        .rev()
        .filter(|m| m["thread_ts"].is_null() || m["thread_ts"] == m["ts"])
        .take(limit as usize)
        .map(|m| {
            let mut m = m.clone();
            let object = m.as_object_mut().unwrap();
            object.remove("thread_ts");
            if !with_metadata || object["metadata"].is_null() {
                object.remove("metadata");
            }
            m
        })
        .collect();
    Ok(json!({"messages": top, "has_more": false, "pin_count": 0}))
}

/// `usergroups.users.list`: the ids of a user group's members.
pub fn usergroup_users(s: &SlackState, is_json: bool, body: &Value) -> Result<Value, Outcome> {
    form_only(is_json, "usergroups.users.list")?;
    let Some(group) = body["usergroup"].as_str().filter(|g| !g.is_empty()) else {
        return Err(refused("invalid_arguments", "no usergroup argument"));
    };
    match s.groups.lock().unwrap().get(group) {
        Some(users) => Ok(json!({"users": users})),
        // A configured id that is not this workspace's: the bot must cope.
        None => Err(Outcome::Error("no_such_subteam".into())),
    }
}

/// Message metadata: an `event_type` and an object `event_payload`.
pub fn metadata(m: &Value) -> Result<(), Refusal> {
    let event_type = m["event_type"].as_str().unwrap_or_default();
    if event_type.is_empty() || !m["event_payload"].is_object() {
        return Err((
            "invalid_metadata_format",
            format!("metadata needs event_type and an event_payload object: {m}"),
        ));
    }
    Ok(())
}

impl SlackMock {
    /// Makes `members` the user group `id` of the workspace.
    pub fn make_group(&self, id: &str, members: &[&str]) {
        let members = members.iter().map(|m| (*m).to_owned()).collect();
        self.state.groups.lock().unwrap().insert(id.into(), members);
    }

    /// Takes `scope` away from the bot's token (an install made before the
    /// manifest asked for it).
    pub fn revoke_scope(&self, scope: &str) {
        self.state.scopes.lock().unwrap().remove(scope);
    }

    /// Messages in `channel` that are not replies in a thread.
    pub fn top_level_in(&self, channel: &str) -> Vec<Value> {
        self.messages_in(channel)
            .into_iter()
            .filter(|m| m["thread_ts"].is_null())
            .collect()
    }
}
