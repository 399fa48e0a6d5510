//! The mock's Socket Mode: `apps.connections.open` (app token only) hands
//! out `ws://<mock>/socket`; the socket greets with `hello`, carries the
//! envelopes a test pushes, and checks every acknowledgement: JSON with the
//! `envelope_id` of an envelope it sent, within 3 seconds. Anything else is
//! a refusal, like a bad Web API call.

use super::slack_mock::{SlackMock, SlackState};
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::response::Response;
use serde_json::{json, Value};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How long Slack waits for an envelope's acknowledgement.
pub const ACK_WITHIN: Duration = Duration::from_secs(3);

pub async fn upgrade(State(s): State<Arc<SlackState>>, ws: WebSocketUpgrade) -> Response {
    ws.on_upgrade(move |socket| session(s, socket))
}

async fn session(s: Arc<SlackState>, mut socket: WebSocket) {
    let mut envelopes = s.envelopes.subscribe();
    let hello = json!({"type": "hello", "num_connections": 1, "connection_info": {"app_id": "A1"}});
    if socket
        .send(Message::Text(hello.to_string().into()))
        .await
        .is_err()
    {
        return;
    }
    s.connections.fetch_add(1, Ordering::SeqCst);
    s.changed.notify_waiters();
    loop {
        tokio::select! {
            out = envelopes.recv() => match out {
                Ok(text) => if socket.send(Message::Text(text.into())).await.is_err() { return },
                Err(_) => return,
            },
            incoming = socket.recv() => match incoming {
                Some(Ok(Message::Text(t))) => ack(&s, t.as_str()),
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return,
                Some(Ok(_)) => {}
            },
        }
    }
}

/// Checks and records one acknowledgement.
fn ack(s: &SlackState, text: &str) {
    let body: Value = serde_json::from_str(text).unwrap_or(Value::Null);
    let id = body["envelope_id"].as_str().unwrap_or_default().to_owned();
    let sent = s.sent_envelopes.lock().unwrap().remove(&id);
    let refusal = match sent {
        None => Some(format!("an acknowledgement of an unknown envelope: {text}")),
        Some(at) if at.elapsed() > ACK_WITHIN => {
            Some(format!("acknowledged after {:?}", at.elapsed()))
        }
        Some(_) => None,
    };
    match refusal {
        Some(why) => s.refuse_socket(&body, why),
        None => {
            s.acks.lock().unwrap().push(id);
            s.changed.notify_waiters();
        }
    }
}

impl SlackMock {
    /// Waits for the bot's Socket Mode connection.
    pub async fn wait_connected(&self) {
        self.wait_until("a Socket Mode connection", || {
            (self.state.connections.load(Ordering::SeqCst) > 0).then_some(())
        })
        .await;
    }

    /// Sends an envelope of `kind` (`slash_commands`, `interactive`,
    /// `events_api`) carrying `payload`; returns its `envelope_id`.
    pub fn push(&self, kind: &str, payload: Value) -> String {
        let id = format!("env-{}", self.state.next_ts.fetch_add(1, Ordering::SeqCst));
        let envelope = json!({"envelope_id": id, "type": kind, "payload": payload, "accepts_response_payload": kind != "events_api"});
        self.state
            .sent_envelopes
            .lock()
            .unwrap()
            .insert(id.clone(), Instant::now());
        self.state
            .envelopes
            .send(envelope.to_string())
            .expect("a connected bot");
        id
    }

    /// Waits until envelope `id` is acknowledged.
    pub async fn wait_ack(&self, id: &str) {
        self.wait_until(&format!("the acknowledgement of {id}"), || {
            self.state
                .acks
                .lock()
                .unwrap()
                .iter()
                .any(|a| a == id)
                .then_some(())
        })
        .await;
    }
}
