//! Operations: `/healthz`, `/readyz`, `/metrics`, and what info logs hold.

mod common;

use async_trait::async_trait;
use common::*;
use prepbot::app::{self, Serve};
use prepbot::delivery::{Delivery, DeliveryError, Notifier, Router, Scheduler, SchedulerConfig};
use prepbot::domain::command::{parse, Command};
use prepbot::domain::reply::Effect;
use prepbot::engine::Platform;
use prepbot::http::{self, Health};
use prepbot::runner::{Runner, Shown, Surface};
use prepbot::storage::Store;
use sqlx::PgPool;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

/// Delivers everything; answers 429 to the first `limited` attempts.
#[derive(Default)]
struct FakeNotifier {
    limited: AtomicU32,
}

#[async_trait]
impl Notifier for FakeNotifier {
    async fn deliver(&self, effect: &Effect) -> Result<Option<String>, DeliveryError> {
        if self.limited.load(Ordering::SeqCst) > 0 {
            self.limited.fetch_sub(1, Ordering::SeqCst);
            return Err(DeliveryError::RateLimited {
                retry_after: Duration::from_millis(10),
                global: true,
            });
        }
        Ok(Some(format!("m{}", effect.post_id())))
    }
}

/// A surface that keeps nothing.
struct NoSurface;

#[async_trait]
impl Surface for NoSurface {
    async fn defer(&mut self) -> anyhow::Result<()> {
        Ok(())
    }
    async fn show(&mut self, _: Shown) -> anyhow::Result<()> {
        Ok(())
    }
}

fn runner(w: &World, notifier: Arc<dyn Notifier>) -> Runner {
    let router = Router::single(Platform::Console, notifier);
    let delivery = Delivery::new(w.engine.clone(), router, SchedulerConfig::default());
    Runner::new(Arc::new(delivery), prepbot::frontends::console::WORDS)
}

fn command(line: &str) -> Command {
    parse(line).unwrap_or_else(|e| panic!("{line}: {e}"))
}

/// Serves `health` on a free local port until the returned sender says stop.
async fn serve(health: Health) -> (SocketAddr, watch::Sender<bool>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = watch::channel(false);
    tokio::spawn(http::serve(listener, Arc::new(health), stopped));
    (addr, stop)
}

async fn get(addr: SocketAddr, path: &str) -> (u16, String) {
    let r = reqwest::get(format!("http://{addr}{path}")).await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

fn health(pool: &PgPool) -> Health {
    Health::new(Store::from_pool(pool.clone()), prepbot::meters::install())
}

#[sqlx::test]
async fn run_without_a_front_end_starts_is_healthy_and_not_ready_saying_why(pool: PgPool) {
    let w = World::new(pool, utc(2026, 11, 24, 9, 0));
    let addr: SocketAddr = "127.0.0.1:0".parse().unwrap();
    let running = app::start_with_http(w.engine.clone(), Serve::default(), Some(addr))
        .await
        .expect("starts without a chat front end");
    let addr = running.http_addr().expect("the HTTP server runs");
    assert_eq!(get(addr, "/healthz").await.0, 200);
    let (status, body) = get(addr, "/readyz").await;
    assert_eq!(status, 503);
    let body: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        body["reasons"],
        serde_json::json!(["no chat front end is configured"])
    );
    running.stop(Duration::from_secs(5)).await;
    assert!(
        reqwest::get(format!("http://{addr}/healthz"))
            .await
            .is_err(),
        "the server stops with the scheduler"
    );
}

#[sqlx::test]
async fn readyz_is_ok_with_a_connected_front_end_and_names_one_that_is_not(pool: PgPool) {
    let connected = Arc::new(AtomicBool::new(true));
    let h = health(&pool).with_front_end("discord gateway not connected", connected.clone());
    assert_eq!(h.not_ready().await, Vec::<String>::new());
    let (addr, _stop) = serve(h.clone()).await;
    assert_eq!(get(addr, "/readyz").await.0, 200);
    connected.store(false, Ordering::SeqCst);
    assert_eq!(h.not_ready().await, vec!["discord gateway not connected"]);
    assert_eq!(get(addr, "/readyz").await.0, 503);
}

#[sqlx::test]
async fn readyz_reports_the_database_unreachable_when_the_pool_is_closed(pool: PgPool) {
    let h = health(&pool).with_front_end("discord", Arc::new(AtomicBool::new(true)));
    let (addr, _stop) = serve(h).await;
    pool.close().await;
    let (status, body) = get(addr, "/readyz").await;
    assert_eq!(status, 503);
    assert!(body.contains("database unreachable"), "{body}");
}

#[sqlx::test(migrations = false)]
async fn readyz_reports_migrations_not_applied_on_a_bare_database(pool: PgPool) {
    let h = health(&pool).with_front_end("discord", Arc::new(AtomicBool::new(true)));
    assert_eq!(h.not_ready().await, vec!["migrations not applied"]);
    prepbot::storage::MIGRATOR.run(&pool).await.unwrap();
    assert_eq!(h.not_ready().await, Vec::<String>::new());
}

/// The value of the first sample line of `metrics` that starts with `prefix`.
fn sample(metrics: &str, prefix: &str) -> f64 {
    let line = metrics
        .lines()
        .find(|l| l.starts_with(prefix))
        .unwrap_or_else(|| panic!("no `{prefix}` in\n{metrics}"));
    line.rsplit(' ').next().unwrap().parse().unwrap()
}

