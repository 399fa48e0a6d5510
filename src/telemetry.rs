//! Logging: human-readable on a terminal, JSON lines otherwise (for a log
//! shipper). `RUST_LOG` overrides the default level.

use std::io::IsTerminal;
use tracing_subscriber::EnvFilter;

/// Installs the global subscriber, writing to stderr.
pub fn init(default_level: &str) {
    // PostgreSQL's NOTICEs ("relation already exists, skipping" from
    // the migrator at every start) come through sqlx at info; they say
    // nothing an admin acts on, so by default only its warnings show.
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new(format!("{default_level},sqlx::postgres::notice=warn")));
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

/// `e` with its causes, as `{e:#}` writes it, but without a cause that
/// only repeats the end of the message before it: sqlx's "error returned
/// from database: database \"x\" does not exist" has that very text as
/// its source, so `{e:#}` said it twice.
pub fn causes(e: &anyhow::Error) -> String {
    let mut out = String::new();
    for cause in e.chain().map(ToString::to_string) {
        if out.is_empty() {
            out = cause;
        } else if !out.ends_with(&cause) {
            out = format!("{out}: {cause}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::causes;
    use anyhow::Context;

    #[test]
    fn a_cause_that_repeats_the_message_before_it_is_said_once() {
        #[derive(Debug, thiserror::Error)]
        #[error("error returned from database: {0}")]
        struct Db(#[source] Inner);
        #[derive(Debug, thiserror::Error)]
        #[error("database \"x\" does not exist")]
        struct Inner;
        let e = Err::<(), _>(Db(Inner)).context("connecting").unwrap_err();
        assert_eq!(
            causes(&e),
            "connecting: error returned from database: database \"x\" does not exist"
        );
        let e = Err::<(), _>(std::io::Error::other("gone"))
            .context("reading a")
            .unwrap_err();
        assert_eq!(causes(&e), "reading a: gone");
    }
}
