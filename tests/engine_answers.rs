//! Answers, points and leaderboards against real PostgreSQL.

mod common;

use common::*;
use prepbot::domain::reply::{Body, Standing};
use sqlx::PgPool;
use std::collections::HashSet;

/// Gives `who` a quiz of `format` and answers it correctly; returns the points.
async fn quiz_and_answer(w: &World, who: &str, filter: &str, correct: bool) -> i32 {
    let r = w.run(&member(who), &format!("/quiz {filter}")).await;
    let Body::Question(card) = &r.reply.body else {
        panic!("{}", text(&r))
    };
    let answer = answer_to(card, correct);
    let r = w.run(&member(who), &format!("/answer {answer}")).await;
    let Body::Feedback(f) = &r.reply.body else {
        panic!("{}", text(&r))
    };
    f.points
}

fn standings(r: &prepbot::domain::reply::Response) -> (Vec<(i64, String, i64)>, Option<Standing>) {
    let Body::Leaderboard(l) = &r.reply.body else {
        panic!("{}", text(r))
    };
    (
        l.rows
            .iter()
            .map(|s| (s.rank, s.name.clone(), s.points))
            .collect(),
        l.me.clone(),
    )
}

#[sqlx::test]
async fn each_person_answers_a_question_once_and_the_first_answer_stands(pool: PgPool) {
    let w = World::new(pool.clone(), utc(2026, 11, 24, 9, 0));
    w.run(&admin("lead"), "/daily setup time:09:00 tz:UTC")
        .await;
    let q = posted_question(&w.engine.run_due(CONSOLE).await.unwrap()[0]);
    let first = w
        .run(&member("ana"), &format!("/answer {}", bad_answer(&q)))
        .await;
    assert!(matches!(first.reply.body, Body::Feedback(_)));
    let second = w
        .run(&member("ana"), &format!("/answer {}", good_answer(&q)))
        .await;
    let Body::Error(msg) = &second.reply.body else {
        panic!("{}", text(&second))
    };
    assert!(msg.contains("already answered"), "{msg}");
    let other = w
        .run(&member("ben"), &format!("/answer {}", good_answer(&q)))
        .await;
    assert!(matches!(other.reply.body, Body::Feedback(_)));
    let rows: i64 = sqlx::query_scalar("SELECT count(*) FROM answers")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(rows, 2);
}

#[sqlx::test]
async fn points_and_the_ledger_are_written_together(pool: PgPool) {
    let w = World::new(pool.clone(), utc(2026, 11, 24, 9, 0));
    let points = quiz_and_answer(&w, "ana", "format:truefalse", true).await;
    assert_eq!(
        points, 30,
        "a hard question answered right for the first time"
    );
    let (ledger, total): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT sum(delta) FROM point_events), (SELECT sum(points) FROM board_totals WHERE scope = 'all')::bigint",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!((ledger, total), (30, 30));
}

