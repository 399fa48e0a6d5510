//! Bursts larger than the gate on interactions handled at once
//! (`INTERACTIONS_AT_ONCE`), for buttons, modals and slash commands alike:
//! the ones that wait are acknowledged first, within Discord's 3 seconds,
//! as their reply will be seen (a public command publicly, a page click as
//! an update of its message), and every one is still answered.
#![cfg(feature = "discord")]

mod support;

use prepbot::frontends::discord::INTERACTIONS_AT_ONCE;
use sqlx::PgPool;
use std::time::{Duration, Instant};
use support::discord_bot::*;
use support::discord_events::*;
use support::discord_mock::Recorded;

/// More interactions than the gate lets through at once.
const BURST: u64 = INTERACTIONS_AT_ONCE as u64 * 3;

fn member(i: u64) -> Member {
    Member::new(620_000_000_000_000_000 + i, &format!("m{i}"))
}

/// Pushes every interaction at once; returns each one's first response,
/// after checking it came within 3 seconds of the push.
async fn burst(h: &Harness, all: &[Pushed]) -> Vec<Recorded> {
    let pushed = Instant::now();
    for p in all {
        h.mock.push(p.frame.clone()).await;
    }
    let mut first = Vec::new();
    for p in all {
        let callback = p.callback_path();
        let r = h
            .mock
            .wait_for(&format!("the response to {callback}"), |r| {
                r.path == callback
            })
            .await;
        let took = r.at.duration_since(pushed);
        assert!(
            took < Duration::from_secs(3),
            "{callback} acknowledged after {took:?}"
        );
        first.push(r);
    }
    first
}

/// Waits until the person behind `p` sees a reply; returns its text.
async fn seen_text(h: &Harness, p: &Pushed) -> (bool, String) {
    h.mock
        .wait_until("the reply the person sees", || {
            let seen = h.mock.seen(&p.token).into_iter().next()?;
            let text = seen["data"]["embeds"].to_string();
            (text != "null").then(|| (is_private(&seen), text))
        })
        .await
}

fn kind(r: &Recorded) -> u64 {
    r.body["type"].as_u64().unwrap_or(0)
}

/// Pushes the burst; every one is answered at once (4) or deferred (5),
/// and its person sees a private leaderboard. Returns how many waited.
async fn all_see_the_board(h: &Harness, all: &[Pushed]) -> usize {
    let first = burst(h, all).await;
    for (p, r) in all.iter().zip(&first) {
        assert!(matches!(kind(r), 4 | 5), "{:#}", r.body);
        let (private, text) = seen_text(h, p).await;
        assert!(private && text.contains("Leaderboard"), "{text}");
    }
    assert!(h.mock.refused().is_empty(), "{:#?}", h.mock.refused());
    let deferred = first.iter().filter(|r| kind(r) == 5).count();
    eprintln!("{deferred} of {} waited for the gate", all.len());
    deferred
}

#[sqlx::test]
async fn clicks_beyond_the_gate_are_acknowledged_in_time_and_all_answered(pool: PgPool) {
    let h = Harness::start(pool, at(8, 0)).await;
    let board = "400000000000000001";
    let clicks: Vec<_> = (0..BURST)
        .map(|i| button("prepbot:lb:all:-:1", board, &member(i), CHANNEL))
        .collect();
    all_see_the_board(&h, &clicks).await;
    h.stop().await;
}

#[sqlx::test]
async fn slash_commands_beyond_the_gate_are_acknowledged_in_time_and_all_answered(pool: PgPool) {
    let h = Harness::start(pool, at(8, 0)).await;
    let commands: Vec<_> = (0..BURST)
        .map(|i| slash("leaderboard", vec![], &member(i), CHANNEL))
        .collect();
    let deferred = all_see_the_board(&h, &commands).await;
    assert!(
        deferred > 0,
        "none waited: the burst did not reach the gate"
    );
    h.stop().await;
}

#[sqlx::test]
async fn a_queued_public_command_is_answered_publicly(pool: PgPool) {
    let h = Harness::start(pool, at(8, 0)).await;
    let mut all: Vec<_> = (0..BURST)
        .map(|i| slash("leaderboard", vec![], &member(i), CHANNEL))
        .collect();
    let start = sub("start", vec![s("name", "Winter"), s("ends", "2026-12-31")]);
    all.push(slash("season", vec![start], &lead(), CHANNEL));
    let first = burst(&h, &all).await;
    let season = (all.last().unwrap(), first.last().unwrap());
    assert_eq!(kind(season.1), 5, "the season start did not wait");
    let (private, text) = seen_text(&h, season.0).await;
    assert!(!private, "a season start is announced publicly: {text}");
    assert!(text.contains("has started"), "{text}");
    assert!(h.mock.refused().is_empty(), "{:#?}", h.mock.refused());
    h.stop().await;
}

#[sqlx::test]
async fn a_queued_page_click_on_a_private_board_edits_that_board(pool: PgPool) {
    let h = Harness::start(pool, at(8, 0)).await;
    let board = "400000000000000001";
    let clicks: Vec<_> = (0..BURST)
        .map(|i| {
            let mut c = button("prepbot:lb:all:-:1", board, &member(i), CHANNEL);
            // The clicker's own board: an ephemeral reply.
            c.frame["d"]["message"]["flags"] = serde_json::json!(64);
            c
        })
        .collect();
    let first = burst(&h, &clicks).await;
    let updates = first.iter().filter(|r| kind(r) == 6).count();
    assert!(updates > 0, "none waited: the burst did not reach the gate");
    for (c, r) in clicks.iter().zip(&first) {
        // Replaced at once (7), or deferred as an update (6) and edited.
        assert!(matches!(kind(r), 6 | 7), "{:#}", r.body);
        let (private, text) = seen_text(&h, c).await;
        assert!(private && text.contains("Leaderboard"), "{text}");
        let made = h.mock.requests_to("POST", &c.webhook_path());
        assert!(made.is_empty(), "a page click made a message: {made:?}");
    }
    assert!(h.mock.refused().is_empty(), "{:#?}", h.mock.refused());
    h.stop().await;
}
