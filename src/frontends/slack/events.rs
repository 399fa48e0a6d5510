//! `/slack/events`: the Events API. `url_verification` echoes the challenge
//! (Slack's check of the request URL). Every other event is recorded by its
//! `event_id` before it is handled, so Slack's retries are handled once:
//!
//! - `app_home_opened`: publishes the person's home (the core's
//!   [`view::home`]: today's open questions with an Answer button, their
//!   stats and rank, and for admins each channel's daily settings).
//! - `app_uninstalled`, `tokens_revoked`: the bot can no longer post in that
//!   workspace, so its stored token is deleted and its schedules pause with the reason (`/prep daily status`
//!   says why; reinstalling and `/prep daily resume` start them again).

use super::{blocks, place, Slack};
use crate::domain::view;
use crate::engine::Platform;
use crate::storage::StoreError;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};
use std::sync::Arc;

/// Verifies, acknowledges, and handles the event in the background.
pub async fn handle(State(slack): State<Arc<Slack>>, headers: HeaderMap, body: Bytes) -> Response {
    if let Err(status) = slack.verified(&headers, &body) {
        return status.into_response();
    }
    let Ok(event) = serde_json::from_slice::<Value>(&body) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    match event["type"].as_str() {
        Some("url_verification") => Json(json!({"challenge": event["challenge"]})).into_response(),
        // Recorded before the acknowledgement, so a retry that arrives
        // while the first delivery is still being handled is still a retry.
        Some("event_callback") => match accept(slack, event).await {
            Ok(()) => StatusCode::OK.into_response(),
            // Not recorded: let Slack retry it.
            Err(e) => {
                tracing::error!(error = %e, "could not record a Slack event");
                StatusCode::INTERNAL_SERVER_ERROR.into_response()
            }
        },
        _ => StatusCode::OK.into_response(),
    }
}

/// Records an event callback (from HTTP or Socket Mode) and, the first time
/// it arrives, handles it in the background. Recorded before the caller
/// acknowledges, so a retry that arrives while the first delivery is still
/// being handled is still a retry.
pub async fn accept(slack: Arc<Slack>, event: Value) -> Result<(), StoreError> {
    if first_time(&slack, &event).await? {
        tokio::spawn(async move {
            if let Err(e) = handle_event(&slack, &event).await {
                tracing::error!(error = %format!("{e:#}"), "Slack event failed");
            }
        });
    }
    Ok(())
}

fn str_at<'a>(v: &'a Value, pointer: &str) -> &'a str {
    v.pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_default()
}

/// Records the event's `event_id`; false when it was seen before.
async fn first_time(slack: &Slack, envelope: &Value) -> Result<bool, StoreError> {
    let (id, team, kind) = (
        str_at(envelope, "/event_id"),
        str_at(envelope, "/team_id"),
        str_at(envelope, "/event/type"),
    );
    let fresh = slack
        .runner
        .engine()
        .store()
        .slack_event_first_time(id, team, kind)
        .await?;
    if !fresh {
        tracing::info!(event_id = id, "a retried event; already handled");
    }
    Ok(fresh)
}

/// Handles one event, the first time it arrives.
async fn handle_event(slack: &Slack, envelope: &Value) -> anyhow::Result<()> {
    let (team, kind) = (
        str_at(envelope, "/team_id"),
        str_at(envelope, "/event/type"),
    );
    let event = &envelope["event"];
    match kind {
        "app_home_opened" if event["tab"] == "home" => home(slack, team, event).await,
        "app_uninstalled" | "tokens_revoked" => {
            let removed = slack.tokens.remove(team).await?;
            tracing::info!(team, removed, "forgot a workspace's token");
            let paused = slack
                .runner
                .engine()
                .server_left(Platform::Slack, team)
                .await?;
            tracing::info!(
                team,
                paused,
                "lost access to a workspace; its schedules are paused"
            );
            Ok(())
        }
        _ => Ok(()),
    }
}

/// Publishes the person's home on their App Home tab. Admins see more, so
/// Slack is asked whether the person is one.
async fn home(slack: &Slack, team: &str, event: &Value) -> anyhow::Result<()> {
    let user = event["user"].as_str().unwrap_or_default();
    let channel = event["channel"].as_str().unwrap_or_default();
    // The event carries no name: the stored one is kept (see `resolve`).
    let actor = slack.actor(team, user, user, true).await;
    let home = slack
        .runner
        .engine()
        .home(&actor, &place(team, channel))
        .await?;
    let views = view::home(&home, slack.runner.words());
    let body = json!({"user_id": user, "view": {"type": "home", "blocks": blocks::home(&views)}});
    let api = slack.api_for(team).await;
    api.call("views.publish", &body).await?;
    Ok(())
}
