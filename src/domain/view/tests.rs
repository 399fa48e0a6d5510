//! The view model, tested once in the core: what each reply shows and which
//! controls it offers. Front-end tests only check how views are mapped.

use super::*;
use crate::bank::{Difficulty, QuestionId, Topic};
use crate::domain::command::Period;
use crate::domain::reply::*;
use crate::grading::{Grade, Verdict};

const WORDS: Words = Words {
    admins: "server admins (Manage Server permission)",
    become_admin: None,
    command_prefix: "/",
    community: "server",
    channel: "<#{}>",
};
const SLACK: Words = Words {
    admins: "workspace admins",
    become_admin: None,
    command_prefix: "/prep ",
    community: "workspace",
    channel: "<#{}>",
};

fn card(format: Format, options: &[(&str, &str)], multi: bool) -> QuestionCard {
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
        multi,
        daily: true,
        reveals_at: Some(1_700_000_000),
        reveal_label: Some("17:00 Europe/London".into()),
    }
}

/// Every string of a view's blocks, one per line.
fn text_of(v: &View) -> String {
    let mut out = Vec::new();
    for b in &v.blocks {
        match b {
            Block::Text(t) => out.push(t.clone()),
            Block::Section { heading, text } => out.extend([heading.clone(), text.clone()]),
            Block::List { heading, items, .. } => {
                out.extend(heading.clone());
                out.extend(items.iter().cloned());
            }
            Block::Code { code, .. } => out.push(code.clone()),
            Block::Table { rows, .. } => out.extend(rows.iter().map(|r| r.join(" "))),
        }
    }
    out.join("\n")
}

use crate::bank::Format;

#[test]
fn an_open_question_offers_one_answer_button_and_says_what_to_type() {
    let v = build(&Body::Question(card(Format::Open, &[], false)), &WORDS);
    assert_eq!(v.title, "Daily question #12");
    assert_eq!(v.tone, Tone::Question);
    assert!(matches!(
        v.controls.as_slice(),
        [Control::Button {
            action: ActionId::OpenAnswer { post: 12 },
            ..
        }]
    ));
    assert_eq!(
        v.typed.as_deref(),
        Some("Answer with /answer and your explanation")
    );
    assert!(text_of(&v).contains("Revealed at 17:00 Europe/London."));
    assert_eq!(
        v.fields.iter().map(|f| f.name.as_str()).collect::<Vec<_>>(),
        ["Topic", "Difficulty", "Format"]
    );
}

