//! The mock's gateway WebSocket: HELLO, then IDENTIFY (→ READY and one
//! GUILD_CREATE per guild of the shard) or RESUME (→ missed dispatches, then
//! RESUMED); heartbeat ACKs; and every event a test pushes with
//! [`DiscordMock::push`] goes to the session of the guild's shard with the
//! session's next sequence number. Discord's rules (and their sources) are in
//! `discord_sessions.rs`; a handshake they refuse closes the socket with
//! Discord's close code and is recorded as a refusal.
//!
//! Two URLs: `/ws` (what `GET /gateway[/bot]` returns, for connecting) and
//! `/resume` (READY's `resume_gateway_url`, for resuming). (source: resuming)
//!
//! Frames are plain JSON text (no zlib), which is what serenity reads when it
//! does not ask for `compress=zlib-stream`.

use super::discord_events::fixture;
use super::discord_mock::{DiscordMock, MockState};
use super::discord_sessions::{shard_of, Out};
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::response::Response;
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;

/// `GET /ws`: the connect URL.
pub async fn upgrade(State(state): State<Arc<MockState>>, ws: WebSocketUpgrade) -> Response {
    ws.on_upgrade(move |socket| connection(state, socket, false))
}

/// `GET /resume`: READY's `resume_gateway_url`.
pub async fn upgrade_resume(State(state): State<Arc<MockState>>, ws: WebSocketUpgrade) -> Response {
    ws.on_upgrade(move |socket| connection(state, socket, true))
}

async fn send(socket: &mut WebSocket, frame: &Value) -> bool {
    socket
        .send(Message::Text(frame.to_string().into()))
        .await
        .is_ok()
}

/// What a handshake came to.
enum Handshake {
    /// The session is attached to this connection; its frames come on `rx`.
    Attached(mpsc::UnboundedReceiver<Out>),
    /// Op 9 was sent; the client may try again on this socket.
    Invalid,
    /// The socket was closed.
    Closed,
}

async fn connection(state: Arc<MockState>, mut socket: WebSocket, on_resume_url: bool) {
    if !send(&mut socket, &fixture("hello")).await {
        return;
    }
    let conn = state.gateway.lock().unwrap().next_id;
    state.gateway.lock().unwrap().next_id += 1;
    let mut rx = loop {
        let Some(first) = wait_for_identify(&state, &mut socket).await else {
            return;
        };
        let outcome = if first["op"] == 2 {
            identify(&state, &mut socket, &first, conn).await
        } else {
            resume(&state, &mut socket, &first, (conn, on_resume_url)).await
        };
        match outcome {
            Handshake::Attached(rx) => break rx,
            Handshake::Invalid => continue,
            Handshake::Closed => return,
        }
    };
    serve(&state, &mut socket, &mut rx).await;
    detach(&state, conn);
}

/// Carries frames both ways until either side ends the connection.
async fn serve(state: &MockState, socket: &mut WebSocket, rx: &mut mpsc::UnboundedReceiver<Out>) {
    loop {
        tokio::select! {
            incoming = socket.recv() => match incoming {
                Some(Ok(Message::Text(text))) => {
                    if !authenticated(state, socket, text.as_str()).await {
                        return;
                    }
                }
                // The WebSocket library queued the closing handshake's
                // reply; flush it, as Discord answers a client's close.
                Some(Ok(Message::Close(_))) => {
                    let _ = futures::SinkExt::flush(socket).await;
                    return;
                }
                None | Some(Err(_)) => return,
                Some(Ok(_)) => {}
            },
            out = rx.recv() => match out {
                Some(Out::Frame(frame)) => {
                    if !send(socket, &frame).await {
                        return;
                    }
                }
                Some(Out::Close(code, reason)) => {
                    close(socket, code, reason).await;
                    return;
                }
                // The session moved away (op 7, op 9): this connection is over.
                None => return,
            },
        }
    }
}

async fn close(socket: &mut WebSocket, code: u16, reason: &'static str) {
    let frame = CloseFrame {
        code,
        reason: reason.into(),
    };
    let _ = socket.send(Message::Close(Some(frame))).await;
}

