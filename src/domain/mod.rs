//! The platform-neutral domain: no I/O, no platform types.

pub mod boards;
pub mod clock;
pub mod command;
pub mod markdown;
pub mod name;
pub mod render;
pub mod reply;
pub mod schedule;
pub mod scoring;
