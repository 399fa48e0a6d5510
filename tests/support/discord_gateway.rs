//! The mock's gateway WebSocket: HELLO, then wait for IDENTIFY (or RESUME),
//! then READY; heartbeat ACKs; and every event a test pushes with
//! [`DiscordMock::push`] goes out as a dispatch with the next sequence number.
//!
//! Frames are plain JSON text (no zlib), which is what serenity reads when it
//! does not ask for `compress=zlib-stream`.

use super::discord_events::fixture;
use super::discord_mock::{DiscordMock, MockState};
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::response::Response;
use serde_json::{json, Value};
use std::sync::Arc;

pub async fn upgrade(State(state): State<Arc<MockState>>, ws: WebSocketUpgrade) -> Response {
    ws.on_upgrade(move |socket| session(state, socket))
}

async fn send(socket: &mut WebSocket, frame: &Value) -> bool {
    socket
        .send(Message::Text(frame.to_string().into()))
        .await
        .is_ok()
}

async fn session(state: Arc<MockState>, mut socket: WebSocket) {
    if !send(&mut socket, &fixture("hello")).await {
        return;
    }
    let Some(first) = wait_for_identify(&mut socket).await else {
        return;
    };
    let mut ready = fixture("ready");
    let ws = format!(
        "{}/ws",
        state.base.lock().unwrap().replace("http://", "ws://")
    );
    ready["d"]["resume_gateway_url"] = json!(ws);
    if let Some(shard) = first["d"].get("shard") {
        ready["d"]["shard"] = shard.clone();
    }
    // Subscribe before announcing READY, so no pushed event can be missed.
    let mut events = state.events.subscribe();
    if !send(&mut socket, &ready).await {
        return;
    }
    state.identifies.lock().unwrap().push(first);
    state.changed.notify_waiters();
    let mut seq = 1u64;
    loop {
        tokio::select! {
            incoming = socket.recv() => match incoming {
                Some(Ok(Message::Text(text))) => {
                    let frame: Value = serde_json::from_str(text.as_str()).unwrap_or_default();
                    if frame["op"] == 1 && !send(&mut socket, &fixture("heartbeat_ack")).await {
                        break;
                    }
                }
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break,
                Some(Ok(_)) => {}
            },
            pushed = events.recv() => match pushed {
                Ok(mut frame) => {
                    seq += 1;
                    frame["s"] = json!(seq);
                    if !send(&mut socket, &frame).await {
                        break;
                    }
                }
                Err(_) => break,
            },
        }
    }
}

/// Reads frames until an IDENTIFY (op 2) or RESUME (op 6) arrives.
async fn wait_for_identify(socket: &mut WebSocket) -> Option<Value> {
    loop {
        match socket.recv().await? {
            Ok(Message::Text(text)) => {
                let frame: Value = serde_json::from_str(text.as_str()).ok()?;
                if frame["op"] == 2 || frame["op"] == 6 {
                    return Some(frame);
                }
                if frame["op"] == 1 {
                    let _ = socket
                        .send(Message::Text(fixture("heartbeat_ack").to_string().into()))
                        .await;
                }
            }
            Ok(Message::Close(_)) | Err(_) => return None,
            Ok(_) => {}
        }
    }
}

impl DiscordMock {
    /// How many IDENTIFY/RESUME handshakes have completed (one per shard
    /// connection).
    pub fn sessions(&self) -> usize {
        self.state.identifies.lock().unwrap().len()
    }

    /// The IDENTIFY payloads received, in order.
    pub fn identifies(&self) -> Vec<Value> {
        self.state.identifies.lock().unwrap().clone()
    }

    /// Sends a dispatch frame (`{"op":0,"t":..,"d":..}`) to every connected
    /// session. Waits (up to 20 s) for a session to be there first.
    pub async fn push(&self, frame: Value) {
        self.wait_until("a gateway session", || {
            (self.state.events.receiver_count() > 0).then_some(())
        })
        .await;
        self.state.pushed(&frame);
        self.state
            .events
            .send(frame)
            .expect("a gateway session is listening");
    }
}
