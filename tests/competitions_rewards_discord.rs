//! Rewards on Discord (issue 14), against the strict mock: the champion
//! role moves from last week's winner to this week's, once, across a
//! restart at the boundary; and `/rewards role` reports a missing Manage
//! Roles permission (or a role above the bot's) at setup and stores nothing.
#![cfg(feature = "discord")]

mod common;
mod support;

use prepbot::domain::command::parse;
use prepbot::domain::reply::Body;
use prepbot::engine::{Actor, Place, Platform};
use serde_json::json;
use sqlx::PgPool;
use support::discord_bot::*;
use support::discord_events::*;
use support::discord_mock::{DiscordMock, APP_ID};
use support::discord_roles::MANAGE_ROLES;

const CHAMPION: &str = "710000000000000001";
const BOT_ROLE: &str = "720000000000000001";
const TOP: &str = "730000000000000001";

/// The server: a Champion role at 1, the bot's own role at 5 (with or
/// without Manage Roles), a Moderators role at 9 above the bot.
fn server(manage_roles: bool) -> impl FnOnce(&DiscordMock) {
    move |mock| {
        mock.add_role(CHAMPION, "Champion", 1, 0);
        let perms = if manage_roles { MANAGE_ROLES } else { 0 };
        mock.add_role(BOT_ROLE, "prepbot", 5, perms);
        mock.add_role(TOP, "Moderators", 9, 0);
        mock.set_member_roles(APP_ID, &[BOT_ROLE]);
    }
}

/// `/rewards role reward:champion role:ROLE` by the lead, the bot having
/// `app_permissions` in this channel, with the role resolved as Discord
/// sends it.
fn map_role(mock: &DiscordMock, role: &str, app_permissions: u64) -> Pushed {
    map_reward(mock, "champion", role, app_permissions)
}

/// `/rewards role reward:REWARD role:ROLE` (see [`map_role`]).
fn map_reward(mock: &DiscordMock, reward: &str, role: &str, app_permissions: u64) -> Pushed {
    let opts = vec![
        s("reward", reward),
        json!({"name": "role", "type": 8, "value": role}),
    ];
    let mut p = slash("rewards", vec![sub("role", opts)], &lead(), CHANNEL);
    let d = &mut p.frame["d"];
    d["data"]["resolved"]["roles"] = json!({ role: mock.role_json(role) });
    d["app_permissions"] = json!(app_permissions.to_string());
    pinned(&p.frame);
    p
}

/// Everything but Manage Roles.
const NO_MANAGE_ROLES: u64 = 2_147_483_647 & !MANAGE_ROLES;

async fn champion_week(h: &Harness) {
    let r = h
        .interact(&slash(
            "rewards",
            vec![sub("champion", vec![choice("period", 0)])],
            &lead(),
            CHANNEL,
        ))
        .await;
    assert!(
        text_of(&r).contains("Champion reward on"),
        "{}",
        text_of(&r)
    );
}

/// `who` takes a quiz question of `format` and answers it right.
async fn quiz_right(h: &Harness, who: &Member, format: &str) {
    let actor = Actor::new(who.id.clone(), &who.name, false);
    let place = Place {
        platform: Platform::Discord,
        guild: GUILD.into(),
        channel: CHANNEL.into(),
    };
    let cmd = parse(&format!("/quiz format:{format}")).unwrap();
    let r = h.engine.handle(&actor, &place, cmd).await;
    let Body::Question(card) = &r.reply.body else {
        panic!("{r:?}")
    };
    let answer = common::answer_to(card, true);
    let cmd = parse(&format!("/answer {answer}")).unwrap();
    h.engine.handle(&actor, &place, cmd).await;
}

async fn wait_holders(h: &Harness, role: &str, want: &[&str]) {
    h.mock
        .wait_until(&format!("{want:?} to hold {role}"), || {
            (h.mock.holders(role) == want).then_some(())
        })
        .await;
}

