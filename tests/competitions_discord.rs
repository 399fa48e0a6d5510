//! Competitions on Discord: the slash-command shims register under
//! Discord's rules (the mock refuses what Discord would), build the same
//! commands as the text grammar, and a season's results post reaches the
//! channel through the notifier.
#![cfg(feature = "discord")]

mod common;
mod support;

use sqlx::PgPool;
use support::discord_bot::*;
use support::discord_events::*;

#[sqlx::test]
async fn a_season_started_and_ended_with_slash_commands_posts_its_results_once(pool: PgPool) {
    let h = Harness::start(pool, at(8, 0)).await;
    let started = h
        .interact(&slash(
            "season",
            vec![sub(
                "start",
                vec![s("name", "Winter 2027"), s("ends", "2026-12-31")],
            )],
            &lead(),
            CHANNEL,
        ))
        .await;
    assert!(
        text_of(&started).contains("has started"),
        "{}",
        text_of(&started)
    );
    let hide = h
        .interact(&slash(
            "privacy",
            vec![choice("choice", 0)],
            &ada(),
            CHANNEL,
        ))
        .await;
    assert!(is_ephemeral(&hide));
    assert!(text_of(&hide).contains("anonymous"));
    let refused = h
        .interact(&slash("season", vec![sub("end", vec![])], &ada(), CHANNEL))
        .await;
    assert!(text_of(&refused).contains("Only"), "{}", text_of(&refused));
    let ended = h
        .interact(&slash("season", vec![sub("end", vec![])], &lead(), CHANNEL))
        .await;
    assert!(text_of(&ended).contains("ended"), "{}", text_of(&ended));
    let post = h
        .mock
        .wait_for("the season results post", |r| {
            r.method == "POST"
                && r.path.ends_with(&format!("/channels/{CHANNEL}/messages"))
                && r.body["nonce"] == "a1"
        })
        .await;
    assert!(
        post.body
            .to_string()
            .contains("Season results: Winter 2027"),
        "{}",
        post.body
    );
    // The delivery is recorded just after the post; the bound only detects a hang.
    let confirmed = "SELECT count(*) FROM competition_posts WHERE delivered_at IS NOT NULL";
    for _ in 0..100 {
        if h.count(confirmed).await == 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(h.count(confirmed).await, 1);
    let posts = h
        .mock
        .requests_to("POST", &format!("/channels/{CHANNEL}/messages"))
        .into_iter()
        .filter(|r| r.body["nonce"] == "a1")
        .count();
    assert_eq!(posts, 1);
    let history = h
        .interact(&slash(
            "season",
            vec![sub("history", vec![])],
            &ada(),
            CHANNEL,
        ))
        .await;
    assert!(
        text_of(&history).contains("Winter 2027"),
        "{}",
        text_of(&history)
    );
    h.stop().await;
}

#[sqlx::test]
async fn teams_are_created_joined_and_ranked_with_slash_commands(pool: PgPool) {
    let h = Harness::start(pool, at(8, 0)).await;
    let created = h
        .interact(&slash(
            "team",
            vec![sub("create", vec![s("name", "Blue")])],
            &lead(),
            CHANNEL,
        ))
        .await;
    assert!(
        text_of(&created).contains("Team Blue created"),
        "{}",
        text_of(&created)
    );
    let joined = h
        .interact(&slash(
            "team",
            vec![sub("join", vec![s("name", "blue")])],
            &ada(),
            CHANNEL,
        ))
        .await;
    assert!(
        text_of(&joined).contains("You are now in team Blue"),
        "{}",
        text_of(&joined)
    );
    let board = h
        .interact(&slash("team", vec![sub("board", vec![])], &ada(), CHANNEL))
        .await;
    assert!(text_of(&board).contains("Blue"), "{}", text_of(&board));
    h.stop().await;
}
