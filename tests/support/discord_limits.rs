//! The mock's rate limits: scripted 429s (and 500s) answered the way
//! Discord answers them, and Discord's rule that a 429's `retry_after` must
//! be waited out.
//!
//! A 429 is answered with the JSON body (`message`, `retry_after` in
//! fractional seconds, `global`, `code`) and the headers `Retry-After`,
//! `X-RateLimit-Limit`, `-Remaining`, `-Reset-After`, `-Bucket`, `-Scope`
//! (and `-Global` for a global one). After a route's 429, a request to the
//! same route before its `retry_after` has passed is refused (another 429,
//! recorded as the bot's mistake: real Discord counts it against the
//! invalid-request budget and, repeated, bans the bot's IP). After a global
//! 429 every request gets a 429 until it passes; those are not counted as
//! mistakes, since requests already on their way cannot know yet.
//!
//! Discord's global limit is enforced too: a request that would be the 51st
//! in any one second (interaction callbacks and webhooks, which Discord
//! exempts, not counted) gets a global 429 and is recorded as the bot's
//! mistake. Benchmarks of prepbot's own cost can lift it.

use super::discord_mock::{Fault, MockState};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

/// Requests Discord allows a bot in any one second, all routes together.
pub const GLOBAL_PER_SECOND: usize = 50;

impl MockState {
    /// The global 429 for a request over [`GLOBAL_PER_SECOND`], recorded as
    /// refused; otherwise the instant it was counted at, which is the time
    /// its record carries, so a peak measured over the records agrees with
    /// the limit enforced here.
    pub(crate) fn over_global(
        &self,
        method: &Method,
        path: &str,
        body: &Value,
    ) -> Result<Instant, Box<Response>> {
        if path.starts_with("/interactions/") || path.starts_with("/webhooks/") {
            return Ok(Instant::now());
        }
        let now = Instant::now();
        let second = Duration::from_secs(1);
        let retry_after = {
            let mut limits = self.limits.lock().unwrap();
            if limits.global_lifted {
                return Ok(now);
            }
            let recent = &mut limits.recent;
            while recent.front().is_some_and(|&t| t + second <= now) {
                recent.pop_front();
            }
            if recent.len() < GLOBAL_PER_SECOND {
                recent.push_back(now);
                return Ok(now);
            }
            (recent[0] + second - now).as_secs_f64()
        };
        self.record(method, path, body.clone(), 429);
        let mut r = self.requests.lock().unwrap().last().cloned().unwrap();
        r.body = json!({"sent": body, "answer": "over Discord's global 50 requests/s"});
        self.refused.lock().unwrap().push(r);
        Err(Box::new(rate_limited(path, retry_after, true)))
    }

    /// Remembers a 429 just answered: its route (or, when `global`, every
    /// route) is limited for `retry_after` seconds from now.
    pub(crate) fn limit(&self, method: &Method, path: &str, retry_after: f64, global: bool) {
        let until = Instant::now() + Duration::from_secs_f64(retry_after);
        let mut limits = self.limits.lock().unwrap();
        if global {
            limits.global = Some(until);
        } else {
            limits.routes.insert(format!("{method} {path}"), until);
        }
    }

    /// The 429 for a request that arrived `now` (the instant the global
    /// limit counted it) while its route (or the bot) is still limited,
    /// recorded at that instant; `None` when it may go through.
    pub(crate) fn too_early(
        &self,
        method: &Method,
        path: &str,
        body: &Value,
        now: Instant,
    ) -> Option<Response> {
        let (until, global) = {
            let limits = self.limits.lock().unwrap();
            match (
                limits.global,
                limits.routes.get(&format!("{method} {path}")),
            ) {
                (Some(g), _) if g > now => (g, true),
                (_, Some(&r)) if r > now => (r, false),
                _ => return None,
            }
        };
        let retry_after = (until - now).as_secs_f64();
        let response = rate_limited(path, retry_after, global);
        self.record_at(method, path, body.clone(), 429, now);
        if !global {
            let mut r = self.requests.lock().unwrap().last().cloned().unwrap();
            r.body = json!({"sent": body, "answer": "retried before retry_after passed"});
            self.refused.lock().unwrap().push(r);
        }
        Some(response)
    }
}

/// Routes and the bot as a whole, each limited until an instant.
#[derive(Debug, Default)]
pub struct Limits {
    pub(crate) global: Option<Instant>,
    /// When the requests of the last second arrived (the global limit).
    pub(crate) recent: std::collections::VecDeque<Instant>,
    /// The global limit is not enforced (benchmarks of prepbot's own cost).
    pub(crate) global_lifted: bool,
    pub(crate) routes: std::collections::HashMap<String, Instant>,
}

/// The answer to a scripted fault.
pub(crate) fn fault_response(path: &str, fault: &Fault) -> Response {
    match *fault {
        Fault::RateLimited {
            retry_after,
            global,
        } => rate_limited(path, retry_after, global),
        Fault::ServerError | Fault::LostAnswer => {
            let body = json!({"message": "500: Internal Server Error", "code": 0});
            (StatusCode::INTERNAL_SERVER_ERROR, axum::Json(body)).into_response()
        }
    }
}

/// A 429 as Discord sends it, for the route `path`.
fn rate_limited(path: &str, retry_after: f64, global: bool) -> Response {
    let body = json!({
        "message": "You are being rate limited.",
        "retry_after": retry_after,
        "global": global,
        "code": 0,
    });
    let mut headers = HeaderMap::new();
    let secs = retry_after.ceil().max(1.0) as u64;
    headers.insert("retry-after", HeaderValue::from(secs));
    let limit = if global { GLOBAL_PER_SECOND } else { 5 };
    headers.insert("x-ratelimit-limit", HeaderValue::from(limit));
    headers.insert("x-ratelimit-remaining", HeaderValue::from(0));
    let reset_after = HeaderValue::from_str(&format!("{retry_after:.3}")).unwrap();
    headers.insert("x-ratelimit-reset-after", reset_after);
    // One bucket per route, as Discord's per-channel message buckets.
    let bucket = format!("{:016x}", fxhash(path));
    headers.insert(
        "x-ratelimit-bucket",
        HeaderValue::from_str(&bucket).unwrap(),
    );
    let scope = if global { "global" } else { "user" };
    headers.insert("x-ratelimit-scope", HeaderValue::from_static(scope));
    if global {
        headers.insert("x-ratelimit-global", HeaderValue::from_static("true"));
    }
    (StatusCode::TOO_MANY_REQUESTS, headers, axum::Json(body)).into_response()
}

/// A stable hash of a route, for its bucket id.
fn fxhash(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}
