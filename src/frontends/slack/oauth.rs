//! The multi-workspace install by OAuth v2. `/slack/install` hands out a
//! link to Slack's consent page with a fresh random `state`;
//! `/slack/oauth/callback` accepts only a `state` it handed out, once and
//! within 10 minutes (so nobody can make prepbot install someone else's
//! workspace token into a team, or replay a callback), trades the `code`
//! for the bot token (`oauth.v2.access`) and stores the token sealed
//! ([`super::tokens`]).

use super::Slack;
use axum::extract::{Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use serde_json::Value;
use std::sync::Arc;

/// Slack's consent page.
pub const AUTHORIZE: &str = "https://slack.com/oauth/v2/authorize";
/// The bot scopes prepbot asks for (as in deploy/slack-manifest.yaml).
pub const SCOPES: &str =
    "commands,chat:write,users:read,usergroups:read,channels:history,groups:history";
/// How long an install link is good for.
const STATE_MINUTES: i64 = 10;

/// `/slack/install`: a redirect to Slack's consent page.
pub async fn install(State(slack): State<Arc<Slack>>) -> Response {
    let Some(oauth) = &slack.oauth else {
        return (
            StatusCode::NOT_FOUND,
            "This prepbot is not set up for installs.",
        )
            .into_response();
    };
    let state = format!("{:032x}", rand::random::<u128>());
    let engine = slack.runner.engine();
    let saved = engine
        .store()
        .save_slack_state(&state, engine.clock().now())
        .await;
    if let Err(e) = saved {
        tracing::error!(error = %e, "could not save an install state");
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    }
    let query = serde_urlencoded::to_string([
        ("client_id", oauth.client_id.as_str()),
        ("scope", SCOPES),
        ("state", state.as_str()),
    ])
    .expect("plain strings encode");
    (
        StatusCode::FOUND,
        [(header::LOCATION, format!("{AUTHORIZE}?{query}"))],
    )
        .into_response()
}

/// What Slack's consent page sends back.
#[derive(Debug, Deserialize)]
pub struct Callback {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

/// `/slack/oauth/callback`: checks the state, stores the workspace's token.
pub async fn callback(State(slack): State<Arc<Slack>>, Query(back): Query<Callback>) -> Response {
    match finish(&slack, back).await {
        Ok(team) => page(StatusCode::OK, &format!("prepbot is installed in {team}. Invite it to a channel with /invite @prepbot, then try /prep help.")),
        Err(Refusal::Person(why)) => page(StatusCode::BAD_REQUEST, why),
        Err(Refusal::Ours(e)) => {
            let reference = super::reference();
            tracing::error!(error = %format!("{e:#}"), %reference, "the Slack install failed");
            page(StatusCode::BAD_GATEWAY, &format!("The install failed on our side; try again (reference {reference})."))
        }
    }
}

enum Refusal {
    Person(&'static str),
    Ours(anyhow::Error),
}

impl<E: Into<anyhow::Error>> From<E> for Refusal {
    fn from(e: E) -> Self {
        Refusal::Ours(e.into())
    }
}

async fn finish(slack: &Slack, back: Callback) -> Result<String, Refusal> {
    let oauth = slack
        .oauth
        .as_ref()
        .ok_or(Refusal::Person("This prepbot is not set up for installs."))?;
    let engine = slack.runner.engine();
    let oldest = engine.clock().now() - chrono::Duration::minutes(STATE_MINUTES);
    let known = engine
        .store()
        .take_slack_state(back.state.as_deref().unwrap_or_default(), oldest)
        .await?;
    if !known {
        return Err(Refusal::Person(
            "This install link has expired or was already used. Start again from /slack/install.",
        ));
    }
    if back.error.is_some() {
        return Err(Refusal::Person(
            "The install was cancelled in Slack; nothing was changed.",
        ));
    }
    let code = back.code.ok_or(Refusal::Person(
        "Slack sent no code; start again from /slack/install.",
    ))?;
    let answer = slack
        .api
        .exchange(
            "oauth.v2.access",
            &[
                ("client_id", &oauth.client_id),
                ("client_secret", oauth.client_secret.expose_secret()),
                ("code", &code),
            ],
        )
        .await?;
    let (team, token) = installed(&answer)
        .ok_or_else(|| anyhow::anyhow!("oauth.v2.access answered without a team or token"))?;
    slack.tokens.install(&team, &token).await?;
    tracing::info!(team, "installed in a workspace");
    Ok(team)
}

/// The team id and bot token of an `oauth.v2.access` answer.
fn installed(answer: &Value) -> Option<(String, SecretString)> {
    let team = answer.pointer("/team/id")?.as_str()?.to_owned();
    let token = answer["access_token"].as_str()?.to_owned().into();
    Some((team, token))
}

fn page(status: StatusCode, text: &str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        text.to_owned(),
    )
        .into_response()
}
