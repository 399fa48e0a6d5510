//! What the mock gateway remembers between connections, and Discord's
//! gateway rules it enforces. Each rule names its source:
//! - Source "close codes": <https://discord.com/developers/docs/topics/opcodes-and-status-codes#gateway-gateway-close-event-codes>
//! - Source "intents": <https://discord.com/developers/docs/events/gateway#gateway-intents>
//!   and #privileged-intents
//! - Source "sharding": <https://discord.com/developers/docs/events/gateway#sharding>
//! - Source "resuming": <https://discord.com/developers/docs/events/gateway#resuming>
//!   and the change log "Session-specific Gateway Resume URLs" (2022-08-09)
//! - Source "ready": <https://discord.com/developers/docs/events/gateway-events#ready>
//!   and #guild-create (lazy loading of guilds after READY)
//!
//! A session outlives its connections: dispatches are kept with their
//! sequence numbers, so a RESUME replays what the bot missed.

use super::discord_mock::{DiscordMock, Recorded};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::time::Instant;
use tokio::sync::mpsc;

/// Privileged intents: GUILD_MEMBERS (1<<1), GUILD_PRESENCES (1<<8),
/// MESSAGE_CONTENT (1<<15). (source: intents) "Privileged Intents".
pub const PRIVILEGED: u64 = (1 << 1) | (1 << 8) | (1 << 15);

/// Every documented intent bit: 0..=16, 20, 21, 24, 25. (source: intents) list.
pub const DOCUMENTED: u64 = 0x1_FFFF | (1 << 20) | (1 << 21) | (1 << 24) | (1 << 25);

/// Discord's cap of guilds per shard. (source: sharding) "Max guilds per shard 2500";
/// above it IDENTIFY closes with 4011. (source: close codes)
pub const MAX_GUILDS_PER_SHARD: usize = 2500;

/// What the mock sends to a live connection.
#[derive(Debug)]
pub enum Out {
    Frame(Value),
    Close(u16, &'static str),
}

/// One gateway session (READY to invalidation).
#[derive(Debug)]
pub struct Session {
    pub shard: u64,
    /// The shard count it identified with.
    pub total: u64,
    /// Every dispatch sent in this session; `sent[i]` has `s = i + 1`.
    pub sent: Vec<Value>,
    /// The connection currently carrying it: (connection id, its outbox).
    pub live: Option<(u64, mpsc::UnboundedSender<Out>)>,
}

/// The gateway's configuration and sessions.
#[derive(Debug)]
pub struct Gateway {
    /// What `GET /gateway/bot` recommends.
    pub shards: u64,
    /// Privileged intents enabled for the mock app (none by default).
    pub privileged_enabled: u64,
    pub max_guilds_per_shard: usize,
    /// The guilds the bot is in (READY lists them, GUILD_CREATE follows).
    pub guilds: Vec<String>,
    /// Refuse (op 9) a RESUME that does not arrive on `resume_gateway_url`.
    pub strict_resume_url: bool,
    /// Hold RESUMEs until released, so a test can push while disconnected.
    pub hold_resumes: bool,
    pub sessions: HashMap<String, Session>,
    /// Shard id → its current session id.
    pub current: HashMap<u64, String>,
    pub next_id: u64,
    /// RESUMEs received: (op 6 frame, whether on the resume URL, accepted).
    pub resumes: Vec<(Value, bool, bool)>,
    /// Close codes the gateway sent, in order.
    pub closes: Vec<u16>,
    /// Outboxes of connections told to reconnect: kept open, so only the
    /// client's reaction to op 7 ends them.
    pub parked: Vec<mpsc::UnboundedSender<Out>>,
}

impl Default for Gateway {
    fn default() -> Self {
        Self {
            shards: 1,
            privileged_enabled: 0,
            max_guilds_per_shard: MAX_GUILDS_PER_SHARD,
            guilds: vec![super::discord_events::GUILD.to_owned()],
            strict_resume_url: false,
            hold_resumes: false,
            sessions: HashMap::new(),
            current: HashMap::new(),
            next_id: 1,
            resumes: Vec::new(),
            closes: Vec::new(),
            parked: Vec::new(),
        }
    }
}

/// The shard a guild's events go to: `(guild_id >> 22) % num_shards`. (source: sharding)
pub fn shard_of(guild: &str, shards: u64) -> u64 {
    (guild.parse::<u64>().expect("a snowflake") >> 22) % shards.max(1)
}

impl Gateway {
    /// Checks an IDENTIFY; `Err` is the close code and reason Discord sends.
    pub fn check_identify(&self, d: &Value) -> Result<(u64, u64), (u16, &'static str)> {
        // Source "intents": `intents` is required in IDENTIFY (gateway v8+).
        let Some(intents) = d["intents"].as_u64() else {
            return Err((4013, "Invalid intent(s)."));
        };
        // Source "close codes": 4013 "an invalid intent ... incorrectly calculated the bitwise value".
        if intents & !DOCUMENTED != 0 {
            return Err((4013, "Invalid intent(s)."));
        }
        // Source "close codes": 4014 "a disallowed intent ... not enabled or not approved for";
        // source "intents": privileged intents must be enabled in the app's settings.
        if intents & PRIVILEGED & !self.privileged_enabled != 0 {
            return Err((4014, "Disallowed intent(s)."));
        }
        let (id, total) = match d["shard"].as_array().map(Vec::as_slice) {
            None => (0, 1),
            Some([id, total]) => (id.as_u64().unwrap_or(u64::MAX), total.as_u64().unwrap_or(0)),
            Some(_) => return Err((4010, "Invalid shard.")),
        };
        // Source "sharding": shard_id must be in [0, num_shards);
        // source "close codes": 4010 "an invalid shard when identifying".
        if total == 0 || id >= total {
            return Err((4010, "Invalid shard."));
        }
        if self.guilds_of(id, total).len() > self.max_guilds_per_shard {
            return Err((4011, "Sharding required."));
        }
        Ok((id, total))
    }

