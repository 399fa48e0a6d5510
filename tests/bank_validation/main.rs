//! Every rule of docs/question-format.md, each shown with a bad file: the
//! loader must reject it and point at the right line.

mod fields;
mod formats;

use prepbot::bank::{load_str, parse_topics, BankIssue, QuestionKind, TopicInfo};

fn topics() -> Vec<TopicInfo> {
    parse_topics(
        "topics.toml",
        r#"
[[topic]]
slug = "streaming"
name = "Streaming"
about = "Kafka"

[[topic]]
slug = "sql"
name = "SQL"
about = "Queries"
"#,
    )
    .unwrap()
}

const OPEN: &str = r#"[[question]]
id = "kafka-vs-kinesis"
topic = "streaming"
tags = ["kafka", "kinesis"]
difficulty = "medium"
format = "open"
prompt = "How do Kafka and Kinesis differ?"
answer = "Kinesis is managed; Kafka is run by you."
explanation = "Operations are the main difference."

[[question.key_points]]
point = "Kinesis is fully managed"
phrases = ["fully managed", "serverless"]

[[question.key_points]]
point = "Kafka retention is configurable"
phrases = ["retention"]
weight = 2
"#;

const CHOICE: &str = r#"[[question]]
id = "delivery-default"
topic = "streaming"
difficulty = "easy"
format = "choice"
prompt = "What does a Kafka consumer get by default?"
answer = "At-least-once."
explanation = "Offsets are committed after processing."

[[question.options]]
id = "a"
text = "At-least-once"
correct = true

[[question.options]]
id = "b"
text = "Exactly-once"
correct = false
why = "Exactly-once is opt-in."
"#;

const TRUEFALSE: &str = r#"[[question]]
id = "kafka-orders-topics"
topic = "streaming"
difficulty = "easy"
format = "truefalse"
prompt = "Kafka orders messages across a whole topic."
answer = "False: only within a partition."
explanation = "Ordering is per partition."
options = [
  { id = "true", text = "True", correct = false, why = "Only per partition." },
  { id = "false", text = "False", correct = true },
]
"#;

const SQL: &str = r#"[[question]]
id = "sql-count-orders"
topic = "sql"
difficulty = "easy"
format = "sql"
prompt = "Count the rows of `orders`."
answer = "SELECT count(*) FROM orders"
explanation = "count(*) counts rows."
schema = "CREATE TABLE orders (id int);"
fixture = "INSERT INTO orders VALUES (1), (2), (3);"
solution = "SELECT count(*) AS n FROM orders"
"#;

fn issues(text: &str) -> Vec<BankIssue> {
    match load_str("q.toml", text, &topics()) {
        Ok(qs) => panic!("expected problems, loaded {} question(s)", qs.len()),
        Err(e) => e.0,
    }
}

/// Asserts exactly one problem, on `line`, whose message contains `needle`.
fn rejects(text: &str, line: usize, needle: &str) {
    let found = issues(text);
    assert_eq!(found.len(), 1, "expected one problem, got {found:#?}");
    assert!(
        found[0].message.contains(needle),
        "`{}` does not mention `{needle}`",
        found[0].message
    );
    assert_eq!(found[0].line, line, "wrong line for {}", found[0]);
    assert!(found[0]
        .to_string()
        .starts_with(&format!("q.toml:{line}: ")));
}

fn with(base: &str, from: &str, to: &str) -> String {
    assert!(base.contains(from), "fixture lacks `{from}`");
    base.replacen(from, to, 1)
}

#[test]
fn a_valid_question_of_each_format_loads() {
    let all = [OPEN, CHOICE, TRUEFALSE, SQL].join("\n");
    let qs = load_str("q.toml", &all, &topics()).unwrap();
    let lines: Vec<usize> = qs.iter().map(|q| q.line).collect();
    assert_eq!(qs.len(), 4);
    assert_eq!(lines[0], 1);
    assert!(matches!(qs[1].question.kind, QuestionKind::Choice { .. }));
    assert!(matches!(qs[3].question.kind, QuestionKind::Sql(_)));
}

#[test]
fn invalid_toml_is_reported_at_its_line() {
    rejects(
        &with(OPEN, "format = \"open\"", "format = open"),
        6,
        "invalid TOML",
    );
}

#[test]
fn an_unknown_key_is_rejected_at_its_line() {
    rejects(
        &with(OPEN, "format = \"open\"", "format = \"open\"\nlevel = 3"),
        7,
        "unknown key `level`",
    );
}

#[test]
fn an_unknown_top_level_key_is_rejected() {
    rejects(&format!("title = \"x\"\n{OPEN}"), 1, "unknown key `title`");
}

#[test]
fn a_missing_field_is_rejected_at_the_question() {
    rejects(
        &with(
            OPEN,
            "explanation = \"Operations are the main difference.\"\n",
            "",
        ),
        1,
        "missing `explanation`",
    );
}

#[test]
fn a_value_of_the_wrong_type_is_rejected() {
    rejects(
        &with(OPEN, "weight = 2", "weight = \"2\""),
        18,
        "`weight` must be an integer",
    );
}

#[test]
fn every_problem_in_a_file_is_reported_not_just_the_first() {
    let bad = with(
        OPEN,
        "difficulty = \"medium\"",
        "difficulty = \"extreme\"\ncolour = 1",
    );
    let bad = with(&bad, "phrases = [\"retention\"]", "phrases = []");
    let both = format!(
        "{bad}\n{}",
        with(CHOICE, "correct = true", "correct = false")
    );
    let found = issues(&both);
    let lines: Vec<usize> = found.iter().map(|i| i.line).collect();
    assert_eq!(lines, vec![5, 6, 18, 30, 30], "{found:#?}");
    assert!(found[4]
        .message
        .starts_with("question `delivery-default`: "));
    assert!(found[4].message.ends_with("no option is marked correct"));
}

#[test]
fn a_question_keeps_its_id_when_its_file_is_edited() {
    let before = load_str("q.toml", &format!("{OPEN}\n{CHOICE}"), &topics()).unwrap();
    let edited = format!(
        "{SQL}\n{}\n{}",
        with(
            CHOICE,
            "What does a Kafka consumer",
            "By default, what does a consumer"
        ),
        with(
            OPEN,
            "tags = [\"kafka\", \"kinesis\"]",
            "tags = [\"kinesis\"]"
        )
    );
    let after = load_str("q.toml", &edited, &topics()).unwrap();
    let ids = |qs: &[prepbot::bank::Located]| {
        let mut v: Vec<String> = qs.iter().map(|q| q.question.id.to_string()).collect();
        v.sort();
        v
    };
    assert_eq!(ids(&before), vec!["delivery-default", "kafka-vs-kinesis"]);
    assert_eq!(
        ids(&after),
        vec!["delivery-default", "kafka-vs-kinesis", "sql-count-orders"]
    );
    let moved = after
        .iter()
        .find(|q| q.question.id.as_str() == "delivery-default")
        .unwrap();
    assert!(moved.question.prompt.starts_with("By default"));
}
