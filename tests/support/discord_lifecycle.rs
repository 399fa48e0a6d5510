//! The mock's memory of what real Discord remembers: each pushed
//! interaction (its type, when it was pushed, how it was first answered) and
//! each channel (its type and the bot's permissions there). From these it
//! refuses what Discord refuses:
//!
//! - a second initial response: 400, code 40060 "Interaction has already
//!   been acknowledged";
//! - an initial response more than 3 s after the push: 404, code 10062
//!   "Unknown interaction";
//! - a followup or `@original` edit before any initial response (404, 10015
//!   "Unknown Webhook") or after the token's 15 minutes (401, 50027
//!   "Invalid Webhook Token");
//! - `@original` when there is none (the response was a modal or
//!   autocomplete choices) or it was deleted: 404, 10008 "Unknown Message";
//! - a response type the interaction does not take (400, 50035): a command
//!   takes 4, 5 and 9; a component 4 to 7 and 9; autocomplete only 8; a
//!   modal submit 4 and 5, and 6 or 7 only when the form was opened from a
//!   message's button (there is no message to update otherwise).
//!
//! It also keeps what the person sees ([`MockState::seen`]): a deferred
//! reply's visibility is fixed by the deferral (an edit cannot change the
//! ephemeral flag, and the first followup replaces the "thinking" message
//! with the deferral's visibility, as Discord does); after a deferred or
//! immediate update, `@original` is the clicked message.
//! - in a channel: 404 10003 when unknown, 403 50001 without View Channel,
//!   403 50013 without Send Messages, 400 50008 in a forum or category or
//!   voice channel, 403 50013 for a thread without Create Public Threads;
//!   embeds are dropped when Embed Links is missing.

use super::discord_mock::MockState;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

/// One pushed interaction.
#[derive(Debug, Clone)]
pub struct Pending {
    /// Discord's interaction type: 2 command, 3 component, 4 autocomplete,
    /// 5 modal submit.
    pub kind: u64,
    pub token: String,
    /// The channel it came from: Discord's follow-up messages carry it.
    pub channel: String,
    pub at: Instant,
    /// The type of the accepted initial response.
    pub answered: Option<u64>,
    /// The flags of the message the interaction came from (a button's
    /// message, or the message whose button opened the form).
    pub message_flags: Option<u64>,
    /// The interaction's `@original` message.
    pub original: Original,
    /// The messages the response and followups made, as shown (flags as
    /// Discord applies them); `@original` edits replace their message.
    pub seen: Vec<Value>,
    /// Where `@original` is in `seen`, once it is a message there.
    pub slot: Option<usize>,
}

/// The state of an interaction's `@original` message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Original {
    /// Not answered yet, or answered with a modal or autocomplete choices.
    None,
    /// A deferred reply, "thinking", with the deferral's flags.
    Loading(u64),
    /// A message with these flags (at `seen[0]`, or the clicked message).
    Shown(u64),
    Deleted,
}

/// How long things live, shortened in tests.
#[derive(Debug, Clone)]
pub struct Lifetimes {
    pub initial_response: Duration,
    pub token: Duration,
    pub nonce: Duration,
}

impl Default for Lifetimes {
    fn default() -> Self {
        Self {
            initial_response: Duration::from_secs(3),
            token: Duration::from_secs(15 * 60),
            nonce: Duration::from_secs(5 * 60),
        }
    }
}

/// A channel the mock knows: its type and the bot's permissions in it.
#[derive(Debug, Clone, Copy)]
pub struct Channel {
    pub kind: u64,
    pub permissions: u64,
}

pub const VIEW_CHANNEL: u64 = 1 << 10;
pub const SEND_MESSAGES: u64 = 1 << 11;
pub const EMBED_LINKS: u64 = 1 << 14;
pub const CREATE_PUBLIC_THREADS: u64 = 1 << 35;
pub const SEND_MESSAGES_IN_THREADS: u64 = 1 << 38;
pub const READ_MESSAGE_HISTORY: u64 = 1 << 16;
/// Everything prepbot's invite asks for.
pub const ALL_NEEDED: u64 = VIEW_CHANNEL
    | SEND_MESSAGES
    | EMBED_LINKS
    | READ_MESSAGE_HISTORY
    | CREATE_PUBLIC_THREADS
    | SEND_MESSAGES_IN_THREADS;