#[sqlx::test]
async fn leaderboards_cover_the_week_the_month_all_time_and_a_topic_with_shared_ranks_for_ties(
    pool: PgPool,
) {
    // Monday 16 Nov (last week): ana scores 30 on a python question.
    let w = World::new(pool, utc(2026, 11, 16, 10, 0));
    assert_eq!(
        quiz_and_answer(&w, "ana", "format:truefalse", true).await,
        30
    );
    // Wednesday 25 Nov (this week): ben and cat score 10 each; dan scores nothing.
    w.clock.set(utc(2026, 11, 25, 10, 0));
    assert_eq!(quiz_and_answer(&w, "ben", "format:choice", true).await, 10);
    assert_eq!(quiz_and_answer(&w, "cat", "format:choice", true).await, 10);
    assert_eq!(quiz_and_answer(&w, "dan", "format:choice", false).await, 0);

    let (week, me) = standings(&w.run(&member("ana"), "/leaderboard week").await);
    assert_eq!(week, vec![(1, "ben".into(), 10), (1, "cat".into(), 10)]);
    assert_eq!(me, None, "ana has no points this week");

    let (all, me) = standings(&w.run(&member("cat"), "/leaderboard all").await);
    assert_eq!(
        all,
        vec![
            (1, "ana".into(), 30),
            (2, "ben".into(), 10),
            (2, "cat".into(), 10)
        ]
    );
    assert_eq!(
        me,
        Some(Standing {
            rank: 2,
            name: "cat".into(),
            points: 10,
            badges: vec![],
        })
    );

    let (month, _) = standings(&w.run(&member("ana"), "/leaderboard month").await);
    assert_eq!(month.len(), 3);
    let (python, _) = standings(&w.run(&member("ana"), "/leaderboard all topic:python").await);
    assert_eq!(python, vec![(1, "ana".into(), 30)]);

    w.clock.set(utc(2026, 12, 1, 10, 0));
    let (december, _) = standings(&w.run(&member("ana"), "/leaderboard month").await);
    assert!(december.is_empty());
}

#[sqlx::test]
async fn the_askers_own_rank_shows_even_outside_the_first_page(pool: PgPool) {
    let w = World::new(pool, utc(2026, 11, 24, 10, 0));
    for i in 0..12 {
        quiz_and_answer(&w, &format!("p{i:02}"), "format:truefalse", true).await;
    }
    quiz_and_answer(&w, "zed", "format:choice", true).await;
    let r = w.run(&member("zed"), "/leaderboard all").await;
    let Body::Leaderboard(l) = &r.reply.body else {
        panic!()
    };
    assert_eq!((l.rows.len(), l.pages), (10, 2));
    assert_eq!(
        l.me,
        Some(Standing {
            rank: 13,
            name: "zed".into(),
            points: 10,
            badges: vec![],
        })
    );
    let page2 = w.run(&member("zed"), "/leaderboard all page:2").await;
    let (rows, _) = standings(&page2);
    assert_eq!(rows.last().unwrap(), &(13, "zed".into(), 10));
}

#[sqlx::test]
async fn quiz_questions_do_not_repeat_until_the_pool_is_exhausted(pool: PgPool) {
    let w = World::new(pool, utc(2026, 11, 24, 10, 0));
    let mut seen = HashSet::new();
    for _ in 0..4 {
        let r = w.run(&member("ana"), "/quiz").await;
        let Body::Question(card) = &r.reply.body else {
            panic!("{}", text(&r))
        };
        assert!(
            seen.insert(card.question_id.to_string()),
            "repeated {}",
            card.question_id
        );
    }
    let r = w.run(&member("ana"), "/quiz").await;
    assert!(
        matches!(r.reply.body, Body::Question(_)),
        "the pool starts over once exhausted"
    );
}

#[sqlx::test]
async fn a_repeated_quiz_question_is_practice(pool: PgPool) {
    let w = World::new(pool, utc(2026, 11, 24, 10, 0));
    assert_eq!(quiz_and_answer(&w, "ana", "format:choice", true).await, 10);
    assert_eq!(quiz_and_answer(&w, "ana", "format:choice", true).await, 0);
}

#[sqlx::test]
async fn choice_answers_name_options_and_bad_options_are_explained(pool: PgPool) {
    let w = World::new(pool, utc(2026, 11, 24, 10, 0));
    w.run(&member("ana"), "/quiz format:choice").await;
    let r = w.run(&member("ana"), "/answer z").await;
    assert_eq!(
        r.reply.body,
        Body::Error("`z` is not an option here; pick from a, b".into())
    );
    let r = w.run(&member("ana"), "/answer b").await;
    let Body::Feedback(f) = &r.reply.body else {
        panic!()
    };
    assert!(
        f.grade.detail[0].contains("PACELC"),
        "the wrong option's reason is shown"
    );
}

