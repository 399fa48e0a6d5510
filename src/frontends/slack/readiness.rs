//! Whether Slack can be served: what `/readyz` reports for Slack.
//!
//! - **The bot token** (`SLACK_BOT_TOKEN`) is asked about once at start
//!   with `auth.test`: ready once Slack accepts it. A token Slack refuses
//!   (`invalid_auth`, `token_revoked`, ...) is logged as an error and stays
//!   not ready, so a rollout with a wrong token stops at the probe instead
//!   of failing every post; an unreachable Slack is asked again, with a
//!   growing pause.
//! - **Socket Mode** is ready while its WebSocket is open (`socket.rs`
//!   sets the flag).
//! - Workspaces installed by OAuth bring their own tokens, checked as
//!   they are used: with no bot token, the token check does not apply.

use super::api::{Api, ApiError};
use serde_json::json;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

/// Longest pause between two asks while Slack cannot be reached.
const MAX_PAUSE: Duration = Duration::from_secs(60);

/// Asks Slack about the bot token until it answers; sets `ok` when the
/// token is accepted.
pub async fn check_token(api: Api, ok: Arc<AtomicBool>, mut stop: watch::Receiver<bool>) {
    let mut pause = Duration::from_secs(1);
    loop {
        match api.call("auth.test", &json!({})).await {
            Ok(me) => {
                tracing::info!(
                    team = me["team"].as_str().unwrap_or_default(),
                    bot = me["user"].as_str().unwrap_or_default(),
                    "Slack accepted the bot token"
                );
                ok.store(true, Ordering::Relaxed);
                return;
            }
            Err(ApiError::Slack(code)) if super::api::token_refused(&code) => {
                tracing::error!(%code, "Slack refused SLACK_BOT_TOKEN: set a valid xoxb- token and restart");
                return;
            }
            Err(ApiError::RateLimited(wait)) => pause = wait.max(pause),
            Err(e) => {
                tracing::warn!(error = %e, ?pause, "cannot reach Slack to check the bot token; asking again")
            }
        }
        tokio::select! {
            _ = tokio::time::sleep(pause) => {}
            _ = stop.wait_for(|s| *s) => return,
        }
        pause = (pause * 2).min(MAX_PAUSE);
    }
}
