//! A live round on Slack, end to end: an admin's signed `/prep round
//! start`, the scheduler's questions through `chat.postMessage` with a
//! `<!date^…>` deadline, two members answering through the Answer button,
//! its modal and the `view_submission`, the answer and standings after
//! each question, and the podium at the end. Every request goes to the
//! strict Slack mock, which refuses what Slack would refuse; the test
//! checks what it recorded.
#![cfg(feature = "slack")]

mod common;
mod support;

use common::utc;
use serde_json::Value;
use sqlx::PgPool;
use support::slack_bot::*;

const ADMIN: &str = "U0ADMIN";
const ADA: &str = "U0ADA";
const BEA: &str = "U0BEA";

/// A second open question on streaming, so a round of two open questions
/// (answered in the modal) can be asked.
const SECOND: &str = r#"
[[question]]
id = "team-exactly-once"
topic = "streaming"
difficulty = "easy"
format = "open"
prompt = "How does our pipeline turn an at-least-once stream into exactly-once results?"
answer = "Idempotent writes keyed by a unique event id: a redelivered event overwrites itself."
explanation = "Redelivery is normal; idempotence makes it harmless."
[[question.key_points]]
point = "Writes are idempotent"
phrases = ["idempotent"]
[[question.key_points]]
point = "Each event has a unique id the write is keyed by"
phrases = ["event id", "unique id"]
"#;

/// A right answer to each question the round may ask.
fn right(question_id: &str) -> &'static str {
    match question_id {
        "team-exactly-once" => {
            "We make every write idempotent: each row is keyed by the event's unique event id, so when the \
             stream redelivers an event the write simply overwrites the row it wrote the first time, and \
             the results come out as if each event had been processed exactly once."
        }
        "t-kafka-ordering" => {
            "Kafka keeps order only within a partition, not across the topic. Records with the same key \
             always go to the same partition, so the order per key holds if you choose the key well."
        }
        other => panic!("no answer for {other}"),
    }
}

/// Types `/prep <text>` as `user` and returns the text of its answer.
async fn prep(h: &SlackHarness, user: &str, text: &str) -> String {
    let (status, id) = h.command(user, text, Signing::Good).await;
    assert_eq!(status, 200, "{text}");
    text_of(&h.answer_to(&id).await)
}

/// The `n`th message posted in the channel (1-based), once it is there.
async fn nth_post(h: &SlackHarness, n: usize) -> Value {
    h.mock
        .wait_for("chat.postMessage", n, |c| c.body["channel"] == CHANNEL)
        .await
        .body
}

/// Answers the question `post` (a message with an Answer button) as
/// `user` through the button, the modal and its submission; `answers` is
/// how many modals were opened before. Returns the private feedback.
async fn answer(h: &SlackHarness, post: &Value, user: &str, text: &str, answers: usize) -> String {
    let button = actions(post)
        .into_iter()
        .find(|a| a.starts_with("prepbot:answer:"))
        .unwrap_or_else(|| panic!("an Answer button: {post}"));
    let ts =
        h.mock.messages_in(CHANNEL).iter().find_map(|m| {
            (actions(m).contains(&button)).then(|| m["ts"].as_str().unwrap().to_owned())
        });
    let (status, _) = h.click(user, &button, ts.as_deref(), &[]).await;
    assert_eq!(status, 200);
    let view = h
        .mock
        .wait_for("views.open", answers + 1, |_| true)
        .await
        .body["view"]
        .clone();
    assert_eq!(h.submit(user, &view, text).await, 200);
    let feedback = h
        .mock
        .wait_for("chat.postEphemeral", answers + 1, |_| true)
        .await
        .body;
    assert_eq!(feedback["user"], user);
    text_of(&feedback)
}

/// The question a posted round question asks (from its post id).
async fn question_of(h: &SlackHarness, post: &Value) -> String {
    let button = actions(post)
        .into_iter()
        .find(|a| a.starts_with("prepbot:answer:"))
        .unwrap();
    let id: i64 = button.rsplit(':').next().unwrap().parse().unwrap();
    sqlx::query_scalar("SELECT question_id FROM posts WHERE id = $1")
        .bind(id)
        .fetch_one(&h.pool)
        .await
        .unwrap()
}

