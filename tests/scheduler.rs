//! The scheduler loop: pacing, retries after 429s and server errors (with
//! back-off, without holding other channels back), due work that fails on
//! its own, and clean shutdown.

mod common;

use async_trait::async_trait;
use common::*;
use prepbot::delivery::{
    Backoff, Delivery, DeliveryError, Notifier, Pacer, Router, Scheduler, SchedulerConfig,
};
use prepbot::domain::command::parse;
use prepbot::domain::reply::Effect;
use prepbot::engine::{Place, Platform};
use sqlx::PgPool;
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::time::Instant;

/// Records each attempt; answers 429 for the first `limited` attempts.
#[derive(Default)]
struct FakeNotifier {
    attempts: Mutex<Vec<(i64, Instant)>>,
    limited: Mutex<u32>,
}

#[async_trait]
impl Notifier for FakeNotifier {
    async fn deliver(&self, effect: &Effect) -> Result<Option<String>, DeliveryError> {
        self.attempts
            .lock()
            .unwrap()
            .push((effect.post_id(), Instant::now()));
        let mut limited = self.limited.lock().unwrap();
        if *limited > 0 {
            *limited -= 1;
            return Err(DeliveryError::RateLimited {
                retry_after: Duration::from_millis(300),
                global: true,
            });
        }
        Ok(Some(format!("m{}", effect.post_id())))
    }
}

/// A scheduler delivering the console platform's work through `notifier`.
fn scheduler(w: &World, notifier: Arc<dyn Notifier>, config: SchedulerConfig) -> Scheduler {
    let router = Router::single(Platform::Console, notifier);
    Scheduler::new(Arc::new(Delivery::new(w.engine.clone(), router, config)))
}

#[tokio::test(start_paused = true)]
async fn the_pacer_hands_out_at_most_the_configured_rate() {
    let pacer = Pacer::per_second(40);
    let start = Instant::now();
    for _ in 0..81 {
        pacer.wait().await;
    }
    // 81 slots at 25 ms apart: the last starts 2 s after the first.
    assert_eq!(Instant::now() - start, Duration::from_secs(2));
}

#[tokio::test(start_paused = true)]
async fn a_back_off_holds_every_later_request() {
    let pacer = Pacer::per_second(10);
    pacer.wait().await;
    let start = Instant::now();
    pacer.back_off(Duration::from_secs(5)).await;
    pacer.wait().await;
    assert!(Instant::now() - start >= Duration::from_secs(5));
}

#[sqlx::test]
async fn a_rate_limited_post_is_retried_after_retry_after_and_delivered_once(pool: PgPool) {
    let w = World::new(pool.clone(), utc(2026, 11, 24, 9, 0));
    w.run(&admin("lead"), "/daily setup time:09:00 tz:UTC")
        .await;
    let notifier = Arc::new(FakeNotifier {
        limited: Mutex::new(1),
        ..Default::default()
    });
    let scheduler = scheduler(&w, notifier.clone(), SchedulerConfig::default());
    let report = scheduler.tick().await.unwrap();
    assert_eq!(
        (report.delivered, report.rate_limited, report.failed),
        (1, 1, 0)
    );
    let attempts = notifier.attempts.lock().unwrap().clone();
    assert_eq!(attempts.len(), 2);
    assert_eq!(attempts[0].0, attempts[1].0, "the same post is retried");
    assert!(
        attempts[1].1 - attempts[0].1 >= Duration::from_millis(300),
        "it waited for retry_after"
    );
    let delivered: (Option<String>, bool) =
        sqlx::query_as("SELECT message_ref, delivered_at IS NOT NULL FROM posts")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(delivered, (Some("m1".into()), true));
    // Nothing is delivered twice on the next ticks.
    assert_eq!(scheduler.tick().await.unwrap().delivered, 0);
}

#[sqlx::test]
async fn the_scheduler_loop_stops_cleanly_when_asked(pool: PgPool) {
    let w = World::new(pool, utc(2026, 11, 24, 9, 0));
    let config = SchedulerConfig {
        every: Duration::from_secs(3600),
        ..SchedulerConfig::default()
    };
    let scheduler = scheduler(&w, Arc::new(FakeNotifier::default()), config);
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let task = tokio::spawn(scheduler.run(stopped));
    tokio::time::sleep(Duration::from_millis(50)).await;
    stop.send(true).unwrap();
    tokio::time::timeout(Duration::from_secs(5), task)
        .await
        .expect("stops promptly")
        .unwrap();
}

