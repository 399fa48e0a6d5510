//! The LLM grader against a fake OpenAI-compatible server (axum on
//! 127.0.0.1:0): a good reply becomes a grade; errors, timeouts and garbage
//! fall back to the key-point grader, so an answer is never left ungraded.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::{Json, Router};
use prepbot::bank::{
    Difficulty, KeyPoint, Misconception, Question, QuestionId, QuestionKind, Topic,
};
use prepbot::grading::llm::FALLBACK_NOTE;
use prepbot::grading::{Grader, LlmConfig, LlmGrader, Submission, Verdict};
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Clone)]
enum Mode {
    Reply(String),
    Status(u16),
    Slow,
}

/// Requests the fake server saw: the Authorization header and the body.
type Seen = Arc<Mutex<Vec<(Option<String>, Value)>>>;

#[derive(Clone)]
struct Fake {
    mode: Mode,
    seen: Seen,
}

async fn complete(
    State(f): State<Fake>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> (StatusCode, Json<Value>) {
    let auth = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    f.seen.lock().unwrap().push((auth, body));
    match f.mode {
        Mode::Reply(content) => (
            StatusCode::OK,
            Json(
                json!({"choices": [{"index": 0, "message": {"role": "assistant", "content": content}}]}),
            ),
        ),
        Mode::Status(code) => (
            StatusCode::from_u16(code).unwrap(),
            Json(json!({"error": "boom"})),
        ),
        Mode::Slow => {
            tokio::time::sleep(Duration::from_secs(120)).await;
            (StatusCode::OK, Json(json!({})))
        }
    }
}

/// Starts the fake server; returns its base URL and the requests it saw.
async fn serve(mode: Mode) -> (String, Seen) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let app = Router::new()
        .route("/v1/chat/completions", post(complete))
        .with_state(Fake {
            mode,
            seen: seen.clone(),
        });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}/v1"), seen)
}

fn grader(base_url: String, key: Option<&str>) -> LlmGrader {
    LlmGrader::new(LlmConfig {
        base_url,
        model: "tiny-test-model".into(),
        api_key: key.map(|k| k.to_owned().into()),
        timeout: Duration::from_millis(500),
    })
}

fn question() -> Question {
    let kp = |point: &str, phrases: &[&str], weight| KeyPoint {
        point: point.into(),
        phrases: phrases.iter().map(|p| p.to_string()).collect(),
        weight,
        about: None,
    };
    Question {
        id: QuestionId::parse("stream-ordering").unwrap(),
        topic: Topic::parse("streaming").unwrap(),
        tags: vec![],
        difficulty: Difficulty::Medium,
        prompt: "Does Kafka guarantee message order?".into(),
        answer: "Only within a partition.".into(),
        explanation: "e".into(),
        kind: QuestionKind::Open {
            key_points: vec![
                kp(
                    "Order is kept only within a partition",
                    &["within a partition", "per partition"],
                    2,
                ),
                kp(
                    "Use the same key for related events",
                    &["same key", "partition key"],
                    1,
                ),
            ],
            misconceptions: vec![Misconception {
                claim: "Kafka orders all messages of a topic globally".into(),
                why: "Order holds only within one partition.".into(),
                phrases: vec!["global order".into()],
            }],
            subjects: vec![],
        },
        source: None,
        version_note: None,
        summary: None,
        hint: None,
    }
}

const ANSWER: &str = "Kafka keeps the order of messages only within a partition, not across the whole topic, so related events need the same key: the key is hashed and they all land in the same partition.";

