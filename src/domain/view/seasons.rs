//! Competitions: a season's board, its results post, the hall of fame,
//! period winners, and their lines in `/help`.

use super::{count, percent, Block, Mark, Tone, View, Words};
use crate::domain::command::FairBoard;
use crate::domain::markup::escape;
use crate::domain::reply::{
    Announced, Announcement, FairBoardCard, FairRow, PeriodWinners, SeasonLine, SeasonResults,
    SeasonStatus, Standing, TeamBoardCard, TeamRow,
};

fn medal(rank: i64) -> &'static str {
    match rank {
        1 => "🥇",
        2 => "🥈",
        _ => "🥉",
    }
}

pub(super) fn podium(rows: &[Standing]) -> Block {
    Block::List {
        heading: Some("Podium".into()),
        mark: Mark::Bullet,
        items: rows
            .iter()
            .map(|r| {
                format!(
                    "{} {} · {}",
                    medal(r.rank),
                    escape(&r.name),
                    count(r.points, "point", "points")
                )
            })
            .collect(),
    }
}

/// The running season: its dates, its board and where the asker stands.
pub fn season_status(s: &SeasonStatus, words: &Words) -> View {
    let topics = if s.topics.is_empty() {
        "all topics".to_owned()
    } else {
        s.topics.join(", ")
    };
    let mut v = View::new(Tone::Trophy, format!("Season: {}", escape(&s.name))).text(format!(
        "From {} to {} ({topics}). Ends {}.",
        s.started_on, s.ends_on, s.ends_label
    ));
    if !s.teams.is_empty() {
        v = v
            .text("Played by teams: average points per active member.")
            .block(team_table(&s.teams))
            .field(
                "Your team",
                s.my_team
                    .as_deref()
                    .map_or_else(|| "none: /team join NAME to play".into(), escape),
            );
    }
    v = if s.rows.is_empty() {
        v.text("No points this season yet. Answer a question to get on the board.")
    } else {
        v.block(super::boards::standings_table(&s.rows))
    };
    v.field(
        "You",
        match &s.me {
            Some(me) => format!("#{} · {}", me.rank, count(me.points, "point", "points")),
            None => "no points this season yet".into(),
        },
    )
    .footer(format!(
        "Season #{} · past seasons: {}",
        s.season_id,
        words.cmd("season history")
    ))
}

/// A finished season: podium and awards (also the results post).
pub fn season_results(r: &SeasonResults) -> View {
    let mut v = View::new(Tone::Trophy, format!("Season results: {}", escape(&r.name)))
        .text(format!("From {} to {}.", r.started_on, r.ended_on));
    if !r.teams.is_empty() {
        v = v
            .field(
                "Winning team",
                if r.winning_teams.is_empty() {
                    "none: no team scored".to_owned()
                } else {
                    format!("🏆 {}", names(&r.winning_teams))
                },
            )
            .block(team_table(&r.teams));
    }
    v = if r.podium.is_empty() {
        v.text("Nobody scored this season.")
    } else {
        v.block(podium(&r.podium))
    };
    let none = || "nobody yet".to_owned();
    v = v.field(
        "Most improved",
        r.most_improved.as_ref().map_or_else(none, |a| {
            format!(
                "{} (+{})",
                escape(&a.name),
                count(a.value, "point", "points")
            )
        }),
    );
    v = v.field(
        "Longest streak",
        r.longest_streak.as_ref().map_or_else(none, |a| {
            format!("{} ({})", escape(&a.name), count(a.value, "day", "days"))
        }),
    );
    v = v.field(
        "Most accurate",
        r.most_accurate.as_ref().map_or_else(
            || format!("nobody with {} or more answers", r.min_answers),
            |a| {
                let of = a.out_of.unwrap_or(0);
                format!(
                    "{} ({}% of {})",
                    escape(&a.name),
                    percent(a.value, of),
                    count(of, "answer", "answers")
                )
            },
        ),
    );
    v.footer(format!(
        "Season #{} · lifetime points are kept",
        r.season_id
    ))
}

