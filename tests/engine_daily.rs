//! The daily lifecycle against real PostgreSQL: posting, restarts, reveals, streaks.

mod common;

use common::*;
use prepbot::domain::reply::{Body, Effect};
use sqlx::PgPool;

async fn setup_daily(w: &World, line: &str) {
    let r = w.run(&admin("lead"), line).await;
    assert!(
        text(&r).starts_with("Daily question set up."),
        "{}",
        text(&r)
    );
}

#[sqlx::test]
async fn the_daily_question_is_posted_once_its_local_time_comes(pool: PgPool) {
    // 08:59 in New York on a Tuesday is 13:59 UTC.
    let w = World::new(pool, utc(2026, 11, 24, 13, 59));
    setup_daily(
        &w,
        "/daily setup time:09:00 tz:America/New_York reveal:17:00",
    )
    .await;
    assert!(w.engine.run_due(CONSOLE).await.unwrap().is_empty());
    w.clock.advance(chrono::Duration::minutes(1));
    let effects = w.engine.run_due(CONSOLE).await.unwrap();
    assert_eq!(effects.len(), 1);
    let Effect::PostQuestion { channel, card, .. } = &effects[0] else {
        panic!("{effects:?}")
    };
    assert_eq!(channel, "c1");
    assert!(card.daily);
    assert_eq!(card.reveal_label.as_deref(), Some("17:00 America/New_York"));
}

/// Topics the bank does not know (an import, a bank that dropped one):
/// an admin asking is told why rather than that today's question is
/// already posted, and the scheduler pauses the channel with the reason.
#[sqlx::test]
async fn a_channel_whose_topics_match_no_question_says_so_when_asked_to_post(pool: PgPool) {
    let w = World::new(pool.clone(), utc(2026, 11, 24, 9, 5));
    setup_daily(&w, "/daily setup time:09:00 tz:UTC").await;
    sqlx::query("UPDATE daily_settings SET topics = '{no-such-topic}'")
        .execute(&pool)
        .await
        .unwrap();
    let said = text(&w.run(&admin("lead"), "/daily post").await);
    assert!(
        said.contains("No question matches this channel's topics (no-such-topic)"),
        "{said}"
    );
    // The scheduler pauses it with the reason, once, instead of trying
    // (and logging) every tick; /daily status says why.
    assert!(w.engine.run_due(CONSOLE).await.unwrap().is_empty());
    let status = text(&w.run(&member("amy"), "/daily status").await);
    assert!(
        status.contains("no question matches this channel's topics"),
        "{status}"
    );
    // Topics the bank has, and a resume, bring the posts back.
    sqlx::query("UPDATE daily_settings SET topics = '{}'")
        .execute(&pool)
        .await
        .unwrap();
    w.run(&admin("lead"), "/daily resume").await;
    assert_eq!(w.engine.run_due(CONSOLE).await.unwrap().len(), 1);
}

/// Set up on a topic the server turned off: refused at once, not paused
/// at the first post time.
#[sqlx::test]
async fn daily_setup_on_topics_turned_off_here_is_refused_and_says_how_to_turn_them_on(
    pool: PgPool,
) {
    let w = World::new(pool, utc(2026, 11, 24, 8, 0));
    w.run(&admin("lead"), "/questions disable-topic sql").await;
    let said = text(
        &w.run(&admin("lead"), "/daily setup time:09:00 tz:UTC topics:sql")
            .await,
    );
    assert!(
        said.contains("No question matches this channel's topics (sql)")
            && said.contains("/questions enable-topic"),
        "{said}"
    );
    setup_daily(&w, "/daily setup time:09:00 tz:UTC topics:sql,python").await;
}

