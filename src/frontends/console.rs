//! `prepbot console`: the engine in a terminal, so anyone can try prepbot
//! without a chat token. One command per line, from a terminal or a pipe.
//!
//! Console-only commands: `/as NAME [admin]` switches who is typing,
//! `/wait 2h30m` and `/time 2026-11-24T09:00:00Z` move a manual clock
//! (started with `--start`), `/questions add PATH` reads a bank file, `/quit`.
//! Before every line the scheduler ticks, so daily posts and reveals that
//! fall due appear in the transcript as `[#general] ...`.

use crate::domain::clock::ManualClock;
use crate::domain::command::{self, Command, QuestionsCommand};
use crate::domain::render;
use crate::domain::reply::Effect;
use crate::engine::{Actor, Engine, Place, Platform};
use crate::scheduler::{DeliveryError, Notifier, Scheduler, SchedulerConfig};
use async_trait::async_trait;
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncBufRead, AsyncBufReadExt};

/// Collects effects as the channel would show them.
#[derive(Default)]
struct Channel(Mutex<Vec<String>>);

#[async_trait]
impl Notifier for Channel {
    async fn deliver(&self, effect: &Effect) -> Result<Option<String>, DeliveryError> {
        self.0
            .lock()
            .expect("channel lock")
            .push(render::effect(effect));
        Ok(Some(format!("console-{}", effect.post_id())))
    }
}

/// A console session.
pub struct Console {
    engine: Arc<Engine>,
    scheduler: Scheduler,
    channel: Arc<Channel>,
    clock: Option<Arc<ManualClock>>,
    place: Place,
    actor: Actor,
}

impl Console {
    /// `clock` is the engine's clock when it is manual (enables `/wait`, `/time`).
    pub fn new(engine: Arc<Engine>, clock: Option<Arc<ManualClock>>) -> Self {
        let channel = Arc::new(Channel::default());
        let config = SchedulerConfig {
            rate_per_second: 1000,
            ..SchedulerConfig::default()
        };
        let scheduler = Scheduler::new(engine.clone(), channel.clone(), config);
        Self {
            engine,
            scheduler,
            channel,
            clock,
            place: Place {
                platform: Platform::Console,
                guild: "console".into(),
                channel: "general".into(),
            },
            actor: Actor {
                user_id: "you".into(),
                name: "you".into(),
                is_admin: true,
            },
        }
    }

    /// The prompt: who is typing.
    pub fn prompt(&self) -> String {
        format!("{}> ", self.actor.name)
    }

    /// Runs one line and returns everything to print (channel posts first).
    pub async fn line(&mut self, line: &str) -> Option<String> {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            return Some(String::new());
        }
        if matches!(line, "/quit" | "/exit") {
            return None;
        }
        let reply = match self.local(line).await {
            Some(reply) => reply,
            None => self.command(line).await,
        };
        let mut out = self.tick().await;
        out.push_str(&reply);
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
        let response = self.engine.handle(&self.actor, &self.place, cmd).await;
        let text = render::body(&response.reply.body);
        let report = self.scheduler.deliver_all(response.effects).await;
        if report.failed > 0 {
            return format!("{text}\n! {} post(s) could not be delivered", report.failed);
        }
        text
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
        self.actor = Actor {
            user_id: name.to_owned(),
            name: name.to_owned(),
            is_admin: admin,
        };
        format!("You are now {name}{}.", if admin { " (admin)" } else { "" })
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
            Some(d) => {
                clock.advance(d);
                format!("It is now {}.", clock_now(clock))
            }
            None => "! usage: /wait 90m | 2h | 1d | 2h30m".into(),
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

    /// Reads lines until end of input or `/quit`, writing replies to stdout.
    pub async fn run<R: AsyncBufRead + Unpin>(
        &mut self,
        input: R,
        echo: bool,
    ) -> std::io::Result<()> {
        use std::io::Write;
        let mut lines = input.lines();
        let mut stdout = std::io::stdout();
        if !echo {
            write!(stdout, "{}", self.prompt())?;
            stdout.flush()?;
        }
        while let Some(line) = lines.next_line().await? {
            if echo && !line.trim().is_empty() {
                writeln!(stdout, "{}{}", self.prompt(), line.trim())?;
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

fn clock_now(clock: &ManualClock) -> String {
    use crate::domain::clock::Clock;
    clock.now().format("%Y-%m-%d %H:%M UTC").to_string()
}

/// Parses "90m", "2h", "1d", "2h30m".
pub fn parse_duration(s: &str) -> Option<chrono::Duration> {
    let mut total = chrono::Duration::zero();
    let mut number = String::new();
    for c in s.trim().chars() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let n: i64 = std::mem::take(&mut number).parse().ok()?;
        total += match c {
            'd' => chrono::Duration::days(n),
            'h' => chrono::Duration::hours(n),
            'm' => chrono::Duration::minutes(n),
            's' => chrono::Duration::seconds(n),
            _ => return None,
        };
    }
    (number.is_empty() && total > chrono::Duration::zero()).then_some(total)
}
