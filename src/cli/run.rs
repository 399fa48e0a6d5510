//! `prepbot run`: starts every front end whose token is set, plus the scheduler.

use crate::config::{DiscordArgs, EngineArgs};
use clap::Args;
use std::process::ExitCode;

/// Arguments of `prepbot run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub engine: EngineArgs,
    #[command(flatten)]
    pub discord: DiscordArgs,
}

/// Runs `prepbot run` until Ctrl-C (or the front end stops).
pub async fn run(args: RunArgs) -> anyhow::Result<ExitCode> {
    let Some(token) = args.discord.discord_token.clone() else {
        anyhow::bail!(
            "no chat front end is configured: set DISCORD_TOKEN, or try `prepbot console`"
        )
    };
    run_discord(args, token).await
}

#[cfg(feature = "discord")]
async fn run_discord(args: RunArgs, token: secrecy::SecretString) -> anyhow::Result<ExitCode> {
    use crate::domain::clock::SystemClock;
    use crate::frontends::discord::{self, DiscordConfig};
    use crate::scheduler::SchedulerConfig;
    use std::sync::Arc;

    let engine = crate::app::engine(&args.engine, Arc::new(SystemClock), rand::random()).await?;
    let config = DiscordConfig {
        token,
        api_base: args.discord.discord_api_base,
        dev_guild: args.discord.discord_dev_guild,
        scheduler: SchedulerConfig {
            rate_per_second: args.discord.fanout_rate,
            ..SchedulerConfig::default()
        },
    };
    let mut bot = discord::start(engine, config).await?;
    let stopped = tokio::select! {
        _ = tokio::signal::ctrl_c() => false,
        _ = bot.wait() => true,
    };
    tracing::info!("stopping");
    bot.stop().await;
    if stopped {
        anyhow::bail!("the Discord gateway stopped");
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(not(feature = "discord"))]
async fn run_discord(_args: RunArgs, _token: secrecy::SecretString) -> anyhow::Result<ExitCode> {
    anyhow::bail!("DISCORD_TOKEN is set, but this prepbot was built without the `discord` feature")
}
