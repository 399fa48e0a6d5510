//! The gateway under Discord's rules: intents, lazy GUILD_CREATE, op 7
//! Reconnect with RESUME and replay, op 9 Invalid Session, resume rules, and
//! sharding. Rules are first driven on the mock with a raw WebSocket (so the
//! mock is known to refuse what Discord refuses), then the real bot
//! (serenity + poise, `start_autosharded`) is shown to behave under them.
#![cfg(feature = "discord")]

mod support;

use futures::{SinkExt, StreamExt};
use serde_json::{json, Value};
use serenity::all::{Event, GatewayEvent};
use sqlx::PgPool;
use support::discord_bot::Harness;
use support::discord_events::{ada, at, fixture, slash, Pushed, CHANNEL, GUILD};
use support::discord_mock::DiscordMock;
use support::discord_sessions::{shard_of, PRIVILEGED};
use tokio_tungstenite::tungstenite::Message;

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// What the raw client read next.
#[derive(Debug, PartialEq)]
enum Got {
    Frame(Value),
    Closed(u16),
}

/// Opens `path` on the mock and reads its HELLO.
async fn connect(mock: &DiscordMock, path: &str) -> Ws {
    let url = format!("ws://{}/{path}?v=10", mock.addr);
    let (mut ws, _) = tokio_tungstenite::connect_async(url).await.expect("ws");
    assert_eq!(next(&mut ws).await, Got::Frame(fixture("hello")));
    ws
}

async fn next(ws: &mut Ws) -> Got {
    let read = tokio::time::timeout(std::time::Duration::from_secs(20), ws.next());
    match read.await.expect("the gateway answers") {
        Some(Ok(Message::Text(t))) => Got::Frame(serde_json::from_str(&t).unwrap()),
        Some(Ok(Message::Close(Some(c)))) => Got::Closed(c.code.into()),
        other => panic!("unexpected: {other:?}"),
    }
}

async fn say(ws: &mut Ws, frame: Value) {
    ws.send(Message::Text(frame.to_string())).await.unwrap();
}

fn identify(intents: Value, shard: Value) -> Value {
    json!({"op": 2, "d": {"token": "mock-token", "intents": intents, "shard": shard,
        "properties": {"os": "linux", "browser": "test", "device": "test"}}})
}

/// IDENTIFY with `frame`: the close code, or 0 when READY came.
async fn identify_outcome(mock: &DiscordMock, frame: Value) -> u16 {
    let mut ws = connect(mock, "ws").await;
    say(&mut ws, frame).await;
    match next(&mut ws).await {
        Got::Closed(code) => code,
        Got::Frame(f) if f["t"] == "READY" => 0,
        Got::Frame(f) => panic!("neither READY nor a close: {f}"),
    }
}

#[tokio::test]
async fn a_privileged_intent_not_enabled_for_the_app_is_closed_with_4014() {
    let mock = DiscordMock::start().await;
    mock.expect_refusals();
    for bit in [1u64 << 1, 1 << 8, 1 << 15] {
        let code = identify_outcome(&mock, identify(json!(1 | bit), json!([0, 1]))).await;
        assert_eq!(code, 4014, "intent bit {bit}");
    }
    mock.gateway(|g| g.privileged_enabled = PRIVILEGED);
    let code = identify_outcome(&mock, identify(json!(1 | PRIVILEGED), json!([0, 1]))).await;
    assert_eq!(code, 0, "enabled in the developer portal, they are allowed");
    assert_eq!(mock.refused().len(), 3, "each refusal is recorded");
}

#[tokio::test]
async fn missing_or_undocumented_intent_bits_are_closed_with_4013() {
    let mock = DiscordMock::start().await;
    mock.expect_refusals();
    for intents in [Value::Null, json!(1u64 << 17), json!(1u64 << 30)] {
        let code = identify_outcome(&mock, identify(intents.clone(), json!([0, 1]))).await;
        assert_eq!(code, 4013, "intents {intents}");
    }
}

