//! SQL questions end to end through the engine, with the real sandbox: a
//! custom question's set-up cannot escape the sandbox (roles and settings
//! compared before and after each hostile upload), a slip is feedback rather
//! than an answer and retries are limited in PostgreSQL, a resource limit is
//! a wrong answer, and every answer saved ungraded shows in /flags.

mod common;

use common::*;
use prepbot::domain::reply::Body;
use prepbot::grading::{Grading, KeyPointGrader, SqlGrader, Verdict};
use sqlx::PgPool;
use std::sync::Arc;

const SCHEMA: &str = "CREATE TABLE orders (order_id int PRIMARY KEY, customer_id int NOT NULL, amount numeric(10,2) NOT NULL);";
const FIXTURE: &str =
    "INSERT INTO orders VALUES (1, 1, 10.00), (2, 1, 5.00), (3, 2, 7.50), (4, 3, 1.00);";
const SOLUTION: &str = "SELECT customer_id, sum(amount) FROM orders GROUP BY customer_id";
const GOOD: &str = "select customer_id, sum(amount) as total from orders group by 1";

/// A one-question bank file for `/questions add`.
fn sql_file(id: &str, schema: &str, fixture: &str, solution: &str) -> String {
    let q = |s: &str| toml::Value::String(s.into()).to_string();
    format!(
        "[[question]]\nid = \"{id}\"\ntopic = \"sql\"\ndifficulty = \"easy\"\nformat = \"sql\"\n\
         prompt = \"Total amount per customer from `orders(order_id, customer_id, amount)`: customer_id, total.\"\n\
         answer = \"Group by customer and sum the amounts.\"\nexplanation = \"SUM with GROUP BY.\"\n\
         schema = {}\nfixture = {}\nsolution = {}\n",
        q(schema),
        q(fixture),
        q(solution)
    )
}

/// An engine with the real SQL sandbox, and the grader (to inspect and drop it).
async fn sql_world(pool: &PgPool) -> (World, Arc<SqlGrader>) {
    let g = Arc::new(
        SqlGrader::connect_with((*pool.connect_options()).clone())
            .await
            .expect("sandbox set-up"),
    );
    let grading = Grading::new(Box::new(KeyPointGrader::default()), Some(g.clone()));
    let clock = Arc::new(prepbot::domain::clock::ManualClock::new(utc(
        2026, 11, 24, 10, 0,
    )));
    (
        World::with_grading(pool.clone(), clock, Arc::new(grading)),
        g,
    )
}

/// Adds the standard question (again after a restart: `replace:true`
/// replaces it) and gives `who` a quiz of it.
async fn quiz(w: &World, who: &str) {
    let file = sql_file("team-sql-totals", SCHEMA, FIXTURE, SOLUTION);
    let r = w
        .run(
            &admin("lead"),
            &format!("/questions add replace:true {file}"),
        )
        .await;
    assert!(text(&r).contains("Added 1"), "{}", text(&r));
    let r = w.run(&member(who), "/quiz format:sql").await;
    let Body::Question(card) = &r.reply.body else {
        panic!("{}", text(&r))
    };
    assert_eq!(card.question_id.as_str(), "team-sql-totals");
}

async fn answers(pool: &PgPool) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM answers")
        .fetch_one(pool)
        .await
        .unwrap()
}

