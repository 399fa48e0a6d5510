//! A small SQL lexer, shared by the query guard and the fixture validator.
//!
//! It follows PostgreSQL's own lexing rules where they decide what is code
//! and what is data: string literals (`'…'` with `''`, `E'…'` with backslash
//! escapes, `B'…'`, `X'…'`, `N'…'`, `U&'…'`), dollar quotes (`$tag$…$tag$`),
//! quoted identifiers (`"…"` with `""`), line comments and nested block
//! comments. A `;` or a keyword inside any of these is data, never a
//! statement boundary. Everything is lexed from the text as PostgreSQL would
//! see it with `standard_conforming_strings = on` (the default, and nothing
//! accepted here can change it).

/// One token's kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tok {
    /// An unquoted name or keyword, lower-cased as PostgreSQL folds it.
    Word(String),
    /// A quoted identifier's name, exactly as written (`""` unescaped).
    Quoted(String),
    /// A `U&"…"` identifier, whose name only PostgreSQL decodes.
    UnicodeQuoted,
    /// Any string literal, or a dollar-quoted string.
    Str,
    /// A numeric literal.
    Number,
    /// A positional parameter such as `$1`.
    Param,
    /// One of `( ) [ ] , ; . : $`.
    Punct(char),
    /// An operator: `=`, `<>`, `-`, `::`, `||` …
    Op(String),
}

/// A token and where it is, in bytes of the lexed text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub tok: Tok,
    pub start: usize,
    pub end: usize,
}

/// The text ends inside a literal, identifier or comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unterminated(pub &'static str);

const OP_CHARS: &str = "+-*/<>=~!@#%^&|`?";

struct Lexer {
    chars: Vec<char>,
    /// Byte offset of each char, plus the text's length at the end.
    bytes: Vec<usize>,
}

/// Splits `sql` into tokens, skipping whitespace and comments.
pub fn tokens(sql: &str) -> Result<Vec<Token>, Unterminated> {
    let mut bytes: Vec<usize> = sql.char_indices().map(|(b, _)| b).collect();
    bytes.push(sql.len());
    let lx = Lexer {
        chars: sql.chars().collect(),
        bytes,
    };
    let mut out = Vec::new();
    let mut i = 0;
    while i < lx.chars.len() {
        match lx.next(i)? {
            (Some(tok), end) => {
                out.push(Token {
                    tok,
                    start: lx.bytes[i],
                    end: lx.bytes[end],
                });
                i = end;
            }
            (None, end) => i = end,
        }
    }
    Ok(out)
}

fn is_ident_start(c: char) -> bool {
    c.is_alphabetic() || c == '_' || !c.is_ascii()
}

fn is_ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '$' || !c.is_ascii()
}

impl Lexer {
    fn at(&self, i: usize) -> Option<char> {
        self.chars.get(i).copied()
    }

    /// The token starting at `i` (None for whitespace or a comment) and
    /// where it ends.
    fn next(&self, i: usize) -> Result<(Option<Tok>, usize), Unterminated> {
        let c = self.chars[i];
        let next = self.at(i + 1);
        Ok(match (c, next) {
            _ if c.is_whitespace() => (None, i + 1),
            ('-', Some('-')) => (None, self.line_end(i)),
            ('/', Some('*')) => (None, self.block_end(i)?),
            ('\'', _) => (Some(Tok::Str), self.quoted_end(i, '\'', false)?),
            ('"', _) => {
                let end = self.quoted_end(i, '"', false)?;
                let name: String = self.chars[i + 1..end - 1].iter().collect();
                (Some(Tok::Quoted(name.replace("\"\"", "\""))), end)
            }
            ('e' | 'E', Some('\'')) => (Some(Tok::Str), self.quoted_end(i + 1, '\'', true)?),
            ('b' | 'B' | 'x' | 'X' | 'n' | 'N', Some('\'')) => {
                (Some(Tok::Str), self.quoted_end(i + 1, '\'', false)?)
            }
            ('u' | 'U', Some('&')) if matches!(self.at(i + 2), Some('\'' | '"')) => {
                let q = self.chars[i + 2];
                let end = self.quoted_end(i + 2, q, false)?;
                let tok = if q == '"' {
                    Tok::UnicodeQuoted
                } else {
                    Tok::Str
                };
                (Some(tok), end)
            }
            ('$', _) => self.dollar(i)?,
            _ if c.is_ascii_digit() || (c == '.' && next.is_some_and(|n| n.is_ascii_digit())) => {
                (Some(Tok::Number), self.number_end(i))
            }
            _ if is_ident_start(c) => {
                let end = (i..self.chars.len())
                    .find(|&k| !is_ident_char(self.chars[k]))
                    .unwrap_or(self.chars.len());
                let word: String = self.chars[i..end].iter().collect();
                (Some(Tok::Word(word.to_lowercase())), end)
            }
            (':', Some(':')) => (Some(Tok::Op("::".into())), i + 2),
            _ if OP_CHARS.contains(c) => self.operator(i),
            _ => (Some(Tok::Punct(c)), i + 1),
        })
    }

