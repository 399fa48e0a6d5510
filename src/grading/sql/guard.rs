//! First line of defence for submitted SQL: length, exactly one statement,
//! and that statement a query. It scans past string literals, quoted
//! identifiers, dollar quotes and comments, so a ';' inside them is fine.
//!
//! This is a friendly early rejection with a clear message, not the security
//! boundary: the sandbox also runs the text inside `DECLARE ... CURSOR FOR`
//! over the extended protocol (one statement, a query only), in a read-only
//! transaction, as a role that can only read its fixtures.

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
}

/// Checks `sql` and returns it without a trailing `;`.
pub fn check(sql: &str) -> Result<&str, Refusal> {
    let n = sql.chars().count();
    if n > MAX_QUERY_CHARS {
        return Err(Refusal::TooLong(n));
    }
    let code = strip(sql)?;
    let trimmed = code.trim_end();
    let (body, end) = match trimmed.strip_suffix(';') {
        Some(b) => (b, b.chars().count()),
        None => (trimmed, n),
    };
    if body.contains(';') {
        return Err(Refusal::Several);
    }
    let first: String = body
        .trim_start_matches(|c: char| c.is_whitespace() || c == '(')
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    if first.is_empty() {
        return Err(Refusal::Empty);
    }
    let kw = first.to_ascii_uppercase();
    if !matches!(kw.as_str(), "SELECT" | "WITH" | "VALUES" | "TABLE") {
        return Err(Refusal::NotAQuery(kw));
    }
    let cut = sql.char_indices().nth(end).map_or(sql.len(), |(b, _)| b);
    Ok(sql[..cut].trim_end())
}

/// The query with literals, quoted identifiers and comments blanked out
/// (one space per character, so character positions are kept).
fn strip(sql: &str) -> Result<String, Refusal> {
    let chars: Vec<char> = sql.chars().collect();
    let mut out = String::with_capacity(sql.len());
    let mut i = 0;
    while i < chars.len() {
        let next = chars.get(i + 1).copied();
        let skipped = match (chars[i], next) {
            ('-', Some('-')) => Some(skip_line(&chars, i)),
            ('/', Some('*')) => Some(skip_block(&chars, i)?),
            ('\'', _) => Some(skip_quoted(&chars, i, '\'', "string literal")?),
            ('"', _) => Some(skip_quoted(&chars, i, '"', "quoted identifier")?),
            ('$', _) => match dollar_tag(&chars, i) {
                Some(tag) => Some(skip_dollar(&chars, i, &tag)?),
                None => None,
            },
            _ => None,
        };
        match skipped {
            Some(to) => {
                out.extend(std::iter::repeat_n(' ', to - i));
                i = to;
            }
            None => {
                out.push(chars[i]);
                i += 1;
            }
        }
    }
    Ok(out)
}

fn skip_line(chars: &[char], i: usize) -> usize {
    chars[i..]
        .iter()
        .position(|&c| c == '\n')
        .map_or(chars.len(), |p| i + p + 1)
}

/// Block comments nest in PostgreSQL.
fn skip_block(chars: &[char], mut i: usize) -> Result<usize, Refusal> {
    let mut depth = 0;
    while i < chars.len() {
        match (chars[i], chars.get(i + 1)) {
            ('/', Some('*')) => {
                depth += 1;
                i += 2;
            }
            ('*', Some('/')) => {
                depth -= 1;
                i += 2;
                if depth == 0 {
                    return Ok(i);
                }
            }
            _ => i += 1,
        }
    }
    Err(Refusal::Unterminated("comment"))
}

/// Skips '...' or "..." where a doubled quote is an escaped quote. Backslash
/// escapes in E'...' strings are skipped too.
fn skip_quoted(
    chars: &[char],
    start: usize,
    q: char,
    what: &'static str,
) -> Result<usize, Refusal> {
    let escapes = q == '\''
        && start > 0
        && matches!(chars[start - 1], 'e' | 'E')
        && (start < 2 || !chars[start - 2].is_alphanumeric());
    let mut i = start + 1;
    while i < chars.len() {
        match chars[i] {
            '\\' if escapes => i += 2,
            c if c == q && chars.get(i + 1) == Some(&q) => i += 2,
            c if c == q => return Ok(i + 1),
            _ => i += 1,
        }
    }
    Err(Refusal::Unterminated(what))
}

/// `$tag$` at `i` (tag may be empty), unless `$` is part of `$1` or a name.
fn dollar_tag(chars: &[char], i: usize) -> Option<String> {
    if i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_') {
        return None;
    }
    let mut j = i + 1;
    while j < chars.len() && (chars[j].is_alphanumeric() || chars[j] == '_') {
        j += 1;
    }
    let tag: String = chars[i + 1..j].iter().collect();
    (chars.get(j) == Some(&'$') && !tag.starts_with(|c: char| c.is_ascii_digit()))
        .then(|| format!("${tag}$"))
}

fn skip_dollar(chars: &[char], i: usize, tag: &str) -> Result<usize, Refusal> {
    let tag: Vec<char> = tag.chars().collect();
    let body = i + tag.len();
    (body..chars.len())
        .find(|&k| chars[k..].starts_with(&tag))
        .map(|k| k + tag.len())
        .ok_or(Refusal::Unterminated("dollar-quoted string"))
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
}