#[sqlx::test]
async fn a_restart_in_the_middle_of_the_day_posts_no_duplicate(pool: PgPool) {
    let first = World::new(pool.clone(), utc(2026, 11, 24, 9, 5));
    setup_daily(&first, "/daily setup time:09:00 tz:UTC").await;
    let effects = first.engine.run_due(CONSOLE).await.unwrap();
    assert_eq!(effects.len(), 1);
    first
        .engine
        .delivered(&effects[0], Some(&"m1".to_string()))
        .await
        .unwrap();

    // The process restarts: a new engine over the same database and time.
    let restarted = World::with_clock(pool.clone(), first.clock.clone());
    assert!(restarted.engine.run_due(CONSOLE).await.unwrap().is_empty());
    restarted.advance_hours(3);
    assert!(restarted.engine.run_due(CONSOLE).await.unwrap().is_empty());
    let posts: i64 = sqlx::query_scalar("SELECT count(*) FROM posts WHERE kind = 'daily'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(posts, 1);
}

#[sqlx::test]
async fn two_schedulers_racing_for_the_same_day_post_it_once(pool: PgPool) {
    let a = World::new(pool.clone(), utc(2026, 11, 24, 9, 5));
    setup_daily(&a, "/daily setup time:09:00 tz:UTC").await;
    let b = World::with_clock(pool.clone(), a.clock.clone());
    let (ea, eb) = tokio::join!(a.engine.run_due(CONSOLE), b.engine.run_due(CONSOLE));
    assert_eq!(ea.unwrap().len() + eb.unwrap().len(), 1);
}

#[sqlx::test]
async fn a_claimed_post_that_was_never_delivered_is_delivered_again_later(pool: PgPool) {
    let w = World::new(pool, utc(2026, 11, 24, 9, 5));
    setup_daily(&w, "/daily setup time:09:00 tz:UTC").await;
    let first = w.engine.run_due(CONSOLE).await.unwrap();
    assert_eq!(first.len(), 1);
    // The front end crashed before confirming; within the grace period nothing repeats.
    w.clock.advance(chrono::Duration::seconds(30));
    assert!(w.engine.run_due(CONSOLE).await.unwrap().is_empty());
    w.clock.advance(chrono::Duration::minutes(3));
    let again = w.engine.run_due(CONSOLE).await.unwrap();
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].post_id(), first[0].post_id());
    w.engine.delivered(&again[0], None).await.unwrap();
    w.clock.advance(chrono::Duration::minutes(3));
    assert!(w.engine.run_due(CONSOLE).await.unwrap().is_empty());
}

#[sqlx::test]
async fn a_bot_down_all_day_does_not_post_yesterdays_question_tomorrow(pool: PgPool) {
    let w = World::new(pool.clone(), utc(2026, 11, 24, 8, 0));
    setup_daily(&w, "/daily setup time:09:00 tz:UTC").await;
    // Down from 08:00 on the 24th to 08:00 on the 25th: nothing is owed for the 24th.
    w.advance_hours(24);
    assert!(w.engine.run_due(CONSOLE).await.unwrap().is_empty());
    w.advance_hours(1);
    let effects = w.engine.run_due(CONSOLE).await.unwrap();
    assert_eq!(effects.len(), 1);
    let date: chrono::NaiveDate = sqlx::query_scalar("SELECT local_date FROM posts")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(date.to_string(), "2026-11-25");
}

#[sqlx::test]
async fn the_reveal_comes_at_its_time_with_counts_and_the_names_of_those_right(pool: PgPool) {
    let w = World::new(pool, utc(2026, 11, 24, 9, 0));
    setup_daily(&w, "/daily setup time:09:00 tz:UTC reveal:17:00").await;
    let post = w.engine.run_due(CONSOLE).await.unwrap().remove(0);
    w.engine
        .delivered(&post, Some(&"msg-1".to_string()))
        .await
        .unwrap();
    let q = posted_question(&post);
    w.run(&member("ana"), &format!("/answer {}", good_answer(&q)))
        .await;
    w.run(&member("ben"), &format!("/answer {}", bad_answer(&q)))
        .await;
    // Before the reveal time, members are told when it comes.
    let early = w.run(&member("ben"), "/reveal").await;
    assert!(
        text(&early).contains("revealed at 17:00 UTC"),
        "{}",
        text(&early)
    );
    w.advance_hours(8);
    let effects = w.engine.run_due(CONSOLE).await.unwrap();
    let [Effect::PostReveal { original, card, .. }] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    assert_eq!(original.as_deref(), Some("msg-1"));
    assert_eq!((card.answers, card.correct), (2, 1));
    assert_eq!(card.correct_names, vec!["ana".to_string()]);
    // Revealed once only.
    assert!(w.engine.run_due(CONSOLE).await.unwrap().is_empty());
}

#[sqlx::test]
async fn answers_after_the_reveal_are_practice_and_earn_nothing(pool: PgPool) {
    let w = World::new(pool, utc(2026, 11, 24, 9, 0));
    setup_daily(&w, "/daily setup time:09:00 tz:UTC reveal:10:00").await;
    let q = posted_question(&tick_delivered(&w, CONSOLE).await[0]);
    w.advance_hours(2);
    w.engine.run_due(CONSOLE).await.unwrap();
    let r = w
        .run(&member("late"), &format!("/answer {}", good_answer(&q)))
        .await;
    let Body::Feedback(f) = &r.reply.body else {
        panic!("{}", text(&r))
    };
    assert_eq!(f.points, 0);
    assert!(f.note.as_deref().unwrap().contains("after the reveal"));
    assert!(f.model_answer.is_some());
}

