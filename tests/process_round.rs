//! A live round survives a real crash: `prepbot run` (the binary, against
//! the Discord mock, on the real clock) is killed with SIGKILL after a
//! question is posted and before it closes. Started again, it goes on with
//! the round (or, after an outage longer than the stale limit, closes it
//! cleanly), every step is posted exactly once, and nothing is scored
//! twice. Steps run on the scheduler's 20 s tick, so each test takes about
//! a minute.
#![cfg(feature = "discord")]

mod common;
mod support;

use prepbot::bank::Bank;
use prepbot::domain::clock::SystemClock;
use prepbot::domain::command::parse;
use prepbot::domain::reply::Body;
use prepbot::engine::{Actor, Engine, Place, Platform};
use prepbot::grading::choice::Shown;
use prepbot::grading::Grading;
use prepbot::storage::Store;
use sqlx::PgPool;
use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::discord_mock::DiscordMock;
use tokio::process::{Child, Command};

const GUILD: &str = "700000000000000001";
const CHANNEL: &str = "840000000000000077";

async fn url_of(pool: &PgPool) -> String {
    let name: String = sqlx::query_scalar("SELECT current_database()")
        .fetch_one(pool)
        .await
        .unwrap();
    format!("postgres://postgres@127.0.0.1:5432/{name}")
}

fn bank_dir() -> String {
    format!("{}/tests/fixtures/bank", env!("CARGO_MANIFEST_DIR"))
}

/// `prepbot run` on the test bank against the mock, with a 3 s claim
/// lease so a restart soon takes over what the killed process claimed.
fn bot(url: &str, mock: &DiscordMock) -> Child {
    Command::new(env!("CARGO_BIN_EXE_prepbot"))
        .arg("run")
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DATABASE_URL", url)
        .env("RUST_LOG", "warn")
        .env("DISCORD_TOKEN", "mock-token")
        .env("DISCORD_API_BASE", mock.base_url())
        .env("PREPBOT_QUESTIONS", bank_dir())
        .env("PREPBOT_CLAIM_LEASE_SECS", "3")
        .env("PREPBOT_HTTP_ADDR", "127.0.0.1:0")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .expect("prepbot run starts")
}

/// The test's own engine on the same database and bank: members answer
/// through it (an answer may reach any replica, or arrive while the bot
/// is down).
struct Members {
    engine: Engine,
    bank: Arc<Bank>,
}

impl Members {
    fn new(pool: &PgPool) -> Self {
        let bank = common::test_bank();
        let engine = Engine::new(
            Store::from_pool(pool.clone()),
            bank.clone(),
            Arc::new(SystemClock),
            7,
            Arc::new(Grading::default()),
        );
        Self { engine, bank }
    }

    async fn say(&self, who: &Actor, line: &str) -> Body {
        let place = Place {
            platform: Platform::Discord,
            guild: GUILD.into(),
            channel: CHANNEL.into(),
        };
        let r = self.engine.handle(who, &place, parse(line).unwrap()).await;
        r.reply.body
    }

    /// A right answer to round question `n` as the post shows it (choice
    /// letters follow the post's option shuffle).
    async fn answer_right(&self, pool: &PgPool, who: &Actor, n: i32) {
        let (post, question, seed): (i64, String, Option<i64>) = sqlx::query_as(
            "SELECT p.id, p.question_id, p.option_seed FROM posts p
             JOIN round_questions q ON q.post_id = p.id WHERE q.n = $1",
        )
        .bind(n)
        .fetch_one(pool)
        .await
        .unwrap();
        let q = self.bank.get(&question.parse().unwrap()).unwrap();
        let shown = Shown::new(q, seed);
        let right: Vec<&str> = shown
            .question
            .options()
            .iter()
            .filter(|o| o.correct)
            .map(|o| o.id.as_str())
            .collect();
        let body = self
            .say(who, &format!("/answer #{post} {}", right.join(",")))
            .await;
        let Body::Feedback(f) = body else {
            panic!("{who:?} on question {n}: {body:?}")
        };
        assert!(f.points > 0, "{f:?}");
    }
}

/// The round's posts in the channel, as the mock holds them (a re-sent
/// post with the same nonce is the same message): `q1`, `a1`, ..., `end`.
fn round_posts(mock: &DiscordMock) -> Vec<String> {
    mock.messages_in(CHANNEL)
        .iter()
        .map(|m| {
            let all = m.to_string();
            let n = |what: &str| {
                (1..=2)
                    .find(|n| all.contains(&format!("{what} {n} of 2")))
                    .unwrap_or(0)
            };
            if all.contains("is over") {
                "end".to_owned()
            } else if all.contains("answer to question") {
                format!("a{}", n("answer to question"))
            } else {
                format!("q{}", n("question"))
            }
        })
        .collect()
}

