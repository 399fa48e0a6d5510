//! What info logs hold: names, ids and verdicts, never an answer's text.
//! Alone in its binary: tracing caches per call site whether anyone listens,
//! and tests on other threads without a subscriber would race that cache.

mod common;

use async_trait::async_trait;
use common::*;
use prepbot::delivery::{Delivery, DeliveryError, Notifier, Router, SchedulerConfig};
use prepbot::domain::command::parse;
use prepbot::domain::reply::Effect;
use prepbot::engine::Platform;
use prepbot::runner::{Runner, Shown, Surface};
use sqlx::PgPool;
use std::sync::{Arc, Mutex};

struct Delivered;

#[async_trait]
impl Notifier for Delivered {
    async fn deliver(&self, effect: &Effect) -> Result<Option<String>, DeliveryError> {
        Ok(Some(format!("m{}", effect.post_id())))
    }
}

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

fn runner(w: &World) -> Runner {
    let router = Router::single(Platform::Console, Arc::new(Delivered));
    let delivery = Delivery::new(w.engine.clone(), router, SchedulerConfig::default());
    Runner::new(Arc::new(delivery), prepbot::frontends::console::WORDS)
}

fn command(line: &str) -> prepbot::domain::command::Command {
    parse(line).unwrap_or_else(|e| panic!("{line}: {e}"))
}

/// Captured log output.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[sqlx::test]
async fn an_answer_logged_at_info_level_leaves_out_the_answer_text(pool: PgPool) {
    let w = World::new(pool, utc(2026, 11, 24, 9, 0));
    let r = runner(&w);
    w.run(&member("ana"), "/quiz format:open").await;
    let logs = Captured::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::INFO)
        .json()
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let secret = "Zanzibar partition ordering by key, my own words";
    r.run(
        &member("ana"),
        &w.place,
        command(&format!("/answer {secret}")),
        &mut NoSurface,
    )
    .await
    .unwrap();
    let logs = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("answer recorded"), "{logs}");
    assert!(logs.contains(r#""command":"answer""#), "{logs}");
    assert!(!logs.contains("Zanzibar"), "{logs}");
}
