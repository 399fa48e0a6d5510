//! The HTTP server of `prepbot run` (the same one that will take Slack's
//! requests): `/healthz` (the process runs), `/readyz` (the database answers,
//! migrations are applied, every front end is connected) and `/metrics`
//! (Prometheus text). It stops on the scheduler's shutdown signal.

use crate::storage::Store;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Json;
use metrics_exporter_prometheus::PrometheusHandle;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::watch;

/// How long `/readyz` waits for `SELECT 1`: a probe must answer quickly.
const DB_PROBE_TIMEOUT: Duration = Duration::from_secs(2);

/// A chat front end as readiness sees it: connected or not.
#[derive(Debug, Clone)]
pub struct FrontEnd {
    /// What `/readyz` says while `connected` is false.
    pub reason: &'static str,
    pub connected: Arc<AtomicBool>,
}

/// What the endpoints read: the store, the front ends and the metrics.
#[derive(Clone)]
pub struct Health {
    store: Store,
    front_ends: Vec<FrontEnd>,
    metrics: PrometheusHandle,
}

impl Health {
    pub fn new(store: Store, metrics: PrometheusHandle) -> Self {
        Self {
            store,
            front_ends: Vec::new(),
            metrics,
        }
    }

    /// Adds a front end whose `connected` flag readiness checks; `reason`
    /// is what `/readyz` says while it is false.
    pub fn with_front_end(mut self, reason: &'static str, connected: Arc<AtomicBool>) -> Self {
        self.front_ends.push(FrontEnd { reason, connected });
        self
    }

    /// Why this process is not ready; empty when it is.
    pub async fn not_ready(&self) -> Vec<String> {
        let mut reasons = Vec::new();
        if self.front_ends.is_empty() {
            reasons.push("no chat front end is configured".to_owned());
        }
        if !self.store.ping(DB_PROBE_TIMEOUT).await {
            reasons.push("database unreachable".to_owned());
        } else if !self.store.migrations_applied().await.unwrap_or(false) {
            reasons.push("migrations not applied".to_owned());
        }
        for f in &self.front_ends {
            if !f.connected.load(Ordering::Relaxed) {
                reasons.push(f.reason.to_owned());
            }
        }
        reasons
    }

    /// The metrics in Prometheus text, with the pool sampled now.
    pub fn render_metrics(&self) -> String {
        let pool = self.store.pool();
        crate::meters::pool(pool.size(), pool.num_idle());
        self.metrics.run_upkeep();
        self.metrics.render()
    }
}

/// The routes, over `health`.
pub fn routes(health: Arc<Health>) -> axum::Router {
    axum::Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .with_state(health)
}

async fn readyz(State(health): State<Arc<Health>>) -> impl IntoResponse {
    let reasons = health.not_ready().await;
    let status = if reasons.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let body = serde_json::json!({ "ready": reasons.is_empty(), "reasons": reasons });
    (status, Json(body))
}

async fn metrics(State(health): State<Arc<Health>>) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        health.render_metrics(),
    )
}

/// Serves the routes on `listener` until `shutdown` turns true.
pub async fn serve(
    listener: TcpListener,
    health: Arc<Health>,
    shutdown: watch::Receiver<bool>,
) -> std::io::Result<()> {
    serve_with(listener, health, axum::Router::new(), shutdown).await
}

/// [`serve`], plus a front end's own routes (Slack's `/slack/...`).
pub async fn serve_with(
    listener: TcpListener,
    health: Arc<Health>,
    extra: axum::Router,
    mut shutdown: watch::Receiver<bool>,
) -> std::io::Result<()> {
    let stop = async move {
        let _ = shutdown.wait_for(|s| *s).await;
    };
    axum::serve(listener, routes(health).merge(extra))
        .with_graceful_shutdown(stop)
        .await
}

/// The URL of `path` on a server listening on `addr`, as seen from this
/// host: an unspecified address (`0.0.0.0`, `::`) is reached on loopback.
pub fn local_url(addr: SocketAddr, path: &str) -> String {
    let mut addr = addr;
    if addr.ip().is_unspecified() {
        addr.set_ip(match addr {
            SocketAddr::V4(_) => std::net::Ipv4Addr::LOCALHOST.into(),
            SocketAddr::V6(_) => std::net::Ipv6Addr::LOCALHOST.into(),
        });
    }
    format!("http://{addr}{path}")
}

/// `prepbot healthcheck`: the status `GET path` gets from the server on
/// `addr` within `limit`. Images without curl (distroless) probe with this.
pub async fn probe(addr: SocketAddr, path: &str, limit: Duration) -> Result<u16, reqwest::Error> {
    let client = reqwest::Client::builder().timeout(limit).build()?;
    let response = client.get(local_url(addr, path)).send().await?;
    Ok(response.status().as_u16())
}

#[cfg(test)]
mod tests {
    use super::local_url;

    #[test]
    fn a_server_on_every_interface_is_probed_on_loopback() {
        let url = |addr: &str| local_url(addr.parse().unwrap(), "/healthz");
        assert_eq!(url("0.0.0.0:8080"), "http://127.0.0.1:8080/healthz");
        assert_eq!(url("[::]:9000"), "http://[::1]:9000/healthz");
        assert_eq!(url("10.0.0.5:8080"), "http://10.0.0.5:8080/healthz");
    }
}
