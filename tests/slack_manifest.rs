//! The app manifest and the setup guide promise what the code does: every
//! URL in the manifest is a route prepbot serves, every event it subscribes
//! to is one the events endpoint handles, and every Slack setting the code
//! reads is documented.
#![cfg(feature = "slack")]

use prepbot::frontends::slack::SETTINGS;
use serde_yaml::Value;

fn manifest() -> Value {
    let text = include_str!("../deploy/slack-manifest.yaml");
    serde_yaml::from_str(text).expect("the manifest is YAML")
}

fn path(url: &Value) -> String {
    let url = url.as_str().expect("a URL");
    url.split_once(".com").expect("an https URL").1.to_owned()
}

#[test]
fn every_url_in_the_manifest_is_a_route_prepbot_serves() {
    let m = manifest();
    let src = include_str!("../src/frontends/slack/mod.rs");
    let urls = [
        &m["features"]["slash_commands"][0]["url"],
        &m["settings"]["event_subscriptions"]["request_url"],
        &m["settings"]["interactivity"]["request_url"],
    ];
    for url in urls {
        let p = path(url);
        assert!(src.contains(&format!("\"{p}\"")), "{p} is not routed");
    }
    assert_eq!(m["features"]["slash_commands"][0]["command"], "/prep");
}

#[test]
fn the_manifest_subscribes_to_exactly_the_events_prepbot_handles() {
    let m = manifest();
    let events = include_str!("../src/frontends/slack/events.rs");
    let subscribed = m["settings"]["event_subscriptions"]["bot_events"]
        .as_sequence()
        .unwrap();
    for e in subscribed {
        let e = e.as_str().unwrap();
        assert!(events.contains(&format!("\"{e}\"")), "{e} is not handled");
    }
    let scopes: Vec<&str> = m["oauth_config"]["scopes"]["bot"]
        .as_sequence()
        .unwrap()
        .iter()
        .filter_map(|s| s.as_str())
        .collect();
    assert_eq!(
        scopes,
        [
            "commands",
            "chat:write",
            "users:read",
            "usergroups:read",
            "channels:history",
            "groups:history"
        ]
    );
}

#[test]
fn the_oauth_install_asks_for_exactly_the_manifests_scopes() {
    let m = manifest();
    let scopes: Vec<&str> = m["oauth_config"]["scopes"]["bot"]
        .as_sequence()
        .unwrap()
        .iter()
        .filter_map(|s| s.as_str())
        .collect();
    assert_eq!(scopes.join(","), prepbot::frontends::slack::oauth::SCOPES);
}

#[test]
fn every_slack_setting_is_documented() {
    let docs = include_str!("../docs/slack.md");
    for name in SETTINGS {
        assert!(
            docs.contains(&format!("`{name}`")),
            "{name} is not in docs/slack.md"
        );
    }
}
