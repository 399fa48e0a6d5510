//! The mock's REST routes under `/api/v10`: gateway discovery, command
//! registration, interaction callbacks and webhooks, channel messages (with
//! Discord's `enforce_nonce` de-duplication) and threads; plus scripted faults.

use super::discord_limits::fault_response;
use super::discord_mock::{Fault, MockState, Recorded, APP_ID};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Instant;

impl MockState {
    pub(crate) fn record(&self, method: &Method, path: &str, body: Value, status: u16) {
        self.record_at(method, path, body, status, Instant::now());
    }

    /// Records a request as arrived `at` (when the global limit counted it).
    pub(crate) fn record_at(
        &self,
        method: &Method,
        path: &str,
        body: Value,
        status: u16,
        at: Instant,
    ) {
        self.requests.lock().unwrap().push(Recorded {
            method: method.to_string(),
            path: path.to_owned(),
            body,
            status,
            at,
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

pub async fn rest(
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
    if let Some(name) = path.strip_prefix("/attachments/") {
        let file = state.attachments.lock().unwrap().get(name).cloned();
        state.record(
            &method,
            &path,
            Value::Null,
            if file.is_some() { 200 } else { 404 },
        );
        return match file {
            Some(bytes) => (StatusCode::OK, bytes).into_response(),
            None => StatusCode::NOT_FOUND.into_response(),
        };
    }
    let at = match state.over_global(&method, &path, &body) {
        Ok(at) => at,
        Err(over) => return *over,
    };
    if let Some(too_early) = state.too_early(&method, &path, &body, at) {
        return too_early;
    }
    let fault = state.take_fault(&method, &path);
    if let Some(fault) = fault.as_ref().filter(|f| !matches!(f, Fault::LostAnswer)) {
        if let Fault::RateLimited {
            retry_after,
            global,
        } = *fault
        {
            state.limit(&method, &path, retry_after, global);
        }
        let response = fault_response(&path, fault);
        state.record_at(&method, &path, body, response.status().as_u16(), at);
        return response;
    }
    let body = match check(&state, &method, &path, body) {
        Ok(body) => body,
        Err((status, reply, refusal)) => {
            state.record_at(&method, &path, reply.0.clone(), status, at);
            if refusal {
                let mut r = state.requests.lock().unwrap().last().cloned().unwrap();
                r.body = json!({"sent": reply.0, "answer": reply.1});
                state.refused.lock().unwrap().push(r);
            }
            let status = StatusCode::from_u16(status).unwrap();
            return (status, axum::Json(reply.1)).into_response();
        }
    };
    let (status, reply) = route(&state, &method, (&path, uri.query()), &body);
    if fault.is_some() {
        state.record_at(&method, &path, body, 500, at);
        return fault_response(&path, &Fault::ServerError);
    }
    state.record_at(&method, &path, body, status.as_u16(), at);
    match reply {
        Some(v) => (status, axum::Json(v)).into_response(),
        None => status.into_response(),
    }
}

/// Why a request is refused: status, (sent body, answer), and whether it is
/// the bot's mistake (a refusal the test fails on) rather than the state of
/// the channel.
type Refused = (u16, (Value, Value), bool);

/// Applies Discord's rules (`discord_rules.rs`, `discord_lifecycle.rs`):
/// the body to route (embeds dropped without Embed Links), or the refusal.
fn check(
    state: &MockState,
    method: &Method,
    path: &str,
    mut body: Value,
) -> Result<Value, Refused> {
    use super::discord_rules as rules;
    let seg: Vec<&str> = path.trim_matches('/').split('/').collect();
    let mut v = rules::Violations::default();
    let lifecycle = match (method.as_str(), seg.as_slice()) {
        ("PUT", ["applications", .., "commands"]) => {
            rules::commands(&body, &mut v);
            None
        }
        ("POST", ["interactions", id, _, "callback"]) => {
            rules::callback(&body, &mut v);
            if v.is_empty() {
                state.initial_response(id, &body)
            } else {
                None
            }
        }
        ("POST", ["webhooks", _, token]) => {
            rules::message(&body, "", &mut v);
            state.webhook(token, None)
        }
        ("PATCH", ["webhooks", _, token, "messages", id]) => {
            rules::message(&body, "", &mut v);
            state.webhook(token, Some(id))
        }
        ("GET" | "DELETE", ["webhooks", _, token, "messages", id]) => {
            state.webhook(token, Some(id))
        }
        ("PUT" | "DELETE", ["guilds", guild, "members", user, "roles", role]) => {
            if let Some((status, answer, mistake)) =
                super::discord_roles::refuse_change(state, guild, user, role)
            {
                return Err((status, (body, answer), mistake));
            }
            None
        }
        ("GET", ["channels", channel, "messages"]) => {
            if let Err((status, answer)) = state.channel_access(channel, false, false) {
                return Err((status, (body, answer), false));
            }
            None
        }
        ("POST" | "PATCH", ["channels", channel, "messages", ..]) => {
            let post = seg.len() == 3;
            let threads = seg.last() == Some(&"threads");
            if !threads {
                rules::message(&body, "", &mut v);
            }
            match state.channel_access(channel, post, threads) {
                Err((status, answer)) => return Err((status, (body, answer), false)),
                Ok(false) if body.get("embeds").is_some() => {
                    body.as_object_mut().unwrap().remove("embeds");
                    None
                }
                Ok(_) => None,
            }
        }
        _ => None,
    };
    if !v.is_empty() {
        let answer = v.body();
        return Err((400, (body, answer), true));
    }
    match lifecycle {
        Some((status, answer)) => Err((status, (body, answer), true)),
        None => Ok(body),
    }
}

fn route(
    state: &MockState,
    method: &Method,
    (path, query): (&str, Option<&str>),
    body: &Value,
) -> (StatusCode, Option<Value>) {
    let seg: Vec<&str> = path.trim_matches('/').split('/').collect();
    let ws = format!(
        "{}/ws",
        state.base.lock().unwrap().replace("http://", "ws://")
    );
    match (method.as_str(), seg.as_slice()) {
        ("GET", ["gateway"]) => (StatusCode::OK, Some(json!({ "url": ws }))),
        ("GET", ["gateway", "bot"]) => {
            let shards = state.gateway.lock().unwrap().shards;
            (StatusCode::OK, Some(gateway_bot(&ws, shards)))
        }
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
        // A follow-up is a message in the interaction's channel; "0" is no
        // snowflake, and serenity rightly refuses to parse it.
        ("POST", ["webhooks", _, token])
        | ("PATCH" | "GET" | "DELETE", ["webhooks", _, token, "messages", _]) => {
            let channel = state
                .channel_of_token(token)
                .unwrap_or_else(|| super::discord_events::CHANNEL.to_owned());
            let mut m = message(state, &channel, body, None);
            state.delivered(token, method.as_str(), seg.get(4).copied(), &mut m);
            match method.as_str() {
                "DELETE" => (StatusCode::NO_CONTENT, None),
                _ => (StatusCode::OK, Some(m)),
            }
        }
        ("DELETE", ["webhooks", ..]) => (StatusCode::NO_CONTENT, None),
        ("POST", ["channels", channel, "messages"]) => {
            (StatusCode::OK, Some(create_message(state, channel, body)))
        }
        ("GET", ["channels", channel, "messages"]) => recent_messages(state, channel, query),
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
        ("GET", ["guilds", guild, "roles"]) => (
            StatusCode::OK,
            Some(super::discord_roles::list(state, guild)),
        ),
        ("GET", ["guilds", _, "members", user]) => {
            match super::discord_roles::member(state, user) {
                Some(m) => (StatusCode::OK, Some(m)),
                None => (
                    StatusCode::NOT_FOUND,
                    Some(json!({"message": "Unknown Member", "code": 10007})),
                ),
            }
        }
        ("PUT" | "DELETE", ["guilds", _, "members", user, "roles", role]) => {
            super::discord_roles::change(state, method.as_str(), user, role);
            (StatusCode::NO_CONTENT, None)
        }
        ("POST", ["users", "@me", "channels"]) => dm_channel(body),
        _ => (
            StatusCode::NOT_FOUND,
            Some(json!({"message": "404: Not Found (mock)", "code": 0})),
        ),
    }
}

/// Create DM: `recipient_id` must be a snowflake string; the same person
/// always gets the same DM channel, as on Discord.
fn dm_channel(body: &Value) -> (StatusCode, Option<Value>) {
    let Some(user) = body["recipient_id"]
        .as_str()
        .filter(|id| id.parse::<u64>().is_ok())
    else {
        return (
            StatusCode::BAD_REQUEST,
            Some(json!({"message": "Invalid Form Body", "code": 50035,
                "errors": {"recipient_id": {"_errors": [{"code": "NUMBER_TYPE_COERCE", "message": "Value is not snowflake."}]}}})),
        );
    };
    let id = format!("9{}", &user[1..]);
    (
        StatusCode::OK,
        Some(json!({"id": id, "type": 1, "recipients": [{"id": user, "username": "someone"}]})),
    )
}

/// Get Channel Messages: newest first, `limit` 1..=100 (default 50). Without
/// Read Message History Discord answers with no messages rather than an
/// error.
fn recent_messages(
    state: &MockState,
    channel: &str,
    query: Option<&str>,
) -> (StatusCode, Option<Value>) {
    let limit = query
        .unwrap_or_default()
        .split('&')
        .find_map(|kv| kv.strip_prefix("limit="))
        .map_or(Ok(50), str::parse::<usize>);
    let Ok(limit @ 1..=100) = limit else {
        return (
            StatusCode::BAD_REQUEST,
            Some(json!({"message": "Invalid Form Body", "code": 50035,
                "errors": {"limit": {"_errors": [{"code": "NUMBER_TYPE_MAX", "message": "int value should be between 1 and 100."}]}}})),
        );
    };
    if !state.can_read_history(channel) {
        return (StatusCode::OK, Some(json!([])));
    }
    let all = state.messages.lock().unwrap();
    let newest: Vec<Value> = all
        .get(channel)
        .map(|m| m.iter().rev().take(limit).cloned().collect())
        .unwrap_or_default();
    (StatusCode::OK, Some(Value::Array(newest)))
}

/// `shards` is Discord's recommendation; serenity's `start_autosharded`
/// opens that many sessions.
fn gateway_bot(ws: &str, shards: u64) -> Value {
    json!({
        "url": ws,
        "shards": shards,
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
        let key = (channel.to_owned(), n.clone());
        let lifetime = state.lifetimes.lock().unwrap().nonce;
        let fresh = state
            .nonce_times
            .lock()
            .unwrap()
            .get(&key)
            .is_some_and(|at| at.elapsed() <= lifetime);
        if !fresh {
            state.nonces.lock().unwrap().remove(&key);
        }
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
            .nonce_times
            .lock()
            .unwrap()
            .insert((channel.to_owned(), n.clone()), Instant::now());
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
