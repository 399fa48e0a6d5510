//! Front ends: thin layers that turn platform input into core commands and
//! render replies. Only modules under here may name platform types, and only
//! a front end's own folder names that platform's types.

pub mod console;
#[cfg(feature = "discord")]
pub mod discord;
#[cfg(feature = "slack")]
pub mod slack;