#[test]
fn a_single_choice_question_lists_its_options_and_has_a_button_each() {
    let v = build(
        &Body::Question(card(
            Format::Choice,
            &[("a", "Gaps"), ("b", "No gaps")],
            false,
        )),
        &WORDS,
    );
    let ids: Vec<String> = v
        .controls
        .iter()
        .map(|c| match c {
            Control::Button { action, label, .. } => format!("{}={label}", action.encode()),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        ids,
        [
            "prepbot:choose:12:a=A. Gaps",
            "prepbot:choose:12:b=B. No gaps"
        ]
    );
    assert!(text_of(&v).contains("A. Gaps"));
}

#[test]
fn a_select_all_that_apply_question_gets_one_multi_select() {
    let v = build(
        &Body::Question(card(
            Format::Choice,
            &[("a", "x"), ("b", "y"), ("c", "z")],
            true,
        )),
        &WORDS,
    );
    let [Control::Select {
        action,
        min,
        max,
        options,
        ..
    }] = v.controls.as_slice()
    else {
        panic!("{:?}", v.controls)
    };
    assert_eq!(
        (action, *min, *max, options.len()),
        (&ActionId::Pick { post: 12 }, 1, 3, 3)
    );
    assert!(v.typed.unwrap().contains("every letter"));
}

#[test]
fn true_false_buttons_are_labelled_with_the_words_alone() {
    let v = build(
        &Body::Question(card(
            Format::Truefalse,
            &[("true", "True"), ("false", "False")],
            false,
        )),
        &WORDS,
    );
    let labels: Vec<&str> = v
        .controls
        .iter()
        .map(|c| match c {
            Control::Button { label, .. } => label.as_str(),
            _ => "",
        })
        .collect();
    assert_eq!(labels, ["True", "False"]);
}

#[test]
fn commands_in_views_use_the_platforms_own_prefix() {
    let v = build(&Body::Question(card(Format::Open, &[], false)), &SLACK);
    assert_eq!(
        v.typed.as_deref(),
        Some("Answer with /prep answer and your explanation")
    );
    let help = build(&Body::Help(HelpCard { topics: vec![] }), &SLACK);
    assert!(format!("{help:?}").contains("/prep quiz"));
    assert!(format!("{help:?}").contains("workspace admins"));
}

#[test]
fn admin_refusals_are_worded_by_the_platform_and_say_how_to_become_one_where_possible() {
    let discord = build(&Body::AdminOnly, &WORDS);
    assert_eq!(discord.tone, Tone::Error);
    assert!(text_of(&discord).contains("server admins (Manage Server permission)"));
    let console = Words {
        admins: "admins",
        become_admin: Some("Switch with /as NAME admin."),
        ..WORDS
    };
    assert!(text_of(&build(&Body::AdminOnly, &console)).contains("/as NAME admin"));
}

fn feedback(verdict: Verdict, model: Option<&str>) -> Feedback {
    Feedback {
        post_id: 6,
        answer_id: 41,
        question_id: QuestionId::parse("sql-window-rank").unwrap(),
        grade: Grade {
            verdict,
            score: 0.5,
            covered: vec!["ties share a rank".into()],
            missed: vec!["gaps follow ties".into()],
            detail: vec![],
            misconceptions: vec![],
        },
        points: 10,
        note: None,
        model_answer: model.map(Into::into),
        summary: None,
        streak: Some(3),
    }
}

#[test]
fn feedback_lists_what_was_covered_and_missed_with_points_and_streak() {
    let v = build(&Body::Feedback(feedback(Verdict::Partial, None)), &WORDS);
    assert_eq!(
        (v.title.as_str(), v.tone),
        ("Partly right: #6", Tone::Partial)
    );
    let t = text_of(&v);
    assert!(t.contains("You covered") && t.contains("ties share a rank"));
    assert!(t.contains("You missed") && t.contains("gaps follow ties"));
    assert!(t.contains("The model answer comes with the reveal."));
    assert_eq!(
        v.fields,
        vec![
            Field {
                name: "Points".into(),
                value: "+10".into()
            },
            Field {
                name: "Streak".into(),
                value: "3".into()
            }
        ]
    );
    assert!(v.footer.unwrap().contains("/flag 6"));
    let quiz = build(
        &Body::Feedback(feedback(Verdict::Correct, Some("Model."))),
        &WORDS,
    );
    assert!(text_of(&quiz).contains("Model answer"));
}

#[test]
fn a_reveal_counts_answers_in_words_and_escapes_the_names_of_those_right() {
    let r = RevealCard {
        options: vec![],
        post_id: 3,
        question_id: QuestionId::parse("sql-window-rank").unwrap(),
        prompt: "Q".into(),
        answer: "A".into(),
        summary: None,
        explanation: "E".into(),
        answers: 1,
        correct: 1,
        correct_names: vec!["[x](http://e.vil) @everyone".into()],
        version_note: None,
    };
    let v = build(&Body::Reveal(r), &WORDS);
    let get = |n: &str| v.fields.iter().find(|f| f.name == n).unwrap().value.clone();
    assert_eq!(get("Answers"), "1 answer");
    assert_eq!(get("Correct"), "1 (100%)");
    assert!(!get("Got it right").contains("[x]") && !get("Got it right").contains("@everyone"));
}

#[test]
fn leaderboard_pages_get_previous_and_next_and_the_asker_sees_their_rank() {
    let lb = Leaderboard {
        period: Period::Week,
        topic: None,
        page: 1,
        pages: 3,
        rows: vec![Standing {
            rank: 1,
            name: "al*ice".into(),
            points: 15,
            badges: vec![],
        }],
        me: Some(Standing {
            rank: 14,
            name: "me".into(),
            points: 1,
            badges: vec![],
        }),
    };
    let v = build(&Body::Leaderboard(lb), &WORDS);
    let Block::Table { rows, .. } = &v.blocks[0] else {
        panic!()
    };
    assert_eq!(rows[0], vec!["1.", "al\\*ice", "15"]);
    assert_eq!(v.fields[0].value, "#14 · 1 point");
    assert_eq!(v.footer.as_deref(), Some("Page 1 of 3"));
    let buttons: Vec<(String, bool)> = v
        .controls
        .iter()
        .map(|c| match c {
            Control::Button {
                action, disabled, ..
            } => (action.encode(), *disabled),
            _ => panic!(),
        })
        .collect();
    assert_eq!(
        buttons,
        [
            ("prepbot:lb:week:-:1".to_owned(), true),
            ("prepbot:lb:week:-:2".to_owned(), false)
        ]
    );
}

#[test]
fn stats_show_topic_names_not_slugs() {
    let s = Stats {
        name: "bob".into(),
        points: 30,
        answers: 2,
        correct: 1,
        streak: 1,
        best_streak: 2,
        per_topic: vec![TopicLine {
            name: "SQL concepts".into(),
            answered: 2,
            correct: 1,
            points: 30,
        }],
        wins: Default::default(),
        badges: vec![],
    };
    let v = build(&Body::Stats(s), &WORDS);
    assert_eq!(v.fields[2].value, "1 (50%)");
    let Block::Table { rows, .. } = &v.blocks[0] else {
        panic!()
    };
    assert_eq!(rows[0], vec!["SQL concepts", "1/2", "30"]);
}

#[test]
fn a_streak_of_one_is_singular_and_weekday_streaks_say_so() {
    let v = build(
        &Body::Streak(StreakCard {
            current: 1,
            best: 4,
            weekdays: true,
        }),
        &WORDS,
    );
    assert!(text_of(&v).contains("1 weekday in a row (best 4)"));
}

mod status_and_reveals;