#[sqlx::test]
async fn a_flagged_answer_can_be_regraded_by_an_admin_with_an_audit_trail(pool: PgPool) {
    let w = World::new(pool.clone(), utc(2026, 11, 24, 10, 0));
    assert_eq!(quiz_and_answer(&w, "ana", "format:choice", false).await, 0);
    let post: i64 = sqlx::query_scalar("SELECT id FROM posts")
        .fetch_one(&pool)
        .await
        .unwrap();
    let flagged = w.run(&member("ana"), &format!("/flag {post}")).await;
    assert!(text(&flagged).contains("Flagged"), "{}", text(&flagged));
    let flags = w.run(&admin("lead"), "/flags").await;
    assert!(text(&flags).contains("by ana"), "{}", text(&flags));
    let refused = w.run(&member("ana"), "/regrade 1 correct").await;
    assert_eq!(refused.reply.body, Body::AdminOnly);
    let r = w
        .run(&admin("lead"), "/regrade 1 correct fair reading")
        .await;
    assert!(
        text(&r).contains("incorrect -> correct, points 0 -> 10"),
        "{}",
        text(&r)
    );
    let (rank, _) = standings(&w.run(&member("ana"), "/leaderboard all").await);
    assert_eq!(rank, vec![(1, "ana".into(), 10)]);
    let audit: (String, String, i32, Option<String>) =
        sqlx::query_as("SELECT old_verdict, new_verdict, new_points, note FROM regrades")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(
        audit,
        (
            "incorrect".into(),
            "correct".into(),
            10,
            Some("fair reading".into())
        )
    );
    assert!(text(&w.run(&admin("lead"), "/flags").await).contains("No open flags"));
}

#[sqlx::test]
async fn custom_questions_join_the_servers_pool_and_disabled_topics_leave_it(pool: PgPool) {
    let w = World::new(pool, utc(2026, 11, 24, 10, 0));
    let file = r#"
[[question]]
id = "team-our-kafka-cluster"
topic = "orchestration"
difficulty = "easy"
format = "truefalse"
prompt = "Our nightly DAG reruns safely because every task overwrites its own date partition."
answer = "True: each task writes only its date partition with overwrite semantics, so a rerun replaces rather than appends."
explanation = "Idempotent tasks make retries and backfills safe."
[[question.options]]
id = "true"
text = "True"
correct = true
[[question.options]]
id = "false"
text = "False"
correct = false
why = "Overwriting a partition is idempotent."
"#;
    let r = w
        .run(&admin("lead"), &format!("/questions add {file}"))
        .await;
    assert!(text(&r).contains("Added 1 question(s)"), "{}", text(&r));
    let quiz = w.run(&member("ana"), "/quiz topic:orchestration").await;
    let Body::Question(card) = &quiz.reply.body else {
        panic!("{}", text(&quiz))
    };
    assert_eq!(card.question_id.as_str(), "team-our-kafka-cluster");
    w.run(&admin("lead"), "/questions disable-topic orchestration")
        .await;
    let none = w.run(&member("ana"), "/quiz topic:orchestration").await;
    assert!(matches!(none.reply.body, Body::Error(_)));
    // Another server never sees it.
    let mut other = World::with_clock(w.engine.store().pool().clone(), w.clock.clone());
    other.place.guild = "g2".into();
    assert!(matches!(
        other
            .run(&member("ana"), "/quiz topic:orchestration")
            .await
            .reply
            .body,
        Body::Error(_)
    ));
}

