//! Fault test: Discord's API fails for a stretch during the daily fan-out.
//!
//! The real bot (engine, scheduler, serenity front end) against the strict
//! Discord mock, with real PostgreSQL. Some channels get a stretch of 429s
//! (with `Retry-After`, the rate-limit headers and Discord's JSON body) and
//! 500s, one of which hides a post that did go out. Their posts are retried
//! (after `retry_after`, then after growing, jittered back-offs), nothing
//! is posted twice or dropped, and the other channels are posted while the
//! failing ones wait. The mock refuses a retry sent before `retry_after`
//! has passed, which fails the test when it is dropped.
#![cfg(feature = "discord")]

mod support;

use axum::http::Method;
use chrono::NaiveTime;
use prepbot::domain::command::{Command, DailyCommand, DailySetup, Days};
use sqlx::PgPool;
use std::time::Duration;
use support::discord_bot::*;
use support::discord_events::{at, lead};
use support::discord_mock::{Fault, Recorded};

fn channels(n: u64) -> Vec<String> {
    (0..n)
        .map(|i| (860_000_000_000_000_000 + i).to_string())
        .collect()
}

/// A 09:00 UTC daily question in each channel.
async fn set_up(h: &Harness, channels: &[String]) {
    for c in channels {
        let setup = DailySetup {
            time: NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
            tz: chrono_tz::UTC,
            reveal: Some(NaiveTime::from_hms_opt(17, 0, 0).unwrap()),
            days: Days::Daily,
            topics: vec![],
        };
        h.engine_run(&lead(), c, Command::Daily(DailyCommand::Setup(setup)))
            .await;
    }
}

/// Attempts to post in `channel` (not thread creations), in order.
fn posts_to(h: &Harness, channel: &str) -> Vec<Recorded> {
    let path = format!("/channels/{channel}/messages");
    h.mock
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST" && r.path == path)
        .collect()
}

fn threads_in(h: &Harness, channel: &str) -> usize {
    let prefix = format!("/channels/{channel}/messages/");
    h.mock
        .requests_to("POST", &prefix)
        .iter()
        .filter(|r| r.path.ends_with("/threads") && r.status < 300)
        .count()
}

/// Waits until every channel's post went through (a 2xx answer).
async fn all_posted(h: &Harness, channels: &[String]) {
    h.mock
        .wait_until("every channel's post to go through", || {
            channels
                .iter()
                .all(|c| posts_to(h, c).iter().any(|r| r.status < 300) && threads_in(h, c) == 1)
                .then_some(())
        })
        .await;
}

async fn post_of(h: &Harness, channel: &str) -> i64 {
    sqlx::query_scalar(
        "SELECT p.id FROM posts p JOIN channels c ON c.id = p.channel_id WHERE c.external_id = $1",
    )
    .bind(channel)
    .fetch_one(&h.pool)
    .await
    .unwrap()
}

/// Every channel got exactly one message and one thread, and every post
/// is recorded as delivered.
async fn assert_once_each(h: &Harness, chans: &[String]) {
    for c in chans {
        assert_eq!(h.mock.messages_in(c).len(), 1, "channel {c}: one post");
        assert_eq!(threads_in(h, c), 1, "channel {c}: one thread");
    }
    let delivered = h
        .count("SELECT count(*) FROM posts WHERE delivered_at IS NOT NULL")
        .await;
    assert_eq!(delivered, chans.len() as i64);
}

#[sqlx::test]
async fn a_stretch_of_429s_and_500s_is_retried_with_backoff_while_the_other_channels_post_on_time(
    pool: PgPool,
) {
    let h = Harness::start(pool, at(8, 0)).await;
    let chans = channels(12);
    set_up(&h, &chans).await;
    let (failing, healthy) = chans.split_at(3);
    const RETRY_AFTER: f64 = 3.0;
    for c in failing {
        h.mock.fail_stretch(
            Method::POST,
            &format!("/channels/{c}/messages"),
            &[
                Fault::RateLimited {
                    retry_after: RETRY_AFTER,
                    global: false,
                },
                Fault::ServerError,
                // The post goes out but its answer is lost: the retry must
                // get the same message back, not post a second one.
                Fault::LostAnswer,
                Fault::ServerError,
            ],
        );
    }

    h.set_time(at(9, 0));
    all_posted(&h, &chans).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_once_each(&h, &chans).await;

    let first_retry = failing.iter().map(|c| posts_to(&h, c)[1].at).min().unwrap();
    for c in failing {
        let attempts = posts_to(&h, c);
        let statuses: Vec<u16> = attempts.iter().map(|r| r.status).collect();
        assert_eq!(statuses, vec![429, 500, 500, 500, 200], "channel {c}");
        let gaps: Vec<Duration> = attempts
            .windows(2)
            .map(|w| w[1].at.duration_since(w[0].at))
            .collect();
        assert!(
            gaps[0] >= Duration::from_secs_f64(RETRY_AFTER),
            "{c}: {gaps:?}"
        );
        // After each server error: at least the seeded, jittered back-off,
        // which grows with every failure.
        let post = post_of(&h, c).await;
        let waits: Vec<Duration> = (1..=3).map(|n| backoff().delay(post, n)).collect();
        assert!(waits[0] < waits[1] && waits[1] < waits[2], "{waits:?}");
        for (gap, wait) in gaps[1..].iter().zip(&waits) {
            assert!(gap >= wait, "{c}: waited {gap:?}, the back-off is {wait:?}");
        }
    }
    // The healthy channels did not wait for the failing ones: every one of
    // them was posted before any failing channel was even tried again.
    for c in healthy {
        let attempts = posts_to(&h, c);
        assert_eq!(attempts.len(), 1, "channel {c} was posted at the first try");
        assert!(attempts[0].at < first_retry, "channel {c} fell behind");
    }
    // The only 429s are the scripted ones: nothing was retried too early.
    assert_eq!(h.mock.invalid_requests().len(), failing.len());
    h.stop().await;
}

#[sqlx::test]
async fn a_global_429_holds_every_channel_back_until_retry_after_and_nothing_is_lost(pool: PgPool) {
    let h = Harness::start(pool, at(8, 0)).await;
    let chans = channels(10);
    set_up(&h, &chans).await;
    h.mock.fail_next(
        Method::POST,
        &format!("/channels/{}/messages", chans[0]),
        Fault::RateLimited {
            retry_after: 1.5,
            global: true,
        },
        1,
    );

    h.set_time(at(9, 0));
    all_posted(&h, &chans).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_once_each(&h, &chans).await;
    // While the bot as a whole was limited, only requests already on their
    // way when the 429 came back reached Discord: the bot sent no new ones.
    let in_flight = prepbot::delivery::SchedulerConfig::default().in_flight;
    let limited = h.mock.invalid_requests().len();
    assert!(
        (1..=1 + in_flight).contains(&limited),
        "{limited} requests were answered 429"
    );
    h.stop().await;
}
