//! End to end: the real bot (serenity + poise front end, engine, scheduler)
//! against the local Discord mock, with real PostgreSQL behind it.
#![cfg(feature = "discord")]

mod support;

use chrono::{TimeZone, Utc};
use serde_json::json;
use sqlx::PgPool;
use support::discord_bot::*;
use support::discord_events::*;

fn ada() -> Member {
    Member::new(600_000_000_000_000_001, "Ada")
}

fn grace() -> Member {
    Member::new(600_000_000_000_000_002, "Grace")
}

fn lead() -> Member {
    Member::admin(600_000_000_000_000_009, "Lead")
}

fn at(h: u32, m: u32) -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, h, m, 0).unwrap()
}

#[sqlx::test]
async fn a_slash_command_gets_an_ephemeral_reply(pool: PgPool) {
    let h = Harness::start(pool, at(8, 0)).await;
    let r = h.interact(&slash("help", vec![], &ada(), CHANNEL)).await;
    assert_eq!(
        r.body["type"], 4,
        "a channel message response: {:#}",
        r.body
    );
    assert!(is_ephemeral(&r));
    assert!(text_of(&r).contains("/quiz"));
    h.stop().await;
}
