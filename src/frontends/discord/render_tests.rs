//! Renderer tests: the serenity builders are `Serialize`, so each test checks
//! the JSON Discord would receive.

use super::*;
use crate::bank::{Difficulty, Format, QuestionId, Topic};
use crate::domain::command::Period;
use crate::domain::reply::{Feedback, Leaderboard, Standing};
use crate::grading::{Grade, Verdict};
use serde_json::{json, Value};

fn js<T: serde::Serialize>(v: &T) -> Value {
    serde_json::to_value(v).expect("serializable builder")
}

fn card(format: Format, options: &[(&str, &str)]) -> QuestionCard {
    QuestionCard {
        post_id: 12,
        question_id: QuestionId::parse("sql-window-rank").unwrap(),
        topic: Topic::parse("sql-concepts").unwrap(),
        topic_name: "SQL concepts".into(),
        difficulty: Difficulty::Medium,
        format,
        prompt: "What does RANK() do with ties?".into(),
        options: options
            .iter()
            .map(|(a, b)| ((*a).into(), (*b).into()))
            .collect(),
        schema: None,
        daily: true,
        reveals_at: Some(1_700_000_000),
        reveal_label: Some("17:00 Europe/London".into()),
    }
}

fn custom_ids(out: &Outgoing) -> Vec<String> {
    let rows = js(&out.components);
    let mut ids = vec![];
    for row in rows.as_array().unwrap() {
        for c in row["components"].as_array().unwrap() {
            ids.push(c["custom_id"].as_str().unwrap().to_owned());
        }
    }
    ids
}

#[test]
fn short_text_stays_in_one_piece() {
    assert_eq!(split_text("hello\n\nworld", 4096), vec!["hello\n\nworld"]);
    assert_eq!(split_text("", 10), vec![""]);
}

#[test]
fn long_text_splits_at_paragraph_boundaries_under_the_limit() {
    let para = "word ".repeat(300); // 1500 chars
    let text = [para.trim(), para.trim(), para.trim(), para.trim()].join("\n\n");
    let pieces = split_text(&text, EMBED_DESCRIPTION);
    assert_eq!(pieces.len(), 2);
    assert!(pieces
        .iter()
        .all(|p| p.chars().count() <= EMBED_DESCRIPTION));
    assert_eq!(pieces[0], [para.trim(), para.trim()].join("\n\n"));
}

#[test]
fn a_single_huge_word_is_cut_without_breaking_a_character() {
    let text = "é".repeat(5000);
    let pieces = split_text(&text, EMBED_DESCRIPTION);
    assert_eq!(
        pieces.iter().map(|p| p.chars().count()).collect::<Vec<_>>(),
        vec![4096, 904]
    );
}

#[test]
fn a_choice_question_gets_one_button_per_option() {
    let out = question_post(&card(
        Format::Choice,
        &[("a", "Skips"), ("b", "Shares a rank, then gaps")],
    ));
    assert_eq!(
        custom_ids(&out),
        vec!["prepbot:choose:12:a", "prepbot:choose:12:b"]
    );
    let embed = &js(&out.embeds)[0];
    assert_eq!(embed["title"], "Daily question #12");
    assert!(embed["description"]
        .as_str()
        .unwrap()
        .contains("**B.** Shares a rank, then gaps"));
    assert_eq!(
        embed["fields"][0],
        json!({"name": "Topic", "value": "SQL concepts", "inline": true})
    );
    assert!(!out.ephemeral);
}

#[test]
fn an_open_question_gets_an_answer_button_that_opens_the_modal() {
    let out = question_post(&card(Format::Open, &[]));
    assert_eq!(custom_ids(&out), vec!["prepbot:answer:12"]);
    let modal = js(&answer_modal(Some(12), Some("What does RANK() do?")));
    assert_eq!(modal["custom_id"], "prepbot:modal:12");
    let input = &modal["components"][0]["components"][0];
    assert_eq!(input["style"], 2, "a paragraph field");
    assert_eq!(input["max_length"], 4000);
}