/// The sandbox's roles, their settings, and the two databases, as text rows.
async fn cluster_state(pool: &PgPool, g: &SqlGrader) -> Vec<String> {
    let login = g.sandbox().login_role().to_owned();
    let roles = vec![login.clone(), format!("{login}_ro"), "postgres".to_owned()];
    let main: String = sqlx::query_scalar("SELECT current_database()")
        .fetch_one(pool)
        .await
        .unwrap();
    let dbs = vec![main, login];
    let mut rows: Vec<String> = sqlx::query_scalar(
        "SELECT row(rolname, rolsuper, rolinherit, rolcreaterole, rolcreatedb, rolcanlogin, rolreplication,
                    rolbypassrls, rolconnlimit, rolpassword, rolvaliduntil)::text
         FROM pg_authid WHERE rolname = ANY($1) ORDER BY rolname",
    )
    .bind(&roles)
    .fetch_all(pool)
    .await
    .unwrap();
    let settings: Vec<String> = sqlx::query_scalar(
        "SELECT row(s.setdatabase, s.setrole, s.setconfig)::text FROM pg_db_role_setting s
         WHERE s.setrole IN (SELECT oid FROM pg_roles WHERE rolname = ANY($1))
            OR s.setdatabase IN (SELECT oid FROM pg_database WHERE datname = ANY($2))
            OR (s.setrole = 0 AND s.setdatabase = 0)
         ORDER BY 1",
    )
    .bind(&roles)
    .bind(&dbs)
    .fetch_all(pool)
    .await
    .unwrap();
    let databases: Vec<String> = sqlx::query_scalar(
        "SELECT row(datname, datdba, datallowconn, datconnlimit, datacl)::text FROM pg_database
         WHERE datname = ANY($1) ORDER BY datname",
    )
    .bind(&dbs)
    .fetch_all(pool)
    .await
    .unwrap();
    rows.extend(settings);
    rows.extend(databases);
    rows
}

#[sqlx::test]
async fn hostile_custom_sql_questions_are_refused_and_leave_roles_and_settings_untouched(
    pool: PgPool,
) {
    let (w, g) = sql_world(&pool).await;
    let escape = "COMMIT; ALTER ROLE CURRENT_USER PASSWORD 'owned'; ALTER ROLE CURRENT_USER SET statement_timeout=0; COMMIT; BEGIN; CREATE TABLE orders (order_id int, customer_id int, amount numeric);";
    let then = |extra: &str| format!("{SCHEMA} {extra}");
    let cases: Vec<(String, String, &str, &str)> = vec![
        (escape.into(), FIXTURE.into(), SOLUTION, "schema's statement 1 (`COMMIT`)"),
        (then("ALTER ROLE CURRENT_USER SET statement_timeout = 0"), FIXTURE.into(), SOLUTION, "schema's statement 2"),
        (SCHEMA.into(), format!("{FIXTURE} COMMIT; ALTER ROLE CURRENT_USER PASSWORD 'owned'"), SOLUTION, "fixture's statement 2"),
        (then("DO $$ BEGIN EXECUTE 'ALTER ROLE CURRENT_USER SET statement_timeout = 0'; END $$"), FIXTURE.into(), SOLUTION, "schema's statement 2"),
        ("CREATE TABLE orders (order_id int, customer_id int, amount text DEFAULT set_config('statement_timeout', '0', false))".into(), FIXTURE.into(), SOLUTION, "`set_config`"),
        ("CREATE TABLE orders AS SELECT rolname FROM pg_roles".into(), FIXTURE.into(), SOLUTION, "schema's statement 1"),
        (SCHEMA.into(), "INSERT INTO orders SELECT oid::int, 1, 1 FROM pg_authid".into(), SOLUTION, "fixture's statement 1"),
        (SCHEMA.into(), "INSERT INTO orders VALUES (1, 1, (SELECT 1))".into(), SOLUTION, "`select` is not a literal value"),
        (then("/* ; */ RESET ROLE"), FIXTURE.into(), SOLUTION, "schema's statement 2"),
        (then("SET SESSION AUTHORIZATION postgres"), FIXTURE.into(), SOLUTION, "schema's statement 2"),
        (then("CREATE TABLE t (x text DEFAULT 'a'';ALTER ROLE x') /* ; */ ; COMMIT"), FIXTURE.into(), SOLUTION, "schema's statement 3"),
        (SCHEMA.into(), FIXTURE.into(), "SELECT rolname, rolsuper FROM pg_roles", "`pg_roles` is not available here"),
        (SCHEMA.into(), FIXTURE.into(), "SELECT customer_id, version() FROM orders", "`version` is not available here"),
    ];
    let before = cluster_state(&pool, &g).await;
    for (i, (schema, fixture, solution, needle)) in cases.iter().enumerate() {
        let file = sql_file(&format!("team-hostile-{i}"), schema, fixture, solution);
        let r = w
            .run(&admin("lead"), &format!("/questions add {file}"))
            .await;
        let Body::Error(msg) = &r.reply.body else {
            panic!("case {i} was accepted: {}", text(&r))
        };
        assert!(
            msg.starts_with("Nothing was added.") && msg.contains(needle),
            "case {i}: {msg}"
        );
        assert_eq!(
            cluster_state(&pool, &g).await,
            before,
            "case {i} changed the cluster"
        );
    }
    let list = w.run(&admin("lead"), "/questions list").await;
    assert!(
        text(&list).contains("0 custom questions"),
        "{}",
        text(&list)
    );
    // The sandbox still grades, with its time limit in force.
    quiz(&w, "ana").await;
    let r = w.run(&member("ana"), &format!("/answer {GOOD}")).await;
    let Body::Feedback(f) = &r.reply.body else {
        panic!("{}", text(&r))
    };
    assert_eq!(f.grade.verdict, Verdict::Correct);
    g.destroy().await.unwrap();
}

