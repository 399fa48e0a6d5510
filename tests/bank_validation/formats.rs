//! Rules of each format: key points, options, true/false, sql.

use super::*;

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
fn an_option_missing_correct_is_rejected() {
    rejects(
        &with(CHOICE, "correct = false\n", ""),
        15,
        "missing `correct`",
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
fn several_correct_options_need_select_all_that_apply_in_the_prompt() {
    let two = with(
        CHOICE,
        "correct = false\nwhy = \"Exactly-once is opt-in.\"",
        "correct = true",
    );
    rejects(
        &two,
        6,
        "2 options are correct, so the prompt must say \"Select all that apply\"",
    );
    let said = with(&two, "by default?", "by default? Select all that apply.");
    assert!(load_str("q.toml", &said, &topics()).is_ok());
}

#[test]
fn truefalse_option_texts_must_be_true_and_false() {
    let bad = with(TRUEFALSE, "text = \"False\"", "text = \"Nope\"");
    rejects(&bad, 11, "option `false` text must be \"False\"");
}