#[test]
fn private_replies_and_all_errors_are_ephemeral() {
    let private = reply(&Reply {
        visibility: Visibility::Private,
        body: Body::Text("hi".into()),
    });
    assert!(private[0].ephemeral);
    let error = reply(&Reply {
        visibility: Visibility::Public,
        body: Body::Error("no".into()),
    });
    assert!(error[0].ephemeral);
    let public = reply(&Reply {
        visibility: Visibility::Public,
        body: Body::Text("hi".into()),
    });
    assert!(!public[0].ephemeral);
}

#[test]
fn a_very_long_reply_becomes_several_messages_within_discord_caps() {
    let text = "A paragraph of some length.\n\n".repeat(1000);
    let out = reply(&Reply {
        visibility: Visibility::Private,
        body: Body::Text(text),
    });
    assert!(out.len() > 1);
    for m in &out {
        let total: usize = js(&m.embeds)
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                e["description"].as_str().map_or(0, |d| d.chars().count())
                    + e["title"].as_str().map_or(0, |t| t.chars().count())
            })
            .sum();
        assert!(total <= MESSAGE_EMBED_TOTAL, "{total}");
        assert!(m.ephemeral);
    }
}

#[test]
fn feedback_shows_the_verdict_missed_points_and_model_answer() {
    let f = Feedback {
        post_id: 3,
        answer_id: 9,
        question_id: QuestionId::parse("sql-window-rank").unwrap(),
        grade: Grade {
            verdict: Verdict::Partial,
            score: 0.5,
            covered: vec!["ties share a rank".into()],
            missed: vec!["gaps follow ties".into()],
            detail: vec![],
            misconceptions: vec![],
        },
        points: 5,
        note: None,
        model_answer: Some("Ties share a rank and leave gaps.".into()),
        streak: Some(4),
    };
    let out = reply(&Reply {
        visibility: Visibility::Private,
        body: Body::Feedback(f),
    });
    let e = &js(&out[0].embeds)[0];
    assert!(e["title"].as_str().unwrap().starts_with("🟡 Partly right"));
    let d = e["description"].as_str().unwrap();
    assert!(d.contains("• gaps follow ties") && d.contains("Ties share a rank and leave gaps."));
}

#[test]
fn the_reveal_lists_counts_share_and_names_and_drops_the_buttons() {
    let card = RevealCard {
        post_id: 12,
        question_id: QuestionId::parse("sql-window-rank").unwrap(),
        prompt: "What does RANK() do with ties?".into(),
        answer: "Shares the rank, then skips.".into(),
        explanation: "DENSE_RANK does not skip.".into(),
        answers: 4,
        correct: 3,
        correct_names: vec!["Ada".into(), "Grace".into(), "Linus".into()],
        version_note: None,
    };
    let out = reveal_post(&card);
    assert!(out.components.is_empty());
    let e = &js(&out.embeds)[0];
    assert_eq!(e["fields"][1]["value"], "3 (75%)");
    assert_eq!(e["fields"][2]["value"], "Ada, Grace, Linus");
}

#[test]
fn leaderboard_pages_have_previous_and_next_buttons_disabled_at_the_ends() {
    let lb = Leaderboard {
        period: Period::Week,
        topic: None,
        page: 1,
        pages: 3,
        rows: vec![Standing {
            rank: 1,
            name: "Ada".into(),
            points: 30,
        }],
        me: Some(Standing {
            rank: 7,
            name: "Me".into(),
            points: 4,
        }),
    };
    let out = reply(&Reply {
        visibility: Visibility::Public,
        body: Body::Leaderboard(lb),
    });
    assert_eq!(
        custom_ids(&out[0]),
        vec!["prepbot:lb:week:-:0", "prepbot:lb:week:-:2"]
    );
    let buttons = &js(&out[0].components)[0]["components"];
    assert_eq!(buttons[0]["disabled"], true);
    assert_eq!(buttons[1]["disabled"], false);
    let e = &js(&out[0].embeds)[0];
    assert_eq!(e["description"], "**1.** Ada — 30 pts");
    assert_eq!(e["footer"]["text"], "Page 1 of 3");
}

#[test]
fn the_apology_is_private_and_carries_the_reference_id() {
    let out = apology("E7F3A1");
    assert!(out.ephemeral);
    assert!(js(&out.embeds)[0]["description"]
        .as_str()
        .unwrap()
        .contains("`E7F3A1`"));
}
