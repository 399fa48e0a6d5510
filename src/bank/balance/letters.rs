//! Finding option letters in prose ("option (b)", "answer B", "both a and
//! c", "(a) is", "B is wrong") without tripping on ordinary words: the
//! article "a", "answer a question", `f(a)` and `L(a)`, "plan A", "nodes A
//! and B replicate". Text inside backticks is code and is skipped.

/// Whether a token is a run of letters and digits or one other character.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Word,
    Punct,
}

/// One token of prose, with where it sits in the text it was cut from.
#[derive(Debug, Clone, Copy)]
pub(super) struct Tok<'a> {
    pub text: &'a str,
    pub kind: Kind,
    /// No space between this token and the one before.
    pub glued: bool,
    pub start: usize,
    pub end: usize,
}

/// `text` with every backtick code span (and fenced block) blanked out.
pub(super) fn strip_code(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('`') {
        out.push_str(&rest[..at]);
        let run = rest[at..].len() - rest[at..].trim_start_matches('`').len();
        let fence = &rest[at..at + run];
        let after = &rest[at + run..];
        match after.find(fence) {
            Some(close) => {
                out.push(' ');
                rest = &after[close + run..];
            }
            None => {
                out.push_str(fence);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Cuts `text` into words and single punctuation characters.
pub(super) fn tokens(text: &str) -> Vec<Tok<'_>> {
    let mut out = Vec::new();
    let mut glued = false;
    let mut word: Option<usize> = None;
    for (i, c) in text.char_indices() {
        if c.is_alphanumeric() || c == '_' {
            word.get_or_insert(i);
            continue;
        }
        if let Some(start) = word.take() {
            out.push(tok(text, start, i, Kind::Word, glued));
            glued = true;
        }
        if c.is_whitespace() {
            glued = false;
        } else {
            out.push(tok(text, i, i + c.len_utf8(), Kind::Punct, glued));
            glued = true;
        }
    }
    if let Some(start) = word {
        out.push(tok(text, start, text.len(), Kind::Word, glued));
    }
    out
}

fn tok(text: &str, start: usize, end: usize, kind: Kind, glued: bool) -> Tok<'_> {
    Tok {
        text: &text[start..end],
        kind,
        glued,
        start,
        end,
    }
}

fn is(toks: &[Tok], i: usize, words: &[&str]) -> bool {
    toks.get(i)
        .is_some_and(|t| words.iter().any(|w| t.text.eq_ignore_ascii_case(w)))
}

/// A single option letter, a to f, either case.
fn letter(toks: &[Tok], i: usize) -> bool {
    toks.get(i).is_some_and(|t| {
        t.kind == Kind::Word
            && t.text.len() == 1
            && matches!(t.text.as_bytes()[0].to_ascii_lowercase(), b'a'..=b'f')
    })
}

/// "(b)" or "(d," not glued to a word before it (so `f(a)` and `L(a)` are
/// not references); returns the index of its last token.
pub(super) fn paren_ref(toks: &[Tok], i: usize) -> Option<usize> {
    let open = toks.get(i)?;
    let glued_to_word = open.glued && i > 0 && toks[i - 1].kind == Kind::Word;
    let ok = open.text == "("
        && !glued_to_word
        && letter(toks, i + 1)
        && toks[i + 1].glued
        && toks
            .get(i + 2)
            .is_some_and(|t| t.glued && (t.text == ")" || t.text == ","));
    ok.then_some(i + 2)
}

/// Whether what follows a bare letter ends it as a name: the end, most
/// punctuation, or a joining word ("a and c", "B is").
fn ends_name(toks: &[Tok], j: usize) -> bool {
    match toks.get(j) {
        None => true,
        Some(t) if t.kind == Kind::Punct => !matches!(t.text, "'" | "’" | "(" | "-" | "/" | "&"),
        Some(_) => is(toks, j, &["and", "or", "nor", "is", "are", "was", "were"]),
    }
}

/// A bare letter that reads as an option's name: upper case ("answer B"),
/// or lower case standing alone ("answer: b.", not "answer a question").
fn bare_ref(toks: &[Tok], j: usize) -> bool {
    letter(toks, j) && (toks[j].text.as_bytes()[0].is_ascii_uppercase() || ends_name(toks, j + 1))
}

/// A letter or a parenthesised letter at `j`; returns its last index.
fn any_ref(toks: &[Tok], j: usize) -> Option<usize> {
    paren_ref(toks, j).or_else(|| letter(toks, j).then_some(j))
}

/// "option B", "options (a) and (c)", "the answer is C", "answer: b".
fn after_cue(toks: &[Tok], i: usize) -> Option<usize> {
    if !is(
        toks,
        i,
        &[
            "option", "options", "choice", "choices", "answer", "answers",
        ],
    ) {
        return None;
    }
    let mut j = i + 1;
    if is(toks, j, &["is", "are", "was", "were"]) {
        j += 1;
    }
    if toks.get(j).is_some_and(|t| t.text == ":") {
        j += 1;
    }
    paren_ref(toks, j).or_else(|| bare_ref(toks, j).then_some(j))
}

/// "both a and c" (named letters, not "both A and B replicate").
fn both(toks: &[Tok], i: usize) -> Option<usize> {
    if !is(toks, i, &["both"]) {
        return None;
    }
    let first = any_ref(toks, i + 1)?;
    if !is(toks, first + 1, &["and"]) {
        return None;
    }
    let last = any_ref(toks, first + 2)?;
    // Lower-case letters are never ordinary words here; capitals may name
    // things ("both A and B replicate"), so they must stand alone.
    let lower = |k: usize| toks[k].text.bytes().all(|b| !b.is_ascii_uppercase());
    let named = toks[last].text == ")"
        || toks[last].text == ","
        || (lower(i + 1) && lower(last))
        || ends_name(toks, last + 1);
    named.then_some(last)
}

/// "B is wrong", "a and c are correct", "d is a trap", at the start of a
/// clause (so "vitamin C is right" and "node A is the leader" pass).
fn verdict(toks: &[Tok], i: usize) -> Option<usize> {
    let starts_clause = i == 0
        || toks[i - 1].kind == Kind::Punct
        || is(
            toks,
            i - 1,
            &[
                "and", "or", "but", "so", "only", "while", "whereas", "then", "thus", "hence",
                "because",
            ],
        );
    if !starts_clause || !letter(toks, i) {
        return None;
    }
    let mut j = i + 1;
    while is(toks, j, &["and", "or", ","]) && letter(toks, j + 1) {
        j += 2;
    }
    if !is(toks, j, &["is", "are", "was", "were"]) {
        return None;
    }
    if is(
        toks,
        j + 1,
        &["correct", "incorrect", "wrong", "right", "true", "false"],
    ) {
        return Some(j + 1);
    }
    let two = (is(toks, j + 1, &["a"]) && is(toks, j + 2, &["trap", "distractor"]))
        || (is(toks, j + 1, &["the"])
            && is(
                toks,
                j + 2,
                &["answer", "correct", "right", "best", "wrong"],
            ));
    two.then_some(j + 2)
}

/// Every place `text` names an option by its letter, as written, except
/// parenthesised letters in `own` (a list the prompt itself enumerates).
pub(super) fn find(text: &str, own: &[char]) -> Vec<String> {
    let mut plain = strip_code(text);
    for c in own {
        for form in [format!("({c})"), format!("({})", c.to_ascii_uppercase())] {
            plain = plain.replace(&form, "   ");
        }
    }
    let toks = tokens(&plain);
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let hit = paren_ref(&toks, i)
            .or_else(|| after_cue(&toks, i))
            .or_else(|| both(&toks, i))
            .or_else(|| verdict(&toks, i));
        match hit {
            Some(end) => {
                out.push(plain[toks[i].start..toks[end].end].to_owned());
                i = end + 1;
            }
            None => i += 1,
        }
    }
    out
}

/// Every place `text` names an option by its letter ("option (b)", "(a)
/// is", "answer B", "both a and c", "B is wrong"), as written.
pub fn letter_references(text: &str) -> Vec<String> {
    find(text, &[])
}
