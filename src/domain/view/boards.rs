//! Leaderboards, stats and streaks.

use super::{count, percent, Block, Control, Emphasis, Tone, View};
use crate::domain::action::ActionId;
use crate::domain::markup::escape;
use crate::domain::reply::{Leaderboard, Standing, Stats, StreakCard};

/// A leaderboard page, with paging buttons when there is more than one.
/// Rank, member and points: the table of every points board (period
/// leaderboards, season boards).
pub fn standings_table(rows: &[Standing]) -> Block {
    Block::Table {
        columns: vec!["Rank".into(), "Member".into(), "Points".into()],
        rows: rows
            .iter()
            .map(|r| {
                vec![
                    format!("{}.", r.rank),
                    super::rewards::with_badges(&r.name, &r.badges),
                    r.points.to_string(),
                ]
            })
            .collect(),
    }
}

pub fn leaderboard(lb: &Leaderboard) -> View {
    let mut title = format!("Leaderboard, {}", lb.period.as_str());
    if let Some(t) = &lb.topic {
        title.push_str(&format!(" · {t}"));
    }
    let pages = lb.pages.max(1);
    let mut v = View::new(Tone::Trophy, title);
    v = if lb.rows.is_empty() {
        v.text("No points yet. Answer today's question to get on the board.")
    } else {
        v.block(standings_table(&lb.rows))
    };
    v = v.field(
        "You",
        match &lb.me {
            Some(me) => format!("#{} · {}", me.rank, count(me.points, "point", "points")),
            None => "no points in this period yet".into(),
        },
    );
    v = v.footer(format!("Page {} of {pages}", lb.page.min(pages)));
    if pages > 1 {
        let go = |page: u32, label: &str, disabled: bool| Control::Button {
            action: ActionId::Leaderboard {
                period: lb.period,
                topic: lb.topic.clone(),
                page,
            },
            label: label.into(),
            emphasis: Emphasis::Secondary,
            disabled,
        };
        v.controls = vec![
            go(lb.page.saturating_sub(1).max(1), "◀ Previous", lb.page <= 1),
            go(lb.page + 1, "Next ▶", lb.page >= pages),
        ];
    }
    v
}

/// A member's points, accuracy and streaks, with a line per topic.
pub fn stats(s: &Stats) -> View {
    let mut v = View::new(Tone::Neutral, format!("Stats: {}", escape(&s.name)))
        .field("Points", s.points.to_string())
        .field("Answers", s.answers.to_string())
        .field(
            "Correct",
            format!("{} ({}%)", s.correct, percent(s.correct, s.answers)),
        )
        .field("Streak", s.streak.to_string())
        .field("Best streak", s.best_streak.to_string());
    let w = s.wins;
    if w.weeks + w.months + w.seasons > 0 {
        v = v.field(
            "Wins",
            format!(
                "{} · {} · {}",
                count(w.weeks, "week", "weeks"),
                count(w.months, "month", "months"),
                count(w.seasons, "season", "seasons")
            ),
        );
    }
    if !s.badges.is_empty() {
        v = v.field("Badges", super::rewards::badge_line(&s.badges));
    }
    if s.per_topic.is_empty() {
        return v.text("No answers yet.");
    }
    v = v.block(Block::Table {
        columns: vec!["Topic".into(), "Correct".into(), "Points".into()],
        rows: s
            .per_topic
            .iter()
            .map(|t| {
                vec![
                    t.name.clone(),
                    format!("{}/{}", t.correct, t.answered),
                    t.points.to_string(),
                ]
            })
            .collect(),
    });
    v
}

/// A member's streak in this channel.
pub fn streak(s: &StreakCard) -> View {
    let (one, many) = if s.weekdays {
        ("weekday", "weekdays")
    } else {
        ("day", "days")
    };
    View::new(Tone::Neutral, "Your streak in this channel").text(format!(
        "{} in a row (best {}).",
        count(s.current.into(), one, many),
        s.best
    ))
}
