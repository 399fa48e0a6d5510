//! The scheduler loop: pacing, 429 back-off and clean shutdown.

mod common;

use async_trait::async_trait;
use common::*;
use prepbot::delivery::{
    Delivery, DeliveryError, Notifier, Pacer, Router, Scheduler, SchedulerConfig,
};
use prepbot::domain::reply::Effect;
use prepbot::engine::Platform;
use sqlx::PgPool;
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
    pacer.back_off(Duration::from_secs(5));
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
