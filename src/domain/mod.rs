//! The platform-neutral domain: no I/O, no platform types.

pub mod command;
pub mod reply;
