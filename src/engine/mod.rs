//! The engine: the one place where rules meet.
//!
//! `Engine::handle(actor, place, command)` turns a person's command into a
//! [`Response`] (a reply plus effects). `Engine::run_due` is the scheduler's
//! entry: it claims due daily posts and reveals and returns their effects.
//! Time, randomness and grading are injected, so every rule is testable.

mod answer;
mod boards;
mod competition;
mod custom;
mod daily;
mod due;
mod fairness;
mod help;
mod home;
mod quiz;
mod reported;
mod reveal;
mod rewards;
mod rounds;
mod seasons;
mod teams;

pub use quiz::pick_least_used;
pub use seasons::{local_midnight, MIN_ACCURACY_ANSWERS};
pub use teams::rank_teams;

use crate::bank::{Bank, Question, QuestionId};
use crate::domain::clock::Clock;
use crate::domain::command::Command;
use crate::domain::name::DisplayName;
use crate::domain::reply::{Body, Response, TryAgain};
use crate::grading::Grading;
use crate::storage::{Store, StoreError};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};

pub use crate::domain::platform::Platform;

/// The person behind a command, as the front end knows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: String,
    /// Cleaned on construction: see [`DisplayName`].
    pub name: DisplayName,
    /// Discord: Manage Server; Slack: workspace admin; console: `/as NAME admin`.
    pub is_admin: bool,
}

impl Actor {
    /// An actor whose raw platform name is cleaned into a [`DisplayName`].
    pub fn new(user_id: impl Into<String>, raw_name: &str, is_admin: bool) -> Self {
        let user_id = user_id.into();
        Self {
            name: DisplayName::new(raw_name, &user_id),
            user_id,
            is_admin,
        }
    }
}

/// Where a command was sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    pub platform: Platform,
    pub guild: String,
    pub channel: String,
}

/// Why a command failed.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// Something the person can act on; shown to them as is.
    #[error("{0}")]
    User(String),
    /// Anything else: logged in full, the person sees an apology with a reference.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// How a command went, for metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Ok,
    /// Refused with a reason the person can act on (or not an admin).
    UserError,
    /// Failed on our side (the database).
    Internal,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::UserError => "user_error",
            Outcome::Internal => "internal",
        }
    }
}

pub(crate) fn user<T>(msg: impl Into<String>) -> Result<T, EngineError> {
    Err(EngineError::User(msg.into()))
}

/// The engine, shared by every front end and the scheduler.
pub struct Engine {
    store: Store,
    bank: Arc<Bank>,
    clock: Arc<dyn Clock>,
    rng: Mutex<ChaCha8Rng>,
    grading: Arc<Grading>,
    /// Each guild's custom questions, parsed once and dropped on change.
    custom: RwLock<HashMap<i64, Arc<Vec<Arc<Question>>>>>,
    /// How long a claimed delivery waits for confirmation before another
    /// tick (in any process) takes it over.
    lease: chrono::Duration,
}

/// The default [`Engine::with_claim_lease`]: long enough for a paced
/// fan-out's slowest delivery, short enough that a crashed replica's posts
/// go out within minutes.
pub const DEFAULT_CLAIM_LEASE: std::time::Duration = std::time::Duration::from_secs(120);

impl Engine {
    /// The stored guild, channel and member behind `actor` at `place`,
    /// created on first sight.
    pub(crate) async fn context(
        &self,
        actor: &Actor,
        place: &Place,
    ) -> Result<crate::storage::Ctx, EngineError> {
        Ok(self
            .store
            .resolve(
                place.platform.as_str(),
                &place.guild,
                &place.channel,
                &actor.user_id,
                &actor.name,
            )
            .await?)
    }

    /// Builds an engine. `seed` fixes question picks for tests.
    pub fn new(
        store: Store,
        bank: Arc<Bank>,
        clock: Arc<dyn Clock>,
        seed: u64,
        grading: Arc<Grading>,
    ) -> Self {
        Self {
            store,
            bank,
            clock,
            rng: Mutex::new(ChaCha8Rng::seed_from_u64(seed)),
            grading,
            custom: RwLock::new(HashMap::new()),
            lease: chrono::Duration::seconds(DEFAULT_CLAIM_LEASE.as_secs() as i64),
        }
    }

    /// Sets how long a claimed delivery waits for confirmation before it is
    /// taken over (`PREPBOT_CLAIM_LEASE_SECS`).
    pub fn with_claim_lease(mut self, lease: std::time::Duration) -> Self {
        self.lease = chrono::Duration::from_std(lease).unwrap_or(self.lease);
        self
    }

    /// How long a claimed delivery waits for confirmation before it is
    /// taken over; delivery stops retrying well within it.
    pub fn claim_lease(&self) -> std::time::Duration {
        self.lease.to_std().unwrap_or(DEFAULT_CLAIM_LEASE)
    }

