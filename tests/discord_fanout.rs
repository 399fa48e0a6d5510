//! The daily fan-out against the Discord mock, with real PostgreSQL: 429s
//! and 500s are retried without double posts, a restart posts nothing twice,
//! and the request rate stays under Discord's global limit.
#![cfg(feature = "discord")]

mod support;

use axum::http::Method;
use chrono::NaiveTime;
use prepbot::domain::command::{Command, DailyCommand, DailySetup, Days};
use sqlx::PgPool;
use std::time::Duration;
use support::discord_bot::*;
use support::discord_events::*;
use support::discord_mock::Fault;

fn channels(n: u64) -> Vec<String> {
    (0..n)
        .map(|i| (820_000_000_000_000_000 + i).to_string())
        .collect()
}

/// Sets up a 09:00 UTC daily question (reveal 17:00) in each channel.
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

async fn all_posted(h: &Harness, channels: &[String]) {
    h.mock
        .wait_until("every channel's daily post", || {
            channels
                .iter()
                .all(|c| !h.mock.messages_in(c).is_empty())
                .then_some(())
        })
        .await;
}

fn posts_to(h: &Harness, channel: &str) -> Vec<support::discord_mock::Recorded> {
    h.mock
        .requests_to("POST", &format!("/channels/{channel}/messages"))
        .into_iter()
        .filter(|r| !r.path.ends_with("/threads"))
        .collect()
}

#[sqlx::test]
async fn a_429_during_the_daily_fan_out_is_retried_after_retry_after_and_nothing_is_posted_twice(
    pool: PgPool,
) {
    let h = Harness::start(pool, at(8, 0)).await;
    let chans = channels(6);
    set_up(&h, &chans).await;
    let limited = &chans[2];
    h.mock.fail_next(
        Method::POST,
        &format!("/channels/{limited}/messages"),
        Fault::RateLimited {
            retry_after: 0.6,
            global: false,
        },
        1,
    );

    h.set_time(at(9, 0));
    all_posted(&h, &chans).await;
    tokio::time::sleep(Duration::from_millis(400)).await;

    for c in &chans {
        assert_eq!(
            h.mock.messages_in(c).len(),
            1,
            "channel {c} got exactly one post"
        );
    }
    let attempts = posts_to(&h, limited);
    assert_eq!(
        attempts.iter().map(|r| r.status).collect::<Vec<_>>(),
        vec![429, 200]
    );
    let waited = attempts[1].at.duration_since(attempts[0].at);
    assert!(
        waited >= Duration::from_millis(600),
        "retried after {waited:?}, before retry_after"
    );
    assert_eq!(
        h.count("SELECT count(*) FROM posts WHERE delivered_at IS NOT NULL")
            .await,
        6
    );
    h.stop().await;
}

#[sqlx::test]
async fn a_post_still_failing_after_every_retry_is_delivered_by_a_later_tick_exactly_once(
    pool: PgPool,
) {
    let h = Harness::start(pool, at(8, 0)).await;
    let chans = channels(3);
    set_up(&h, &chans).await;
    let failing = &chans[1];
    // 500s for every attempt of this tick (retried after back-offs).
    let attempts = prepbot::delivery::SchedulerConfig::default().attempts as usize;
    h.mock.fail_next(
        Method::POST,
        &format!("/channels/{failing}/messages"),
        Fault::ServerError,
        attempts,
    );

    h.set_time(at(9, 0));
    h.mock
        .wait_until("every attempt of the tick", || {
            (posts_to(&h, failing).len() == attempts).then_some(())
        })
        .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(h.mock.messages_in(failing).is_empty());

    h.set_time(at(9, 5));
    all_posted(&h, &chans).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    for c in &chans {
        assert_eq!(
            h.mock.messages_in(c).len(),
            1,
            "channel {c} got exactly one post"
        );
    }
    h.stop().await;
}

