//! The multi-workspace install by OAuth v2: the callback stores a team's
//! token (sealed, never in clear), only for a `state` prepbot handed out,
//! the token is what prepbot then speaks with in that team, and
//! uninstalling removes it.
#![cfg(feature = "slack")]

mod common;
mod support;

use common::utc;
use prepbot::frontends::slack::oauth::SCOPES;
use serde_json::json;
use sqlx::PgPool;
use support::slack_bot::*;
use support::slack_methods::{GOOD_CODE, INSTALLED_TEAM, INSTALLED_TOKEN};

/// Follows `/slack/install` to Slack's consent page; returns the `state`.
async fn install_link(h: &SlackHarness) -> String {
    let (status, location, _) = h.browse("/slack/install").await;
    assert_eq!(status, 302);
    assert!(
        location.starts_with("https://slack.com/oauth/v2/authorize?"),
        "{location}"
    );
    assert!(
        location.contains(&format!("client_id={CLIENT_ID}"))
            && location.contains(&serde_urlencoded::to_string([("scope", SCOPES)]).unwrap()),
        "{location}"
    );
    let state = location.split("state=").nth(1).expect("a state").to_owned();
    assert_eq!(state.len(), 32);
    state
}

#[sqlx::test]
async fn the_oauth_callback_stores_the_teams_token_sealed_and_uninstalling_removes_it(
    pool: PgPool,
) {
    let h = SlackHarness::start_with(pool, utc(2026, 11, 23, 8, 45), true, false).await;
    let state = install_link(&h).await;
    let (status, _, page) = h
        .browse(&format!(
            "/slack/oauth/callback?code={GOOD_CODE}&state={state}"
        ))
        .await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains(INSTALLED_TEAM), "{page}");
    let sealed: Vec<u8> =
        sqlx::query_scalar("SELECT bot_token FROM slack_installs WHERE team_id = $1")
            .bind(INSTALLED_TEAM)
            .fetch_one(&h.pool)
            .await
            .unwrap();
    assert!(
        !sealed
            .windows(INSTALLED_TOKEN.len())
            .any(|w| w == INSTALLED_TOKEN.as_bytes()),
        "stored in clear"
    );

    // The installed team's admin check goes out with the team's own token.
    let (_, id) = h
        .command_in(
            INSTALLED_TEAM,
            "U0BOSS",
            "daily setup time:09:00 tz:UTC",
            Signing::Good,
        )
        .await;
    h.answer_to(&id).await;
    let asked = h.mock.calls_to("users.info");
    assert_eq!(asked[0].token.as_deref(), Some(INSTALLED_TOKEN));

    let gone = json!({"type": "event_callback", "team_id": INSTALLED_TEAM, "event_id": "EvBYE",
                      "event": {"type": "app_uninstalled"}});
    assert_eq!(h.event(gone, Signing::Good).await.0, 200);
    let mut left = 1;
    // A generous bound, only to turn a hang into a failure.
    for _ in 0..400 {
        left = h.count("SELECT count(*) FROM slack_installs").await;
        if left == 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(left, 0, "the token is forgotten");
    h.stop().await;
}

#[sqlx::test]
async fn a_callback_with_a_state_prepbot_never_handed_out_or_already_used_stores_nothing(
    pool: PgPool,
) {
    let h = SlackHarness::start_with(pool, utc(2026, 11, 23, 8, 45), true, false).await;
    let (status, _, page) = h
        .browse(&format!(
            "/slack/oauth/callback?code={GOOD_CODE}&state=forged"
        ))
        .await;
    assert_eq!(status, 400, "{page}");
    let (status, _, _) = h
        .browse(&format!("/slack/oauth/callback?code={GOOD_CODE}"))
        .await;
    assert_eq!(status, 400);
    assert!(
        h.mock.calls_to("oauth.v2.access").is_empty(),
        "the code is never traded"
    );
    let state = install_link(&h).await;
    let callback = format!("/slack/oauth/callback?code={GOOD_CODE}&state={state}");
    assert_eq!(h.browse(&callback).await.0, 200);
    assert_eq!(h.browse(&callback).await.0, 400, "a state works once");
    assert_eq!(h.mock.calls_to("oauth.v2.access").len(), 1);
    assert_eq!(h.count("SELECT count(*) FROM slack_installs").await, 1);
    h.stop().await;
}

#[sqlx::test]
async fn an_install_link_older_than_ten_minutes_is_refused(pool: PgPool) {
    let h = SlackHarness::start_with(pool, utc(2026, 11, 23, 8, 45), true, false).await;
    let state = install_link(&h).await;
    h.set_time(utc(2026, 11, 23, 8, 56));
    let (status, _, page) = h
        .browse(&format!(
            "/slack/oauth/callback?code={GOOD_CODE}&state={state}"
        ))
        .await;
    assert_eq!(status, 400);
    assert!(page.contains("expired"), "{page}");
    assert_eq!(h.count("SELECT count(*) FROM slack_installs").await, 0);
    h.stop().await;
}
