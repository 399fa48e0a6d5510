//! The SQL grader against a real PostgreSQL: correct alternatives pass, wrong
//! results say what differed, slips (errors, refused statements) come back
//! to be fixed rather than graded, resource limits are graded incorrect, and
//! hostile queries fail safely without touching the bot's own tables. Each
//! test gets a fresh database from `#[sqlx::test]` (DATABASE_URL) and builds
//! its own sandbox next to it. More hostile cases: tests/sql_sandbox_security.rs.

use prepbot::bank::{
    Difficulty, Question, QuestionId, QuestionKind, SolutionRunner, SqlTask, Topic,
};
use prepbot::grading::{Grade, GradeError, Grader, SqlGrader, Submission, Verdict};
use sqlx::PgPool;
use std::time::{Duration, Instant};

const SCHEMA: &str = "CREATE TABLE orders (order_id int PRIMARY KEY, customer_id int NOT NULL, amount numeric(10,2) NOT NULL, ordered_on date NOT NULL);\n\
                      CREATE TABLE customers (customer_id int PRIMARY KEY, name text NOT NULL);";
const FIXTURE: &str = "INSERT INTO customers VALUES (1, 'Ann'), (2, 'Bob'), (3, 'Cid');\n\
                       INSERT INTO orders VALUES (10, 1, 20.00, '2024-01-01'), (11, 1, 5.50, '2024-01-03'), (12, 2, 7.25, '2024-01-02'), (13, 2, 1.00, '2024-01-05');";

fn question(id: &str, solution: &str, order_matters: bool) -> Question {
    Question {
        id: QuestionId::parse(id).unwrap(),
        topic: Topic::parse("sql").unwrap(),
        tags: vec![],
        difficulty: Difficulty::Easy,
        prompt: "p".into(),
        answer: "a".into(),
        explanation: "e".into(),
        kind: QuestionKind::Sql(SqlTask {
            schema: SCHEMA.into(),
            fixture: FIXTURE.into(),
            solution: solution.into(),
            order_matters,
        }),
        source: None,
        version_note: None,
        summary: None,
        hint: None,
    }
}

/// Customers who ordered, with their next order's amount after the first.
fn customers_with_orders() -> Question {
    question(
        "sql-customers-with-orders",
        "SELECT c.customer_id, c.name FROM customers c WHERE c.customer_id IN (SELECT customer_id FROM orders)",
        false,
    )
}

fn next_order() -> Question {
    question(
        "sql-next-order",
        "SELECT order_id, LEAD(order_id) OVER (PARTITION BY customer_id ORDER BY ordered_on) FROM orders ORDER BY order_id",
        true,
    )
}

async fn grader(pool: &PgPool) -> SqlGrader {
    SqlGrader::connect_with((*pool.connect_options()).clone())
        .await
        .expect("sandbox set-up")
}

async fn grade(g: &SqlGrader, q: &Question, sql: &str) -> Grade {
    g.grade(q, &Submission::Text(sql.into()))
        .await
        .expect("graded")
}

#[sqlx::test(migrations = false)]
async fn correct_alternatives_pass_and_wrong_results_say_what_differed(pool: PgPool) {
    let g = grader(&pool).await;
    let q = customers_with_orders();
    let exists = "select customer_id, name from customers c where exists (select 1 from orders o where o.customer_id = c.customer_id);";
    assert_eq!(grade(&g, &q, exists).await.verdict, Verdict::Correct);
    let join = "SELECT DISTINCT c.customer_id AS id, c.name AS who FROM customers c JOIN orders o USING (customer_id)";
    assert_eq!(grade(&g, &q, join).await.verdict, Verdict::Correct);
    let dup = grade(
        &g,
        &q,
        "SELECT c.customer_id, c.name FROM customers c JOIN orders o USING (customer_id)",
    )
    .await;
    assert_eq!(dup.verdict, Verdict::Incorrect);
    assert_eq!(dup.detail[0], "Expected 2 row(s), your query returned 4.");
    assert!(
        dup.detail
            .iter()
            .any(|d| d.starts_with("Unexpected row: (1, 'Ann')")),
        "{:?}",
        dup.detail
    );
    let all = grade(&g, &q, "SELECT customer_id, name FROM customers").await;
    assert!(
        all.detail
            .contains(&"Unexpected row: (3, 'Cid')".to_owned()),
        "{:?}",
        all.detail
    );
    let swapped = grade(
        &g,
        &q,
        "SELECT name, customer_id FROM customers WHERE customer_id < 3",
    )
    .await;
    assert!(
        swapped
            .detail
            .contains(&"Missing row: (1, 'Ann')".to_owned()),
        "{:?}",
        swapped.detail
    );
    let narrow = grade(&g, &q, "SELECT customer_id FROM customers").await;
    assert_eq!(
        narrow.detail,
        vec!["Expected 2 column(s), your query returned 1."]
    );
    g.destroy().await.unwrap();
}

