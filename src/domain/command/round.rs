//! `/round start [topic] [questions:5] [seconds:60] | status | stop`: the
//! grammar of live rounds. Every front end builds these same commands
//! (Discord's slash options through [`round_start`]).

use super::*;
use crate::domain::rounds::{DEFAULT_QUESTIONS, DEFAULT_SECONDS, QUESTIONS, SECONDS};

/// `/round ...`
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RoundCommand {
    /// Admin: starts a live round in this channel now.
    Start {
        /// `None`: any enabled topic.
        topic: Option<Topic>,
        questions: u32,
        seconds: u32,
    },
    /// The running round: which question, its deadline, the standings.
    Status,
    /// Admin: ends the running round now, with its podium.
    Stop,
}

pub const ROUND_USAGE: &str = "/round start [topic] [questions:5] [seconds:60] | status | stop";

/// Builds `/round start` from its options (the text grammar and slash shims).
pub fn round_start(
    topic: Option<&str>,
    questions: Option<&str>,
    seconds: Option<&str>,
) -> Result<RoundCommand, ParseError> {
    let number = |v: Option<&str>, name: &str, range: std::ops::RangeInclusive<u32>, default| {
        let Some(v) = v else { return Ok(default) };
        v.trim()
            .parse::<u32>()
            .ok()
            .filter(|n| range.contains(n))
            .ok_or_else(|| {
                ParseError(format!(
                    "{name}: takes {} to {}, not `{v}`",
                    range.start(),
                    range.end()
                ))
            })
    };
    Ok(RoundCommand::Start {
        topic: build::topic(topic)?,
        questions: number(questions, "questions", QUESTIONS, DEFAULT_QUESTIONS)?,
        seconds: number(seconds, "seconds", SECONDS, DEFAULT_SECONDS)?,
    })
}

/// `/round ...` as text.
pub(super) fn round(rest: &str) -> Result<Command, ParseError> {
    let (sub, tail) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
    let tail = tail.trim();
    let wrap = |c| Ok(Command::Compete(CompeteCommand::Round(c)));
    match sub.to_ascii_lowercase().as_str() {
        "start" => {
            let mut a = super::parse::Args::split(tail);
            let topic = a.take("topic")?.or_else(|| a.positional());
            let questions = a.take("questions")?;
            let seconds = a.take("seconds")?;
            a.finish(ROUND_USAGE)?;
            wrap(round_start(topic, questions, seconds)?)
        }
        "status" | "" if tail.is_empty() => wrap(RoundCommand::Status),
        "stop" | "end" if tail.is_empty() => wrap(RoundCommand::Stop),
        "status" | "" | "stop" | "end" => err(format!("/round {sub} takes no arguments")),
        other => err(format!("unknown `/round {other}`. Usage: {ROUND_USAGE}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_of(line: &str) -> Result<RoundCommand, ParseError> {
        match parse(line)? {
            Command::Compete(CompeteCommand::Round(r)) => Ok(r),
            other => panic!("not a round command: {other:?}"),
        }
    }

    #[test]
    fn a_bare_round_start_asks_five_questions_of_sixty_seconds_from_any_topic() {
        assert_eq!(
            round_of("/round start").unwrap(),
            RoundCommand::Start {
                topic: None,
                questions: 5,
                seconds: 60
            }
        );
    }

    #[test]
    fn round_start_takes_a_topic_and_both_options_in_any_order() {
        let want = RoundCommand::Start {
            topic: Some("sql".parse().unwrap()),
            questions: 3,
            seconds: 30,
        };
        assert_eq!(
            round_of("/round start sql questions:3 seconds:30").unwrap(),
            want
        );
        assert_eq!(
            round_of("round start seconds:30 topic:SQL questions:3").unwrap(),
            want
        );
    }

    #[test]
    fn out_of_range_counts_and_unknown_options_are_refused_with_the_usage() {
        assert!(round_of("/round start questions:0")
            .unwrap_err()
            .0
            .contains("1 to 20"));
        assert!(round_of("/round start seconds:5")
            .unwrap_err()
            .0
            .contains("10 to 600"));
        assert!(round_of("/round start colour:red").is_err());
        assert!(round_of("/round dance").unwrap_err().0.contains("Usage"));
    }

    #[test]
    fn status_and_stop_take_no_arguments_and_a_bare_round_is_status() {
        assert_eq!(round_of("/round").unwrap(), RoundCommand::Status);
        assert_eq!(round_of("/round status").unwrap(), RoundCommand::Status);
        assert_eq!(round_of("/round stop").unwrap(), RoundCommand::Stop);
        assert!(round_of("/round stop now").is_err());
    }

    #[test]
    fn only_start_and_stop_need_an_admin() {
        let needs = |l: &str| parse(l).unwrap().needs_admin();
        assert!(needs("/round start"));
        assert!(needs("/round stop"));
        assert!(!needs("/round status"));
    }
}
