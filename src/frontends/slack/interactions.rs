//! `/slack/interactions`: clicks (`block_actions`) and the answer modal's
//! submission (`view_submission`). Every `action_id` and `callback_id` is a
//! core [`ActionId`], so a button keeps working across restarts. Each is
//! acknowledged at once with an empty 200 (which also closes a submitted
//! modal) and finished in the background. An Answer button on the App Home
//! tab has no channel, so its modal answers where the post was made.

use super::commands::apologise;
use super::surface::{Ephemeral, ResponseUrl};
use super::{blocks, place, Slack};
use crate::domain::action::{ActionId, Input, ANSWER_FIELD};
use crate::domain::command::{Command, ParseError};
use crate::engine::Platform;
use crate::runner::Surface;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use serde::Deserialize;
use serde_json::{json, Value};
use std::sync::Arc;

#[derive(Deserialize)]
struct Form {
    payload: String,
}

/// Verifies, acknowledges, and handles the interaction in the background.
pub async fn handle(
    State(slack): State<Arc<Slack>>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    if let Err(status) = slack.verified(&headers, &body) {
        return status;
    }
    let Some(payload) = serde_urlencoded::from_bytes::<Form>(&body)
        .ok()
        .and_then(|f| serde_json::from_str::<Value>(&f.payload).ok())
    else {
        return StatusCode::BAD_REQUEST;
    };
    tokio::spawn(async move { dispatch(&slack, &payload).await });
    StatusCode::OK
}

/// Handles an interaction payload (from HTTP or Socket Mode), after the
/// acknowledgement.
pub async fn dispatch(slack: &Slack, payload: &Value) {
    match payload["type"].as_str() {
        Some("block_actions") => clicked(slack, payload).await,
        Some("view_submission") => submitted(slack, payload).await,
        _ => {}
    }
}

fn text<'a>(v: &'a Value, pointer: &str) -> &'a str {
    v.pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_default()
}

/// The workspace of an interaction.
fn team_of(p: &Value) -> &str {
    [text(p, "/team/id"), text(p, "/user/team_id")]
        .into_iter()
        .find(|t| !t.is_empty())
        .unwrap_or_default()
}

/// The channel of a click: the message's channel.
fn channel_of(p: &Value) -> String {
    let c = text(p, "/channel/id");
    if c.is_empty() {
        text(p, "/container/channel_id")
    } else {
        c
    }
    .to_owned()
}

#[tracing::instrument(skip_all, fields(user = text(p, "/user/id")))]
async fn clicked(slack: &Slack, p: &Value) {
    let action = &p["actions"][0];
    let id = ActionId::parse(text(action, "/action_id"));
    let mut channel = channel_of(p);
    if let Some(ActionId::OpenAnswer { post }) = id {
        if channel.is_empty() {
            // A click on the App Home tab: answer where the post was made.
            let Some(posted_in) = post_channel(slack, team_of(p), post).await else {
                return;
            };
            channel = posted_in;
        }
        let modal = blocks::answer_modal(Some(post), &channel);
        let body = json!({"trigger_id": text(p, "/trigger_id"), "view": modal});
        let api = slack.api_for(team_of(p)).await;
        if let Err(e) = api.call("views.open", &body).await {
            tracing::warn!(error = %e, "could not open the answer modal");
        }
        return;
    }
    let picked: Vec<String> = action["selected_options"]
        .as_array()
        .map(|o| o.iter().map(|v| text(v, "/value").to_owned()).collect())
        .or_else(|| {
            action
                .pointer("/selected_option/value")
                .and_then(Value::as_str)
                .map(|v| vec![v.to_owned()])
        })
        .unwrap_or_default();
    let input = if picked.is_empty() {
        Input::None
    } else {
        Input::Picked(&picked)
    };
    let command = id.as_ref().and_then(|a| a.command(input));
    let mut surface = ResponseUrl::new(slack.api.clone(), text(p, "/response_url").to_owned());
    surface.replace = matches!(id, Some(ActionId::Leaderboard { .. }))
        && p.pointer("/container/is_ephemeral")
            .and_then(Value::as_bool)
            == Some(true);
    run(slack, p, &channel, &mut surface, command).await;
}

/// The channel of `post` in `team`, as the core recorded it.
async fn post_channel(slack: &Slack, team: &str, post: i64) -> Option<String> {
    let engine = slack.runner.engine();
    match engine.post_channel(Platform::Slack, team, post).await {
        Ok(Some(channel)) => Some(channel),
        Ok(None) => {
            tracing::warn!(
                post,
                "a home's Answer button names a post this workspace does not have"
            );
            None
        }
        Err(e) => {
            tracing::error!(error = %e, post, "could not find where a post was made");
            None
        }
    }
}

#[tracing::instrument(skip_all, fields(user = text(p, "/user/id")))]
async fn submitted(slack: &Slack, p: &Value) {
    let view = &p["view"];
    let answer = view
        .pointer(&format!(
            "/state/values/{ANSWER_FIELD}/{ANSWER_FIELD}/value"
        ))
        .and_then(Value::as_str)
        .unwrap_or_default();
    let command = match ActionId::parse(text(view, "/callback_id")) {
        Some(a @ ActionId::SubmitAnswer { .. }) => a.command(Input::Text(answer)),
        _ => None,
    };
    let channel = text(view, "/private_metadata").to_owned();
    let mut surface = Ephemeral {
        api: slack.api_for(team_of(p)).await,
        channel: channel.clone(),
        user: text(p, "/user/id").to_owned(),
    };
    run(slack, p, &channel, &mut surface, command).await;
}

/// Runs the command a click stands for, or says why it cannot.
async fn run(
    slack: &Slack,
    p: &Value,
    channel: &str,
    surface: &mut dyn Surface,
    command: Option<Result<Command, ParseError>>,
) {
    let runner = &slack.runner;
    let outcome = match command {
        Some(Ok(cmd)) => {
            let user = text(p, "/user/id");
            let name = [text(p, "/user/name"), text(p, "/user/username")]
                .into_iter()
                .find(|n| !n.is_empty())
                .unwrap_or(user);
            let team = team_of(p);
            let actor = slack.actor(team, user, name, cmd.admin_matters()).await;
            runner
                .run(&actor, &place(team, channel), cmd, surface)
                .await
                .map(|_| ())
        }
        Some(Err(why)) => runner.refuse(surface, &why.0).await,
        None => {
            let again = format!(
                "This button is no longer active. Try {}.",
                super::WORDS.cmd("quiz")
            );
            runner.refuse(surface, &again).await
        }
    };
    if let Err(e) = outcome {
        apologise(slack, surface, e).await;
    }
}
