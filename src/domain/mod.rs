//! The platform-neutral domain: no I/O, no platform types.

pub mod action;
pub mod boards;
pub mod clock;
pub mod command;
pub mod home;
pub mod markup;
pub mod name;
pub mod platform;
pub mod reply;
pub mod rewards;
pub mod rounds;
pub mod schedule;
pub mod scoring;
pub mod teams;
pub mod view;