/// Answers each channel's attempts from a script (then succeeds), and
/// records every attempt: (channel, post, when).
#[derive(Default)]
struct Scripted {
    script: Mutex<HashMap<String, VecDeque<DeliveryError>>>,
    attempts: Mutex<Vec<(String, i64, Instant)>>,
}

#[async_trait]
impl Notifier for Scripted {
    async fn deliver(&self, effect: &Effect) -> Result<Option<String>, DeliveryError> {
        let channel = effect.channel().to_owned();
        let at = Instant::now();
        self.attempts
            .lock()
            .unwrap()
            .push((channel.clone(), effect.post_id(), at));
        let next = self
            .script
            .lock()
            .unwrap()
            .get_mut(&channel)
            .and_then(VecDeque::pop_front);
        match next {
            Some(e) => Err(e),
            None => Ok(Some(format!("m{}", effect.post_id()))),
        }
    }
}

impl Scripted {
    fn fail(&self, channel: &str, errors: Vec<DeliveryError>) {
        self.script
            .lock()
            .unwrap()
            .insert(channel.into(), errors.into());
    }

    fn attempts_in(&self, channel: &str) -> Vec<(i64, Instant)> {
        let all = self.attempts.lock().unwrap();
        all.iter()
            .filter(|(c, _, _)| c == channel)
            .map(|(_, p, at)| (*p, *at))
            .collect()
    }
}

/// A daily question due now in each of `channels` (console platform).
async fn due_in(w: &World, channels: &[&str]) {
    for c in channels {
        let place = Place {
            channel: (*c).into(),
            ..w.place.clone()
        };
        let setup = parse("/daily setup time:09:00 tz:UTC").unwrap();
        let r = w.engine.handle(&admin("lead"), &place, setup).await;
        assert!(
            text(&r).starts_with("Daily question set up."),
            "{}",
            text(&r)
        );
    }
}

/// Fast pacing (these tests measure retries, not the rate), and a seeded
/// back-off the tests can compute.
fn quick() -> SchedulerConfig {
    SchedulerConfig {
        rate_per_second: 1000,
        backoff: Backoff {
            first: Duration::from_millis(100),
            max: Duration::from_secs(1),
            seed: 11,
        },
        ..SchedulerConfig::default()
    }
}

fn server_error() -> DeliveryError {
    DeliveryError::Transient("500 Internal Server Error".into())
}

#[sqlx::test]
async fn a_post_failing_with_server_errors_is_retried_after_growing_jittered_back_offs_and_delivered_once(
    pool: PgPool,
) {
    let w = World::new(pool.clone(), utc(2026, 11, 24, 9, 0));
    due_in(&w, &["c1"]).await;
    let notifier = Arc::new(Scripted::default());
    notifier.fail("c1", vec![server_error(), server_error(), server_error()]);
    let config = quick();
    let scheduler = scheduler(&w, notifier.clone(), config.clone());
    let report = scheduler.tick().await.unwrap();
    assert_eq!((report.delivered, report.failed, report.retried), (1, 0, 3));
    let attempts = notifier.attempts_in("c1");
    assert_eq!(attempts.len(), 4);
    let post = attempts[0].0;
    for (n, pair) in attempts.windows(2).enumerate() {
        let wait = config.backoff.delay(post, n as u32 + 1);
        let ceiling = config.backoff.ceiling(n as u32 + 1);
        assert!(
            wait >= ceiling / 2 && wait <= ceiling,
            "{wait:?} of {ceiling:?}"
        );
        assert!(
            pair[1].1 - pair[0].1 >= wait,
            "retry {n} came before its back-off {wait:?}"
        );
    }
    let delivered: i64 =
        sqlx::query_scalar("SELECT count(*) FROM posts WHERE delivered_at IS NOT NULL")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(delivered, 1);
    assert_eq!(
        scheduler.tick().await.unwrap().delivered,
        0,
        "nothing twice"
    );
}