#[sqlx::test]
async fn a_restart_of_the_bot_mid_day_posts_nothing_twice_and_still_reveals_by_editing(
    pool: PgPool,
) {
    let mut h = Harness::start(pool, at(8, 0)).await;
    let chans = channels(2);
    set_up(&h, &chans).await;
    h.set_time(at(9, 0));
    all_posted(&h, &chans).await;

    h.restart().await;
    assert_eq!(h.mock.sessions(), 2, "a second gateway session");
    h.set_time(at(12, 0));
    tokio::time::sleep(Duration::from_millis(500)).await;
    for c in &chans {
        assert_eq!(
            posts_to(&h, c).len(),
            1,
            "channel {c} was not posted to again"
        );
    }

    h.set_time(at(17, 0));
    for c in &chans {
        let id = h.mock.messages_in(c)[0]["id"].as_str().unwrap().to_owned();
        let path = format!("/channels/{c}/messages/{id}");
        h.mock
            .wait_for("the reveal edit after the restart", |r| {
                r.method == "PATCH" && r.path == path
            })
            .await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    for c in &chans {
        assert_eq!(h.mock.messages_in(c).len(), 1);
        assert_eq!(
            h.mock
                .requests_to("PATCH", &format!("/channels/{c}/messages/"))
                .len(),
            1,
            "one reveal"
        );
    }
    h.stop().await;
}

#[sqlx::test]
async fn the_daily_fan_out_stays_under_discords_global_limit_of_50_requests_per_second(
    pool: PgPool,
) {
    let h = Harness::start(pool, at(8, 0)).await;
    let chans = channels(80);
    set_up(&h, &chans).await;
    h.set_time(at(9, 0));
    all_posted(&h, &chans).await;

    let to_channels = |r: &support::discord_mock::Recorded| r.path.starts_with("/channels/");
    let count = || h.mock.requests().iter().filter(|r| to_channels(r)).count();
    h.mock
        .wait_until("a post and a thread per channel", || {
            (count() >= 160).then_some(())
        })
        .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        count(),
        160,
        "a post and a thread per channel, nothing more"
    );
    let peak = h.mock.peak_rate(Duration::from_secs(1), to_channels);
    // 40/s nominal; a late timer can bunch a request or two into one window,
    // which is what the headroom under Discord's 50/s is for.
    assert!(
        peak <= 45,
        "peak of {peak} requests in one second: over the 40/s pace"
    );
    assert!(
        peak >= 30,
        "peak of {peak} requests in one second: the test did not load the pacer"
    );
    h.stop().await;
}

/// Also: a refused thread is not asked for again the next day. Discord
/// bans an IP for a while after 10,000 refused requests in 10 minutes, and
/// a bot in many servers without thread rights would get there.
#[sqlx::test]
async fn a_server_that_forbids_threads_still_gets_its_daily_post(pool: PgPool) {
    let h = Harness::start(pool, at(8, 0)).await;
    h.mock.forbid_threads();
    let chans = channels(2);
    set_up(&h, &chans).await;
    h.set_time(at(9, 0));
    all_posted(&h, &chans).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let threads = h
        .mock
        .requests()
        .into_iter()
        .filter(|r| r.path.ends_with("/threads"))
        .collect::<Vec<_>>();
    assert_eq!(
        threads.iter().map(|r| r.status).collect::<Vec<_>>(),
        vec![403, 403]
    );
    assert_eq!(
        h.count("SELECT count(*) FROM posts WHERE delivered_at IS NOT NULL")
            .await,
        2
    );
    for c in &chans {
        assert_eq!(
            posts_to(&h, c).len(),
            1,
            "not retried because of the thread"
        );
    }
    h.set_time(at(9, 0) + chrono::Duration::days(1));
    h.mock
        .wait_until("the next day's posts", || {
            chans
                .iter()
                .all(|c| posts_to(&h, c).len() == 2)
                .then_some(())
        })
        .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let threads = h.mock.requests().into_iter();
    assert_eq!(
        threads.filter(|r| r.path.ends_with("/threads")).count(),
        2,
        "no thread asked for again where one was refused"
    );
    h.stop().await;
}

#[sqlx::test]
async fn people_with_embeds_turned_off_still_read_the_daily_question_and_its_reveal(pool: PgPool) {
    let h = Harness::start(pool, at(8, 0)).await;
    let chans = channels(1);
    set_up(&h, &chans).await;
    h.set_time(at(9, 0));
    all_posted(&h, &chans).await;
    let post = h.mock.messages_in(&chans[0])[0].clone();
    let content = post["content"].as_str().unwrap_or_default();
    let prompt = post["embeds"][0]["description"]
        .as_str()
        .unwrap_or_default();
    let opening: String = prompt.chars().take(40).collect();
    assert!(content.starts_with("Daily question #"), "{content}");
    assert!(
        content.contains(opening.trim()),
        "the prompt is in the text: {content}"
    );

    h.set_time(at(17, 0));
    let id = post["id"].as_str().unwrap();
    let path = format!("/channels/{}/messages/{id}", chans[0]);
    let edit = h
        .mock
        .wait_for("the reveal edit", |r| r.method == "PATCH" && r.path == path)
        .await;
    let content = edit.body["content"].as_str().unwrap_or_default();
    assert!(
        content.starts_with("Revealed: daily question #"),
        "{content}"
    );
    h.stop().await;
}

