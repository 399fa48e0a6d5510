//! Button and modal `custom_id`s. They carry everything the click needs, so a
//! button on a message posted before a restart still works afterwards:
//!
//! - `prepbot:choose:<post>:<option>`: pick an option of a choice question
//! - `prepbot:answer:<post>`: open the answer modal
//! - `prepbot:modal:<post or ->`: the answer modal's submit (`-`: the
//!   person's current question, as `/answer` without a number)
//! - `prepbot:lb:<period>:<topic or ->:<page>`: a leaderboard page
//!
//! Discord caps a `custom_id` at 100 characters; the longest here (a 32
//! character topic) is well under.

use crate::bank::Topic;
use crate::domain::command::{Command, Period};

/// The text input inside the answer modal.
pub const ANSWER_FIELD: &str = "answer";

/// What a button or modal asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Choose {
        post: i64,
        option: String,
    },
    OpenAnswer {
        post: i64,
    },
    SubmitAnswer {
        post: Option<i64>,
    },
    Leaderboard {
        period: Period,
        topic: Option<Topic>,
        page: u32,
    },
}

fn period_slug(p: Period) -> &'static str {
    match p {
        Period::Week => "week",
        Period::Month => "month",
        Period::All => "all",
    }
}

impl Action {
    /// The `custom_id` for this action.
    pub fn encode(&self) -> String {
        match self {
            Action::Choose { post, option } => format!("prepbot:choose:{post}:{option}"),
            Action::OpenAnswer { post } => format!("prepbot:answer:{post}"),
            Action::SubmitAnswer { post: Some(post) } => format!("prepbot:modal:{post}"),
            Action::SubmitAnswer { post: None } => "prepbot:modal:-".to_owned(),
            Action::Leaderboard {
                period,
                topic,
                page,
            } => {
                let topic = topic.as_ref().map_or("-", Topic::as_str);
                format!("prepbot:lb:{}:{topic}:{page}", period_slug(*period))
            }
        }
    }

    /// Reads a `custom_id`; `None` for ids that are not prepbot's or are malformed.
    pub fn parse(id: &str) -> Option<Self> {
        let rest = id.strip_prefix("prepbot:")?;
        let parts: Vec<&str> = rest.split(':').collect();
        match parts.as_slice() {
            ["choose", post, option] if !option.is_empty() => Some(Action::Choose {
                post: post.parse().ok()?,
                option: (*option).to_owned(),
            }),
            ["answer", post] => Some(Action::OpenAnswer {
                post: post.parse().ok()?,
            }),
            ["modal", "-"] => Some(Action::SubmitAnswer { post: None }),
            ["modal", post] => Some(Action::SubmitAnswer {
                post: Some(post.parse().ok()?),
            }),
            ["lb", period, topic, page] => Some(Action::Leaderboard {
                period: period.parse().ok()?,
                topic: match *topic {
                    "-" => None,
                    t => Some(Topic::parse(t).ok()?),
                },
                page: page.parse().ok()?,
            }),
            _ => None,
        }
    }

    /// The core command a click stands for; `None` for opening the modal,
    /// which is Discord-only and needs no core call, and for a modal submit,
    /// which needs the typed text (see [`answer_command`]).
    pub fn command(&self) -> Option<Command> {
        match self {
            Action::Choose { post, option } => Some(Command::Choose {
                post: *post,
                options: vec![option.clone()],
            }),
            Action::Leaderboard {
                period,
                topic,
                page,
            } => Some(Command::Leaderboard {
                period: *period,
                topic: topic.clone(),
                page: *page,
            }),
            Action::OpenAnswer { .. } | Action::SubmitAnswer { .. } => None,
        }
    }
}

/// The command for an answer typed into the modal of `post`.
pub fn answer_command(post: Option<i64>, text: &str) -> Command {
    Command::Answer {
        post,
        text: text.trim().to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_survives_a_round_trip_through_its_custom_id() {
        let all = [
            Action::Choose {
                post: 42,
                option: "b".into(),
            },
            Action::OpenAnswer { post: 7 },
            Action::SubmitAnswer { post: Some(7) },
            Action::SubmitAnswer { post: None },
            Action::Leaderboard {
                period: Period::Week,
                topic: None,
                page: 2,
            },
            Action::Leaderboard {
                period: Period::All,
                topic: Some(Topic::parse("sql-concepts").unwrap()),
                page: 1,
            },
        ];
        for a in all {
            let id = a.encode();
            assert!(id.len() <= 100, "{id}");
            assert_eq!(Action::parse(&id), Some(a));
        }
    }

    #[test]
    fn foreign_and_malformed_custom_ids_are_ignored() {
        for id in [
            "other:choose:1:a",
            "prepbot:choose:x:a",
            "prepbot:choose:1:",
            "prepbot:lb:year:-:1",
            "prepbot:lb:week:Bad Topic:1",
        ] {
            assert_eq!(Action::parse(id), None, "{id}");
        }
    }

    #[test]
    fn a_button_click_becomes_the_matching_core_command() {
        let choose = Action::Choose {
            post: 3,
            option: "true".into(),
        };
        assert_eq!(
            choose.command(),
            Some(Command::Choose {
                post: 3,
                options: vec!["true".into()]
            })
        );
        assert_eq!(Action::OpenAnswer { post: 3 }.command(), None);
        assert_eq!(
            answer_command(Some(3), "  a long answer \n"),
            Command::Answer {
                post: Some(3),
                text: "a long answer".into()
            }
        );
    }
}
