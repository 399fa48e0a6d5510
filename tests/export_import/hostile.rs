//! Files that lie. Every one is refused as a bad file that names the list
//! at fault, and writes nothing: references to rows the file does not hold
//! (a season, a round, a post, a team, a member), keys given twice (in the
//! JSON, or a row given twice), values of the wrong type, rules broken (two
//! running seasons, a descending ladder, a role for no reward), lists too
//! long to import. (The seeded fuzz is in `fuzz.rs`.)

use super::competitions::{add_reward_roles, build_competitions};
use super::{drop_database, exported, fresh_database};
use crate::common::*;
use prepbot::storage::export::{parse_document, ImportError, FORMAT, MAX_ROWS};
use prepbot::storage::Store;
use serde_json::{json, Value};

pub async fn guilds(store: &Store) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM guilds")
        .fetch_one(store.pool())
        .await
        .unwrap()
}

/// The index of the first row of `list` whose `key` is `value`.
fn row(doc: &Value, list: &str, key: &str, value: &str) -> usize {
    doc[list]
        .as_array()
        .unwrap()
        .iter()
        .position(|r| r[key] == value)
        .unwrap_or_else(|| panic!("no {list} row with {key} {value}"))
}

/// `(what the case does, the change, what the refusal names)`.
type Case = (&'static str, Box<dyn Fn(&mut Value)>, &'static str);

