//! A question's schema and fixture, checked statement by statement before
//! anything runs. Only two shapes are accepted:
//!
//! - `CREATE [TEMP] TABLE [IF NOT EXISTS] name ( … )` with nothing after the
//!   column list (no `AS SELECT`, `INHERITS`, `PARTITION`, `WITH`,
//!   `TABLESPACE`, `ON COMMIT`), an unqualified name, and no function call in
//!   it except type modifiers and a few pure functions (`lower`, `now` …);
//! - `INSERT INTO name [(columns)] VALUES (…), …` whose values are literals:
//!   strings, numbers, NULL/TRUE/FALSE/DEFAULT, signs, casts, `ARRAY[…]`.
//!
//! So a schema cannot end the sandbox transaction (`COMMIT`), change a role
//! (`ALTER ROLE … PASSWORD`, `SET`), call a function with side effects
//! (`set_config`, `pg_sleep`), or read the catalogs. The sandbox runs each
//! accepted statement on its own over the extended protocol (one statement
//! per message) as the read-only reader role, so a statement the validator
//! misjudged still cannot do more than that role can. Uploads (`/questions
//! add`), `bank check` and every grading go through [`Fixture::parse`].

use super::guard::system_name;
use super::lexer::{tokens, Tok, Token};

/// Most statements in a schema or fixture.
pub const MAX_STATEMENTS: usize = 500;
/// Longest schema or fixture, in characters.
pub const MAX_CHARS: usize = 200_000;

/// Names that may be followed by `(` in a table definition or a value: type
/// modifiers, constraint keywords and pure functions without side effects.
const CALL_OK: &[&str] = &[
    "key",
    "unique",
    "check",
    "in",
    "and",
    "or",
    "not",
    "as",
    "identity",
    "default",
    "when",
    "then",
    "else",
    "numeric",
    "decimal",
    "dec",
    "varchar",
    "char",
    "character",
    "varying",
    "bit",
    "varbit",
    "timestamp",
    "timestamptz",
    "time",
    "timetz",
    "interval",
    "float",
    "lower",
    "upper",
    "length",
    "char_length",
    "abs",
    "round",
    "trim",
    "coalesce",
    "nullif",
    "greatest",
    "least",
    "now",
    "cast",
    "array",
];

/// Words accepted among literal values.
const VALUE_WORDS: &[&str] = &[
    "null",
    "true",
    "false",
    "default",
    "array",
    "precision",
    "with",
    "without",
    "time",
    "zone",
    "varying",
];

/// Words refused anywhere in a table definition.
const TABLE_DENY: &[&str] = &[
    "select",
    "tablespace",
    "inherits",
    "partition",
    "using",
    "exclude",
];

/// A schema and fixture that passed the check, as the statements to run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fixture {
    statements: Vec<String>,
}

/// Why a schema or fixture was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FixtureError {
    #[error("the {part}'s statement {number} (`{excerpt}`) is not allowed: {why}")]
    Refused {
        part: &'static str,
        number: usize,
        excerpt: String,
        why: String,
    },
    #[error("the {0} has an unterminated {1}")]
    Unterminated(&'static str, &'static str),
    #[error("the {0} is too long: at most {MAX_STATEMENTS} statements and {MAX_CHARS} characters")]
    TooLong(&'static str),
}

impl Fixture {
    /// Checks every statement of `schema` and `fixture`.
    pub fn parse(schema: &str, fixture: &str) -> Result<Self, FixtureError> {
        let mut statements = split("schema", schema)?;
        statements.extend(split("fixture", fixture)?);
        Ok(Self { statements })
    }

    /// The statements, in order, each without its `;`.
    pub fn statements(&self) -> &[String] {
        &self.statements
    }
}

/// Splits `text` at top-level `;` and checks each statement.
fn split(part: &'static str, text: &str) -> Result<Vec<String>, FixtureError> {
    if text.chars().count() > MAX_CHARS {
        return Err(FixtureError::TooLong(part));
    }
    let toks = tokens(text).map_err(|u| FixtureError::Unterminated(part, u.0))?;
    let pieces: Vec<&[Token]> = toks
        .split(|t| t.tok == Tok::Punct(';'))
        .filter(|s| !s.is_empty())
        .collect();
    if pieces.len() > MAX_STATEMENTS {
        return Err(FixtureError::TooLong(part));
    }
    let mut out = Vec::with_capacity(pieces.len());
    for (i, stmt) in pieces.into_iter().enumerate() {
        let sql = &text[stmt[0].start..stmt[stmt.len() - 1].end];
        if let Err(why) = statement(stmt) {
            let excerpt: String = sql.split_whitespace().collect::<Vec<_>>().join(" ");
            let mut excerpt: String = excerpt.chars().take(60).collect();
            if excerpt.len() < sql.len() && excerpt.chars().count() == 60 {
                excerpt.push('…');
            }
            return Err(FixtureError::Refused {
                part,
                number: i + 1,
                excerpt,
                why,
            });
        }
        out.push(sql.to_owned());
    }
    Ok(out)
}

fn word(t: Option<&Token>) -> Option<&str> {
    match t.map(|t| &t.tok) {
        Some(Tok::Word(w)) => Some(w.as_str()),
        _ => None,
    }
}

fn is_name(t: Option<&Token>) -> bool {
    matches!(t.map(|t| &t.tok), Some(Tok::Word(_) | Tok::Quoted(_)))
}

const ONLY: &str =
    "only CREATE TABLE and INSERT INTO … VALUES statements may set up a question's tables";

