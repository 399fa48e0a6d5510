//! Command-line subcommands. `main.rs` parses, these run.

pub mod bank;
pub mod checks;
pub mod console;
pub mod export;
pub mod grade;
pub mod run;
pub mod tempdb;

/// A line to stderr that never panics, unlike `eprintln!`: piped into
/// `head`, stderr may be closed by the time there is something to say.
pub fn say(line: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "{line}");
}
