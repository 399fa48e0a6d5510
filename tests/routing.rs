//! Routing across platforms and processes: each process claims only the
//! work of the platforms it serves, and a stop in the middle of a fan-out
//! loses nothing and posts nothing twice.

mod common;

use async_trait::async_trait;
use common::*;
use prepbot::delivery::{Delivery, DeliveryError, Notifier, Router, Scheduler, SchedulerConfig};
use prepbot::domain::reply::Effect;
use prepbot::engine::{Place, Platform};
use prepbot::frontends::console::Console;
use sqlx::PgPool;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Records what it delivered, per post, and can be slow.
#[derive(Default)]
struct Recorder {
    delivered: Mutex<BTreeMap<i64, usize>>,
    delay: Duration,
}

#[async_trait]
impl Notifier for Recorder {
    async fn deliver(&self, effect: &Effect) -> Result<Option<String>, DeliveryError> {
        tokio::time::sleep(self.delay).await;
        *self
            .delivered
            .lock()
            .unwrap()
            .entry(effect.post_id())
            .or_default() += 1;
        Ok(Some(format!("m{}", effect.post_id())))
    }
}

fn place(platform: Platform, guild: &str, channel: &str) -> Place {
    Place {
        platform,
        guild: guild.into(),
        channel: channel.into(),
    }
}

async fn setup_on(w: &World, at: Place) {
    let cmd = prepbot::domain::command::parse("/daily setup time:09:00 tz:UTC").unwrap();
    let r = w.engine.handle(&admin("lead"), &at, cmd).await;
    assert!(text(&r).contains("set up"), "{}", text(&r));
}

#[sqlx::test]
async fn each_platform_claims_exactly_its_own_posts_from_one_database(pool: PgPool) {
    let w = World::new(pool.clone(), utc(2026, 11, 24, 8, 0));
    setup_on(&w, place(Platform::Console, "console", "general")).await;
    setup_on(&w, place(Platform::Discord, "9001", "8001")).await;
    w.advance_hours(1);

    let discord = w.engine.run_due(&[Platform::Discord]).await.unwrap();
    assert_eq!(discord.len(), 1);
    assert!(
        matches!(&discord[0], Effect::PostQuestion { platform: Platform::Discord, channel, .. } if channel == "8001")
    );
    assert!(w
        .engine
        .run_due(&[Platform::Discord])
        .await
        .unwrap()
        .is_empty());

    let console = w.engine.run_due(CONSOLE).await.unwrap();
    assert_eq!(console.len(), 1);
    assert!(
        matches!(&console[0], Effect::PostQuestion { platform: Platform::Console, channel, .. } if channel == "general")
    );
}

#[sqlx::test]
async fn a_console_session_beside_the_bot_never_claims_discords_posts_or_reveals(pool: PgPool) {
    let w = World::new(pool.clone(), utc(2026, 11, 24, 8, 0));
    setup_on(&w, place(Platform::Discord, "9001", "8001")).await;
    w.advance_hours(1);
    let mut console = Console::new(w.engine.clone(), Some(w.clock.clone()));
    let out = console.line("/help").await.unwrap();
    assert!(!out.contains("Daily question #"), "{out}");
    w.advance_hours(9);
    let out = console.line("/help").await.unwrap();
    assert!(!out.contains("Reveal"), "{out}");
    let claimed: i64 = sqlx::query_scalar("SELECT count(*) FROM posts")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(claimed, 0, "the console claimed Discord's post");

    // The bot's own scheduler, serving Discord, gets it.
    let bot = Arc::new(Recorder::default());
    let router = Router::single(Platform::Discord, bot.clone());
    let delivery = Arc::new(Delivery::new(
        w.engine.clone(),
        router,
        SchedulerConfig::default(),
    ));
    let report = Scheduler::new(delivery).tick().await.unwrap();
    assert_eq!(report.delivered, 1);
}

#[sqlx::test]
async fn a_stop_mid_fan_out_drains_promptly_and_the_next_start_delivers_the_rest_once(
    pool: PgPool,
) {
    let w = World::new(pool.clone(), utc(2026, 11, 24, 8, 0));
    for c in 0..12 {
        setup_on(
            &w,
            place(Platform::Discord, "9001", &format!("{}", 8000 + c)),
        )
        .await;
    }
    w.advance_hours(1);
    let config = SchedulerConfig {
        rate_per_second: 4,
        in_flight: 1,
        every: Duration::from_secs(3600),
        ..SchedulerConfig::default()
    };
    let first = Arc::new(Recorder {
        delay: Duration::from_millis(50),
        ..Default::default()
    });
    let router = Router::single(Platform::Discord, first.clone());
    let delivery = Arc::new(Delivery::new(w.engine.clone(), router, config.clone()));
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let task = tokio::spawn(Scheduler::new(delivery).run(stopped));
    tokio::time::sleep(Duration::from_millis(700)).await;
    stop.send(true).unwrap();
    tokio::time::timeout(Duration::from_secs(2), task)
        .await
        .expect("the scheduler stops within two seconds mid fan-out")
        .unwrap();
    let sent_first = first.delivered.lock().unwrap().clone();
    assert!(
        !sent_first.is_empty() && sent_first.len() < 12,
        "{sent_first:?}"
    );

    // The next process: everything released is delivered at once, nothing twice.
    let second = Arc::new(Recorder::default());
    let router = Router::single(Platform::Discord, second.clone());
    let delivery = Arc::new(Delivery::new(w.engine.clone(), router, config));
    let report = Scheduler::new(delivery).tick().await.unwrap();
    let sent_second = second.delivered.lock().unwrap().clone();
    assert_eq!(report.delivered, 12 - sent_first.len());
    assert!(sent_first.keys().all(|k| !sent_second.contains_key(k)));
    assert!(sent_first
        .values()
        .chain(sent_second.values())
        .all(|&n| n == 1));
    let undelivered: i64 =
        sqlx::query_scalar("SELECT count(*) FROM posts WHERE delivered_at IS NULL")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(undelivered, 0);
}
