//! Shared test support. Each integration test includes this with `mod support;`
//! and uses only part of it.
#![allow(dead_code)]

#[cfg(feature = "discord")]
pub mod discord_bot;
#[cfg(feature = "discord")]
pub mod discord_events;
#[cfg(feature = "discord")]
pub mod discord_gateway;
#[cfg(feature = "discord")]
pub mod discord_lifecycle;
#[cfg(feature = "discord")]
pub mod discord_limits;
#[cfg(feature = "discord")]
pub mod discord_mock;
#[cfg(feature = "discord")]
pub mod discord_routes;
#[cfg(feature = "discord")]
pub mod discord_rules;
#[cfg(feature = "discord")]
pub mod discord_sessions;
pub mod pg_proxy;
#[cfg(feature = "slack")]
pub mod slack_bot;
#[cfg(feature = "slack")]
pub mod slack_methods;
#[cfg(feature = "slack")]
pub mod slack_mock;
#[cfg(feature = "slack")]
pub mod slack_reads;
#[cfg(feature = "slack")]
pub mod slack_routes;
#[cfg(feature = "slack")]
pub mod slack_rules;
#[cfg(feature = "slack")]
pub mod slack_socket;