#[tokio::test]
async fn a_shard_outside_the_shard_count_is_closed_with_4010_and_too_many_guilds_with_4011() {
    let mock = DiscordMock::start().await;
    mock.expect_refusals();
    for shard in [json!([2, 2]), json!([0, 0]), json!([0])] {
        let code = identify_outcome(&mock, identify(json!(1), shard.clone())).await;
        assert_eq!(code, 4010, "shard {shard}");
    }
    let two = [GUILD.to_owned(), "800000000000000002".to_owned()];
    mock.gateway(|g| (g.guilds, g.max_guilds_per_shard) = (two.to_vec(), 1));
    assert_eq!(
        identify_outcome(&mock, identify(json!(1), json!([0, 1]))).await,
        4011
    );
}

/// IDENTIFYs on a raw socket; returns it with the session id and the
/// sequence of the last dispatch read (READY, then GUILD_CREATE).
async fn raw_session(mock: &DiscordMock) -> (Ws, String, u64) {
    let mut ws = connect(mock, "ws").await;
    say(&mut ws, identify(json!(1), json!([0, 1]))).await;
    let Got::Frame(ready) = next(&mut ws).await else {
        panic!("no READY")
    };
    let Got::Frame(create) = next(&mut ws).await else {
        panic!("no GUILD_CREATE")
    };
    assert_eq!(
        (ready["t"].as_str(), ready["s"].as_u64()),
        (Some("READY"), Some(1))
    );
    assert_eq!(create["t"], "GUILD_CREATE", "lazy load after READY");
    assert_eq!(create["d"]["id"], ready["d"]["guilds"][0]["id"]);
    let sid = ready["d"]["session_id"].as_str().unwrap().to_owned();
    (ws, sid, 2)
}

fn resume_frame(sid: &str, seq: u64) -> Value {
    json!({"op": 6, "d": {"token": "mock-token", "session_id": sid, "seq": seq}})
}

#[tokio::test]
async fn a_resume_replays_missed_dispatches_then_resumed_and_refuses_what_discord_refuses() {
    let mock = DiscordMock::start().await;
    mock.expect_refusals();
    let (ws, sid, seq) = raw_session(&mock).await;
    drop(ws);
    let missed = slash("help", vec![], &ada(), CHANNEL);
    mock.push(missed.frame.clone()).await;

    let mut unknown = connect(&mock, "resume").await;
    say(&mut unknown, resume_frame("no-such-session", 1)).await;
    assert_eq!(
        next(&mut unknown).await,
        Got::Frame(json!({"op": 9, "d": false}))
    );

    mock.gateway(|g| g.strict_resume_url = true);
    let mut off_url = connect(&mock, "ws").await;
    say(&mut off_url, resume_frame(&sid, seq)).await;
    assert_eq!(
        next(&mut off_url).await,
        Got::Frame(json!({"op": 9, "d": false}))
    );

    let mut ahead = connect(&mock, "resume").await;
    say(&mut ahead, resume_frame(&sid, seq + 5)).await;
    assert_eq!(next(&mut ahead).await, Got::Closed(4007));

    let mut ws = connect(&mock, "resume").await;
    say(&mut ws, resume_frame(&sid, seq)).await;
    let Got::Frame(replayed) = next(&mut ws).await else {
        panic!("no replay")
    };
    assert_eq!(replayed["d"]["id"], missed.frame["d"]["id"]);
    assert_eq!(replayed["s"], seq + 1);
    let Got::Frame(resumed) = next(&mut ws).await else {
        panic!("no RESUMED")
    };
    assert_eq!(
        (resumed["t"].as_str(), resumed["s"].as_u64()),
        (Some("RESUMED"), Some(seq + 2))
    );
}

