//! Comparing a query's result with the reference solution's.
//!
//! Column names do not matter; column count and order do. Rows compare as a
//! multiset, or in order when the question says order matters. Numbers
//! compare with a small relative tolerance, so `AVG` over numeric and over
//! float agree, and `3` equals `3.00`. Other values compare as PostgreSQL
//! prints them, so a timestamp is not a date. Feedback says what differed: column count, row count, a missing
//! row, an extra row, the first row out of place.

use std::fmt;

/// Relative tolerance for numbers.
const REL_TOLERANCE: f64 = 1e-6;
/// Rows shown in feedback, at most, per kind of difference.
const SHOWN: usize = 3;

/// One value of a result, from PostgreSQL's text output.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Null,
    Number(f64, String),
    Text(String),
}

impl Cell {
    /// Builds a cell from a text value and its column's type name ("INT4").
    pub fn from_text(value: Option<&str>, type_name: &str) -> Cell {
        match value {
            None => Cell::Null,
            Some(v) if is_numeric(type_name) => match v.parse::<f64>() {
                Ok(f) => Cell::Number(f, v.to_owned()),
                Err(_) => Cell::Text(v.to_owned()),
            },
            Some(v) => Cell::Text(v.to_owned()),
        }
    }

    fn same(&self, other: &Cell) -> bool {
        match (self, other) {
            (Cell::Null, Cell::Null) => true,
            (Cell::Number(a, _), Cell::Number(b, _)) => close(*a, *b),
            (Cell::Number(a, _), Cell::Text(t)) | (Cell::Text(t), Cell::Number(a, _)) => {
                t.trim().parse::<f64>().is_ok_and(|b| close(*a, b))
            }
            (Cell::Text(a), Cell::Text(b)) => a == b,
            _ => false,
        }
    }
}

impl fmt::Display for Cell {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cell::Null => f.write_str("NULL"),
            Cell::Number(_, s) => f.write_str(s),
            Cell::Text(s) => write!(f, "'{}'", s.replace('\'', "''")),
        }
    }
}

fn is_numeric(type_name: &str) -> bool {
    matches!(
        type_name,
        "INT2" | "INT4" | "INT8" | "FLOAT4" | "FLOAT8" | "NUMERIC" | "OID" | "MONEY"
    )
}

fn close(a: f64, b: f64) -> bool {
    a == b || (a - b).abs() <= REL_TOLERANCE * a.abs().max(b.abs()).max(1.0)
}

/// The rows a query returned.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ResultSet {
    /// Column count; `None` when no row came back and so no shape is known.
    pub columns: Option<usize>,
    pub rows: Vec<Vec<Cell>>,
}

fn same_row(a: &[Cell], b: &[Cell]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.same(y))
}

/// Renders a row as `(1, 'Alice', NULL)`.
pub fn show(row: &[Cell]) -> String {
    let cells: Vec<String> = row.iter().map(ToString::to_string).collect();
    format!("({})", cells.join(", "))
}

/// How the submitted result differs from the expected one; empty if it matches.
pub fn differences(expected: &ResultSet, got: &ResultSet, order_matters: bool) -> Vec<String> {
    if let (Some(e), Some(g)) = (expected.columns, got.columns) {
        if e != g {
            return vec![format!("Expected {e} column(s), your query returned {g}.")];
        }
    }
    let mut out = Vec::new();
    if expected.rows.len() != got.rows.len() {
        out.push(format!(
            "Expected {} row(s), your query returned {}.",
            expected.rows.len(),
            got.rows.len()
        ));
    }
    let (missing, extra) = unmatched(&expected.rows, &got.rows);
    out.extend(listed("Missing row", &missing));
    out.extend(listed("Unexpected row", &extra));
    if out.is_empty() && order_matters {
        if let Some(i) =
            (0..expected.rows.len()).find(|&i| !same_row(&expected.rows[i], &got.rows[i]))
        {
            out.push(format!(
                "The rows are right but the order is not: row {} should be {}, yours is {}.",
                i + 1,
                show(&expected.rows[i]),
                show(&got.rows[i])
            ));
        }
    }
    out
}