fn cases(doc: &Value) -> Vec<Case> {
    let season_post = row(doc, "competition_posts", "kind", "season");
    let round_post = row(doc, "competition_posts", "period_key", "1:q1");
    vec![
        (
            "a season board of a season not in the file",
            Box::new(|d| d["season_totals"][0]["season"] = 99.into()),
            "season_totals",
        ),
        (
            "a round question whose post is not in the file",
            Box::new(|d| d["round_questions"][0]["post"] = 999.into()),
            "round_questions",
        ),
        (
            "a results post of a season not in the file",
            Box::new(move |d| d["competition_posts"][season_post]["period_key"] = "99".into()),
            "competition_posts",
        ),
        (
            "a season post key that is not a number",
            Box::new(move |d| {
                d["competition_posts"][season_post]["period_key"] = "1; DROP TABLE seasons".into()
            }),
            "competition_posts",
        ),
        (
            "a round post of a question never opened",
            Box::new(move |d| d["competition_posts"][round_post]["period_key"] = "1:q9".into()),
            "rounds",
        ),
        (
            "a round whose step says more questions were asked",
            Box::new(|d| d["rounds"][0]["step"] = 4.into()),
            "rounds",
        ),
        (
            "a team member of a team not in the file",
            Box::new(|d| d["team_members"][0]["team"] = "Nope".into()),
            "team_members",
        ),
        (
            "a season started by a member not in the file",
            Box::new(|d| d["seasons"][0]["started_by"] = "u-nobody".into()),
            "seasons",
        ),
        (
            "a win of a member not in the file",
            Box::new(|d| d["competition_wins"][0]["member"] = "u-nobody".into()),
            "competition_wins",
        ),
        (
            "a round in a channel not in the file",
            Box::new(|d| d["rounds"][0]["channel"] = "c-nowhere".into()),
            "rounds",
        ),
        (
            "a member given twice",
            Box::new(|d| {
                let first = d["members"][0].clone();
                d["members"].as_array_mut().unwrap().push(first);
            }),
            "members",
        ),
        (
            "two posts with one number",
            Box::new(|d| d["posts"][1]["ref"] = d["posts"][0]["ref"].clone()),
            "posts",
        ),
        (
            "a team given twice",
            Box::new(|d| d["teams"][1]["name"] = d["teams"][0]["name"].clone()),
            "teams",
        ),
        (
            "two running seasons",
            Box::new(|d| d["seasons"][0]["ended_at"] = Value::Null),
            "seasons",
        ),
        (
            "a step that is text",
            Box::new(|d| d["rounds"][0]["step"] = "three".into()),
            "rounds",
        ),
        (
            "an end that is a word PostgreSQL reads as a time",
            Box::new(|d| d["seasons"][0]["ended_at"] = "yesterday".into()),
            "seasons[0].ended_at",
        ),
        (
            "an end that is not a time",
            Box::new(|d| d["seasons"][0]["ended_at"] = "2026-02-31T00:00:00Z".into()),
            "seasons",
        ),
        (
            "a round of 500 questions",
            Box::new(|d| d["rounds"][0]["questions"] = 500.into()),
            "rounds",
        ),
        (
            "a list that is an object",
            Box::new(|d| d["rounds"] = json!({})),
            "rounds",
        ),
        (
            "scoring that is a list",
            Box::new(|d| d["guild"]["scoring"] = json!([])),
            "scoring",
        ),
        (
            "a season team of a season not in the file",
            Box::new(|d| d["season_teams"][0]["season"] = 99.into()),
            "season_teams",
        ),
        (
            "a season team of a season not played by teams",
            Box::new(|d| d["season_teams"][0]["season"] = 1.into()),
            "season_teams",
        ),
        (
            "a season team naming a current team not in the file",
            Box::new(|d| d["season_teams"][2]["current"] = "Nope".into()),
            "season_teams",
        ),
        (
            "one team number for two current teams",
            Box::new(|d| d["season_teams"][3]["team"] = d["season_teams"][2]["team"].clone()),
            "season_teams",
        ),
        (
            "two team numbers for one current team",
            Box::new(|d| d["season_teams"][3]["current"] = d["season_teams"][2]["current"].clone()),
            "season_teams",
        ),
        (
            "a season team given twice",
            Box::new(|d| {
                let first = d["season_teams"][0].clone();
                d["season_teams"].as_array_mut().unwrap().push(first);
            }),
            "season_teams",
        ),
        (
            "a player of a team number not in the file",
            Box::new(|d| d["season_members"][0]["team"] = 99.into()),
            "season_members",
        ),
        (
            "a player of a season whose teams do not include theirs",
            Box::new(|d| d["season_members"][0]["season"] = 1.into()),
            "season_members",
        ),
        (
            "a player given twice",
            Box::new(|d| {
                let first = d["season_members"][0].clone();
                d["season_members"].as_array_mut().unwrap().push(first);
            }),
            "season_members",
        ),
        (
            "a champion key of a season not in the file",
            Box::new(|d| d["guild"]["rewards"]["champion_key"] = "s:99".into()),
            "rewards",
        ),
        (
            "a champion key of no known shape",
            Box::new(|d| d["guild"]["rewards"]["champion_key"] = "s:1; DROP TABLE seasons".into()),
            "rewards",
        ),
        (
            "a champion channel not in the file",
            Box::new(|d| d["guild"]["rewards"]["champion_channel"] = "c-nowhere".into()),
            "rewards",
        ),
        (
            "milestones that go down",
            Box::new(|d| d["guild"]["rewards"]["milestones"] = json!([10, 1])),
            "milestones",
        ),
        (
            "streaks that are text",
            Box::new(|d| d["guild"]["rewards"]["streaks"] = "1,2".into()),
            "rewards",
        ),
        (
            "a champion since that is a word",
            Box::new(|d| d["guild"]["rewards"]["champion_since"] = "now".into()),
            "champion_since",
        ),
        (
            "a role for a reward that does not exist",
            Box::new(|d| d["reward_roles"][0]["reward"] = "trophy".into()),
            "reward_roles",
        ),
        (
            "a role id that is not one",
            Box::new(|d| d["reward_roles"][0]["role_id"] = "<@&700>".into()),
            "reward_roles",
        ),
        (
            "a role given twice for one reward",
            Box::new(|d| d["reward_roles"][1]["reward"] = d["reward_roles"][0]["reward"].clone()),
            "reward_roles",
        ),
        (
            "a reward of a member not in the file",
            Box::new(|d| d["member_rewards"][0]["member"] = "u-nobody".into()),
            "member_rewards",
        ),
        (
            "a champion reward of a season not in the file",
            Box::new(|d| d["member_rewards"][0]["period_key"] = "s:99".into()),
            "member_rewards",
        ),
        (
            "a reward held twice",
            Box::new(|d| {
                let first = d["member_rewards"][0].clone();
                d["member_rewards"].as_array_mut().unwrap().push(first);
            }),
            "member_rewards",
        ),
        (
            "a reward of an unknown kind",
            Box::new(|d| d["member_rewards"][1]["reward"] = "gold".into()),
            "member_rewards",
        ),
        (
            "a tier that is text",
            Box::new(|d| d["member_rewards"][1]["tier"] = "ten".into()),
            "member_rewards",
        ),
        (
            "a role change of a member not in the file",
            Box::new(|d| d["reward_role_changes"][0]["member"] = "u-nobody".into()),
            "reward_role_changes",
        ),
        (
            "a role change without its claim time",
            Box::new(|d| d["reward_role_changes"][0]["delivery_attempted_at"] = Value::Null),
            "reward_role_changes",
        ),
        (
            "a member's key misspelt, which the import would drop",
            Box::new(|d| d["members"][0]["hiden"] = true.into()),
            "members[0] has the key \"hiden\"",
        ),
        (
            "a key misspelt inside a channel's winners settings",
            Box::new(|d| d["channels"][0]["winners"]["snice"] = "2026-11-01".into()),
            "channels[0].winners has the key \"snice\"",
        ),
        (
            "a member whose \"hidden\" was deleted, which would make a hidden one public",
            Box::new(|d| {
                d["members"][1].as_object_mut().unwrap().remove("hidden");
            }),
            "members[1] has no key \"hidden\"",
        ),
        (
            "a yes-or-no written as text, which PostgreSQL would read",
            Box::new(|d| d["members"][0]["hidden"] = "yes".into()),
            "members[0].hidden is \"yes\", where true or false is read",
        ),
        (
            "a post's number written as text",
            Box::new(|d| d["posts"][0]["option_seed"] = "12".into()),
            "posts[0].option_seed is \"12\", where a whole number is read",
        ),
        (
            "a member's name that is null",
            Box::new(|d| d["members"][1]["display_name"] = Value::Null),
            "members[1].display_name is null, where a value is needed",
        ),
        (
            "a member's \"hidden\" set to null, which would read as public",
            Box::new(|d| d["members"][1]["hidden"] = Value::Null),
            "members[1].hidden is null, where true or false is read",
        ),
        (
            "a member's name that clears the screen of a console reading the boards",
            Box::new(|d| d["members"][0]["display_name"] = "\u{1b}[2JAda".into()),
            "members[0].display_name \"\\u{1b}[2JAda\" is not a name as prepbot keeps them",
        ),
        (
            "a team name of a megabyte",
            Box::new(|d| d["teams"][0]["name"] = "t".repeat(1 << 20).into()),
            "teams[0].name",
        ),
        (
            "a post of no question",
            Box::new(|d| d["posts"][2]["question_id"] = Value::Null),
            "posts[2].question_id is null, where a value is needed",
        ),
        (
            "a list too long to import",
            Box::new(|d| d["team_members"] = Value::Array(vec![json!({}); MAX_ROWS + 1])),
            "team_members",
        ),
    ]
}

