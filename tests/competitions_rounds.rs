//! Live rounds against real PostgreSQL: questions one after another with a
//! deadline, faster right choice answers earning more, a restart in the
//! middle (a new engine on the same database goes on, nothing is scored
//! twice), two schedulers racing, one round per channel, and a round left
//! too long by an outage closing cleanly.

mod common;

use chrono::Duration;
use common::*;
use prepbot::bank::Format;
use prepbot::domain::clock::Clock;
use prepbot::domain::reply::{Announced, Body, Effect};
use prepbot::domain::rounds::{RoundEnd, RoundPodium, RoundQuestion, RoundResult};
use prepbot::domain::scoring::base_points;
use prepbot::grading::Verdict;
use sqlx::PgPool;

/// What a tick posted, in order.
#[derive(Debug)]
enum Posted {
    Question(RoundQuestion),
    Result(RoundResult),
    Podium(RoundPodium),
}

async fn tick(w: &World) -> Vec<Posted> {
    let effects = w.engine.run_due(CONSOLE).await.unwrap();
    for e in &effects {
        w.engine.delivered(e, None).await.unwrap();
    }
    rounds(&effects)
}

fn rounds(effects: &[Effect]) -> Vec<Posted> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Announce { card, .. } => match &card.body {
                Announced::RoundQuestion(q) => Some(Posted::Question(q.clone())),
                Announced::RoundResult(r) => Some(Posted::Result(r.clone())),
                Announced::RoundPodium(p) => Some(Posted::Podium(p.clone())),
                _ => None,
            },
            _ => None,
        })
        .collect()
}

fn one_question(posted: Vec<Posted>) -> RoundQuestion {
    match <[Posted; 1]>::try_from(posted) {
        Ok([Posted::Question(q)]) => q,
        Ok(other) => panic!("expected a question, got {other:?}"),
        Err(other) => panic!("expected one post, got {other:?}"),
    }
}

fn wait(w: &World, seconds: i64) {
    w.clock.advance(Duration::seconds(seconds));
}

/// Points the round's speed rule gives an answer graded `verdict` after
/// `elapsed` of 60 s: choice and true/false fall from full to half, others
/// earn their usual points.
fn expected(q: &RoundQuestion, verdict: Verdict, elapsed: i64) -> i64 {
    let base = i64::from(match verdict {
        Verdict::Correct => base_points(q.card.difficulty),
        Verdict::Partial => base_points(q.card.difficulty) / 2,
        Verdict::Incorrect => 0,
    });
    if matches!(q.card.format, Format::Choice | Format::Truefalse) {
        (base * (120 - elapsed) + 60) / 120
    } else {
        base
    }
}

async fn answer(w: &World, who: &str, q: &RoundQuestion) -> (i64, Verdict) {
    let r = w
        .run(
            &member(who),
            &format!("/answer {}", answer_to(&q.card, true)),
        )
        .await;
    match &r.reply.body {
        Body::Feedback(f) => (i64::from(f.points), f.grade.verdict),
        _ => panic!("{who}: {}", text(&r)),
    }
}

async fn ledger_total(pool: &PgPool, name: &str) -> i64 {
    sqlx::query_scalar(
        "SELECT coalesce(sum(pe.delta), 0)::bigint FROM point_events pe
         JOIN members m ON m.id = pe.member_id WHERE m.display_name = $1",
    )
    .bind(name)
    .fetch_one(pool)
    .await
    .unwrap()
}

