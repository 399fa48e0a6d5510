//! Typed reads of one TOML table's keys, each problem reported at the
//! key's own line: the helper every record of `raw` is read with.

use super::{At, Lines, Problems};
use toml_edit::{Item, TableLike, Value};

/// A nested table and the line it starts on.
pub(super) type LineTable<'a> = (usize, &'a dyn TableLike);

/// Reads typed keys out of one table, reporting problems at the key's line.
pub(super) struct Fields<'a, 'p> {
    lines: &'a Lines,
    table: &'a dyn TableLike,
    line: usize,
    p: &'p mut Problems,
}

impl<'a, 'p> Fields<'a, 'p> {
    pub(super) fn new(
        lines: &'a Lines,
        table: &'a dyn TableLike,
        line: usize,
        p: &'p mut Problems,
    ) -> Self {
        Self {
            lines,
            table,
            line,
            p,
        }
    }

    /// The line of `key`, or of the table when the key has no position.
    pub(super) fn key_line(&self, key: &str) -> usize {
        self.table
            .key(key)
            .and_then(|k| k.span())
            .or_else(|| self.table.get(key).and_then(Item::span))
            .map(|s| self.lines.line(s.start))
            .unwrap_or(self.line)
    }

    pub(super) fn unknown(&mut self, allowed: &[&str], place: &str) {
        let unknown: Vec<String> = self
            .table
            .iter()
            .map(|(k, _)| k.to_owned())
            .filter(|k| !allowed.contains(&k.as_str()))
            .collect();
        for k in unknown {
            let line = self.key_line(&k);
            self.p.push(line, format!("unknown key `{k}` {place}"));
        }
    }

    /// Reads `key` with `conv`, reporting a value of the wrong type.
    pub(super) fn get<T>(
        &mut self,
        key: &str,
        what: &str,
        conv: impl Fn(&'a Item) -> Option<T>,
    ) -> Option<At<T>> {
        let table: &'a dyn TableLike = self.table;
        let item = table.get(key)?;
        let line = self.key_line(key);
        match conv(item) {
            Some(value) => Some(At { value, line }),
            None => {
                let found = item.type_name();
                self.p
                    .push(line, format!("`{key}` must be {what}, found {found}"));
                None
            }
        }
    }

    pub(super) fn require<T>(&mut self, key: &str, v: Option<At<T>>) -> Option<At<T>> {
        if v.is_none() && self.table.get(key).is_none() {
            self.p.push(self.line, format!("missing `{key}`"));
        }
        v
    }

    pub(super) fn string(&mut self, key: &str) -> Option<At<String>> {
        self.get(key, "a string", |i| i.as_str().map(str::to_owned))
    }

    pub(super) fn required_string(&mut self, key: &str) -> Option<At<String>> {
        let v = self.string(key);
        self.require(key, v)
    }

    pub(super) fn boolean(&mut self, key: &str) -> Option<At<bool>> {
        self.get(key, "true or false", Item::as_bool)
    }

    pub(super) fn required_bool(&mut self, key: &str) -> Option<At<bool>> {
        let v = self.boolean(key);
        self.require(key, v)
    }

    pub(super) fn integer(&mut self, key: &str) -> Option<At<i64>> {
        self.get(key, "an integer", Item::as_integer)
    }

    pub(super) fn strings(&mut self, key: &str) -> Option<At<Vec<String>>> {
        self.get(key, "a list of strings", |i| {
            i.as_array()?
                .iter()
                .map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
    }

    pub(super) fn string_lists(&mut self, key: &str) -> Option<At<Vec<Vec<String>>>> {
        self.get(key, "a list of lists of strings", |i| {
            i.as_array()?
                .iter()
                .map(|v| {
                    v.as_array()?
                        .iter()
                        .map(|s| s.as_str().map(str::to_owned))
                        .collect()
                })
                .collect()
        })
    }

    /// An array of tables, written either as `[[a.b]]` or as `b = [{...}]`.
    pub(super) fn tables(&mut self, key: &str) -> Option<At<Vec<LineTable<'a>>>> {
        let lines = self.lines;
        let fallback = self.line;
        self.get(key, "a list of tables", move |item| match item {
            Item::ArrayOfTables(a) => Some(
                a.iter()
                    .map(|t| (span_line(lines, t.span(), fallback), t as &dyn TableLike))
                    .collect(),
            ),
            Item::Value(Value::Array(a)) => a
                .iter()
                .map(|v| {
                    let t = v.as_inline_table()?;
                    Some((span_line(lines, t.span(), fallback), t as &dyn TableLike))
                })
                .collect(),
            _ => None,
        })
    }
}

fn span_line(lines: &Lines, span: Option<std::ops::Range<usize>>, fallback: usize) -> usize {
    span.map(|s| lines.line(s.start)).unwrap_or(fallback)
}
