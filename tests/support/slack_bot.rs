//! The real bot (engine over a fresh PostgreSQL database, scheduler, the
//! HTTP server with Slack's endpoints) wired to a [`SlackMock`], with a
//! manual clock the tests move, and a driver that signs form and JSON
//! bodies the way Slack does and posts them to the bot's endpoints.

use super::slack_methods::GOOD_CODE;
use super::slack_mock::{SlackMock, APP_TOKEN, BOT_TOKEN};
use chrono::{DateTime, Utc};
use prepbot::app::{self, Running, Serve};
use prepbot::bank::load_dir;
use prepbot::delivery::SchedulerConfig;
use prepbot::domain::clock::{Clock, ManualClock};
use prepbot::engine::Engine;
use prepbot::frontends::slack::config::OAuthConfig;
use prepbot::frontends::slack::{verify, SlackConfig};
use prepbot::grading::Grading;
use prepbot::storage::Store;
use serde_json::{json, Value};
use sqlx::PgPool;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

/// The signing secret the bot is configured with.
pub const SECRET: &str = "mock-signing-secret";
pub const TEAM: &str = "T0TEAM";
pub const CHANNEL: &str = "C0DAILY";
pub const CLIENT_ID: &str = "1111.2222";
pub const CLIENT_SECRET: &str = "mock-client-secret";
/// 32 bytes, hex: the key that seals installed tokens.
pub const TOKEN_KEY: &str = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

/// A bot under test.
pub struct SlackHarness {
    pub mock: SlackMock,
    pub clock: Arc<ManualClock>,
    pub engine: Arc<Engine>,
    pub pool: PgPool,
    pub addr: SocketAddr,
    client: reqwest::Client,
    bot: Option<Running>,
}

/// How a request is signed.
#[derive(Debug, Clone, Copy)]
pub enum Signing {
    Good,
    /// Signed with another secret.
    Forged,
    /// Signed correctly, this many seconds ago.
    Old(i64),
    Unsigned,
}

impl SlackHarness {
    pub async fn start(pool: PgPool, now: DateTime<Utc>) -> Self {
        Self::start_with(pool, now, false, false).await
    }

    /// [`SlackHarness::start`]; with `oauth`, workspaces install through
    /// OAuth v2 and there is no single-workspace token; with `socket`, the
    /// bot also connects in Socket Mode (and this waits until it has).
    pub async fn start_with(pool: PgPool, now: DateTime<Utc>, oauth: bool, socket: bool) -> Self {
        Self::start_configured(pool, now, oauth, socket, None).await
    }

    /// [`SlackHarness::start_with`]; `admin_group` is `SLACK_ADMIN_GROUP`.
    pub async fn start_configured(
        pool: PgPool,
        now: DateTime<Utc>,
        oauth: bool,
        socket: bool,
        admin_group: Option<&str>,
    ) -> Self {
        let token = (!oauth).then_some(BOT_TOKEN);
        Self::launch(pool, now, token, oauth, socket, admin_group).await
    }

    /// [`SlackHarness::start`] with `SLACK_BOT_TOKEN` set to `token` (one
    /// the mock does not know is refused with `invalid_auth`).
    pub async fn start_with_bot_token(pool: PgPool, now: DateTime<Utc>, token: &str) -> Self {
        Self::launch(pool, now, Some(token), false, false, None).await
    }

