//! Mapping tests: the serenity builders are `Serialize`, so each test checks
//! the JSON Discord would receive for a view. What a view contains is
//! tested once, in the core (`domain::view`).

use super::*;
use crate::domain::action::ActionId;
use crate::domain::view::{Block, Control, Emphasis, Mark, Tone, View};
use serde_json::{json, Value};

fn js<T: serde::Serialize>(v: &T) -> Value {
    serde_json::to_value(v).expect("serializable builder")
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

fn button(post: i64, option: &str, label: &str) -> Control {
    Control::Button {
        action: ActionId::Choose {
            post,
            option: option.into(),
        },
        label: label.into(),
        emphasis: Emphasis::Secondary,
        disabled: false,
    }
}

fn reply_of(view: View, visibility: Visibility) -> Vec<Outgoing> {
    shown(&Shown { visibility, view })
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
fn a_view_becomes_an_embed_with_title_description_fields_and_footer() {
    let v = View::new(Tone::Question, "Daily question #12")
        .text("What does RANK() do?")
        .block(Block::List {
            heading: Some("Options".into()),
            mark: Mark::Lettered,
            items: vec!["A. Skips".into()],
        })
        .block(Block::Code {
            language: "sql".into(),
            code: "CREATE TABLE t (x int);".into(),
        })
        .field("Topic", "SQL concepts")
        .footer("Answers are private until the reveal.");
    let out = post(&v);
    let e = &js(&out[0].embeds)[0];
    assert_eq!(e["title"], "Daily question #12");
    assert_eq!(e["color"], 0x5865F2);
    assert_eq!(
        e["description"],
        "What does RANK() do?\n\n**Options**\nA. Skips\n\n```sql\nCREATE TABLE t (x int);\n```"
    );
    assert_eq!(
        e["fields"][0],
        json!({"name": "Topic", "value": "SQL concepts", "inline": true})
    );
    assert_eq!(e["footer"]["text"], "Answers are private until the reveal.");
    assert!(!out[0].ephemeral);
}

#[test]
fn buttons_go_five_to_a_row_and_keep_their_action_ids() {
    let mut v = View::new(Tone::Question, "Q");
    v.controls = (0..7)
        .map(|i| button(3, &format!("o{i}"), &"x".repeat(120)))
        .collect();
    let out = post(&v);
    let rows = js(&out[0].components);
    assert_eq!(rows.as_array().unwrap().len(), 2);
    assert_eq!(rows[0]["components"].as_array().unwrap().len(), 5);
    assert_eq!(custom_ids(&out[0])[6], "prepbot:choose:3:o6");
    assert_eq!(
        rows[0]["components"][0]["label"]
            .as_str()
            .unwrap()
            .chars()
            .count(),
        80,
        "labels fit Discord's 80"
    );
}

#[test]
fn a_select_becomes_a_string_select_with_its_bounds() {
    let mut v = View::new(Tone::Question, "Q");
    v.controls = vec![Control::Select {
        action: ActionId::Pick { post: 4 },
        placeholder: "Select all that apply".into(),
        options: vec![
            ("a".into(), "A. x".into()),
            ("b".into(), "B. y".into()),
            ("c".into(), "C. z".into()),
        ],
        min: 1,
        max: 3,
    }];
    let menu = &js(&post(&v)[0].components)[0]["components"][0];
    assert_eq!(menu["type"], 3);
    assert_eq!(menu["custom_id"], "prepbot:pick:4");
    assert_eq!(
        (menu["min_values"].as_u64(), menu["max_values"].as_u64()),
        (Some(1), Some(3))
    );
    assert_eq!(menu["options"][2], json!({"label": "C. z", "value": "c"}));
}

#[test]
fn a_table_is_one_line_per_row_with_the_first_cell_bold() {
    let v = View::new(Tone::Trophy, "Board").block(Block::Table {
        columns: vec![],
        rows: vec![vec!["1.".into(), "Ada".into(), "30".into()]],
    });
    assert_eq!(js(&post(&v)[0].embeds)[0]["description"], "**1.** Ada · 30");
}

#[test]
fn private_replies_are_ephemeral_and_public_ones_are_not() {
    let v = View::new(Tone::Neutral, "prepbot").text("hi");
    assert!(reply_of(v.clone(), Visibility::Private)[0].ephemeral);
    assert!(!reply_of(v, Visibility::Public)[0].ephemeral);
}

#[test]
fn a_very_long_view_becomes_several_messages_within_discord_caps() {
    let v = View::new(Tone::Neutral, "Long").text("A paragraph of some length.\n\n".repeat(1000));
    let out = reply_of(v, Visibility::Private);
    assert!(out.len() > 1);
    let mut words = 0;
    for m in &out {
        let embeds = js(&m.embeds);
        let total: usize = embeds
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                e["description"].as_str().map_or(0, |d| d.chars().count())
                    + e["title"].as_str().map_or(0, |t| t.chars().count())
            })
            .sum();
        assert!(total <= MESSAGE_EMBED_TOTAL, "{total}");
        assert!(embeds.as_array().unwrap().len() <= MESSAGE_EMBEDS);
        words += embeds
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                e["description"]
                    .as_str()
                    .unwrap_or("")
                    .matches("paragraph")
                    .count()
            })
            .sum::<usize>();
        assert!(m.ephemeral);
    }
    assert_eq!(words, 1000, "nothing is dropped");
}

#[test]
fn the_answer_modal_has_a_paragraph_field_capped_at_4000() {
    let modal = js(&answer_modal(Some(12), Some("What does RANK() do?")));
    assert_eq!(modal["custom_id"], "prepbot:modal:12");
    let input = &modal["components"][0]["components"][0];
    assert_eq!(input["style"], 2, "a paragraph field");
    assert_eq!(input["max_length"], 4000);
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

#[test]
fn a_field_too_long_for_discord_moves_into_the_description_whole() {
    let names = "a\\_very\\_long\\_name, ".repeat(60);
    let v = View::new(Tone::Success, "Revealed")
        .field("Answers", "2 answers")
        .field("Got it right", names.clone());
    let out = post(&v);
    let e = &js(&out[0].embeds)[0];
    assert_eq!(e["fields"].as_array().unwrap().len(), 1);
    let all: String = js(&out[0].embeds)
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["description"].as_str().unwrap_or("").to_owned())
        .collect();
    assert!(
        all.contains("**Got it right**") && all.matches("long").count() == 60,
        "nothing is cut"
    );
}
