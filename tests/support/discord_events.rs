//! Gateway events for the tests, built from the pinned fixtures in
//! `tests/fixtures/discord/`. Every event is checked against serenity's own
//! `Interaction` type before it is sent, so a field the tests change cannot
//! drift from what serenity accepts.

use serde_json::{json, Value};
use serenity::all::{Event, GatewayEvent, Interaction};
use std::sync::atomic::{AtomicU64, Ordering};

/// The test guild and channel of the fixtures.
pub const GUILD: &str = "800000000000000001";
pub const CHANNEL: &str = "810000000000000001";

/// Permission bits (as Discord sends them, a decimal string).
pub const MANAGE_GUILD: u64 = 1 << 5;

/// A fixture file's JSON.
pub fn fixture(name: &str) -> Value {
    let path = format!(
        "{}/tests/fixtures/discord/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The bot's user object, as `GET /users/@me` returns it.
pub fn bot_user() -> Value {
    fixture("ready")["d"]["user"].clone()
}

/// Who is clicking or typing.
#[derive(Debug, Clone)]
pub struct Member {
    pub id: String,
    pub name: String,
    pub admin: bool,
}

impl Member {
    pub fn new(id: u64, name: &str) -> Self {
        Self {
            id: id.to_string(),
            name: name.to_owned(),
            admin: false,
        }
    }
    pub fn admin(id: u64, name: &str) -> Self {
        Self {
            admin: true,
            ..Self::new(id, name)
        }
    }
}

/// An INTERACTION_CREATE frame plus the id and token its replies go to.
#[derive(Debug, Clone)]
pub struct Pushed {
    pub frame: Value,
    pub id: String,
    pub token: String,
}

impl Pushed {
    /// The path of this interaction's initial response.
    pub fn callback_path(&self) -> String {
        format!("/interactions/{}/{}/callback", self.id, self.token)
    }
    /// The path prefix of this interaction's followups and `@original` edits.
    pub fn webhook_path(&self) -> String {
        format!("/webhooks/{}/{}", super::discord_mock::APP_ID, self.token)
    }
}

static NEXT: AtomicU64 = AtomicU64::new(700_000_000_000_100_000);

fn build(template: &str, who: &Member, channel: &str, data: Value) -> Pushed {
    let id = NEXT.fetch_add(1, Ordering::SeqCst).to_string();
    let token = format!("tok-{id}");
    let mut frame = fixture(template);
    let d = &mut frame["d"];
    d["id"] = json!(id);
    d["token"] = json!(token);
    d["channel_id"] = json!(channel);
    if d.get("channel").is_some() {
        d["channel"]["id"] = json!(channel);
    }
    d["member"]["user"]["id"] = json!(who.id);
    d["member"]["user"]["username"] = json!(who.name.to_lowercase());
    d["member"]["user"]["global_name"] = json!(who.name);
    let perms = if who.admin { MANAGE_GUILD } else { 0 };
    d["member"]["permissions"] = json!(perms.to_string());
    d["data"] = data;
    pinned(&frame);
    Pushed { frame, id, token }
}

/// Panics unless `frame` is an INTERACTION_CREATE serenity can read.
pub fn pinned(frame: &Value) -> Interaction {
    match serde_json::from_value::<GatewayEvent>(frame.clone()) {
        Ok(GatewayEvent::Dispatch(_, Event::InteractionCreate(e))) => e.interaction,
        Ok(other) => panic!("not an INTERACTION_CREATE: {other:?}"),
        Err(e) => panic!("serenity cannot read this event ({e}): {frame:#}"),
    }
}

/// A string option.
pub fn s(name: &str, value: &str) -> Value {
    json!({"name": name, "type": 3, "value": value})
}

/// An integer option.
pub fn i(name: &str, value: i64) -> Value {
    json!({"name": name, "type": 4, "value": value})
}

/// A subcommand holding `options`.
pub fn sub(name: &str, options: Vec<Value>) -> Value {
    json!({"name": name, "type": 1, "options": options})
}

/// A channel option (type 7); [`slash`] adds it to `resolved`.
pub fn ch(name: &str, channel: &str) -> Value {
    json!({"name": name, "type": 7, "value": channel})
}

/// An attachment option (type 11); [`slash`] adds it to `resolved` with
/// `url` as where to download it.
pub fn file(name: &str, filename: &str, url: &str, size: usize) -> Value {
    json!({"name": name, "type": 11, "value": "300000000000000001",
           "_file": {"id": "300000000000000001", "filename": filename, "size": size, "url": url, "proxy_url": url}})
}

/// A choice option of a poise `ChoiceParameter`: the choice's index.
pub fn choice(name: &str, index: i64) -> Value {
    json!({"name": name, "type": 4, "value": index})
}

/// `/name options...` typed by `who` in `channel`. Channel options are
/// resolved the way Discord sends them.
pub fn slash(name: &str, options: Vec<Value>, who: &Member, channel: &str) -> Pushed {
    let mut channels = serde_json::Map::new();
    resolve_channels(&options, &mut channels);
    let mut attachments = serde_json::Map::new();
    let options = take_files(options, &mut attachments);
    let mut data = json!({"id": "500000000000000001", "name": name, "type": 1, "options": options});
    data["resolved"] = json!({ "channels": channels, "attachments": attachments });
    build("interaction_command", who, channel, data)
}

/// Moves each attachment option's file into `resolved.attachments`.
fn take_files(options: Vec<Value>, out: &mut serde_json::Map<String, Value>) -> Vec<Value> {
    options
        .into_iter()
        .map(|mut o| {
            if let Some(f) = o.as_object_mut().and_then(|m| m.remove("_file")) {
                out.insert(f["id"].as_str().unwrap().to_owned(), f);
            }
            if let Some(nested) = o.get_mut("options").map(Value::take) {
                let nested = nested.as_array().cloned().unwrap_or_default();
                o["options"] = Value::Array(take_files(nested, out));
            }
            o
        })
        .collect()
}

fn resolve_channels(options: &[Value], out: &mut serde_json::Map<String, Value>) {
    for o in options {
        if o["type"] == 7 {
            let id = o["value"].as_str().expect("channel id").to_owned();
            let c = json!({"id": id, "name": format!("chan-{id}"), "type": 0, "permissions": "2147483647"});
            out.insert(id, c);
        }
        if let Some(nested) = o["options"].as_array() {
            resolve_channels(nested, out);
        }
    }
}

/// `/name` with its focused option partially typed, for autocomplete.
pub fn autocomplete(name: &str, options: Vec<Value>, who: &Member) -> Pushed {
    let data = json!({"id": "500000000000000001", "name": name, "type": 1, "options": options});
    build("interaction_autocomplete", who, CHANNEL, data)
}

/// A click on the button `custom_id` of message `message_id`.
pub fn button(custom_id: &str, message_id: &str, who: &Member, channel: &str) -> Pushed {
    let mut p = build(
        "interaction_button",
        who,
        channel,
        json!({"custom_id": custom_id, "component_type": 2}),
    );
    p.frame["d"]["message"]["id"] = json!(message_id);
    p.frame["d"]["message"]["channel_id"] = json!(channel);
    pinned(&p.frame);
    p
}

/// A modal submit with one text field.
pub fn modal(custom_id: &str, field: &str, value: &str, who: &Member, channel: &str) -> Pushed {
    let data = json!({
        "custom_id": custom_id,
        "components": [{"type": 1, "components": [{"type": 4, "custom_id": field, "value": value}]}],
    });
    build("interaction_modal", who, channel, data)
}

/// The members the Discord tests play.
pub fn ada() -> Member {
    Member::new(600_000_000_000_000_001, "Ada")
}

pub fn grace() -> Member {
    Member::new(600_000_000_000_000_002, "Grace")
}

/// A server admin (Manage Server).
pub fn lead() -> Member {
    Member::admin(600_000_000_000_000_009, "Lead")
}

/// `h:m` UTC on the tests' day, Tuesday 24 Nov 2026.
pub fn at(h: u32, m: u32) -> chrono::DateTime<chrono::Utc> {
    use chrono::TimeZone;
    chrono::Utc.with_ymd_and_hms(2026, 11, 24, h, m, 0).unwrap()
}

/// `/daily setup` for `channel` at 09:00 UTC, reveal 17:00, typed in `CHANNEL`.
pub fn daily_setup(who: &Member, channel: &str) -> Pushed {
    let opts = vec![
        ch("channel", channel),
        s("time", "09:00"),
        s("timezone", "UTC"),
        s("reveal", "17:00"),
    ];
    slash("daily", vec![sub("setup", opts)], who, CHANNEL)
}