#[sqlx::test]
async fn the_champion_role_moves_from_last_weeks_winner_to_this_weeks_once(pool: PgPool) {
    // Tuesday 24 November 2026.
    let mut h = Harness::start_with(pool, at(8, 0), server(true)).await;
    champion_week(&h).await;
    let r = h
        .interact(&map_role(&h.mock, CHAMPION, 2_147_483_647))
        .await;
    assert!(
        text_of(&r).contains("champion now gives the role"),
        "{}",
        text_of(&r)
    );
    quiz_right(&h, &ada(), "truefalse").await;
    // The week ends at Monday 00:00 UTC.
    h.set_time(common::utc(2026, 11, 30, 0, 1));
    wait_holders(&h, CHAMPION, &[&ada().id]).await;

    quiz_right(&h, &grace(), "truefalse").await;
    quiz_right(&h, &grace(), "choice").await;
    // A restart right at the next boundary: the old process may have
    // claimed the change; the new one must not make it twice.
    h.set_time(common::utc(2026, 12, 7, 0, 1));
    h.restart().await;
    wait_holders(&h, CHAMPION, &[&grace().id]).await;
    // Give any duplicate a few ticks to show up.
    tokio::time::sleep(std::time::Duration::from_millis(600)).await;
    let log: Vec<(String, String)> = h
        .mock
        .role_log()
        .into_iter()
        .filter(|(_, _, role)| role == CHAMPION)
        .map(|(m, user, _)| (m, user))
        .collect();
    assert_eq!(
        log,
        [
            ("PUT".to_owned(), ada().id),
            ("DELETE".to_owned(), ada().id),
            ("PUT".to_owned(), grace().id),
        ]
    );
    let delivered = "SELECT count(*) FROM reward_role_changes WHERE delivered_at IS NOT NULL";
    for _ in 0..100 {
        if h.count(delivered).await == 3 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(h.count(delivered).await, 3);
    h.stop().await;
}

#[sqlx::test]
async fn missing_manage_roles_is_reported_at_setup_and_nothing_is_stored(pool: PgPool) {
    // The bot's only role lacks Manage Roles, though this channel shows the
    // bit (a channel overwrite's "Manage Permissions" is the same bit).
    let h = Harness::start_with(pool, at(8, 0), server(false)).await;
    champion_week(&h).await;
    let r = h
        .interact(&map_role(&h.mock, CHAMPION, 2_147_483_647))
        .await;
    assert!(is_ephemeral(&r));
    let why = text_of(&r);
    assert!(
        why.contains("I cannot give @Champion: I am missing the Manage Roles permission"),
        "{why}"
    );
    assert_eq!(h.count("SELECT count(*) FROM reward_roles").await, 0);
    assert!(h.mock.role_log().is_empty());
    h.stop().await;
}

#[sqlx::test]
async fn a_role_above_the_bots_highest_role_is_reported_at_setup(pool: PgPool) {
    let h = Harness::start_with(pool, at(8, 0), server(true)).await;
    champion_week(&h).await;
    let r = h.interact(&map_role(&h.mock, TOP, NO_MANAGE_ROLES)).await;
    let why = text_of(&r);
    assert!(
        why.contains("my highest role, @prepbot, must be above @Moderators"),
        "{why}"
    );
    assert!(!why.contains("Manage Roles permission"), "{why}");
    assert_eq!(h.count("SELECT count(*) FROM reward_roles").await, 0);
    let fine = h
        .interact(&map_role(&h.mock, CHAMPION, NO_MANAGE_ROLES))
        .await;
    assert!(
        text_of(&fine).contains("champion now gives the role"),
        "{}",
        text_of(&fine)
    );
    assert_eq!(h.count("SELECT count(*) FROM reward_roles").await, 1);
    assert!(h.mock.role_log().is_empty());
    h.stop().await;
}

#[sqlx::test]
async fn a_role_change_refused_after_setup_is_given_up_with_the_reason_once(pool: PgPool) {
    let h = Harness::start_with(pool, at(8, 0), server(true)).await;
    let r = h
        .interact(&slash(
            "rewards",
            vec![sub("milestones", vec![s("thresholds", "5")])],
            &lead(),
            CHANNEL,
        ))
        .await;
    assert!(
        text_of(&r).contains("Milestone rewards on"),
        "{}",
        text_of(&r)
    );
    let r = h
        .interact(&map_reward(&h.mock, "points-5", CHAMPION, NO_MANAGE_ROLES))
        .await;
    assert!(
        text_of(&r).contains("points-5 now gives the role"),
        "{}",
        text_of(&r)
    );
    // Someone takes Manage Roles away from the bot afterwards.
    h.mock.expect_refusals();
    h.mock.add_role(BOT_ROLE, "prepbot", 5, 0);
    quiz_right(&h, &ada(), "truefalse").await;
    let gave_up = "SELECT count(*) FROM reward_role_changes WHERE gave_up LIKE '%Manage Roles%'";
    for _ in 0..200 {
        if h.count(gave_up).await == 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(h.count(gave_up).await, 1);
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    let tries = h
        .mock
        .requests_to("PUT", &format!("/members/{}/roles/", ada().id))
        .len();
    assert_eq!(tries, 1, "a refusal is not retried");
    // The channel's schedule is not paused for it: a role is not a post.
    assert_eq!(
        h.count("SELECT count(*) FROM daily_settings WHERE paused")
            .await,
        0
    );
    assert!(h.mock.holders(CHAMPION).is_empty());
    h.stop().await;
}
