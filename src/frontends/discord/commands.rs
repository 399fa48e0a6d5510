//! The slash commands everyone can use. Each is a shim: slash options become
//! a core [`Command`], [`shim::run`] calls the engine and renders the reply.
//! Parsing that can fail (a topic slug) answers privately with what to fix.

use super::shim::{self, Ctx};
use super::{render, Error};
use crate::bank::{Difficulty, Format};
use crate::domain::command::{
    build, Command, CompeteCommand, FairBoard, ParseError, Period, QuizFilter, ACCURACY_MIN,
};
use poise::serenity_prelude::{AutocompleteChoice, User};

/// `/quiz` difficulty choices.
#[derive(Debug, Clone, Copy, poise::ChoiceParameter)]
pub enum DifficultyChoice {
    Easy,
    Medium,
    Hard,
}

/// `/quiz` format choices.
#[derive(Debug, Clone, Copy, poise::ChoiceParameter)]
pub enum FormatChoice {
    #[name = "open answer"]
    Open,
    #[name = "multiple choice"]
    Choice,
    #[name = "true or false"]
    Truefalse,
    #[name = "SQL"]
    Sql,
}

/// `/leaderboard` period choices.
#[derive(Debug, Clone, Copy, poise::ChoiceParameter)]
pub enum PeriodChoice {
    #[name = "this week"]
    Week,
    #[name = "this month"]
    Month,
    #[name = "all time"]
    All,
}

impl From<DifficultyChoice> for Difficulty {
    fn from(c: DifficultyChoice) -> Self {
        match c {
            DifficultyChoice::Easy => Difficulty::Easy,
            DifficultyChoice::Medium => Difficulty::Medium,
            DifficultyChoice::Hard => Difficulty::Hard,
        }
    }
}

impl From<FormatChoice> for Format {
    fn from(c: FormatChoice) -> Self {
        match c {
            FormatChoice::Open => Format::Open,
            FormatChoice::Choice => Format::Choice,
            FormatChoice::Truefalse => Format::Truefalse,
            FormatChoice::Sql => Format::Sql,
        }
    }
}

impl From<PeriodChoice> for Period {
    fn from(c: PeriodChoice) -> Self {
        match c {
            PeriodChoice::Week => Period::Week,
            PeriodChoice::Month => Period::Month,
            PeriodChoice::All => Period::All,
        }
    }
}

/// Topic suggestions: slugs whose slug or name contains what was typed.
pub async fn topics(ctx: Ctx<'_>, partial: &str) -> Vec<AutocompleteChoice> {
    topic_choices(ctx.data().runner.engine().bank(), partial)
}

/// The pure part of [`topics`], for tests.
pub fn topic_choices(bank: &crate::bank::Bank, partial: &str) -> Vec<AutocompleteChoice> {
    let needle = partial.trim().to_lowercase();
    bank.topics()
        .iter()
        .filter(|t| t.slug.as_str().contains(&needle) || t.name.to_lowercase().contains(&needle))
        .take(25)
        .map(|t| AutocompleteChoice::new(format!("{} ({})", t.name, t.slug), t.slug.as_str()))
        .collect()
}

/// Longest autocomplete choice name or value Discord accepts.
const AUTOCOMPLETE_TEXT: usize = 100;

/// Suggestions for a comma-separated topic list: completes the last item.
pub async fn topic_list(ctx: Ctx<'_>, partial: &str) -> Vec<AutocompleteChoice> {
    topic_list_choices(ctx.data().runner.engine().bank(), partial)
}

/// The pure part of [`topic_list`].
pub fn topic_list_choices(bank: &crate::bank::Bank, partial: &str) -> Vec<AutocompleteChoice> {
    let (done, last) = partial
        .rsplit_once(',')
        .map_or(("", partial), |(d, l)| (d, l));
    let prefix = if done.is_empty() {
        String::new()
    } else {
        format!("{},", done.trim_end_matches(','))
    };
    let needle = last.trim().to_lowercase();
    bank.topics()
        .iter()
        .filter(|t| t.slug.as_str().contains(&needle) || t.name.to_lowercase().contains(&needle))
        .map(|t| format!("{prefix}{}", t.slug))
        // Discord refuses a choice whose name or value exceeds 100 characters
        // (ApplicationCommandOptionStringChoice), failing the whole list.
        .filter(|value| value.chars().count() <= AUTOCOMPLETE_TEXT)
        .take(25)
        .map(|value| AutocompleteChoice::new(value.clone(), value))
        .collect()
}

#[poise::command(slash_command, guild_only)]
pub async fn quiz(
    ctx: Ctx<'_>,
    #[description = "Topic (default: any)"]
    #[autocomplete = "topics"]
    topic: Option<String>,
    #[description = "Difficulty (default: any)"] difficulty: Option<DifficultyChoice>,
    #[description = "Format (default: any)"] format: Option<FormatChoice>,
) -> Result<(), Error> {
    let filter = build::topic(topic.as_deref()).map(|topic| QuizFilter {
        topic,
        difficulty: difficulty.map(Into::into),
        format: format.map(Into::into),
    });
    shim::run(ctx, filter.map(Command::Quiz)).await
}

/// Answer your current question in a private form.
#[poise::command(slash_command, guild_only)]
pub async fn answer(
    ctx: Ctx<'_>,
    #[description = "Question number (default: your current question)"]
    #[min = 1]
    question: Option<i64>,
) -> Result<(), Error> {
    shim::open_form(ctx, render::answer_modal(question, None));
    Ok(())
}

