//! The view model, continued: a channel's status and notes, reveals in
//! one or two parts, plain-text fallbacks and refusals.

use super::*;

fn status(paused: Option<&str>) -> DailyStatus {
    DailyStatus {
        headline: None,
        post_time: "09:00".into(),
        reveal_time: "08:00".into(),
        reveal_next_day: true,
        tz: "Europe/London".into(),
        weekdays: false,
        topics: vec!["SQL concepts".into()],
        paused: paused.map(Into::into),
        next_post: paused.is_none().then(|| "Mon 23 Nov 09:00 GMT".into()),
    }
}

#[test]
fn a_paused_channel_says_why_and_how_to_resume_and_shows_no_next_post() {
    let v = build(
        &Body::DailyStatus(status(Some("paused by an admin"))),
        &WORDS,
    );
    let t = text_of(&v);
    assert!(
        t.contains("Paused (paused by an admin)") && t.contains("/daily resume"),
        "{t}"
    );
    assert!(!t.contains("Next post"), "{t}");
    let active = text_of(&build(&Body::DailyStatus(status(None)), &WORDS));
    assert!(
        active.contains("reveals at 08:00 the next day")
            && active.contains("Next post: Mon 23 Nov 09:00 GMT."),
        "{active}"
    );
}

#[test]
fn flags_name_the_question_number_and_escape_what_people_wrote() {
    let f = FlagLine {
        answer_id: 6,
        post_id: 9,
        member: "eve".into(),
        question_id: "sql-window-rank".into(),
        verdict: None,
        excerpt: "**bold** <@1>".into(),
    };
    let t = text_of(&build(&Body::Flags(vec![f]), &WORDS));
    assert!(
        t.contains("answer 6 by eve to #9") && t.contains("ungraded") && t.contains("\\*\\*bold"),
        "{t}"
    );
    assert!(text_of(&build(&Body::Flags(vec![]), &WORDS)).contains("No open flags."));
}

#[test]
fn custom_questions_count_in_words_and_list_disabled_topics() {
    let c = CustomQuestions {
        questions: vec![("my-q".into(), "SQL".into(), "easy".into(), "open".into())],
        disabled_topics: vec![],
    };
    let v = build(&Body::CustomQuestions(c), &WORDS);
    assert!(text_of(&v).contains("1 custom question."));
    assert_eq!(v.fields[0].value, "none");
}

#[test]
fn a_reveal_with_a_summary_leads_with_it_and_offers_the_full_answer() {
    let r = RevealCard {
        options: vec![],
        post_id: 3,
        question_id: QuestionId::parse("sql-window-rank").unwrap(),
        prompt: "Q".into(),
        answer: "The long answer".into(),
        summary: Some("The short answer".into()),
        explanation: "E".into(),
        answers: 0,
        correct: 0,
        correct_names: vec![],
        version_note: None,
    };
    let v = build(&Body::Reveal(r), &WORDS);
    let shown = text_of(&v);
    assert!(shown.contains("The short answer"), "{shown}");
    assert!(!shown.contains("The long answer"), "{shown}");
    assert!(v.controls.iter().any(|c| matches!(
        c,
        Control::Button {
            action: ActionId::FullAnswer { post: 3 },
            ..
        }
    )));
    assert!(v.typed.as_deref().unwrap().contains("full-answer 3"));
}

#[test]
fn quiz_feedback_with_a_summary_shows_it_as_the_model_answer_with_the_full_one_a_click_away() {
    let mut f = feedback(Verdict::Correct, Some("The long answer"));
    f.summary = Some("The short answer".into());
    let v = build(&Body::Feedback(f), &WORDS);
    let shown = text_of(&v);
    assert!(
        shown.contains("The short answer") && !shown.contains("The long answer"),
        "{shown}"
    );
    assert!(v.controls.iter().any(|c| matches!(
        c,
        Control::Button {
            action: ActionId::FullAnswer { post: 6 },
            ..
        }
    )));
    let mut f = feedback(Verdict::Correct, None);
    f.summary = Some("The short answer".into());
    let shown = text_of(&build(&Body::Feedback(f), &WORDS));
    assert!(
        !shown.contains("The short answer"),
        "no answer before the reveal: {shown}"
    );
}

#[test]
fn a_question_has_a_plain_text_fallback_with_its_title_and_prompt() {
    let v = cards::question(&card(Format::Open, &[], false), &WORDS);
    let f = v
        .fallback()
        .expect("a question must be readable without embeds");
    assert!(f.starts_with("Daily question #12\n"), "{f}");
    assert!(f.contains("What does RANK() do with ties?"), "{f}");
    assert!(!f.contains("**"), "markup is removed: {f}");
}

#[test]
fn a_fallback_stays_short_however_long_the_view_is() {
    let long = "word ".repeat(2_000);
    let v = View::new(Tone::Success, "Title")
        .text(long)
        .field("Points", "+3");
    let f = v.fallback().unwrap();
    assert!(f.chars().count() <= FALLBACK_CHARS, "{}", f.chars().count());
    assert!(f.contains("Points: +3"), "fields survive the cut: {f}");
}

