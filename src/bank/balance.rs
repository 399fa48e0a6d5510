//! How fair the bank's choices are, and answers that name options by letter.
//!
//! Options are shuffled per post, but a bank whose true/false questions are
//! mostly False, whose correct option is usually the first or the longest,
//! still teaches people to guess. `bank check` prints these balances so the
//! writers can see them. Options are shown in a shuffled order, so an answer
//! or explanation that says "option (b)" points at the wrong option for most
//! readers: that is a problem `bank check` fails on.

use super::load::{BankIssue, Located};
use super::types::{ChoiceOption, Question, QuestionKind};
use std::fmt;

/// The balances of a bank's choice and true/false questions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Balance {
    pub truefalse: usize,
    /// True/false questions whose answer is True.
    pub truefalse_true: usize,
    /// Single-answer choice questions.
    pub single: usize,
    /// How many single-answer questions have their correct option at each
    /// file position (a, b, c, ...).
    pub correct_at: Vec<usize>,
    /// Single-answer questions whose correct option is the one longest option.
    pub longest_correct: usize,
    /// "Select all that apply" questions (more than one correct option).
    pub select_all: usize,
    /// Select-all questions whose first option is correct.
    pub select_all_first: usize,
    /// Questions in all, and how many have a summary and a hint.
    pub questions: usize,
    pub with_summary: usize,
    pub with_hint: usize,
}

impl Balance {
    /// Counts `questions`.
    pub fn of<'a>(questions: impl IntoIterator<Item = &'a Question>) -> Self {
        let mut b = Balance::default();
        for q in questions {
            b.questions += 1;
            b.with_summary += usize::from(q.summary.is_some());
            b.with_hint += usize::from(q.hint.is_some());
            match &q.kind {
                QuestionKind::Truefalse { options } => {
                    b.truefalse += 1;
                    let is_true = options
                        .iter()
                        .any(|o| o.correct && o.id.eq_ignore_ascii_case("true"));
                    b.truefalse_true += usize::from(is_true);
                }
                QuestionKind::Choice { options } => b.count_choice(options),
                _ => {}
            }
        }
        b
    }

    fn count_choice(&mut self, options: &[ChoiceOption]) {
        let correct: Vec<usize> = (0..options.len()).filter(|&i| options[i].correct).collect();
        if let [only] = correct.as_slice() {
            self.single += 1;
            if self.correct_at.len() <= *only {
                self.correct_at.resize(only + 1, 0);
            }
            self.correct_at[*only] += 1;
            self.longest_correct += usize::from(longest(options) == Some(*only));
        } else if correct.len() > 1 {
            self.select_all += 1;
            self.select_all_first += usize::from(options[0].correct);
        }
    }
}

/// The index of the one longest option, or `None` when two share the length.
fn longest(options: &[ChoiceOption]) -> Option<usize> {
    let len = |o: &ChoiceOption| o.text.chars().count();
    let max = options.iter().map(len).max()?;
    let mut at = options.iter().enumerate().filter(|(_, o)| len(o) == max);
    let (i, _) = at.next()?;
    at.next().is_none().then_some(i)
}

fn share(part: usize, whole: usize) -> String {
    if whole == 0 {
        return format!("{part} of 0");
    }
    format!("{part} of {whole} ({}%)", part * 100 / whole)
}

impl fmt::Display for Balance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "balances:")?;
        writeln!(
            f,
            "  true/false answered True: {} (aim: 40-60%)",
            share(self.truefalse_true, self.truefalse)
        )?;
        let positions: Vec<String> = self
            .correct_at
            .iter()
            .enumerate()
            .map(|(i, n)| format!("{} {n}", char::from(b'a' + (i as u8).min(25))))
            .collect();
        writeln!(
            f,
            "  single-answer choice ({}), correct option by file position: {}",
            self.single,
            if positions.is_empty() {
                "none".to_owned()
            } else {
                positions.join(", ")
            }
        )?;
        writeln!(
            f,
            "  longest option is the correct one: {}",
            share(self.longest_correct, self.single)
        )?;
        writeln!(
            f,
            "  select-all questions including the first option: {}",
            share(self.select_all_first, self.select_all)
        )?;
        writeln!(
            f,
            "  with a summary: {}; with a hint: {}",
            share(self.with_summary, self.questions),
            share(self.with_hint, self.questions)
        )
    }
}

/// A problem for every answer, explanation, summary, hint or option `why` of a choice or
/// true/false question that names an option by its letter: options are
/// shuffled per post, so the letter points elsewhere for most readers.
pub fn letter_reference_problems(questions: &[Located]) -> Vec<BankIssue> {
    let mut out = Vec::new();
    for l in questions {
        let q = &l.question;
        if !matches!(
            q.kind,
            QuestionKind::Choice { .. } | QuestionKind::Truefalse { .. }
        ) {
            continue;
        }
        // Letters the prompt enumerates itself ("(a) ... (b) ...") are the
        // prompt's own list, not its options.
        let own = paren_letters(&q.prompt);
        let mut texts = vec![
            ("answer", q.answer.as_str()),
            ("explanation", q.explanation.as_str()),
        ];
        // The summary leads the reveal and the hint is read before
        // answering: both are shown with the shuffled options too.
        texts.extend(q.summary.as_deref().map(|s| ("summary", s)));
        texts.extend(q.hint.as_deref().map(|h| ("hint", h)));
        texts.extend(
            q.options()
                .iter()
                .filter_map(|o| o.why.as_deref().map(|w| ("option why", w))),
        );
        for (field, text) in texts {
            if let Some(first) = letters::find(text, &own).first() {
                let msg = format!(
                    "question `{}`: the {field} names an option by its letter (\"{first}\"); options are shuffled per post, so name the option by what it says",
                    q.id
                );
                out.push(BankIssue::new(l.file.clone(), l.line, msg));
            }
        }
    }
    out
}

/// The letters written as "(a)" in `text`, lowercased.
fn paren_letters(text: &str) -> Vec<char> {
    let plain = strip_code(text);
    let toks = tokens(&plain);
    (0..toks.len())
        .filter(|&i| paren_ref(&toks, i).is_some())
        .filter_map(|i| toks[i + 1].text.to_ascii_lowercase().chars().next())
        .collect()
}

mod letters;
pub use letters::letter_references;
use letters::{paren_ref, strip_code, tokens};

#[cfg(test)]
mod tests;
