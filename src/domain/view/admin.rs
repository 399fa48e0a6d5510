//! Help, refusals and the admin views: daily status, flags, custom questions.

use super::{count, Block, Mark, Tone, View, Words};
use crate::domain::markup::escape;
use crate::domain::reply::{CustomQuestions, DailyStatus, FlagLine, HelpCard, PauseCard, TryAgain};

/// The private note to the admin who set a schedule up: delivery stopped
/// it, why, and how to start it again. Sent once per pause.
pub fn paused_by_delivery(card: &PauseCard, words: &Words) -> View {
    View::new(Tone::Error, "Daily question paused")
        .text(format!(
            "prepbot could not deliver daily question #{} to {} and has paused the daily question there.",
            card.post_id,
            words.channel(&card.channel)
        ))
        .block(Block::Section {
            heading: "Why".into(),
            text: escape(&card.reason),
        })
        .text(format!(
            "Once it is fixed, run {} in that channel; {} shows this reason until then.",
            words.cmd("daily resume"),
            words.cmd("daily status")
        ))
}

/// "Only admins can do that", in the platform's words.
pub fn admin_only(words: &Words) -> View {
    let mut text = format!("Only {} can do that.", words.admins);
    if let Some(how) = words.become_admin {
        text.push_str(&format!(" {how}"));
    }
    View::new(Tone::Error, "Can't do that").text(text)
}

/// A failure on our side: try again, and (for an answer) the person's own
/// words, escaped so they show exactly as written and can be sent again.
/// "May not have been saved": a connection cut while the answer was being
/// committed leaves it saved or not, and sending it again settles which
/// (a second copy is refused with "you already answered").
pub fn try_again(t: &TryAgain) -> View {
    let what = if t.echo.is_some() {
        "your answer may not have been saved"
    } else {
        "this may not have been done"
    };
    let text = if t.unreachable {
        format!(
            "prepbot cannot reach its database right now (it may be restarting), so {what}. Please try again in a minute (ref {}).",
            t.reference
        )
    } else {
        format!(
            "Something went wrong on our side, so {what}. Please try again; if it keeps happening, report ref {}.",
            t.reference
        )
    };
    let mut v = View::new(Tone::Error, "Please try again").text(text);
    if let Some(echo) = &t.echo {
        v = v.block(Block::Section {
            heading: "Your answer, to send again".into(),
            text: escape(echo),
        });
    }
    v
}

/// Every command, grouped, then the rules and the topics.
pub fn help(h: &HelpCard, words: &Words) -> View {
    let c = |s: &str| format!("`{}`", words.cmd(s));
    let everyone = vec![
        format!(
            "{}: a question just for you",
            c("quiz [topic:T] [difficulty:easy|medium|hard] [format:open|choice|truefalse|sql]")
        ),
        format!(
            "{}: answer your most recent open question (quiz or daily); {} picks one",
            c("answer TEXT"),
            c("answer #ID TEXT")
        ),
        format!(
            "{}: the model answer of today's daily question, once it is revealed",
            c("reveal")
        ),
        format!(
            "{}: after the reveal, ask an admin to look at your answer again",
            c("flag [ID]")
        ),
        format!(
            "{}: the points table",
            c("leaderboard [week|month|all] [topic:T] [page:N]")
        ),
        format!(
            "{}: points, streak and accuracy per topic",
            c("stats [NAME]")
        ),
        format!(
            "{}: your streak of daily questions answered in this channel",
            c("streak")
        ),
    ];
    let admins = vec![
        format!("{}: post a question every day", c("daily setup time:HH:MM tz:Area/City [reveal:HH:MM] [days:daily|weekdays] [topics:a,b]")),
        format!("{}", c("daily post | status | pause | resume")),
        format!("{}: add this {}'s own questions; replace:true overwrites the same ids", c("questions add FILE [replace:true]"), words.community),
        format!("{}: manage them and the topics", c("questions remove id:ID | disable-topic T | enable-topic T | list")),
        format!("{}: answers people asked to have looked at again", c("flags")),
        format!("{}: change a grade (logged)", c("regrade ANSWER-ID correct|partial|incorrect [note]")),
    ];
    let (mut everyone, mut admins) = (everyone, admins);
    let (play, run) = super::seasons::help_lines(words);
    everyone.extend(play);
    admins.extend(run);
    let topics: Vec<String> = h
        .topics
        .iter()
        .map(|(slug, name)| format!("{name} (`{slug}`)"))
        .collect();
    View::new(Tone::Neutral, "prepbot: one interview question a day")
        .text("Graded privately, revealed together.")
        .block(Block::List { heading: Some("Everyone".into()), mark: Mark::Bullet, items: everyone })
        .block(Block::List { heading: Some(format!("For {}", words.admins)), mark: Mark::Bullet, items: admins })
        .block(Block::Section {
            heading: "Rules".into(),
            text: "Your first answer to a question stands. Daily answers before the reveal earn points \
                   (easy 10, medium 20, hard 30; half for partial) plus a 5-point on-time bonus; later ones are practice. \
                   A quiz question earns points the first time you answer it."
                .into(),
        })
        .block(Block::Section { heading: "Topics".into(), text: topics.join(", ") })
}

