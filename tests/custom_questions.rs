//! `/questions add` and `/questions remove`: an id the server already has is
//! replaced only on request, a question can be taken out again, and an
//! oversized upload is refused before it is parsed.

mod common;

use common::*;
use prepbot::domain::reply::Body;
use sqlx::PgPool;

/// A one-question bank file whose prompt says which version it is.
fn file(id: &str, version: &str) -> String {
    format!(
        r#"
[[question]]
id = "{id}"
topic = "orchestration"
difficulty = "easy"
format = "truefalse"
prompt = "Version {version}: our nightly DAG reruns safely because every task overwrites its own date partition."
answer = "True: each task overwrites only its date partition."
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
"#
    )
}

fn error(r: &prepbot::domain::reply::Response) -> String {
    match &r.reply.body {
        Body::Error(msg) => msg.clone(),
        _ => panic!("expected an error, got: {}", text(r)),
    }
}

/// The prompt of the question a quiz on `orchestration` shows.
async fn quiz_prompt(w: &World, who: &str) -> String {
    let r = w.run(&member(who), "/quiz topic:orchestration").await;
    let Body::Question(card) = &r.reply.body else {
        panic!("{}", text(&r))
    };
    card.prompt.clone()
}

#[sqlx::test]
async fn re_uploading_an_id_is_refused_and_keeps_the_first_question(pool: PgPool) {
    let w = World::new(pool, utc(2026, 11, 24, 10, 0));
    let lead = admin("lead");
    let first = w
        .run(
            &lead,
            &format!("/questions add {}", file("team-dag", "one")),
        )
        .await;
    assert!(
        text(&first).contains("Added 1 question(s)"),
        "{}",
        text(&first)
    );
    let again = w
        .run(
            &lead,
            &format!("/questions add {}", file("team-dag", "two")),
        )
        .await;
    let msg = error(&again);
    assert!(
        msg.contains("already has `team-dag`") && msg.contains("replace:true"),
        "{msg}"
    );
    assert!(quiz_prompt(&w, "ana").await.starts_with("Version one"));
}

#[sqlx::test]
async fn replace_true_replaces_the_question_and_says_so(pool: PgPool) {
    let w = World::new(pool, utc(2026, 11, 24, 10, 0));
    let lead = admin("lead");
    w.run(
        &lead,
        &format!("/questions add {}", file("team-dag", "one")),
    )
    .await;
    let both = format!("{}{}", file("team-dag", "two"), file("team-new", "new"));
    let r = w
        .run(&lead, &format!("/questions add replace:true {both}"))
        .await;
    let shown = text(&r);
    assert!(shown.contains("Added 2 question(s)"), "{shown}");
    assert!(
        shown.contains("Replaced 1 existing question(s): team-dag"),
        "{shown}"
    );
    let list = text(&w.run(&lead, "/questions list").await);
    assert!(list.contains("2 custom questions"), "{list}");
    let prompts = [quiz_prompt(&w, "ana").await, quiz_prompt(&w, "ana").await];
    assert!(
        prompts.iter().any(|p| p.starts_with("Version two")),
        "{prompts:?}"
    );
    assert!(
        !prompts.iter().any(|p| p.starts_with("Version one")),
        "{prompts:?}"
    );
}

#[sqlx::test]
async fn an_upload_repeating_an_id_within_itself_adds_nothing(pool: PgPool) {
    let w = World::new(pool, utc(2026, 11, 24, 10, 0));
    let twice = format!("{}{}", file("team-dag", "one"), file("team-dag", "two"));
    let msg = error(
        &w.run(&admin("lead"), &format!("/questions add {twice}"))
            .await,
    );
    assert!(
        msg.contains("id `team-dag` is already used at upload:1"),
        "{msg}"
    );
}