#[sqlx::test]
async fn three_members_answering_at_different_speeds_score_by_speed_across_a_restart(pool: PgPool) {
    let w = World::new(pool.clone(), utc(2026, 11, 23, 9, 0));
    let r = w
        .run(&admin("lead"), "/round start questions:3 seconds:60")
        .await;
    assert!(text(&r).contains("Round #1 starts"), "{}", text(&r));
    let mut w = w;
    let mut totals = [0i64; 3];
    let mut asked = Vec::new();
    for n in 1..=3u32 {
        let q = one_question(tick(&w).await);
        assert_eq!((q.n, q.of, q.seconds), (n, 3, 60));
        assert_eq!(q.deadline, w.clock.now().timestamp() + 60);
        // ana at once, ben after 30 s, cee right at the deadline.
        for (i, (who, after)) in [("ana", 0), ("ben", 30), ("cee", 30)].iter().enumerate() {
            wait(&w, *after);
            let (got, verdict) = answer(&w, who, &q).await;
            let elapsed = [0, 30, 60][i];
            assert_eq!(
                got,
                expected(&q, verdict, elapsed),
                "{who} on {}",
                q.card.question_id
            );
            totals[i] += got;
        }
        // A second answer is refused and changes nothing.
        let again = w
            .run(
                &member("ana"),
                &format!("/answer {} {}", q.card.post_id, answer_to(&q.card, true)),
            )
            .await;
        assert!(
            matches!(again.reply.body, Body::Error(_)),
            "{}",
            text(&again)
        );
        if n == 2 {
            // A restart in the middle of a question: a new engine on the
            // same database and clock takes over.
            w = World::with_clock(pool.clone(), w.clock.clone());
        }
        // Late answers are refused once the deadline has passed.
        wait(&w, 1);
        let late = w
            .run(
                &member("dee"),
                &format!("/answer {} {}", q.card.post_id, answer_to(&q.card, true)),
            )
            .await;
        assert!(text(&late).contains("Time is up"), "{}", text(&late));
        let closed = tick(&w).await;
        if n < 3 {
            let [Posted::Result(res)] = <[Posted; 1]>::try_from(closed).unwrap() else {
                panic!("expected the answer post")
            };
            assert_eq!((res.n, res.answers), (n, 3));
            let board: Vec<(String, i64)> = res
                .standings
                .iter()
                .map(|s| (s.name.clone(), s.points))
                .collect();
            let want: Vec<i64> = totals.to_vec();
            assert_eq!(board.iter().map(|b| b.1).collect::<Vec<_>>(), want);
            if n == 1 {
                // A restart between steps.
                w = World::with_clock(pool.clone(), w.clock.clone());
            }
            wait(&w, 3);
            assert!(tick(&w).await.is_empty(), "the next question waits the gap");
            wait(&w, 1);
        } else {
            let [Posted::Podium(p)] = <[Posted; 1]>::try_from(closed).unwrap() else {
                panic!("expected the podium")
            };
            assert_eq!(p.reason, RoundEnd::Finished);
            assert_eq!((p.asked, p.of, p.players), (3, 3, 3));
            assert!(p.last.is_some());
            let podium: Vec<(i64, &str, i64)> = p
                .podium
                .iter()
                .map(|s| (s.rank, s.name.as_str(), s.points))
                .collect();
            assert_eq!(podium[0], (1, "ana", totals[0]));
            assert_eq!(podium.len(), 3);
        }
        asked.push(q.card.question_id.to_string());
    }
    // Three different questions; nothing more is due.
    asked.sort();
    asked.dedup();
    assert_eq!(asked.len(), 3);
    wait(&w, 3600);
    assert!(tick(&w).await.is_empty());
    // Nothing scored twice: the ledger holds exactly what was reported.
    for (i, who) in ["ana", "ben", "cee"].iter().enumerate() {
        assert_eq!(ledger_total(&pool, who).await, totals[i], "{who}");
    }
    assert!(totals[0] > totals[1] && totals[1] > totals[2], "{totals:?}");
    let status = w.run(&member("ana"), "/round status").await;
    assert!(text(&status).contains("(over)"), "{}", text(&status));
}

