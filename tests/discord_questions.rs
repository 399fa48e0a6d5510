//! End to end through the Discord front end: `/questions add` with the
//! `replace` option and `/questions remove` build the same commands as the
//! text grammar, so a re-upload is refused unless `replace` is true.
#![cfg(feature = "discord")]

mod common;
mod support;

use chrono::{TimeZone, Utc};
use serde_json::json;
use sqlx::PgPool;
use support::discord_bot::*;
use support::discord_events::*;

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

/// `/questions add` with the file attached, and `replace` when given.
async fn add(h: &Harness, replace: Option<bool>) -> String {
    let text = bank_file();
    let url = h.mock.attach("mine.toml", text.as_bytes());
    let mut options = vec![file("file", "mine.toml", &url, text.len())];
    options.extend(replace.map(|r| json!({"name": "replace", "type": 5, "value": r})));
    let cmd = slash("questions", vec![sub("add", options)], &lead(), CHANNEL);
    text_of(&h.interact_followup(&cmd).await.1)
}

#[sqlx::test]
async fn a_re_upload_needs_replace_and_remove_takes_the_question_out(pool: PgPool) {
    let start = Utc.with_ymd_and_hms(2026, 11, 24, 8, 0, 0).unwrap();
    let h = Harness::start(pool, start).await;
    assert!(add(&h, None).await.contains("Added 1 question(s)"));
    let refused = add(&h, None).await;
    assert!(
        refused.contains("already has `srv-cap-choice`"),
        "{refused}"
    );
    let replaced = add(&h, Some(true)).await;
    assert!(
        replaced.contains("Replaced 1 existing question(s): srv-cap-choice"),
        "{replaced}"
    );
    assert_eq!(h.count("SELECT count(*) FROM custom_questions").await, 1);

    let remove = sub("remove", vec![s("id", "srv-cap-choice")]);
    let r = h
        .interact(&slash("questions", vec![remove], &lead(), CHANNEL))
        .await;
    assert!(
        text_of(&r).contains("Removed `srv-cap-choice`"),
        "{}",
        text_of(&r)
    );
    assert_eq!(h.count("SELECT count(*) FROM custom_questions").await, 0);
    h.stop().await;
}