#[test]
fn the_guild_create_fixture_is_a_guild_serenity_reads() {
    let frame = fixture("guild_create");
    match serde_json::from_value::<GatewayEvent>(frame) {
        Ok(GatewayEvent::Dispatch(_, Event::GuildCreate(e))) => {
            assert_eq!(e.guild.id.to_string(), GUILD);
            assert!(e.guild.channels.keys().any(|c| c.to_string() == CHANNEL));
        }
        other => panic!("serenity cannot read GUILD_CREATE: {other:?}"),
    }
}

/// The handshake frames the bot sent with opcode `op`.
fn sent(h: &Harness, op: u64) -> Vec<Value> {
    let all = h.mock.identifies().into_iter();
    all.filter(|f| f["op"] == op).collect()
}

async fn help_is_answered(h: &Harness, guild: &str) {
    let p = in_guild(slash("help", vec![], &ada(), CHANNEL), guild);
    let r = h.interact(&p).await;
    assert_eq!(r.status, 204, "{r:?}");
}

fn in_guild(mut p: Pushed, guild: &str) -> Pushed {
    p.frame["d"]["guild_id"] = json!(guild);
    p
}

#[sqlx::test]
async fn the_bot_identifies_without_privileged_intents_and_takes_guild_create(pool: PgPool) {
    let h = Harness::start(pool, at(8, 0)).await;
    let identify = &sent(&h, 2)[0];
    let intents = identify["d"]["intents"]
        .as_u64()
        .expect("IDENTIFY carries intents");
    assert_eq!(
        intents & PRIVILEGED,
        0,
        "no privileged intent: {intents:#b}"
    );
    assert_eq!(intents, 1, "GUILDS only: the bot needs nothing else");
    let sid = h.mock.session_of(0).await;
    let first = h.mock.gateway(|g| g.sessions[&sid].sent[1]["t"].clone());
    assert_eq!(first, "GUILD_CREATE");
    help_is_answered(&h, GUILD).await;
    h.stop().await;
}

#[sqlx::test]
async fn op_7_makes_the_bot_resume_its_session_and_get_what_it_missed(pool: PgPool) {
    let h = Harness::start(pool, at(8, 0)).await;
    let sid = h.mock.session_of(0).await;
    let seen = h.mock.gateway(|g| g.sessions[&sid].sent.len());
    h.mock.gateway(|g| g.hold_resumes = true);
    h.mock.send_reconnect(0);
    let missed = slash("help", vec![], &ada(), CHANNEL);
    h.mock.push(missed.frame.clone()).await;
    h.mock.release_resumes();
    let path = missed.callback_path();
    h.mock
        .wait_for("the missed command's answer", |r| r.path == path)
        .await;

    let resume = h.mock.accepted_resumes().pop().expect("a RESUME");
    assert_eq!(resume["d"]["session_id"], sid.as_str());
    assert_eq!(resume["d"]["seq"], seen as u64, "the last sequence it got");
    assert_eq!(sent(&h, 2).len(), 1, "no new session");
    // serenity 0.12 resumes on the connect URL, not READY's
    // resume_gateway_url (Discord accepts it but disconnects such sessions
    // sooner). If this fails, serenity learnt it: make the mock strict.
    let on_url = h.mock.gateway(|g| g.resumes.iter().any(|r| r.1));
    assert!(!on_url, "serenity now resumes on resume_gateway_url");
    help_is_answered(&h, GUILD).await;
    h.stop().await;
}

#[sqlx::test]
async fn op_9_makes_the_bot_identify_a_new_session_and_it_still_answers(pool: PgPool) {
    let h = Harness::start(pool, at(8, 0)).await;
    let old = h.mock.session_of(0).await;
    h.mock.invalidate_session(0);
    let new = new_session(&h, &old).await;
    assert_ne!(new, old);
    assert_eq!(sent(&h, 2).len(), 2, "a second IDENTIFY");
    help_is_answered(&h, GUILD).await;
    h.stop().await;
}

