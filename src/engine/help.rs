//! `/help`.

use crate::bank::Bank;
use crate::domain::reply::{Body, Response};

/// The help text: every command, one line each, then the topics.
pub fn help(bank: &Bank) -> Response {
    let topics: Vec<&str> = bank.topics().iter().map(|t| t.slug.as_str()).collect();
    Response::private(Body::Text(format!(
        "prepbot: one interview question a day, graded privately, revealed together.

Everyone:
  /quiz [topic:T] [difficulty:easy|medium|hard] [format:open|choice|truefalse|sql]   a question just for you
  /answer TEXT             answer your most recent open question (quiz or daily); /answer #ID TEXT picks one
  /reveal                  the model answer of today's daily question, once it is revealed
  /flag [ID]               after the reveal: ask an admin to look at your answer again
  /leaderboard [week|month|all] [topic:T] [page:N]
  /stats [NAME]            points, streak and accuracy per topic
  /streak                  your streak of daily questions answered in this channel
  /help

Admins (Manage Server):
  /daily setup time:HH:MM tz:Area/City [reveal:HH:MM] [days:daily|weekdays] [topics:a,b]
  /daily post | status | pause | resume
  /questions add FILE [replace:true]   replace:true overwrites questions with the same id
  /questions remove id:ID | disable-topic T | enable-topic T | list
  /flags                   open appeals;  /regrade ANSWER-ID correct|partial|incorrect [note]

Rules: your first answer to a question stands. Daily answers before the reveal earn points
(easy 10, medium 20, hard 30; half for partial) plus a 5-point on-time bonus; later ones are practice.
A quiz question earns points the first time you answer it.

Topics: {}",
        topics.join(", ")
    )))
}