    fn line_end(&self, i: usize) -> usize {
        (i..self.chars.len())
            .find(|&k| self.chars[k] == '\n')
            .map_or(self.chars.len(), |k| k + 1)
    }

    /// Block comments nest in PostgreSQL.
    fn block_end(&self, mut i: usize) -> Result<usize, Unterminated> {
        let mut depth = 0;
        while i < self.chars.len() {
            match (self.chars[i], self.at(i + 1)) {
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
        Err(Unterminated("comment"))
    }

    /// The end of the quoted text opening at `start` with `q`; a doubled
    /// quote is an escaped quote, and so is `\'` when `escapes`.
    fn quoted_end(&self, start: usize, q: char, escapes: bool) -> Result<usize, Unterminated> {
        let mut i = start + 1;
        while i < self.chars.len() {
            match self.chars[i] {
                '\\' if escapes => i += 2,
                c if c == q && self.at(i + 1) == Some(q) => i += 2,
                c if c == q => return Ok(i + 1),
                _ => i += 1,
            }
        }
        Err(Unterminated(if q == '"' {
            "quoted identifier"
        } else {
            "string literal"
        }))
    }

    /// `$1`, `$tag$…$tag$` (the tag may be empty) or a lone `$`.
    fn dollar(&self, i: usize) -> Result<(Option<Tok>, usize), Unterminated> {
        if self.at(i + 1).is_some_and(|c| c.is_ascii_digit()) {
            let end = (i + 1..self.chars.len())
                .find(|&k| !self.chars[k].is_ascii_digit())
                .unwrap_or(self.chars.len());
            return Ok((Some(Tok::Param), end));
        }
        let mut j = i + 1;
        while j < self.chars.len() && is_ident_char(self.chars[j]) && self.chars[j] != '$' {
            j += 1;
        }
        if self.at(j) != Some('$') {
            return Ok((Some(Tok::Punct('$')), i + 1));
        }
        let tag = &self.chars[i..=j];
        (j + 1..self.chars.len())
            .find(|&k| self.chars[k..].starts_with(tag))
            .map(|k| (Some(Tok::Str), k + tag.len()))
            .ok_or(Unterminated("dollar-quoted string"))
    }

    fn number_end(&self, i: usize) -> usize {
        let mut k = i;
        let digits = |k: &mut usize| {
            while self.at(*k).is_some_and(|c| c.is_ascii_digit() || c == '_') {
                *k += 1;
            }
        };
        digits(&mut k);
        if self.at(k) == Some('.') && self.at(k + 1) != Some('.') {
            k += 1;
            digits(&mut k);
        }
        if matches!(self.at(k), Some('e' | 'E')) {
            let sign = usize::from(matches!(self.at(k + 1), Some('+' | '-')));
            if self.at(k + 1 + sign).is_some_and(|c| c.is_ascii_digit()) {
                k += 1 + sign;
                digits(&mut k);
            }
        }
        k
    }

    /// An operator runs until a non-operator char or a comment start.
    fn operator(&self, i: usize) -> (Option<Tok>, usize) {
        let mut k = i;
        while let Some(c) = self.at(k) {
            let comment = matches!((c, self.at(k + 1)), ('-', Some('-')) | ('/', Some('*')));
            if !OP_CHARS.contains(c) || (comment && k > i) {
                break;
            }
            k += 1;
        }
        let op: String = self.chars[i..k].iter().collect();
        (Some(Tok::Op(op)), k)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(sql: &str) -> Vec<Tok> {
        tokens(sql).unwrap().into_iter().map(|t| t.tok).collect()
    }

    #[test]
    fn literals_comments_and_quoted_names_hide_semicolons_and_keywords() {
        let toks = kinds("SELECT ';', \"a;B\", $x$ ; $x$, E'\\'; x' /* ; /* ; */ */ -- ;\n;");
        assert_eq!(
            toks,
            vec![
                Tok::Word("select".into()),
                Tok::Str,
                Tok::Punct(','),
                Tok::Quoted("a;B".into()),
                Tok::Punct(','),
                Tok::Str,
                Tok::Punct(','),
                Tok::Str,
                Tok::Punct(';'),
            ]
        );
    }

    #[test]
    fn casts_numbers_parameters_and_qualified_names_are_tokens() {
        assert_eq!(
            kinds("-1.5e3::numeric $1 pg_catalog . \"PG_ROLES\""),
            vec![
                Tok::Op("-".into()),
                Tok::Number,
                Tok::Op("::".into()),
                Tok::Word("numeric".into()),
                Tok::Param,
                Tok::Word("pg_catalog".into()),
                Tok::Punct('.'),
                Tok::Quoted("PG_ROLES".into()),
            ]
        );
        assert_eq!(kinds("U&\"\\0070g_roles\""), vec![Tok::UnicodeQuoted]);
    }

    #[test]
    fn unterminated_text_is_reported() {
        assert_eq!(tokens("SELECT 'abc"), Err(Unterminated("string literal")));
        assert_eq!(
            tokens("SELECT $a$ x"),
            Err(Unterminated("dollar-quoted string"))
        );
        assert_eq!(tokens("/* /* */"), Err(Unterminated("comment")));
    }
}
