//! prepbot: a chat bot that turns a team's Discord server or Slack workspace
//! into a daily interview-prep habit.
//!
//! # Layout
//! - [`domain`]: platform-neutral rules with no I/O: the command grammar
//!   ([`domain::command`]), replies and effects ([`domain::reply`]), text
//!   rendering, scoring and streaks, schedules in IANA zones, and the clock.
//! - [`bank`]: question types that validate on construction, and the loader
//!   for `questions/`.
//! - [`grading`]: the `Grader` interface and its strategies (key points,
//!   choices, SQL, optional LLM).
//! - [`storage`]: PostgreSQL through sqlx; every query lives here.
//! - [`engine`]: `Engine::handle(actor, place, command)`, where rules meet.
//! - [`scheduler`]: the loop that claims due posts and reveals and hands them,
//!   paced, to a front end's `Notifier`.
//! - [`frontends`]: console (and Discord, behind the `discord` feature).
//! - [`app`], [`config`], [`telemetry`], [`cli`]: wiring, settings, logs and
//!   the subcommands the binary runs.

pub mod app;
pub mod bank;
pub mod cli;
pub mod config;
pub mod delivery;
pub mod domain;
pub mod engine;
pub mod frontends;
pub mod grading;
pub mod runner;
pub mod storage;
pub mod telemetry;
