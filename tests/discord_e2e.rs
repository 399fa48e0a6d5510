//! End to end: the real bot (serenity + poise front end, engine, scheduler)
//! against the local Discord mock, with real PostgreSQL behind it. Time is
//! the engine's manual clock; the scheduler ticks every 100 ms of real time.
#![cfg(feature = "discord")]

mod common;
mod support;

use common::bad_answer;
use serde_json::Value;
use sqlx::PgPool;
use std::time::Duration;
use support::discord_bot::*;
use support::discord_events::*;
use support::discord_mock::Recorded;

const DAILY: &str = "810000000000000042";

/// A correct answer a person would type (open answers need a few sentences:
/// the grader caps very brief ones at partial).
fn good_answer(question_id: &str) -> &'static str {
    match question_id {
        "t-kafka-ordering" => {
            "Kafka only guarantees order within a partition, not across the whole topic. \
             The producer sends records with the same key to the same partition, so the \
             order of events for one key holds, and a consumer reads each partition in offset order."
        }
        "t-sql-window" => {
            "Both functions give tied rows the same rank. RANK then skips numbers after a tie, \
             so the next row leaves a gap, while DENSE_RANK has no gaps and continues with the \
             next consecutive number after the tied rows."
        }
        other => common::good_answer(other),
    }
}

/// Lets the scheduler run a few ticks.
async fn a_few_ticks() {
    tokio::time::sleep(Duration::from_millis(450)).await;
}

/// Answers `post` as `who` the way a person would: the option button for
/// choice questions, the answer button and modal otherwise. Returns the
/// response that carries the feedback.
async fn answer(h: &Harness, post: i64, message: &Value, who: &Member, correct: bool) -> Recorded {
    let q = h.question_of(post).await;
    let text = if correct {
        good_answer(&q)
    } else {
        bad_answer(&q)
    };
    let message_id = message["id"].as_str().unwrap();
    let choose = format!("prepbot:choose:{post}:{text}");
    let has_options = message["components"]
        .to_string()
        .contains("prepbot:choose:");
    if has_options {
        let r = h.interact(&button(&choose, message_id, who, DAILY)).await;
        assert!(is_ephemeral(&r), "answers are private");
        return r;
    }
    let open = h
        .interact(&button(
            &format!("prepbot:answer:{post}"),
            message_id,
            who,
            DAILY,
        ))
        .await;
    assert_eq!(open.body["type"], 9, "a modal: {:#}", open.body);
    let custom_id = open.body["data"]["custom_id"].as_str().unwrap().to_owned();
    let (defer, done) = h
        .interact_deferred(&modal(&custom_id, "answer", text, who, DAILY))
        .await;
    assert!(is_ephemeral(&defer), "answers are private");
    done
}

#[sqlx::test]
async fn a_slash_command_gets_an_ephemeral_reply(pool: PgPool) {
    let h = Harness::start(pool, at(8, 0)).await;
    let r = h.interact(&slash("help", vec![], &ada(), CHANNEL)).await;
    assert_eq!(
        r.body["type"], 4,
        "a channel message response: {:#}",
        r.body
    );
    assert!(is_ephemeral(&r));
    assert!(text_of(&r).contains("/quiz"));
    h.stop().await;
}

#[sqlx::test]
async fn a_modal_submit_is_graded_and_stored(pool: PgPool) {
    let h = Harness::start(pool, at(8, 0)).await;
    let quiz = h
        .interact(&slash(
            "quiz",
            vec![s("topic", "streaming")],
            &ada(),
            CHANNEL,
        ))
        .await;
    assert!(is_ephemeral(&quiz));
    let post = post_id(&quiz);
    assert_eq!(buttons(&quiz), vec![format!("prepbot:answer:{post}")]);

    let open = h
        .interact(&button(
            &format!("prepbot:answer:{post}"),
            "400000000000000001",
            &ada(),
            CHANNEL,
        ))
        .await;
    assert_eq!(open.body["type"], 9, "the answer button opens a modal");
    let field = &open.body["data"]["components"][0]["components"][0];
    assert_eq!(field["style"], 2, "a paragraph field");

    let submit = modal(
        &format!("prepbot:modal:{post}"),
        "answer",
        good_answer("t-kafka-ordering"),
        &ada(),
        CHANNEL,
    );
    let (defer, done) = h.interact_deferred(&submit).await;
    assert_eq!(defer.body["type"], 5, "slow grading is deferred first");
    assert!(is_ephemeral(&defer));
    assert!(text_of(&done).contains("Correct"), "{}", text_of(&done));
    let stored = h
        .count("SELECT count(*) FROM answers WHERE verdict = 'correct'")
        .await;
    assert_eq!(stored, 1);
    h.stop().await;
}