#[sqlx::test]
async fn a_live_round_on_slack_posts_questions_with_a_deadline_takes_modal_answers_and_ends_with_a_podium(
    pool: PgPool,
) {
    let start = utc(2026, 11, 23, 9, 0);
    let h = SlackHarness::start(pool, start).await;
    h.mock.make_admin(ADMIN);
    let added = prep(&h, ADMIN, &format!("questions add {SECOND}")).await;
    assert!(added.contains("Added 1 question"), "{added}");
    let started = prep(&h, ADMIN, "round start streaming questions:2 seconds:60").await;
    assert!(started.contains("Round #1 starts"), "{started}");

    // Question 1, at once, with Slack's date token for its deadline.
    let q1 = nth_post(&h, 1).await;
    let shown = text_of(&q1);
    let deadline = (start + chrono::Duration::seconds(60)).timestamp();
    assert!(shown.contains("Round #1 · question 1 of 2"), "{shown}");
    assert!(
        shown.contains(&format!("<!date^{deadline}^{{time_secs}}|09:01:00 UTC>")),
        "{shown}"
    );
    let first = question_of(&h, &q1).await;
    let said = answer(&h, &q1, ADA, right(&first), 0).await;
    assert!(said.starts_with("Correct"), "{said}");
    h.set_time(start + chrono::Duration::seconds(20));
    let said = answer(
        &h,
        &q1,
        BEA,
        "No idea, sorry, I would have to look it up.",
        1,
    )
    .await;
    assert!(said.contains("Not quite"), "{said}");

    // The close: the answer and the standings, then the next question.
    h.set_time(start + chrono::Duration::seconds(61));
    let a1 = text_of(&nth_post(&h, 2).await);
    assert!(a1.contains("answer to question 1 of 2"), "{a1}");
    assert!(
        a1.contains("Standings") && a1.contains("Next question"),
        "{a1}"
    );
    assert!(
        a1.contains("u0ada") && !a1.contains("u0bea"),
        "only points rank: {a1}"
    );
    h.set_time(start + chrono::Duration::seconds(66));
    let q2 = nth_post(&h, 3).await;
    assert!(text_of(&q2).contains("question 2 of 2"), "{}", text_of(&q2));
    let second = question_of(&h, &q2).await;
    assert_ne!(first, second);
    for (i, who) in [ADA, BEA].into_iter().enumerate() {
        let said = answer(&h, &q2, who, right(&second), 2 + i).await;
        assert!(said.starts_with("Correct"), "{who}: {said}");
    }

    // The end: the last answer and the podium in one post.
    h.set_time(start + chrono::Duration::seconds(66 + 61));
    let end = text_of(&nth_post(&h, 4).await);
    assert!(
        end.contains("Round #1 is over") && end.contains("Podium"),
        "{end}"
    );
    // Open answers earn their usual points (no speed rule): Ada both, Bea
    // the second only.
    let points = |q: &str| if q == "t-kafka-ordering" { 20 } else { 10 };
    let (ada, bea) = (points(&first) + points(&second), points(&second));
    assert!(end.contains(&format!("🥇 u0ada · {ada} points")), "{end}");
    assert!(end.contains(&format!("🥈 u0bea · {bea} points")), "{end}");

    // Nothing more, nothing twice, nothing the strict mock refused.
    h.set_time(start + chrono::Duration::seconds(3600));
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let posted: Vec<String> = h
        .mock
        .calls_to("chat.postMessage")
        .iter()
        .filter(|c| c.body["channel"] == CHANNEL && c.error.is_none())
        .map(|c| text_of(&c.body))
        .collect();
    assert_eq!(posted.len(), 4, "{posted:#?}");
    assert!(h.mock.refused().is_empty(), "{:?}", h.mock.refused());
    let scored = h
        .count("SELECT count(*) FROM answers WHERE counting = 'round'")
        .await;
    assert_eq!(scored, 4);
    h.stop().await;
}
