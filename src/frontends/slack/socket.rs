//! Socket Mode: instead of Slack posting to a public URL, prepbot opens a
//! WebSocket (`apps.connections.open` with the `xapp-` app-level token) and
//! Slack sends the same payloads over it in envelopes. Each envelope is
//! acknowledged at once with its `envelope_id` (Slack's 3 seconds), then
//! handled by the same code as HTTP mode. No signature: the connection
//! itself is authenticated by the app token. Slack asks clients to
//! reconnect now and then (`disconnect`); a dropped connection is reopened
//! with a growing pause.

use super::{commands, events, interactions, Slack};
use futures::{SinkExt, StreamExt};
use secrecy::SecretString;
use serde_json::{json, Value};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;
use tokio_tungstenite::tungstenite::Message;

/// Longest pause between reconnection attempts.
const MAX_PAUSE: Duration = Duration::from_secs(30);

/// Keeps a Socket Mode connection open until `stop` turns true.
/// `open` is true while a connection is open (`/readyz`).
pub async fn run(
    slack: Arc<Slack>,
    app_token: SecretString,
    mut stop: watch::Receiver<bool>,
    open: Arc<AtomicBool>,
) {
    let mut pause = Duration::from_secs(1);
    loop {
        let session = tokio::select! {
            r = session(&slack, &app_token, &open) => r,
            _ = stop.wait_for(|s| *s) => return,
        };
        open.store(false, Ordering::Relaxed);
        match session {
            Ok(()) => pause = Duration::from_secs(1),
            Err(e) => {
                tracing::warn!(error = %format!("{e:#}"), ?pause, "Socket Mode connection failed; reconnecting");
                pause = (pause * 2).min(MAX_PAUSE);
            }
        }
        tokio::select! {
            _ = tokio::time::sleep(pause) => {}
            _ = stop.wait_for(|s| *s) => return,
        }
    }
}

/// One connection, until Slack asks to reconnect or it drops.
async fn session(
    slack: &Arc<Slack>,
    app_token: &SecretString,
    open: &AtomicBool,
) -> anyhow::Result<()> {
    let api = slack.api.with_token(Some(app_token.clone()));
    let opened = api.call("apps.connections.open", &json!({})).await?;
    let url = opened["url"]
        .as_str()
        .ok_or_else(|| anyhow::anyhow!("no url to connect to"))?;
    let (mut ws, _) = tokio_tungstenite::connect_async(url).await?;
    tracing::info!("Socket Mode connected");
    open.store(true, Ordering::Relaxed);
    while let Some(frame) = ws.next().await {
        let text = match frame? {
            Message::Text(t) => t,
            Message::Ping(p) => {
                ws.send(Message::Pong(p)).await?;
                continue;
            }
            Message::Close(_) => return Ok(()),
            _ => continue,
        };
        let envelope: Value = serde_json::from_str(&text)?;
        match envelope["type"].as_str() {
            Some("disconnect") => return Ok(()),
            Some("hello") | None => continue,
            Some(_) => {}
        }
        if let Some(id) = envelope["envelope_id"].as_str() {
            let ack = json!({"envelope_id": id}).to_string();
            ws.send(Message::Text(ack)).await?;
        }
        handle(slack.clone(), envelope).await;
    }
    Ok(())
}

/// Hands an envelope's payload to the HTTP mode's handlers.
async fn handle(slack: Arc<Slack>, envelope: Value) {
    let payload = envelope["payload"].clone();
    match envelope["type"].as_str() {
        Some("slash_commands") => match serde_json::from_value::<commands::SlashCommand>(payload) {
            Ok(form) => {
                tokio::spawn(async move { commands::run(&slack, form).await });
            }
            Err(e) => tracing::warn!(error = %e, "a slash command envelope without its fields"),
        },
        Some("interactive") => {
            tokio::spawn(async move { interactions::dispatch(&slack, &payload).await });
        }
        Some("events_api") => {
            if let Err(e) = events::accept(slack, payload).await {
                tracing::error!(error = %e, "could not record a Slack event");
            }
        }
        other => tracing::debug!(kind = ?other, "an envelope prepbot does not handle"),
    }
}