#[sqlx::test]
async fn metrics_count_commands_deliveries_answers_ticks_and_the_pool(pool: PgPool) {
    let h = health(&pool);
    let w = World::new(pool, utc(2026, 11, 24, 9, 0));
    let notifier = Arc::new(FakeNotifier {
        limited: AtomicU32::new(1),
    });
    let r = runner(&w, notifier.clone());
    let lead = admin("lead");
    r.run(
        &lead,
        &w.place,
        command("/daily setup time:09:00 tz:UTC"),
        &mut NoSurface,
    )
    .await
    .unwrap();
    let report = r
        .run(&lead, &w.place, command("/daily post-now"), &mut NoSurface)
        .await
        .unwrap();
    assert_eq!((report.delivered, report.rate_limited), (1, 1));
    let question: String = sqlx::query_scalar("SELECT question_id FROM posts")
        .fetch_one(w.engine.store().pool())
        .await
        .unwrap();
    let answer = command(&format!("/answer {}", good_answer(&question)));
    r.run(&member("ana"), &w.place, answer, &mut NoSurface)
        .await
        .unwrap();
    r.run(
        &member("ana"),
        &w.place,
        command("/daily pause"),
        &mut NoSurface,
    )
    .await
    .unwrap();
    Scheduler::new(Arc::new(Delivery::new(
        w.engine.clone(),
        Router::new(),
        SchedulerConfig::default(),
    )))
    .tick()
    .await
    .unwrap();
    let (addr, _stop) = serve(h).await;
    let (status, m) = get(addr, "/metrics").await;
    assert_eq!(status, 200);
    assert!(
        sample(
            &m,
            r#"prepbot_commands_total{command="daily",outcome="ok"}"#
        ) >= 2.0
    );
    assert!(
        sample(
            &m,
            r#"prepbot_commands_total{command="daily",outcome="user_error"}"#
        ) >= 1.0
    );
    assert!(
        sample(
            &m,
            r#"prepbot_command_duration_seconds_count{command="answer"}"#
        ) >= 1.0
    );
    assert!(sample(&m, r#"prepbot_posts_sent_total{platform="console"}"#) >= 1.0);
    assert!(sample(&m, r#"prepbot_posts_retried_total{platform="console"}"#) >= 1.0);
    assert!(sample(&m, r#"prepbot_rate_limited_total{platform="console"}"#) >= 1.0);
    assert!(sample(&m, r#"prepbot_answers_total{verdict="correct"}"#) >= 1.0);
    assert!(sample(&m, "prepbot_scheduler_tick_seconds_count") >= 1.0);
    assert!(sample(&m, "prepbot_db_pool_connections ") >= 1.0);
    assert!(m.contains("prepbot_db_pool_idle_connections "), "{m}");
}

/// Refuses every delivery.
struct Refusing;

#[async_trait]
impl Notifier for Refusing {
    async fn deliver(&self, _: &Effect) -> Result<Option<String>, DeliveryError> {
        Err(DeliveryError::Failed("channel gone".into()))
    }
}

#[sqlx::test]
async fn a_delivery_that_fails_is_counted_as_a_failed_post(pool: PgPool) {
    let h = health(&pool);
    let w = World::new(pool, utc(2026, 11, 24, 9, 0));
    let r = runner(&w, Arc::new(Refusing));
    let lead = admin("lead");
    r.run(
        &lead,
        &w.place,
        command("/daily setup time:09:00 tz:UTC"),
        &mut NoSurface,
    )
    .await
    .unwrap();
    let report = r
        .run(&lead, &w.place, command("/daily post-now"), &mut NoSurface)
        .await
        .unwrap();
    assert_eq!(report.failed, 1);
    let m = h.render_metrics();
    assert!(sample(&m, r#"prepbot_posts_failed_total{platform="console"}"#) >= 1.0);
}

/// A port free a moment ago on 127.0.0.1.
fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// Polls `url` until it answers (the binary is still starting).
async fn get_when_up(url: &str) -> (u16, String) {
    for _ in 0..100 {
        if let Ok(r) = reqwest::get(url).await {
            return (r.status().as_u16(), r.text().await.unwrap());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("nothing answered at {url}");
}

#[sqlx::test]
async fn the_binary_run_without_a_token_serves_readyz_and_stops_on_sigterm(pool: PgPool) {
    let db: String = sqlx::query_scalar("SELECT current_database()")
        .fetch_one(&pool)
        .await
        .unwrap();
    let port = free_port();
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_prepbot"))
        .arg("run")
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env(
            "DATABASE_URL",
            format!("postgres://postgres@127.0.0.1:5432/{db}"),
        )
        .env("PREPBOT_HTTP_ADDR", format!("127.0.0.1:{port}"))
        .env("RUST_LOG", "warn")
        .stdin(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let (status, body) = get_when_up(&format!("http://127.0.0.1:{port}/readyz")).await;
    assert_eq!(status, 503);
    assert!(body.contains("no chat front end is configured"), "{body}");
    let metrics = get_when_up(&format!("http://127.0.0.1:{port}/metrics"))
        .await
        .1;
    assert!(metrics.contains("prepbot_db_pool_connections"), "{metrics}");
    // Known series start at 0 rather than appearing at their first event.
    assert!(
        metrics.contains(r#"prepbot_answers_total{verdict="correct"} 0"#),
        "{metrics}"
    );
    let pid = child.id().unwrap().to_string();
    std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    let exit = tokio::time::timeout(Duration::from_secs(10), child.wait())
        .await
        .expect("exits after SIGTERM")
        .unwrap();
    assert!(exit.success(), "{exit:?}");
    // The binary made a SQL grading sandbox; sqlx::test drops only its own database.
    sqlx::query(&format!(
        "DROP DATABASE IF EXISTS \"{db}_sandbox\" WITH (FORCE)"
    ))
    .execute(&pool)
    .await
    .ok();
}
