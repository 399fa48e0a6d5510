//! Fault test: PostgreSQL restarts while answers arrive.
//!
//! The bot reaches its own fresh database through a proxy
//! (`support::pg_proxy`) that acts the restart out: every session ended
//! with FATAL 57P01, connections refused for a few seconds, then accepted
//! again. The shared server other tests use is never touched. Answers
//! stream in through `Engine::handle` from several members at once, the
//! scheduler keeps ticking, and afterwards: no acknowledged answer is
//! missing, every answer that was not acknowledged got a "try again" with
//! its text echoed back, sending that text again settles it, and the bot
//! carries on (answers, the reveal) without being restarted.

mod common;
mod support;

use async_trait::async_trait;
use common::*;
use prepbot::delivery::{
    Backoff, Delivery, DeliveryError, Notifier, Router, Scheduler, SchedulerConfig,
};
use prepbot::domain::clock::ManualClock;
use prepbot::domain::command::parse;
use prepbot::domain::reply::{Body, Effect, Response};
use prepbot::engine::{Actor, Engine, Place, Platform};
use prepbot::grading::Grading;
use prepbot::storage::{PoolSettings, Store};
use sqlx::PgPool;
use std::collections::{BTreeMap, BTreeSet};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use support::pg_proxy::PgProxy;

/// Members answering at once.
const WORKERS: usize = 6;

/// Records every effect the scheduler delivers.
#[derive(Default)]
struct Channel(Mutex<Vec<Effect>>);

#[async_trait]
impl Notifier for Channel {
    async fn deliver(&self, effect: &Effect) -> Result<Option<String>, DeliveryError> {
        self.0.lock().unwrap().push(effect.clone());
        Ok(Some(format!("m{}", effect.post_id())))
    }
}

impl Channel {
    fn count(&self, reveal: bool) -> usize {
        let all = self.0.lock().unwrap();
        all.iter()
            .filter(|e| matches!(e, Effect::PostReveal { .. }) == reveal)
            .count()
    }
}

/// What happened to one answer.
#[derive(Debug, Clone)]
struct Sent {
    member: String,
    text: String,
    reply: Response,
}

/// The URL of the test's own database, and the server behind it.
async fn database(pool: &PgPool) -> (String, SocketAddr) {
    let name: String = sqlx::query_scalar("SELECT current_database()")
        .fetch_one(pool)
        .await
        .unwrap();
    let options = pool.connect_options();
    let server = format!("{}:{}", options.get_host(), options.get_port());
    let addr = tokio::net::lookup_host(&server)
        .await
        .unwrap()
        .next()
        .unwrap();
    (format!("postgres://postgres@{server}/{name}"), addr)
}

/// An engine whose every query goes through `proxy`, waiting up to
/// `acquire` for a connection.
async fn engine_via(
    proxy: &PgProxy,
    url: &str,
    clock: &Arc<ManualClock>,
    acquire: Duration,
) -> Arc<Engine> {
    let pool = PoolSettings { size: 8, acquire };
    let store = Store::connect_pooled(&proxy.url_for(url), Duration::from_secs(10), pool)
        .await
        .expect("PostgreSQL through the proxy");
    let grading = Arc::new(Grading::default());
    Arc::new(Engine::new(store, test_bank(), clock.clone(), 42, grading))
}

fn place() -> Place {
    Place {
        platform: Platform::Console,
        guild: "g1".into(),
        channel: "c1".into(),
    }
}

/// A correct answer with markup characters in it, different per member.
fn answer_of(member: &str) -> String {
    format!("Order holds *within a partition*; the same_key goes to the same partition [{member}] @everyone")
}

async fn answer(engine: &Engine, member: &str, text: &str) -> Sent {
    let who = Actor::new(format!("u-{member}"), member, false);
    let cmd = parse(&format!("/answer {text}")).unwrap();
    let reply = engine.handle(&who, &place(), cmd).await;
    Sent {
        member: member.into(),
        text: text.into(),
        reply,
    }
}

/// Members answering, `WORKERS` at a time, until stopped; every answer is
/// kept with its reply.
struct Stream {
    sent: Arc<Mutex<Vec<Sent>>>,
    stop: Arc<AtomicBool>,
    workers: Vec<tokio::task::JoinHandle<()>>,
}

impl Stream {
    fn start(engine: &Arc<Engine>) -> Self {
        let sent = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let next = Arc::new(AtomicUsize::new(0));
        let workers = (0..WORKERS)
            .map(|_| {
                let (engine, stop, next, out) =
                    (engine.clone(), stop.clone(), next.clone(), sent.clone());
                tokio::spawn(async move {
                    while !stop.load(Ordering::SeqCst) {
                        let member = format!("m{}", next.fetch_add(1, Ordering::SeqCst));
                        let sent = answer(&engine, &member, &answer_of(&member)).await;
                        out.lock().unwrap().push(sent);
                    }
                })
            })
            .collect();
        Self {
            sent,
            stop,
            workers,
        }
    }

