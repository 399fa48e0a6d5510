//! Unit tests of `notifier`, kept beside it so the module itself stays short.

use super::*;

#[test]
fn a_channel_that_is_not_a_snowflake_fails_without_a_request() {
    assert!(matches!(
        channel_id("console"),
        Err(DeliveryError::Failed(_))
    ));
    assert_eq!(
        channel_id("810000000000000001").unwrap().get(),
        810_000_000_000_000_001
    );
}
