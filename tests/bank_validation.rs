//! Every rule of docs/question-format.md, each shown with a bad file: the
//! loader must reject it and point at the right line.

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
fn an_unknown_key_on_a_key_point_is_rejected() {
    rejects(
        &with(OPEN, "weight = 2", "weight = 2\nhint = \"x\""),
        19,
        "unknown key `hint`",
    );
}

#[test]
fn an_unknown_key_on_an_option_is_rejected_in_an_inline_table() {
    let bad = with(
        TRUEFALSE,
        "correct = true }",
        "correct = true, note = \"x\" }",
    );
    rejects(&bad, 11, "unknown key `note`");
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
fn an_option_missing_correct_is_rejected() {
    rejects(
        &with(CHOICE, "correct = false\n", ""),
        15,
        "missing `correct`",
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
fn a_malformed_id_is_rejected() {
    rejects(
        &with(OPEN, "\"kafka-vs-kinesis\"", "\"Kafka vs Kinesis\""),
        2,
        "not a valid question id",
    );
}

#[test]
fn an_unknown_topic_is_rejected() {
    rejects(
        &with(OPEN, "topic = \"streaming\"", "topic = \"kafka\""),
        3,
        "unknown topic `kafka`",
    );
}

#[test]
fn an_unknown_difficulty_is_rejected() {
    rejects(
        &with(OPEN, "\"medium\"", "\"Medium\""),
        5,
        "unknown difficulty",
    );
}

#[test]
fn an_unknown_format_is_rejected() {
    rejects(
        &with(OPEN, "format = \"open\"", "format = \"essay\""),
        6,
        "unknown format",
    );
}

#[test]
fn a_prompt_over_the_chat_limit_is_rejected() {
    let long = format!("prompt = \"{}\"", "x".repeat(1501));
    rejects(
        &with(OPEN, "prompt = \"How do Kafka and Kinesis differ?\"", &long),
        7,
        "1501 characters; the limit is 1500",
    );
}

#[test]
fn an_answer_over_the_chat_limit_is_rejected() {
    let long = format!("answer = \"{}\"", "é".repeat(3001));
    rejects(
        &with(
            OPEN,
            "answer = \"Kinesis is managed; Kafka is run by you.\"",
            &long,
        ),
        8,
        "the limit is 3000",
    );
}

#[test]
fn an_explanation_over_the_chat_limit_is_rejected() {
    let long = format!("explanation = \"{}\"", "y".repeat(1001));
    rejects(
        &with(
            OPEN,
            "explanation = \"Operations are the main difference.\"",
            &long,
        ),
        9,
        "the limit is 1000",
    );
}

#[test]
fn limits_count_characters_not_bytes() {
    let at_limit = format!("prompt = \"{}\"", "ü".repeat(1500));
    let ok = with(
        OPEN,
        "prompt = \"How do Kafka and Kinesis differ?\"",
        &at_limit,
    );
    assert!(load_str("q.toml", &ok, &topics()).is_ok());
}

#[test]
fn an_empty_prompt_is_rejected() {
    rejects(
        &with(OPEN, "\"How do Kafka and Kinesis differ?\"", "\"  \""),
        7,
        "`prompt` is empty",
    );
}

#[test]
fn a_markdown_table_outside_a_code_block_is_rejected() {
    let table = "answer = \"\"\"\n| a | b |\n|---|---|\n| 1 | 2 |\n\"\"\"";
    let bad = with(
        OPEN,
        "answer = \"Kinesis is managed; Kafka is run by you.\"",
        table,
    );
    rejects(&bad, 8, "Markdown table");
    let fenced = "answer = \"\"\"\n```\n| a | b |\n|---|---|\n```\n\"\"\"";
    let ok = with(
        OPEN,
        "answer = \"Kinesis is managed; Kafka is run by you.\"",
        fenced,
    );
    assert!(load_str("q.toml", &ok, &topics()).is_ok());
}

#[test]
fn too_many_tags_are_rejected() {
    let tags = "tags = [\"a\", \"b\", \"c\", \"d\", \"e\", \"f\", \"g\", \"h\", \"i\"]";
    rejects(
        &with(OPEN, "tags = [\"kafka\", \"kinesis\"]", tags),
        4,
        "9 tags; the limit is 8",
    );
}

#[test]
fn a_tag_that_is_not_a_slug_is_rejected() {
    rejects(
        &with(OPEN, "\"kinesis\"]", "\"Kinesis Streams\"]"),
        4,
        "must be a lowercase slug",
    );
}

#[test]
fn an_open_question_with_one_key_point_is_rejected() {
    let one = OPEN
        .split("\n[[question.key_points]]\npoint = \"Kafka")
        .next()
        .unwrap();
    rejects(one, 11, "needs 2..=6 key points, found 1");
}

#[test]
fn an_open_question_with_seven_key_points_is_rejected() {
    let kp = "\n[[question.key_points]]\npoint = \"p\"\nphrases = [\"p\"]\n";
    rejects(&format!("{OPEN}{}", kp.repeat(5)), 11, "found 7");
}

#[test]
fn a_short_answer_question_needs_exactly_one_key_point() {
    let one = OPEN
        .split("\n[[question.key_points]]\npoint = \"Kafka")
        .next()
        .unwrap();
    let short = with(
        one,
        "format = \"open\"",
        "format = \"open\"\nshort_answer = true",
    );
    assert!(load_str("q.toml", &short, &topics()).is_ok());
    let two = with(
        OPEN,
        "format = \"open\"",
        "format = \"open\"\nshort_answer = true",
    );
    rejects(
        &two,
        12,
        "a `short_answer` question needs exactly 1 key point, found 2",
    );
}

#[test]
fn short_answer_is_rejected_on_a_choice_question() {
    let bad = with(
        CHOICE,
        "format = \"choice\"",
        "format = \"choice\"\nshort_answer = true",
    );
    rejects(
        &bad,
        6,
        "`short_answer` does not belong on a `choice` question",
    );
}

#[test]
fn a_key_point_with_no_phrasing_is_rejected() {
    rejects(
        &with(OPEN, "phrases = [\"retention\"]", "phrases = []"),
        17,
        "has no phrasing",
    );
    let missing = with(OPEN, "phrases = [\"retention\"]\n", "");
    rejects(
        &missing,
        15,
        "`Kafka retention is configurable` has no phrasing",
    );
}

#[test]
fn a_phrase_over_the_limit_is_rejected() {
    let long = format!("phrases = [\"{}\"]", "w".repeat(61));
    rejects(
        &with(OPEN, "phrases = [\"retention\"]", &long),
        17,
        "61 characters",
    );
}

#[test]
fn a_key_point_weight_out_of_range_is_rejected() {
    rejects(
        &with(OPEN, "weight = 2", "weight = 4"),
        18,
        "weight 4; use 1..=3",
    );
}

#[test]
fn a_choice_question_with_no_correct_option_is_rejected() {
    let bad = with(CHOICE, "correct = true", "correct = false\nwhy = \"No.\"");
    rejects(&bad, 10, "no option is marked correct");
}

#[test]
fn a_wrong_option_without_why_is_rejected() {
    rejects(
        &with(CHOICE, "why = \"Exactly-once is opt-in.\"\n", ""),
        15,
        "wrong option `b` has no `why`",
    );
}

#[test]
fn an_option_why_over_the_limit_is_rejected() {
    let long = format!("why = \"{}\"", "z".repeat(301));
    rejects(
        &with(CHOICE, "why = \"Exactly-once is opt-in.\"", &long),
        19,
        "the limit is 300",
    );
}

#[test]
fn an_option_text_over_the_limit_is_rejected() {
    let long = format!("text = \"{}\"", "t".repeat(201));
    rejects(
        &with(CHOICE, "text = \"Exactly-once\"", &long),
        17,
        "option `b` text",
    );
}

#[test]
fn a_repeated_option_id_is_rejected() {
    rejects(
        &with(CHOICE, "id = \"b\"", "id = \"a\""),
        16,
        "option id `a` is repeated",
    );
}

#[test]
fn a_choice_question_with_one_option_is_rejected() {
    let one = CHOICE
        .split("\n[[question.options]]\nid = \"b\"")
        .next()
        .unwrap();
    rejects(one, 10, "needs 2..=6 options, found 1");
}

#[test]
fn a_truefalse_question_needs_the_options_true_and_false() {
    rejects(
        &with(TRUEFALSE, "id = \"true\"", "id = \"yes\""),
        9,
        "exactly the options `true` and `false`",
    );
}

#[test]
fn options_on_an_open_question_are_rejected() {
    let opts =
        "options = [{ id = \"a\", text = \"x\", correct = true }]\n\n[[question.key_points]]";
    rejects(
        &with(OPEN, "\n[[question.key_points]]", &format!("\n{opts}")),
        11,
        "`options` does not belong on a `open` question",
    );
}

#[test]
fn a_sql_question_without_a_fixture_is_rejected() {
    rejects(
        &with(
            SQL,
            "fixture = \"INSERT INTO orders VALUES (1), (2), (3);\"\n",
            "",
        ),
        1,
        "needs `fixture`",
    );
}

#[test]
fn a_sql_solution_with_a_trailing_semicolon_is_rejected() {
    rejects(
        &with(SQL, "AS n FROM orders\"", "AS n FROM orders;\""),
        11,
        "without a trailing ';'",
    );
}

#[test]
fn a_sql_solution_that_is_not_a_select_is_rejected() {
    rejects(
        &with(
            SQL,
            "\"SELECT count(*) AS n FROM orders\"",
            "\"DELETE FROM orders\"",
        ),
        11,
        "must be a SELECT",
    );
}

#[test]
fn sql_fields_on_a_choice_question_are_rejected() {
    let bad = with(
        CHOICE,
        "format = \"choice\"",
        "format = \"choice\"\nsolution = \"SELECT 1\"",
    );
    rejects(&bad, 6, "`solution` does not belong on a `choice` question");
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
