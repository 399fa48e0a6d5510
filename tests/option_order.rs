//! Options are shown in an order shuffled per post from a seed stored with
//! the post: everyone, their feedback, the reveal and a restarted process
//! all see one order, and typed letters are read in it.

mod common;

use common::*;
use prepbot::bank::{load_dir, Bank};
use prepbot::domain::clock::ManualClock;
use prepbot::domain::reply::{Body, Effect, QuestionCard, RevealCard};
use prepbot::engine::Engine;
use prepbot::grading::{Grading, Verdict};
use prepbot::storage::Store;
use sqlx::PgPool;
use std::sync::Arc;

/// A bank of two choice questions with four and five options.
fn option_bank() -> Arc<Bank> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/option_bank");
    Arc::new(load_dir(&dir).expect("the option bank loads"))
}

/// A [`World`] over the option bank; `seed` is the engine's injected seed.
fn world(pool: PgPool, clock: Arc<ManualClock>, seed: u64) -> World {
    let mut w = World::with_clock(pool.clone(), clock.clone());
    w.engine = Arc::new(Engine::new(
        Store::from_pool(pool),
        option_bank(),
        clock,
        seed,
        Arc::new(Grading::default()),
    ));
    w
}

/// The shown letters of the correct options, e.g. "c" or "b,d".
fn correct_letters(card: &QuestionCard) -> String {
    let bank = option_bank();
    let q = bank.get(&card.question_id).unwrap();
    let right: Vec<&str> = q
        .options()
        .iter()
        .filter(|o| o.correct)
        .map(|o| o.text.as_str())
        .collect();
    card.options
        .iter()
        .filter(|(_, text)| right.contains(&text.as_str()))
        .map(|(id, _)| id.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

fn texts(card: &QuestionCard) -> Vec<String> {
    card.options.iter().map(|(_, t)| t.clone()).collect()
}

fn posted(effects: &[Effect]) -> QuestionCard {
    match effects {
        [Effect::PostQuestion { card, .. }] => card.clone(),
        other => panic!("expected one post: {other:?}"),
    }
}

fn revealed(effects: &[Effect]) -> RevealCard {
    match effects {
        [Effect::PostReveal { card, .. }] => card.clone(),
        other => panic!("expected one reveal: {other:?}"),
    }
}

async fn verdict_of(w: &World, who: &str, line: &str) -> (Verdict, Vec<String>) {
    let r = w.run(&member(who), line).await;
    let Body::Feedback(f) = &r.reply.body else {
        panic!("{line}: {}", text(&r))
    };
    (f.grade.verdict, f.grade.covered.clone())
}

async fn daily_post(w: &World) -> QuestionCard {
    w.run(
        &admin("lead"),
        "/daily setup time:09:00 tz:UTC reveal:17:00",
    )
    .await;
    posted(&tick_delivered(w, CONSOLE).await)
}

#[sqlx::test]
async fn one_daily_post_shows_one_order_to_everyone_and_in_the_reveal(pool: PgPool) {
    let clock = Arc::new(ManualClock::new(utc(2026, 11, 24, 9, 0)));
    let w = world(pool.clone(), clock, 42);
    let card = daily_post(&w).await;
    let letters = correct_letters(&card);
    for who in ["ana", "ben"] {
        let (verdict, covered) = verdict_of(&w, who, &format!("/answer {letters}")).await;
        assert_eq!(verdict, Verdict::Correct, "{who} typed {letters}");
        let first = letters.split(',').next().unwrap().to_uppercase();
        assert!(covered[0].starts_with(&format!("{first}. ")), "{covered:?}");
    }
    let bodies: Vec<String> = sqlx::query_scalar("SELECT body FROM answers ORDER BY id")
        .fetch_all(&pool)
        .await
        .unwrap();
    let q = option_bank().get(&card.question_id).unwrap().clone();
    let stored: Vec<&str> = q
        .options()
        .iter()
        .filter(|o| o.correct)
        .map(|o| o.id.as_str())
        .collect();
    let mut first: Vec<&str> = bodies[0].split(',').collect();
    first.sort_unstable();
    assert_eq!(first, stored, "answers are stored by the bank's option ids");
    assert_eq!(bodies[0], bodies[1]);

    w.clock.set(utc(2026, 11, 24, 17, 0));
    let reveal = revealed(&w.engine.run_due(CONSOLE).await.unwrap());
    let shown: Vec<(String, String)> = reveal
        .options
        .iter()
        .map(|(id, t, _)| (id.clone(), t.clone()))
        .collect();
    assert_eq!(
        shown, card.options,
        "the reveal lists the options as posted"
    );
    let marked: Vec<&str> = reveal
        .options
        .iter()
        .filter(|(_, _, correct)| *correct)
        .map(|(id, _, _)| id.as_str())
        .collect();
    assert_eq!(marked.join(","), letters);
    let view = text(&prepbot::domain::reply::Response::private(Body::Reveal(
        reveal,
    )));
    assert!(view.contains("✓ correct"), "{view}");
}

#[sqlx::test]
async fn different_posts_get_different_seeds_and_orders(pool: PgPool) {
    let clock = Arc::new(ManualClock::new(utc(2026, 11, 24, 9, 0)));
    let w = world(pool.clone(), clock, 42);
    let mut orders = std::collections::HashSet::new();
    for i in 0..8 {
        let r = w.run(&member(&format!("p{i}")), "/quiz").await;
        let Body::Question(card) = &r.reply.body else {
            panic!("{}", text(&r))
        };
        if card.question_id.as_str() == "o-raft-leader" {
            orders.insert(texts(card));
        }
    }
    let seeds: Vec<Option<i64>> = sqlx::query_scalar("SELECT option_seed FROM posts")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(seeds.len(), 8);
    assert!(seeds.iter().all(Option::is_some), "{seeds:?}");
    let distinct: std::collections::HashSet<_> = seeds.iter().collect();
    assert_eq!(distinct.len(), 8, "every post has its own seed: {seeds:?}");
    assert!(orders.len() > 1, "posts show different orders: {orders:?}");
}

#[sqlx::test]
async fn a_typed_letter_is_read_in_the_order_the_post_showed(pool: PgPool) {
    let clock = Arc::new(ManualClock::new(utc(2026, 11, 24, 9, 0)));
    let w = world(pool, clock, 42);
    // Find a quiz that shows the correct answer somewhere other than (a),
    // where the file puts it.
    for i in 0..20 {
        let who = format!("p{i}");
        let r = w.run(&member(&who), "/quiz").await;
        let Body::Question(card) = &r.reply.body else {
            panic!("{}", text(&r))
        };
        let letters = correct_letters(card);
        if card.question_id.as_str() != "o-raft-leader" || letters == "a" {
            continue;
        }
        let (verdict, covered) = verdict_of(&w, &who, "/answer a").await;
        assert_eq!(
            verdict,
            Verdict::Incorrect,
            "(a) is the file's answer, not the shown one"
        );
        assert!(covered.is_empty());
        let next = format!("q{i}");
        // Another person typing the shown letter on their own copy is right.
        let r = w.run(&member(&next), "/quiz").await;
        let Body::Question(card) = &r.reply.body else {
            panic!("{}", text(&r))
        };
        let (verdict, _) =
            verdict_of(&w, &next, &format!("/answer {}", correct_letters(card))).await;
        assert_eq!(verdict, Verdict::Correct);
        return;
    }
    panic!("no post moved the correct option in 20 tries");
}

#[sqlx::test]
async fn a_restarted_engine_keeps_each_posts_order(pool: PgPool) {
    let clock = Arc::new(ManualClock::new(utc(2026, 11, 24, 9, 0)));
    let before = world(pool.clone(), clock.clone(), 42);
    let card = daily_post(&before).await;
    drop(before);
    // Another seed: only the stored one may decide the order now.
    let after = world(pool, clock.clone(), 7);
    let (verdict, _) = verdict_of(
        &after,
        "ana",
        &format!("/answer {}", correct_letters(&card)),
    )
    .await;
    assert_eq!(verdict, Verdict::Correct);
    clock.set(utc(2026, 11, 24, 17, 0));
    let reveal = revealed(&after.engine.run_due(CONSOLE).await.unwrap());
    let shown: Vec<(String, String)> = reveal
        .options
        .iter()
        .map(|(id, t, _)| (id.clone(), t.clone()))
        .collect();
    assert_eq!(shown, card.options);
}

/// The text of a reply, failing on anything but plain text.
fn plain(r: &prepbot::domain::reply::Response) -> String {
    match &r.reply.body {
        Body::Text(t) => t.clone(),
        _ => panic!("expected text: {}", text(r)),
    }
}

#[sqlx::test]
async fn the_reveal_leads_with_the_summary_and_the_full_answer_is_one_command_away(pool: PgPool) {
    let clock = Arc::new(ManualClock::new(utc(2026, 11, 24, 9, 0)));
    let w = world(pool, clock, 42);
    let card = daily_post(&w).await;
    let full = option_bank().get(&card.question_id).unwrap().answer.clone();
    let early = w.run(&member("ana"), "/full-answer").await;
    assert!(
        matches!(early.reply.body, Body::Error(_)),
        "{}",
        text(&early)
    );

    w.clock.set(utc(2026, 11, 24, 17, 0));
    let reveal = revealed(&w.engine.run_due(CONSOLE).await.unwrap());
    let view = prepbot::domain::view::post(
        &Effect::PostReveal {
            platform: prepbot::engine::Platform::Console,
            channel: "c1".into(),
            original: None,
            card: reveal.clone(),
        },
        &prepbot::frontends::console::WORDS,
    );
    let shown = prepbot::frontends::console::render(&Body::Reveal(reveal));
    assert!(
        !shown.contains(&full),
        "the reveal leads with the summary: {shown}"
    );
    assert!(shown.contains("/full-answer"), "{shown}");
    let action = view
        .controls
        .iter()
        .find_map(|c| match c {
            prepbot::domain::view::Control::Button { action, .. } => Some(action.encode()),
            _ => None,
        })
        .expect("a full answer button");
    // The button's id becomes the same command a person can type.
    let cmd = prepbot::domain::action::ActionId::parse(&action)
        .unwrap()
        .command(prepbot::domain::action::Input::None)
        .unwrap()
        .unwrap();
    let clicked = w.engine.handle(&member("ben"), &w.place, cmd).await;
    assert_eq!(
        clicked.reply.visibility,
        prepbot::domain::reply::Visibility::Private
    );
    assert!(plain(&clicked).contains(&full), "{}", plain(&clicked));
    let typed = w.run(&member("ana"), "/full-answer").await;
    assert_eq!(plain(&typed), plain(&clicked));
}

#[sqlx::test]
async fn quiz_feedback_shows_the_summary_and_only_the_quiz_taker_opens_the_full_answer(
    pool: PgPool,
) {
    let clock = Arc::new(ManualClock::new(utc(2026, 11, 24, 9, 0)));
    let w = world(pool, clock, 42);
    let r = w.run(&member("ana"), "/quiz").await;
    let Body::Question(card) = &r.reply.body else {
        panic!("{}", text(&r))
    };
    let q = option_bank().get(&card.question_id).unwrap().clone();
    let line = format!("/full-answer {}", card.post_id);
    let before = w.run(&member("ana"), &line).await;
    assert!(
        matches!(before.reply.body, Body::Error(_)),
        "not before answering"
    );
    let r = w
        .run(
            &member("ana"),
            &format!("/answer {}", correct_letters(card)),
        )
        .await;
    let shown = text(&r);
    assert!(shown.contains(q.summary.as_deref().unwrap()), "{shown}");
    assert!(!shown.contains(&q.answer), "{shown}");
    assert!(plain(&w.run(&member("ana"), &line).await).contains(&q.answer));
    let other = w.run(&member("ben"), &line).await;
    assert!(
        matches!(other.reply.body, Body::Error(_)),
        "someone else's quiz stays closed"
    );
}
