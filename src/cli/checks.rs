//! The settings `prepbot run` starts from, checked before it touches the
//! database: every problem it cannot start with, gathered (not just the
//! first), and the risks it starts with anyway. `prepbot settings` runs
//! the same checks, so the two never disagree.

use super::run::RunArgs;
use crate::app::{self, Serve};
use crate::bank::Bank;
use crate::delivery::SchedulerConfig;
use std::sync::Arc;

/// Every setting `prepbot run` cannot use, found before it touches the
/// database. All are gathered, not just the first, so an admin fixing an
/// env file sees the whole list at once. (A value out of its range is
/// refused earlier, while the command line is read, and alone.)
#[derive(Debug, Default)]
pub struct Problems(pub Vec<String>);

impl std::fmt::Display for Problems {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0.as_slice() {
            [one] => f.write_str(one),
            many => write!(
                f,
                "{} problems in the settings:\n  {}",
                many.len(),
                many.join("\n  ")
            ),
        }
    }
}

impl std::error::Error for Problems {}

impl Problems {
    /// The value of `result`, or `None` with its error noted.
    fn take<T>(&mut self, result: anyhow::Result<T>) -> Option<T> {
        result
            .map_err(|e| self.0.push(crate::telemetry::causes(&e)))
            .ok()
    }

    /// `Ok(value)` when nothing was noted.
    fn or<T>(self, value: T) -> Result<T, Problems> {
        match self.0.is_empty() {
            true => Ok(value),
            false => Err(self),
        }
    }
}

/// The front ends the settings turn on.
fn serve(args: &RunArgs) -> Result<Serve, Problems> {
    let mut problems = Problems::default();
    let scheduler = SchedulerConfig {
        rate_per_second: args.discord.fanout_rate,
        ..SchedulerConfig::default()
    };
    // Checked here, before the database is touched, so `prepbot settings`
    // (which runs this too) and `prepbot run` refuse the same settings.
    problems.take(crate::storage::parse_url(&args.engine.db.database_url).map_err(Into::into));
    let urls = [
        ("DISCORD_API_BASE", &args.discord.discord_api_base),
        ("PREPBOT_LLM_URL", &args.engine.llm.llm_url),
    ];
    for (var, url) in urls {
        if let Some(url) = url {
            problems.take(crate::config::check_base_url(var, url).map_err(anyhow::Error::msg));
        }
    }
    #[cfg(feature = "discord")]
    let discord = discord(args, &mut problems);
    #[cfg(not(feature = "discord"))]
    if args.discord.discord_token.is_some() {
        problems.0.push(
            "DISCORD_TOKEN is set, but this prepbot was built without the `discord` feature".into(),
        );
    }
    #[cfg(feature = "slack")]
    let slack = problems
        .take(crate::frontends::slack::SlackConfig::from_env())
        .flatten();
    #[cfg(not(feature = "slack"))]
    if std::env::var_os("SLACK_BOT_TOKEN").is_some() {
        problems.0.push(
            "SLACK_BOT_TOKEN is set, but this prepbot was built without the `slack` feature".into(),
        );
    }
    problems.or(Serve {
        #[cfg(feature = "discord")]
        discord,
        #[cfg(feature = "slack")]
        slack,
        scheduler,
    })
}

/// The Discord front end, when a token is set.
#[cfg(feature = "discord")]
fn discord(
    args: &RunArgs,
    problems: &mut Problems,
) -> Option<crate::frontends::discord::DiscordConfig> {
    let d = &args.discord;
    let shards = match d.discord_shards.as_deref().map(str::trim) {
        Some(plan) if !plan.is_empty() => problems.take(plan.parse()),
        _ => None,
    };
    let token = d.discord_token.clone()?;
    Some(crate::frontends::discord::DiscordConfig {
        token,
        api_base: d.discord_api_base.as_deref().map(|b| b.trim().to_owned()),
        dev_guild: d.discord_dev_guild,
        fanout_rate: d.fanout_rate,
        shards,
    })
}

/// Settings inside their ranges that still invite trouble, said once at
/// start (and by `prepbot settings`) so the log explains the 429s or
/// repeats they lead to, and settings that will be ignored.
#[allow(unused_variables)] // `serve` is read only with Slack built in
pub(super) fn risks(args: &RunArgs, serve: &Serve) -> Vec<String> {
    /// Discord's documented global limit for a bot.
    const DISCORD_GLOBAL: u32 = 50;
    let (rate, lease) = (args.discord.fanout_rate, args.engine.claim_lease_secs);
    let real_discord =
        args.discord.discord_token.is_some() && args.discord.discord_api_base.is_none();
    let mut out = Vec::new();
    if rate > DISCORD_GLOBAL && real_discord {
        out.push(format!("PREPBOT_FANOUT_RATE is {rate}, above Discord's global limit of 50 requests/s; unless Discord raised this bot's limit, expect 429s"));
    }
    if lease < 30 {
        out.push(format!("PREPBOT_CLAIM_LEASE_SECS is {lease}, under 30: a post still being sent may be taken over and sent twice"));
    }
    #[cfg(feature = "slack")]
    out.extend(crate::frontends::slack::SlackConfig::warnings(
        serve.slack.as_ref(),
        |name| std::env::var(name).ok(),
    ));
    out
}

/// What `prepbot run` serves, and the bank it loaded, once every setting
/// it reads before the database is usable, the bank folder included.
pub(super) fn settled(args: &RunArgs) -> Result<(Serve, Arc<Bank>), Problems> {
    let served = serve(args);
    let bank = app::load_bank(&args.engine.bank);
    match (served, bank) {
        (Ok(serve), Ok(bank)) => Ok((serve, bank)),
        (served, bank) => {
            let mut problems = served.err().unwrap_or_default();
            problems.take(bank);
            Err(problems)
        }
    }
}

/// What `prepbot settings` says of the environment: `Ok` with the
/// warnings [`super::run::run`] would give, or every problem that would
/// stop it before it touches the database (a URL, shard plan, bank or
/// Slack setting it cannot use).
pub fn check(args: &RunArgs) -> Result<Vec<String>, Problems> {
    let (serve, _) = settled(args)?;
    let mut risks = risks(args, &serve);
    if serve.is_empty() {
        // `run` says this too, from `app::start_with_http`.
        risks.push(app::NO_FRONT_END.to_owned());
    }
    Ok(risks)
}
