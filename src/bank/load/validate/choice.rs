//! The options of a choice or true/false question: ids, texts, exactly
//! the right number marked correct, and a reason on each.

use super::text;
use crate::bank::load::raw::{At, Problems, RawOption, RawQuestion};
use crate::bank::types::*;
use std::collections::HashSet;

/// The options of a `choice` or `truefalse` question, or `None` (with
/// problems) when any rule is broken.
pub(super) fn options(f: Format, raw: &RawQuestion, p: &mut Problems) -> Option<Vec<ChoiceOption>> {
    let list = raw.options.as_ref();
    let opts = list.map_or(&[][..], |o| &o.value[..]);
    let line = list.map_or(raw.line, |o| o.line);
    if !(limits::MIN_OPTIONS..=limits::MAX_OPTIONS).contains(&opts.len()) {
        let (min, max) = (limits::MIN_OPTIONS, limits::MAX_OPTIONS);
        p.push(
            line,
            format!(
                "a {f} question needs {min}..={max} options, found {}",
                opts.len()
            ),
        );
    }
    let mut ids = HashSet::new();
    let built: Option<Vec<ChoiceOption>> = opts.iter().map(|o| option(f, o, &mut ids, p)).collect();
    let correct = opts
        .iter()
        .filter(|o| o.correct.as_ref().is_some_and(|c| c.value))
        .count();
    if correct == 0 {
        p.push(line, "no option is marked correct");
    }
    if f == Format::Truefalse {
        let mut got: Vec<&str> = ids.into_iter().collect();
        got.sort_unstable();
        if got != ["false", "true"] || opts.len() != 2 || correct != 1 {
            p.push(line, "a truefalse question needs exactly the options `true` and `false`, one of them correct");
        }
    }
    let prompt = raw.prompt.as_ref().map_or("", |pr| pr.value.as_str());
    if correct > 1 && !prompt.to_lowercase().contains("select all that apply") {
        let at = raw.prompt.as_ref().map_or(line, |pr| pr.line);
        p.push(
            at,
            format!(
                "{correct} options are correct, so the prompt must say \"Select all that apply\""
            ),
        );
    }
    built
}

fn option<'r>(
    f: Format,
    o: &'r RawOption,
    ids: &mut HashSet<&'r str>,
    p: &mut Problems,
) -> Option<ChoiceOption> {
    let id = o.id.as_ref()?;
    if !ids.insert(id.value.as_str()) {
        p.push(id.line, format!("option id `{}` is repeated", id.value));
    }
    if f == Format::Choice && !is_slug(&id.value, 1, 8) {
        p.push(
            id.line,
            format!(
                "option id `{}` must be a short lowercase slug like `a`",
                id.value
            ),
        );
    }
    let label = format!("option `{}`", id.value);
    let text_ = text(p, &format!("{label} text"), &o.text, limits::OPTION_TEXT);
    if f == Format::Truefalse {
        truefalse_text(id, &o.text, p);
    }
    let correct = o.correct.as_ref()?.value;
    let why = match (&o.why, correct) {
        (None, false) => {
            p.push(o.line, format!("wrong {label} has no `why`"));
            None
        }
        (Some(w), _) => Some(text(
            p,
            &format!("{label} why"),
            &Some(w.clone()),
            limits::OPTION_WHY,
        )?),
        (None, true) => None,
    };
    Some(ChoiceOption {
        id: id.value.clone(),
        text: text_?,
        correct,
        why,
    })
}

/// The options of a truefalse question read "True" and "False".
fn truefalse_text(id: &At<String>, text: &Option<At<String>>, p: &mut Problems) {
    let want = match id.value.as_str() {
        "true" => "True",
        "false" => "False",
        _ => return,
    };
    if let Some(t) = text.as_ref().filter(|t| t.value.trim() != want) {
        p.push(
            t.line,
            format!("option `{}` text must be \"{want}\"", id.value),
        );
    }
}