#[sqlx::test]
async fn a_custom_sql_question_whose_reference_solution_fails_is_refused(pool: PgPool) {
    let (w, g) = sql_world(&pool).await;
    let broken = sql_file(
        "team-sql-broken",
        SCHEMA,
        FIXTURE,
        "SELECT customer, sum(amount) FROM orders GROUP BY 1",
    );
    let r = w
        .run(&admin("lead"), &format!("/questions add {broken}"))
        .await;
    let Body::Error(msg) = &r.reply.body else {
        panic!("{}", text(&r))
    };
    assert!(
        msg.contains("the reference solution does not run")
            && msg.contains("\"customer\" does not exist"),
        "{msg}"
    );
    let empty = sql_file(
        "team-sql-empty",
        SCHEMA,
        FIXTURE,
        "SELECT customer_id FROM orders WHERE amount < 0",
    );
    let r = w
        .run(&admin("lead"), &format!("/questions add {empty}"))
        .await;
    assert!(text(&r).contains("returns no rows"), "{}", text(&r));
    assert!(text(&w.run(&admin("lead"), "/questions list").await).contains("0 custom questions"));
    g.destroy().await.unwrap();
}

#[sqlx::test]
async fn a_sql_slip_is_feedback_to_fix_and_the_fixed_query_is_the_answer(pool: PgPool) {
    let (w, g) = sql_world(&pool).await;
    quiz(&w, "ana").await;
    for (slip, says) in [
        (
            "SELECT customer_id, sum(amount) FORM orders GROUP BY 1",
            "syntax error",
        ),
        (
            "SELECT customer_id, 'oops FROM orders",
            "unterminated string literal",
        ),
        (
            "I would group the orders by customer and add up the amounts",
            "not `I`",
        ),
        ("DROP TABLE orders", "not `DROP`"),
    ] {
        let r = w.run(&member("ana"), &format!("/answer {slip}")).await;
        let Body::Error(msg) = &r.reply.body else {
            panic!("{slip}: {}", text(&r))
        };
        assert!(
            msg.starts_with("Not recorded as your answer") && msg.contains(says),
            "{slip}: {msg}"
        );
        assert!(msg.contains("Fix it and send again"), "{msg}");
        assert_eq!(answers(&pool).await, 0, "{slip} was recorded");
    }
    let r = w.run(&member("ana"), &format!("/answer {GOOD}")).await;
    let Body::Feedback(f) = &r.reply.body else {
        panic!("{}", text(&r))
    };
    assert_eq!(f.grade.verdict, Verdict::Correct);
    assert!(f.points > 0);
    assert_eq!(answers(&pool).await, 1);
    g.destroy().await.unwrap();
}

