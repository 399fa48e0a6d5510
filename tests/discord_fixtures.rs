//! Pins the Discord mock's JSON to serenity's own types: every fixture the
//! end-to-end tests send or answer with must deserialize, so a schema mismatch
//! fails here, loudly, instead of as a silent hang in a gateway test.
#![cfg(feature = "discord")]

mod support;

use support::discord_events as ev;

use serenity::all::{BotGateway, Command, Event, GatewayEvent, GuildChannel, Interaction, Message};
use serenity::model::gateway::Gateway;

fn fixture(name: &str) -> serde_json::Value {
    let path = format!(
        "{}/tests/fixtures/discord/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn gateway_event(name: &str) -> GatewayEvent {
    serde_json::from_value(fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn interaction_of(name: &str) -> Interaction {
    match gateway_event(name) {
        GatewayEvent::Dispatch(_, Event::InteractionCreate(e)) => e.interaction,
        other => panic!("{name} is not an INTERACTION_CREATE dispatch: {other:?}"),
    }
}

#[test]
fn the_hello_frame_is_a_serenity_hello() {
    assert!(matches!(gateway_event("hello"), GatewayEvent::Hello(41250)));
}

#[test]
fn the_heartbeat_ack_frame_is_a_serenity_heartbeat_ack() {
    assert!(matches!(
        gateway_event("heartbeat_ack"),
        GatewayEvent::HeartbeatAck
    ));
}

#[test]
fn the_ready_frame_is_a_serenity_ready_event() {
    match gateway_event("ready") {
        GatewayEvent::Dispatch(1, Event::Ready(ready)) => {
            assert_eq!(ready.ready.application.id.get(), 900_000_000_000_000_001);
        }
        other => panic!("not READY: {other:?}"),
    }
}

#[test]
fn the_slash_command_fixture_is_a_serenity_command_interaction() {
    let Interaction::Command(cmd) = interaction_of("interaction_command") else {
        panic!("not a command interaction");
    };
    assert_eq!(cmd.data.name, "quiz");
    assert!(cmd.member.is_some());
}

#[test]
fn the_autocomplete_fixture_is_a_serenity_autocomplete_interaction() {
    assert!(matches!(
        interaction_of("interaction_autocomplete"),
        Interaction::Autocomplete(_)
    ));
}

#[test]
fn the_button_fixture_is_a_serenity_component_interaction() {
    let Interaction::Component(c) = interaction_of("interaction_button") else {
        panic!("not a component interaction");
    };
    assert_eq!(c.data.custom_id, "prepbot:choose:1:b");
}

#[test]
fn the_modal_fixture_is_a_serenity_modal_interaction() {
    let Interaction::Modal(m) = interaction_of("interaction_modal") else {
        panic!("not a modal interaction");
    };
    assert_eq!(m.data.custom_id, "prepbot:modal:1");
}

#[test]
fn the_message_fixture_is_a_serenity_message() {
    let m: Message = serde_json::from_value(fixture("message")).expect("message");
    assert_eq!(m.id.get(), 400_000_000_000_000_001);
}

#[test]
fn the_thread_fixture_is_a_serenity_guild_channel() {
    let _: GuildChannel = serde_json::from_value(fixture("thread")).expect("thread");
}

#[test]
fn the_gateway_fixtures_are_serenity_gateway_answers() {
    let _: Gateway = serde_json::from_value(fixture("gateway")).expect("gateway");
    let b: BotGateway = serde_json::from_value(fixture("gateway_bot")).expect("gateway/bot");
    assert_eq!(b.shards, 1);
}

#[test]
fn the_registered_command_fixture_is_a_serenity_command() {
    let c: Command = serde_json::from_value(fixture("command_registered")).expect("command");
    assert_eq!(c.name, "quiz");
}

#[test]
fn every_event_the_builders_make_is_a_serenity_interaction() {
    let who = ev::Member::admin(1, "Lead");
    let setup = ev::sub(
        "setup",
        vec![
            ev::ch("channel", "42"),
            ev::s("time", "09:00"),
            ev::s("timezone", "UTC"),
        ],
    );
    let add = ev::sub(
        "add",
        vec![ev::file(
            "file",
            "a.toml",
            "http://127.0.0.1:1/attachments/a.toml",
            10,
        )],
    );
    let events = [
        ev::slash("daily", vec![setup], &who, ev::CHANNEL),
        ev::slash("questions", vec![add], &who, ev::CHANNEL),
        ev::slash(
            "quiz",
            vec![ev::choice("format", 1), ev::i("unused", 1)],
            &who,
            ev::CHANNEL,
        ),
        ev::autocomplete("quiz", vec![], &who),
        ev::button(
            "prepbot:choose:1:a",
            "400000000000000001",
            &who,
            ev::CHANNEL,
        ),
        ev::modal("prepbot:modal:1", "answer", "text", &who, ev::CHANNEL),
    ];
    for e in &events {
        ev::pinned(&e.frame);
    }
    let Interaction::Command(c) = ev::pinned(&events[0].frame) else {
        panic!("a command")
    };
    assert_eq!(
        c.data.resolved.channels.len(),
        1,
        "channel options are resolved"
    );
    let Interaction::Command(c) = ev::pinned(&events[1].frame) else {
        panic!("a command")
    };
    assert_eq!(
        c.data.resolved.attachments.len(),
        1,
        "attachment options are resolved"
    );
}
