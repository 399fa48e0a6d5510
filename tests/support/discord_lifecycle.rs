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
//! - a modal (type 9) in reply to a modal submit, and an UPDATE_MESSAGE
//!   (type 7) in reply to anything but a component click: 400, 50035;
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
        let invalid = match kind {
            9 => p.kind == 5 || p.kind == 4,
            6 | 7 => p.kind != 3 && p.kind != 5,
            8 => p.kind != 4,
            _ => p.kind == 4,
        };
        if invalid {
            let body = json!({"code": 50035, "message": "Invalid Form Body",
                "errors": {"type": {"_errors": [{"code": "INTERACTION_RESPONSE_TYPE_INVALID",
                    "message": format!("Interaction response type {kind} is not valid for interaction type {}", p.kind)}]}}});
            return Some((400, body));
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

    pub(crate) fn webhook(&self, token: &str) -> Option<Refusal> {
        let limit = self.lifetimes.lock().unwrap().token;
        let all = self.interactions.lock().unwrap();
        let p = all.values().find(|p| p.token == token)?;
        if p.answered.is_none() {
            return Some(error(404, 10015, "Unknown Webhook"));
        }
        if p.at.elapsed() > limit {
            return Some(error(401, 50027, "Invalid Webhook Token"));
        }
        None
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
