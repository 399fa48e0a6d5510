//! `/readyz` for Slack: ready once Slack accepts the bot token
//! (`auth.test`) and, in Socket Mode, while the WebSocket is open. A token
//! Slack refuses keeps the bot out of rotation, and the reasons say which
//! check failed.
#![cfg(feature = "slack")]

mod common;
mod support;

use common::utc;
use serde_json::Value;
use sqlx::PgPool;
use std::time::{Duration, Instant};
use support::slack_bot::*;
use support::slack_mock::{Fault, SlackMock, BOT_TOKEN};

/// `/readyz`'s status and reasons, once `want` is its status or after 10 s.
async fn readyz_when(h: &SlackHarness, want: u16) -> (u16, Vec<String>) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let r = reqwest::get(format!("http://{}/readyz", h.addr))
            .await
            .unwrap();
        let status = r.status().as_u16();
        let body: Value = r.json().await.unwrap();
        let reasons = body["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r.as_str().unwrap().to_owned())
            .collect();
        if status == want || Instant::now() > deadline {
            return (status, reasons);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[sqlx::test]
async fn slack_is_ready_once_slack_accepts_the_bot_token(pool: PgPool) {
    let h = SlackHarness::start(pool, utc(2026, 11, 23, 8, 45)).await;
    let (status, reasons) = readyz_when(&h, 200).await;
    assert_eq!(status, 200, "{reasons:?}");
    let asked = h.mock.calls_to("auth.test");
    assert_eq!(asked.len(), 1, "asked once");
    assert_eq!(asked[0].token.as_deref(), Some(BOT_TOKEN));
    h.stop().await;
}

#[sqlx::test]
async fn a_bot_token_slack_refuses_keeps_the_bot_not_ready_and_says_which_check(pool: PgPool) {
    let h =
        SlackHarness::start_with_bot_token(pool, utc(2026, 11, 23, 8, 45), "xoxb-revoked").await;
    h.mock.expect_refusals();
    h.mock
        .wait_until("auth.test", || {
            (!h.mock.calls_to("auth.test").is_empty()).then_some(())
        })
        .await;
    // Past the first pause before asking again (1 s), were it to ask.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let (status, reasons) = readyz_when(&h, 503).await;
    assert_eq!(status, 503);
    assert_eq!(reasons, vec!["slack bot token not accepted (auth.test)"]);
    assert_eq!(
        h.mock.calls_to("auth.test").len(),
        1,
        "a refused token is not asked about again"
    );
    h.stop().await;
}

#[sqlx::test]
async fn socket_mode_is_ready_while_its_websocket_is_open(pool: PgPool) {
    let h = SlackHarness::start_with(pool, utc(2026, 11, 23, 8, 45), false, true).await;
    let (status, reasons) = readyz_when(&h, 200).await;
    assert_eq!(status, 200, "{reasons:?}");
    h.stop().await;
}

/// Slack's passing trouble (`fatal_error`, a 500) is asked about again:
/// only a refused token gives up.
#[tokio::test]
async fn slack_trouble_at_start_is_asked_about_again_until_the_token_is_accepted() {
    use prepbot::frontends::slack::{api::Api, readiness::check_token};
    use std::sync::atomic::{AtomicBool, Ordering};
    let mock = SlackMock::start().await;
    mock.fail_next("auth.test", Fault::Error("fatal_error"), 1);
    mock.fail_next("auth.test", Fault::ServerError { took_effect: false }, 1);
    let ok = std::sync::Arc::new(AtomicBool::new(false));
    let (_stop, stop_rx) = tokio::sync::watch::channel(false);
    let api = Api::new(&mock.api_base(), Some(BOT_TOKEN.to_owned().into()));
    tokio::time::timeout(
        Duration::from_secs(10),
        check_token(api, ok.clone(), stop_rx),
    )
    .await
    .expect("accepted after the pauses (1 s, then 2 s)");
    assert!(ok.load(Ordering::Relaxed));
    assert_eq!(mock.calls_to("auth.test").len(), 3);
}
