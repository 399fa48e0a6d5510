//! Two prepbot processes share one bot by splitting its shards
//! (`DISCORD_SHARDS=0-1/4` and `2-3/4`): the mock routes each guild's events
//! to shard `(guild_id >> 22) % 4` only, as Discord does, and every guild
//! gets exactly one answer.
#![cfg(feature = "discord")]

mod support;

use prepbot::delivery::{Delivery, Router, SchedulerConfig};
use prepbot::frontends::discord::{self, DiscordConfig, ShardPlan};
use prepbot::runner::Runner;
use serde_json::json;
use sqlx::PgPool;
use std::sync::Arc;
use support::discord_bot::test_bank;
use support::discord_events::{ada, at, slash, CHANNEL, GUILD};
use support::discord_mock::DiscordMock;
use support::discord_sessions::shard_of;

/// One guild per shard of `total`, starting from the fixtures' guild.
fn a_guild_per_shard(total: u64) -> Vec<String> {
    let base: u64 = GUILD.parse().unwrap();
    (0..total)
        .map(|want| {
            let g = (0..)
                .map(|k| base + (k << 22))
                .find(|g| shard_of(&g.to_string(), total) == want);
            g.unwrap().to_string()
        })
        .collect()
}

/// Starts the Discord front end of a process on `pool`, with `api_base`,
/// running `plan`'s shards.
async fn start(pool: &PgPool, api_base: String, plan: &str) -> anyhow::Result<discord::Bot> {
    let clock = Arc::new(prepbot::domain::clock::ManualClock::new(at(8, 0)));
    let store = prepbot::storage::Store::from_pool(pool.clone());
    let grading = Arc::new(prepbot::grading::Grading::default());
    let engine = Arc::new(prepbot::engine::Engine::new(
        store,
        test_bank(),
        clock,
        42,
        grading,
    ));
    let delivery = Arc::new(Delivery::new(
        engine,
        Router::new(),
        SchedulerConfig::default(),
    ));
    let config = DiscordConfig {
        token: "mock-token".to_owned().into(),
        api_base: Some(api_base),
        dev_guild: None,
        fanout_rate: 40,
        shards: None,
    };
    let plan: ShardPlan = plan.parse().expect("a shard plan");
    discord::start_with_shards(Runner::new(delivery, discord::WORDS), config, Some(plan)).await
}

/// A bot process running `plan`'s shards against `mock`.
async fn process(mock: &DiscordMock, pool: &PgPool, plan: &str) -> discord::Bot {
    start(pool, mock.base_url(), plan)
        .await
        .expect("the bot starts")
}

#[sqlx::test]
async fn two_processes_splitting_four_shards_answer_every_guild_exactly_once(pool: PgPool) {
    let mock = DiscordMock::start().await;
    let guilds = a_guild_per_shard(4);
    mock.gateway(|g| (g.shards, g.guilds) = (4, guilds.clone()));
    let (a, b) = tokio::join!(
        process(&mock, &pool, "0-1/4"),
        process(&mock, &pool, "2-3/4")
    );
    mock.wait_until("four sessions", || (mock.sessions() >= 4).then_some(()))
        .await;
    let mut shards: Vec<_> = mock
        .identifies()
        .iter()
        .map(|f| f["d"]["shard"].clone())
        .collect();
    shards.sort_by_key(|s| s[0].as_u64());
    let want: Vec<_> = (0..4).map(|i| json!([i, 4])).collect();
    assert_eq!(
        shards, want,
        "each shard exactly once, across the two processes"
    );

    for guild in &guilds {
        let mut p = slash("help", vec![], &ada(), CHANNEL);
        p.frame["d"]["guild_id"] = json!(guild);
        mock.push(p.frame.clone()).await;
        let path = p.callback_path();
        let r = mock
            .wait_for(&format!("guild {guild}'s answer"), |r| r.path == path)
            .await;
        assert_eq!(r.status, 204, "{r:?}");
    }
    a.stop().await;
    b.stop().await;
    let answers = mock.requests_to("POST", "/callback").len();
    assert_eq!(answers, guilds.len(), "one answer per guild, none twice");
}

/// `/readyz` for Discord: not ready while any shard of the range is still
/// to connect (serenity boots them 5 s apart), ready once all are, and not
/// ready again once they close.
#[sqlx::test]
async fn a_process_is_ready_only_while_every_shard_of_its_range_is_connected(pool: PgPool) {
    use std::sync::atomic::Ordering;
    let mock = DiscordMock::start().await;
    mock.gateway(|g| (g.shards, g.guilds) = (4, a_guild_per_shard(4)));
    let bot = process(&mock, &pool, "0-1/4").await;
    let connected = bot.connected();
    mock.wait_until("the first session", || (mock.sessions() >= 1).then_some(()))
        .await;
    assert!(
        !connected.load(Ordering::Relaxed),
        "one of two shards is not ready"
    );
    mock.wait_until("both shards ready", || {
        connected.load(Ordering::Relaxed).then_some(())
    })
    .await;
    assert_eq!(mock.sessions(), 2);
    bot.stop().await;
    assert!(
        !connected.load(Ordering::Relaxed),
        "stopped shards are not connected"
    );
}

/// A `DISCORD_API_BASE` that does not answer stops the start: serenity
/// would otherwise fall back to Discord's public gateway.
#[sqlx::test]
async fn a_discord_api_base_that_does_not_answer_stops_the_start(pool: PgPool) {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let err = start(&pool, base.clone(), "0-1/4")
        .await
        .err()
        .expect("the start fails");
    assert!(format!("{err:#}").contains(&base), "{err:#}");
}