    /// Answers finished so far.
    fn len(&self) -> usize {
        self.sent.lock().unwrap().len()
    }

    /// Of the answers finished from the `from`-th on, how many were
    /// acknowledged (`true`) or not.
    fn count(&self, from: usize, acknowledged: bool) -> usize {
        let all = self.sent.lock().unwrap();
        all[from..]
            .iter()
            .filter(|s| is_feedback(s).is_some() == acknowledged)
            .count()
    }

    async fn finish(self) -> Vec<Sent> {
        self.stop.store(true, Ordering::SeqCst);
        for w in self.workers {
            w.await.unwrap();
        }
        let sent = self.sent.lock().unwrap().clone();
        sent
    }
}

/// Polls `done` every 20 ms until it holds; fails after `limit`.
async fn until(what: &str, limit: Duration, done: impl Fn() -> bool) {
    let deadline = Instant::now() + limit;
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn is_feedback(s: &Sent) -> Option<i64> {
    match &s.reply.reply.body {
        Body::Feedback(f) => Some(f.answer_id),
        _ => None,
    }
}

/// Checks a reply that is not an acknowledgement: a "try again" for the
/// database being out of reach, echoing exactly what was sent.
fn assert_try_again(s: &Sent) {
    let Body::TryAgain(t) = &s.reply.reply.body else {
        panic!(
            "{}: neither saved nor told to try again: {:?}",
            s.member, s.reply
        )
    };
    assert!(t.unreachable, "{}: {t:?}", s.member);
    assert_eq!(t.echo.as_deref(), Some(s.text.as_str()));
    let shown = text(&s.reply);
    assert!(shown.contains("try again"), "{shown}");
    assert!(
        shown.ends_with(&s.text),
        "the answer is echoed as written: {shown}"
    );
}

#[test]
fn the_proxy_tells_a_session_why_only_between_two_messages() {
    let mut f = support::pg_proxy::Frames::default();
    f.feed(b"N", true);
    assert!(f.at_boundary(), "after the SSLRequest's one-byte answer");
    f.feed(&[b'Z', 0, 0, 0, 5], false);
    assert!(!f.at_boundary(), "one body byte is still due");
    f.feed(b"I", false);
    assert!(f.at_boundary());
    f.feed(&support::pg_proxy::admin_shutdown()[..3], false);
    assert!(!f.at_boundary());
}

/// The bot under test: an engine whose every query goes through the proxy
/// (waiting 1 s for a connection, so answers that arrive while the database
/// is down are told to try again within the test), a second one with the
/// default wait (30 s, which rides out a restart shorter than that), and
/// the scheduler delivering to a recorded channel.
struct Bot {
    engine: Arc<Engine>,
    patient: Arc<Engine>,
    clock: Arc<ManualClock>,
    channel: Arc<Channel>,
    stop: tokio::sync::watch::Sender<bool>,
    ticking: tokio::task::JoinHandle<()>,
}

impl Bot {
    /// Starts the bot with a daily question (open, so answers are text)
    /// posted at 09:00.
    async fn start(proxy: &PgProxy, url: &str) -> Self {
        let clock = Arc::new(ManualClock::new(utc(2026, 11, 24, 8, 0)));
        let engine = engine_via(proxy, url, &clock, Duration::from_secs(1)).await;
        let patient = engine_via(proxy, url, &clock, PoolSettings::default().acquire).await;
        let lead = Actor::new("u-lead", "lead", true);
        let setup = "/daily setup time:09:00 tz:UTC reveal:17:00 topics:streaming";
        let r = engine.handle(&lead, &place(), parse(setup).unwrap()).await;
        assert!(
            text(&r).starts_with("Daily question set up."),
            "{}",
            text(&r)
        );
        let channel = Arc::new(Channel::default());
        let config = SchedulerConfig {
            every: Duration::from_millis(50),
            backoff: Backoff {
                seed: 7,
                ..Backoff::default()
            },
            ..SchedulerConfig::default()
        };
        let router = Router::single(Platform::Console, channel.clone());
        let scheduler = Scheduler::new(Arc::new(Delivery::new(engine.clone(), router, config)));
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let ticking = tokio::spawn(scheduler.run(stopped));
        clock.set(utc(2026, 11, 24, 9, 0));
        until("the daily post", Duration::from_secs(20), || {
            channel.count(false) == 1
        })
        .await;
        Self {
            engine,
            patient,
            clock,
            channel,
            stop,
            ticking,
        }
    }

    /// Reveals at 17:00 and returns how many answers the reveal counted.
    async fn reveal(self) -> i64 {
        self.clock.set(utc(2026, 11, 24, 17, 0));
        let channel = &self.channel;
        until("the reveal", Duration::from_secs(20), || {
            channel.count(true) == 1
        })
        .await;
        self.stop.send(true).unwrap();
        self.ticking.await.unwrap();
        let posted = (channel.count(false), channel.count(true));
        assert_eq!(posted, (1, 1), "posted and revealed once");
        let all = channel.0.lock().unwrap();
        all.iter()
            .find_map(|e| match e {
                Effect::PostReveal { card, .. } => Some(card.answers),
                _ => None,
            })
            .unwrap()
    }
}

/// Answers stream in and the database restarts in the middle of them, for
/// about three seconds (at least until several answers were refused). One
/// answer goes to the patient engine while it is down. Returns every
/// answer of the stream and the patient one.
async fn restart_while_answering(bot: &Bot, proxy: &PgProxy) -> (Vec<Sent>, Sent) {
    let stream = Stream::start(&bot.engine);
    let enough = Duration::from_secs(30);
    until("answers before the restart", enough, || {
        stream.count(0, true) >= 20
    })
    .await;
    let down_at = Instant::now();
    proxy.go_down().await;
    let patient = bot.patient.clone();
    let waiting =
        tokio::spawn(async move { answer(&patient, "patient", &answer_of("patient")).await });
    until("try agains while down", enough, || {
        stream.count(0, false) >= WORKERS
    })
    .await;
    tokio::time::sleep(Duration::from_secs(3).saturating_sub(down_at.elapsed())).await;
    proxy.come_back().await;
    let back = stream.len();
    until("answers after the restart", enough, || {
        stream.count(back, true) >= 20
    })
    .await;
    let sent = stream.finish().await;
    (sent, waiting.await.unwrap())
}

/// Each person told to try again sends the echoed text again. Returns the
/// answers saved now, and the members whose first answer was saved after
/// all (a commit whose reply the cut lost: "you already answered").
async fn send_again(engine: &Engine, refused: &[&Sent]) -> (Vec<Sent>, BTreeSet<String>) {
    let mut already = BTreeSet::new();
    let mut resent = Vec::new();
    for s in refused {
        let Body::TryAgain(t) = &s.reply.reply.body else {
            unreachable!("checked by assert_try_again")
        };
        let again = answer(engine, &s.member, t.echo.as_deref().unwrap()).await;
        match &again.reply.reply.body {
            Body::Feedback(_) => resent.push(again),
            Body::Error(e) if e.contains("already answered") => {
                already.insert(format!("u-{}", s.member));
            }
            other => panic!("{}: sending again gave {other:?}", s.member),
        }
    }
    (resent, already)
}

/// Every acknowledged answer is stored, under its id, and every stored
/// answer was acknowledged or reported as saved after all. Returns how many
/// are stored.
async fn assert_nothing_lost(
    pool: &PgPool,
    acknowledged: &[&Sent],
    already: &BTreeSet<String>,
) -> usize {
    let acknowledged: BTreeMap<String, i64> = acknowledged
        .iter()
        .filter_map(|s| is_feedback(s).map(|id| (format!("u-{}", s.member), id)))
        .collect();
    let stored: BTreeMap<String, i64> = sqlx::query_as::<_, (String, i64)>(
        "SELECT m.external_id, a.id FROM answers a JOIN members m ON m.id = a.member_id",
    )
    .fetch_all(pool)
    .await
    .unwrap()
    .into_iter()
    .collect();
    for (member, id) in &acknowledged {
        assert_eq!(
            stored.get(member),
            Some(id),
            "{member}'s acknowledged answer {id} is stored"
        );
    }
    let unseen: Vec<&String> = stored
        .keys()
        .filter(|m| !acknowledged.contains_key(*m) && !already.contains(*m))
        .collect();
    assert!(
        unseen.is_empty(),
        "saved without anyone being told: {unseen:?}"
    );
    stored.len()
}

#[sqlx::test]
async fn a_database_restart_while_answers_arrive_loses_no_acknowledged_answer_and_the_bot_recovers(
    pool: PgPool,
) {
    let (url, server) = database(&pool).await;
    let proxy = PgProxy::start(server).await;
    let bot = Bot::start(&proxy, &url).await;

    let (sent, patient) = restart_while_answering(&bot, &proxy).await;
    assert!(
        is_feedback(&patient).is_some(),
        "the patient answer waited: {:?}",
        patient.reply
    );
    let refused: Vec<&Sent> = sent.iter().filter(|s| is_feedback(s).is_none()).collect();
    assert!(!refused.is_empty());
    refused.iter().for_each(|s| assert_try_again(s));

    let (resent, already) = send_again(&bot.engine, &refused).await;
    let acknowledged: Vec<&Sent> = sent.iter().chain(&resent).chain([&patient]).collect();
    let stored = assert_nothing_lost(&pool, &acknowledged, &already).await;

    // The scheduler kept ticking through the restart: the reveal goes out,
    // counting every stored answer.
    assert_eq!(bot.reveal().await, stored as i64);
    let (cut, told) = proxy.cut();
    assert!(cut > 0, "the restart cut live sessions");
    eprintln!(
        "restart: {} answers, {} acknowledged, {} told to try again ({} saved after all); {cut} sessions cut, {told} told FATAL 57P01",
        sent.len(),
        sent.len() - refused.len(),
        refused.len(),
        already.len()
    );
}
