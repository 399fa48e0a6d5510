//! The real bot (engine over a fresh PostgreSQL database, scheduler,
//! serenity + poise front end) wired to a [`DiscordMock`], with a manual
//! clock the tests move. `restart` stops the bot and starts a new process'
//! worth of it (new engine, new gateway session) over the same database.

use super::discord_events::{Member, Pushed, CHANNEL};
use super::discord_mock::{DiscordMock, Recorded, APP_ID};
use chrono::{DateTime, Utc};
use prepbot::app::{self, Running, Serve};
use prepbot::bank::{load_dir, Bank};
use prepbot::delivery::{Backoff, SchedulerConfig};
use prepbot::domain::clock::ManualClock;
use prepbot::engine::{Actor, Engine, Place, Platform};
use prepbot::frontends::discord::DiscordConfig;
use prepbot::grading::Grading;
use prepbot::storage::Store;
use serde_json::Value;
use sqlx::PgPool;
use std::sync::Arc;
use std::time::Duration;

/// The small fixed bank in tests/fixtures/bank.
pub fn test_bank() -> Arc<Bank> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bank");
    Arc::new(load_dir(&dir).expect("the test bank loads"))
}

/// The bot's back-off after server errors: short, so tests stay quick, and
/// seeded, so a test can compute every wait.
pub fn backoff() -> Backoff {
    Backoff {
        first: Duration::from_millis(100),
        max: Duration::from_secs(1),
        seed: 7,
    }
}

/// A bot under test.
pub struct Harness {
    pub mock: DiscordMock,
    pub clock: Arc<ManualClock>,
    pub engine: Arc<Engine>,
    pub pool: PgPool,
    bot: Option<Running>,
}

impl Harness {
    /// Starts the mock and the bot, and waits until the bot is connected and
    /// its commands are registered.
    pub async fn start(pool: PgPool, now: DateTime<Utc>) -> Self {
        Self::start_with(pool, now, |_| {}).await
    }

    /// Like [`Harness::start`], with the mock set up (shard count, guilds,
    /// gateway rules) before the bot connects.
    pub async fn start_with(
        pool: PgPool,
        now: DateTime<Utc>,
        setup: impl FnOnce(&DiscordMock),
    ) -> Self {
        // TEST_LOG overrides the filter when debugging (e.g. "warn,serenity=debug").
        let _ = tracing_subscriber::fmt()
            .with_env_filter(std::env::var("TEST_LOG").unwrap_or("warn,prepbot=info".into()))
            .with_test_writer()
            .try_init();
        let mock = DiscordMock::start().await;
        setup(&mock);
        let clock = Arc::new(ManualClock::new(now));
        let engine = engine(&pool, &clock);
        let mut h = Self {
            mock,
            clock,
            engine,
            pool,
            bot: None,
        };
        h.launch().await;
        h
    }

    /// What `prepbot run` would serve with a token and the mock's base URL.
    fn serve(&self) -> Serve {
        Serve {
            discord: Some(DiscordConfig {
                token: "mock-token".to_owned().into(),
                api_base: Some(self.mock.base_url()),
                dev_guild: None,
                fanout_rate: 40,
                shards: None,
            }),
            scheduler: SchedulerConfig {
                every: Duration::from_millis(100),
                backoff: backoff(),
                ..SchedulerConfig::default()
            },
            ..Serve::default()
        }
    }

    async fn launch(&mut self) {
        let sessions = self.mock.sessions();
        let registrations = self
            .mock
            .requests_to("PUT", &format!("/applications/{APP_ID}/commands"))
            .len();
        self.bot = Some(
            app::start(self.engine.clone(), self.serve())
                .await
                .expect("the bot starts"),
        );
        self.mock
            .wait_until("a gateway session", || {
                (self.mock.sessions() > sessions).then_some(())
            })
            .await;
        self.mock
            .wait_until("command registration", || {
                let now = self
                    .mock
                    .requests_to("PUT", &format!("/applications/{APP_ID}/commands"))
                    .len();
                (now > registrations).then_some(())
            })
            .await;
    }

    /// Stops the bot and starts a fresh one (new engine) over the same
    /// database and clock, as a process restart would.
    pub async fn restart(&mut self) {
        self.bot
            .take()
            .expect("running")
            .stop(Duration::from_secs(10))
            .await;
        self.engine = engine(&self.pool, &self.clock);
        self.launch().await;
    }

    /// Moves the manual clock.
    pub fn set_time(&self, at: DateTime<Utc>) {
        self.clock.set(at);
    }

    /// Pushes an interaction and waits for its initial response, which must
    /// come within Discord's 3 seconds.
    pub async fn interact(&self, p: &Pushed) -> Recorded {
        let pushed = std::time::Instant::now();
        self.mock.push(p.frame.clone()).await;
        let path = p.callback_path();
        let r = self
            .mock
            .wait_for(&format!("the response to {path}"), |r| r.path == path)
            .await;
        let took = r.at.duration_since(pushed);
        assert!(
            took < Duration::from_secs(3),
            "{path} answered after {took:?}: the interaction timed out"
        );
        r
    }

