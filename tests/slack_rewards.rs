//! Rewards on Slack: Slack has no roles, so a reward is a badge the core
//! puts on boards and in stats, and the Slack front end only maps it. An
//! admin's signed `/prep rewards milestones 5`, a member's right answer
//! through a button, the scheduler's grant, then the badge in `/prep
//! stats` and on `/prep leaderboard all`, with no role call to Slack.
#![cfg(feature = "slack")]

mod common;
mod support;

use common::utc;
use sqlx::PgPool;
use support::slack_bot::*;

const ADMIN: &str = "U0ADMIN";
const ADA: &str = "U0ADA";
const BEA: &str = "U0BEA";

/// Types `/prep <text>` as `user` and returns the text of its answer.
async fn prep(h: &SlackHarness, user: &str, text: &str) -> String {
    let (status, id) = h.command(user, text, Signing::Good).await;
    assert_eq!(status, 200, "{text}");
    text_of(&h.answer_to(&id).await)
}

#[sqlx::test]
async fn a_milestone_reward_shows_as_a_badge_in_stats_and_on_the_board_on_slack(pool: PgPool) {
    let h = SlackHarness::start(pool, utc(2026, 11, 23, 8, 45)).await;
    h.mock.make_admin(ADMIN);
    let on = prep(&h, ADMIN, "rewards milestones 5").await;
    assert!(on.contains("Milestone rewards on"), "{on}");

    let (_, id) = h.command(ADA, "quiz format:choice", Signing::Good).await;
    let question = h.answer_to(&id).await;
    let right = actions(&question)
        .into_iter()
        .find(|a| a.starts_with("prepbot:choose:") && a.ends_with(":a"))
        .expect("option a");
    let (status, url) = h.click(ADA, &right, None, &[]).await;
    assert_eq!(status, 200);
    assert!(text_of(&h.answer_to(&url).await).starts_with("Correct"));

    // The scheduler (ticking every 100 ms here) grants it.
    for _ in 0..200 {
        if h.count("SELECT count(*) FROM member_rewards").await == 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(h.count("SELECT count(*) FROM member_rewards").await, 1);

    let stats = prep(&h, ADA, "stats").await;
    // Slack lays stats out as fields: the badges are one, under its label.
    assert!(stats.contains("*Badges*\n⭐ 5"), "{stats}");
    let board = prep(&h, BEA, "leaderboard all").await;
    assert!(board.contains("⭐ 5"), "{board}");
    let rewards = prep(&h, ADA, "rewards").await;
    assert!(rewards.contains("*Your badges*\n⭐ 5"), "{rewards}");
    assert!(
        h.mock.refused().is_empty(),
        "Slack refused nothing: {:?}",
        h.mock.refused()
    );
    h.stop().await;
}
