//! The SQL sandbox's security against a real PostgreSQL: the cluster stays
//! hidden (at the guard and, past it, in the sandbox database), a query over
//! a resource limit is a wrong answer rather than an outage, set-ups from
//! several processes share one stable password, and a question whose set-up
//! is not plain CREATE TABLE / INSERT is refused (the `bank check` path).

use prepbot::bank::{SolutionRunner, SqlTask};
use prepbot::grading::sql::Fixture;
use prepbot::grading::{GradeError, Grader, SqlGrader, Submission, Verdict};
use sqlx::PgPool;

const SCHEMA: &str = "CREATE TABLE orders (order_id int PRIMARY KEY, customer_id int NOT NULL);";
const FIXTURE: &str = "INSERT INTO orders VALUES (10, 1), (11, 1), (12, 2);";

fn task(solution: &str) -> SqlTask {
    SqlTask {
        schema: SCHEMA.into(),
        fixture: FIXTURE.into(),
        solution: solution.into(),
        order_matters: false,
    }
}

fn question(solution: &str) -> prepbot::bank::Question {
    use prepbot::bank::*;
    Question {
        id: QuestionId::parse("sql-orders").unwrap(),
        topic: Topic::parse("sql").unwrap(),
        tags: vec![],
        difficulty: Difficulty::Easy,
        prompt: "p".into(),
        answer: "a".into(),
        explanation: "e".into(),
        kind: QuestionKind::Sql(task(solution)),
        source: None,
        version_note: None,
        summary: None,
        hint: None,
    }
}

async fn grader(pool: &PgPool) -> SqlGrader {
    SqlGrader::connect_with((*pool.connect_options()).clone())
        .await
        .expect("sandbox set-up")
}

async fn submit(g: &SqlGrader, sql: &str) -> Result<prepbot::grading::Grade, GradeError> {
    let q = question("SELECT order_id FROM orders");
    g.grade(&q, &Submission::Text(sql.into())).await
}

/// The login role's stored password verifier and settings.
async fn login_role(pool: &PgPool, g: &SqlGrader) -> (Option<String>, Option<Vec<String>>) {
    sqlx::query_as(
        "SELECT a.rolpassword, s.setconfig FROM pg_authid a \
         LEFT JOIN pg_db_role_setting s ON s.setrole = a.oid AND s.setdatabase = 0 \
         WHERE a.rolname = $1",
    )
    .bind(g.sandbox().login_role())
    .fetch_one(pool)
    .await
    .unwrap()
}

#[sqlx::test(migrations = false)]
async fn the_cluster_stays_hidden_and_the_refusal_says_why(pool: PgPool) {
    let g = grader(&pool).await;
    for sql in [
        "select datname from pg_database",
        "select rolname, rolsuper from pg_roles",
        "select version()",
        "select * from \"PG_CATALOG\".\"pg_roles\"",
        "select rolname from pg_catalog . pg_roles",
        "select * from \"pg_catalog\".pg_database",
        "select table_catalog from information_schema.tables",
        "select current_setting('server_version')",
        "select current_user",
        "select usename from U&\"\\0070g_user\"",
    ] {
        match submit(&g, sql).await {
            Err(GradeError::Retry(msg)) => {
                assert!(msg.contains("is not available here"), "{sql}: {msg}");
                assert!(!msg.contains("postgres"), "{sql}: {msg}");
            }
            other => panic!("{sql}: {other:?}"),
        }
    }
    g.destroy().await.unwrap();
}

#[sqlx::test(migrations = false)]
async fn past_the_guard_the_sandbox_database_still_hides_the_cluster(pool: PgPool) {
    let g = grader(&pool).await;
    let fixture = Fixture::parse(SCHEMA, FIXTURE).unwrap();
    for (sql, denied) in [
        ("SELECT datname FROM pg_database", "table pg_database"),
        ("SELECT rolname FROM pg_roles", "view pg_roles"),
        ("SELECT name, setting FROM pg_settings", "view pg_settings"),
        ("SELECT version()", "function version"),
        (
            "SELECT current_setting('server_version')",
            "function current_setting",
        ),
        ("SELECT pg_get_userbyid(10)", "function pg_get_userbyid"),
        (
            "SELECT password FROM prepbot_private.sandbox_secret",
            "schema prepbot_private",
        ),
    ] {
        let outcomes = g.sandbox().run(&fixture, &[sql]).await.unwrap();
        let err = outcomes[0].as_ref().expect_err(sql).to_string();
        assert!(
            err.contains(&format!("permission denied for {denied}")),
            "{sql}: {err}"
        );
    }
    // The bot's own database is untouched by the sandbox's revokes.
    let visible: i64 = sqlx::query_scalar("SELECT count(*) FROM pg_database")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(visible > 1);
    g.destroy().await.unwrap();
}

