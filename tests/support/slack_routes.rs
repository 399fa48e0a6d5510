//! The mock's HTTP side: the Web API under `/api/<method>` (token, faults,
//! then the method itself in `slack_methods.rs`) and the `response_url` sink
//! (JSON only, 5 uses within 30 minutes). Every answer is JSON.

use super::slack_mock::{
    Fault, Outcome, SlackState, APP_TOKEN, BOT_TOKEN, RESPONSE_URL_LIFE, RESPONSE_URL_USES,
};
use super::slack_rules as rules;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::Arc;

/// Slack's JSON answer, always `application/json`.
pub(crate) fn answer(status: StatusCode, body: Value, retry_after: Option<u64>) -> Response {
    let mut r = (status, Json(body)).into_response();
    if let Some(secs) = retry_after {
        r.headers_mut().insert(header::RETRY_AFTER, secs.into());
    }
    r
}

/// The body as JSON: a JSON body as is, a form body as an object of strings.
fn parse(headers: &HeaderMap, body: &[u8]) -> Option<(bool, Value)> {
    let kind = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if kind.starts_with("application/json") {
        return serde_json::from_slice(body).ok().map(|v| (true, v));
    }
    if kind.starts_with("application/x-www-form-urlencoded") {
        let pairs: HashMap<String, String> = serde_urlencoded::from_bytes(body).ok()?;
        return Some((false, json!(pairs)));
    }
    None
}

pub async fn api(
    State(s): State<Arc<SlackState>>,
    Path(method): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    let Some((is_json, body)) = parse(&headers, &body) else {
        return s.refuse(
            &method,
            &Value::Null,
            token,
            ("invalid_form_data", "neither JSON nor a form".into()),
        );
    };
    let want = match method.as_str() {
        "oauth.v2.access" => None,
        "apps.connections.open" => Some(APP_TOKEN),
        _ => Some(BOT_TOKEN),
    };
    // A token handed out by an OAuth install counts as a bot token.
    let issued = token.is_some_and(|t| s.issued.lock().unwrap().contains(t));
    match (want, token) {
        (Some(_), None) => {
            return s.refuse(
                &method,
                &body,
                token,
                ("not_authed", "no Bearer token".into()),
            )
        }
        (Some(w), Some(t)) if w != t && !(w == BOT_TOKEN && issued) => {
            return s.refuse(
                &method,
                &body,
                token,
                ("invalid_auth", format!("token {t}")),
            )
        }
        _ => {}
    }
    if method == "chat.postMessage" {
        if let Some(secs) = super::slack_methods::over_channel_limit(&s, &body) {
            s.record(&method, &body, token, Some("ratelimited".into()));
            let limited = json!({"ok": false, "error": "ratelimited"});
            return answer(StatusCode::TOO_MANY_REQUESTS, limited, Some(secs));
        }
    }
    let mut lose = false;
    let mut fail_after = false;
    match s.fault(&method) {
        Some(Fault::LoseAnswer) => lose = true,
        Some(Fault::ServerError { took_effect: true }) => fail_after = true,
        Some(Fault::ServerError { took_effect: false }) => {
            s.record(&method, &body, token, Some("http_500".into()));
            return server_error();
        }
        Some(Fault::RateLimited { secs }) => {
            s.record(&method, &body, token, Some("ratelimited".into()));
            return answer(
                StatusCode::TOO_MANY_REQUESTS,
                json!({"ok": false, "error": "ratelimited"}),
                Some(secs),
            );
        }
        Some(Fault::Error(code)) => {
            s.record(&method, &body, token, Some(code.into()));
            return answer(StatusCode::OK, json!({"ok": false, "error": code}), None);
        }
        None => {}
    }
    let result = super::slack_reads::scoped(&s, &method, &body)
        .and_then(|()| super::slack_methods::call(&s, &method, is_json, &body));
    match result {
        Ok(_) if lose => {
            s.record(&method, &body, token, Some("answer_lost".into()));
            lost()
        }
        Ok(_) if fail_after => {
            s.record(&method, &body, token, Some("http_500_took_effect".into()));
            server_error()
        }
        Ok(result) => {
            s.record(&method, &body, token, None);
            let mut out = json!({"ok": true});
            out.as_object_mut()
                .unwrap()
                .extend(result.as_object().cloned().unwrap_or_default());
            answer(StatusCode::OK, out, None)
        }
        Err(Outcome::Refused(r)) => s.refuse(&method, &body, token, r),
        Err(Outcome::Error(code)) => {
            s.record(&method, &body, token, Some(code.clone()));
            answer(StatusCode::OK, json!({"ok": false, "error": code}), None)
        }
    }
}

/// Slack's 500: the body names an internal error, and says nothing about
/// whether the call took effect.
fn server_error() -> Response {
    answer(
        StatusCode::INTERNAL_SERVER_ERROR,
        json!({"ok": false, "error": "internal_error"}),
        None,
    )
}

/// A 200 whose body breaks off: the connection drops before the answer
/// is read, after the call took effect.
fn lost() -> Response {
    let broken = futures::stream::once(async {
        Err::<axum::body::Bytes, std::io::Error>(std::io::Error::other("connection dropped"))
    });
    let mut r = Response::new(axum::body::Body::from_stream(broken));
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("application/json"),
    );
    r
}

pub async fn respond(
    State(s): State<Arc<SlackState>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let method = "response_url";
    let Some((true, body)) = parse(&headers, &body) else {
        return s.refuse(
            method,
            &Value::Null,
            None,
            ("invalid_payload", "a response_url takes JSON".into()),
        );
    };
    let used = {
        let mut urls = s.urls.lock().unwrap();
        match urls.get_mut(&id) {
            None => Err(("invalid_url", format!("unknown response_url {id}"))),
            Some((made, _)) if made.elapsed() > RESPONSE_URL_LIFE => {
                Err(("expired_url", "older than 30 minutes".into()))
            }
            Some((_, uses)) if *uses >= RESPONSE_URL_USES => {
                Err(("used_url", "used 5 times already".into()))
            }
            Some((_, uses)) => {
                *uses += 1;
                Ok(())
            }
        }
    };
    if let Err(r) = used.and_then(|_| rules::response(&body)) {
        return s.refuse(method, &body, None, r);
    }
    let mut body = body;
    body["response_url_id"] = json!(id);
    s.record(method, &body, None, None);
    answer(StatusCode::OK, json!({"ok": true}), None)
}