#[test]
fn help_and_boards_have_no_fallback_line() {
    assert_eq!(View::new(Tone::Neutral, "Help").text("x").fallback(), None);
    assert_eq!(View::new(Tone::Trophy, "Board").text("x").fallback(), None);
}

#[test]
fn the_pause_note_names_the_channel_the_reason_and_the_way_back() {
    let card = PauseCard {
        post_id: 7,
        channel: "123".into(),
        reason: "the channel no longer exists".into(),
    };
    let v = admin::paused_by_delivery(&card, &SLACK);
    let t = text_of(&v);
    assert!(t.contains("#7") && t.contains("<#123>"), "{t}");
    assert!(t.contains("no longer exists"), "{t}");
    assert!(t.contains("/prep daily resume"), "{t}");
}

#[test]
fn a_reveal_in_two_parts_keeps_every_block_once_and_the_stats_on_the_post() {
    let r = RevealCard {
        options: vec![],
        summary: None,
        post_id: 4,
        question_id: QuestionId::parse("sql-window-rank").unwrap(),
        prompt: "Q".into(),
        answer: "A".into(),
        explanation: "E".into(),
        answers: 2,
        correct: 1,
        correct_names: vec!["ada".into()],
        version_note: Some("changed".into()),
    };
    let full = build(&Body::Reveal(r.clone()), &WORDS);
    let (post, answer) = super::cards::reveal_parts(&r, &WORDS);
    assert_eq!(post.fields, full.fields);
    assert!(post.controls.is_empty() && answer.fields.is_empty());
    assert_eq!(post.blocks.len() + answer.blocks.len(), full.blocks.len());
    assert!(matches!(&post.blocks[..], [Block::Section { heading, .. }] if heading == "Question"));
    assert!(answer.title.contains("#4"));
}

#[test]
fn refusals_name_commands_the_way_the_platform_types_them() {
    let e = Body::Error("unknown command `/quizz`: try /help, or `/daily resume` (see a/b)".into());
    let slack = text_of(&build(&e, &SLACK));
    assert!(slack.contains("try /prep help"), "{slack}");
    assert!(slack.contains("`/prep daily resume`"), "{slack}");
    assert!(slack.contains("`/quizz`"), "not a command: {slack}");
    assert!(slack.contains("a/b"), "not at a word start: {slack}");
    let discord = text_of(&build(&e, &WORDS));
    assert!(discord.contains("try /help"), "{discord}");
}

#[test]
fn a_two_part_reveal_shows_the_summary_on_the_post_and_the_full_answer_in_the_thread() {
    let r = RevealCard {
        options: vec![],
        summary: Some("The short answer".into()),
        post_id: 5,
        question_id: QuestionId::parse("sql-window-rank").unwrap(),
        prompt: "Q".into(),
        answer: "The long answer".into(),
        explanation: "E".into(),
        answers: 1,
        correct: 1,
        correct_names: vec!["ada".into()],
        version_note: None,
    };
    let (post, thread) = super::cards::reveal_parts(&r, &WORDS);
    let (post, thread) = (text_of(&post), text_of(&thread));
    assert!(
        post.contains("The short answer") && !post.contains("The long answer"),
        "{post}"
    );
    assert!(
        thread.contains("The long answer") && thread.contains("E"),
        "{thread}"
    );
}

#[test]
fn a_try_again_names_the_cause_and_the_reference_and_echoes_the_answer_literally() {
    let written = "SELECT * FROM t -- the_answer /quiz @everyone";
    let t = TryAgain {
        unreachable: true,
        reference: "0badc0de".into(),
        echo: Some(written.into()),
    };
    let v = build(&Body::TryAgain(t.clone()), &SLACK);
    assert_eq!(v.tone, Tone::Error);
    let all = text_of(&v);
    assert!(all.contains("cannot reach its database"), "{all}");
    assert!(
        all.contains("try again") && all.contains("0badc0de"),
        "{all}"
    );
    assert!(all.contains("may not have been saved"), "{all}");
    // Escaped: no mark formats, no ping, no command retyped; plain text
    // gives back exactly what was written.
    let echoed = match v.blocks.last() {
        Some(Block::Section { text, .. }) => text.clone(),
        other => panic!("{other:?}"),
    };
    assert!(
        echoed.contains("\\*") && !echoed.contains("@everyone"),
        "{echoed}"
    );
    assert!(!echoed.contains("/prep quiz"), "{echoed}");
    assert_eq!(markup::to_plain(&echoed), written);

    let broken = TryAgain {
        unreachable: false,
        echo: None,
        ..t
    };
    let all = text_of(&build(&Body::TryAgain(broken), &WORDS));
    assert!(
        all.contains("Something went wrong on our side") && all.contains("0badc0de"),
        "{all}"
    );
    assert!(!all.contains("Your answer"), "{all}");
}
