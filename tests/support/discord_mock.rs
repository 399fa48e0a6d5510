//! A local Discord: the REST API under `/api/v10` and the gateway WebSocket
//! (see `discord_gateway.rs`), bound to 127.0.0.1:0.
//!
//! It records every request (method, path, JSON body, status, instant), keeps
//! the messages it "created" per channel, honours `nonce` + `enforce_nonce` the
//! way Discord does (a repeated nonce returns the first message instead of a
//! new one), and can be told to answer the next matching requests with a 429
//! (with `retry_after` and the rate-limit headers) or a 500, one at a time or
//! as a stretch; a route retried before its 429's `retry_after` has passed
//! is refused, and so is a request over Discord's global 50 requests/s (see
//! `discord_limits.rs`).
//!
//! The bot reaches it through serenity's `HttpBuilder::proxy(base_url)`, which
//! rewrites `https://discord.com` to this server, and through the `ws://` URL
//! the mock hands out on `GET /gateway` and `GET /gateway/bot`. The routes
//! are in `discord_routes.rs`, the WebSocket in `discord_gateway.rs`.

use axum::http::Method;
use axum::routing::any;
use axum::Router;
use serde_json::Value;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::Notify;

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
    /// The request takes effect, but its answer is lost (a 500 comes back),
    /// as when the bot dies or times out mid-request.
    LostAnswer,
}

#[derive(Debug)]
pub(crate) struct Rule {
    pub(crate) method: Method,
    pub(crate) path_ends_with: String,
    pub(crate) fault: Fault,
    pub(crate) remaining: usize,
}

/// Shared state of one mock.
pub struct MockState {
    pub(crate) base: Mutex<String>,
    pub(crate) requests: Mutex<Vec<Recorded>>,
    pub(crate) rules: Mutex<Vec<Rule>>,
    pub(crate) next_id: AtomicU64,
    /// channel id → messages created in it, in order.
    pub(crate) messages: Mutex<HashMap<String, Vec<Value>>>,
    /// (channel, nonce) → the message created for it.
    pub(crate) nonces: Mutex<HashMap<(String, String), Value>>,
    pub(crate) commands: Mutex<HashMap<String, Value>>,
    pub(crate) threads_allowed: AtomicBool,
    /// File name → bytes served under `/attachments/` (the "CDN").
    pub(crate) attachments: Mutex<HashMap<String, Vec<u8>>>,
    /// The gateway's sessions and rules (see `discord_sessions.rs`).
    pub(crate) gateway: Mutex<super::discord_sessions::Gateway>,
    pub(crate) identifies: Mutex<Vec<Value>>,
    pub(crate) changed: Notify,
    /// Requests refused by Discord's rules (see `discord_rules.rs` and
    /// `discord_lifecycle.rs`), not by a scripted fault.
    pub(crate) refused: Mutex<Vec<Recorded>>,
    /// Whether refusals are expected (else dropping the mock panics).
    pub(crate) refusals_expected: AtomicBool,
    /// interaction id → what Discord remembers of it.
    pub(crate) interactions: Mutex<HashMap<String, super::discord_lifecycle::Pending>>,
    pub(crate) lifetimes: Mutex<super::discord_lifecycle::Lifetimes>,
    /// channel id → its type and the bot's permissions (unlisted: open).
    pub(crate) channels: Mutex<HashMap<String, super::discord_lifecycle::Channel>>,
    /// When each (channel, nonce) was first seen, for the nonce lifetime.
    pub(crate) nonce_times: Mutex<HashMap<(String, String), Instant>>,
    /// Routes (and the bot) limited by a 429 until an instant.
    pub(crate) limits: Mutex<super::discord_limits::Limits>,
    /// The server's roles and who holds them (see `discord_roles.rs`).
    pub(crate) roles: Mutex<super::discord_roles::Roles>,
}