/// Names, escaped, joined with commas.
fn names(list: &[String]) -> String {
    list.iter()
        .map(|c| escape(c))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The hall of fame.
pub fn season_history(lines: &[SeasonLine], words: &Words) -> View {
    let v = View::new(Tone::Trophy, "Hall of fame");
    if lines.is_empty() {
        return v.text(format!(
            "No seasons yet. An admin can start one with {}.",
            words.cmd("season start name:\"Winter 2027\" ends:2027-03-31")
        ));
    }
    let items = lines
        .iter()
        .map(|l| {
            let who = if l.running {
                "running".to_owned()
            } else if !l.teams.is_empty() {
                format!("🏆 team {}", names(&l.teams))
            } else if l.champions.is_empty() {
                "no champion".to_owned()
            } else {
                format!("🏆 {}", names(&l.champions))
            };
            format!(
                "#{} **{}** ({} to {}): {who}",
                l.season_id,
                escape(&l.name),
                l.started_on,
                l.ends_on
            )
        })
        .collect();
    v.block(Block::List {
        heading: None,
        mark: Mark::Bullet,
        items,
    })
    .footer(format!(
        "A season's full results: {}",
        words.cmd("season results N")
    ))
}

/// The winners of a week or a month.
pub fn winners(w: &PeriodWinners) -> View {
    let v = View::new(Tone::Trophy, format!("Winners of the {}", w.period))
        .text(format!("From {} to {}.", w.from, w.to));
    if w.podium.is_empty() {
        return v.text("Nobody scored this time.");
    }
    v.block(podium(&w.podium))
}

/// A competition post.
pub fn announcement(a: &Announcement, words: &Words) -> View {
    match &a.body {
        Announced::SeasonResults(r) => season_results(r),
        Announced::Winners(w) => winners(w),
        Announced::RoundQuestion(q) => super::rounds::question(q, words),
        Announced::RoundResult(r) => super::rounds::result(r),
        Announced::RoundPodium(p) => super::rounds::podium(p),
    }
}

/// The competition commands, for `/help`.
pub fn help_lines(words: &Words) -> (Vec<String>, Vec<String>) {
    let c = |s: &str| format!("`{}`", words.cmd(s));
    let everyone = vec![
        format!(
            "{}: the running season's board and your rank",
            c("season status")
        ),
        format!(
            "{}: past seasons and their champions",
            c("season history | results N")
        ),
        format!(
            "{}: join a team; teams ranked by average points per active member",
            c("team join NAME | board [week|month|all]")
        ),
        format!(
            "{}: most points gained on the period before, or share right (at least 3 answers)",
            c("leaderboard improved|accuracy [week|month|all] [min:N]")
        ),
        format!(
            "{}: appear as \"anonymous\" on public boards and posts (you still see your rank)",
            c("privacy hide | show")
        ),
        format!(
            "{}: delete your answers, points and streaks in this {}",
            c("forget me [confirm:yes]"),
            words.community
        ),
        format!(
            "{}: the live round here: its open question and standings",
            c("round status")
        ),
        format!(
            "{}: the champion, milestone and streak rewards here, and your badges",
            c("rewards")
        ),
    ];
    let admins = vec![
        format!(
            "{}: a season with its own board, ending at midnight after that day here",
            c("season start name:\"NAME\" ends:YYYY-MM-DD [topics:a,b] [teams:yes]")
        ),
        format!("{}: end it now and post the results", c("season end")),
        format!(
            "{}: make a team, or deal everyone into N teams by last month's points",
            c("team create NAME | balance teams:N [seed:S]")
        ),
        format!(
            "{}: switch the on-time and streak bonuses (no options: show them)",
            c("scoring [on-time:on|off] [streak:on|off]")
        ),
        format!(
            "{}: post the winners here at the end of each week and month",
            c("winners on | off")
        ),
        format!(
            "{}: a live round here: questions one after another, each with a countdown; quick right choice answers earn more",
            c("round start [topic] [questions:5] [seconds:60]")
        ),
        format!("{}: end the live round now, with its podium", c("round stop")),
        format!(
            "{}: rewards: a champion for each period's winner, milestones for lifetime points, streak rewards (default 3,7,14,30,90 days)",
            c("rewards champion week|month|season|off | milestones N,N|off | streaks [N,N]|off")
        ),
        format!(
            "{}: the role a reward gives, where there are roles (Discord); elsewhere rewards are badges",
            c("rewards role REWARD ROLE|off")
        ),
    ];
    (everyone, admins)
}

/// The most improved or the accuracy board.
pub fn fair_board(b: &FairBoardCard) -> View {
    let (title, columns, empty) = match b.kind {
        FairBoard::Improved => (
            format!("Most improved, {}", b.period.as_str()),
            ["Gained", "Points now"],
            "Nobody has gained on the previous period yet.".to_owned(),
        ),
        FairBoard::Accuracy { min } => (
            format!("Accuracy, {}", b.period.as_str()),
            ["Right", "Answers"],
            format!("Nobody has {min} or more scored answers in this period yet."),
        ),
    };
    let cells = |r: &FairRow| match b.kind {
        FairBoard::Improved => vec![format!("+{}", r.value), r.of.to_string()],
        FairBoard::Accuracy { .. } => {
            vec![format!("{}%", percent(r.value, r.of)), r.of.to_string()]
        }
    };
    let mut v = View::new(Tone::Trophy, title);
    v = if b.rows.is_empty() {
        v.text(empty)
    } else {
        v.block(Block::Table {
            columns: ["Rank", "Member", columns[0], columns[1]]
                .map(String::from)
                .to_vec(),
            rows: b
                .rows
                .iter()
                .map(|r| {
                    let mut row = vec![format!("{}.", r.rank), escape(&r.name)];
                    row.extend(cells(r));
                    row
                })
                .collect(),
        })
    };
    let you = match &b.me {
        Some(me) => format!("#{} · {}", me.rank, cells(me).join(" · ")),
        None => "not on this board yet".into(),
    };
    let v = v.field("You", you);
    match b.kind {
        FairBoard::Accuracy { min } => v.footer(format!(
            "Scored answers only; at least {}",
            count(min, "answer", "answers")
        )),
        FairBoard::Improved => v.footer("Points gained over the period before"),
    }
}

/// Teams ranked by average points per active member.
pub fn team_board(b: &TeamBoardCard) -> View {
    let v = View::new(Tone::Trophy, format!("Teams, {}", b.period.as_str()));
    if b.rows.is_empty() {
        return v.text("No teams yet. An admin can create some, or balance them from last month.");
    }
    v.block(team_table(&b.rows))
        .footer("Average points per member who scored in the period, so team size does not decide")
}

/// Teams ranked, with their average, points and active members of all.
fn team_table(rows: &[TeamRow]) -> Block {
    Block::Table {
        columns: ["Rank", "Team", "Average", "Points", "Active"]
            .map(String::from)
            .to_vec(),
        rows: rows
            .iter()
            .map(|r| {
                vec![
                    format!("{}.", r.rank),
                    escape(&r.name),
                    format!("{}.{}", r.average_tenths / 10, r.average_tenths % 10),
                    r.points.to_string(),
                    format!("{}/{}", r.active, r.members),
                ]
            })
            .collect(),
    }
}
