//! A local Slack, strict: the Web API under `/api/<method>` and a
//! `response_url` sink under `/respond/<id>`, bound to 127.0.0.1:0.
//!
//! It checks the `Authorization: Bearer` token, the Block Kit limits and
//! each method's arguments (`slack_rules.rs`), that a `trigger_id` is used
//! once within 3 seconds, and that a `response_url` is used at most 5 times
//! within 30 minutes. What real Slack would refuse is answered the way Slack
//! answers it (HTTP 200, `{"ok":false,"error":...}`) and recorded as a
//! refusal: dropping the mock with refusals fails the test, unless the test
//! expects them. Every answer is `Content-Type: application/json`.
//!
//! `chat.postMessage` is held to Slack's documented special limit: one
//! message per second per channel, short bursts allowed (modelled as a
//! bucket of [`POST_BURST`] refilled at 1/s; Slack publishes no burst size),
//! answered with HTTP 429 and `Retry-After` as Slack does.
//!
//! Tests can script faults (a 429 with `Retry-After`, an `ok:false` error,
//! an answer lost after the call took effect) and channel errors
//! (`not_in_channel`, `is_archived`, ...). Read methods, user groups and
//! scopes are in `slack_reads.rs`.

use super::slack_rules::Refusal;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::post;
use axum::Router;
use serde_json::{json, Value};
use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::{broadcast, Notify};

/// The bot token the mock accepts.
pub const BOT_TOKEN: &str = "xoxb-mock-bot-token";
/// The app-level token (Socket Mode) the mock accepts.
pub const APP_TOKEN: &str = "xapp-mock-app-token";
/// How long a `trigger_id` lives.
pub const TRIGGER_LIFE: Duration = Duration::from_secs(3);
/// How long a `response_url` lives, and how often it may be used.
pub const RESPONSE_URL_LIFE: Duration = Duration::from_secs(30 * 60);
pub const RESPONSE_URL_USES: u32 = 5;

/// The burst of `chat.postMessage` calls one channel takes before Slack's
/// one message per second applies.
pub const POST_BURST: f64 = 5.0;

/// One Web API call or `response_url` post the mock received.
#[derive(Debug, Clone)]
pub struct Call {
    /// `chat.postMessage`, ..., or `response_url`.
    pub method: String,
    pub body: Value,
    /// The Bearer token it carried.
    pub token: Option<String>,
    /// `None` when it succeeded, else Slack's error code (or `ratelimited`).
    pub error: Option<String>,
    pub at: Instant,
}