/// Forgets this connection as the carrier of its session.
fn detach(state: &MockState, conn: u64) {
    let mut g = state.gateway.lock().unwrap();
    for s in g.sessions.values_mut() {
        if s.live.as_ref().is_some_and(|(c, _)| *c == conn) {
            s.live = None;
        }
    }
}

/// IDENTIFY: checks it, opens a session, READY, then GUILD_CREATE per guild.
async fn identify(
    state: &MockState,
    socket: &mut WebSocket,
    frame: &Value,
    conn: u64,
) -> Handshake {
    let checked = state.gateway.lock().unwrap().check_identify(&frame["d"]);
    let (id, total) = match checked {
        Ok(shard) => shard,
        Err((code, reason)) => {
            DiscordMock::refuse_gateway(state, frame, code);
            close(socket, code, reason).await;
            return Handshake::Closed;
        }
    };
    let (tx, rx) = mpsc::unbounded_channel();
    let resume_url = format!(
        "{}/resume",
        state.base.lock().unwrap().replace("http://", "ws://")
    );
    {
        let mut g = state.gateway.lock().unwrap();
        let sid = g.open(id, total);
        g.sessions.get_mut(&sid).unwrap().live = Some((conn, tx));
        let guilds = g.guilds_of(id, total);
        let mut ready = fixture("ready");
        ready["d"]["session_id"] = json!(sid);
        ready["d"]["resume_gateway_url"] = json!(resume_url);
        ready["d"]["shard"] = json!([id, total]);
        let unavailable = guilds.iter().map(|g| json!({"id": g, "unavailable": true}));
        ready["d"]["guilds"] = Value::Array(unavailable.collect());
        g.dispatch(&sid, ready);
        // Source "ready": guilds arrive as GUILD_CREATE after READY (lazy loading).
        for guild in guilds {
            let mut create = fixture("guild_create");
            create["d"]["id"] = json!(guild);
            for c in create["d"]["channels"].as_array_mut().unwrap() {
                c["guild_id"] = json!(guild);
            }
            g.dispatch(&sid, create);
        }
    }
    state.identifies.lock().unwrap().push(frame.clone());
    state.changed.notify_waiters();
    Handshake::Attached(rx)
}

