//! A local Discord: the REST API under `/api/v10` and the gateway WebSocket
//! (see `discord_gateway.rs`), bound to 127.0.0.1:0.
//!
//! It records every request (method, path, JSON body, status, instant), keeps
//! the messages it "created" per channel, honours `nonce` + `enforce_nonce` the
//! way Discord does (a repeated nonce returns the first message instead of a
//! new one), and can be told to answer the next matching requests with a 429
//! (with `retry_after` and the rate-limit headers) or a 500.
//!
//! The bot reaches it through serenity's `HttpBuilder::proxy(base_url)`, which
//! rewrites `https://discord.com` to this server, and through the `ws://` URL
//! the mock hands out on `GET /gateway` and `GET /gateway/bot`.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use axum::Router;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::{broadcast, Notify};

/// The bot's (fake) application and user id.
pub const APP_ID: &str = "900000000000000001";

/// One request the mock received.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    /// The path below `/api/v10`, e.g. `/channels/1/messages`.
    pub path: String,
    /// The JSON body (multipart bodies are kept as a string).
    pub body: Value,
    pub status: u16,
    pub at: Instant,
}

/// A scripted failure for the next matching requests.
#[derive(Debug, Clone)]
pub enum Fault {
    /// 429 with this `retry_after` (seconds) in body and headers.
    RateLimited { retry_after: f64, global: bool },
    /// 500 with a JSON error body.
    ServerError,
}

#[derive(Debug)]
struct Rule {
    method: Method,
    path_ends_with: String,
    fault: Fault,
    remaining: usize,
}

/// Shared state of one mock.
pub struct MockState {
    pub(crate) base: Mutex<String>,
    requests: Mutex<Vec<Recorded>>,
    rules: Mutex<Vec<Rule>>,
    next_id: AtomicU64,
    /// channel id → messages created in it, in order.
    messages: Mutex<HashMap<String, Vec<Value>>>,
    /// (channel, nonce) → the message created for it.
    nonces: Mutex<HashMap<(String, String), Value>>,
    commands: Mutex<HashMap<String, Value>>,
    threads_allowed: AtomicBool,
    pub(crate) events: broadcast::Sender<Value>,
    pub(crate) identifies: Mutex<Vec<Value>>,
    pub(crate) changed: Notify,
}