    async fn launch(
        pool: PgPool,
        now: DateTime<Utc>,
        bot_token: Option<&str>,
        oauth: bool,
        socket: bool,
        admin_group: Option<&str>,
    ) -> Self {
        let _ = tracing_subscriber::fmt()
            .with_env_filter("warn,prepbot=info")
            .with_test_writer()
            .try_init();
        let mock = SlackMock::start().await;
        let clock = Arc::new(ManualClock::new(now));
        let bank = Arc::new(
            load_dir(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bank"))
                .expect("test bank"),
        );
        let engine = Arc::new(Engine::new(
            Store::from_pool(pool.clone()),
            bank,
            clock.clone(),
            42,
            Arc::new(Grading::default()),
        ));
        let serve = Serve {
            slack: Some(SlackConfig {
                signing_secret: SECRET.to_owned().into(),
                bot_token: bot_token.map(|t| t.to_owned().into()),
                app_token: socket.then(|| APP_TOKEN.to_owned().into()),
                api_base: mock.api_base(),
                oauth: oauth.then(|| OAuthConfig {
                    client_id: CLIENT_ID.into(),
                    client_secret: CLIENT_SECRET.to_owned().into(),
                    token_key: TOKEN_KEY.to_owned().into(),
                }),
                admin_group: admin_group.map(str::to_owned),
            }),
            scheduler: SchedulerConfig {
                every: Duration::from_millis(100),
                ..SchedulerConfig::default()
            },
            ..Serve::default()
        };
        let bot = app::start_with_http(engine.clone(), serve, Some("127.0.0.1:0".parse().unwrap()))
            .await
            .expect("the bot starts");
        let addr = bot.http_addr().expect("http");
        if socket {
            mock.wait_connected().await;
        }
        Self {
            mock,
            clock,
            engine,
            pool,
            addr,
            client: reqwest::Client::new(),
            bot: Some(bot),
        }
    }

    /// A browser's GET of `path_and_query` (the install flow); (status,
    /// Location header, body).
    pub async fn browse(&self, path_and_query: &str) -> (u16, String, String) {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let r = client
            .get(format!("http://{}{path_and_query}", self.addr))
            .send()
            .await
            .expect("the bot answers");
        let location = r
            .headers()
            .get("location")
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        (
            r.status().as_u16(),
            location,
            r.text().await.unwrap_or_default(),
        )
    }

    /// Installs the app through OAuth (`/slack/install`, then the
    /// callback with the mock's good code) into the mock's installed team.
    pub async fn install(&self) {
        let (_, location, _) = self.browse("/slack/install").await;
        let state = location.split("state=").nth(1).expect("a state");
        let callback = format!("/slack/oauth/callback?code={GOOD_CODE}&state={state}");
        let (status, _, page) = self.browse(&callback).await;
        assert_eq!(status, 200, "{page}");
    }

    /// Posts `body` to `path` with Slack's headers, signed as `signing` says.
    pub async fn send(
        &self,
        path: &str,
        content_type: &str,
        body: String,
        signing: Signing,
    ) -> (u16, String) {
        let now = self.clock.now().timestamp();
        let (secret, at) = match signing {
            Signing::Good | Signing::Unsigned => (SECRET, now),
            Signing::Forged => ("not-the-secret", now),
            Signing::Old(secs) => (SECRET, now - secs),
        };
        let ts = at.to_string();
        let mut request = self
            .client
            .post(format!("http://{}{path}", self.addr))
            .header("content-type", content_type);
        if !matches!(signing, Signing::Unsigned) {
            let sig = verify::sign(&secret.to_owned().into(), &ts, body.as_bytes());
            request = request
                .header("x-slack-request-timestamp", ts)
                .header("x-slack-signature", sig);
        }
        let response = request.body(body).send().await.expect("the bot answers");
        let status = response.status().as_u16();
        (status, response.text().await.unwrap_or_default())
    }

    /// Types `/prep <text>` as `user`; returns the HTTP status and the
    /// response_url id its answers go to.
    pub async fn command(&self, user: &str, text: &str, signing: Signing) -> (u16, String) {
        self.command_in(TEAM, user, text, signing).await
    }

    /// [`SlackHarness::command`] in workspace `team`.
    pub async fn command_in(
        &self,
        team: &str,
        user: &str,
        text: &str,
        signing: Signing,
    ) -> (u16, String) {
        let (url, id) = self.mock.response_url();
        let trigger = self.mock.trigger();
        let form = serde_urlencoded::to_string([
            ("token", "deprecated"),
            ("team_id", team),
            ("team_domain", "team"),
            ("channel_id", CHANNEL),
            ("channel_name", "daily"),
            ("user_id", user),
            ("user_name", &user.to_lowercase()),
            ("command", "/prep"),
            ("text", text),
            ("response_url", &url),
            ("trigger_id", &trigger),
        ])
        .unwrap();
        let (status, _) = self
            .send(
                "/slack/commands",
                "application/x-www-form-urlencoded",
                form,
                signing,
            )
            .await;
        (status, id)
    }

    /// Clicks `action_id` on the message `ts` (ephemeral when `ts` is None),
    /// picking `values` in a select; returns the status and response_url id.
    pub async fn click(
        &self,
        user: &str,
        action_id: &str,
        ts: Option<&str>,
        values: &[&str],
    ) -> (u16, String) {
        let (url, id) = self.mock.response_url();
        let mut action =
            json!({"action_id": action_id, "block_id": "b", "type": "button", "action_ts": "1"});
        if !values.is_empty() {
            action["type"] = json!("multi_static_select");
            action["selected_options"] = json!(values
                .iter()
                .map(|v| json!({"value": v}))
                .collect::<Vec<_>>());
        }
        let payload = json!({
            "type": "block_actions", "team": {"id": TEAM}, "user": {"id": user, "username": user.to_lowercase(), "team_id": TEAM},
            "channel": {"id": CHANNEL}, "container": {"type": "message", "channel_id": CHANNEL, "message_ts": ts.unwrap_or("1.0"), "is_ephemeral": ts.is_none()},
            "trigger_id": self.mock.trigger(), "response_url": url, "actions": [action],
        });
        (self.interaction(payload, Signing::Good).await, id)
    }

    /// Clicks `action_id` on `user`'s App Home tab: Slack sends the view,
    /// no channel and no `response_url`.
    pub async fn click_home(&self, user: &str, action_id: &str) -> u16 {
        let action =
            json!({"action_id": action_id, "block_id": "b", "type": "button", "action_ts": "1"});
        let payload = json!({
            "type": "block_actions", "team": {"id": TEAM}, "user": {"id": user, "username": user.to_lowercase(), "team_id": TEAM},
            "container": {"type": "view", "view_id": "VHOME"}, "view": {"id": "VHOME", "type": "home"},
            "trigger_id": self.mock.trigger(), "actions": [action],
        });
        self.interaction(payload, Signing::Good).await
    }

    /// Opens `user`'s App Home tab (`app_home_opened`, event `event_id`).
    pub async fn open_home(&self, user: &str, event_id: &str) -> u16 {
        let opened = json!({"type": "event_callback", "team_id": TEAM, "event_id": event_id, "event_time": 1,
                            "event": {"type": "app_home_opened", "user": user, "tab": "home", "channel": format!("D{user}")}});
        self.event(opened, Signing::Good).await.0
    }

    /// Submits the answer modal `view` (as `views.open` sent it) with `text`.
    pub async fn submit(&self, user: &str, view: &Value, text: &str) -> u16 {
        let payload = json!({
            "type": "view_submission", "team": {"id": TEAM}, "user": {"id": user, "username": user.to_lowercase(), "team_id": TEAM},
            "trigger_id": self.mock.trigger(),
            "view": {"id": "V1", "type": "modal", "callback_id": view["callback_id"], "private_metadata": view["private_metadata"],
                     "state": {"values": {"answer": {"answer": {"type": "plain_text_input", "value": text}}}}},
        });
        self.interaction(payload, Signing::Good).await
    }

    async fn interaction(&self, payload: Value, signing: Signing) -> u16 {
        let form = serde_urlencoded::to_string([("payload", payload.to_string())]).unwrap();
        self.send(
            "/slack/interactions",
            "application/x-www-form-urlencoded",
            form,
            signing,
        )
        .await
        .0
    }

    /// The form fields of a `/prep` command as Socket Mode carries them (a
    /// JSON object); returns it and its response_url id.
    pub fn command_payload(&self, user: &str, text: &str) -> (Value, String) {
        let (url, id) = self.mock.response_url();
        let payload = json!({
            "token": "deprecated", "team_id": TEAM, "team_domain": "team", "channel_id": CHANNEL,
            "channel_name": "daily", "user_id": user, "user_name": user.to_lowercase(), "command": "/prep",
            "text": text, "response_url": url, "trigger_id": self.mock.trigger(),
        });
        (payload, id)
    }

    /// Delivers an Events API envelope.
    pub async fn event(&self, envelope: Value, signing: Signing) -> (u16, String) {
        self.send(
            "/slack/events",
            "application/json",
            envelope.to_string(),
            signing,
        )
        .await
    }

    /// The first answer posted to response_url `id`.
    pub async fn answer_to(&self, id: &str) -> Value {
        self.mock
            .wait_for("response_url", 1, |c| c.body["response_url_id"] == id)
            .await
            .body
    }

    pub fn set_time(&self, at: DateTime<Utc>) {
        self.clock.set(at);
    }

    pub async fn count(&self, sql: &str) -> i64 {
        sqlx::query_scalar::<_, i64>(sql)
            .fetch_one(&self.pool)
            .await
            .expect(sql)
    }

    pub async fn stop(mut self) {
        if let Some(bot) = self.bot.take() {
            bot.stop(Duration::from_secs(10)).await;
        }
    }
}

/// Every text in a message's blocks, joined (headers, sections, fields, context).
pub fn text_of(message: &Value) -> String {
    let mut out = Vec::new();
    for b in message["blocks"].as_array().into_iter().flatten() {
        for t in [&b["text"]["text"]].into_iter().chain(
            b["fields"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|f| &f["text"]),
        ) {
            out.extend(t.as_str().map(str::to_owned));
        }
        for e in b["elements"].as_array().into_iter().flatten() {
            out.extend(e["text"].as_str().map(str::to_owned));
        }
    }
    out.join("\n")
}

/// Every `action_id` of a message's actions blocks.
pub fn actions(message: &Value) -> Vec<String> {
    message["blocks"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|b| b["elements"].as_array().cloned().unwrap_or_default())
        .filter_map(|e| e["action_id"].as_str().map(str::to_owned))
        .collect()
}