/// Whether Discord takes response type `response` for an interaction of
/// type `kind` (`from_message`: a modal submit whose form a message's
/// button opened).
fn allowed(kind: u64, from_message: bool, response: u64) -> bool {
    match (kind, response) {
        (2, 4 | 5 | 9) | (3, 4..=7 | 9) | (4, 8) | (5, 4 | 5) => true,
        (5, 6 | 7) => from_message,
        _ => false,
    }
}

/// A refusal: status and Discord's body.
pub type Refusal = (u16, Value);

fn error(status: u16, code: u64, message: &str) -> Refusal {
    (status, json!({"code": code, "message": message}))
}

impl MockState {
    /// Remembers an INTERACTION_CREATE frame being pushed.
    pub(crate) fn pushed(&self, frame: &Value) {
        if frame["t"] != "INTERACTION_CREATE" {
            return;
        }
        let d = &frame["d"];
        let (Some(id), Some(token)) = (d["id"].as_str(), d["token"].as_str()) else {
            return;
        };
        let pending = Pending {
            kind: d["type"].as_u64().unwrap_or(0),
            token: token.to_owned(),
            channel: d["channel_id"]
                .as_str()
                .or_else(|| d["channel"]["id"].as_str())
                .unwrap_or_default()
                .to_owned(),
            at: Instant::now(),
            answered: None,
            message_flags: d.get("message").map(|m| m["flags"].as_u64().unwrap_or(0)),
            original: Original::None,
            seen: vec![],
            slot: None,
        };
        self.interactions
            .lock()
            .unwrap()
            .insert(id.to_owned(), pending);
    }

    /// Checks an initial response; records it when accepted.
    pub(crate) fn initial_response(&self, id: &str, body: &Value) -> Option<Refusal> {
        let limit = self.lifetimes.lock().unwrap().initial_response;
        let mut all = self.interactions.lock().unwrap();
        // Interactions the test did not push through `push` are not checked.
        let p = all.get_mut(id)?;
        if p.answered.is_some() {
            return Some(error(
                400,
                40060,
                "Interaction has already been acknowledged.",
            ));
        }
        if p.at.elapsed() > limit {
            return Some(error(404, 10062, "Unknown interaction"));
        }
        let kind = body["type"].as_u64().unwrap_or(0);
        if !allowed(p.kind, p.message_flags.is_some(), kind) {
            let body = json!({"code": 50035, "message": "Invalid Form Body",
                "errors": {"type": {"_errors": [{"code": "INTERACTION_RESPONSE_TYPE_INVALID",
                    "message": format!("Interaction response type {kind} is not valid for interaction type {}", p.kind)}]}}});
            return Some((400, body));
        }
        let flags = body["data"]["flags"].as_u64().unwrap_or(0);
        p.original = match kind {
            4 => Original::Shown(flags),
            5 => Original::Loading(flags),
            6 | 7 => Original::Shown(p.message_flags.unwrap_or(0)),
            _ => Original::None,
        };
        if let (4 | 7, Original::Shown(flags)) = (kind, p.original) {
            p.seen.push(json!({"flags": flags, "data": body["data"]}));
            p.slot = Some(p.seen.len() - 1);
        }
        p.answered = Some(kind);
        None
    }

    /// Checks a followup or `@original` request under `token`.
    /// The channel of the interaction whose token is `token`, for the
    /// follow-up messages the mock answers with.
    pub(crate) fn channel_of_token(&self, token: &str) -> Option<String> {
        let all = self.interactions.lock().unwrap();
        let p = all.values().find(|p| p.token == token)?;
        (!p.channel.is_empty()).then(|| p.channel.clone())
    }

