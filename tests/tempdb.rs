//! The private PostgreSQL that `prepbot console` starts when none answers:
//! a real `initdb` + `pg_ctl` in a temp folder, reached over its Unix socket.
//! Under root it runs as the `postgres` user through `runuser`.

use prepbot::cli::tempdb::{PgTools, TempCluster};
use prepbot::storage::Store;
use std::time::Duration;

#[tokio::test]
async fn a_private_cluster_starts_in_a_folder_serves_prepbot_over_a_socket_and_stops() {
    let tools = PgTools::find().expect("PostgreSQL's initdb and pg_ctl are installed");
    let dir = std::env::temp_dir().join(format!("prepbot-tempdb-{:08x}", rand::random::<u32>()));
    let start_dir = dir.clone();
    let mut cluster = tokio::task::spawn_blocking(move || TempCluster::start(tools, &start_dir))
        .await
        .unwrap()
        .expect("the private cluster starts");
    let url = cluster.url("prepbot");
    assert!(url.contains("host=%2F"), "a Unix socket URL: {url}");

    let store = Store::connect_within(&url, Duration::from_secs(10))
        .await
        .expect("prepbot connects, creates its database and migrates");
    let tables: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'answers'",
    )
    .fetch_one(store.pool())
    .await
    .unwrap();
    assert_eq!(tables, 1);
    store.pool().close().await;

    tokio::task::spawn_blocking(move || cluster.stop())
        .await
        .unwrap()
        .expect("the cluster stops");
    let after = Store::connect_within(&url, Duration::from_secs(3)).await;
    assert!(after.is_err(), "nothing answers once it is stopped");
    assert!(!dir.join("data/postmaster.pid").exists());
    std::fs::remove_dir_all(&dir).unwrap();
}