#[sqlx::test(migrations = false)]
async fn a_self_join_can_replace_lead_and_order_is_checked_when_it_matters(pool: PgPool) {
    let g = grader(&pool).await;
    let q = next_order();
    let self_join = "SELECT a.order_id, (SELECT b.order_id FROM orders b WHERE b.customer_id = a.customer_id AND b.ordered_on > a.ordered_on ORDER BY b.ordered_on LIMIT 1) FROM orders a ORDER BY a.order_id";
    assert_eq!(grade(&g, &q, self_join).await.verdict, Verdict::Correct);
    let unordered = grade(
        &g,
        &q,
        &self_join.replace("ORDER BY a.order_id", "ORDER BY a.order_id DESC"),
    )
    .await;
    assert_eq!(unordered.verdict, Verdict::Partial);
    assert!(
        unordered.detail[0].contains("order"),
        "{:?}",
        unordered.detail
    );
    g.destroy().await.unwrap();
}

#[sqlx::test(migrations = false)]
async fn numbers_compare_with_a_tolerance(pool: PgPool) {
    let g = grader(&pool).await;
    let q = question(
        "sql-avg",
        "SELECT customer_id, AVG(amount) FROM orders GROUP BY customer_id",
        false,
    );
    let float = "SELECT customer_id, SUM(amount)::float8 / COUNT(*) FROM orders GROUP BY 1";
    assert_eq!(grade(&g, &q, float).await.verdict, Verdict::Correct);
    let int = grade(
        &g,
        &q,
        "SELECT customer_id, (SUM(amount) / COUNT(*))::int FROM orders GROUP BY 1",
    )
    .await;
    assert_eq!(int.verdict, Verdict::Incorrect);
    g.destroy().await.unwrap();
}

/// The feedback for a query to fix and send again; panics if it was graded.
async fn slip(g: &SqlGrader, q: &Question, sql: &str) -> String {
    match g.grade(q, &Submission::Text(sql.into())).await {
        Err(GradeError::Retry(msg)) => msg,
        other => panic!("{sql}: expected a slip to fix, got {other:?}"),
    }
}

#[sqlx::test(migrations = false)]
async fn a_syntax_error_comes_back_as_postgres_own_message_to_fix(pool: PgPool) {
    let g = grader(&pool).await;
    let q = customers_with_orders();
    let bad = slip(&g, &q, "SELECT customer_id FORM customers").await;
    assert_eq!(bad, "PostgreSQL: syntax error at or near \"customers\"");
    let typo = slip(&g, &q, "SELECT customer FROM customers").await;
    assert!(
        typo.starts_with("PostgreSQL: column \"customer\" does not exist"),
        "{typo}"
    );
    g.destroy().await.unwrap();
}

/// Asserts that `sql` comes back as a slip whose message contains `needle`.
async fn refused(g: &SqlGrader, q: &Question, sql: &str, needle: &str) {
    let msg = slip(g, q, sql).await;
    assert!(msg.contains(needle), "{sql}: expected `{needle}` in {msg}");
}

/// Asserts that `sql` is graded incorrect with a detail containing `needle`.
async fn limited(g: &SqlGrader, q: &Question, sql: &str, needle: &str) {
    let grade = grade(g, q, sql).await;
    assert_eq!(grade.verdict, Verdict::Incorrect, "{sql}");
    assert!(
        grade.detail.iter().any(|d| d.contains(needle)),
        "{sql}: expected `{needle}` in {:?}",
        grade.detail
    );
}

