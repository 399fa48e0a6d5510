//! Slack's request signature: only the exact signature of the exact body and
//! timestamp passes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use prepbot::frontends::slack::verify::{sign, verify};
use secrecy::SecretString;

fuzz_target!(|input: (&[u8], &str, &str)| {
    let (body, timestamp, forged) = input;
    let secret = SecretString::from("fuzz-secret".to_owned());
    let now = timestamp.trim().parse::<i64>().unwrap_or(0);
    let good = sign(&secret, timestamp, body);
    let ok = verify(&secret, Some(timestamp), Some(&good), body, now);
    assert_eq!(ok.is_ok(), timestamp.trim().parse::<i64>().is_ok());
    if forged.trim() != good {
        assert!(verify(&secret, Some(timestamp), Some(forged), body, now).is_err());
    }
});
