//! Chat front ends. Each is a thin layer over the platform-neutral core: it
//! turns platform events into [`crate::domain::command::Command`]s and renders
//! [`crate::domain::reply::Response`]s. Only code under a front end's folder
//! names that platform's types.

#[cfg(feature = "discord")]
pub mod discord;