#[sqlx::test]
async fn sql_retries_are_limited_per_person_and_question_and_survive_a_restart(pool: PgPool) {
    let (w, g) = sql_world(&pool).await;
    quiz(&w, "ana").await;
    for n in 1..=5 {
        let r = w
            .run(&member("ana"), "/answer SELECT nope FROM orders")
            .await;
        let msg = text(&r);
        let left = if n == 5 {
            "That was your last try".to_owned()
        } else {
            format!("{} tr", 5 - n)
        };
        assert!(msg.contains(&left), "try {n}: {msg}");
    }
    let restarted = World::with_grading(
        pool.clone(),
        w.clock.clone(),
        Arc::new(Grading::new(
            Box::new(KeyPointGrader::default()),
            Some(g.clone()),
        )),
    );
    let r = restarted
        .run(&member("ana"), &format!("/answer {GOOD}"))
        .await;
    let Body::Error(msg) = &r.reply.body else {
        panic!("{}", text(&r))
    };
    assert!(msg.contains("used all 5 tries"), "{msg}");
    let tries: i32 = sqlx::query_scalar("SELECT tries FROM sql_attempts")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!((tries, answers(&pool).await), (5, 0));
    // Someone else still has all their tries.
    quiz(&restarted, "ben").await;
    let r = restarted
        .run(&member("ben"), &format!("/answer {GOOD}"))
        .await;
    assert!(matches!(r.reply.body, Body::Feedback(_)), "{}", text(&r));
    g.destroy().await.unwrap();
}

#[sqlx::test]
async fn a_query_over_a_resource_limit_is_graded_incorrect_and_recorded(pool: PgPool) {
    let (w, g) = sql_world(&pool).await;
    quiz(&w, "ana").await;
    let r = w
        .run(&member("ana"), "/answer select count(*) from (select g, repeat('x', 8000) r from generate_series(1, 100000) g order by r, g desc) s")
        .await;
    let Body::Feedback(f) = &r.reply.body else {
        panic!("{}", text(&r))
    };
    assert_eq!(f.grade.verdict, Verdict::Incorrect);
    assert!(
        f.grade.detail.join(" ").contains("temporary disk space"),
        "{:?}",
        f.grade.detail
    );
    let verdict: Option<String> = sqlx::query_scalar("SELECT verdict FROM answers")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(verdict.as_deref(), Some("incorrect"));
    g.destroy().await.unwrap();
}

#[sqlx::test]
async fn every_answer_saved_ungraded_appears_in_flags_until_regraded(pool: PgPool) {
    let (w, g) = sql_world(&pool).await;
    quiz(&w, "ana").await;
    // The sandbox goes down: its role cannot log in.
    let role = g.sandbox().login_role().to_owned();
    sqlx::raw_sql(&format!("ALTER ROLE \"{role}\" NOLOGIN"))
        .execute(&pool)
        .await
        .unwrap();
    let r = w.run(&member("ana"), &format!("/answer {GOOD}")).await;
    assert!(
        text(&r).contains("cannot be graded right now"),
        "{}",
        text(&r)
    );
    let flags = text(&w.run(&admin("lead"), "/flags").await);
    assert!(
        flags.contains("by ana to #1 (`team-sql-totals`, ungraded)"),
        "{flags}"
    );
    let id: i64 = sqlx::query_scalar("SELECT id FROM answers")
        .fetch_one(&pool)
        .await
        .unwrap();
    let r = w
        .run(&admin("lead"), &format!("/regrade {id} correct"))
        .await;
    assert!(text(&r).contains("ungraded -> correct"), "{}", text(&r));
    assert!(text(&w.run(&admin("lead"), "/flags").await).contains("No open flags"));
    g.destroy().await.unwrap();
}