/// A scripted answer for the next calls of a method.
#[derive(Debug, Clone)]
pub enum Fault {
    /// HTTP 429 with `Retry-After: secs`.
    RateLimited { secs: u64 },
    /// `ok:false` with this error code.
    Error(&'static str),
    /// The call takes effect and is recorded, then the connection drops
    /// before the answer arrives: the caller cannot know it worked.
    LoseAnswer,
    /// HTTP 500 with Slack's `internal_error` body. `took_effect`: the
    /// message was posted all the same (Slack documents that a 5xx does not
    /// say whether a write happened).
    ServerError { took_effect: bool },
}

pub struct SlackState {
    pub(crate) calls: Mutex<Vec<Call>>,
    pub(crate) refused: Mutex<Vec<(Call, String)>>,
    pub(crate) refusals_expected: AtomicBool,
    pub(crate) faults: Mutex<Vec<(String, Fault, usize)>>,
    /// channel → the error every post there gets.
    pub(crate) channel_errors: Mutex<HashMap<String, String>>,
    pub(crate) admins: Mutex<HashSet<String>>,
    /// (channel, user) pairs where the user is not a member: an ephemeral
    /// message to them there gets `user_not_in_channel`.
    pub(crate) outsiders: Mutex<HashSet<(String, String)>>,
    /// user group id → its members (`usergroups.users.list`).
    pub(crate) groups: Mutex<HashMap<String, Vec<String>>>,
    /// The bot scopes every bot token holds (the manifest's, unless a test
    /// takes one away).
    pub(crate) scopes: Mutex<HashSet<String>>,
    /// Bot tokens handed out by `oauth.v2.access` (accepted like BOT_TOKEN).
    pub(crate) issued: Mutex<HashSet<String>>,
    /// channel → messages (`ts`, `text`, `blocks`, `thread_ts`), edits applied.
    pub(crate) messages: Mutex<HashMap<String, Vec<Value>>>,
    /// channel → `chat.postMessage`'s bucket there (tokens, last refill).
    pub(crate) post_buckets: Mutex<HashMap<String, (f64, Instant)>>,
    pub(crate) next_ts: AtomicU64,
    pub(crate) triggers: Mutex<HashMap<String, Instant>>,
    /// response_url id → (created, uses).
    pub(crate) urls: Mutex<HashMap<String, (Instant, u32)>>,
    pub(crate) changed: Notify,
    /// `http://<addr>`, for the URLs the mock hands out.
    pub(crate) base: Mutex<String>,
    /// Envelopes for the Socket Mode connection (`slack_socket.rs`).
    pub(crate) envelopes: broadcast::Sender<String>,
    /// envelope_id → when it was sent, until acknowledged.
    pub(crate) sent_envelopes: Mutex<HashMap<String, Instant>>,
    pub(crate) acks: Mutex<Vec<String>>,
    pub(crate) connections: AtomicU64,
}

impl Default for SlackState {
    fn default() -> Self {
        Self {
            calls: Mutex::default(),
            refused: Mutex::default(),
            refusals_expected: AtomicBool::default(),
            faults: Mutex::default(),
            channel_errors: Mutex::default(),
            admins: Mutex::default(),
            outsiders: Mutex::default(),
            groups: Mutex::default(),
            scopes: Mutex::new(super::slack_reads::manifest_scopes()),
            issued: Mutex::default(),
            messages: Mutex::default(),
            post_buckets: Mutex::default(),
            next_ts: AtomicU64::new(1),
            triggers: Mutex::default(),
            urls: Mutex::default(),
            changed: Notify::new(),
            base: Mutex::default(),
            envelopes: broadcast::channel(64).0,
            sent_envelopes: Mutex::default(),
            acks: Mutex::default(),
            connections: AtomicU64::default(),
        }
    }
}

/// A running mock; dropping it stops the server.
pub struct SlackMock {
    pub addr: SocketAddr,
    pub state: Arc<SlackState>,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for SlackMock {
    /// A request real Slack would have refused fails the test.
    fn drop(&mut self) {
        self.server.abort();
        let refused = self.state.refused.lock().unwrap().clone();
        if !refused.is_empty()
            && !self.state.refusals_expected.load(Ordering::SeqCst)
            && !std::thread::panicking()
        {
            panic!(
                "the bot sent {} request(s) Slack would refuse: {refused:#?}",
                refused.len()
            );
        }
    }
}

impl SlackMock {
    pub async fn start() -> Self {
        let state = Arc::new(SlackState::default());
        let app = Router::new()
            .route("/api/{method}", post(super::slack_routes::api))
            .route("/respond/{id}", post(super::slack_routes::respond))
            .route("/socket", axum::routing::get(super::slack_socket::upgrade))
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

    /// What to give `SLACK_API_BASE`.
    pub fn api_base(&self) -> String {
        format!("http://{}/api", self.addr)
    }

    /// A fresh `response_url`; returns (url, id).
    pub fn response_url(&self) -> (String, String) {
        let id = format!("r{}", self.state.next_ts.fetch_add(1, Ordering::SeqCst));
        self.state
            .urls
            .lock()
            .unwrap()
            .insert(id.clone(), (Instant::now(), 0));
        (format!("http://{}/respond/{id}", self.addr), id)
    }

    /// A fresh `trigger_id`, valid for 3 seconds from now.
    pub fn trigger(&self) -> String {
        let id = format!(
            "{}.trigger",
            self.state.next_ts.fetch_add(1, Ordering::SeqCst)
        );
        self.state
            .triggers
            .lock()
            .unwrap()
            .insert(id.clone(), Instant::now());
        id
    }

    /// Makes a `trigger_id` (or `response_url` id) `by` older, as if that
    /// much time had passed.
    pub fn age(&self, id: &str, by: Duration) {
        if let Some(made) = self.state.triggers.lock().unwrap().get_mut(id) {
            *made -= by;
        }
        if let Some((made, _)) = self.state.urls.lock().unwrap().get_mut(id) {
            *made -= by;
        }
    }

    /// Makes `user` a workspace admin in `users.info`.
    pub fn make_admin(&self, user: &str) {
        self.state.admins.lock().unwrap().insert(user.to_owned());
    }

    /// Takes `user` out of `channel` (every user is in every channel
    /// until then).
    pub fn leave(&self, channel: &str, user: &str) {
        let pair = (channel.to_owned(), user.to_owned());
        self.state.outsiders.lock().unwrap().insert(pair);
    }

    /// Every post to `channel` fails with `error` (e.g. `not_in_channel`).
    pub fn fail_channel(&self, channel: &str, error: &str) {
        self.state
            .channel_errors
            .lock()
            .unwrap()
            .insert(channel.into(), error.into());
    }

    /// Answers the next `times` calls of `method` with `fault`.
    pub fn fail_next(&self, method: &str, fault: Fault, times: usize) {
        self.state
            .faults
            .lock()
            .unwrap()
            .push((method.into(), fault, times));
    }

    /// This test provokes refusals on purpose.
    pub fn expect_refusals(&self) {
        self.state.refusals_expected.store(true, Ordering::SeqCst);
    }

    pub fn refused(&self) -> Vec<String> {
        self.state
            .refused
            .lock()
            .unwrap()
            .iter()
            .map(|(c, why)| format!("{}: {why}", c.method))
            .collect()
    }

    /// Every call the bot made for its work, in order: all but the
    /// start-up token check (`auth.test`, see [`SlackMock::calls_to`]), so a
    /// flow's calls read the same whenever that check lands.
    pub fn calls(&self) -> Vec<Call> {
        let calls = self.state.calls.lock().unwrap();
        calls
            .iter()
            .filter(|c| c.method != "auth.test")
            .cloned()
            .collect()
    }

    /// Calls of `method` (`response_url` for the sink), in order.
    pub fn calls_to(&self, method: &str) -> Vec<Call> {
        let calls = self.state.calls.lock().unwrap();
        calls
            .iter()
            .filter(|c| c.method == method)
            .cloned()
            .collect()
    }

    /// Messages in `channel`, in order, edits applied.
    pub fn messages_in(&self, channel: &str) -> Vec<Value> {
        self.state
            .messages
            .lock()
            .unwrap()
            .get(channel)
            .cloned()
            .unwrap_or_default()
    }

    /// Waits until `probe` finds something, re-checking whenever the mock changes.
    pub async fn wait_until<T>(&self, what: &str, probe: impl Fn() -> Option<T>) -> T {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let changed = self.state.changed.notified();
            if let Some(found) = probe() {
                return found;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            let seen: Vec<String> = self
                .calls()
                .iter()
                .map(|c| format!("{} {:?}", c.method, c.error))
                .collect();
            assert!(
                !left.is_zero(),
                "timed out waiting for {what}; calls: {seen:#?}"
            );
            let _ = tokio::time::timeout(left.min(Duration::from_millis(200)), changed).await;
        }
    }

    /// Waits for the `n`th (1-based) successful call of `method` satisfying `pred`.
    pub async fn wait_for(&self, method: &str, n: usize, pred: impl Fn(&Call) -> bool) -> Call {
        self.wait_until(&format!("{n} successful {method}"), || {
            let ok: Vec<Call> = self
                .calls_to(method)
                .into_iter()
                .filter(|c| c.error.is_none() && pred(c))
                .collect();
            ok.get(n - 1).cloned()
        })
        .await
    }
}

impl SlackState {
    pub(crate) fn record(
        &self,
        method: &str,
        body: &Value,
        token: Option<&str>,
        error: Option<String>,
    ) {
        let call = Call {
            method: method.into(),
            body: body.clone(),
            token: token.map(str::to_owned),
            error,
            at: Instant::now(),
        };
        self.calls.lock().unwrap().push(call);
        self.changed.notify_waiters();
    }

