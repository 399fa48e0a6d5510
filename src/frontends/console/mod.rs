//! `prepbot console`: the engine in a terminal, so anyone can try prepbot
//! without a chat token. One command per line, from a terminal or a pipe.
//!
//! Console-only commands: `/as NAME [admin]` switches who is typing,
//! `/wait 2h30m` and `/time 2026-11-24T09:00:00Z` move a manual clock
//! (started with `--start`), `/questions add PATH` reads a bank file, `/quit`.
//! After every line the scheduler ticks, so daily posts and reveals that
//! fall due appear in the transcript as `[#general] ...`: before the new
//! time when the line moved the clock, after the reply otherwise.

mod text;

use crate::delivery::{Delivery, DeliveryError, Notifier, Router, Scheduler, SchedulerConfig};
use crate::domain::clock::ManualClock;
use crate::domain::command::{self, strip_controls, Command, QuestionsCommand, ONLY_CONTROLS};
use crate::domain::reply::Effect;
use crate::domain::view::{self, Words};
use crate::engine::{Actor, Engine, Place, Platform};
use crate::runner::{Runner, Shown, Surface};
use async_trait::async_trait;
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncBufRead, AsyncBufReadExt};

/// The console's words: anyone can become an admin with `/as`.
pub const WORDS: Words = Words {
    admins: "admins",
    become_admin: Some("Switch to an admin with /as NAME admin."),
    command_prefix: "/",
    community: "server",
    channel: "#{}",
};

/// A reply body as the console shows it.
pub fn render(body: &crate::domain::reply::Body) -> String {
    text::view(&view::build(body, &WORDS))
}

/// Collects effects as the channel would show them; `now` reads the
/// engine's clock, for the time left before a round's deadline.
struct Channel(Mutex<Vec<String>>, Box<dyn Fn() -> i64 + Send + Sync>);

#[async_trait]
impl Notifier for Channel {
    async fn deliver(&self, effect: &Effect) -> Result<Option<String>, DeliveryError> {
        let place = match effect {
            Effect::PostQuestion { channel, .. }
            | Effect::PostReveal { channel, .. }
            | Effect::Announce { channel, .. } => {
                format!("#{channel}")
            }
            Effect::TellAdmin { admin, .. } => format!("to {admin}"),
            // Role changes are only enqueued for platforms with roles; one
            // reaching the console is refused for good, so it is given up.
            Effect::SetRole { .. } => {
                return Err(DeliveryError::Permanent(
                    "the console has no roles; rewards are badges here".into(),
                ))
            }
        };
        let post = text::view_at(&view::post(effect, &WORDS), Some((self.1)()));
        self.0
            .lock()
            .expect("channel lock")
            .push(format!("[{place}] {post}"));
        Ok(Some(format!("console-{}", effect.post_id())))
    }
}

/// The reply to one console line, as text.
#[derive(Default)]
struct Stdout(String);

#[async_trait]
impl Surface for Stdout {
    async fn defer(&mut self) -> anyhow::Result<()> {
        Ok(())
    }
    async fn show(&mut self, shown: Shown) -> anyhow::Result<()> {
        self.0.push_str(&text::view(&shown.view));
        Ok(())
    }
}

/// A console session.
pub struct Console {
    runner: Runner,
    scheduler: Scheduler,
    channel: Arc<Channel>,
    clock: Option<Arc<ManualClock>>,
    place: Place,
    actor: Actor,
}

impl Console {
    /// `clock` is the engine's clock when it is manual (enables `/wait`, `/time`).
    /// The console serves only its own platform: a console beside a running
    /// bot never claims the bot's posts.
    pub fn new(engine: Arc<Engine>, clock: Option<Arc<ManualClock>>) -> Self {
        let clock_of = engine.clone();
        let now = Box::new(move || clock_of.clock().now().timestamp());
        let channel = Arc::new(Channel(Mutex::new(Vec::new()), now));
        let config = SchedulerConfig {
            rate_per_second: 1000,
            ..SchedulerConfig::default()
        };
        let router = Router::single(Platform::Console, channel.clone());
        let delivery = Arc::new(Delivery::new(engine, router, config));
        Self {
            runner: Runner::new(delivery.clone(), WORDS),
            scheduler: Scheduler::new(delivery),
            channel,
            clock,
            place: Place {
                platform: Platform::Console,
                guild: "console".into(),
                channel: "general".into(),
            },
            actor: Actor::new("you", "you", true),
        }
    }