    /// The shipped bank.
    pub fn bank(&self) -> &Bank {
        &self.bank
    }

    /// The store.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The injected clock.
    pub fn clock(&self) -> &dyn Clock {
        self.clock.as_ref()
    }

    /// Whether answering may be slow (front ends defer the interaction first).
    pub fn is_slow(&self, command: &Command) -> bool {
        // Only text answers can reach the SQL sandbox or an LLM; an upload
        // runs each SQL question's reference solution in the sandbox.
        matches!(
            command,
            Command::Answer { .. }
                | Command::Questions(crate::domain::command::QuestionsCommand::Add { .. })
        )
    }

    /// Applies a command. Never fails: errors become a private reply.
    pub async fn handle(&self, actor: &Actor, place: &Place, command: Command) -> Response {
        self.handle_with_outcome(actor, place, command).await.0
    }

    /// [`Engine::handle`], also saying how it went (for metrics).
    #[tracing::instrument(skip(self, command), fields(platform = place.platform.as_str(), guild = %place.guild, user = %actor.user_id))]
    pub async fn handle_with_outcome(
        &self,
        actor: &Actor,
        place: &Place,
        command: Command,
    ) -> (Response, Outcome) {
        let echo = match &command {
            Command::Answer { text, .. } => Some(text.clone()),
            _ => None,
        };
        // Decided before running, as a front end that acknowledged first
        // promised (Command::visibility).
        let visibility = command.visibility();
        match self.apply(actor, place, command).await {
            Ok(r) if matches!(r.reply.body, Body::AdminOnly) => (r, Outcome::UserError),
            Ok(mut response) => {
                response.reply.visibility = visibility;
                (response, Outcome::Ok)
            }
            Err(EngineError::User(msg)) => {
                (Response::private(Body::Error(msg)), Outcome::UserError)
            }
            Err(EngineError::Store(e)) => (
                Response::private(internal_error(&e, echo)),
                Outcome::Internal,
            ),
        }
    }

    async fn apply(
        &self,
        actor: &Actor,
        place: &Place,
        command: Command,
    ) -> Result<Response, EngineError> {
        if command.needs_admin() && !actor.is_admin {
            return Ok(Response::private(Body::AdminOnly));
        }
        let ctx = self.context(actor, place).await?;
        match command {
            Command::Help => Ok(help::help(&self.bank)),
            Command::Quiz(filter) => self.quiz(ctx, &filter).await,
            Command::Answer { post, text } => {
                // Front ends that build commands without the text grammar
                // (modals) reach here too; PostgreSQL refuses NUL in text.
                let text = crate::domain::command::strip_controls(&text);
                if text.trim().is_empty() {
                    return user("Your answer is empty once control characters are removed.");
                }
                self.answer_text(ctx, post, &text).await
            }
            Command::Choose { post, options } => self.choose(ctx, post, options).await,
            Command::Reveal => self.reveal_command(ctx, actor, place.platform).await,
            Command::Flag { post } => self.flag(ctx, post).await,
            Command::FullAnswer { post } => self.full_answer(ctx, post).await,
            Command::Flags => self.flags(ctx).await,
            Command::Regrade {
                answer,
                verdict,
                note,
            } => self.regrade(ctx, answer, verdict, note).await,
            Command::Leaderboard {
                period,
                topic,
                page,
            } => self.leaderboard(ctx, period, topic, page).await,
            Command::Stats { member } => self.stats(ctx, actor.name.as_str(), member).await,
            Command::Streak => self.streak(ctx).await,
            Command::Daily(cmd) => self.daily(ctx, place, cmd).await,
            Command::Questions(cmd) => self.questions(ctx, cmd).await,
            Command::Compete(cmd) => self.compete(ctx, place, cmd).await,
        }
    }

    /// A question by id: the bank first, then the guild's custom questions.
    async fn question(&self, guild_id: i64, id: &str) -> Result<Arc<Question>, EngineError> {
        if let Some(q) = QuestionId::parse(id)
            .ok()
            .and_then(|id| self.bank.get(&id).cloned())
        {
            return Ok(q);
        }
        let custom = self.custom_questions(guild_id).await?;
        match custom.iter().find(|q| q.id.as_str() == id) {
            Some(q) => Ok(q.clone()),
            None => user(format!(
                "Question `{id}` is no longer in this server's bank."
            )),
        }
    }
}

/// Logs an internal error and turns it into the person's "try again",
/// with a reference and their answer's text to send again.
fn internal_error(e: &StoreError, echo: Option<String>) -> Body {
    let reference = format!("{:08x}", rand::random::<u32>());
    tracing::error!(error = %e, reference = %reference, "command failed");
    Body::TryAgain(TryAgain {
        unreachable: e.is_unreachable(),
        reference,
        echo,
    })
}