#[sqlx::test]
async fn a_channel_rate_limited_on_its_own_route_waits_while_the_other_channels_go_out(
    pool: PgPool,
) {
    let w = World::new(pool, utc(2026, 11, 24, 9, 0));
    let channels = ["c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8", "c9", "c10"];
    due_in(&w, &channels).await;
    let notifier = Arc::new(Scripted::default());
    let limited = DeliveryError::RateLimited {
        retry_after: Duration::from_secs(2),
        global: false,
    };
    notifier.fail("c1", vec![limited.clone(), limited]);
    let scheduler = scheduler(&w, notifier.clone(), quick());
    let report = scheduler.tick().await.unwrap();
    assert_eq!((report.delivered, report.rate_limited), (10, 2));
    let held = notifier.attempts_in("c1");
    assert_eq!(held.len(), 3);
    assert!(held[1].1 - held[0].1 >= Duration::from_secs(2));
    for c in &channels[1..] {
        let attempts = notifier.attempts_in(c);
        assert_eq!(attempts.len(), 1, "{c} went out at its first try");
        assert!(
            attempts[0].1 < held[1].1,
            "{c} waited for the limited channel"
        );
    }
}

#[sqlx::test]
async fn a_post_failing_for_good_in_a_tick_is_left_for_the_lease_and_delivered_later(pool: PgPool) {
    let w = World::new(pool, utc(2026, 11, 24, 9, 0));
    due_in(&w, &["c1"]).await;
    let notifier = Arc::new(Scripted::default());
    let config = quick();
    notifier.fail("c1", vec![server_error(); config.attempts as usize]);
    let scheduler = scheduler(&w, notifier.clone(), config.clone());
    let report = scheduler.tick().await.unwrap();
    assert_eq!((report.delivered, report.failed), (0, 1));
    assert_eq!(notifier.attempts_in("c1").len(), config.attempts as usize);
    assert_eq!(
        scheduler.tick().await.unwrap(),
        Default::default(),
        "claimed until the lease ends"
    );
    w.clock.advance(chrono::Duration::minutes(3));
    assert_eq!(scheduler.tick().await.unwrap().delivered, 1);
}

#[sqlx::test]
async fn a_competition_post_that_cannot_be_built_does_not_hold_back_the_daily_post(pool: PgPool) {
    let w = World::new(pool.clone(), utc(2026, 11, 24, 9, 0));
    due_in(&w, &["c1"]).await;
    // A hand-edited winners post whose period no longer reads as a date:
    // claiming it succeeds, building its post fails, every tick.
    sqlx::query(
        "INSERT INTO competition_posts (channel_id, kind, period_key, claimed_at, delivery_attempted_at)
         SELECT id, 'week', 'not-a-date', now(), 'epoch' FROM channels WHERE external_id = 'c1'",
    )
    .execute(&pool)
    .await
    .unwrap();
    let notifier = Arc::new(Scripted::default());
    let scheduler = scheduler(&w, notifier.clone(), quick());
    let report = scheduler
        .tick()
        .await
        .expect("the tick itself does not fail");
    assert_eq!(report.delivered, 1, "the daily post went out");
    assert_eq!(notifier.attempts_in("c1").len(), 1);
}

#[sqlx::test]
async fn a_big_fan_out_is_claimed_a_batch_at_a_time_and_each_post_once(pool: PgPool) {
    let w = World::new(pool, utc(2026, 11, 24, 9, 0));
    let channels: Vec<String> = (0..7).map(|i| format!("c{i}")).collect();
    due_in(&w, &channels.iter().map(String::as_str).collect::<Vec<_>>()).await;
    let platforms = [Platform::Console];
    let (first, more) = w.engine.run_due_at_most(&platforms, 3).await.unwrap();
    assert_eq!((first.len(), more), (3, true));
    let (second, more) = w.engine.run_due_at_most(&platforms, 3).await.unwrap();
    assert_eq!((second.len(), more), (3, true));
    let (last, more) = w.engine.run_due_at_most(&platforms, 3).await.unwrap();
    assert_eq!((last.len(), more), (1, false));
    let mut posts: Vec<i64> = [first, second, last]
        .concat()
        .iter()
        .map(Effect::post_id)
        .collect();
    posts.sort();
    posts.dedup();
    assert_eq!(posts.len(), 7, "every channel's post, each claimed once");
}