    /// Pushes an interaction whose answer is deferred; returns the defer and
    /// the `@original` edit that finishes it.
    pub async fn interact_deferred(&self, p: &Pushed) -> (Recorded, Recorded) {
        let first = self.interact(p).await;
        let edit = format!("{}/messages/@original", p.webhook_path());
        let done = self
            .mock
            .wait_for("the deferred answer", |r| {
                r.method == "PATCH" && r.path == edit
            })
            .await;
        (first, done)
    }

    /// Pushes a slash command whose answer is deferred; returns the defer
    /// and what finishes it (the `@original` edit, or a first followup,
    /// which replaces the "thinking" message too).
    pub async fn interact_followup(&self, p: &Pushed) -> (Recorded, Recorded) {
        let first = self.interact(p).await;
        let path = p.webhook_path();
        let edit = format!("{path}/messages/@original");
        let done = self
            .mock
            .wait_for("the deferred answer", |r| {
                (r.method == "POST" && r.path == path) || (r.method == "PATCH" && r.path == edit)
            })
            .await;
        (first, done)
    }

    /// Runs a command straight through the engine (for bulk set-up).
    pub async fn engine_run(
        &self,
        who: &Member,
        channel: &str,
        cmd: prepbot::domain::command::Command,
    ) {
        let actor = Actor::new(who.id.clone(), &who.name, who.admin);
        let place = Place {
            platform: Platform::Discord,
            guild: super::discord_events::GUILD.into(),
            channel: channel.into(),
        };
        let r = self.engine.handle(&actor, &place, cmd).await;
        assert!(
            !matches!(r.reply.body, prepbot::domain::reply::Body::Error(_)),
            "{r:?}"
        );
    }

    /// Counts rows of a query returning one bigint.
    pub async fn count(&self, sql: &str) -> i64 {
        sqlx::query_scalar::<_, i64>(sql)
            .fetch_one(&self.pool)
            .await
            .expect(sql)
    }

    /// The question id of a post.
    pub async fn question_of(&self, post: i64) -> String {
        sqlx::query_scalar("SELECT question_id FROM posts WHERE id = $1")
            .bind(post)
            .fetch_one(&self.pool)
            .await
            .expect("the post exists")
    }

    /// Stops the bot.
    pub async fn stop(mut self) {
        if let Some(bot) = self.bot.take() {
            bot.stop(Duration::from_secs(10)).await;
        }
    }
}

fn engine(pool: &PgPool, clock: &Arc<ManualClock>) -> Arc<Engine> {
    let store = Store::from_pool(pool.clone());
    Arc::new(Engine::new(
        store,
        test_bank(),
        clock.clone(),
        42,
        Arc::new(Grading::default()),
    ))
}

/// The embeds of a recorded interaction response, followup or message.
pub fn embeds(r: &Recorded) -> Vec<Value> {
    let body = r.body.get("data").unwrap_or(&r.body);
    body["embeds"].as_array().cloned().unwrap_or_default()
}

/// The first embed's title and description, joined.
pub fn text_of(r: &Recorded) -> String {
    embeds(r)
        .iter()
        .map(|e| {
            format!(
                "{}\n{}",
                e["title"].as_str().unwrap_or(""),
                e["description"].as_str().unwrap_or("")
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every button `custom_id` of a recorded message or response.
pub fn buttons(r: &Recorded) -> Vec<String> {
    let body = r.body.get("data").unwrap_or(&r.body);
    let rows = body["components"].as_array().cloned().unwrap_or_default();
    rows.iter()
        .flat_map(|row| row["components"].as_array().cloned().unwrap_or_default())
        .filter_map(|c| c["custom_id"].as_str().map(str::to_owned))
        .collect()
}

/// Whether a recorded interaction response is ephemeral (flag 64).
pub fn is_ephemeral(r: &Recorded) -> bool {
    let flags = r.body["data"]["flags"]
        .as_u64()
        .or_else(|| r.body["flags"].as_u64())
        .unwrap_or(0);
    flags & 64 != 0
}

/// Whether a message the person sees ([`DiscordMock::seen`]) is ephemeral.
pub fn is_private(seen: &Value) -> bool {
    seen["flags"].as_u64().unwrap_or(0) & 64 != 0
}

/// The post id in a question embed's title, e.g. "Daily question #3".
pub fn post_id(r: &Recorded) -> i64 {
    let title = embeds(r)[0]["title"].as_str().expect("a title").to_owned();
    title
        .rsplit('#')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no post id in {title}"))
}

/// The default channel of the fixtures.
pub fn channel() -> &'static str {
    CHANNEL
}
