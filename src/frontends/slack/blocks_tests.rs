use super::*;
use crate::domain::view::{Tone, View};

fn texts(blocks: &[Value]) -> Vec<String> {
    blocks
        .iter()
        .filter_map(|b| b["text"]["text"].as_str().map(str::to_owned))
        .collect()
}

#[test]
fn a_long_text_is_split_over_sections_of_at_most_3000_characters_and_nothing_is_lost() {
    let line = "word ".repeat(30);
    let text = vec![line.trim_end(); 60].join("\n");
    let view = View::new(Tone::Neutral, "Long").text(text.clone());
    let blocks = messages(&view).concat();
    let sections = texts(&blocks[1..]);
    assert!(sections.len() > 1);
    assert!(sections.iter().all(|s| s.chars().count() <= SECTION_TEXT));
    assert_eq!(sections.join("\n"), text);
}

#[test]
fn a_view_of_more_than_50_blocks_continues_in_further_messages_with_controls_on_the_first() {
    let mut view = View::new(Tone::Neutral, "Many");
    for i in 0..120 {
        view = view.text(format!("block {i}"));
    }
    view.controls = vec![Control::Button {
        action: ActionId::OpenAnswer { post: 1 },
        label: "Answer".into(),
        emphasis: Emphasis::Primary,
        disabled: false,
    }];
    let out = messages(&view);
    assert_eq!(out.len(), 3);
    assert!(out.iter().all(|m| m.len() <= MESSAGE_BLOCKS));
    assert_eq!(out[0].last().unwrap()["type"], "actions");
    assert_eq!(out[0].last().unwrap()["elements"][0]["style"], "primary");
    let all = texts(&out.concat()).join("\n");
    assert!(all.contains("block 0") && all.contains("block 119"));
}

#[test]
fn markup_becomes_mrkdwn_and_what_a_person_typed_cannot_link_or_mention() {
    assert_eq!(to_mrkdwn("**Star** _schema_ `x`"), "*Star* _schema_ `x`");
    let typed = crate::domain::markup::escape("<!everyone> <@U1|x> a & b");
    let shown = to_mrkdwn(&typed);
    assert!(!shown.contains('<') && !shown.contains('>'), "{shown}");
    assert!(
        shown.contains("&lt;!everyone&gt;") && shown.contains("&amp;"),
        "{shown}"
    );
}

#[test]
fn buttons_and_options_fit_slacks_75_characters_and_select_all_is_a_multi_select() {
    let long = "x".repeat(200);
    let view = View {
        controls: vec![
            Control::Button {
                action: ActionId::Choose {
                    post: 2,
                    option: "a".into(),
                },
                label: long.clone(),
                emphasis: Emphasis::Secondary,
                disabled: false,
            },
            Control::Select {
                action: ActionId::Pick { post: 2 },
                placeholder: "Select all that apply".into(),
                options: vec![("a".into(), long.clone()), ("b".into(), "B".into())],
                min: 1,
                max: 2,
            },
        ],
        ..View::new(Tone::Question, "Q")
    };
    let actions = messages(&view)[0].last().unwrap().clone();
    let button = &actions["elements"][0];
    assert_eq!(
        button["text"]["text"].as_str().unwrap().chars().count(),
        BUTTON_TEXT
    );
    assert_eq!(button["action_id"], "prepbot:choose:2:a");
    let select = &actions["elements"][1];
    assert_eq!(select["type"], "multi_static_select");
    assert_eq!(select["max_selected_items"], 2);
    let label = select["options"][0]["text"]["text"].as_str().unwrap();
    assert_eq!(label.chars().count(), BUTTON_TEXT);
}

#[test]
fn the_answer_modal_has_a_short_title_a_multiline_input_and_the_submit_action() {
    let modal = answer_modal(Some(123_456_789), "C1");
    assert!(modal["title"]["text"].as_str().unwrap().chars().count() <= MODAL_TITLE);
    assert_eq!(modal["callback_id"], "prepbot:modal:123456789");
    let input = &modal["blocks"][0]["element"];
    assert_eq!(
        (input["multiline"].as_bool(), input["action_id"].as_str()),
        (Some(true), Some(ANSWER_FIELD))
    );
    assert_eq!(modal["private_metadata"], "C1");
}