/// See the model answer of today's daily question, once it is revealed.
#[poise::command(slash_command, guild_only)]
pub async fn reveal(ctx: Ctx<'_>) -> Result<(), Error> {
    shim::run(ctx, Ok(Command::Reveal)).await
}

/// Ask an admin to look at your answer again (after the reveal).
#[poise::command(slash_command, guild_only)]
pub async fn flag(
    ctx: Ctx<'_>,
    #[description = "Question number (default: the latest you answered)"]
    #[min = 1]
    question: Option<i64>,
) -> Result<(), Error> {
    shim::run(ctx, Ok(Command::Flag { post: question })).await
}

/// `/leaderboard` board choices: the main board or a fairness board.
#[derive(Debug, Clone, Copy, poise::ChoiceParameter)]
pub enum BoardChoice {
    #[name = "points"]
    Points,
    #[name = "most improved"]
    Improved,
    #[name = "accuracy"]
    Accuracy,
}

/// The server's leaderboard.
#[poise::command(slash_command, guild_only)]
pub async fn leaderboard(
    ctx: Ctx<'_>,
    #[description = "Period (default: this week)"] period: Option<PeriodChoice>,
    #[description = "Only this topic"]
    #[autocomplete = "topics"]
    topic: Option<String>,
    #[description = "Points (default), most improved, or accuracy"] board: Option<BoardChoice>,
    #[description = "Accuracy: fewest answers to be ranked (default 3)"]
    #[min = 1]
    #[max = 1000]
    min: Option<i64>,
) -> Result<(), Error> {
    let period = period.map_or(Period::Week, Into::into);
    if let Some(kind) = fair_board(board, min) {
        return shim::run(ctx, fair_board_command(kind, period)).await;
    }
    let command = build::topic(topic.as_deref()).map(|topic| Command::Leaderboard {
        period,
        topic,
        page: 1,
    });
    shim::run(ctx, command).await
}

fn fair_board(board: Option<BoardChoice>, min: Option<i64>) -> Option<FairBoard> {
    match board? {
        BoardChoice::Points => None,
        BoardChoice::Improved => Some(FairBoard::Improved),
        BoardChoice::Accuracy => Some(FairBoard::Accuracy {
            min: min.unwrap_or(ACCURACY_MIN),
        }),
    }
}

/// The core refuses "most improved" over all time (`Engine::fair_board`).
fn fair_board_command(kind: FairBoard, period: Period) -> Result<Command, ParseError> {
    Ok(Command::Compete(CompeteCommand::Board { kind, period }))
}

/// Points, streak and accuracy per topic: yours or a member's.
#[poise::command(slash_command, guild_only)]
pub async fn stats(
    ctx: Ctx<'_>,
    #[description = "Member (default: you)"] member: Option<User>,
) -> Result<(), Error> {
    shim::run(
        ctx,
        Ok(Command::Stats {
            member: member.map(|u| u.id.to_string()),
        }),
    )
    .await
}

/// Your streak of daily questions answered in this channel.
#[poise::command(slash_command, guild_only)]
pub async fn streak(ctx: Ctx<'_>) -> Result<(), Error> {
    shim::run(ctx, Ok(Command::Streak)).await
}

/// How prepbot works, and every command.
#[poise::command(slash_command)]
pub async fn help(ctx: Ctx<'_>) -> Result<(), Error> {
    shim::run(ctx, Ok(Command::Help)).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bank::{Bank, Topic, TopicInfo};

    fn bank() -> Bank {
        let t = |slug: &str, name: &str| TopicInfo {
            slug: Topic::parse(slug).unwrap(),
            name: name.into(),
            about: String::new(),
        };
        Bank::new(
            vec![
                t("sql", "SQL practice"),
                t("streaming", "Streaming"),
                t("python", "Python"),
            ],
            vec![],
        )
        .unwrap()
    }

    fn values(choices: Vec<AutocompleteChoice>) -> Vec<String> {
        choices
            .iter()
            .map(|c| {
                serde_json::to_value(c).unwrap()["value"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect()
    }

    #[test]
    fn topic_autocomplete_matches_slugs_and_names_case_insensitively() {
        assert_eq!(values(topic_choices(&bank(), "PRACT")), ["sql"]);
        assert_eq!(values(topic_choices(&bank(), "")).len(), 3);
    }

    #[test]
    fn topic_list_autocomplete_completes_the_last_item_and_keeps_the_rest() {
        assert_eq!(
            values(topic_list_choices(&bank(), "sql,str")),
            ["sql,streaming"]
        );
        assert_eq!(values(topic_list_choices(&bank(), "py")), ["python"]);
    }

    #[test]
    fn topic_list_autocomplete_never_offers_a_choice_over_100_characters() {
        let long = ["sql", "streaming", "python"].repeat(12).join(",");
        let offered = values(topic_list_choices(&bank(), &format!("{long},p")));
        assert!(
            offered.iter().all(|v| v.chars().count() <= 100),
            "{offered:?}"
        );
    }

    #[test]
    fn choice_parameters_map_onto_the_core_types() {
        assert_eq!(Format::from(FormatChoice::Truefalse), Format::Truefalse);
        assert_eq!(Difficulty::from(DifficultyChoice::Hard), Difficulty::Hard);
        assert_eq!(Period::from(PeriodChoice::Month), Period::Month);
    }
}
