//! The mock itself, driven by serenity's own HTTP client and gateway: if these
//! fail, the end-to-end tests cannot be trusted.
#![cfg(feature = "discord")]

mod support;

use serenity::all::{ChannelId, CreateMessage, HttpBuilder};
use support::discord_events::CHANNEL;
use support::discord_mock::{DiscordMock, Fault};

#[tokio::test]
async fn serenity_posts_through_the_proxy_and_the_mock_records_it() {
    let mock = DiscordMock::start().await;
    let http = HttpBuilder::new("fake-token")
        .proxy(mock.base_url())
        .ratelimiter_disabled(true)
        .build();
    let channel = ChannelId::new(CHANNEL.parse().unwrap());
    let sent = channel
        .send_message(&http, CreateMessage::new().content("hello"))
        .await
        .expect("send");
    assert_eq!(sent.content, "hello");
    let posts = mock.requests_to("POST", &format!("/channels/{CHANNEL}/messages"));
    assert_eq!(posts.len(), 1);
    assert_eq!(posts[0].body["content"], "hello");
}

#[tokio::test]
async fn a_repeated_nonce_with_enforce_nonce_returns_the_first_message() {
    let mock = DiscordMock::start().await;
    let http = HttpBuilder::new("fake-token")
        .proxy(mock.base_url())
        .ratelimiter_disabled(true)
        .build();
    let channel = ChannelId::new(CHANNEL.parse().unwrap());
    let msg = || {
        CreateMessage::new()
            .content("q")
            .nonce(serenity::all::Nonce::String("p1".into()))
            .enforce_nonce(true)
    };
    let a = channel.send_message(&http, msg()).await.expect("first");
    let b = channel.send_message(&http, msg()).await.expect("second");
    assert_eq!(a.id, b.id);
    assert_eq!(mock.messages_in(CHANNEL).len(), 1);
}

#[tokio::test]
async fn a_scripted_429_reaches_serenity_unthrottled() {
    let mock = DiscordMock::start().await;
    mock.fail_next(
        axum::http::Method::POST,
        "/messages",
        Fault::RateLimited {
            retry_after: 0.5,
            global: false,
        },
        1,
    );
    let http = HttpBuilder::new("fake-token")
        .proxy(mock.base_url())
        .ratelimiter_disabled(true)
        .build();
    let channel = ChannelId::new(CHANNEL.parse().unwrap());
    let err = channel
        .send_message(&http, CreateMessage::new().content("x"))
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("429") || format!("{err:?}").contains("429"),
        "{err:?}"
    );
    assert!(mock.messages_in(CHANNEL).is_empty());
}

#[tokio::test]
async fn registering_prepbots_commands_with_the_mock_returns_serenity_commands() {
    let mock = DiscordMock::start().await;
    let http = HttpBuilder::new("fake-token")
        .proxy(mock.base_url())
        .ratelimiter_disabled(true)
        .application_id(support::discord_mock::APP_ID.parse::<u64>().unwrap().into())
        .build();
    let commands =
        poise::builtins::create_application_commands(&prepbot::frontends::discord::all_commands());
    let registered = serenity::all::Command::set_global_commands(&http, commands)
        .await
        .expect("registered");
    let names: Vec<&str> = registered.iter().map(|c| c.name.as_str()).collect();
    for name in [
        "quiz",
        "answer",
        "reveal",
        "leaderboard",
        "stats",
        "streak",
        "help",
        "daily",
        "questions",
        "regrade",
    ] {
        assert!(names.contains(&name), "{name} missing from {names:?}");
    }
    let daily = registered.iter().find(|c| c.name == "daily").unwrap();
    let subs: Vec<&str> = daily.options.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(subs, ["setup", "pause", "resume", "status", "post-now"]);
    assert_eq!(
        daily.default_member_permissions,
        Some(serenity::all::Permissions::MANAGE_GUILD)
    );
}
