//! A burst of clicks larger than the gate on buttons and modals handled at
//! once (`INTERACTIONS_AT_ONCE`): the ones that wait are acknowledged first,
//! within Discord's 3 seconds, and every one is still answered.
#![cfg(feature = "discord")]

mod support;

use prepbot::frontends::discord::INTERACTIONS_AT_ONCE;
use sqlx::PgPool;
use std::time::{Duration, Instant};
use support::discord_bot::*;
use support::discord_events::*;

#[sqlx::test]
async fn clicks_beyond_the_gate_are_acknowledged_in_time_and_all_answered(pool: PgPool) {
    let h = Harness::start(pool, at(8, 0)).await;
    let clicks: Vec<_> = (0..INTERACTIONS_AT_ONCE as u64 * 3)
        .map(|i| {
            let who = Member::new(620_000_000_000_000_000 + i, &format!("m{i}"));
            button("prepbot:lb:all:-:1", "400000000000000001", &who, CHANNEL)
        })
        .collect();
    let mut deferred = 0;
    let pushed = Instant::now();
    for c in &clicks {
        h.mock.push(c.frame.clone()).await;
    }
    for c in &clicks {
        let (callback, edit) = (
            c.callback_path(),
            format!("{}/messages/@original", c.webhook_path()),
        );
        let first = h
            .mock
            .wait_for(&format!("the response to {callback}"), |r| {
                r.path == callback
            })
            .await;
        let took = first.at.duration_since(pushed);
        assert!(
            took < Duration::from_secs(3),
            "{callback} acknowledged after {took:?}"
        );
        // Answered at once (4), or deferred (5) and finished by an edit.
        let shown = match first.body["type"].as_u64() {
            Some(4) => first,
            Some(5) => {
                deferred += 1;
                h.mock
                    .wait_for("the deferred answer", |r| {
                        r.method == "PATCH" && r.path == edit
                    })
                    .await
            }
            other => panic!("unexpected response type {other:?}: {:#}", first.body),
        };
        assert!(
            text_of(&shown).contains("Leaderboard"),
            "{}",
            text_of(&shown)
        );
    }
    eprintln!("{deferred} of {} waited for the gate", clicks.len());
    assert!(h.mock.refused().is_empty(), "{:#?}", h.mock.refused());
    h.stop().await;
}