    /// Checks a followup (`message` None) or a request on a message of
    /// the interaction under `token`.
    pub(crate) fn webhook(&self, token: &str, message: Option<&str>) -> Option<Refusal> {
        let limit = self.lifetimes.lock().unwrap().token;
        let all = self.interactions.lock().unwrap();
        let p = all.values().find(|p| p.token == token)?;
        if p.answered.is_none() {
            return Some(error(404, 10015, "Unknown Webhook"));
        }
        if p.at.elapsed() > limit {
            return Some(error(401, 50027, "Invalid Webhook Token"));
        }
        let gone = matches!(p.original, Original::None | Original::Deleted);
        if message == Some("@original") && gone {
            return Some(error(404, 10008, "Unknown Message"));
        }
        None
    }

    /// Applies an accepted followup (`message` None) or `@original`
    /// request to what the person sees; `m` (the message the mock answers
    /// with) gets the flags Discord gives it.
    pub(crate) fn delivered(
        &self,
        token: &str,
        method: &str,
        message: Option<&str>,
        m: &mut Value,
    ) {
        let mut all = self.interactions.lock().unwrap();
        let Some(p) = all.values_mut().find(|p| p.token == token) else {
            return;
        };
        let original = message == Some("@original");
        let flags = match (original, p.original) {
            // The first followup replaces the "thinking" message, keeping
            // the deferral's visibility; an edit cannot change it either.
            (_, Original::Loading(f)) | (true, Original::Shown(f)) => f,
            _ => m["flags"].as_u64().unwrap_or(0),
        };
        m["flags"] = json!(flags);
        let shown = json!({"flags": flags, "data": m.clone()});
        let replaces = original || matches!(p.original, Original::Loading(_));
        match (method, p.slot) {
            ("GET", _) => {}
            ("DELETE", Some(i)) if original => {
                p.seen[i] = Value::Null;
                p.slot = None;
                p.original = Original::Deleted;
            }
            ("DELETE", None) if original => p.original = Original::Deleted,
            (_, Some(i)) if replaces => p.seen[i] = shown,
            _ => {
                p.seen.push(shown);
                if replaces {
                    p.slot = Some(p.seen.len() - 1);
                    p.original = Original::Shown(flags);
                }
            }
        }
    }

    /// What the person who sent the interaction under `token` sees: each
    /// message as `{"flags": .., "data": ..}`, `@original` first.
    pub fn seen(&self, token: &str) -> Vec<Value> {
        let all = self.interactions.lock().unwrap();
        all.values()
            .find(|p| p.token == token)
            .map(|p| p.seen.iter().filter(|m| !m.is_null()).cloned().collect())
            .unwrap_or_default()
    }

    /// Whether the bot may read `channel`'s earlier messages (unregistered
    /// channels are open).
    pub(crate) fn can_read_history(&self, channel: &str) -> bool {
        self.channels
            .lock()
            .unwrap()
            .get(channel)
            .is_none_or(|c| c.permissions & READ_MESSAGE_HISTORY != 0)
    }

    /// Checks a request on a channel's messages or threads; `Some(embeds
    /// allowed)` when it may go ahead. Unregistered channels are open.
    pub(crate) fn channel_access(
        &self,
        channel: &str,
        post: bool,
        thread: bool,
    ) -> Result<bool, Refusal> {
        let Some(c) = self.channels.lock().unwrap().get(channel).copied() else {
            return Ok(true);
        };
        if c.kind == u64::MAX {
            return Err(error(404, 10003, "Unknown Channel"));
        }
        if c.permissions & VIEW_CHANNEL == 0 {
            return Err(error(403, 50001, "Missing Access"));
        }
        if post && matches!(c.kind, 2 | 4 | 13 | 15 | 16) {
            return Err(error(
                400,
                50008,
                "Cannot send messages in a non-text channel",
            ));
        }
        if post && c.permissions & SEND_MESSAGES == 0 {
            return Err(error(403, 50013, "Missing Permissions"));
        }
        if thread && c.permissions & CREATE_PUBLIC_THREADS == 0 {
            return Err(error(403, 50013, "Missing Permissions"));
        }
        Ok(c.permissions & EMBED_LINKS != 0)
    }
}
