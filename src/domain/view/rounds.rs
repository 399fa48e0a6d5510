//! Live rounds: a question with its deadline, a closed question's answer
//! and standings, the final podium, and `/round status`. The deadline is
//! left as a time in [`View::deadline`]; each front end shows it its way.

use super::{count, Block, Mark, Tone, View, Words};
use crate::domain::markup::escape;
use crate::domain::rounds::{
    RoundEnd, RoundPodium, RoundQuestion, RoundResult, RoundStatus, GAP_SECONDS,
};

/// A round's question: the usual question card (so the usual answer
/// buttons and typed form), titled with its place in the round.
pub fn question(q: &RoundQuestion, words: &Words) -> View {
    let mut v = super::cards::question(&q.card, words);
    v.title = format!(
        "Round #{} · question {} of {} (#{})",
        q.round_id, q.n, q.of, q.card.post_id
    );
    v.footer = Some(format!(
        "{} seconds. Answers are private; for choice and true/false questions, the faster a right answer, the more points (full at once, half at the deadline).",
        q.seconds
    ));
    v.deadline = Some(q.deadline);
    v
}

/// A closed question: the answer, how the channel did, the standings.
pub fn result(r: &RoundResult) -> View {
    let mut v = standings(answer(r), &r.standings);
    v.footer = Some(match r.next_at {
        Some(_) => format!("Next question in {GAP_SECONDS} seconds."),
        None => "That was the last question.".into(),
    });
    v
}

/// A closed question's answer and how the channel did.
fn answer(r: &RoundResult) -> View {
    let mut v = View::new(
        Tone::Success,
        format!(
            "Round #{} · answer to question {} of {}",
            r.round_id, r.n, r.of
        ),
    )
    .text(&r.prompt);
    let answer = if r.right_options.is_empty() {
        r.answer.clone()
    } else {
        r.right_options
            .iter()
            .map(|(id, text)| format!("{}. {text}", id.to_uppercase()))
            .collect::<Vec<_>>()
            .join("\n")
    };
    v = v.block(Block::Section {
        heading: "Answer".into(),
        text: answer,
    });
    v.field("Answers", count(r.answers, "answer", "answers"))
        .field("Right", r.correct.to_string())
}

fn standings(v: View, rows: &[crate::domain::reply::Standing]) -> View {
    if rows.is_empty() {
        return v.text("No points in this round yet.");
    }
    v.block(Block::Section {
        heading: "Standings".into(),
        text: String::new(),
    })
    .block(super::boards::standings_table(rows))
}

/// The end of a round: the podium, and why it ended if not by finishing.
pub fn podium(p: &RoundPodium) -> View {
    let mut v = View::new(Tone::Trophy, format!("Round #{} is over", p.round_id));
    if let Some(last) = &p.last {
        let answer = answer(last);
        v = v.text(format!("**{}**", answer.title));
        v.blocks.extend(answer.blocks);
        v.fields = answer.fields;
    }
    let why = match p.reason {
        RoundEnd::Finished if p.of == 1 => "Its one question was asked.".to_owned(),
        RoundEnd::Finished => format!("All {} questions asked.", p.of),
        RoundEnd::Stopped => format!(
            "Stopped by an admin after {} of {} questions.",
            p.asked, p.of
        ),
        RoundEnd::Stale => format!(
            "prepbot was away too long to go on: closed after {} of {} questions.",
            p.asked, p.of
        ),
    };
    v = v.text(why);
    v = if p.podium.is_empty() {
        v.text("Nobody scored in this round.")
    } else {
        v.block(super::seasons::podium(&p.podium))
    };
    v.field("Players", p.players.to_string())
}

/// `/round status`: the round's progress and standings.
pub fn status(s: &RoundStatus, words: &Words) -> View {
    let title = if s.running {
        format!("Round #{} · question {} of {}", s.round_id, s.asked, s.of)
    } else {
        format!("Round #{} (over)", s.round_id)
    };
    let mut v = View::new(Tone::Trophy, title).text(format!(
        "{} · {} seconds a question.",
        s.topic
            .as_deref()
            .map(escape)
            .unwrap_or_else(|| "All topics".into()),
        s.seconds
    ));
    if let Some((post, deadline)) = s.open {
        v = v.block(Block::List {
            heading: None,
            mark: Mark::Bullet,
            items: vec![format!("Question #{post} is open.")],
        });
        v.deadline = Some(deadline);
    } else if s.running {
        v = v.text("The next question comes shortly.");
    }
    v = standings(v, &s.standings);
    if !s.running {
        v.footer = Some(
            words.retype("No round is running here. An admin can start one with /round start."),
        );
    }
    v
}
