//! `/help`: the commands and rules are laid out by the view model, in each
//! platform's words; the engine adds what only it knows, the topics.

use crate::bank::Bank;
use crate::domain::reply::{Body, HelpCard, Response};

/// Help for everyone, with the bank's topics.
pub fn help(bank: &Bank) -> Response {
    Response::private(Body::Help(HelpCard {
        topics: bank
            .topics()
            .iter()
            .map(|t| (t.slug.to_string(), t.name.clone()))
            .collect(),
    }))
}