#[sqlx::test]
async fn an_admin_can_reveal_early_and_members_cannot(pool: PgPool) {
    let w = World::new(pool, utc(2026, 11, 24, 9, 0));
    setup_daily(&w, "/daily setup time:09:00 tz:UTC").await;
    w.engine.run_due(CONSOLE).await.unwrap();
    let refused = w.run(&member("m"), "/reveal").await;
    assert!(refused.effects.is_empty());
    let r = w.run(&admin("lead"), "/reveal").await;
    assert!(text(&r).contains("early"));
    assert!(matches!(r.effects.as_slice(), [Effect::PostReveal { .. }]));
}

#[sqlx::test]
async fn streaks_survive_weekends_on_weekday_channels_and_break_on_a_missed_day(pool: PgPool) {
    // Friday 2026-11-27, 09:00 UTC.
    let w = World::new(pool, utc(2026, 11, 27, 9, 0));
    setup_daily(
        &w,
        "/daily setup time:09:00 tz:UTC reveal:18:00 days:weekdays",
    )
    .await;
    let ana = member("ana");
    answer_today(&w).await;
    w.advance_hours(24 * 3); // Monday
    assert!(text(&w.run(&ana, "/streak").await).contains("1 weekday in a row"));
    answer_today(&w).await;
    assert!(text(&w.run(&ana, "/streak").await).contains("2 weekdays in a row"));
    w.advance_hours(24); // Tuesday: posted, but ana does not answer.
    assert!(!w.engine.run_due(CONSOLE).await.unwrap().is_empty());
    w.advance_hours(24); // Wednesday: Tuesday was missed.
    let effects = w.engine.run_due(CONSOLE).await.unwrap();
    let q = posted_question(
        effects
            .iter()
            .find(|e| matches!(e, Effect::PostQuestion { .. }))
            .unwrap(),
    );
    assert!(text(&w.run(&ana, "/streak").await).contains("0 weekdays in a row (best 2)"));
    w.run(&ana, &format!("/answer {}", good_answer(&q))).await;
    assert!(text(&w.run(&ana, "/streak").await).contains("1 weekday in a row (best 2)"));
}

#[sqlx::test]
async fn a_day_when_the_bot_was_down_and_posted_nothing_does_not_break_a_streak(pool: PgPool) {
    // Monday 2026-11-23, 09:00 UTC, every day.
    let w = World::new(pool, utc(2026, 11, 23, 9, 0));
    setup_daily(&w, "/daily setup time:09:00 tz:UTC reveal:18:00").await;
    let ana = member("ana");
    answer_today(&w).await;
    // Tuesday passes with the bot down: nothing runs, nothing is posted.
    w.advance_hours(24 * 2); // Wednesday
    assert!(text(&w.run(&ana, "/streak").await).contains("1 day in a row"));
    answer_today(&w).await;
    assert!(text(&w.run(&ana, "/streak").await).contains("2 days in a row (best 2)"));
}

#[sqlx::test]
async fn a_paused_day_does_not_break_a_streak(pool: PgPool) {
    let w = World::new(pool, utc(2026, 11, 23, 9, 0));
    setup_daily(&w, "/daily setup time:09:00 tz:UTC reveal:18:00").await;
    let ana = member("ana");
    answer_today(&w).await;
    w.run(&admin("lead"), "/daily pause").await;
    w.advance_hours(24); // Tuesday, paused: the reveal only.
    let effects = w.engine.run_due(CONSOLE).await.unwrap();
    assert!(!effects
        .iter()
        .any(|e| matches!(e, Effect::PostQuestion { .. })));
    w.advance_hours(24); // Wednesday
    w.run(&admin("lead"), "/daily resume").await;
    answer_today(&w).await;
    assert!(text(&w.run(&ana, "/streak").await).contains("2 days in a row (best 2)"));
}

#[sqlx::test]
async fn a_non_admin_cannot_set_up_pause_or_post_the_daily_question(pool: PgPool) {
    let w = World::new(pool, utc(2026, 11, 24, 9, 0));
    for line in [
        "/daily setup time:09:00 tz:UTC",
        "/daily pause",
        "/daily post",
    ] {
        let r = w.run(&member("m"), line).await;
        assert_eq!(r.reply.body, Body::AdminOnly);
        assert!(text(&r).contains("/as NAME admin"), "{}", text(&r));
    }
}

