//! Shared test support. Each integration test includes this with `mod support;`
//! and uses only part of it.
#![allow(dead_code)]

#[cfg(feature = "discord")]
pub mod discord_bot;
#[cfg(feature = "discord")]
pub mod discord_events;
#[cfg(feature = "discord")]
pub mod discord_gateway;
#[cfg(feature = "discord")]
pub mod discord_lifecycle;
#[cfg(feature = "discord")]
pub mod discord_limits;
#[cfg(feature = "discord")]
pub mod discord_mock;
#[cfg(feature = "discord")]
pub mod discord_roles;
#[cfg(feature = "discord")]
pub mod discord_routes;
#[cfg(feature = "discord")]
pub mod discord_rules;
#[cfg(feature = "discord")]
pub mod discord_sessions;
pub mod pg_proxy;
pub mod rate;
pub mod replicas;
#[cfg(feature = "slack")]
pub mod slack_bot;
#[cfg(feature = "slack")]
pub mod slack_methods;
#[cfg(feature = "slack")]
pub mod slack_mock;
#[cfg(feature = "slack")]
pub mod slack_reads;
#[cfg(feature = "slack")]
pub mod slack_routes;
#[cfg(feature = "slack")]
pub mod slack_rules;
#[cfg(feature = "slack")]
pub mod slack_socket;

/// Serves `app` on 127.0.0.1, port 0, for the life of the test: the mock's
/// address and the task serving it.
pub async fn serve(app: axum::Router) -> (std::net::SocketAddr, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind mock");
    let addr = listener.local_addr().expect("mock addr");
    let server = tokio::spawn(async move {
        axum::serve(listener, app).await.expect("mock server");
    });
    (addr, server)
}
