//! Connecting to PostgreSQL fails fast and says where it tried, instead of
//! hanging on a server that never answers.

use prepbot::storage::{Store, StoreError};
use std::time::{Duration, Instant};

#[tokio::test]
async fn a_server_that_accepts_but_never_replies_times_out_naming_host_and_port() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    // Accept every connection and hold it open without a byte in reply.
    let silent = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    let url = format!("postgres://postgres@127.0.0.1:{port}/prepbot");
    let started = Instant::now();
    let err = Store::connect_within(&url, Duration::from_millis(300))
        .await
        .expect_err("nothing answered");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert!(matches!(err, StoreError::TimedOut { .. }), "{err:?}");
    let msg = err.to_string();
    assert!(msg.contains(&format!("127.0.0.1:{port}")), "{msg}");
    assert!(msg.contains("did not answer within 0.3 s"), "{msg}");
    silent.abort();
}

#[tokio::test]
async fn a_refused_connection_names_host_and_port() {
    // Bind and drop a listener: nothing listens on that port any more.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let url = format!("postgres://postgres@127.0.0.1:{port}/prepbot");
    let err = Store::connect_within(&url, Duration::from_secs(5))
        .await
        .expect_err("nothing listens");
    let msg = err.to_string();
    assert!(
        msg.starts_with(&format!(
            "cannot connect to PostgreSQL at 127.0.0.1:{port}: "
        )),
        "{msg}"
    );
    assert!(msg.to_lowercase().contains("refused"), "{msg}");
}

#[tokio::test]
async fn a_url_with_no_database_name_is_refused_instead_of_filling_the_postgres_database() {
    for url in [
        "postgres://postgres@127.0.0.1:5432/",
        "postgres://postgres@127.0.0.1:5432",
    ] {
        let err = Store::connect_within(url, Duration::from_secs(5))
            .await
            .expect_err("no database named");
        assert!(matches!(err, StoreError::NoDatabase), "{url}: {err:?}");
        assert!(err.to_string().contains("names no database"), "{err}");
    }
}

#[tokio::test]
async fn a_url_for_another_database_server_is_refused_naming_its_scheme() {
    for (url, scheme) in [
        ("mysql://root@127.0.0.1:3306/prepbot", "\"mysql://\""),
        ("127.0.0.1:5432/prepbot", "is not a URL"),
        (
            "postgres://postgres@127.0.0.1:5432/prepbot'",
            "is in quotes",
        ),
        (
            "\"postgres://postgres@127.0.0.1:5432/prepbot\"",
            "is in quotes",
        ),
    ] {
        let err = Store::connect_within(url, Duration::from_secs(5))
            .await
            .expect_err("not PostgreSQL");
        assert!(matches!(err, StoreError::NotPostgres(_)), "{url}: {err:?}");
        let msg = err.to_string();
        assert!(
            msg.contains(scheme) && msg.contains("in PostgreSQL:"),
            "{msg}"
        );
    }
    // Both spellings PostgreSQL documents are taken, in any case.
    for url in [
        "postgresql://postgres@127.0.0.1:5432/",
        " postgres://postgres@127.0.0.1:5432/ ",
        "POSTGRES://postgres@127.0.0.1:5432/",
    ] {
        let err = Store::connect_within(url, Duration::from_secs(5))
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::NoDatabase), "{url}: {err:?}");
    }
}

/// Replicas started together on a new database: every one of them creates
/// it or finds it made, and none fails on the others' CREATE DATABASE.
#[tokio::test]
async fn several_processes_creating_the_same_new_database_at_once_all_start() {
    let name = format!("prepbot_race_{:08x}", rand::random::<u32>());
    let url = format!("postgres://postgres@127.0.0.1:5432/{name}");
    let starts = (0..4).map(|_| Store::connect_within(&url, Duration::from_secs(30)));
    let stores = futures::future::join_all(starts).await;
    let admin = sqlx::PgPool::connect("postgres://postgres@127.0.0.1:5432/postgres")
        .await
        .unwrap();
    for store in stores.iter().flatten() {
        store.pool().close().await;
    }
    sqlx::query(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
        .execute(&admin)
        .await
        .unwrap();
    for s in stores {
        s.expect("every start succeeds");
    }
}
