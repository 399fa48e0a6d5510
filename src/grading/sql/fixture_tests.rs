//! Unit tests of the schema and fixture check.

use super::*;

const SCHEMA: &str = "CREATE TABLE orders (\n  order_id int PRIMARY KEY,\n  amount numeric(10,2) NOT NULL CHECK (amount >= 0),\n  status text DEFAULT 'new' CHECK (status IN ('new', 'done')),\n  customer_id int REFERENCES customers (customer_id),\n  at timestamp with time zone DEFAULT now(),\n  UNIQUE (order_id, status)\n);\nCREATE TEMP TABLE IF NOT EXISTS \"Odd;Name\" (x varchar(5)[]);";
const FIXTURE: &str = "INSERT INTO orders VALUES (1, 20.00, 'new', NULL, '2024-01-01 10:00'), (2, -5.5e1, 'it''s; fine', 1, DEFAULT);\n-- a comment; with a semicolon\nINSERT INTO \"Odd;Name\" (x) VALUES (ARRAY['a', 'b']), ('{c}'::varchar(5)[]), (E'\\';'), ($$;$$), (DATE '2024-01-01'::text);";

#[test]
fn plain_tables_and_literal_rows_are_accepted_statement_by_statement() {
    let f = Fixture::parse(SCHEMA, FIXTURE).unwrap();
    assert_eq!(f.statements().len(), 4);
    assert!(f.statements()[1].starts_with("CREATE TEMP TABLE"));
    assert!(f.statements()[3].ends_with("::text)"));
}

fn refused(schema: &str, fixture: &str) -> (usize, String) {
    match Fixture::parse(schema, fixture) {
        Err(FixtureError::Refused { number, why, .. }) => (number, why),
        other => panic!("{schema} / {fixture}: {other:?}"),
    }
}

#[test]
fn transaction_role_and_session_commands_are_refused_with_their_number() {
    let escape = "CREATE TABLE t (x int); COMMIT; ALTER ROLE CURRENT_USER PASSWORD 'x'; ALTER ROLE CURRENT_USER SET statement_timeout=0; COMMIT; BEGIN;";
    assert_eq!(refused(escape, "").0, 2);
    for bad in [
        "SET ROLE postgres",
        "RESET ALL",
        "DO $$ BEGIN EXECUTE 'ALTER ROLE CURRENT_USER SET statement_timeout = 0'; END $$",
        "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1'",
        "CREATE ROLE evil",
        "COPY t FROM PROGRAM 'id'",
        "GRANT ALL ON t TO PUBLIC",
        "END",
    ] {
        assert_eq!(
            refused("CREATE TABLE t (x int)", bad),
            (1, ONLY.into()),
            "{bad}"
        );
    }
}

#[test]
fn tables_built_from_queries_or_functions_are_refused() {
    for bad in [
        "CREATE TABLE t AS SELECT rolname FROM pg_roles",
        "CREATE TABLE t (x int) INHERITS (u)",
        "CREATE TABLE public.t (x int)",
        "CREATE UNLOGGED TABLE t (x int)",
        "CREATE TABLE t (x text DEFAULT set_config('statement_timeout', '0', false))",
        "CREATE TABLE t (x int CHECK (\"pg_sleep\"(1) IS NOT NULL))",
        "CREATE TABLE t (x int DEFAULT nextval('s'))",
        "CREATE TABLE t (x int) WITH (fillfactor = 10)",
        "CREATE TABLE t (x text DEFAULT current_user)",
        "CREATE TABLE t (x regrole)",
    ] {
        assert_eq!(refused(bad, "").0, 1, "{bad}");
    }
}

#[test]
fn rows_that_are_not_literals_are_refused() {
    for bad in [
        "INSERT INTO t SELECT rolname FROM pg_roles",
        "INSERT INTO t VALUES ((SELECT 1))",
        "INSERT INTO t VALUES (set_config('role', 'postgres', false))",
        "INSERT INTO t VALUES (1) RETURNING *",
        "INSERT INTO t VALUES (1) ON CONFLICT DO NOTHING",
        "WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x",
        "INSERT INTO t VALUES (version())",
        "INSERT INTO t VALUES ($1)",
        "INSERT INTO pg_temp.t VALUES (1)",
        "INSERT INTO t DEFAULT VALUES",
    ] {
        assert_eq!(refused("CREATE TABLE t (x text)", bad).0, 1, "{bad}");
    }
}

#[test]
fn hidden_statements_inside_comments_and_quotes_stay_hidden_but_unterminated_ones_fail() {
    let sneaky = "CREATE TABLE t (x text DEFAULT 'a'';ALTER ROLE x') /* ; */ ; /* /* */ ; */";
    assert_eq!(Fixture::parse(sneaky, "").unwrap().statements().len(), 1);
    assert_eq!(
        Fixture::parse("CREATE TABLE t (x text DEFAULT 'a", ""),
        Err(FixtureError::Unterminated("schema", "string literal"))
    );
    assert_eq!(
        refused("CREATE TABLE t (x int); /* */ ALTER ROLE x", "").0,
        2
    );
}