#[sqlx::test]
async fn remove_takes_a_custom_question_out_of_the_pool(pool: PgPool) {
    let w = World::new(pool, utc(2026, 11, 24, 10, 0));
    let lead = admin("lead");
    w.run(
        &lead,
        &format!("/questions add {}", file("team-dag", "one")),
    )
    .await;
    let r = w.run(&lead, "/questions remove id:team-dag").await;
    assert_eq!(text(&r), "Removed `team-dag` from this server's pool.");
    assert!(text(&w.run(&lead, "/questions list").await).contains("0 custom questions"));
    let none = w.run(&member("ana"), "/quiz topic:orchestration").await;
    assert!(matches!(none.reply.body, Body::Error(_)));
    let msg = error(&w.run(&lead, "/questions remove id:team-dag").await);
    assert!(msg.contains("no custom question `team-dag`"), "{msg}");
    let shipped = error(&w.run(&lead, "/questions remove id:t-cap-choice").await);
    assert!(shipped.contains("is a shipped question"), "{shipped}");
    // Removed, the id can be added again without replace:true.
    let again = w
        .run(
            &lead,
            &format!("/questions add {}", file("team-dag", "two")),
        )
        .await;
    assert!(
        text(&again).contains("Added 1 question(s)"),
        "{}",
        text(&again)
    );
}

#[sqlx::test]
async fn only_admins_may_remove_custom_questions(pool: PgPool) {
    let w = World::new(pool, utc(2026, 11, 24, 10, 0));
    w.run(
        &admin("lead"),
        &format!("/questions add {}", file("team-dag", "one")),
    )
    .await;
    let r = w.run(&member("ana"), "/questions remove id:team-dag").await;
    assert_eq!(r.reply.body, Body::AdminOnly, "{}", text(&r));
    assert!(text(&w.run(&admin("lead"), "/questions list").await).contains("1 custom question."));
}

#[sqlx::test]
async fn an_upload_over_512_kib_is_refused_before_it_is_parsed(pool: PgPool) {
    let w = World::new(pool, utc(2026, 11, 24, 10, 0));
    // Valid TOML up front, then padding: a parser would accept the question,
    // so only the size check can refuse it.
    let padding = "# padding\n".repeat(52 * 1024 + 1);
    let big = format!("{}{padding}", file("team-dag", "one"));
    assert!(big.len() > 512 * 1024);
    let msg = error(
        &w.run(&admin("lead"), &format!("/questions add {big}"))
            .await,
    );
    assert!(msg.contains("uploads are at most 512 KiB"), "{msg}");
    assert!(text(&w.run(&admin("lead"), "/questions list").await).contains("0 custom questions"));
}

/// What `/questions list` shows an admin through `w`.
async fn listed(w: &World) -> String {
    text(&w.run(&admin("lead"), "/questions list").await)
}

#[sqlx::test]
async fn a_question_added_through_one_replica_is_seen_by_another_that_had_cached_the_list(
    pool: PgPool,
) {
    let a = World::new(pool.clone(), utc(2026, 11, 24, 9, 0));
    let b = World::with_clock(pool.clone(), a.clock.clone());
    let (stop_tx, stop) = tokio::sync::watch::channel(false);
    let follower = tokio::spawn(b.engine.clone().follow_custom_changes(stop));
    // B caches the server's (empty) list before A changes it.
    assert!(!listed(&b).await.contains("replica-q"));
    let added = a
        .run(
            &admin("lead"),
            &format!("/questions add {}", file("replica-q", "1")),
        )
        .await;
    assert!(!text(&added).contains("Can't"), "{}", text(&added));
    let mut seen = false;
    for _ in 0..100 {
        if listed(&b).await.contains("replica-q") {
            seen = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(
        seen,
        "B dropped its cached list when A announced the change"
    );
    a.run(&admin("lead"), "/questions remove replica-q").await;
    let mut gone = false;
    for _ in 0..100 {
        if !listed(&b).await.contains("replica-q") {
            gone = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(gone, "and again when A removed it");
    stop_tx.send(true).unwrap();
    follower.await.unwrap();
}
