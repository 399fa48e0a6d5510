//! The grammar, tested on plain strings.

use super::*;

fn ok(line: &str) -> Command {
    parse(line).unwrap_or_else(|e| panic!("{line}: {e}"))
}
fn bad(line: &str) -> String {
    parse(line).expect_err(line).0
}

#[test]
fn a_bare_quiz_has_no_filters() {
    assert_eq!(ok("/quiz"), Command::Quiz(QuizFilter::default()));
}

#[test]
fn quiz_filters_are_parsed_in_any_order() {
    let Command::Quiz(f) = ok("/quiz difficulty:hard topic:SQL format:choice") else {
        panic!()
    };
    assert_eq!(f.topic.unwrap().as_str(), "sql");
    assert_eq!(f.difficulty, Some(Difficulty::Hard));
    assert_eq!(f.format, Some(Format::Choice));
}

#[test]
fn an_unknown_difficulty_is_explained() {
    assert!(bad("/quiz difficulty:brutal").contains("easy, medium or hard"));
}

#[test]
fn an_answer_keeps_its_text_including_colons() {
    assert_eq!(
        ok("/answer CAP: pick C or A during a partition"),
        Command::Answer {
            post: None,
            text: "CAP: pick C or A during a partition".into()
        }
    );
}

#[test]
fn an_answer_can_name_its_post() {
    assert_eq!(
        ok("/answer #12 b"),
        Command::Answer {
            post: Some(12),
            text: "b".into()
        }
    );
}

#[test]
fn an_empty_or_over_long_answer_is_refused_with_a_reason() {
    assert!(bad("/answer").contains("write your answer"));
    let long = format!("/answer {}", "x".repeat(MAX_ANSWER_CHARS + 1));
    assert!(bad(&long).contains("limit is 4000"));
}

#[test]
fn daily_setup_reads_times_zones_days_and_topics() {
    let Command::Daily(DailyCommand::Setup(s)) =
        ok("/daily setup time:09:30 tz:Europe/London reveal:17:00 days:weekdays topics:sql,spark")
    else {
        panic!()
    };
    assert_eq!(s.time, NaiveTime::from_hms_opt(9, 30, 0).unwrap());
    assert_eq!(s.tz, chrono_tz::Europe::London);
    assert_eq!(s.reveal, NaiveTime::from_hms_opt(17, 0, 0));
    assert_eq!(s.days, Days::Weekdays);
    assert_eq!(s.topics.len(), 2);
}

#[test]
fn daily_setup_explains_a_missing_or_bad_value() {
    assert!(bad("/daily setup tz:Europe/London").contains("missing time:"));
    assert!(bad("/daily setup time:25:00 tz:UTC").contains("not a time"));
    assert!(bad("/daily setup time:09:00 tz:Mars/Olympus").contains("not a time zone"));
    assert!(bad("/daily setup time:09:00 tz:UTC colour:blue").contains("unknown option `colour:`"));
    assert!(bad("/daily setup time:09:00 time:10:00 tz:UTC").contains("given twice"));
}

#[test]
fn leaderboard_defaults_to_this_week_and_page_one() {
    assert_eq!(
        ok("/leaderboard"),
        Command::Leaderboard {
            period: Period::Week,
            topic: None,
            page: 1
        }
    );
    let Command::Leaderboard {
        period,
        topic,
        page,
    } = ok("/leaderboard all topic:sql page:2")
    else {
        panic!()
    };
    assert_eq!(
        (period, topic.unwrap().as_str(), page),
        (Period::All, "sql", 2)
    );
}

#[test]
fn unknown_commands_get_one_line_of_help() {
    assert_eq!(
        bad("/frobnicate"),
        "unknown command `/frobnicate`: try /help"
    );
    assert!(bad("/").contains("type a command"));
}

#[test]
fn the_leading_slash_is_optional_as_slack_sends_the_text_without_it() {
    assert_eq!(ok("quiz topic:sql"), ok("/quiz topic:sql"));
    assert_eq!(
        ok("daily setup time:09:00 tz:UTC"),
        ok("/daily setup time:09:00 tz:UTC")
    );
}

#[test]
fn a_modal_answer_is_checked_like_a_typed_one() {
    use super::build;
    assert_eq!(
        build::answer(Some(3), "  a long answer \n"),
        Ok(Command::Answer {
            post: Some(3),
            text: "a long answer".into()
        })
    );
    assert!(build::answer(Some(3), "   ")
        .unwrap_err()
        .0
        .contains("write your answer"));
    let huge = "x".repeat(MAX_ANSWER_CHARS + 1);
    assert!(build::answer(None, &huge).unwrap_err().0.contains("limit"));
    assert!(build::answer(Some(0), "text").is_err());
}

#[test]
fn options_from_buttons_and_selects_are_normalised_and_checked() {
    use super::build;
    assert_eq!(
        build::choose(4, vec!["C".into(), "a".into(), "c".into()]),
        Ok(Command::Choose {
            post: 4,
            options: vec!["a".into(), "c".into()]
        })
    );
    assert!(build::choose(4, vec![]).is_err());
    assert!(build::choose(4, vec!["x".repeat(50)]).is_err());
}

