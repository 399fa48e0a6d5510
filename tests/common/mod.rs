//! Shared test helpers: a fixed bank, an engine over a fresh database, actors.
#![allow(dead_code)]

use chrono::{DateTime, TimeZone, Utc};
use prepbot::bank::{load_dir, Bank};
use prepbot::domain::clock::ManualClock;
use prepbot::domain::command::{parse, Command};
use prepbot::domain::reply::Response;
use prepbot::engine::{Actor, Engine, Place, Platform};
use prepbot::grading::Grading;
use prepbot::storage::Store;
use sqlx::PgPool;
use std::sync::Arc;

/// The small fixed bank in tests/fixtures/bank.
pub fn test_bank() -> Arc<Bank> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bank");
    Arc::new(load_dir(&dir).expect("the test bank loads"))
}

pub fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
}

/// An engine and its manual clock over `pool`.
pub struct World {
    pub engine: Arc<Engine>,
    pub clock: Arc<ManualClock>,
    pub place: Place,
}

impl World {
    pub fn new(pool: PgPool, start: DateTime<Utc>) -> Self {
        Self::with_clock(pool, Arc::new(ManualClock::new(start)))
    }

    /// A second engine over the same database and clock: a restarted process.
    pub fn with_clock(pool: PgPool, clock: Arc<ManualClock>) -> Self {
        Self::with_grading(pool, clock, Arc::new(Grading::default()))
    }

    /// An engine with the given grading (e.g. with the SQL sandbox).
    pub fn with_grading(pool: PgPool, clock: Arc<ManualClock>, grading: Arc<Grading>) -> Self {
        let engine = Engine::new(
            Store::from_pool(pool),
            test_bank(),
            clock.clone(),
            42,
            grading,
        );
        Self {
            engine: Arc::new(engine),
            clock,
            place: Place {
                platform: Platform::Console,
                guild: "g1".into(),
                channel: "c1".into(),
            },
        }
    }

    /// Runs a command line as `who`.
    pub async fn run(&self, who: &Actor, line: &str) -> Response {
        let cmd: Command = parse(line).unwrap_or_else(|e| panic!("{line}: {e}"));
        self.engine.handle(who, &self.place, cmd).await
    }

    pub fn advance_hours(&self, h: i64) {
        self.clock.advance(chrono::Duration::hours(h));
    }
}

pub fn member(name: &str) -> Actor {
    Actor::new(format!("u-{name}"), name, false)
}

pub fn admin(name: &str) -> Actor {
    Actor {
        is_admin: true,
        ..member(name)
    }
}

/// The text of a reply, as the console shows it.
pub fn text(r: &Response) -> String {
    prepbot::frontends::console::render(&r.reply.body)
}

/// The platform of [`World`]'s place: the work its scheduler may claim.
pub const CONSOLE: &[Platform] = &[Platform::Console];

/// A correct answer to each question of the test bank.
pub fn good_answer(question_id: &str) -> &'static str {
    match question_id {
        "t-kafka-ordering" => "Order is only guaranteed within a partition; records with the same key go to the same partition.",
        "t-cap-choice" => "a",
        "t-gil-truefalse" => "false",
        "t-sql-window" => "Ties get the same rank in both; RANK skips numbers after a tie and DENSE_RANK leaves no gaps.",
        other => panic!("no answer for {other}"),
    }
}

/// A wrong but well-formed answer to each question of the test bank.
pub fn bad_answer(question_id: &str) -> &'static str {
    match question_id {
        "t-cap-choice" => "b",
        "t-gil-truefalse" => "true",
        _ => "I am honestly not sure about this one, sorry.",
    }
}

/// The question id of a posted daily effect.
pub fn posted_question(effect: &prepbot::domain::reply::Effect) -> String {
    match effect {
        prepbot::domain::reply::Effect::PostQuestion { card, .. } => card.question_id.to_string(),
        other => panic!("not a post: {other:?}"),
    }
}

/// A correct (or wrong) answer to `card` as a person would type it: for a
/// choice question, the letters of the right (or a wrong) option in the
/// order this post shows them, which the post's seed shuffled.
pub fn answer_to(card: &prepbot::domain::reply::QuestionCard, correct: bool) -> String {
    let id = card.question_id.as_str();
    if card.format != prepbot::bank::Format::Choice {
        return if correct {
            good_answer(id)
        } else {
            bad_answer(id)
        }
        .to_owned();
    }
    let bank = test_bank();
    let q = bank
        .get(&card.question_id)
        .unwrap_or_else(|| panic!("{id} is in the test bank"));
    let right: Vec<&str> = q
        .options()
        .iter()
        .filter(|o| o.correct)
        .map(|o| o.text.as_str())
        .collect();
    let shown = card
        .options
        .iter()
        .filter(|(_, text)| right.contains(&text.as_str()) == correct);
    let ids: Vec<&str> = shown.map(|(shown_id, _)| shown_id.as_str()).collect();
    if correct {
        ids.join(",")
    } else {
        ids[0].to_owned()
    }
}

/// The role changes among `effects`, as `(member, role, give)`.
pub fn role_changes(effects: &[prepbot::domain::reply::Effect]) -> Vec<(String, String, bool)> {
    use prepbot::domain::reply::Effect;
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::SetRole {
                member, role, give, ..
            } => Some((member.clone(), role.clone(), *give)),
            _ => None,
        })
        .collect()
}

/// One scheduler tick for `platforms` whose deliveries all succeed.
pub async fn tick_delivered(
    w: &World,
    platforms: &[Platform],
) -> Vec<prepbot::domain::reply::Effect> {
    let effects = w.engine.run_due(platforms).await.unwrap();
    for e in &effects {
        w.engine.delivered(e, None).await.unwrap();
    }
    effects
}