/// A running mock; dropping it stops the server.
pub struct DiscordMock {
    pub addr: SocketAddr,
    pub state: Arc<MockState>,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for DiscordMock {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl DiscordMock {
    /// Starts a mock on an ephemeral loopback port.
    pub async fn start() -> Self {
        let (events, _) = broadcast::channel(256);
        let state = Arc::new(MockState {
            base: Mutex::new(String::new()),
            requests: Mutex::default(),
            rules: Mutex::default(),
            next_id: AtomicU64::new(400_000_000_000_000_001),
            messages: Mutex::default(),
            nonces: Mutex::default(),
            commands: Mutex::default(),
            threads_allowed: AtomicBool::new(true),
            events,
            identifies: Mutex::default(),
            changed: Notify::new(),
        });
        let app = Router::new()
            .route("/ws", any(super::discord_gateway::upgrade))
            .fallback(rest)
            .with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind mock");
        let addr = listener.local_addr().expect("mock addr");
        *state.base.lock().unwrap() = format!("http://{addr}");
        let server = tokio::spawn(async move {
            axum::serve(listener, app).await.expect("mock server");
        });
        Self {
            addr,
            state,
            server,
        }
    }

    /// What to give `HttpBuilder::proxy`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Answers the next `times` requests whose method is `method` and whose
    /// path ends with `path_ends_with` with `fault`.
    pub fn fail_next(&self, method: Method, path_ends_with: &str, fault: Fault, times: usize) {
        self.state.rules.lock().unwrap().push(Rule {
            method,
            path_ends_with: path_ends_with.to_owned(),
            fault,
            remaining: times,
        });
    }

    /// Makes thread creation answer 403 Missing Permissions.
    pub fn forbid_threads(&self) {
        self.state.threads_allowed.store(false, Ordering::SeqCst);
    }

    /// Every request so far.
    pub fn requests(&self) -> Vec<Recorded> {
        self.state.requests.lock().unwrap().clone()
    }

    /// Requests matching `method` whose path contains `path_contains`.
    pub fn requests_to(&self, method: &str, path_contains: &str) -> Vec<Recorded> {
        self.requests()
            .into_iter()
            .filter(|r| r.method == method && r.path.contains(path_contains))
            .collect()
    }

    /// Messages the mock created in `channel`, in order (edits applied).
    pub fn messages_in(&self, channel: &str) -> Vec<Value> {
        self.state
            .messages
            .lock()
            .unwrap()
            .get(channel)
            .cloned()
            .unwrap_or_default()
    }

    /// Every channel that got at least one message.
    pub fn channels_with_messages(&self) -> HashMap<String, usize> {
        let all = self.state.messages.lock().unwrap();
        all.iter().map(|(c, m)| (c.clone(), m.len())).collect()
    }

    /// Waits until some request satisfies `pred`, returning the first that does.
    pub async fn wait_for(&self, what: &str, pred: impl Fn(&Recorded) -> bool) -> Recorded {
        self.wait_until(what, || self.requests().into_iter().find(|r| pred(r)))
            .await
    }

    /// Polls `probe` each time the mock changes, for up to 20 s.
    pub async fn wait_until<T>(&self, what: &str, probe: impl Fn() -> Option<T>) -> T {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let changed = self.state.changed.notified();
            if let Some(found) = probe() {
                return found;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            assert!(
                !left.is_zero(),
                "timed out waiting for {what}; requests: {:#?}",
                self.paths()
            );
            let _ = tokio::time::timeout(left.min(Duration::from_millis(200)), changed).await;
        }
    }

    /// `METHOD path` of every request, for failure messages.
    pub fn paths(&self) -> Vec<String> {
        self.requests()
            .iter()
            .map(|r| format!("{} {} -> {}", r.method, r.path, r.status))
            .collect()
    }

    /// The largest number of requests matching `pred` inside any window of
    /// `window` length.
    pub fn peak_rate(&self, window: Duration, pred: impl Fn(&Recorded) -> bool) -> usize {
        let times: Vec<Instant> = self
            .requests()
            .iter()
            .filter(|r| pred(r))
            .map(|r| r.at)
            .collect();
        let mut best = 0;
        let mut start = 0;
        for end in 0..times.len() {
            while times[end].duration_since(times[start]) >= window {
                start += 1;
            }
            best = best.max(end - start + 1);
        }
        best
    }
}

impl MockState {
    fn record(&self, method: &Method, path: &str, body: Value, status: u16) {
        self.requests.lock().unwrap().push(Recorded {
            method: method.to_string(),
            path: path.to_owned(),
            body,
            status,
            at: Instant::now(),
        });
        self.changed.notify_waiters();
    }

    fn take_fault(&self, method: &Method, path: &str) -> Option<Fault> {
        let mut rules = self.rules.lock().unwrap();
        let rule = rules.iter_mut().find(|r| {
            r.remaining > 0 && r.method == *method && path.ends_with(&r.path_ends_with)
        })?;
        rule.remaining -= 1;
        Some(rule.fault.clone())
    }

    fn new_id(&self) -> String {
        self.next_id.fetch_add(1, Ordering::SeqCst).to_string()
    }
}

async fn rest(
    State(state): State<Arc<MockState>>,
    method: Method,
    uri: Uri,
    body: Bytes,
) -> Response {
    let path = uri
        .path()
        .strip_prefix("/api/v10")
        .unwrap_or(uri.path())
        .to_owned();
    let body: Value = serde_json::from_slice(&body)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&body).into_owned()));
    if let Some(fault) = state.take_fault(&method, &path) {
        let response = fault_response(&fault);
        state.record(&method, &path, body, response.status().as_u16());
        return response;
    }
    let (status, reply) = route(&state, &method, &path, &body);
    state.record(&method, &path, body, status.as_u16());
    match reply {
        Some(v) => (status, axum::Json(v)).into_response(),
        None => status.into_response(),
    }
}

fn fault_response(fault: &Fault) -> Response {
    match *fault {
        Fault::RateLimited {
            retry_after,
            global,
        } => {
            let body = json!({
                "message": "You are being rate limited.",
                "retry_after": retry_after,
                "global": global,
                "code": 0,
            });
            let mut headers = HeaderMap::new();
            let secs = retry_after.ceil().max(1.0) as u64;
            headers.insert("retry-after", HeaderValue::from(secs));
            headers.insert("x-ratelimit-limit", HeaderValue::from(5));
            headers.insert("x-ratelimit-remaining", HeaderValue::from(0));
            let reset_after = HeaderValue::from_str(&retry_after.to_string()).unwrap();
            headers.insert("x-ratelimit-reset-after", reset_after);
            headers.insert(
                "x-ratelimit-bucket",
                HeaderValue::from_static("mock-bucket"),
            );
            let scope = if global { "global" } else { "user" };
            headers.insert("x-ratelimit-scope", HeaderValue::from_static(scope));
            if global {
                headers.insert("x-ratelimit-global", HeaderValue::from_static("true"));
            }
            (StatusCode::TOO_MANY_REQUESTS, headers, axum::Json(body)).into_response()
        }
        Fault::ServerError => {
            let body = json!({"message": "500: Internal Server Error", "code": 0});
            (StatusCode::INTERNAL_SERVER_ERROR, axum::Json(body)).into_response()
        }
    }
}

