//! Logging: human-readable on a terminal, JSON lines otherwise (for a log
//! shipper). `RUST_LOG` overrides the default level.

use std::io::IsTerminal;
use tracing_subscriber::EnvFilter;

/// Installs the global subscriber, writing to stderr.
pub fn init(default_level: &str) {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default_level));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    // A second init (tests) is harmless, so the error is ignored.
    if std::io::stderr().is_terminal() {
        let _ = builder.try_init();
    } else {
        let _ = builder.json().try_init();
    }
}