/// A channel's daily settings, and whether and when it posts next.
pub fn daily_status(s: &DailyStatus, words: &Words) -> View {
    let title = s.headline.as_deref().unwrap_or("Daily question");
    let v = View::new(Tone::Neutral, title).text(settings_line(s));
    match state_line(s, words) {
        Some(state) => v.text(state),
        None => v,
    }
}

/// "Posts at 09:00 and reveals at 17:00 (UTC), every day, from all topics."
pub fn settings_line(s: &DailyStatus) -> String {
    let topics = if s.topics.is_empty() {
        "all topics".to_owned()
    } else {
        s.topics.join(", ")
    };
    format!(
        "Posts at {} and reveals at {}{} ({}), {}, from {topics}.",
        s.post_time,
        s.reveal_time,
        if s.reveal_next_day {
            " the next day"
        } else {
            ""
        },
        s.tz,
        if s.weekdays {
            "on weekdays"
        } else {
            "every day"
        },
    )
}

/// Whether the schedule runs (and when it posts next) or is paused, and why.
pub fn state_line(s: &DailyStatus, words: &Words) -> Option<String> {
    match (&s.paused, &s.next_post) {
        (Some(why), _) => Some(format!(
            "Paused ({why}): nothing is posted until an admin runs {}.",
            words.cmd("daily resume")
        )),
        (None, Some(next)) => Some(format!("Next post: {next}.")),
        (None, None) => None,
    }
}

/// Open flags, oldest first.
pub fn flags(flags: &[FlagLine], words: &Words) -> View {
    let v = View::new(Tone::Neutral, "Open flags");
    if flags.is_empty() {
        return v.text("No open flags.");
    }
    v.text(format!(
        "Re-grade with {}.",
        words.cmd("regrade ANSWER-ID correct|partial|incorrect")
    ))
    .block(Block::List {
        heading: None,
        mark: Mark::Bullet,
        items: flags
            .iter()
            .map(|f| {
                format!(
                    "answer {} by {} to #{} (`{}`, {}): {}",
                    f.answer_id,
                    escape(&f.member),
                    f.post_id,
                    f.question_id,
                    f.verdict.as_deref().unwrap_or("ungraded"),
                    escape(&f.excerpt)
                )
            })
            .collect(),
    })
}

/// A server's custom questions and switched-off topics.
pub fn custom_questions(c: &CustomQuestions, words: &Words) -> View {
    let mut v = View::new(
        Tone::Neutral,
        format!("This {}'s questions", words.community),
    )
    .text(format!(
        "This {} has {}.",
        words.community,
        count(
            c.questions.len() as i64,
            "custom question",
            "custom questions"
        )
    ));
    if !c.questions.is_empty() {
        v = v.block(Block::List {
            heading: None,
            mark: Mark::Bullet,
            items: c
                .questions
                .iter()
                .map(|(id, topic, difficulty, format)| {
                    format!("`{id}` ({topic}, {difficulty}, {format})")
                })
                .collect(),
        });
    }
    v.field(
        "Disabled topics",
        if c.disabled_topics.is_empty() {
            "none".to_owned()
        } else {
            c.disabled_topics.join(", ")
        },
    )
}