#[tokio::test]
async fn a_good_reply_becomes_the_grade() {
    let reply = r#"Sure! ```json
{"key_points": [{"index": 0, "covered": true, "evidence": "only within a partition"},
 {"index": 1, "covered": false, "evidence": ""}],
 "misconceptions": [{"index": 0, "asserted": false}],
 "verdict": "partial", "feedback": "Mention keys."}
```"#;
    let (url, seen) = serve(Mode::Reply(reply.into())).await;
    let g = grader(url, Some("sekret"));
    let grade = g
        .grade(&question(), &Submission::Text(ANSWER.into()))
        .await
        .unwrap();
    assert_eq!(grade.verdict, Verdict::Partial);
    assert_eq!(grade.covered, vec!["Order is kept only within a partition"]);
    // 2 of 3 weighted points, but a partial grade shows at most 0.50.
    assert!((grade.score - 0.5).abs() < 1e-6, "{grade:?}");
    assert_eq!(grade.detail, vec!["Mention keys."]);
    let seen = seen.lock().unwrap();
    assert_eq!(seen[0].0.as_deref(), Some("Bearer sekret"));
    assert_eq!(seen[0].1["model"], "tiny-test-model");
    let prompt = seen[0].1["messages"][1]["content"].as_str().unwrap();
    assert!(prompt.contains(ANSWER));
    assert!(prompt.contains("0. Order is kept only within a partition (weight 2)"));
    assert!(prompt.contains("0. Kafka orders all messages of a topic globally"));
}

#[tokio::test]
async fn an_asserted_misconception_caps_the_llm_verdict_and_is_named() {
    let reply = r#"{"key_points": [{"index": 0, "covered": true, "evidence": "within a partition"},
 {"index": 1, "covered": true, "evidence": "the same key"}],
 "misconceptions": [{"index": 0, "asserted": true}], "verdict": "correct"}"#;
    let (url, _) = serve(Mode::Reply(reply.into())).await;
    let grade = grader(url, None)
        .grade(&question(), &Submission::Text(ANSWER.into()))
        .await
        .unwrap();
    assert_eq!(grade.verdict, Verdict::Partial, "{grade:?}");
    assert_eq!(
        grade.misconceptions[0].claim,
        "Kafka orders all messages of a topic globally"
    );
    assert!(grade.detail[0].starts_with("You said: Kafka orders"));
}

async fn falls_back(mode: Mode) {
    let (url, _) = serve(mode).await;
    let g = grader(url, None);
    let grade = g
        .grade(&question(), &Submission::Text(ANSWER.into()))
        .await
        .unwrap();
    assert_eq!(grade.verdict, Verdict::Correct, "{grade:?}");
    assert_eq!(grade.detail.last().map(String::as_str), Some(FALLBACK_NOTE));
}

#[tokio::test]
async fn a_server_error_falls_back_to_key_points() {
    falls_back(Mode::Status(500)).await;
}

#[tokio::test]
async fn a_timeout_falls_back_to_key_points() {
    let start = std::time::Instant::now();
    falls_back(Mode::Slow).await;
    // Far below the server's 120 s: the 500 ms timeout, not the reply, ended it.
    assert!(start.elapsed() < Duration::from_secs(60));
}

#[tokio::test]
async fn a_reply_that_is_not_the_json_asked_for_falls_back() {
    falls_back(Mode::Reply("I think it's pretty good!".into())).await;
    falls_back(Mode::Reply(
        r#"{"covered": [1], "verdict": "correct"}"#.into(),
    ))
    .await;
    let point = |i: usize| format!(r#"{{"index": {i}, "covered": true, "evidence": "x"}}"#);
    let claims = r#"[{"index": 0, "asserted": false}]"#;
    for (points, verdict) in [
        (vec![point(0), point(7)], "correct"),
        (vec![point(0)], "correct"),
        (vec![point(0), point(0)], "correct"),
        (vec![point(0), point(1)], "excellent"),
    ] {
        let reply = format!(
            r#"{{"key_points": [{}], "misconceptions": {claims}, "verdict": "{verdict}"}}"#,
            points.join(",")
        );
        falls_back(Mode::Reply(reply)).await;
    }
}

#[tokio::test]
async fn an_unreachable_server_falls_back() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/v1", listener.local_addr().unwrap());
    drop(listener);
    let grade = grader(url, None)
        .grade(&question(), &Submission::Text(ANSWER.into()))
        .await
        .unwrap();
    assert_eq!(grade.detail.last().map(String::as_str), Some(FALLBACK_NOTE));
}

#[tokio::test]
async fn a_too_short_answer_is_not_sent() {
    let (url, seen) = serve(Mode::Reply(
        r#"{"covered": [1, 2], "verdict": "correct"}"#.into(),
    ))
    .await;
    let grade = grader(url, None)
        .grade(&question(), &Submission::Text("partition".into()))
        .await
        .unwrap();
    assert_eq!(grade.verdict, Verdict::Incorrect);
    assert!(seen.lock().unwrap().is_empty());
}