fn listed(what: &str, rows: &[&Vec<Cell>]) -> Vec<String> {
    let mut out: Vec<String> = rows
        .iter()
        .take(SHOWN)
        .map(|r| format!("{what}: {}", show(r)))
        .collect();
    if rows.len() > SHOWN {
        out.push(format!("...and {} more.", rows.len() - SHOWN));
    }
    out
}

/// Rows of `expected` with no partner in `got`, and rows of `got` left over,
/// matching greedily as multisets.
fn unmatched<'a>(
    expected: &'a [Vec<Cell>],
    got: &'a [Vec<Cell>],
) -> (Vec<&'a Vec<Cell>>, Vec<&'a Vec<Cell>>) {
    let mut used = vec![false; got.len()];
    let mut missing = Vec::new();
    for e in expected {
        match (0..got.len()).find(|&j| !used[j] && same_row(e, &got[j])) {
            Some(j) => used[j] = true,
            None => missing.push(e),
        }
    }
    let extra = got
        .iter()
        .zip(&used)
        .filter(|(_, u)| !**u)
        .map(|(g, _)| g)
        .collect();
    (missing, extra)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rs(rows: &[&[&str]]) -> ResultSet {
        ResultSet {
            columns: rows.first().map(|r| r.len()),
            rows: rows
                .iter()
                .map(|r| {
                    r.iter()
                        .map(|v| match *v {
                            "NULL" => Cell::Null,
                            v if v.parse::<f64>().is_ok() => Cell::from_text(Some(v), "NUMERIC"),
                            v => Cell::from_text(Some(v), "TEXT"),
                        })
                        .collect()
                })
                .collect(),
        }
    }

    #[test]
    fn rows_compare_as_a_multiset_unless_order_matters() {
        let a = rs(&[&["1", "x"], &["2", "y"]]);
        let b = rs(&[&["2", "y"], &["1", "x"]]);
        assert!(differences(&a, &b, false).is_empty());
        let d = differences(&a, &b, true);
        assert!(d[0].contains("order"), "{d:?}");
    }

    #[test]
    fn numbers_compare_with_a_tolerance() {
        let a = rs(&[&["42.857142857142857", "3"]]);
        let b = rs(&[&["42.857142857142854", "3.00"]]);
        assert!(differences(&a, &b, false).is_empty());
        let c = rs(&[&["42", "3"]]);
        assert!(!differences(&a, &c, false).is_empty());
    }

    #[test]
    fn feedback_names_the_row_count_and_the_rows_that_differ() {
        let a = rs(&[&["1", "x"], &["2", "y"]]);
        let b = rs(&[&["1", "x"], &["2", "z"], &["3", "NULL"]]);
        let d = differences(&a, &b, false);
        assert_eq!(d[0], "Expected 2 row(s), your query returned 3.");
        assert!(d.contains(&"Missing row: (2, 'y')".to_owned()), "{d:?}");
        assert!(d.contains(&"Unexpected row: (3, NULL)".to_owned()), "{d:?}");
    }

    #[test]
    fn duplicates_count() {
        let a = rs(&[&["1"], &["1"]]);
        let b = rs(&[&["1"]]);
        assert!(!differences(&a, &b, false).is_empty());
    }

    #[test]
    fn a_different_column_count_is_reported_first() {
        let a = rs(&[&["1", "x"]]);
        let b = rs(&[&["1"]]);
        assert_eq!(
            differences(&a, &b, false),
            vec!["Expected 2 column(s), your query returned 1."]
        );
    }

    #[test]
    fn a_timestamp_is_not_a_date() {
        let a = rs(&[&["2024-01-01"]]);
        let b = rs(&[&["2024-01-01 00:00:00"]]);
        assert!(!differences(&a, &b, false).is_empty());
    }
}
