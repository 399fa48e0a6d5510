//! The "Full answer" button on Discord: its custom id reaches the core
//! through the generic component handler and the reply is private.
#![cfg(feature = "discord")]

mod common;
mod support;

use sqlx::PgPool;
use support::discord_bot::*;
use support::discord_events::*;

#[sqlx::test]
async fn clicking_full_answer_after_a_quiz_replies_privately_with_the_whole_model_answer(
    pool: PgPool,
) {
    let h = Harness::start(pool, at(8, 0)).await;
    let quiz = h
        .interact(&slash("quiz", vec![choice("format", 1)], &ada(), CHANNEL))
        .await;
    let post = post_id(&quiz);
    let full = format!("prepbot:full:{post}");

    let early = h
        .interact(&button(&full, "400000000000000001", &ada(), CHANNEL))
        .await;
    assert!(is_ephemeral(&early));
    assert!(
        text_of(&early).contains("not out yet"),
        "{}",
        text_of(&early)
    );

    let pick = buttons(&quiz).into_iter().next().expect("option buttons");
    h.interact(&button(&pick, "400000000000000001", &ada(), CHANNEL))
        .await;
    let r = h
        .interact(&button(&full, "400000000000000001", &ada(), CHANNEL))
        .await;
    assert!(is_ephemeral(&r), "the full answer is private");
    assert!(
        text_of(&r).contains("Consistency against availability: it can refuse"),
        "{}",
        text_of(&r)
    );
    h.stop().await;
}
