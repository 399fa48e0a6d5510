//! A person's home (Slack's App Home tab) as a list of views, in order:
//! each open daily question with an Answer button (the same action as the
//! daily post's, so it opens the same answer form), the person's stats and
//! all-time rank, and for admins every channel's daily settings.
//!
//! A home has no reply to answer a click into, so it offers only the
//! Answer button: paging buttons and option buttons are left out, and a
//! choice question says what to type in the answer form instead.

use super::{admin, boards, cards, count, Block, Control, Emphasis, Mark, Tone, View, Words};
use crate::bank::Format;
use crate::domain::action::ActionId;
use crate::domain::home::{Home, OpenQuestion, Schedules};

/// The views of a home, top to bottom.
pub fn home(h: &Home, words: &Words) -> Vec<View> {
    let mut views: Vec<View> = h.open.iter().map(|o| open_question(o, words)).collect();
    if h.open.is_empty() {
        views.push(View::new(Tone::Neutral, "Today's question").text(format!(
            "No daily question is open right now. {} gets you one of your own.",
            words.cmd("quiz")
        )));
    } else if h.more_open > 0 {
        views.push(View::new(Tone::Neutral, "").text(format!(
            "{} open in other channels: answer there with {}.",
            count(h.more_open, "more question is", "more questions are"),
            words.cmd("answer")
        )));
    }
    views.push(boards::stats(&h.stats));
    let mut board = boards::leaderboard(&h.board);
    board.controls.clear();
    board.footer = Some(format!("The whole board: {}", words.cmd("leaderboard all")));
    views.push(board);
    if let Some(s) = &h.schedules {
        views.push(schedules(s, words));
    }
    views
}

/// One channel's open question: the card as posted, with the Answer button
/// only (or a note that the person already answered).
fn open_question(o: &OpenQuestion, words: &Words) -> View {
    let mut v = cards::question(&o.card, words);
    v.blocks.insert(
        0,
        Block::Text(format!("Open now in {}.", words.channel(&o.channel))),
    );
    if o.answered {
        v.controls.clear();
        return v.text("You answered this one. The model answer comes with the reveal.");
    }
    if let Some(how) = what_to_type(&o.card.format, o.card.multi) {
        v = v.text(how);
    }
    v.controls = vec![Control::Button {
        action: ActionId::OpenAnswer {
            post: o.card.post_id,
        },
        label: "Answer".into(),
        emphasis: Emphasis::Primary,
        disabled: false,
    }];
    v
}

/// What goes in the answer form for a question a post answers by buttons.
fn what_to_type(format: &Format, multi: bool) -> Option<&'static str> {
    match format {
        Format::Choice if multi => {
            Some("In the answer form, type every letter that applies, e.g. `a, c`.")
        }
        Format::Choice => Some("In the answer form, type your letter, e.g. `b`."),
        Format::Truefalse => Some("In the answer form, type `true` or `false`."),
        Format::Open | Format::Sql => None,
    }
}

/// Each scheduled channel's settings, and whether it runs or why not.
fn schedules(s: &Schedules, words: &Words) -> View {
    let v = View::new(Tone::Neutral, "Daily question settings");
    if s.channels.is_empty() {
        return v.text(format!(
            "No channel has a daily question yet. Run {} in the channel that should get one.",
            words.cmd("daily setup time:09:00 tz:Europe/London")
        ));
    }
    let items = s
        .channels
        .iter()
        .map(|c| {
            let state = admin::state_line(&c.status, words).unwrap_or_default();
            let line = admin::settings_line(&c.status);
            format!("{}: {line} {state}", words.channel(&c.channel))
                .trim_end()
                .to_owned()
        })
        .collect();
    let mut v = v.block(Block::List {
        heading: None,
        mark: Mark::Bullet,
        items,
    });
    if s.more > 0 {
        v = v.text(format!(
            "{}: see {} there.",
            count(s.more, "more channel", "more channels"),
            words.cmd("daily status")
        ));
    }
    v.footer(format!(
        "Only admins see this. Change a channel's settings with {} there.",
        words.cmd("daily setup")
    ))
}

#[cfg(test)]
#[path = "home_tests.rs"]
mod tests;