#[sqlx::test]
async fn a_malformed_custom_question_file_adds_nothing_and_says_where(pool: PgPool) {
    let w = World::new(pool, utc(2026, 11, 24, 10, 0));
    let file = "[[question]]\nid = \"x-one\"\ntopic = \"sql\"\ndifficulty = \"easy\"\nformat = \"choice\"\nprompt = \"p\"\nanswer = \"a\"\nexplanation = \"e\"\n[[question.options]]\nid = \"a\"\ntext = \"A\"\ncorrect = false\nwhy = \"no\"\n[[question.options]]\nid = \"b\"\ntext = \"B\"\ncorrect = false\nwhy = \"no\"\n";
    let r = w
        .run(&admin("lead"), &format!("/questions add {file}"))
        .await;
    let Body::Error(msg) = &r.reply.body else {
        panic!("{}", text(&r))
    };
    assert!(
        msg.contains("upload:9:") && msg.contains("no option is marked correct"),
        "{msg}"
    );
    assert!(text(&w.run(&admin("lead"), "/questions list").await).contains("0 custom questions"));
}

#[sqlx::test]
async fn a_database_outage_is_explained_and_the_answer_is_echoed_back(pool: PgPool) {
    let w = World::new(pool.clone(), utc(2026, 11, 24, 10, 0));
    pool.close().await;
    let written = "my *carefully* written answer_with [marks](x) @everyone";
    let r = w.run(&member("ana"), &format!("/answer {written}")).await;
    let Body::TryAgain(t) = &r.reply.body else {
        panic!("{r:?}")
    };
    assert!(t.unreachable);
    assert_eq!(t.echo.as_deref(), Some(written));
    assert_eq!(
        r.reply.visibility,
        prepbot::domain::reply::Visibility::Private
    );
    // As people read it: the reason, the reference, and the answer exactly
    // as written (escaped into markup, so none of it formats or pings).
    let shown = text(&r);
    assert!(shown.contains("cannot reach its database"), "{shown}");
    assert!(shown.contains("try again"), "{shown}");
    assert!(shown.contains(&t.reference), "{shown}");
    assert!(shown.ends_with(written), "{shown}");
}

#[sqlx::test]
async fn a_hundred_thousand_character_name_is_stored_cut_to_32_characters(pool: PgPool) {
    let w = World::new(pool.clone(), utc(2026, 11, 24, 9, 0));
    let raw = format!("\u{202e}{}", "x".repeat(100_000));
    let who = prepbot::engine::Actor::new("u-long", &raw, false);
    w.run(&who, "/quiz format:truefalse").await;
    let stored: String =
        sqlx::query_scalar("SELECT display_name FROM members WHERE external_id = 'u-long'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(stored, "x".repeat(32));
}

#[sqlx::test]
async fn a_page_past_the_end_says_how_many_pages_there_are_in_words(pool: PgPool) {
    let w = World::new(pool, utc(2026, 11, 24, 10, 0));
    let r = w.run(&member("ana"), "/leaderboard week page:3").await;
    assert_eq!(text(&r), "! There is only one page.");
}

#[sqlx::test]
async fn a_member_who_changes_their_name_appears_under_the_new_one(pool: PgPool) {
    let w = World::new(pool.clone(), utc(2026, 11, 24, 9, 0));
    quiz_and_answer(&w, "ana", "format:open", true).await;
    let renamed = prepbot::engine::Actor::new("u-ana", "Ana Lovelace", false);
    let r = w.run(&renamed, "/leaderboard all").await;
    let (rows, _) = standings(&r);
    assert_eq!(rows.len(), 1, "the same member, not a new one");
    assert_eq!(rows[0].1, "Ana Lovelace");
    let members: i64 = sqlx::query_scalar("SELECT count(*) FROM members")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(members, 1);
}

#[sqlx::test]
async fn a_command_that_knows_only_the_user_id_keeps_the_members_name(pool: PgPool) {
    let w = World::new(pool.clone(), utc(2026, 11, 24, 9, 0));
    quiz_and_answer(&w, "ana", "format:open", true).await;
    let unnamed = prepbot::engine::Actor::new("u-ana", "u-ana", false);
    let r = w.run(&unnamed, "/leaderboard all").await;
    let (rows, _) = standings(&r);
    assert_eq!(rows[0].1, "ana");
}