#[sqlx::test]
async fn a_file_that_points_outside_itself_repeats_keys_or_has_wrong_types_is_refused_and_writes_nothing(
    pool: sqlx::PgPool,
) {
    let w = World::new(pool.clone(), utc(2026, 11, 23, 8, 0));
    build_competitions(&w).await;
    add_reward_roles(&w).await;
    let doc = exported(&w).await;
    let (target, url) = fresh_database("hostile").await;
    for (what, change, names) in cases(&doc) {
        let mut bad = doc.clone();
        change(&mut bad);
        let Err(err) = target.import_guild(&bad, false).await else {
            panic!("{what}: imported")
        };
        assert!(matches!(err, ImportError::BadFile(_)), "{what}: {err}");
        assert!(err.to_string().contains(names), "{what}: {err}");
        assert_eq!(guilds(&target).await, 0, "{what}: nothing written");
    }
    // The untouched file loads.
    target.import_guild(&doc, false).await.unwrap();
    drop_database(target, &url).await;
}

#[test]
fn a_key_given_twice_in_the_file_is_refused_before_anything_is_read() {
    let text = format!(
        r#"{{"format": "{FORMAT}", "version": 2, "members": [], "members": [{{"external_id": "u"}}]}}"#
    );
    let err = parse_document(&text).unwrap_err();
    assert!(
        err.to_string().contains("\"members\" appears twice"),
        "{err}"
    );
}
