//! Rules of the fields every question has: id, topic, difficulty, format, lengths, tags.

use super::*;

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
