//! Question cards, private feedback and reveals.

use super::{clip, count, percent, Block, Control, Emphasis, Mark, Tone, View, Words};
use crate::bank::Format;
use crate::domain::action::ActionId;
use crate::domain::markup::escape;
use crate::domain::reply::{Feedback, QuestionCard, RevealCard};
use crate::grading::Verdict;

/// Longest option text on a button before it is cut (the option itself is
/// listed in full in the card).
const BUTTON_TEXT: usize = 60;

fn format_name(f: Format) -> &'static str {
    match f {
        Format::Open => "Open answer",
        Format::Choice => "Multiple choice",
        Format::Truefalse => "True or false",
        Format::Sql => "SQL",
    }
}

/// A question: the prompt, its tables or options, and how to answer.
pub fn question(card: &QuestionCard, words: &Words) -> View {
    let kind = if card.daily {
        "Daily question"
    } else {
        "Practice question"
    };
    let mut v = View::new(Tone::Question, format!("{kind} #{}", card.post_id)).text(&card.prompt);
    if let Some(schema) = &card.schema {
        v = v.block(Block::Section {
            heading: "Tables".into(),
            text: String::new(),
        });
        v = v.block(Block::Code {
            language: "sql".into(),
            code: schema.clone(),
        });
    }
    if card.format == Format::Choice {
        v = v.block(Block::List {
            heading: None,
            mark: Mark::Lettered,
            items: card
                .options
                .iter()
                .map(|(id, text)| format!("{}. {text}", id.to_uppercase()))
                .collect(),
        });
    }
    if let Some(label) = &card.reveal_label {
        v = v.text(format!("Revealed at {label}."));
    }
    v = v
        .field("Topic", &card.topic_name)
        .field("Difficulty", card.difficulty.to_string())
        .field("Format", format_name(card.format));
    v.footer = Some(
        if card.daily {
            "Answers are private until the reveal."
        } else {
            "Your answer is private."
        }
        .into(),
    );
    v.controls = answer_controls(card);
    v.typed = Some(how_to_type(card, words));
    v
}

fn answer_controls(card: &QuestionCard) -> Vec<Control> {
    let post = card.post_id;
    if card.options.is_empty() {
        return vec![Control::Button {
            action: ActionId::OpenAnswer { post },
            label: "Answer".into(),
            emphasis: Emphasis::Primary,
            disabled: false,
        }];
    }
    if card.multi {
        return vec![Control::Select {
            action: ActionId::Pick { post },
            placeholder: "Select all that apply".into(),
            options: card
                .options
                .iter()
                .map(|(id, text)| {
                    (
                        id.clone(),
                        clip(&format!("{}. {text}", id.to_uppercase()), 100),
                    )
                })
                .collect(),
            min: 1,
            max: card.options.len(),
        }];
    }
    card.options
        .iter()
        .map(|(id, text)| Control::Button {
            action: ActionId::Choose {
                post,
                option: id.clone(),
            },
            label: if card.format == Format::Truefalse {
                text.clone()
            } else {
                clip(&format!("{}. {text}", id.to_uppercase()), BUTTON_TEXT)
            },
            emphasis: Emphasis::Secondary,
            disabled: false,
        })
        .collect()
}

fn how_to_type(card: &QuestionCard, words: &Words) -> String {
    let answer = words.cmd("answer");
    match card.format {
        Format::Choice if card.multi => {
            format!("Answer with {answer} and every letter that applies, e.g. {answer} a,c")
        }
        Format::Choice => format!("Answer with {answer} and your letter, e.g. {answer} b"),
        Format::Truefalse => format!("Answer with {answer} true or {answer} false"),
        Format::Sql => format!("Answer with {answer} and one SELECT query"),
        Format::Open => format!("Answer with {answer} and your explanation"),
    }
}

/// Private feedback on one answer: what it covered, missed and got wrong.
pub fn feedback(f: &Feedback, words: &Words) -> View {
    let (title, tone) = match f.grade.verdict {
        Verdict::Correct => ("Correct", Tone::Success),
        Verdict::Partial => ("Partly right", Tone::Partial),
        Verdict::Incorrect => ("Not quite", Tone::Failure),
    };
    let mut v = View::new(tone, format!("{title}: #{}", f.post_id));
    if let Some(note) = &f.note {
        v = v.text(format!("_{note}_"));
    }
    for (heading, mark, items) in [
        ("You covered", Mark::Check, &f.grade.covered),
        ("You missed", Mark::Cross, &f.grade.missed),
        ("Notes", Mark::Bullet, &f.grade.detail),
    ] {
        if !items.is_empty() {
            v = v.block(Block::List {
                heading: Some(heading.into()),
                mark,
                items: items.clone(),
            });
        }
    }
    v = match (&f.model_answer, &f.summary) {
        (Some(_), Some(summary)) => {
            let v = v.block(Block::Section {
                heading: "Model answer".into(),
                text: summary.clone(),
            });
            with_full_answer(v, f.post_id, words)
        }
        (Some(answer), None) => v.block(Block::Section {
            heading: "Model answer".into(),
            text: answer.clone(),
        }),
        (None, _) => v.text("The model answer comes with the reveal."),
    };
    v = v.field("Points", format!("+{}", f.points));
    if let Some(s) = f.streak {
        v = v.field("Streak", s.to_string());
    }
    v.footer(format!(
        "Answer {} · question {} · think the grading missed something? {} {}",
        f.answer_id,
        f.question_id,
        words.cmd("flag"),
        f.post_id
    ))
}