#[sqlx::test]
async fn a_redelivery_after_discord_forgot_the_nonce_finds_the_earlier_post_and_posts_nothing(
    pool: PgPool,
) {
    let h = Harness::start(pool, at(8, 0)).await;
    let chans = channels(2);
    set_up(&h, &chans).await;
    let (lost, open) = (&chans[0], &chans[1]);
    h.mock
        .add_channel(lost, 0, support::discord_lifecycle::ALL_NEEDED);
    // The post goes out but its answer is lost, and every retry of this
    // tick gets a 500: the tick gives up with the post unrecorded.
    let attempts = prepbot::delivery::SchedulerConfig::default().attempts as usize;
    let mut stretch = vec![Fault::LostAnswer];
    stretch.resize(attempts, Fault::ServerError);
    h.mock.fail_stretch(
        Method::POST,
        &format!("/channels/{lost}/messages"),
        &stretch,
    );
    h.set_time(at(9, 0));
    all_posted(&h, &chans).await;
    h.mock
        .wait_until("every attempt of the tick", || {
            (posts_to(&h, lost).len() == attempts).then_some(())
        })
        .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        h.count("SELECT count(*) FROM posts WHERE delivered_at IS NULL")
            .await,
        1,
        "the lost answer left the post unrecorded"
    );
    // Discord forgets a nonce after a few minutes; the redelivery comes later.
    h.mock.set_lifetimes(support::discord_lifecycle::Lifetimes {
        nonce: Duration::ZERO,
        ..Default::default()
    });

    h.set_time(at(9, 5));
    h.mock
        .wait_for("the look at the channel", |r| {
            r.method == "GET" && r.path == format!("/channels/{lost}/messages")
        })
        .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(h.mock.messages_in(lost).len(), 1, "no second post");
    assert_eq!(posts_to(&h, lost).len(), attempts, "none after the look");
    assert_eq!(h.mock.messages_in(open).len(), 1);
    assert_eq!(
        h.count("SELECT count(*) FROM posts WHERE delivered_at IS NULL")
            .await,
        0
    );

    h.set_time(at(17, 0));
    let id = h.mock.messages_in(lost)[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = format!("/channels/{lost}/messages/{id}");
    h.mock
        .wait_for("the reveal edits the post it found", |r| {
            r.method == "PATCH" && r.path == path
        })
        .await;
    h.stop().await;
}

#[sqlx::test]
async fn a_discussion_thread_refused_with_a_global_429_is_opened_after_the_wait(pool: PgPool) {
    let h = Harness::start(pool, at(8, 0)).await;
    let chans = channels(3);
    set_up(&h, &chans).await;
    h.mock.fail_next(
        Method::POST,
        "/threads",
        Fault::RateLimited {
            retry_after: 0.4,
            global: true,
        },
        2,
    );
    h.set_time(at(9, 0));
    all_posted(&h, &chans).await;
    let threads_of = |c: &str| {
        h.mock
            .requests_to("POST", &format!("/channels/{c}/messages/"))
    };
    h.mock
        .wait_until("a thread for every post", || {
            chans
                .iter()
                .all(|c| {
                    threads_of(c)
                        .iter()
                        .any(|r| r.status == 200 || r.status == 201)
                })
                .then_some(())
        })
        .await;
    let statuses: Vec<u16> = h
        .mock
        .requests()
        .iter()
        .filter(|r| r.path.ends_with("/threads"))
        .map(|r| r.status)
        .collect();
    assert_eq!(
        statuses.iter().filter(|&&s| s == 429).count(),
        2,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.len(),
        5,
        "three threads and the two refused: {statuses:?}"
    );
    for c in &chans {
        assert_eq!(
            posts_to(&h, c).len(),
            1,
            "the post itself is not repeated: {:#?}",
            h.mock.paths()
        );
    }
    h.stop().await;
}
