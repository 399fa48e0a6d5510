//! How Discord's answers become delivery errors: a 429 waits for its
//! `retry_after` (the whole bot only when Discord says the limit is global);
//! a server error is transient, retried after a back-off (every request the
//! notifier sends is safe to repeat); a deleted or forbidden channel is
//! permanent, in words an admin can act on; anything else is retried by a
//! later tick.

use crate::delivery::DeliveryError;
use serde_json::Value;
use std::time::Duration;

/// Maps an unsuccessful answer to a delivery error. A 429 waits for the
/// body's `retry_after` (seconds, fractional), else the `Retry-After` or
/// `X-RateLimit-Reset-After` header, else one second; it holds every request
/// when the body says `global` or the headers `X-RateLimit-Global` or
/// `X-RateLimit-Scope: global`, and only this route (this channel) otherwise.
pub fn classify(status: u16, headers: &reqwest::header::HeaderMap, body: &[u8]) -> DeliveryError {
    let json: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if status == 429 {
        let seconds = |name: &str| header(name).and_then(|v| v.parse::<f64>().ok());
        let secs = json["retry_after"]
            .as_f64()
            .or_else(|| seconds("x-ratelimit-reset-after"))
            .or_else(|| seconds("retry-after"))
            .unwrap_or(1.0);
        let global = json["global"].as_bool() == Some(true)
            || header("x-ratelimit-global").is_some_and(|v| v.eq_ignore_ascii_case("true"))
            || header("x-ratelimit-scope").is_some_and(|v| v.eq_ignore_ascii_case("global"));
        return DeliveryError::RateLimited {
            retry_after: Duration::from_secs_f64(secs.clamp(0.0, 3600.0)),
            global,
        };
    }
    let message = json["message"].as_str().unwrap_or("no message");
    if let Some(reason) = permanent(status, json["code"].as_u64()) {
        return DeliveryError::Permanent(format!("{reason} (Discord: {message})"));
    }
    let why = format!("Discord answered {status}: {message}");
    if status >= 500 {
        DeliveryError::Transient(why)
    } else {
        DeliveryError::Failed(why)
    }
}

/// Answers no retry can change, and what an admin should do about them.
/// (403 50013 on opening a thread is not one of these: the notifier treats
/// threads as optional before this is consulted.)
pub(super) fn permanent(status: u16, code: Option<u64>) -> Option<&'static str> {
    Some(match (status, code?) {
        (404, 10003) => "the channel no longer exists; run /daily setup in another channel",
        (403, 50001) => {
            "the bot cannot see this channel; give it View Channel here, then run /daily resume"
        }
        (403, 50013) => "the bot may not post here; give it Send Messages and Embed Links here, then run /daily resume",
        (400, 50008) => "this channel does not take messages; run /daily setup in a text channel",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::{HeaderMap, HeaderValue};

    #[test]
    fn a_429_waits_for_the_bodys_fractional_retry_after() {
        let body = include_bytes!("../../../tests/fixtures/discord/rate_limited.json");
        let e = classify(429, &HeaderMap::new(), body);
        assert_eq!(
            e,
            DeliveryError::RateLimited {
                retry_after: Duration::from_millis(250),
                global: false,
            }
        );
    }

    #[test]
    fn a_429_holds_every_request_only_when_discord_says_it_is_global() {
        let body =
            br#"{"message": "You are being rate limited.", "retry_after": 2.5, "global": true}"#;
        let e = classify(429, &HeaderMap::new(), body);
        assert!(
            matches!(e, DeliveryError::RateLimited { global: true, .. }),
            "{e:?}"
        );
        let mut h = HeaderMap::new();
        h.insert("x-ratelimit-scope", HeaderValue::from_static("global"));
        let e = classify(429, &h, br#"{"retry_after": 1}"#);
        assert!(
            matches!(e, DeliveryError::RateLimited { global: true, .. }),
            "{e:?}"
        );
        h.insert("x-ratelimit-scope", HeaderValue::from_static("user"));
        let e = classify(429, &h, br#"{"retry_after": 1, "global": false}"#);
        assert!(
            matches!(e, DeliveryError::RateLimited { global: false, .. }),
            "{e:?}"
        );
    }

    #[test]
    fn a_429_without_a_body_falls_back_to_the_headers() {
        let mut h = HeaderMap::new();
        h.insert("retry-after", HeaderValue::from_static("3"));
        assert_eq!(
            classify(429, &h, b""),
            DeliveryError::RateLimited {
                retry_after: Duration::from_secs(3),
                global: false,
            }
        );
    }

    #[test]
    fn server_errors_are_transient_and_carry_the_status_and_discords_message() {
        let e = classify(
            500,
            &HeaderMap::new(),
            br#"{"message": "500: Internal Server Error", "code": 0}"#,
        );
        assert_eq!(
            e,
            DeliveryError::Transient("Discord answered 500: 500: Internal Server Error".into())
        );
        let gateway = classify(502, &HeaderMap::new(), b"<html>Bad Gateway</html>");
        assert!(
            matches!(gateway, DeliveryError::Transient(_)),
            "{gateway:?}"
        );
        let bad = classify(400, &HeaderMap::new(), br#"{"message": "m", "code": 1}"#);
        assert!(matches!(bad, DeliveryError::Failed(_)), "{bad:?}");
    }

    #[test]
    fn a_deleted_or_forbidden_channel_is_permanent_and_says_what_to_do() {
        let answer = |code: u64| format!(r#"{{"message": "m", "code": {code}}}"#);
        for (status, code, words) in [
            (404, 10003, "no longer exists"),
            (403, 50001, "View Channel"),
            (403, 50013, "Send Messages"),
            (400, 50008, "text channel"),
        ] {
            match classify(status, &HeaderMap::new(), answer(code).as_bytes()) {
                DeliveryError::Permanent(why) => assert!(why.contains(words), "{why}"),
                other => panic!("{status} {code}: {other:?}"),
            }
        }
        let unknown_message = classify(404, &HeaderMap::new(), answer(10008).as_bytes());
        assert!(matches!(unknown_message, DeliveryError::Failed(_)));
    }
}
