//! Command-line subcommands. `main.rs` parses, these run.

pub mod bank;
pub mod console;
pub mod export;
pub mod grade;
pub mod run;
pub mod tempdb;