async fn new_session(h: &Harness, old: &str) -> String {
    h.mock
        .wait_until("a new session", || {
            h.mock
                .gateway(|g| g.current.get(&0).filter(|s| *s != old).cloned())
        })
        .await
}

#[sqlx::test]
async fn a_resume_refused_off_the_resume_url_falls_back_to_a_new_identify(pool: PgPool) {
    let h = Harness::start_with(pool, at(8, 0), |m| {
        m.gateway(|g| g.strict_resume_url = true)
    })
    .await;
    let old = h.mock.session_of(0).await;
    h.mock.send_reconnect(0);
    new_session(&h, &old).await;
    let refused = h
        .mock
        .gateway(|g| g.resumes.iter().filter(|r| !r.2).count());
    assert!(refused >= 1, "serenity tried to resume on the connect URL");
    help_is_answered(&h, GUILD).await;
    h.stop().await;
}

/// A guild id that lands on the other shard of two than `GUILD`.
fn guild_on_other_shard() -> String {
    let base: u64 = GUILD.parse().unwrap();
    let other = (1..)
        .map(|k| base + (k << 22))
        .find(|g| shard_of(&g.to_string(), 2) != shard_of(GUILD, 2));
    other.unwrap().to_string()
}

#[sqlx::test]
async fn with_two_shards_each_session_gets_only_its_guilds_and_both_answer(pool: PgPool) {
    let other = guild_on_other_shard();
    let guilds = vec![GUILD.to_owned(), other.clone()];
    let h = Harness::start_with(pool, at(8, 0), |m| {
        m.gateway(|g| (g.shards, g.guilds) = (2, guilds.clone()))
    })
    .await;
    h.mock
        .wait_until("two sessions", || (sent(&h, 2).len() == 2).then_some(()))
        .await;
    let mut shards: Vec<Value> = sent(&h, 2)
        .iter()
        .map(|f| f["d"]["shard"].clone())
        .collect();
    shards.sort_by_key(|s| s[0].as_u64());
    assert_eq!(shards, vec![json!([0, 2]), json!([1, 2])]);
    for guild in [GUILD, other.as_str()] {
        help_is_answered(&h, guild).await;
        let shard = shard_of(guild, 2);
        let carried = h.mock.gateway(|g| {
            let with = |s: &&support::discord_sessions::Session| {
                s.sent
                    .iter()
                    .any(|f| f["d"]["guild_id"] == guild || f["d"]["id"] == guild)
            };
            g.sessions
                .values()
                .filter(with)
                .map(|s| s.shard)
                .collect::<Vec<_>>()
        });
        assert_eq!(
            carried,
            vec![shard],
            "{guild}'s events go to its shard only"
        );
    }
    h.stop().await;
}

#[tokio::test]
async fn payloads_out_of_order_or_garbled_are_closed_with_discords_codes() {
    let mock = DiscordMock::start().await;
    mock.expect_refusals();
    let presence =
        json!({"op": 3, "d": {"since": null, "activities": [], "status": "online", "afk": false}});
    let mut early = connect(&mock, "ws").await;
    say(&mut early, presence.clone()).await;
    assert_eq!(next(&mut early).await, Got::Closed(4003), "before IDENTIFY");

    let mut garbled = connect(&mock, "ws").await;
    garbled
        .send(Message::Text("{not json".into()))
        .await
        .unwrap();
    assert_eq!(next(&mut garbled).await, Got::Closed(4002));

    let (mut twice, _, _) = raw_session(&mock).await;
    say(&mut twice, presence).await;
    say(&mut twice, identify(json!(1), json!([0, 1]))).await;
    assert_eq!(
        next(&mut twice).await,
        Got::Closed(4005),
        "a second IDENTIFY"
    );

    let (mut unknown, _, _) = raw_session(&mock).await;
    say(&mut unknown, json!({"op": 5, "d": null})).await;
    assert_eq!(next(&mut unknown).await, Got::Closed(4001));
}
