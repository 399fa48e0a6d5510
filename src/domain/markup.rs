//! The markup the view model speaks: a small, CommonMark-like subset
//! (`**bold**`, `_italic_`, `` `code` ``, fenced code, `- lists`) that Discord
//! shows as is and other front ends translate. Text from the bank is written
//! in it; text from people (names, answers) is escaped into it here, once,
//! so no front end can forget.

/// Escapes `s` so it shows literally: markdown marks, masked links, mention
/// and channel syntax, and `@everyone`/`@here` (a zero-width joiner breaks
/// the ping without changing what people see).
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if matches!(
            c,
            '\\' | '*' | '_' | '~' | '`' | '|' | '>' | '#' | '[' | ']' | '(' | ')' | '<' | '-'
        ) {
            out.push('\\');
        }
        out.push(c);
        if c == '@' {
            out.push('\u{200B}');
        }
    }
    out
}

/// Markup as plain text, for the console and notifications: emphasis marks
/// and escapes removed, code fences dropped, and the zero-width space that
/// [`escape`] puts after `@` taken out again.
pub fn to_plain(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for line in s.lines() {
        if line.trim_start().starts_with("```") {
            continue;
        }
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&plain_line(line));
    }
    out
}

fn plain_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.extend(chars.next()),
            '*' if chars.peek() == Some(&'*') => {
                chars.next();
            }
            '\u{200B}' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaped_names_render_literally_and_cannot_link_or_ping() {
        let hostile = "[free nitro](https://evil.example) **bold** @everyone <@123>";
        let e = escape(hostile);
        let unescaped = |c: char| {
            let v: Vec<char> = e.chars().collect();
            (0..v.len()).any(|i| v[i] == c && (i == 0 || v[i - 1] != '\\'))
        };
        assert!(!unescaped('[') && !unescaped('*') && !unescaped('<'), "{e}");
        assert!(!e.contains("@everyone"), "{e}");
        assert!(e.contains("\\<@\u{200B}123\\>"), "{e}");
        assert_eq!(to_plain(&e), hostile);
    }

    #[test]
    fn plain_text_drops_bold_marks_and_code_fences_but_keeps_the_words() {
        let md = "**Star schema**: one table\n```sql\nSELECT 1;\n```\n- a_b";
        assert_eq!(to_plain(md), "Star schema: one table\nSELECT 1;\n- a_b");
    }
}
