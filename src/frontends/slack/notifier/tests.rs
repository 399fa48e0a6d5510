//! Unit tests of `notifier`, kept beside it so the module itself stays short.

use super::*;
use std::time::Duration;

#[test]
fn a_429_becomes_rate_limited_with_its_retry_after() {
    let e = classify(ApiError::RateLimited(Duration::from_secs(3)));
    assert_eq!(
        e,
        DeliveryError::RateLimited {
            retry_after: Duration::from_secs(3),
            global: true,
        }
    );
}

#[test]
fn a_removed_archived_or_unauthorised_channel_is_permanent_and_says_what_to_do() {
    for (code, words) in [
        ("not_in_channel", "/invite"),
        ("channel_not_found", "another channel"),
        ("is_archived", "unarchive"),
        ("account_inactive", "reinstall"),
        ("invalid_auth", "reinstall"),
        // The codes the readiness check also stops at: one list for both.
        ("token_expired", "reinstall"),
        ("not_authed", "reinstall"),
        ("not_allowed_token_type", "reinstall"),
    ] {
        match classify(ApiError::Slack(code.into())) {
            DeliveryError::Permanent(why) => {
                assert!(why.contains(words) && why.contains(code), "{why}")
            }
            other => panic!("{code}: {other:?}"),
        }
    }
    assert!(matches!(
        classify(ApiError::Slack("internal_error".into())),
        DeliveryError::Failed(_)
    ));
}

#[test]
fn a_redelivery_recognises_its_post_by_metadata_or_buttons_and_only_a_bots_message() {
    let marked = json!({"ts": "1.1", "bot_id": "B1", "metadata": {"event_type": POST_EVENT, "event_payload": {"post_id": 7}}});
    let buttons = json!({"ts": "1.2", "bot_id": "B1", "blocks": [{"type": "actions", "elements": [{"action_id": "prepbot:answer:8"}]}]});
    let by_a_person = json!({"ts": "1.3", "user": "U1", "metadata": {"event_type": POST_EVENT, "event_payload": {"post_id": 9}}});
    let history = json!({"ok": true, "messages": [by_a_person, buttons, marked]});
    assert_eq!(find_post(&history, 7).as_deref(), Some("1.1"));
    assert_eq!(find_post(&history, 8).as_deref(), Some("1.2"));
    assert_eq!(find_post(&history, 9), None, "not the bot's own");
    assert_eq!(find_post(&history, 10), None);
    // A reveal's buttons (the full answer) do not make a post look delivered.
    let reveal = json!({"ok": true, "messages": [{"ts": "2.1", "bot_id": "B1", "blocks": [{"type": "actions", "elements": [{"action_id": "prepbot:full:11"}]}]}]});
    assert_eq!(find_post(&reveal, 11), None);
}