#[sqlx::test]
async fn daily_post_now_posts_once_per_local_day(pool: PgPool) {
    let w = World::new(pool, utc(2026, 11, 24, 7, 0));
    setup_daily(&w, "/daily setup time:09:00 tz:UTC").await;
    let r = w.run(&admin("lead"), "/daily post").await;
    assert_eq!(r.effects.len(), 1, "{}", text(&r));
    w.engine.delivered(&r.effects[0], None).await.unwrap();
    let again = w.run(&admin("lead"), "/daily post").await;
    assert!(text(&again).contains("already posted"));
    w.advance_hours(3);
    assert!(
        w.engine.run_due(CONSOLE).await.unwrap().is_empty(),
        "the scheduled post for today is the one posted early"
    );
}

#[sqlx::test]
async fn paused_channels_get_no_post_until_resumed(pool: PgPool) {
    let w = World::new(pool, utc(2026, 11, 24, 8, 0));
    setup_daily(&w, "/daily setup time:09:00 tz:UTC").await;
    w.run(&admin("lead"), "/daily pause").await;
    w.advance_hours(2);
    assert!(w.engine.run_due(CONSOLE).await.unwrap().is_empty());
    w.run(&admin("lead"), "/daily resume").await;
    assert_eq!(w.engine.run_due(CONSOLE).await.unwrap().len(), 1);
}

async fn answer_today(w: &World) {
    // The run may also carry the previous day's reveal; take the new post.
    let effects = w.engine.run_due(CONSOLE).await.unwrap();
    let posts: Vec<_> = effects
        .iter()
        .filter(|e| matches!(e, Effect::PostQuestion { .. }))
        .collect();
    assert_eq!(posts.len(), 1, "a post is due");
    let r = w
        .run(
            &member("ana"),
            &format!("/answer {}", good_answer(&posted_question(posts[0]))),
        )
        .await;
    assert!(matches!(r.reply.body, Body::Feedback(_)), "{}", text(&r));
}

#[sqlx::test]
async fn after_a_clock_jump_yesterdays_reveal_comes_before_todays_question(pool: PgPool) {
    let w = World::new(pool, utc(2026, 11, 24, 9, 5));
    setup_daily(&w, "/daily setup time:09:00 tz:UTC").await;
    let first = w.engine.run_due(CONSOLE).await.unwrap();
    assert_eq!(first.len(), 1);
    w.engine
        .delivered(&first[0], Some(&"m1".to_string()))
        .await
        .unwrap();
    // Down from before the reveal until after the next day's post.
    w.advance_hours(25);
    let effects = w.engine.run_due(CONSOLE).await.unwrap();
    let order: Vec<(&str, i64)> = effects
        .iter()
        .map(|e| match e {
            Effect::PostReveal { card, .. } => ("reveal", card.post_id),
            Effect::PostQuestion { card, .. } => ("post", card.post_id),
            Effect::TellAdmin { .. } => ("note", 0),
            Effect::Announce { card, .. } => ("announce", card.id),
            Effect::SetRole { id, .. } => ("role", *id),
        })
        .collect();
    assert_eq!(
        order,
        [
            ("reveal", first[0].post_id()),
            ("post", first[0].post_id() + 1)
        ]
    );
}

#[sqlx::test]
async fn a_reveal_due_before_its_question_is_out_waits_until_the_question_is_delivered(
    pool: PgPool,
) {
    // Down all day until after the reveal time: the question goes out late
    // and is revealed at once, but never before it is out.
    let w = World::new(pool, utc(2026, 11, 24, 17, 5));
    setup_daily(&w, "/daily setup time:09:00 tz:UTC reveal:17:00").await;
    let post = w.engine.run_due(CONSOLE).await.unwrap();
    assert!(
        matches!(post.as_slice(), [Effect::PostQuestion { .. }]),
        "{post:?}"
    );
    assert!(
        w.engine.run_due(CONSOLE).await.unwrap().is_empty(),
        "the reveal overtook a question not yet delivered"
    );
    w.engine
        .delivered(&post[0], Some(&"m1".to_string()))
        .await
        .unwrap();
    let effects = w.engine.run_due(CONSOLE).await.unwrap();
    let [Effect::PostReveal { original, .. }] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    assert_eq!(original.as_deref(), Some("m1"), "an edit of the question");
}