#[sqlx::test]
async fn a_button_answer_on_a_choice_question_is_graded_privately(pool: PgPool) {
    let h = Harness::start(pool, at(8, 0)).await;
    let quiz = h
        .interact(&slash("quiz", vec![choice("format", 1)], &ada(), CHANNEL))
        .await;
    let post = post_id(&quiz);
    assert_eq!(
        buttons(&quiz),
        vec![
            format!("prepbot:choose:{post}:a"),
            format!("prepbot:choose:{post}:b")
        ]
    );

    let r = h
        .interact(&button(
            &format!("prepbot:choose:{post}:a"),
            "400000000000000001",
            &ada(),
            CHANNEL,
        ))
        .await;
    assert_eq!(r.body["type"], 4);
    assert!(is_ephemeral(&r));
    assert!(text_of(&r).contains("Correct"), "{}", text_of(&r));
    assert_eq!(
        h.count("SELECT count(*) FROM answers WHERE body = 'a' AND verdict = 'correct'")
            .await,
        1
    );
    h.stop().await;
}

#[sqlx::test]
async fn a_member_without_manage_server_is_refused_daily_setup(pool: PgPool) {
    let h = Harness::start(pool, at(8, 0)).await;
    let r = h.interact(&daily_setup(&ada(), DAILY)).await;
    assert!(is_ephemeral(&r));
    assert!(text_of(&r).contains("Manage Server"), "{}", text_of(&r));
    assert_eq!(h.count("SELECT count(*) FROM daily_settings").await, 0);
    h.stop().await;
}

#[sqlx::test]
async fn the_daily_question_is_posted_at_its_time_answered_privately_and_revealed_by_editing_the_post(
    pool: PgPool,
) {
    let h = Harness::start(pool, at(8, 0)).await;
    let r = h.interact(&daily_setup(&lead(), DAILY)).await;
    assert!(
        text_of(&r).contains("Daily question set up"),
        "{}",
        text_of(&r)
    );

    h.set_time(at(8, 59));
    a_few_ticks().await;
    assert!(h.mock.messages_in(DAILY).is_empty(), "nothing before 09:00");

    h.set_time(at(9, 0));
    let post_msg = h
        .mock
        .wait_until("the daily post", || {
            h.mock.messages_in(DAILY).first().cloned()
        })
        .await;
    let embed = &post_msg["embeds"][0];
    let title = embed["title"].as_str().unwrap();
    assert!(title.starts_with("Daily question #"), "{title}");
    let post: i64 = title.rsplit('#').next().unwrap().parse().unwrap();
    let sent = &h
        .mock
        .requests_to("POST", &format!("/channels/{DAILY}/messages"))[0];
    assert_eq!(
        (
            sent.body["nonce"].clone(),
            sent.body["enforce_nonce"].clone()
        ),
        (format!("p{post}").into(), true.into())
    );
    let message_id = post_msg["id"].as_str().unwrap().to_owned();
    h.mock
        .wait_for("the discussion thread", |r| {
            r.path == format!("/channels/{DAILY}/messages/{message_id}/threads")
        })
        .await;

    let ada_says = answer(&h, post, &post_msg, &ada(), true).await;
    assert!(
        text_of(&ada_says).contains("Correct"),
        "{}",
        text_of(&ada_says)
    );
    answer(&h, post, &post_msg, &grace(), false).await;
    assert_eq!(h.count("SELECT count(*) FROM answers").await, 2);

    h.set_time(at(17, 0));
    let edit_path = format!("/channels/{DAILY}/messages/{message_id}");
    let edit = h
        .mock
        .wait_for("the reveal edit", |r| {
            r.method == "PATCH" && r.path == edit_path
        })
        .await;
    let e = &edit.body["embeds"][0];
    assert!(
        e["title"].as_str().unwrap().starts_with("Revealed"),
        "{e:#}"
    );
    assert_eq!(e["fields"][0]["value"], "2 answers", "answers");
    assert_eq!(e["fields"][1]["value"], "1 (50%)", "share correct");
    assert_eq!(e["fields"][2]["value"], "Ada", "who got it right");
    assert_eq!(
        edit.body["components"],
        serde_json::json!([]),
        "answer buttons removed"
    );
    assert_eq!(
        h.mock.messages_in(DAILY).len(),
        1,
        "the reveal edits the post"
    );
    h.stop().await;
}