#[sqlx::test(migrations = false)]
async fn hostile_queries_fail_safely_and_leave_the_bots_tables_alone(pool: PgPool) {
    sqlx::raw_sql("CREATE TABLE leaderboard (member text, points int); INSERT INTO leaderboard VALUES ('ann', 10);")
        .execute(&pool)
        .await
        .unwrap();
    let g = grader(&pool).await;
    let q = customers_with_orders();
    let only_queries = "Only a single SELECT";
    refused(&g, &q, "DROP TABLE orders", only_queries).await;
    refused(
        &g,
        &q,
        "INSERT INTO orders VALUES (99, 1, 1, '2024-01-01')",
        only_queries,
    )
    .await;
    refused(&g, &q, "UPDATE orders SET amount = 0", only_queries).await;
    refused(&g, &q, "COPY orders TO PROGRAM 'id'", only_queries).await;
    refused(&g, &q, "SET ROLE postgres", only_queries).await;
    refused(
        &g,
        &q,
        "SELECT 1; DROP TABLE leaderboard",
        "exactly one statement",
    )
    .await;
    refused(&g, &q, "SELECT 1 ; SELECT 2;", "exactly one statement").await;
    refused(
        &g,
        &q,
        &format!("SELECT '{}'", "x".repeat(9000)),
        "characters long",
    )
    .await;
    refused(
        &g,
        &q,
        "WITH d AS (DELETE FROM orders RETURNING *) SELECT * FROM d",
        "data-modifying",
    )
    .await;
    // Row locks on the session's own temp tables are harmless: the
    // transaction is rolled back, so it is graded like any other query.
    limited(
        &g,
        &q,
        "SELECT * FROM orders FOR UPDATE",
        "Expected 2 column(s)",
    )
    .await;
    refused(
        &g,
        &q,
        "SELECT set_config('role', 'postgres', true)",
        "`set_config` is not available here",
    )
    .await;
    refused(
        &g,
        &q,
        "SELECT * FROM pg_authid",
        "`pg_authid` is not available here",
    )
    .await;
    refused(
        &g,
        &q,
        "SELECT passwd FROM pg_catalog.pg_shadow",
        "`pg_catalog` is not available here",
    )
    .await;
    refused(
        &g,
        &q,
        "SELECT query FROM pg_stat_activity",
        "`pg_stat_activity` is not available here",
    )
    .await;
    refused(
        &g,
        &q,
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity",
        "`pg_terminate_backend` is not available here",
    )
    .await;
    refused(
        &g,
        &q,
        "SELECT pg_read_file('/etc/passwd')",
        "`pg_read_file` is not available here",
    )
    .await;
    refused(
        &g,
        &q,
        "SELECT * FROM dblink('dbname=postgres', 'SELECT 1') AS t(x int)",
        "`dblink` is not available here",
    )
    .await;
    refused(
        &g,
        &q,
        "SELECT * FROM leaderboard",
        "relation \"leaderboard\" does not exist",
    )
    .await;
    refused(
        &g,
        &q,
        "SELECT * FROM public.leaderboard",
        "permission denied for schema public",
    )
    .await;
    let start = Instant::now();
    refused(
        &g,
        &q,
        "SELECT pg_sleep(60)",
        "`pg_sleep` is not available here",
    )
    .await;
    // 2.5 billion rows from two in-memory sets: CPU only, so the clock stops it.
    let forever = "SELECT count(*) FROM generate_series(1, 50000) a, generate_series(1, 50000) b";
    limited(&g, &q, forever, "longer than 2 s").await;
    limited(&g, &q, "SELECT count(*) FROM orders a, orders b, orders c, orders d, orders e, orders f, orders g, orders h, orders i, orders j, orders k, orders l, orders m, orders n, orders o", "longer than 2 s").await;
    assert!(
        start.elapsed() < Duration::from_secs(40),
        "timeouts took {:?}",
        start.elapsed()
    );
    limited(
        &g,
        &q,
        "SELECT a.*, b.*, c.* FROM orders a, orders b, orders c, orders d, orders e, orders f",
        "more than 1000 rows",
    )
    .await;
    let points: i32 = sqlx::query_scalar("SELECT points FROM leaderboard WHERE member = 'ann'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(points, 10);
    let ok = grade(
        &g,
        &q,
        "SELECT customer_id, name FROM customers WHERE customer_id IN (1, 2)",
    )
    .await;
    assert_eq!(ok.verdict, Verdict::Correct, "{:?}", ok.detail);
    g.destroy().await.unwrap();
}

#[sqlx::test(migrations = false)]
async fn another_sessions_fixtures_cannot_be_seen(pool: PgPool) {
    let g = grader(&pool).await;
    let mut secret = customers_with_orders();
    if let QuestionKind::Sql(task) = &mut secret.kind {
        task.schema = "CREATE TABLE secret_answers (x text)".into();
        task.fixture = "INSERT INTO secret_answers VALUES ('42')".into();
        task.solution = "SELECT x FROM secret_answers".into();
    }
    let q = customers_with_orders();
    let slow = grade(
        &g,
        &secret,
        "SELECT x FROM secret_answers WHERE (SELECT count(*) FROM generate_series(1, 3000) a, generate_series(1, 3000) b) > 0",
    );
    let peek = async {
        tokio::time::sleep(Duration::from_millis(300)).await;
        let catalog = slip(
            &g,
            &q,
            "SELECT count(*) FROM pg_class WHERE relname = 'secret_answers'",
        )
        .await;
        let direct = slip(&g, &q, "SELECT * FROM secret_answers").await;
        (catalog, direct)
    };
    let (slow, (catalog, direct)) = tokio::join!(slow, peek);
    assert_eq!(slow.verdict, Verdict::Correct, "{:?}", slow.detail);
    assert!(
        catalog.contains("`pg_class` is not available here"),
        "{catalog}"
    );
    assert!(direct.contains("does not exist"), "{direct}");
    g.destroy().await.unwrap();
}

#[sqlx::test(migrations = false)]
async fn the_sandbox_runs_reference_solutions_for_bank_check(pool: PgPool) {
    let g = grader(&pool).await;
    let QuestionKind::Sql(task) = customers_with_orders().kind else {
        unreachable!()
    };
    assert_eq!(g.run_solution(&task).await, Ok(2));
    let mut broken = task.clone();
    broken.solution = "SELECT nope FROM customers".into();
    assert!(g.run_solution(&broken).await.unwrap_err().contains("nope"));
    g.destroy().await.unwrap();
}

#[derive(serde::Deserialize)]
struct Alternatives {
    case: Vec<Alternative>,
}

#[derive(serde::Deserialize)]
struct Alternative {
    question_id: String,
    expect: String,
    #[serde(default)]
    note: String,
    query: String,
}

/// Every case of tests/grading/sql_alternatives.toml (correct alternatives
/// and plausible wrong queries written with the SQL questions) against the
/// real bank in questions/.
#[sqlx::test(migrations = false)]
async fn the_written_alternatives_grade_as_expected(pool: PgPool) {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let bank = prepbot::bank::load_dir(&root.join("questions")).expect("bank loads");
    if bank.is_empty() {
        eprintln!("skipped: questions/ holds no question files");
        return;
    }
    let text = std::fs::read_to_string(root.join("tests/grading/sql_alternatives.toml")).unwrap();
    let cases: Alternatives = toml::from_str(&text).unwrap();
    let g = grader(&pool).await;
    let mut failures = Vec::new();
    for c in &cases.case {
        let id = QuestionId::parse(&c.question_id).unwrap();
        let q = bank
            .get(&id)
            .unwrap_or_else(|| panic!("unknown question {}", c.question_id));
        let want = if c.expect == "correct" {
            Verdict::Correct
        } else {
            Verdict::Incorrect
        };
        let got = grade(&g, q, &c.query).await;
        let ok = match want {
            Verdict::Correct => got.verdict == Verdict::Correct,
            _ => got.verdict != Verdict::Correct,
        };
        if !ok {
            failures.push(format!(
                "{} [{}] {}: got {} {:?}",
                c.question_id, c.expect, c.note, got.verdict, got.detail
            ));
        }
    }
    g.destroy().await.unwrap();
    println!("{} alternative queries graded", cases.case.len());
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.case.len(),
        failures.join("\n")
    );
}