/// The reveal of a daily question: the model answer and how the channel did.
pub fn reveal(card: &RevealCard, words: &Words) -> View {
    let mut v = View::new(
        Tone::Success,
        format!("Revealed: daily question #{}", card.post_id),
    )
    .block(Block::Section {
        heading: "Question".into(),
        text: card.prompt.clone(),
    });
    if !card.options.is_empty() {
        v = v.block(revealed_options(card));
    }
    // A reveal is read in a busy channel: it leads with the summary, and
    // the full answer is one click (or command) away.
    v = v.block(Block::Section {
        heading: "Answer".into(),
        text: card.summary.as_ref().unwrap_or(&card.answer).clone(),
    });
    if card.summary.is_some() {
        v = with_full_answer(v, card.post_id, words);
    }
    if !card.explanation.is_empty() {
        v = v.block(Block::Section {
            heading: "Why it matters".into(),
            text: card.explanation.clone(),
        });
    }
    if let Some(note) = &card.version_note {
        v = v.text(format!("_Note: {note}_"));
    }
    let names = if card.correct_names.is_empty() {
        "Nobody this time.".to_owned()
    } else {
        let names: Vec<String> = card.correct_names.iter().map(|n| escape(n)).collect();
        names.join(", ")
    };
    v.field("Answers", count(card.answers, "answer", "answers"))
        .field(
            "Correct",
            format!(
                "{} ({}%)",
                card.correct,
                percent(card.correct, card.answers)
            ),
        )
        .field("Got it right", names)
}

/// The options in the order the post showed them, the correct ones marked,
/// so the reveal reads with the letters people picked.
fn revealed_options(card: &RevealCard) -> Block {
    Block::List {
        heading: Some("Options".into()),
        mark: Mark::Lettered,
        items: card
            .options
            .iter()
            .map(|(id, text, correct)| {
                let name = if id.eq_ignore_ascii_case(text) {
                    text.clone()
                } else {
                    format!("{}. {text}", id.to_uppercase())
                };
                if *correct {
                    format!("{name} ✓ correct")
                } else {
                    name
                }
            })
            .collect(),
    }
}

/// Offers the full model answer behind a summary: a button, or the command
/// to type where there are no buttons.
fn with_full_answer(mut v: View, post: i64, words: &Words) -> View {
    v.controls.push(Control::Button {
        action: ActionId::FullAnswer { post },
        label: "Full answer".into(),
        emphasis: Emphasis::Secondary,
        disabled: false,
    });
    v.typed = Some(format!(
        "The full answer: {} {post}",
        words.cmd("full-answer")
    ));
    v
}

/// A reveal in two parts, for front ends that edit the original post and
/// answer in its thread: the post's new face (the question and how the
/// channel did, no controls) and the model answer.
pub fn reveal_parts(card: &RevealCard, words: &Words) -> (View, View) {
    let full = reveal(card, words);
    // The post keeps what a busy channel reads: the question, its options
    // and, when there is one, the summary. Everything longer goes to the
    // thread, where the full model answer replaces the summary.
    let on_post = |b: &Block| match b {
        Block::Section { heading, .. } if heading == "Question" => true,
        Block::Section { heading, .. } if heading == "Answer" => card.summary.is_some(),
        Block::List { heading, .. } => heading.as_deref() == Some("Options"),
        _ => false,
    };
    let (question_blocks, mut answer_blocks): (Vec<Block>, Vec<Block>) =
        full.blocks.iter().cloned().partition(on_post);
    if card.summary.is_some() {
        answer_blocks.insert(
            0,
            Block::Section {
                heading: "Full answer".into(),
                text: card.answer.clone(),
            },
        );
    }
    let summary = View {
        blocks: question_blocks,
        ..full.clone()
    };
    let answer = View {
        tone: Tone::Neutral,
        title: format!("Model answer: daily question #{}", card.post_id),
        blocks: answer_blocks,
        fields: vec![],
        footer: None,
        controls: vec![],
        typed: None,
        deadline: None,
    };
    (summary, answer)
}
