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
        deadline: None,
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

#[test]
fn a_home_puts_a_divider_between_views_and_stays_within_100_blocks_leaving_out_whole_views() {
    let view = |i: usize| {
        let mut v = View::new(Tone::Neutral, format!("View {i}"));
        for j in 0..10 {
            v = v.text(format!("line {j}"));
        }
        v
    };
    let two = home(&[view(0), view(1)]);
    assert_eq!(two.len(), 11 + 1 + 11);
    assert_eq!(two[11]["type"], "divider");
    let many: Vec<View> = (0..20).map(view).collect();
    let blocks = home(&many);
    assert!(blocks.len() <= VIEW_BLOCKS, "{}", blocks.len());
    // Eight whole views (11 blocks each, dividers between): 95 blocks.
    assert_eq!(blocks.len(), 8 * 11 + 7);
    assert_eq!(blocks.last().unwrap()["text"]["text"], "line 9");
}

#[test]
fn the_cores_channel_reference_becomes_a_slack_link_but_one_a_person_typed_stays_text() {
    assert_eq!(
        to_mrkdwn("Open now in <#C0DAILY>."),
        "Open now in <#C0DAILY>."
    );
    let typed = crate::domain::markup::escape("<#C0DAILY>");
    assert_eq!(to_mrkdwn(&typed), "&lt;#C0DAILY&gt;");
    for not_a_channel in ["<#c1>", "<#>", "<#C1 >", "a < b", "<#C1|x>", "<!here>"] {
        assert!(!to_mrkdwn(not_a_channel).contains('<'), "{not_a_channel}");
    }
}

#[test]
fn a_deadline_is_a_date_token_each_reader_sees_in_their_own_zone() {
    let mut view = View::new(Tone::Question, "Round #1 · question 1 of 3");
    view.deadline = Some(1_795_510_830);
    let blocks = messages(&view).concat();
    let context = blocks
        .iter()
        .find(|b| b["type"] == "context")
        .expect("a context block");
    let text = context["elements"][0]["text"].as_str().unwrap();
    assert_eq!(
        text,
        "Closes at <!date^1795510830^{time_secs}|09:00:30 UTC>"
    );
}

#[test]
fn a_long_code_block_is_fenced_in_every_section_and_no_cut_splits_an_escape() {
    let code = "SELECT a & b FROM t WHERE x < y;\n".repeat(150);
    let view = View::new(Tone::Neutral, "Schema").block(Block::Code {
        language: "sql".into(),
        code: code.clone(),
    });
    let sections = texts(&messages(&view).concat()[1..]);
    assert!(sections.len() > 1, "long enough to split");
    for s in &sections {
        assert!(
            s.chars().count() <= SECTION_TEXT,
            "{} chars",
            s.chars().count()
        );
        assert!(
            s.starts_with("```") && s.ends_with("```"),
            "fenced: {s:.40}"
        );
    }
    let inner: Vec<&str> = sections.iter().map(|s| &s[3..s.len() - 3]).collect();
    assert_eq!(inner.join("\n"), escape(code.trim_end()));
    // A line with no break to split at is cut between escapes, never in
    // one (3000 is not a multiple of 7, nor 1999 of 5).
    let whole = |s: &str| {
        s.match_indices('&').all(|(i, _)| {
            ["&amp;", "&lt;", "&gt;"]
                .iter()
                .any(|e| s[i..].starts_with(e))
        })
    };
    let pieces = split(&escape(&"ab&".repeat(1500)), SECTION_TEXT);
    assert!(pieces.len() > 3);
    assert!(pieces.iter().all(|p| whole(p)), "an escape cut in two");
    assert_eq!(pieces.concat(), escape(&"ab&".repeat(1500)));
    let field = clip_mrkdwn(&escape(&"a<".repeat(600)), 2000);
    assert!(field.ends_with('…') && field.chars().count() <= 2000);
    assert!(whole(&field), "{}", &field[field.len() - 12..]);
}
