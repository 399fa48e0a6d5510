//! The home's content, decided once in the core: which questions it offers
//! to answer and how, and what only admins see.

use super::*;
use crate::bank::{Difficulty, QuestionId, Topic};
use crate::domain::command::Period;
use crate::domain::home::ChannelStatus;
use crate::domain::reply::{DailyStatus, Leaderboard, QuestionCard, Standing, Stats};
use crate::domain::view::Field;

const SLACK: Words = Words {
    admins: "workspace admins",
    become_admin: None,
    command_prefix: "/prep ",
    community: "workspace",
    channel: "<#{}>",
};

fn card(post_id: i64, format: Format, options: &[(&str, &str)], multi: bool) -> QuestionCard {
    QuestionCard {
        post_id,
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
        reveal_label: Some("17:00 UTC".into()),
    }
}

fn open(channel: &str, card: QuestionCard, answered: bool) -> OpenQuestion {
    OpenQuestion {
        channel: channel.into(),
        card,
        answered,
    }
}

fn home(open: Vec<OpenQuestion>, schedules: Option<Schedules>) -> Home {
    Home {
        stats: Stats {
            name: "ada".into(),
            points: 25,
            answers: 2,
            correct: 1,
            streak: 1,
            best_streak: 1,
            per_topic: vec![],
            wins: Default::default(),
            badges: vec![],
        },
        board: Leaderboard {
            period: Period::All,
            topic: None,
            page: 1,
            pages: 4,
            rows: vec![Standing {
                rank: 1,
                name: "ada".into(),
                points: 25,
                badges: vec![],
            }],
            me: None,
        },
        open,
        more_open: 0,
        schedules,
    }
}

fn status(paused: Option<&str>) -> DailyStatus {
    DailyStatus {
        headline: None,
        post_time: "09:00".into(),
        reveal_time: "17:00".into(),
        reveal_next_day: false,
        tz: "Europe/London".into(),
        weekdays: true,
        topics: vec![],
        paused: paused.map(Into::into),
        next_post: paused.is_none().then(|| "Tue 24 Nov 09:00 GMT".into()),
    }
}

fn texts(v: &View) -> String {
    let mut out: Vec<String> = v
        .blocks
        .iter()
        .map(|b| match b {
            Block::Text(t) | Block::Section { text: t, .. } => t.clone(),
            Block::List { items, .. } => items.join("\n"),
            _ => String::new(),
        })
        .collect();
    out.extend(v.footer.clone());
    out.join("\n")
}

fn answer_buttons(views: &[View]) -> Vec<i64> {
    views
        .iter()
        .flat_map(|v| &v.controls)
        .filter_map(|c| match c {
            Control::Button {
                action: ActionId::OpenAnswer { post },
                ..
            } => Some(*post),
            _ => None,
        })
        .collect()
}

#[test]
fn each_open_question_comes_first_with_its_channel_and_the_daily_posts_answer_button() {
    let h = home(
        vec![
            open("C1", card(7, Format::Open, &[], false), false),
            open("C2", card(8, Format::Sql, &[], false), false),
        ],
        None,
    );
    let views = super::home(&h, &SLACK);
    assert_eq!(views[0].title, "Daily question #7");
    assert!(texts(&views[0]).starts_with("Open now in <#C1>."));
    assert_eq!(views[1].title, "Daily question #8");
    assert_eq!(answer_buttons(&views), [7, 8]);
    // The same action the daily post's own button carries.
    let posted = cards::question(&card(7, Format::Open, &[], false), &SLACK);
    assert_eq!(posted.controls, views[0].controls);
}

#[test]
fn a_choice_question_gets_the_answer_button_instead_of_option_buttons_and_says_what_to_type() {
    let options = [("a", "Gaps"), ("b", "No gaps")];
    let h = home(
        vec![
            open("C1", card(7, Format::Choice, &options, false), false),
            open("C2", card(8, Format::Choice, &options, true), false),
            open(
                "C3",
                card(
                    9,
                    Format::Truefalse,
                    &[("true", "True"), ("false", "False")],
                    false,
                ),
                false,
            ),
        ],
        None,
    );
    let views = super::home(&h, &SLACK);
    assert_eq!(answer_buttons(&views), [7, 8, 9]);
    assert!(views[..3].iter().all(|v| v.controls.len() == 1));
    assert!(texts(&views[0]).contains("type your letter"));
    assert!(texts(&views[1]).contains("every letter that applies"));
    assert!(texts(&views[2]).contains("`true` or `false`"));
}

#[test]
fn an_answered_question_has_no_button_and_says_the_answer_stands_until_the_reveal() {
    let h = home(
        vec![open("C1", card(7, Format::Open, &[], false), true)],
        None,
    );
    let views = super::home(&h, &SLACK);
    assert!(answer_buttons(&views).is_empty());
    assert!(texts(&views[0]).contains("You answered this one"));
}

#[test]
fn with_nothing_open_the_home_says_so_and_offers_a_quiz_then_stats_and_rank_without_paging() {
    let views = super::home(&home(vec![], None), &SLACK);
    assert_eq!(views.len(), 3);
    assert!(texts(&views[0]).contains("No daily question is open right now. /prep quiz"));
    assert_eq!(views[1].title, "Stats: ada");
    assert!(views[1].fields.contains(&Field {
        name: "Points".into(),
        value: "25".into()
    }));
    assert_eq!(views[2].title, "Leaderboard, all time");
    assert!(views.iter().all(|v| v.controls.is_empty()), "no paging");
    assert_eq!(
        views[2].footer.as_deref(),
        Some("The whole board: /prep leaderboard all")
    );
}

#[test]
fn questions_beyond_the_listed_ones_are_counted_not_dropped_silently() {
    let mut h = home(
        vec![open("C1", card(7, Format::Open, &[], false), false)],
        None,
    );
    h.more_open = 2;
    let views = super::home(&h, &SLACK);
    assert!(texts(&views[1]).contains("2 more questions are open in other channels"));
}

#[test]
fn members_see_no_settings_and_admins_see_each_channels_times_zone_and_why_it_is_paused() {
    let member = super::home(&home(vec![], None), &SLACK);
    assert!(member.iter().all(|v| v.title != "Daily question settings"));
    let schedules = Schedules {
        channels: vec![
            ChannelStatus {
                channel: "C1".into(),
                status: status(None),
            },
            ChannelStatus {
                channel: "C2".into(),
                status: status(Some("the bot is not in this channel; invite it")),
            },
        ],
        more: 1,
    };
    let admin = super::home(&home(vec![], Some(schedules)), &SLACK);
    let settings = admin.last().unwrap();
    assert_eq!(settings.title, "Daily question settings");
    let shown = texts(settings);
    assert!(
        shown.contains("<#C1>: Posts at 09:00 and reveals at 17:00 (Europe/London), on weekdays, from all topics. Next post: Tue 24 Nov 09:00 GMT."),
        "{shown}"
    );
    assert!(
        shown.contains("<#C2>: Posts at 09:00")
            && shown.contains("Paused (the bot is not in this channel; invite it): nothing is posted until an admin runs /prep daily resume."),
        "{shown}"
    );
    assert!(
        shown.contains("1 more channel: see /prep daily status there."),
        "{shown}"
    );
    assert!(shown.contains("Only admins see this"), "{shown}");
}

#[test]
fn an_admin_of_a_workspace_without_schedules_is_told_how_to_set_one_up() {
    let none = Schedules {
        channels: vec![],
        more: 0,
    };
    let views = super::home(&home(vec![], Some(none)), &SLACK);
    assert!(texts(views.last().unwrap()).contains("/prep daily setup time:09:00"));
}