#[sqlx::test]
async fn the_leaderboard_shows_members_in_order_of_points(pool: PgPool) {
    let h = Harness::start(pool, at(8, 0)).await;
    for (who, format, option) in [(ada(), 1, "a"), (ada(), 2, "false"), (grace(), 1, "a")] {
        let quiz = h
            .interact(&slash(
                "quiz",
                vec![choice("format", format)],
                &who,
                CHANNEL,
            ))
            .await;
        let post = post_id(&quiz);
        let r = h
            .interact(&button(
                &format!("prepbot:choose:{post}:{option}"),
                "400000000000000001",
                &who,
                CHANNEL,
            ))
            .await;
        assert!(text_of(&r).contains("Correct"), "{}", text_of(&r));
    }
    let r = h
        .interact(&slash(
            "leaderboard",
            vec![choice("period", 2)],
            &grace(),
            CHANNEL,
        ))
        .await;
    let board = text_of(&r);
    let lines: Vec<&str> = board.lines().filter(|l| l.starts_with("**")).collect();
    assert_eq!(lines.len(), 2, "{board}");
    assert!(lines[0].starts_with("**1.** Ada"), "{board}");
    assert!(lines[1].starts_with("**2.** Grace"), "{board}");
    h.stop().await;
}

#[sqlx::test]
async fn a_leaderboard_page_button_replaces_the_askers_own_page(pool: PgPool) {
    let h = Harness::start(pool, at(8, 0)).await;
    let mut click = button("prepbot:lb:all:-:1", "400000000000000001", &ada(), CHANNEL);
    click.frame["d"]["message"]["flags"] = serde_json::json!(64);
    pinned(&click.frame);
    let r = h.interact(&click).await;
    assert_eq!(r.body["type"], 7, "an update of the message: {:#}", r.body);
    assert!(text_of(&r).contains("Leaderboard"), "{}", text_of(&r));
    h.stop().await;
}

#[sqlx::test]
async fn a_button_prepbot_does_not_know_gets_a_private_explanation(pool: PgPool) {
    let h = Harness::start(pool, at(8, 0)).await;
    let r = h
        .interact(&button(
            "prepbot:unknown:1",
            "400000000000000001",
            &ada(),
            CHANNEL,
        ))
        .await;
    assert_eq!(r.body["type"], 4);
    assert!(is_ephemeral(&r));
    assert!(text_of(&r).contains("no longer active"), "{}", text_of(&r));
    h.stop().await;
}

/// A one-question bank file: the test bank's choice question under a new id.
fn bank_file() -> String {
    let bank = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/bank/questions.toml"
    ))
    .unwrap();
    let start = bank.find("id = \"t-cap-choice\"").unwrap();
    let end = start + bank[start..].find("[[question]]").unwrap();
    format!("[[question]]\n{}", &bank[start..end]).replace("t-cap-choice", "srv-cap-choice")
}

#[sqlx::test]
async fn an_attached_bank_file_is_validated_and_stored_for_the_server(pool: PgPool) {
    let h = Harness::start(pool, at(8, 0)).await;
    let good = bank_file();
    let url = h.mock.attach("mine.toml", good.as_bytes());
    let add = sub("add", vec![file("file", "mine.toml", &url, good.len())]);
    let cmd = slash("questions", vec![add], &lead(), CHANNEL);
    let (_, done) = h.interact_followup(&cmd).await;
    assert!(
        text_of(&done).contains("Added 1 question(s)"),
        "{}",
        text_of(&done)
    );
    assert!(is_private(&h.mock.seen(&cmd.token)[0]));
    assert_eq!(h.count("SELECT count(*) FROM custom_questions").await, 1);

    let bad = good.replace("difficulty = \"easy\"", "difficulty = \"trivial\"");
    let url = h.mock.attach("bad.toml", bad.as_bytes());
    let add = sub("add", vec![file("file", "bad.toml", &url, bad.len())]);
    let (_, done) = h
        .interact_followup(&slash("questions", vec![add], &lead(), CHANNEL))
        .await;
    assert!(
        text_of(&done).contains("Nothing was added"),
        "{}",
        text_of(&done)
    );
    assert_eq!(h.count("SELECT count(*) FROM custom_questions").await, 1);
    h.stop().await;
}