fn route(
    state: &MockState,
    method: &Method,
    path: &str,
    body: &Value,
) -> (StatusCode, Option<Value>) {
    let seg: Vec<&str> = path.trim_matches('/').split('/').collect();
    let ws = format!(
        "{}/ws",
        state.base.lock().unwrap().replace("http://", "ws://")
    );
    match (method.as_str(), seg.as_slice()) {
        ("GET", ["gateway"]) => (StatusCode::OK, Some(json!({ "url": ws }))),
        ("GET", ["gateway", "bot"]) => (StatusCode::OK, Some(gateway_bot(&ws))),
        ("PUT", ["applications", _, "commands"])
        | ("PUT", ["applications", _, "guilds", _, "commands"]) => {
            (StatusCode::OK, Some(register_commands(state, path, body)))
        }
        ("GET", ["applications", _, "commands"])
        | ("GET", ["applications", _, "guilds", _, "commands"]) => {
            let stored = state.commands.lock().unwrap().get(path).cloned();
            (StatusCode::OK, Some(stored.unwrap_or_else(|| json!([]))))
        }
        ("POST", ["interactions", _, _, "callback"]) => (StatusCode::NO_CONTENT, None),
        ("POST", ["webhooks", _, _]) => (StatusCode::OK, Some(message(state, "0", body, None))),
        ("PATCH" | "GET", ["webhooks", _, _, "messages", _]) => {
            (StatusCode::OK, Some(message(state, "0", body, None)))
        }
        ("DELETE", ["webhooks", ..]) => (StatusCode::NO_CONTENT, None),
        ("POST", ["channels", channel, "messages"]) => {
            (StatusCode::OK, Some(create_message(state, channel, body)))
        }
        ("PATCH", ["channels", channel, "messages", id]) => {
            match edit_message(state, channel, id, body) {
                Some(m) => (StatusCode::OK, Some(m)),
                None => (
                    StatusCode::NOT_FOUND,
                    Some(json!({"message": "Unknown Message", "code": 10008})),
                ),
            }
        }
        ("POST", ["channels", channel, "messages", id, "threads"]) => {
            thread(state, channel, id, body)
        }
        ("GET", ["users", "@me"]) => (StatusCode::OK, Some(super::discord_events::bot_user())),
        _ => (
            StatusCode::NOT_FOUND,
            Some(json!({"message": "404: Not Found (mock)", "code": 0})),
        ),
    }
}

fn gateway_bot(ws: &str) -> Value {
    json!({
        "url": ws,
        "shards": 1,
        "session_start_limit": {"total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 1},
    })
}

fn register_commands(state: &MockState, path: &str, body: &Value) -> Value {
    let guild = path
        .split("/guilds/")
        .nth(1)
        .and_then(|s| s.split('/').next());
    let list: Vec<Value> = body
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .map(|mut c| {
            c["id"] = json!(state.new_id());
            c["application_id"] = json!(APP_ID);
            c["version"] = json!("1");
            if c.get("type").is_none() {
                c["type"] = json!(1);
            }
            if let Some(g) = guild {
                c["guild_id"] = json!(g);
            }
            c
        })
        .collect();
    let list = Value::Array(list);
    state
        .commands
        .lock()
        .unwrap()
        .insert(path.to_owned(), list.clone());
    list
}

fn message(state: &MockState, channel: &str, body: &Value, nonce: Option<&str>) -> Value {
    let mut m = super::discord_events::fixture("message");
    m["id"] = json!(state.new_id());
    m["channel_id"] = json!(channel);
    for key in ["content", "embeds", "components", "flags"] {
        if let Some(v) = body.get(key) {
            m[key] = v.clone();
        }
    }
    if let Some(n) = nonce {
        m["nonce"] = json!(n);
    }
    m
}

fn create_message(state: &MockState, channel: &str, body: &Value) -> Value {
    let nonce = body.get("nonce").and_then(|n| {
        n.as_str()
            .map(str::to_owned)
            .or_else(|| Some(n.to_string()))
    });
    let enforce = body
        .get("enforce_nonce")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    if let (Some(n), true) = (&nonce, enforce) {
        if let Some(existing) = state
            .nonces
            .lock()
            .unwrap()
            .get(&(channel.to_owned(), n.clone()))
        {
            return existing.clone();
        }
    }
    let m = message(state, channel, body, nonce.as_deref());
    if let (Some(n), true) = (nonce, enforce) {
        state
            .nonces
            .lock()
            .unwrap()
            .insert((channel.to_owned(), n), m.clone());
    }
    state
        .messages
        .lock()
        .unwrap()
        .entry(channel.to_owned())
        .or_default()
        .push(m.clone());
    m
}

fn edit_message(state: &MockState, channel: &str, id: &str, body: &Value) -> Option<Value> {
    let mut all = state.messages.lock().unwrap();
    let m = all
        .get_mut(channel)?
        .iter_mut()
        .find(|m| m["id"] == json!(id))?;
    for key in ["content", "embeds", "components"] {
        if let Some(v) = body.get(key) {
            m[key] = v.clone();
        }
    }
    m["edited_timestamp"] = json!("2024-01-01T17:00:00.000000+00:00");
    Some(m.clone())
}

fn thread(state: &MockState, channel: &str, id: &str, body: &Value) -> (StatusCode, Option<Value>) {
    if !state.threads_allowed.load(Ordering::SeqCst) {
        return (
            StatusCode::FORBIDDEN,
            Some(json!({"message": "Missing Permissions", "code": 50013})),
        );
    }
    let mut t = super::discord_events::fixture("thread");
    t["id"] = json!(id);
    t["parent_id"] = json!(channel);
    if let Some(name) = body.get("name") {
        t["name"] = name.clone();
    }
    (StatusCode::CREATED, Some(t))
}