#[sqlx::test]
async fn two_schedulers_racing_do_each_step_exactly_once(pool: PgPool) {
    let a = World::new(pool.clone(), utc(2026, 11, 23, 9, 0));
    let b = World::with_clock(pool.clone(), a.clock.clone());
    a.run(&admin("lead"), "/round start questions:2 seconds:30")
        .await;
    let mut seen = Vec::new();
    for _ in 0..6 {
        let (x, y) = tokio::join!(a.engine.run_due(CONSOLE), b.engine.run_due(CONSOLE));
        let mut both = x.unwrap();
        both.extend(y.unwrap());
        for e in &both {
            a.engine.delivered(e, None).await.unwrap();
        }
        seen.extend(rounds(&both));
        wait(&a, 31);
    }
    let kinds: Vec<&str> = seen
        .iter()
        .map(|p| match p {
            Posted::Question(_) => "q",
            Posted::Result(_) => "a",
            Posted::Podium(_) => "end",
        })
        .collect();
    assert_eq!(kinds, ["q", "a", "q", "end"]);
    let claims: i64 =
        sqlx::query_scalar("SELECT count(*) FROM competition_posts WHERE kind = 'round'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(claims, 4);
}

#[sqlx::test]
async fn a_channel_runs_one_round_at_a_time_and_the_daily_question_is_unaffected(pool: PgPool) {
    let w = World::new(pool.clone(), utc(2026, 11, 23, 8, 59));
    w.run(
        &admin("lead"),
        "/daily setup time:09:00 tz:UTC reveal:17:00",
    )
    .await;
    let r = w.run(&member("ana"), "/round start").await;
    assert!(matches!(r.reply.body, Body::AdminOnly));
    w.run(&admin("lead"), "/round start questions:2 seconds:60")
        .await;
    let twice = w.run(&admin("lead"), "/round start").await;
    assert!(text(&twice).contains("already running"), "{}", text(&twice));
    // Another channel may run its own.
    let mut other = World::with_clock(pool.clone(), w.clock.clone());
    other.place.channel = "c2".into();
    let r = other.run(&admin("lead"), "/round start questions:1").await;
    assert!(text(&r).contains("starts"), "{}", text(&r));

    wait(&w, 60);
    let effects = w.engine.run_due(CONSOLE).await.unwrap();
    let dailies = effects
        .iter()
        .filter(|e| matches!(e, Effect::PostQuestion { .. }))
        .count();
    assert_eq!(dailies, 1, "the daily question is posted as usual");
    assert_eq!(rounds(&effects).len(), 2, "each channel's first question");
    for e in &effects {
        w.engine.delivered(e, None).await.unwrap();
    }
    // /answer without a post id goes to the newest open question: the
    // round's, posted after the daily one; the daily still takes answers.
    let stop = w.run(&admin("lead"), "/round stop").await;
    let [Posted::Podium(p)] = <[Posted; 1]>::try_from(rounds(&stop.effects)).unwrap() else {
        panic!("the stop posts the podium: {:?}", stop.effects)
    };
    assert_eq!((p.reason, p.asked), (RoundEnd::Stopped, 1));
    assert!(
        p.last.is_some(),
        "the open question's answer comes with the podium"
    );
    let again = w.run(&admin("lead"), "/round stop").await;
    assert!(
        text(&again).contains("No round is running"),
        "{}",
        text(&again)
    );
    let r = w.run(&admin("lead"), "/round start questions:1").await;
    assert!(text(&r).contains("1 question from"), "{}", text(&r));
}

#[sqlx::test]
async fn a_question_due_long_after_an_outage_closes_the_round_cleanly(pool: PgPool) {
    let w = World::new(pool.clone(), utc(2026, 11, 23, 9, 0));
    w.run(&admin("lead"), "/round start questions:3 seconds:60")
        .await;
    let q = one_question(tick(&w).await);
    answer(&w, "ana", &q).await;
    drop(w);
    // Down for half an hour: the close is still made (it was due first),
    // and then the next question, due 25 minutes ago, is not opened.
    let w = World::with_clock(
        pool.clone(),
        std::sync::Arc::new(prepbot::domain::clock::ManualClock::new(utc(
            2026, 11, 23, 9, 31,
        ))),
    );
    let closed = tick(&w).await;
    assert!(
        matches!(closed.as_slice(), [Posted::Result(_)]),
        "{closed:?}"
    );
    let ended = tick(&w).await;
    let [Posted::Podium(p)] = <[Posted; 1]>::try_from(ended).unwrap() else {
        panic!("expected the podium")
    };
    assert_eq!((p.reason, p.asked, p.players), (RoundEnd::Stale, 1, 1));
    assert_eq!(p.podium[0].name, "ana");
    assert!(tick(&w).await.is_empty());
}
