//! Discord front end (serenity 0.12 + poise 0.6).
pub mod cards;
pub mod ids;
pub mod notifier;
pub mod render;
