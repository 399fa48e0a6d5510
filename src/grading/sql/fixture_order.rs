//! The fixture rules `bank check` enforces by code: how many rows each table
//! gets, and the same fixture with its rows in the reverse order, so a
//! reference solution whose result depends on the order of rows that tie
//! (PostgreSQL returns a fresh table's rows in insertion order, which no
//! query may rely on) is caught before people are graded against it.

use super::lexer::{tokens, Tok, Token};

fn word(t: Option<&Token>) -> Option<&str> {
    match t.map(|t| &t.tok) {
        Some(Tok::Word(w)) => Some(w.as_str()),
        _ => None,
    }
}

fn name(t: Option<&Token>) -> Option<String> {
    match t.map(|t| &t.tok) {
        Some(Tok::Word(w) | Tok::Quoted(w)) => Some(w.clone()),
        _ => None,
    }
}

/// Splits lexed text at top-level `;`.
fn statements(toks: &[Token]) -> Vec<&[Token]> {
    toks.split(|t| t.tok == Tok::Punct(';'))
        .filter(|s| !s.is_empty())
        .collect()
}

/// The table a `CREATE TABLE` statement creates.
fn created(t: &[Token]) -> Option<String> {
    if word(t.first()) != Some("create") {
        return None;
    }
    let mut i = 1;
    if matches!(word(t.get(i)), Some("temp" | "temporary")) {
        i += 1;
    }
    if word(t.get(i)) != Some("table") {
        return None;
    }
    i += 1;
    if word(t.get(i)) == Some("if") {
        i += 3;
    }
    name(t.get(i))
}

/// An `INSERT INTO name … VALUES (…), (…)`: the table, the index of the
/// first token after `VALUES`, and each row's first and last token index.
struct Insert {
    table: String,
    values_end: usize,
    rows: Vec<(usize, usize)>,
}

fn insert(t: &[Token]) -> Option<Insert> {
    if word(t.first()) != Some("insert") || word(t.get(1)) != Some("into") {
        return None;
    }
    let table = name(t.get(2))?;
    let values = t.iter().position(|x| word(Some(x)) == Some("values"))?;
    let mut rows = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (k, tok) in t.iter().enumerate().skip(values + 1) {
        match tok.tok {
            Tok::Punct('(' | '[') => {
                if depth == 0 {
                    start = k;
                }
                depth += 1;
            }
            Tok::Punct(')' | ']') => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    rows.push((start, k));
                }
            }
            _ => {}
        }
    }
    Some(Insert {
        table,
        values_end: values + 1,
        rows,
    })
}

/// Rows each table of `schema` gets from `fixture`, in the schema's order
/// (a table without rows counts 0; a table only the fixture names is added).
pub fn rows_per_table(schema: &str, fixture: &str) -> Result<Vec<(String, usize)>, String> {
    let schema_toks =
        tokens(schema).map_err(|u| format!("the schema has an unterminated {}", u.0))?;
    let mut counts: Vec<(String, usize)> = statements(&schema_toks)
        .into_iter()
        .filter_map(created)
        .map(|t| (t, 0))
        .collect();
    let toks = tokens(fixture).map_err(|u| format!("the fixture has an unterminated {}", u.0))?;
    for ins in statements(&toks).into_iter().filter_map(insert) {
        match counts.iter_mut().find(|(t, _)| *t == ins.table) {
            Some((_, n)) => *n += ins.rows.len(),
            None => counts.push((ins.table, ins.rows.len())),
        }
    }
    Ok(counts)
}

/// Another order to insert a fixture's rows in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reorder {
    /// The `INSERT` statements reversed, and the rows inside each.
    Reverse,
    /// In each `INSERT`, the second, fourth, ... rows first, then the first,
    /// third, ...: tied rows that reversing would keep together still move.
    Interleave,
}

impl Reorder {
    pub const ALL: [Reorder; 2] = [Reorder::Reverse, Reorder::Interleave];

    fn rows(self, rows: Vec<&str>) -> Vec<&str> {
        match self {
            Reorder::Reverse => rows.into_iter().rev().collect(),
            Reorder::Interleave => {
                let odd = rows.iter().skip(1).step_by(2);
                odd.chain(rows.iter().step_by(2)).copied().collect()
            }
        }
    }
}

/// `fixture` with every table's rows inserted in the reverse order: the
/// `INSERT` statements are reversed, and so are the rows inside each.
pub fn reversed(fixture: &str) -> Result<String, String> {
    reordered(fixture, Reorder::Reverse)
}

/// `fixture` with the same rows inserted in another order.
pub fn reordered(fixture: &str, how: Reorder) -> Result<String, String> {
    let toks = tokens(fixture).map_err(|u| format!("the fixture has an unterminated {}", u.0))?;
    let mut out: Vec<String> = Vec::new();
    for stmt in statements(&toks) {
        let text = &fixture[stmt[0].start..stmt[stmt.len() - 1].end];
        let Some(ins) = insert(stmt) else {
            out.push(text.to_owned());
            continue;
        };
        let head = &fixture[stmt[0].start..stmt[ins.values_end - 1].end];
        let rows: Vec<&str> = ins
            .rows
            .iter()
            .map(|&(a, b)| &fixture[stmt[a].start..stmt[b].end])
            .collect();
        out.push(format!("{head} {}", how.rows(rows).join(", ")));
    }
    if how == Reorder::Reverse {
        out.reverse();
    }
    Ok(out.iter().map(|s| format!("{s};\n")).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCHEMA: &str =
        "CREATE TABLE t (x int, s text);\nCREATE TABLE IF NOT EXISTS \"Empty\" (y int);";
    const FIXTURE: &str = "INSERT INTO t VALUES (1, 'a;b'), (2, ARRAY_TEXT), (3, '(x)');\n\
                           INSERT INTO t (x, s) VALUES (4, NULL);";

    #[test]
    fn rows_are_counted_per_table_including_tables_without_rows() {
        assert_eq!(
            rows_per_table(SCHEMA, FIXTURE).unwrap(),
            [("t".to_owned(), 4), ("Empty".to_owned(), 0)]
        );
    }

    #[test]
    fn the_reversed_fixture_inserts_the_same_rows_last_first() {
        let r = reversed(FIXTURE).unwrap();
        assert_eq!(
            r,
            "INSERT INTO t (x, s) VALUES (4, NULL);\n\
             INSERT INTO t VALUES (3, '(x)'), (2, ARRAY_TEXT), (1, 'a;b');\n"
        );
        assert_eq!(
            rows_per_table(SCHEMA, &r).unwrap(),
            rows_per_table(SCHEMA, FIXTURE).unwrap()
        );
    }

    #[test]
    fn interleaving_moves_rows_that_reversing_keeps_together() {
        let fixture = "INSERT INTO t VALUES (1), (2), (3), (4), (5);";
        assert_eq!(
            reordered(fixture, Reorder::Interleave).unwrap(),
            "INSERT INTO t VALUES (2), (4), (1), (3), (5);\n"
        );
    }
}