    /// The guilds shard `id` of `total` receives.
    pub fn guilds_of(&self, id: u64, total: u64) -> Vec<String> {
        let guilds = self.guilds.iter();
        guilds
            .filter(|g| shard_of(g, total) == id)
            .cloned()
            .collect()
    }

    /// Starts a session for shard `id`; returns its id.
    pub fn open(&mut self, id: u64, total: u64) -> String {
        let sid = format!("mock-session-{}", self.next_id);
        self.next_id += 1;
        let s = Session {
            shard: id,
            total,
            sent: Vec::new(),
            live: None,
        };
        self.sessions.insert(sid.clone(), s);
        self.current.insert(id, sid.clone());
        sid
    }

    /// Sends a dispatch in session `sid` with its next sequence number; if
    /// no connection carries the session, it waits there for a RESUME.
    pub fn dispatch(&mut self, sid: &str, mut frame: Value) {
        let Some(s) = self.sessions.get_mut(sid) else {
            return;
        };
        frame["s"] = json!(s.sent.len() + 1);
        s.sent.push(frame.clone());
        if let Some((_, out)) = &s.live {
            let _ = out.send(Out::Frame(frame));
        }
    }

    /// Sends `out` to the connection of shard `id`'s session.
    pub fn tell(&mut self, id: u64, out: Out) -> bool {
        let Some(sid) = self.current.get(&id) else {
            return false;
        };
        let Some((_, tx)) = self.sessions.get(sid).and_then(|s| s.live.as_ref()) else {
            return false;
        };
        tx.send(out).is_ok()
    }
}

impl DiscordMock {
    /// Runs `f` on the gateway state. It does not wake [`DiscordMock::wait_until`]
    /// (probes call it: waking there would spin a current-thread runtime).
    pub fn gateway<T>(&self, f: impl FnOnce(&mut super::discord_sessions::Gateway) -> T) -> T {
        f(&mut self.state.gateway.lock().unwrap())
    }

    /// Records a gateway refusal (a close code), failing the test on drop
    /// unless refusals are expected.
    pub(crate) fn refuse_gateway(state: &super::discord_mock::MockState, frame: &Value, code: u16) {
        state.gateway.lock().unwrap().closes.push(code);
        let mut body = frame.clone();
        body["d"]["token"] = json!("[redacted]");
        state.refused.lock().unwrap().push(Recorded {
            method: "GATEWAY".into(),
            path: format!("/ws op {}", frame["op"]),
            body,
            status: code,
            at: Instant::now(),
        });
        state.changed.notify_waiters();
    }

    /// Tells shard `id`'s session to reconnect (op 7, source "resuming": the
    /// client should reconnect and resume) and treats it as disconnected at
    /// once: what is pushed next waits for the RESUME. The old socket stays
    /// open, so only the client's reaction to op 7 moves it.
    pub fn send_reconnect(&self, id: u64) {
        self.gateway(|g| {
            assert!(g.tell(id, Out::Frame(json!({"op": 7, "d": null}))));
            let sid = g.current[&id].clone();
            let live = g.sessions.get_mut(&sid).unwrap().live.take();
            g.parked.extend(live.map(|(_, tx)| tx));
        });
    }

    /// Invalidates shard `id`'s session (op 9, d=false): it cannot resume.
    pub fn invalidate_session(&self, id: u64) {
        self.gateway(|g| {
            assert!(g.tell(id, Out::Frame(json!({"op": 9, "d": false}))));
            let sid = g.current.remove(&id).unwrap();
            g.sessions.remove(&sid);
        });
    }

    /// Lets held RESUMEs through.
    pub fn release_resumes(&self) {
        self.gateway(|g| g.hold_resumes = false);
    }

    /// The current session id of shard `id`, once there is one.
    pub async fn session_of(&self, id: u64) -> String {
        self.wait_until("a session for the shard", || {
            self.gateway(|g| g.current.get(&id).cloned())
        })
        .await
    }

    /// The RESUMEs the gateway accepted.
    pub fn accepted_resumes(&self) -> Vec<Value> {
        let all = self.gateway(|g| g.resumes.clone());
        all.into_iter().filter(|r| r.2).map(|r| r.0).collect()
    }
}
