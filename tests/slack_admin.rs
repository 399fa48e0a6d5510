//! Who may run admin commands on Slack (workspace admins and owners, asked
//! of `users.info`, and members of `SLACK_ADMIN_GROUP`, asked of
//! `usergroups.users.list`), and what losing a workspace does to its
//! schedules.
#![cfg(feature = "slack")]

mod common;
mod support;

use common::utc;
use serde_json::json;
use sqlx::PgPool;
use support::slack_bot::*;
use support::slack_mock::Fault;

/// A bot whose `SLACK_ADMIN_GROUP` is `group`, at 08:45 on a Monday.
async fn with_admin_group(pool: PgPool, group: &str) -> SlackHarness {
    let now = utc(2026, 11, 23, 8, 45);
    SlackHarness::start_configured(pool, now, false, false, Some(group)).await
}

#[sqlx::test]
async fn a_member_who_is_not_a_workspace_admin_is_told_who_may_set_up_the_daily_question(
    pool: PgPool,
) {
    let h = SlackHarness::start(pool, utc(2026, 11, 23, 8, 45)).await;
    let (_, id) = h
        .command("U0ADA", "daily setup time:09:00 tz:UTC", Signing::Good)
        .await;
    let answer = h.answer_to(&id).await;
    assert_eq!(answer["response_type"], "ephemeral");
    assert!(
        text_of(&answer).contains("workspace admins and owners"),
        "{answer}"
    );
    let asked = h.mock.calls_to("users.info");
    assert_eq!(asked.len(), 1);
    assert_eq!(asked[0].body["user"], "U0ADA");
    assert_eq!(h.count("SELECT count(*) FROM daily_settings").await, 0);
    h.stop().await;
}

#[sqlx::test]
async fn a_workspace_admin_may_and_members_commands_never_ask_slack_who_they_are(pool: PgPool) {
    let h = SlackHarness::start(pool, utc(2026, 11, 23, 8, 45)).await;
    let (_, id) = h.command("U0ADA", "stats", Signing::Good).await;
    h.answer_to(&id).await;
    assert!(
        h.mock.calls_to("users.info").is_empty(),
        "no admin check for a member's command"
    );
    h.mock.make_admin("U0ADMIN");
    let (_, id) = h
        .command(
            "U0ADMIN",
            "daily setup time:09:00 tz:Europe/London",
            Signing::Good,
        )
        .await;
    assert!(text_of(&h.answer_to(&id).await).contains("Daily question set up"));
    assert_eq!(h.count("SELECT count(*) FROM daily_settings").await, 1);
    h.stop().await;
}

#[sqlx::test]
async fn uninstalling_the_app_pauses_the_workspaces_schedules_with_the_reason(pool: PgPool) {
    let h = SlackHarness::start(pool, utc(2026, 11, 23, 8, 45)).await;
    h.mock.make_admin("U0ADMIN");
    let (_, id) = h
        .command("U0ADMIN", "daily setup time:09:00 tz:UTC", Signing::Good)
        .await;
    h.answer_to(&id).await;
    let gone = json!({"type": "event_callback", "team_id": TEAM, "event_id": "EvGONE",
                      "event": {"type": "app_uninstalled", "event_ts": "1"}});
    assert_eq!(h.event(gone, Signing::Good).await.0, 200);
    let mut paused = 0;
    // A generous bound, only to turn a hang into a failure.
    for _ in 0..400 {
        paused = h
            .count("SELECT count(*) FROM daily_settings WHERE paused AND paused_reason IS NOT NULL")
            .await;
        if paused == 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(paused, 1);
    // Nothing is posted where the bot can no longer post.
    h.set_time(utc(2026, 11, 23, 9, 5));
    let (_, id) = h.command("U0ADA", "help", Signing::Good).await;
    h.answer_to(&id).await;
    assert!(h.mock.calls_to("chat.postMessage").is_empty());
    h.stop().await;
}

#[sqlx::test]
async fn a_member_of_the_admin_user_group_may_run_admin_commands_and_others_are_told_why_not(
    pool: PgPool,
) {
    let h = with_admin_group(pool, "S0PREPADMINS").await;
    h.mock.make_group("S0PREPADMINS", &["U0GRACE", "U0LIN"]);
    let (_, id) = h
        .command("U0GRACE", "daily setup time:09:00 tz:UTC", Signing::Good)
        .await;
    assert!(text_of(&h.answer_to(&id).await).contains("Daily question set up"));
    assert_eq!(h.count("SELECT count(*) FROM daily_settings").await, 1);
    let asked = h.mock.calls_to("usergroups.users.list");
    assert_eq!(asked.len(), 1, "asked only because users.info said no");
    assert_eq!(asked[0].body["usergroup"], "S0PREPADMINS");

    let (_, id) = h.command("U0ADA", "daily pause", Signing::Good).await;
    let refused = h.answer_to(&id).await;
    assert_eq!(refused["response_type"], "ephemeral");
    assert!(
        text_of(&refused).contains(
            "Only workspace admins and owners, and members of prepbot's admin user group can do that."
        ),
        "{refused}"
    );
    let paused = h
        .count("SELECT count(*) FROM daily_settings WHERE paused")
        .await;
    assert_eq!(paused, 0);

    // A workspace admin is one without being in the group, and Slack is
    // not asked about the group then.
    h.mock.make_admin("U0ADMIN");
    let (_, id) = h.command("U0ADMIN", "daily pause", Signing::Good).await;
    assert!(text_of(&h.answer_to(&id).await).contains("paused"));
    assert_eq!(h.mock.calls_to("usergroups.users.list").len(), 2);
    h.stop().await;
}

#[sqlx::test]
async fn a_configured_group_the_workspace_does_not_have_makes_nobody_an_admin(pool: PgPool) {
    let h = with_admin_group(pool, "S0NOSUCH").await;
    let (_, id) = h
        .command("U0ADA", "daily setup time:09:00 tz:UTC", Signing::Good)
        .await;
    assert!(text_of(&h.answer_to(&id).await).contains("Only workspace admins"));
    let asked = h.mock.calls_to("usergroups.users.list");
    assert_eq!(asked[0].error.as_deref(), Some("no_such_subteam"));
    assert_eq!(h.count("SELECT count(*) FROM daily_settings").await, 0);
    h.stop().await;
}

/// `usergroups.users.list` is a Tier 2 method (about 20 calls a minute):
/// an answer is remembered a minute, so an admin's commands in a row ask
/// Slack once, and a rate-limited Slack does not take their rights away.
#[sqlx::test]
async fn an_admins_rights_are_asked_once_a_minute_and_survive_a_rate_limited_slack(pool: PgPool) {
    let h = with_admin_group(pool, "S0PREPADMINS").await;
    h.mock.make_group("S0PREPADMINS", &["U0GRACE"]);
    let (_, id) = h
        .command("U0GRACE", "daily setup time:09:00 tz:UTC", Signing::Good)
        .await;
    assert!(text_of(&h.answer_to(&id).await).contains("Daily question set up"));
    for method in ["users.info", "usergroups.users.list"] {
        h.mock
            .fail_next(method, Fault::RateLimited { secs: 30 }, 10);
    }
    let (_, id) = h.command("U0GRACE", "daily pause", Signing::Good).await;
    let paused = text_of(&h.answer_to(&id).await);
    assert!(!paused.contains("Only workspace admins"), "{paused}");
    assert_eq!(
        h.count("SELECT count(*) FROM daily_settings WHERE paused")
            .await,
        1
    );
    assert_eq!(
        h.mock.calls_to("usergroups.users.list").len(),
        1,
        "asked once"
    );
    h.stop().await;
}
