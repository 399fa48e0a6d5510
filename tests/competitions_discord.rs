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

#[sqlx::test]
async fn a_live_round_on_discord_posts_questions_with_a_countdown_and_ends_with_a_podium(
    pool: PgPool,
) {
    let h = Harness::start(pool, at(8, 0)).await;
    let refused = h
        .interact(&slash("round", vec![sub("start", vec![])], &ada(), CHANNEL))
        .await;
    assert!(text_of(&refused).contains("Only"), "{}", text_of(&refused));
    let started = h
        .interact(&slash(
            "round",
            vec![sub("start", vec![i("questions", 2), i("seconds", 30)])],
            &lead(),
            CHANNEL,
        ))
        .await;
    assert!(
        text_of(&started).contains("Round #1 starts: 2 questions"),
        "{}",
        text_of(&started)
    );
    let posted = |nonce: &'static str| {
        move |r: &support::discord_mock::Recorded| {
            r.method == "POST"
                && r.path.ends_with(&format!("/channels/{CHANNEL}/messages"))
                && r.body["nonce"] == nonce
        }
    };
    // The first question, with Discord's live countdown to its deadline
    // and the usual answer controls.
    let q1 = h.mock.wait_for("the first question", posted("a1")).await;
    let deadline = (at(8, 0) + chrono::Duration::seconds(30)).timestamp();
    let body = q1.body.to_string();
    assert!(body.contains("Round #1 · question 1 of 2"), "{body}");
    assert!(body.contains(&format!("<t:{deadline}:R>")), "{body}");
    assert!(
        q1.body["components"]
            .as_array()
            .is_some_and(|c| !c.is_empty()),
        "{body}"
    );
    let status = h
        .interact(&slash(
            "round",
            vec![sub("status", vec![])],
            &ada(),
            CHANNEL,
        ))
        .await;
    assert!(is_ephemeral(&status));
    assert!(
        text_of(&status).contains("question 1 of 2"),
        "{}",
        text_of(&status)
    );
    // Past the deadline the scheduler posts the answer and the standings.
    h.set_time(at(8, 0) + chrono::Duration::seconds(31));
    let a1 = h.mock.wait_for("the first answer", posted("a2")).await;
    assert!(
        a1.body.to_string().contains("answer to question 1 of 2"),
        "{}",
        a1.body
    );
    // Stopped between questions: the podium, once.
    let stopped = h
        .interact(&slash("round", vec![sub("stop", vec![])], &lead(), CHANNEL))
        .await;
    assert!(
        text_of(&stopped).contains("stopped"),
        "{}",
        text_of(&stopped)
    );
    let end = h.mock.wait_for("the podium", posted("a3")).await;
    assert!(
        end.body.to_string().contains("Round #1 is over"),
        "{}",
        end.body
    );
    h.set_time(at(8, 5));
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let round_posts = h
        .mock
        .requests_to("POST", &format!("/channels/{CHANNEL}/messages"))
        .into_iter()
        .filter(|r| r.body["nonce"].as_str().is_some_and(|n| n.starts_with('a')))
        .count();
    assert_eq!(round_posts, 3, "no question after the stop");
    h.stop().await;
}