    /// The prompt: who is typing.
    pub fn prompt(&self) -> String {
        format!("{}> ", self.actor.name)
    }

    /// Runs one line and returns everything to print (channel posts first).
    pub async fn line(&mut self, raw: &str) -> Option<String> {
        let cleaned = strip_controls(raw);
        let line = cleaned.trim();
        if line.is_empty() && !raw.trim().is_empty() {
            return Some(format!("! {ONLY_CONTROLS}"));
        }
        if line.is_empty() || line.starts_with('#') {
            return Some(String::new());
        }
        if matches!(line, "/quit" | "/exit") {
            return None;
        }
        // A clock move (`/wait`, `/time`) shows what fell due on the way
        // before saying the new time; a command's reply comes before the
        // posts it caused (a round's first question, a season's results).
        let (reply, moved_clock) = match self.local(line).await {
            Some(reply) => (reply, true),
            None => (self.command(line).await, false),
        };
        let posts = self.tick().await;
        let mut out = if moved_clock {
            posts + &reply
        } else {
            reply + &posts
        };
        out.push_str(&self.drain());
        Some(out)
    }

    /// Delivers anything due and returns what the channel showed.
    pub async fn tick(&mut self) -> String {
        if let Err(e) = self.scheduler.tick().await {
            return format!("! scheduler: {e}\n");
        }
        self.drain()
    }

    fn drain(&self) -> String {
        let posts = std::mem::take(&mut *self.channel.0.lock().expect("channel lock"));
        posts.into_iter().map(|p| format!("\n{p}\n")).collect()
    }

    async fn command(&mut self, line: &str) -> String {
        let mut cmd = match command::parse(line) {
            Ok(c) => c,
            Err(e) => return format!("! {e}"),
        };
        if let Command::Questions(QuestionsCommand::Add { toml, .. }) = &mut cmd {
            match std::fs::read_to_string(toml.trim()) {
                Ok(text) => *toml = text,
                Err(e) => return format!("! cannot read `{}`: {e}", toml.trim()),
            }
        }
        let is_help = matches!(cmd, Command::Help);
        let mut out = Stdout::default();
        let report = match self
            .runner
            .run(&self.actor, &self.place, cmd, &mut out)
            .await
        {
            Ok(report) => report,
            Err(e) => return format!("! {}", crate::telemetry::causes(&e)),
        };
        if is_help {
            out.0.push_str(CONSOLE_HELP);
        }
        if report.failed > 0 {
            return format!(
                "{}\n! {} post(s) could not be delivered",
                out.0, report.failed
            );
        }
        out.0
    }