    pub(crate) fn refuse(
        &self,
        method: &str,
        body: &Value,
        token: Option<&str>,
        (code, why): Refusal,
    ) -> Response {
        let call = Call {
            method: method.into(),
            body: body.clone(),
            token: token.map(str::to_owned),
            error: Some(code.into()),
            at: Instant::now(),
        };
        self.refused.lock().unwrap().push((call, why));
        self.record(method, body, token, Some(code.into()));
        super::slack_routes::answer(StatusCode::OK, json!({"ok": false, "error": code}), None)
    }

    /// A Socket Mode frame real Slack would not accept.
    pub(crate) fn refuse_socket(&self, body: &Value, why: String) {
        let call = Call {
            method: "socket".into(),
            body: body.clone(),
            token: None,
            error: Some("invalid_ack".into()),
            at: Instant::now(),
        };
        self.refused.lock().unwrap().push((call, why));
        self.changed.notify_waiters();
    }

    pub(crate) fn fault(&self, method: &str) -> Option<Fault> {
        let mut faults = self.faults.lock().unwrap();
        let i = faults
            .iter()
            .position(|(m, _, left)| m == method && *left > 0)?;
        faults[i].2 -= 1;
        Some(faults[i].1.clone())
    }
}

/// Why a method did not succeed.
pub enum Outcome {
    /// The bot broke a rule: a bug in the bot.
    Refused(Refusal),
    /// A legitimate error (the channel's state): the bot must cope.
    Error(String),
}