#[test]
fn daily_setup_options_build_the_same_setup_as_the_text_grammar() {
    let from_options = DailySetup::from_options(
        "07:30",
        "Europe/Paris",
        Some("18:00"),
        Some("weekdays"),
        Some("sql, Spark"),
    )
    .unwrap();
    let Command::Daily(DailyCommand::Setup(from_text)) =
        ok("/daily setup time:07:30 tz:Europe/Paris reveal:18:00 days:weekdays topics:sql,spark")
    else {
        panic!()
    };
    assert_eq!(from_options, from_text);
    assert!(DailySetup::from_options("9am", "UTC", None, None, None)
        .unwrap_err()
        .0
        .contains("HH:MM"));
    assert!(
        DailySetup::from_options("09:00", "Mars/Olympus", None, None, None)
            .unwrap_err()
            .0
            .contains("time zone")
    );
    assert!(DailySetup::from_options("09:00", "UTC", None, Some("fortnightly"), None).is_err());
}

#[test]
fn regrade_needs_an_answer_id_and_a_verdict() {
    assert_eq!(
        ok("/regrade 7 correct fair point"),
        Command::Regrade {
            answer: 7,
            verdict: crate::grading::Verdict::Correct,
            note: Some("fair point".into())
        }
    );
    assert!(bad("/regrade seven correct").contains("usage"));
    assert!(bad("/regrade 7 brilliant").contains("unknown verdict"));
}

#[test]
fn only_admin_commands_need_admin() {
    assert!(ok("/daily setup time:09:00 tz:UTC").needs_admin());
    assert!(ok("/daily post").needs_admin());
    assert!(!ok("/daily status").needs_admin());
    assert!(!ok("/quiz").needs_admin());
    assert!(ok("/questions disable-topic sql").needs_admin());
}

#[test]
fn nul_and_escape_characters_are_dropped_from_command_text() {
    assert_eq!(
        ok("/answer Kafka\0 keeps \u{1b}order"),
        Command::Answer {
            post: None,
            text: "Kafka keeps order".into()
        }
    );
    assert_eq!(
        ok("/stats al\0ice"),
        Command::Stats {
            member: Some("alice".into())
        }
    );
}

#[test]
fn an_answer_of_only_control_characters_asks_for_an_answer() {
    assert!(bad("/answer \0\0").starts_with("write your answer first"));
}

#[test]
fn a_line_of_only_control_characters_says_so() {
    assert_eq!(bad("\0\u{7}\0"), ONLY_CONTROLS);
}

#[test]
fn newlines_and_tabs_survive_in_multi_line_answers() {
    assert_eq!(strip_controls("a\n\tb\0"), "a\n\tb");
}

#[test]
fn questions_add_takes_replace_true_before_or_after_the_file() {
    let add = |toml: &str, replace| {
        Command::Questions(QuestionsCommand::Add {
            toml: toml.into(),
            replace,
        })
    };
    assert_eq!(ok("/questions add team.toml"), add("team.toml", false));
    assert_eq!(
        ok("/questions add team.toml replace:true"),
        add("team.toml", true)
    );
    assert_eq!(
        ok("/questions add replace:yes team.toml"),
        add("team.toml", true)
    );
    assert_eq!(
        ok("/questions add team.toml replace:false"),
        add("team.toml", false)
    );
    assert!(bad("/questions add team.toml replace:maybe").contains("replace:true"));
    assert!(bad("/questions add replace:true").contains("usage"));
}

#[test]
fn a_replace_word_inside_toml_text_is_part_of_the_text() {
    let toml = "[[question]]\nprompt = \"replace:true or not\"\nid = \"x\"";
    let Command::Questions(QuestionsCommand::Add { toml: got, replace }) =
        ok(&format!("/questions add {toml}"))
    else {
        panic!()
    };
    assert_eq!((got.as_str(), replace), (toml, false));
}

#[test]
fn questions_remove_takes_one_question_id() {
    let remove = |id: &str| {
        Command::Questions(QuestionsCommand::Remove {
            id: crate::bank::QuestionId::parse(id).unwrap(),
        })
    };
    assert_eq!(ok("/questions remove id:team-one"), remove("team-one"));
    assert_eq!(ok("/questions remove team-one"), remove("team-one"));
    assert!(ok("/questions remove id:team-one").needs_admin());
    assert!(bad("/questions remove").contains("/questions remove id:"));
    assert!(bad("/questions remove id:Bad_Id").contains("not a valid question id"));
    assert!(bad("/questions remove id:team-one extra").contains("unexpected `extra`"));
}

#[test]
fn the_full_answer_is_asked_for_with_or_without_a_post() {
    assert_eq!(ok("/full-answer"), Command::FullAnswer { post: None });
    assert_eq!(
        ok("/full-answer #12"),
        Command::FullAnswer { post: Some(12) }
    );
    assert_eq!(
        ok("/answer-full 12"),
        Command::FullAnswer { post: Some(12) }
    );
    assert!(bad("/full-answer twelve").contains("/full-answer [post-id]"));
}

#[test]
fn being_an_admin_matters_to_reveal_but_does_not_gate_it() {
    let reveal = parse("/reveal").unwrap();
    assert!(reveal.admin_matters() && !reveal.needs_admin());
    assert!(parse("/daily pause").unwrap().admin_matters());
    assert!(!parse("/quiz").unwrap().admin_matters());
}

#[test]
fn only_a_round_or_season_starting_is_announced_publicly() {
    let seen = |line: &str| parse(line).unwrap().visibility();
    assert_eq!(seen("/round start"), Visibility::Public);
    assert_eq!(
        seen("/season start name:Q1 ends:2027-01-01"),
        Visibility::Public
    );
    for private in [
        "/leaderboard",
        "/quiz",
        "/round status",
        "/season status",
        "/streak",
    ] {
        assert_eq!(seen(private), Visibility::Private, "{private}");
    }
}