    /// Console-only commands; `None` if `line` is a core command.
    async fn local(&mut self, line: &str) -> Option<String> {
        let (name, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
        let rest = rest.trim();
        Some(match name {
            "/as" => self.switch_actor(rest),
            "/wait" => self.wait(rest),
            "/time" => self.set_time(rest),
            _ => return None,
        })
    }

    fn switch_actor(&mut self, rest: &str) -> String {
        let mut words = rest.split_whitespace();
        let Some(name) = words.next() else {
            return "! usage: /as NAME [admin]".into();
        };
        let admin = words.next() == Some("admin");
        self.actor = Actor::new(name, name, admin);
        format!(
            "You are now {}{}.",
            self.actor.name,
            if admin { " (admin)" } else { "" }
        )
    }

    fn manual_clock(&self) -> Result<&ManualClock, String> {
        self.clock.as_deref().ok_or_else(|| {
            "! the clock is real here; start the console with --start to move time".to_owned()
        })
    }

    fn wait(&self, rest: &str) -> String {
        let clock = match self.manual_clock() {
            Ok(c) => c,
            Err(e) => return e,
        };
        match parse_duration(rest) {
            Ok(d) => match clock.try_advance(d) {
                Ok(_) => format!("It is now {}.", clock_now(clock)),
                Err(e) => format!("! {e}"),
            },
            Err(e) => format!("! {e}"),
        }
    }

    fn set_time(&self, rest: &str) -> String {
        let clock = match self.manual_clock() {
            Ok(c) => c,
            Err(e) => return e,
        };
        match chrono::DateTime::parse_from_rfc3339(rest) {
            Ok(t) => {
                clock.set(t.with_timezone(&chrono::Utc));
                format!("It is now {}.", clock_now(clock))
            }
            Err(_) => "! usage: /time 2026-11-24T09:00:00Z".into(),
        }
    }

    /// Reads lines until end of input or `/quit`, writing replies to `stdout`.
    pub async fn run<R: AsyncBufRead + Unpin, W: std::io::Write>(
        &mut self,
        mut input: R,
        stdout: &mut W,
        echo: bool,
    ) -> std::io::Result<()> {
        if !echo {
            write!(stdout, "{}", self.prompt())?;
            stdout.flush()?;
        }
        while let Some(line) = next_line(&mut input).await? {
            if echo && !line.trim().is_empty() {
                // Echo what runs, not the escapes a script may carry.
                writeln!(stdout, "{}{}", self.prompt(), strip_controls(&line).trim())?;
            }
            let Some(out) = self.line(&line).await else {
                break;
            };
            if !out.is_empty() {
                writeln!(stdout, "{out}")?;
            }
            if !echo {
                write!(stdout, "{}", self.prompt())?;
                stdout.flush()?;
            }
        }
        Ok(())
    }
}

/// Console-only commands, appended to the core `/help` in the console.
const CONSOLE_HELP: &str = "

Console only:
  /as NAME [admin]         switch who is typing (add `admin` for an admin)
  /wait 2h30m              move the clock forward (up to 366 days; needs --start)
  /time 2026-11-24T09:00:00Z   set the clock (needs --start)
  /quit                    leave (so does end of input)";

/// The next line of `input`, decoded lossily: a stray invalid byte becomes
/// U+FFFD in that line instead of ending the session. `None` at end of input.
async fn next_line<R: AsyncBufRead + Unpin>(input: &mut R) -> std::io::Result<Option<String>> {
    let mut bytes = Vec::new();
    if input.read_until(b'\n', &mut bytes).await? == 0 {
        return Ok(None);
    }
    let text = String::from_utf8_lossy(&bytes);
    Ok(Some(text.trim_end_matches(['\n', '\r']).to_owned()))
}

fn clock_now(clock: &ManualClock) -> String {
    use crate::domain::clock::Clock;
    clock.now().format("%Y-%m-%d %H:%M UTC").to_string()
}

/// The longest single `/wait`: a year is enough to watch any schedule.
pub const MAX_WAIT_DAYS: i64 = 366;

/// Why a `/wait` duration was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WaitError {
    #[error("usage: /wait 90m | 2h | 1d | 2h30m")]
    Usage,
    #[error("/wait moves the clock by at most {MAX_WAIT_DAYS} days at a time")]
    TooLong,
}

/// Parses "90m", "2h", "1d", "2h30m", up to [`MAX_WAIT_DAYS`].
pub fn parse_duration(s: &str) -> Result<chrono::Duration, WaitError> {
    let max = chrono::Duration::days(MAX_WAIT_DAYS);
    let mut total = chrono::Duration::zero();
    let mut number = String::new();
    for c in s.trim().chars() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let digits = std::mem::take(&mut number);
        if digits.is_empty() {
            return Err(WaitError::Usage);
        }
        // Digits that do not fit an i64 are certainly too long a wait.
        let n: i64 = digits.parse().map_err(|_| WaitError::TooLong)?;
        let part = match c {
            'd' => chrono::Duration::try_days(n),
            'h' => chrono::Duration::try_hours(n),
            'm' => chrono::Duration::try_minutes(n),
            's' => chrono::Duration::try_seconds(n),
            _ => return Err(WaitError::Usage),
        };
        total = part
            .and_then(|p| total.checked_add(&p))
            .ok_or(WaitError::TooLong)?;
        if total > max {
            return Err(WaitError::TooLong);
        }
    }
    if !number.is_empty() || total <= chrono::Duration::zero() {
        return Err(WaitError::Usage);
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_combine_units() {
        assert_eq!(parse_duration("2h30m"), Ok(chrono::Duration::minutes(150)));
        assert_eq!(parse_duration("1d"), Ok(chrono::Duration::days(1)));
    }

    #[test]
    fn huge_waits_are_refused_with_a_message_instead_of_overflowing() {
        for s in ["100000000d", "367d", "99999999999999999999999d", "9000h"] {
            assert_eq!(parse_duration(s), Err(WaitError::TooLong), "{s}");
        }
        assert_eq!(parse_duration("366d"), Ok(chrono::Duration::days(366)));
    }

    #[test]
    fn malformed_waits_get_the_usage_line() {
        for s in ["", "soon", "5", "d", "0m", "3x"] {
            assert_eq!(parse_duration(s), Err(WaitError::Usage), "{s}");
        }
    }
}