#[sqlx::test(migrations = false)]
async fn a_query_over_the_temp_file_limit_is_graded_incorrect_with_a_clear_message(pool: PgPool) {
    let g = grader(&pool).await;
    // Wide rows sorted: 64 MB of temporary disk within milliseconds, so the
    // disk limit, not the 2 s clock, stops it even on a loaded machine.
    let sql = "select count(*) from (select g, repeat('x', 8000) r from generate_series(1, 100000) g order by r, g desc) s";
    let grade = submit(&g, sql).await.expect("graded, not an outage");
    assert_eq!(grade.verdict, Verdict::Incorrect);
    let detail = grade.detail.join(" ");
    assert!(
        detail.contains("more temporary disk space (temp_file_limit) than the sandbox allows")
            && detail.contains("Graded incorrect"),
        "{detail}"
    );
    let ok = submit(&g, "SELECT order_id FROM orders").await.unwrap();
    assert_eq!(ok.verdict, Verdict::Correct, "the sandbox still works");
    g.destroy().await.unwrap();
}

#[sqlx::test(migrations = false)]
async fn sandboxes_set_up_at_once_share_one_stable_password_and_all_grade(pool: PgPool) {
    let opts = (*pool.connect_options()).clone();
    let (a, b) = tokio::join!(
        SqlGrader::connect_with(opts.clone()),
        SqlGrader::connect_with(opts.clone())
    );
    let (a, b) = (a.expect("first set-up"), b.expect("concurrent set-up"));
    let before = login_role(&pool, &a).await;
    assert!(before.0.is_some(), "the login role has a password");
    // A third process (a replica, `prepbot grade`, `bank check`) starting later.
    let c = grader(&pool).await;
    assert_eq!(
        login_role(&pool, &c).await,
        before,
        "a later start changed nothing"
    );
    let settings = before.1.unwrap_or_default();
    assert!(
        settings.contains(&"statement_timeout=2000".to_owned()),
        "{settings:?}"
    );
    assert!(
        settings.contains(&"temp_file_limit=64MB".to_owned()),
        "{settings:?}"
    );
    for g in [&a, &b, &c] {
        let grade = submit(g, "SELECT order_id FROM orders").await.unwrap();
        assert_eq!(grade.verdict, Verdict::Correct);
    }
    a.destroy().await.unwrap();
}

#[sqlx::test(migrations = false)]
async fn a_start_repairs_a_login_role_whose_settings_were_changed(pool: PgPool) {
    let g = grader(&pool).await;
    let role = g.sandbox().login_role().to_owned();
    sqlx::raw_sql(&format!(
        "ALTER ROLE \"{role}\" SET statement_timeout = 0; ALTER ROLE \"{role}\" SET search_path = public"
    ))
    .execute(&pool)
    .await
    .unwrap();
    let again = grader(&pool).await;
    let (_, settings) = login_role(&pool, &again).await;
    let settings = settings.unwrap_or_default();
    assert!(
        settings.contains(&"statement_timeout=2000".to_owned()),
        "{settings:?}"
    );
    assert!(
        !settings.iter().any(|s| s.starts_with("search_path")),
        "{settings:?}"
    );
    g.destroy().await.unwrap();
}

#[sqlx::test(migrations = false)]
async fn bank_check_refuses_a_set_up_that_is_not_create_table_and_insert(pool: PgPool) {
    let g = grader(&pool).await;
    let before = login_role(&pool, &g).await;
    let mut escape = task("SELECT order_id FROM orders");
    escape.schema = "CREATE TABLE orders (order_id int); COMMIT; ALTER ROLE CURRENT_USER PASSWORD 'x'; ALTER ROLE CURRENT_USER SET statement_timeout=0; COMMIT; BEGIN;".into();
    let err = g.run_solution(&escape).await.unwrap_err();
    assert!(
        err.contains("schema's statement 2 (`COMMIT`) is not allowed"),
        "{err}"
    );
    let mut rows = task("SELECT order_id FROM orders");
    rows.fixture = "INSERT INTO orders VALUES (1, 1); SET statement_timeout = 0".into();
    let err = g.run_solution(&rows).await.unwrap_err();
    assert!(err.contains("fixture's statement 2"), "{err}");
    let mut peek = task("SELECT rolname FROM pg_roles");
    peek.fixture = FIXTURE.into();
    let err = g.run_solution(&peek).await.unwrap_err();
    assert!(err.contains("`pg_roles` is not available here"), "{err}");
    assert_eq!(login_role(&pool, &g).await, before);
    assert_eq!(
        g.run_solution(&task("SELECT order_id FROM orders")).await,
        Ok(3)
    );
    g.destroy().await.unwrap();
}

#[test]
fn every_shipped_sql_question_passes_the_set_up_check() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let bank = prepbot::bank::load_dir(&root.join("questions")).expect("bank loads");
    let mut checked = 0;
    for q in bank.questions() {
        if let prepbot::bank::QuestionKind::Sql(t) = &q.kind {
            Fixture::parse(&t.schema, &t.fixture).unwrap_or_else(|e| panic!("{}: {e}", q.id));
            checked += 1;
        }
    }
    assert!(checked >= 30, "only {checked} sql questions");
}
