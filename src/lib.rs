//! prepbot: a chat bot that turns a team's Discord server or Slack workspace
//! into a daily interview-prep habit.
//!
//! # Layout
//! - [`domain`]: platform-neutral rules with no I/O: the command grammar and
//!   its validating constructors ([`domain::command`]), replies and effects
//!   ([`domain::reply`]), the view model every front end maps
//!   ([`domain::view`]), action ids, platforms, scoring and streaks,
//!   schedules in IANA zones, and the clock.
//! - [`bank`]: question types that validate on construction, the loader, and
//!   the bank compiled into the binary.
//! - [`grading`]: the `Grader` interface and its strategies (key points,
//!   short answers, choices, SQL sandbox, optional LLM).
//! - [`storage`]: PostgreSQL through sqlx; every query lives here.
//! - [`engine`]: `Engine::handle(actor, place, command)`, where rules meet,
//!   and `Engine::run_due(platforms)`, which claims scheduled work.
//! - [`runner`]: the one command runner every front end shares.
//! - [`delivery`]: the router from platform to notifier, paced and retried
//!   delivery, the one scheduler loop, and the request budget replicas share.
//! - [`frontends`]: console, Discord behind the `discord` feature and Slack
//!   behind `slack`; the only modules that name platform types.
//! - [`http`], [`meters`]: `prepbot run`'s health, readiness and
//!   Prometheus metrics, and the metric names the core records.
//! - [`app`], [`config`], [`telemetry`], [`cli`]: wiring (the scheduler is
//!   the application's), settings, logs and the subcommands the binary runs.

pub mod app;
pub mod bank;
pub mod cli;
pub mod config;
pub mod delivery;
pub mod domain;
pub mod engine;
pub mod frontends;
pub mod grading;
pub mod http;
pub mod meters;
pub mod runner;
pub mod storage;
pub mod telemetry;
