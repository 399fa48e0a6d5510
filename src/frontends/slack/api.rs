//! A small client for the few Web API methods prepbot calls. Responses are
//! read as loose JSON (`ok`, `error`, and the fields we need), so a new
//! field or an unknown value in Slack's answer never breaks parsing. That is
//! the reason for this client over slack-morphism, whose strict response
//! enums have failed on unknown variants in several releases.

use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;
use std::time::Duration;

/// How long a Web API call may take.
const TIMEOUT: Duration = Duration::from_secs(15);

/// Errors that say the bot's token itself is bad (revoked, expired, of the
/// wrong type, or missing): asking again cannot help, so the readiness
/// check stops at them and a delivery gives up. Any other error
/// (`fatal_error`, `internal_error`, ...) is Slack's passing trouble.
pub(crate) fn token_refused(code: &str) -> bool {
    [
        "invalid_auth",
        "not_authed",
        "token_revoked",
        "token_expired",
        "account_inactive",
        "not_allowed_token_type",
    ]
    .contains(&code)
}

/// Why a call failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ApiError {
    /// HTTP 429 (or `ok:false` with `ratelimited`): wait this long.
    #[error("rate limited for {0:?}")]
    RateLimited(Duration),
    /// `ok:false` with this error code, e.g. `not_in_channel`.
    #[error("Slack answered {0}")]
    Slack(String),
    /// No usable answer (network, status, body).
    #[error("{0}")]
    Transport(String),
}

/// The Web API, with the bot token.
#[derive(Clone)]
pub struct Api {
    client: reqwest::Client,
    base: String,
    /// `None` until a workspace's token is known ([`Api::with_token`]).
    token: Option<SecretString>,
}

impl std::fmt::Debug for Api {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Api").field("base", &self.base).finish()
    }
}

impl Api {
    pub fn new(base: &str, token: Option<SecretString>) -> Self {
        let client = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .build()
            .expect("a reqwest client with default TLS");
        Self {
            client,
            base: base.trim_end_matches('/').to_owned(),
            token,
        }
    }

    /// The same client speaking with `token` (a workspace's own).
    pub fn with_token(&self, token: Option<SecretString>) -> Self {
        Self {
            token,
            ..self.clone()
        }
    }

    fn post(&self, method: &str) -> reqwest::RequestBuilder {
        let request = self.client.post(format!("{}/{method}", self.base));
        match &self.token {
            Some(t) => request.bearer_auth(t.expose_secret()),
            None => request,
        }
    }

    /// Calls a method that authenticates by its arguments, not a token
    /// (`oauth.v2.access`).
    pub async fn exchange(&self, method: &str, args: &[(&str, &str)]) -> Result<Value, ApiError> {
        let request = self
            .client
            .post(format!("{}/{method}", self.base))
            .form(args);
        answer(request.send().await).await
    }

    /// Calls a write method (`chat.postMessage`, `views.open`, ...) with a
    /// JSON body.
    pub async fn call(&self, method: &str, body: &Value) -> Result<Value, ApiError> {
        let request = self.post(method).json(body);
        answer(request.send().await).await
    }

    /// Calls a read method (`users.info`), which takes form arguments, not JSON.
    pub async fn read(&self, method: &str, args: &[(&str, &str)]) -> Result<Value, ApiError> {
        let request = self.post(method).form(args);
        answer(request.send().await).await
    }

    /// Posts to an interaction's `response_url` (no token: the URL is the
    /// credential).
    pub async fn respond(&self, url: &str, body: &Value) -> Result<(), ApiError> {
        let sent = self.client.post(url).json(body).send().await;
        answer(sent).await.map(|_| ())
    }
}

/// Reads Slack's answer: `ok:true` JSON, or why not.
async fn answer(sent: reqwest::Result<reqwest::Response>) -> Result<Value, ApiError> {
    // Without the URL: a response_url works as a credential for 30 minutes,
    // and this text reaches the logs.
    let response =
        sent.map_err(|e| ApiError::Transport(format!("request: {}", e.without_url())))?;
    let status = response.status().as_u16();
    if status == 429 {
        return Err(ApiError::RateLimited(retry_after(response.headers())));
    }
    let bytes = response
        .bytes()
        .await
        .map_err(|e| ApiError::Transport(format!("reading body: {e}")))?;
    let json: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    if !(200..300).contains(&status) {
        return Err(ApiError::Transport(format!("Slack answered HTTP {status}")));
    }
    match (json["ok"].as_bool(), json["error"].as_str()) {
        (Some(true), _) => Ok(json),
        (_, Some("ratelimited")) => Err(ApiError::RateLimited(Duration::from_secs(1))),
        (_, Some(code)) => Err(ApiError::Slack(code.to_owned())),
        // A response_url answers `ok:true` or plain "ok"; both are success.
        (None, None) if json.is_null() => Ok(Value::Null),
        _ => Err(ApiError::Transport("an answer without ok".into())),
    }
}

/// `Retry-After` in whole seconds (Slack's unit), one second if absent.
fn retry_after(headers: &reqwest::header::HeaderMap) -> Duration {
    let secs = headers
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .unwrap_or(1);
    Duration::from_secs(secs.min(3600))
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::{HeaderMap, HeaderValue, RETRY_AFTER};

    #[test]
    fn retry_after_is_read_in_seconds_and_defaults_to_one() {
        let mut h = HeaderMap::new();
        assert_eq!(retry_after(&h), Duration::from_secs(1));
        h.insert(RETRY_AFTER, HeaderValue::from_static("7"));
        assert_eq!(retry_after(&h), Duration::from_secs(7));
    }

    #[test]
    fn the_client_never_shows_its_token_in_debug_output() {
        let api = Api::new("http://x/api/", Some("xoxb-secret".to_owned().into()));
        let shown = format!("{api:?}");
        assert!(!shown.contains("xoxb-secret") && shown.contains("http://x/api"));
    }
}
