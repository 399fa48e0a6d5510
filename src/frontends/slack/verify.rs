//! Slack's request signatures: `v0=` + hex HMAC-SHA256 of
//! `v0:<X-Slack-Request-Timestamp>:<raw body>` keyed with the signing
//! secret, compared in constant time, and only within five minutes of now
//! (so a captured request cannot be replayed later). Checked before the body
//! is even parsed: a request that fails changes nothing.

use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretString};
use sha2::Sha256;
use subtle::ConstantTimeEq;

/// How far a request's timestamp may be from now, either way.
pub const WINDOW_SECS: i64 = 5 * 60;

/// Why a request is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    #[error("the signature or timestamp header is missing")]
    Missing,
    #[error("the timestamp is more than five minutes from now")]
    Stale,
    #[error("the signature does not match")]
    Mismatch,
}

/// The `X-Slack-Signature` of `body` sent at `timestamp`.
pub fn sign(secret: &SecretString, timestamp: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.expose_secret().as_bytes())
        .expect("HMAC takes a key of any length");
    mac.update(b"v0:");
    mac.update(timestamp.as_bytes());
    mac.update(b":");
    mac.update(body);
    format!("v0={}", hex::encode(mac.finalize().into_bytes()))
}

/// Checks a request's headers against its raw body at `now` (Unix seconds).
pub fn verify(
    secret: &SecretString,
    timestamp: Option<&str>,
    signature: Option<&str>,
    body: &[u8],
    now: i64,
) -> Result<(), Refused> {
    let (Some(timestamp), Some(signature)) = (timestamp, signature) else {
        return Err(Refused::Missing);
    };
    let sent: i64 = timestamp.trim().parse().map_err(|_| Refused::Missing)?;
    if (now - sent).abs() > WINDOW_SECS {
        return Err(Refused::Stale);
    }
    let expected = sign(secret, timestamp, body);
    if bool::from(expected.as_bytes().ct_eq(signature.trim().as_bytes())) {
        Ok(())
    } else {
        Err(Refused::Mismatch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Slack's documented example ("Verifying requests from Slack").
    const SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";
    const TIMESTAMP: &str = "1531420618";
    const BODY: &str = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
    const EXPECTED: &str = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";

    fn secret() -> SecretString {
        SECRET.to_owned().into()
    }

    #[test]
    fn slacks_documented_example_request_signs_to_the_documented_signature() {
        assert_eq!(sign(&secret(), TIMESTAMP, BODY.as_bytes()), EXPECTED);
        let now = 1_531_420_618 + 10;
        let ok = verify(
            &secret(),
            Some(TIMESTAMP),
            Some(EXPECTED),
            BODY.as_bytes(),
            now,
        );
        assert_eq!(ok, Ok(()));
    }

    #[test]
    fn a_changed_body_or_a_wrong_secret_is_a_mismatch() {
        let now = 1_531_420_618;
        let changed = BODY.replace("foobar", "foobaz");
        let r = verify(
            &secret(),
            Some(TIMESTAMP),
            Some(EXPECTED),
            changed.as_bytes(),
            now,
        );
        assert_eq!(r, Err(Refused::Mismatch));
        let other: SecretString = "another".to_owned().into();
        let r = verify(
            &other,
            Some(TIMESTAMP),
            Some(EXPECTED),
            BODY.as_bytes(),
            now,
        );
        assert_eq!(r, Err(Refused::Mismatch));
    }

    #[test]
    fn a_request_older_or_newer_than_five_minutes_is_stale() {
        let sent = 1_531_420_618;
        for now in [sent + 301, sent - 301, sent + 360] {
            let r = verify(
                &secret(),
                Some(TIMESTAMP),
                Some(EXPECTED),
                BODY.as_bytes(),
                now,
            );
            assert_eq!(r, Err(Refused::Stale), "{now}");
        }
        let r = verify(
            &secret(),
            Some(TIMESTAMP),
            Some(EXPECTED),
            BODY.as_bytes(),
            sent + 300,
        );
        assert_eq!(r, Ok(()));
    }

    #[test]
    fn missing_headers_or_a_timestamp_that_is_not_a_number_are_refused() {
        let now = 1_531_420_618;
        assert_eq!(
            verify(&secret(), None, Some(EXPECTED), b"", now),
            Err(Refused::Missing)
        );
        assert_eq!(
            verify(&secret(), Some(TIMESTAMP), None, b"", now),
            Err(Refused::Missing)
        );
        let r = verify(
            &secret(),
            Some("soon"),
            Some(EXPECTED),
            BODY.as_bytes(),
            now,
        );
        assert_eq!(r, Err(Refused::Missing));
    }
}
