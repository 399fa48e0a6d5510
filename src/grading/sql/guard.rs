//! First line of defence for submitted SQL: length, exactly one statement,
//! that statement a query, and no system catalog or server function. It
//! works on [`super::lexer`] tokens, so a ';' or a name inside a literal,
//! quoted identifier, dollar quote or comment is data.
//!
//! The query check is a friendly early rejection with a clear message; the
//! sandbox also runs the text inside `DECLARE ... CURSOR FOR` over the
//! extended protocol (one statement, a query only), in a read-only
//! transaction, as a role that can only read its fixtures. The system-name
//! check keeps the cluster hidden: PostgreSQL lets every role read most of
//! `pg_catalog` (every database's and role's name) and call `version()`, so
//! names starting with `pg_`, `information_schema`, the `reg*` lookup types
//! and the functions that reveal the server or run SQL given as text are
//! refused here, and the sandbox database also revokes the worst of them
//! (see [`super::setup`]).

use super::lexer::{self, Tok, Token};

/// Longest query accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 8000;

/// Why a query was refused before running.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("Your query is empty")]
    Empty,
    #[error("Your query is {0} characters long; the limit is {MAX_QUERY_CHARS}")]
    TooLong(usize),
    #[error("Send exactly one statement: remove the `;` in the middle of your query")]
    Several,
    #[error("Only a single SELECT (or WITH ... SELECT) query is allowed, not `{0}`")]
    NotAQuery(String),
    #[error("Your query has an unterminated {0}")]
    Unterminated(&'static str),
    #[error("`{0}` is not available here: queries may only read the question's tables, not the server's catalogs, settings or information functions")]
    System(String),
}

/// Functions and names that reveal the server, its databases and roles, or
/// run SQL given as a string (and so could reach the catalogs indirectly).
const SYSTEM_NAMES: &[&str] = &[
    "information_schema",
    "version",
    "current_setting",
    "set_config",
    "current_database",
    "current_catalog",
    "current_user",
    "session_user",
    "current_role",
    "system_user",
    "current_schema",
    "current_schemas",
    "current_query",
    "inet_server_addr",
    "inet_server_port",
    "inet_client_addr",
    "inet_client_port",
    "txid_current",
    "txid_current_if_assigned",
    "txid_current_snapshot",
    "txid_status",
    "obj_description",
    "col_description",
    "shobj_description",
    "ts_stat",
    "ts_rewrite",
    "row_security_active",
    "dblink",
    "regclass",
    "regcollation",
    "regconfig",
    "regdictionary",
    "regnamespace",
    "regoper",
    "regoperator",
    "regproc",
    "regprocedure",
    "regrole",
    "regtype",
];

/// The system name a token refers to, if it is one. Quoted names are
/// compared without case too: `"PG_CATALOG"` is refused with a clear message
/// rather than left to fail as an unknown schema.
pub(super) fn system_name(tok: &Tok) -> Option<String> {
    let (name, quoted) = match tok {
        Tok::Word(w) => (w.clone(), false),
        Tok::Quoted(q) => (q.to_lowercase(), true),
        Tok::UnicodeQuoted => return Some("U&\"…\" (escaped identifier)".into()),
        _ => return None,
    };
    let hidden = name.starts_with("pg_")
        || name.starts_with("to_reg")
        || (name.starts_with("has_") && name.ends_with("_privilege"))
        || name.contains("_to_xml")
        || SYSTEM_NAMES.contains(&name.as_str())
        // Unquoted `user` is CURRENT_USER; "user" is an ordinary name.
        || (!quoted && name == "user");
    hidden.then_some(name)
}

/// Checks `sql` and returns it without a trailing `;`.
pub fn check(sql: &str) -> Result<&str, Refusal> {
    let n = sql.chars().count();
    if n > MAX_QUERY_CHARS {
        return Err(Refusal::TooLong(n));
    }
    let toks =
        lexer::tokens(sql).map_err(|lexer::Unterminated(what)| Refusal::Unterminated(what))?;
    let (body, cut) = match toks.split_last() {
        Some((last, rest)) if last.tok == Tok::Punct(';') => (rest, last.start),
        _ => (&toks[..], sql.len()),
    };
    if body.iter().any(|t| t.tok == Tok::Punct(';')) {
        return Err(Refusal::Several);
    }
    match body.iter().find(|t| t.tok != Tok::Punct('(')) {
        None => return Err(Refusal::Empty),
        Some(Token {
            tok: Tok::Word(w), ..
        }) if matches!(w.as_str(), "select" | "with" | "values" | "table") => {}
        Some(t) => return Err(Refusal::NotAQuery(first_word(&sql[t.start..t.end]))),
    }
    if let Some(name) = body.iter().find_map(|t| system_name(&t.tok)) {
        return Err(Refusal::System(name));
    }
    Ok(sql[..cut].trim_end())
}