/// RESUME: replays what the session missed after `seq`, then RESUMED. An
/// unknown session gets op 9 d=false (source: resuming); so does a RESUME off
/// `resume_gateway_url` when the test asks for strictness (Discord only
/// says such sessions are "disconnected significantly faster").
async fn resume(
    state: &MockState,
    socket: &mut WebSocket,
    frame: &Value,
    (conn, on_url): (u64, bool),
) -> Handshake {
    while state.gateway.lock().unwrap().hold_resumes {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let sid = frame["d"]["session_id"].as_str().unwrap_or_default();
    let seq = frame["d"]["seq"].as_u64().unwrap_or(0) as usize;
    let (tx, rx) = mpsc::unbounded_channel();
    let accepted = {
        let mut g = state.gateway.lock().unwrap();
        let url_ok = on_url || !g.strict_resume_url;
        let known = g.sessions.get(sid).map(|s| s.sent.len());
        let accepted = url_ok && known.is_some_and(|sent| seq <= sent);
        g.resumes.push((frame.clone(), on_url, accepted));
        if accepted {
            let shard = g.sessions[sid].shard;
            g.current.insert(shard, sid.to_owned());
            let s = g.sessions.get_mut(sid).unwrap();
            for missed in &s.sent[seq..] {
                let _ = tx.send(Out::Frame(missed.clone()));
            }
            s.live = Some((conn, tx));
            g.dispatch(sid, json!({"op": 0, "t": "RESUMED", "d": {}}));
        }
        if url_ok && known.is_some() && !accepted {
            // (source: close codes) 4007: the sequence sent when resuming was invalid.
            Err(4007)
        } else {
            Ok(accepted)
        }
    };
    state.changed.notify_waiters();
    match accepted {
        Ok(true) => {
            state.identifies.lock().unwrap().push(frame.clone());
            Handshake::Attached(rx)
        }
        Ok(false) => {
            let _ = send(socket, &json!({"op": 9, "d": false})).await;
            Handshake::Invalid
        }
        Err(code) => {
            DiscordMock::refuse_gateway(state, frame, code);
            close(socket, code, "Invalid seq.").await;
            Handshake::Closed
        }
    }
}

/// Reads frames until an IDENTIFY (op 2) or RESUME (op 6) arrives. Only
/// heartbeats may come before: anything else closes with 4003 Not
/// authenticated (source: close codes).
async fn wait_for_identify(state: &MockState, socket: &mut WebSocket) -> Option<Value> {
    loop {
        match socket.recv().await? {
            Ok(Message::Text(text)) => {
                let frame = decoded(state, socket, text.as_str()).await?;
                match frame["op"].as_u64() {
                    Some(2 | 6) => return Some(frame),
                    Some(1) => {
                        let _ = send(socket, &fixture("heartbeat_ack")).await;
                    }
                    _ => return refuse(state, socket, &frame, (4003, "Not authenticated.")).await,
                }
            }
            Ok(Message::Close(_)) | Err(_) => return None,
            Ok(_) => {}
        }
    }
}

/// A client frame as JSON, or a 4002 Decode error close (source: close codes).
async fn decoded(state: &MockState, socket: &mut WebSocket, text: &str) -> Option<Value> {
    match serde_json::from_str::<Value>(text) {
        Ok(frame) if frame["op"].is_u64() => Some(frame),
        _ => {
            refuse(
                state,
                socket,
                &json!({"raw": text}),
                (4002, "Error while decoding payload."),
            )
            .await
        }
    }
}

/// Records a refusal and closes the socket with Discord's code.
async fn refuse<T>(
    state: &MockState,
    socket: &mut WebSocket,
    frame: &Value,
    (code, reason): (u16, &'static str),
) -> Option<T> {
    DiscordMock::refuse_gateway(state, frame, code);
    close(socket, code, reason).await;
    None
}

/// What an authenticated client may send (source: the gateway opcodes table on
/// the close codes page): heartbeat, presence, voice state, request members,
/// soundboard sounds.
/// A second IDENTIFY or RESUME closes with 4005 Already authenticated,
/// any other opcode with 4001 Unknown opcode.
async fn authenticated(state: &MockState, socket: &mut WebSocket, text: &str) -> bool {
    let Some(frame) = decoded(state, socket, text).await else {
        return false;
    };
    let refusal = match frame["op"].as_u64() {
        Some(1) => return send(socket, &fixture("heartbeat_ack")).await,
        Some(3 | 4 | 8 | 31) => return true,
        Some(2 | 6) => (4005, "Already authenticated."),
        _ => (4001, "Unknown opcode."),
    };
    refuse::<()>(state, socket, &frame, refusal).await;
    false
}

impl DiscordMock {
    /// How many IDENTIFY/RESUME handshakes were accepted (one per shard
    /// connection).
    pub fn sessions(&self) -> usize {
        self.state.identifies.lock().unwrap().len()
    }

    /// The accepted IDENTIFY and RESUME payloads, in order.
    pub fn identifies(&self) -> Vec<Value> {
        self.state.identifies.lock().unwrap().clone()
    }

    /// Sends a dispatch frame (`{"op":0,"t":..,"d":..}`) in the session of
    /// the shard its `guild_id` belongs to (shard 0 without one), as Discord
    /// routes events. Waits (up to 20 s) for that shard to have a session; a
    /// session that is between connections gets it on RESUME.
    pub async fn push(&self, frame: Value) {
        let guild = frame["d"]["guild_id"].as_str().map(str::to_owned);
        let sid = self
            .wait_until("a gateway session for the event's shard", || {
                self.gateway(|g| {
                    g.current.iter().find_map(|(shard, sid)| {
                        let total = g.sessions[sid].total;
                        let wanted = guild.as_deref().map_or(0, |x| shard_of(x, total));
                        (wanted == *shard).then(|| sid.clone())
                    })
                })
            })
            .await;
        self.state.pushed(&frame);
        self.gateway(|g| g.dispatch(&sid, frame));
    }
}