fn statement(t: &[Token]) -> Result<(), String> {
    if let Some(name) = t.iter().find_map(|t| system_name(&t.tok)) {
        return Err(format!(
            "`{name}` refers to the server's catalogs or settings"
        ));
    }
    match word(t.first()) {
        Some("create") => create_table(t),
        Some("insert") => insert(t),
        _ => Err(ONLY.into()),
    }
}

/// The index of the `)` closing the `(` at `open`.
fn closing(t: &[Token], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (k, tok) in t.iter().enumerate().skip(open) {
        match tok.tok {
            Tok::Punct('(') => depth += 1,
            Tok::Punct(')') => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(k);
                }
            }
            _ => {}
        }
    }
    None
}

fn create_table(t: &[Token]) -> Result<(), String> {
    let mut i = 1;
    if matches!(word(t.get(i)), Some("temp" | "temporary")) {
        i += 1;
    }
    if word(t.get(i)) != Some("table") {
        return Err(ONLY.into());
    }
    i += 1;
    if word(t.get(i)) == Some("if") {
        if (word(t.get(i + 1)), word(t.get(i + 2))) != (Some("not"), Some("exists")) {
            return Err("expected IF NOT EXISTS".into());
        }
        i += 3;
    }
    if !is_name(t.get(i)) || t.get(i + 1).map(|x| &x.tok) != Some(&Tok::Punct('(')) {
        return Err(
            "expected an unqualified table name and its column list in parentheses (no AS SELECT)"
                .into(),
        );
    }
    let close = closing(t, i + 1).ok_or("the column list is not closed")?;
    if close + 1 != t.len() {
        return Err("nothing may follow the column list (no INHERITS, PARTITION BY, WITH, ON COMMIT or TABLESPACE)".into());
    }
    let body = &t[i + 2..close];
    if let Some(w) = body
        .iter()
        .find_map(|x| word(Some(x)).filter(|w| TABLE_DENY.contains(w)))
    {
        return Err(format!(
            "`{}` is not allowed in a table definition",
            w.to_uppercase()
        ));
    }
    no_calls(body)
}

/// Refuses function calls (other than [`CALL_OK`]), qualified names and
/// parameters.
fn no_calls(t: &[Token]) -> Result<(), String> {
    for (k, tok) in t.iter().enumerate() {
        let calls = t.get(k + 1).map(|x| &x.tok) == Some(&Tok::Punct('('));
        let after_references = k > 0 && word(t.get(k - 1)) == Some("references");
        match &tok.tok {
            Tok::Word(w) if calls && !CALL_OK.contains(&w.as_str()) && !after_references => {
                return Err(format!("it calls `{w}(…)`; only literal values and plain column definitions are allowed"));
            }
            Tok::Quoted(q) if calls && !after_references => {
                return Err(format!(
                    "it calls `\"{q}\"(…)`; only literal values are allowed"
                ));
            }
            Tok::Punct('.') => return Err("names must not be qualified with a schema".into()),
            Tok::Param | Tok::Punct('$') => return Err("parameters are not allowed".into()),
            _ => {}
        }
    }
    Ok(())
}

fn insert(t: &[Token]) -> Result<(), String> {
    if word(t.get(1)) != Some("into") || !is_name(t.get(2)) {
        return Err("expected INSERT INTO and an unqualified table name".into());
    }
    let mut i = 3;
    if t.get(i).map(|x| &x.tok) == Some(&Tok::Punct('(')) {
        let close = closing(t, i).ok_or("the column list is not closed")?;
        let plain = t[i + 1..close]
            .iter()
            .all(|x| is_name(Some(x)) || x.tok == Tok::Punct(','));
        if !plain {
            return Err("the column list may only name columns".into());
        }
        i = close + 1;
    }
    if word(t.get(i)) != Some("values") {
        return Err("only INSERT … VALUES with literal values is allowed (no SELECT, DEFAULT VALUES or WITH)".into());
    }
    literal_values(&t[i + 1..])
}

/// Checks that the rows after VALUES hold only literal values.
fn literal_values(t: &[Token]) -> Result<(), String> {
    for (k, tok) in t.iter().enumerate() {
        let prev = k.checked_sub(1).and_then(|p| t.get(p)).map(|x| &x.tok);
        let next = t.get(k + 1).map(|x| &x.tok);
        let after_cast = prev == Some(&Tok::Op("::".into()));
        let ok = match &tok.tok {
            Tok::Str | Tok::Number => true,
            Tok::Punct(c) => "(),[]".contains(*c),
            Tok::Op(op) => matches!(op.as_str(), "-" | "+" | "::" | "*" | "/" | "||" | "%"),
            Tok::Word(w) => {
                VALUE_WORDS.contains(&w.as_str())
                    || after_cast
                    || next == Some(&Tok::Str)
                    || (next == Some(&Tok::Punct('(')) && CALL_OK.contains(&w.as_str()))
            }
            Tok::Quoted(_) => after_cast,
            Tok::UnicodeQuoted | Tok::Param => false,
        };
        if !ok {
            let what = match &tok.tok {
                Tok::Word(w) => format!("`{w}`"),
                Tok::Op(op) => format!("the operator `{op}`"),
                _ => "this".to_owned(),
            };
            return Err(format!(
                "{what} is not a literal value; a fixture's rows may hold only strings, numbers, NULL, TRUE/FALSE and casts"
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
#[path = "fixture_tests.rs"]
mod tests;
