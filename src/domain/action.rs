//! Platform-neutral action ids for buttons, selects and modals. They carry
//! everything the click needs, so a button on a message posted before a
//! restart still works afterwards. Discord uses them as `custom_id`s, Slack
//! as `action_id`s and `callback_id`s, a web page as form values:
//!
//! - `prepbot:choose:<post>:<option>`: pick an option of a choice question
//! - `prepbot:answer:<post>`: open the answer modal
//! - `prepbot:modal:<post or ->`: the answer modal's submit (`-`: the
//!   person's current question, as `/answer` without a number)
//! - `prepbot:pick:<post>`: a select menu of options ("select all that
//!   apply"); the picked values arrive with the click
//! - `prepbot:full:<post>`: the full model answer, privately (a reveal
//!   leads with the summary)
//! - `prepbot:lb:<period>:<topic or ->:<page>`: a leaderboard page
//!
//! Discord caps a `custom_id` at 100 characters and Slack an `action_id` at
//! 255; the longest here (a 32-character topic) is well under both.

use crate::bank::Topic;
use crate::domain::command::{build, Command, ParseError, Period};

/// The text input inside the answer modal.
pub const ANSWER_FIELD: &str = "answer";

/// What a button or modal asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum ActionId {
    Choose {
        post: i64,
        option: String,
    },
    OpenAnswer {
        post: i64,
    },
    /// A select menu over a question's options.
    Pick {
        post: i64,
    },
    SubmitAnswer {
        post: Option<i64>,
    },
    /// The full model answer behind a reveal's summary.
    FullAnswer {
        post: i64,
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

impl ActionId {
    /// The post this control belongs to, if any: lets a front end recognise
    /// its own earlier post among a channel's messages.
    pub fn post(&self) -> Option<i64> {
        match self {
            ActionId::Choose { post, .. }
            | ActionId::OpenAnswer { post }
            | ActionId::Pick { post } => Some(*post),
            ActionId::SubmitAnswer { post } => *post,
            // Only on a reveal or feedback, never on the question's own post:
            // it must not make a question look delivered.
            ActionId::FullAnswer { .. } | ActionId::Leaderboard { .. } => None,
        }
    }

    /// The `custom_id` for this action.
    pub fn encode(&self) -> String {
        match self {
            ActionId::Choose { post, option } => format!("prepbot:choose:{post}:{option}"),
            ActionId::OpenAnswer { post } => format!("prepbot:answer:{post}"),
            ActionId::Pick { post } => format!("prepbot:pick:{post}"),
            ActionId::SubmitAnswer { post: Some(post) } => format!("prepbot:modal:{post}"),
            ActionId::SubmitAnswer { post: None } => "prepbot:modal:-".to_owned(),
            ActionId::FullAnswer { post } => format!("prepbot:full:{post}"),
            ActionId::Leaderboard {
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
            ["choose", post, option] if !option.is_empty() => Some(ActionId::Choose {
                post: post.parse().ok()?,
                option: (*option).to_owned(),
            }),
            ["answer", post] => Some(ActionId::OpenAnswer {
                post: post.parse().ok()?,
            }),
            ["pick", post] => Some(ActionId::Pick {
                post: post.parse().ok()?,
            }),
            ["full", post] => Some(ActionId::FullAnswer {
                post: post.parse().ok()?,
            }),
            ["modal", "-"] => Some(ActionId::SubmitAnswer { post: None }),
            ["modal", post] => Some(ActionId::SubmitAnswer {
                post: Some(post.parse().ok()?),
            }),
            ["lb", period, topic, page] => Some(ActionId::Leaderboard {
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

    /// The core command a click stands for, built through the same
    /// validating constructors as typed commands. `None` for opening the
    /// answer form, which needs no core call.
    pub fn command(&self, input: Input<'_>) -> Option<Result<Command, ParseError>> {
        Some(match (self, input) {
            (ActionId::Choose { post, option }, _) => build::choose(*post, vec![option.clone()]),
            (ActionId::Pick { post }, Input::Picked(values)) => {
                build::choose(*post, values.to_vec())
            }
            (ActionId::SubmitAnswer { post }, Input::Text(text)) => build::answer(*post, text),
            (ActionId::FullAnswer { post }, _) => Ok(Command::FullAnswer { post: Some(*post) }),
            (
                ActionId::Leaderboard {
                    period,
                    topic,
                    page,
                },
                _,
            ) => Ok(Command::Leaderboard {
                period: *period,
                topic: topic.clone(),
                page: (*page).max(1),
            }),
            (ActionId::Pick { .. }, _) => build::choose(0, vec![]),
            (ActionId::SubmitAnswer { post }, _) => build::answer(*post, ""),
            (ActionId::OpenAnswer { .. }, _) => return None,
        })
    }
}

/// What a click carries besides its id.
#[derive(Debug, Clone, Copy)]
pub enum Input<'a> {
    None,
    /// The text typed into the answer form.
    Text(&'a str),
    /// The values picked in a select menu.
    Picked(&'a [String]),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_survives_a_round_trip_through_its_custom_id() {
        let all = [
            ActionId::Choose {
                post: 42,
                option: "b".into(),
            },
            ActionId::OpenAnswer { post: 7 },
            ActionId::Pick { post: 9 },
            ActionId::SubmitAnswer { post: Some(7) },
            ActionId::SubmitAnswer { post: None },
            ActionId::FullAnswer { post: 12 },
            ActionId::Leaderboard {
                period: Period::Week,
                topic: None,
                page: 2,
            },
            ActionId::Leaderboard {
                period: Period::All,
                topic: Some(Topic::parse("sql-concepts").unwrap()),
                page: 1,
            },
        ];
        for a in all {
            let id = a.encode();
            assert!(id.len() <= 100, "{id}");
            assert_eq!(ActionId::parse(&id), Some(a));
        }
    }

    #[test]
    fn foreign_and_malformed_custom_ids_are_ignored() {
        for id in [
            "other:choose:1:a",
            "prepbot:choose:x:a",
            "prepbot:choose:1:",
            "prepbot:lb:year:-:1",
            "prepbot:full:x",
            "prepbot:lb:week:Bad Topic:1",
        ] {
            assert_eq!(ActionId::parse(id), None, "{id}");
        }
    }

    #[test]
    fn a_click_becomes_the_matching_core_command_through_the_same_checks() {
        let choose = ActionId::Choose {
            post: 3,
            option: "true".into(),
        };
        assert_eq!(
            choose.command(Input::None),
            Some(Ok(Command::Choose {
                post: 3,
                options: vec!["true".into()]
            }))
        );
        assert_eq!(ActionId::OpenAnswer { post: 3 }.command(Input::None), None);
        assert_eq!(
            ActionId::FullAnswer { post: 3 }.command(Input::None),
            Some(Ok(Command::FullAnswer { post: Some(3) }))
        );
        let submit = ActionId::SubmitAnswer { post: Some(3) };
        assert_eq!(
            submit.command(Input::Text("  a long answer \n")),
            Some(Ok(Command::Answer {
                post: Some(3),
                text: "a long answer".into()
            }))
        );
        assert!(submit.command(Input::Text("   ")).unwrap().is_err());
        let picked = ["c".to_owned(), "a".to_owned()];
        assert_eq!(
            ActionId::Pick { post: 5 }.command(Input::Picked(&picked)),
            Some(Ok(Command::Choose {
                post: 5,
                options: vec!["a".into(), "c".into()]
            }))
        );
        assert!(ActionId::Pick { post: 5 }
            .command(Input::Picked(&[]))
            .unwrap()
            .is_err());
    }
}