/// Waits (on the real clock, up to `secs`) until the round posts are `want`.
async fn wait_posts(mock: &DiscordMock, want: &[&str], secs: u64) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    while round_posts(mock) != want {
        let now = round_posts(mock);
        let seen: Vec<&str> = now.iter().map(String::as_str).collect();
        assert!(
            want.starts_with(&seen),
            "posted {now:?}, expected to reach {want:?}"
        );
        assert!(Instant::now() < deadline, "only {now:?} after {secs} s");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Starts a round of the test bank's two choice questions (the open ones'
/// topics are switched off, so answers can be computed) and the bot; kills
/// the bot with SIGKILL once question 1 is posted.
async fn start_and_kill(pool: &PgPool, url: &str, mock: &DiscordMock) -> Members {
    let members = Members::new(pool);
    let lead = Actor::new("600000000000000009", "Lead", true);
    for line in [
        "/questions disable-topic streaming",
        "/questions disable-topic sql",
        "/round start questions:2 seconds:10",
    ] {
        let body = members.say(&lead, line).await;
        assert!(!matches!(body, Body::Error(_)), "{line}: {body:?}");
    }
    let mut first = bot(url, mock);
    wait_posts(mock, &["q1"], 30).await;
    first.start_kill().unwrap(); // SIGKILL: no drain, no release
    first.wait().await.unwrap();
    members
}

async fn ledger(pool: &PgPool) -> (i64, i64, i64) {
    sqlx::query_as(
        "SELECT (SELECT count(*) FROM answers WHERE counting = 'round'),
                (SELECT count(*) FROM point_events),
                (SELECT coalesce(sum(delta), 0)::bigint FROM point_events)",
    )
    .fetch_one(pool)
    .await
    .unwrap()
}

async fn stop(mut bot: Child, pool: &PgPool, url: &str) {
    bot.start_kill().unwrap();
    bot.wait().await.unwrap();
    // The binary made `<db>_sandbox` for SQL grading; sqlx::test drops only `<db>`.
    let db = url.rsplit('/').next().unwrap();
    sqlx::query(&format!(
        "DROP DATABASE IF EXISTS \"{db}_sandbox\" WITH (FORCE)"
    ))
    .execute(pool)
    .await
    .ok();
}

#[sqlx::test]
async fn a_round_killed_with_sigkill_mid_question_resumes_after_a_restart_posting_each_step_once(
    pool: PgPool,
) {
    let url = url_of(&pool).await;
    let mock = DiscordMock::start().await;
    let members = start_and_kill(&pool, &url, &mock).await;
    // Ana answers question 1 while the bot is down.
    let (ana, bea) = (
        Actor::new("600000000000000001", "ana", false),
        Actor::new("600000000000000002", "bea", false),
    );
    members.answer_right(&pool, &ana, 1).await;

    let second = bot(&url, &mock);
    wait_posts(&mock, &["q1", "a1", "q2"], 60).await;
    members.answer_right(&pool, &bea, 2).await;
    members.answer_right(&pool, &ana, 2).await;
    wait_posts(&mock, &["q1", "a1", "q2", "end"], 60).await;
    // A tick more: nothing else is posted.
    tokio::time::sleep(Duration::from_secs(21)).await;
    assert_eq!(round_posts(&mock), ["q1", "a1", "q2", "end"]);
    let end = mock.messages_in(CHANNEL).last().unwrap().to_string();
    assert!(end.contains("ana") && end.contains("bea"), "{end}");
    let (answers, events, points) = ledger(&pool).await;
    assert_eq!((answers, events), (3, 3), "one answer, one ledger row each");
    let board: i64 = sqlx::query_scalar(
        "SELECT coalesce(sum(points), 0)::bigint FROM board_totals WHERE scope = 'all'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(board, points, "the board holds each point once");
    stop(second, &pool, &url).await;
}

#[sqlx::test]
async fn a_round_whose_bot_stayed_down_past_the_stale_limit_closes_cleanly_after_a_restart(
    pool: PgPool,
) {
    let url = url_of(&pool).await;
    let mock = DiscordMock::start().await;
    let members = start_and_kill(&pool, &url, &mock).await;
    let ana = Actor::new("600000000000000001", "ana", false);
    members.answer_right(&pool, &ana, 1).await;
    // The outage lasts 20 minutes: the round's times move that far back.
    for sql in [
        "UPDATE rounds SET started_at = started_at - interval '20 minutes', next_at = next_at - interval '20 minutes'",
        "UPDATE posts SET posted_at = posted_at - interval '20 minutes', reveal_at = reveal_at - interval '20 minutes'",
        "UPDATE answers SET answered_at = answered_at - interval '20 minutes'",
    ] {
        sqlx::query(sql).execute(&pool).await.unwrap();
    }
    let second = bot(&url, &mock);
    // Question 1's close is never too late; question 2 is not opened.
    wait_posts(&mock, &["q1", "a1", "end"], 60).await;
    tokio::time::sleep(Duration::from_secs(21)).await;
    assert_eq!(round_posts(&mock), ["q1", "a1", "end"]);
    let end = mock.messages_in(CHANNEL).last().unwrap().to_string();
    assert!(
        end.contains("away too long") && end.contains("ana"),
        "{end}"
    );
    assert_eq!(ledger(&pool).await.0, 1);
    stop(second, &pool, &url).await;
}