fn first_word(text: &str) -> String {
    let word: String = text.chars().take(30).collect();
    word.to_uppercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_select_passes_and_loses_its_trailing_semicolon() {
        assert_eq!(check("SELECT 1;  \n"), Ok("SELECT 1"));
        assert_eq!(check("SELECT 'é' ; -- done"), Ok("SELECT 'é'"));
        assert_eq!(
            check("with x as (select 1) select * from x"),
            Ok("with x as (select 1) select * from x")
        );
        assert!(check("(SELECT 1) UNION (SELECT 2)").is_ok());
    }

    #[test]
    fn semicolons_inside_literals_and_comments_are_fine() {
        assert!(check("SELECT ';', \"a;b\" FROM t -- ; drop\n").is_ok());
        assert!(check("SELECT $$;$$, $x$ ; $x$ /* ; /* ; */ */").is_ok());
        assert!(check("SELECT E'\\';' AS x").is_ok());
    }

    #[test]
    fn chained_statements_are_refused() {
        assert_eq!(check("SELECT 1; DROP TABLE orders"), Err(Refusal::Several));
        assert_eq!(check("SELECT 1; -- x\n SELECT 2"), Err(Refusal::Several));
    }

    #[test]
    fn statements_that_are_not_queries_are_refused() {
        for sql in [
            "DROP TABLE orders",
            "insert into t values (1)",
            "SET ROLE postgres",
            "COPY t TO STDOUT",
            "  update t set a = 1",
            "/* hi */ DELETE FROM t",
        ] {
            assert!(matches!(check(sql), Err(Refusal::NotAQuery(_))), "{sql}");
        }
    }

    #[test]
    fn empty_long_and_unterminated_queries_are_refused() {
        assert_eq!(check(" -- nothing\n"), Err(Refusal::Empty));
        assert!(matches!(
            check(&"x".repeat(MAX_QUERY_CHARS + 1)),
            Err(Refusal::TooLong(_))
        ));
        assert!(matches!(
            check("SELECT 'abc"),
            Err(Refusal::Unterminated(_))
        ));
    }

    #[test]
    fn catalogs_and_server_functions_are_refused_however_they_are_spelled() {
        for (sql, name) in [
            ("select datname from pg_database", "pg_database"),
            ("select rolname, rolsuper from pg_roles", "pg_roles"),
            ("select version()", "version"),
            ("SELECT * FROM \"PG_CATALOG\".\"pg_roles\"", "pg_catalog"),
            ("select * from pg_catalog . pg_roles", "pg_catalog"),
            (
                "select table_name from INFORMATION_SCHEMA.tables",
                "information_schema",
            ),
            (
                "select current_setting('data_directory')",
                "current_setting",
            ),
            ("select 'postgres'::regrole", "regrole"),
            ("select to_regclass('x')", "to_regclass"),
            (
                "select query_to_xml('select 1', true, true, '')",
                "query_to_xml",
            ),
            (
                "select has_database_privilege('postgres', 'connect')",
                "has_database_privilege",
            ),
            ("select user", "user"),
            ("select \"current_user\"()", "current_user"),
        ] {
            assert_eq!(check(sql), Err(Refusal::System(name.into())), "{sql}");
        }
        assert!(matches!(
            check("select * from U&\"\\0070g_roles\""),
            Err(Refusal::System(_))
        ));
    }

    #[test]
    fn ordinary_names_that_look_close_are_fine() {
        for sql in [
            "SELECT \"user\", page_views, pg FROM t",
            "SELECT 'pg_roles', $$version()$$ FROM t -- pg_database",
            "SELECT generate_series(1, 3), now()::date",
        ] {
            assert!(check(sql).is_ok(), "{sql}");
        }
    }
}
