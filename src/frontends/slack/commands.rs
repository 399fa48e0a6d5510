//! `/slack/commands`: the `/prep` slash command. Its text is read by the
//! one command grammar (`/prep quiz topic:sql` arrives as `quiz topic:sql`),
//! acknowledged at once with an empty 200, and answered through the
//! `response_url` when the runner is done, so slow grading never misses
//! Slack's 3 seconds. Bad text gets the grammar's usage line, privately.

use super::surface::ResponseUrl;
use super::{place, reference, Slack};
use crate::domain::command;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use serde::Deserialize;
use std::sync::Arc;

/// The fields of a slash command prepbot reads.
#[derive(Debug, Deserialize)]
pub struct SlashCommand {
    pub team_id: String,
    pub channel_id: String,
    pub user_id: String,
    #[serde(default)]
    pub user_name: String,
    #[serde(default)]
    pub text: String,
    pub response_url: String,
}

/// Verifies, acknowledges, and runs the command in the background.
pub async fn handle(
    State(slack): State<Arc<Slack>>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    if let Err(status) = slack.verified(&headers, &body) {
        return status;
    }
    let Ok(form) = serde_urlencoded::from_bytes::<SlashCommand>(&body) else {
        return StatusCode::BAD_REQUEST;
    };
    tokio::spawn(async move { run(&slack, form).await });
    StatusCode::OK
}

/// Parses and runs one command; a failure is logged with a reference the
/// person sees in a short apology.
#[tracing::instrument(skip_all, fields(team = %form.team_id, user = %form.user_id))]
pub async fn run(slack: &Slack, form: SlashCommand) {
    let mut surface = ResponseUrl::new(slack.api.clone(), form.response_url.clone());
    let runner = &slack.runner;
    let outcome = match command::parse(&form.text) {
        Ok(cmd) => {
            let actor = slack
                .actor(
                    &form.team_id,
                    &form.user_id,
                    &form.user_name,
                    cmd.admin_matters(),
                )
                .await;
            let place = place(&form.team_id, &form.channel_id);
            runner
                .run(&actor, &place, cmd, &mut surface)
                .await
                .map(|_| ())
        }
        Err(why) => runner.refuse(&mut surface, &why.0).await,
    };
    if let Err(e) = outcome {
        apologise(slack, &mut surface, e).await;
    }
}

/// Logs `error` and tells the person, with the reference to report.
pub async fn apologise(
    slack: &Slack,
    surface: &mut dyn crate::runner::Surface,
    error: anyhow::Error,
) {
    let reference = reference();
    tracing::error!(error = %format!("{error:#}"), %reference, "Slack request failed");
    let sorry = format!(
        "Sorry, something went wrong on our side. If it keeps happening, report id `{reference}` to a workspace admin."
    );
    if let Err(e) = slack.runner.refuse(surface, &sorry).await {
        tracing::error!(error = %e, %reference, "could not send the apology");
    }
}