/// A running mock; dropping it stops the server.
pub struct DiscordMock {
    pub addr: SocketAddr,
    pub state: Arc<MockState>,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for DiscordMock {
    /// A request real Discord would have refused fails the test, unless the
    /// test said it expects refusals ([`DiscordMock::expect_refusals`]).
    fn drop(&mut self) {
        self.server.abort();
        let refused = self.refused();
        if std::env::var_os("PREPBOT_MOCK_REPORT").is_some() {
            let test = std::thread::current().name().unwrap_or("?").to_owned();
            let invalid = self.invalid_requests().len();
            eprintln!(
                "MOCK-REPORT {test}: refused={} invalid={invalid}",
                refused.len()
            );
        }
        if !refused.is_empty()
            && !self.state.refusals_expected.load(Ordering::SeqCst)
            && !std::thread::panicking()
        {
            panic!(
                "the bot sent {} request(s) Discord would refuse: {:#?}",
                refused.len(),
                refused
                    .iter()
                    .map(|r| format!("{} {} -> {}: {}", r.method, r.path, r.status, r.body))
                    .collect::<Vec<_>>()
            );
        }
    }
}

impl DiscordMock {
    /// Starts a mock on an ephemeral loopback port.
    pub async fn start() -> Self {
        let state = Arc::new(MockState {
            base: Mutex::new(String::new()),
            requests: Mutex::default(),
            rules: Mutex::default(),
            next_id: AtomicU64::new(400_000_000_000_000_001),
            messages: Mutex::default(),
            nonces: Mutex::default(),
            commands: Mutex::default(),
            threads_allowed: AtomicBool::new(true),
            attachments: Mutex::default(),
            gateway: Mutex::default(),
            identifies: Mutex::default(),
            changed: Notify::new(),
            refused: Mutex::default(),
            refusals_expected: AtomicBool::new(false),
            interactions: Mutex::default(),
            lifetimes: Mutex::default(),
            channels: Mutex::default(),
            nonce_times: Mutex::default(),
            limits: Mutex::default(),
            roles: Mutex::default(),
        });
        let app = Router::new()
            .route("/ws", any(super::discord_gateway::upgrade))
            .route("/resume", any(super::discord_gateway::upgrade_resume))
            .fallback(super::discord_routes::rest)
            .with_state(state.clone());
        let (addr, server) = super::serve(app).await;
        // Set before `new` returns, so before any request can arrive.
        *state.base.lock().unwrap() = format!("http://{addr}");
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

    /// A stretch of failures for one route: the next matching requests are
    /// answered with `faults`, one each, in order; the one after goes through.
    pub fn fail_stretch(&self, method: Method, path_ends_with: &str, faults: &[Fault]) {
        for fault in faults {
            self.fail_next(method.clone(), path_ends_with, fault.clone(), 1);
        }
    }

    /// Serves `bytes` as an uploaded file; returns its URL.
    pub fn attach(&self, name: &str, bytes: &[u8]) -> String {
        self.state
            .attachments
            .lock()
            .unwrap()
            .insert(name.to_owned(), bytes.to_vec());
        format!("{}/attachments/{name}", self.base_url())
    }

    /// Stops enforcing Discord's global 50 requests/s: for measuring
    /// prepbot's own cost with pacing lifted, or a test that is about
    /// something else and must be fast.
    pub fn lift_global_limit(&self) {
        self.state.limits.lock().unwrap().global_lifted = true;
    }

    /// Makes thread creation answer 403 Missing Permissions.
    pub fn forbid_threads(&self) {
        self.state.threads_allowed.store(false, Ordering::SeqCst);
    }

    /// Forgets recorded requests and created messages (benchmarks).
    pub fn clear(&self) {
        self.state.requests.lock().unwrap().clear();
        self.state.messages.lock().unwrap().clear();
        self.state.nonces.lock().unwrap().clear();
    }

    /// What the person who sent the interaction under `token` sees: each
    /// message as `{"flags": .., "data": ..}`, its `@original` first.
    pub fn seen(&self, token: &str) -> Vec<Value> {
        self.state.seen(token)
    }

    /// Sends a raw request to the mock, as the bot would; its status and
    /// JSON answer (for tests of the mock's own rules).
    pub async fn send(&self, method: &str, path: &str, body: Value) -> (u16, Value) {
        let url = format!("{}/api/v10{path}", self.base_url());
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let r = reqwest::Client::new()
            .request(method, url)
            .json(&body)
            .send()
            .await
            .expect("the mock answers");
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    /// Requests refused because real Discord would refuse them.
    pub fn refused(&self) -> Vec<Recorded> {
        self.state.refused.lock().unwrap().clone()
    }

    /// This test provokes refusals on purpose: dropping the mock with some
    /// is not a failure.
    pub fn expect_refusals(&self) {
        self.state.refusals_expected.store(true, Ordering::SeqCst);
    }

    /// Shortens (or lengthens) how long interactions, tokens and nonces live.
    pub fn set_lifetimes(&self, lifetimes: super::discord_lifecycle::Lifetimes) {
        *self.state.lifetimes.lock().unwrap() = lifetimes;
    }

    /// Declares a channel: its Discord type (0 text, 2 voice, 4 category,
    /// 13 stage, 15 forum) and the bot's permission bits there.
    pub fn add_channel(&self, id: &str, kind: u64, permissions: u64) {
        let c = super::discord_lifecycle::Channel { kind, permissions };
        self.state.channels.lock().unwrap().insert(id.to_owned(), c);
    }

    /// Deletes a channel: requests to it get 404 Unknown Channel.
    pub fn delete_channel(&self, id: &str) {
        self.add_channel(id, u64::MAX, 0);
    }

    /// Answers that count against Discord's invalid-request budget (10,000
    /// per 10 minutes per IP): 401, 403 and 429.
    pub fn invalid_requests(&self) -> Vec<Recorded> {
        self.requests()
            .into_iter()
            .filter(|r| matches!(r.status, 401 | 403 | 429))
            .collect()
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
        super::rate::peak(&times, window)
    }
}
