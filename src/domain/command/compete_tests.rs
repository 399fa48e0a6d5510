//! The competition grammar, tested on plain strings.

use super::super::parse;
use super::*;

fn season_of(line: &str) -> SeasonCommand {
    match parse(line) {
        Ok(Command::Compete(CompeteCommand::Season(s))) => s,
        other => panic!("{line}: {other:?}"),
    }
}

#[test]
fn a_season_start_takes_a_quoted_name_an_end_date_and_topics() {
    assert_eq!(
        season_of("/season start name:\"Winter 2027\" ends:2027-03-31 topics:sql,spark"),
        SeasonCommand::Start {
            name: "Winter 2027".into(),
            ends: NaiveDate::from_ymd_opt(2027, 3, 31).unwrap(),
            topics: vec![Topic::parse("sql").unwrap(), Topic::parse("spark").unwrap()],
            teams: false,
        }
    );
    let SeasonCommand::Start { name, .. } = season_of("/season start ends:2027-01-01 name:Q1")
    else {
        panic!()
    };
    assert_eq!(name, "Q1");
}

#[test]
fn a_season_start_with_teams_yes_is_played_by_teams() {
    let teams = |line: &str| match season_of(line) {
        SeasonCommand::Start { teams, .. } => teams,
        other => panic!("{other:?}"),
    };
    assert!(teams(
        "/season start name:\"Team cup\" ends:2027-03-31 teams:yes"
    ));
    assert!(teams("/season start teams:on name:Cup ends:2027-03-31"));
    assert!(!teams("/season start name:Cup ends:2027-03-31 teams:no"));
    assert!(!teams("/season start name:Cup ends:2027-03-31"));
    assert!(parse("/season start name:Cup ends:2027-03-31 teams:maybe")
        .unwrap_err()
        .0
        .contains("teams:yes or teams:no"));
}

#[test]
fn a_season_start_explains_a_missing_name_or_a_bad_date() {
    assert!(parse("/season start ends:2027-03-31")
        .unwrap_err()
        .0
        .contains("missing name"));
    assert!(parse("/season start name:X ends:31/03/2027")
        .unwrap_err()
        .0
        .contains("YYYY-MM-DD"));
    assert!(parse("/season start name:\"open ends:2027-03-31")
        .unwrap_err()
        .0
        .contains("not closed"));
}

#[test]
fn season_subcommands_and_who_may_run_them() {
    assert_eq!(season_of("/season"), SeasonCommand::Status);
    assert_eq!(season_of("/season history"), SeasonCommand::History);
    assert_eq!(
        season_of("/season results #3"),
        SeasonCommand::Results { season: 3 }
    );
    assert!(parse("/season end").unwrap().needs_admin());
    assert!(!parse("/season status").unwrap().needs_admin());
    assert!(parse("/winners on").unwrap().needs_admin());
}

#[test]
fn the_fairness_boards_and_switches_parse_from_text() {
    assert_eq!(
        parse("/leaderboard improved month").unwrap(),
        Command::Compete(CompeteCommand::Board {
            kind: FairBoard::Improved,
            period: Period::Month
        })
    );
    assert_eq!(
        parse("/lb accuracy all min:5").unwrap(),
        Command::Compete(CompeteCommand::Board {
            kind: FairBoard::Accuracy { min: 5 },
            period: Period::All
        })
    );
    assert!(parse("/leaderboard improved all").is_err());
    assert!(matches!(
        parse("/leaderboard month").unwrap(),
        Command::Leaderboard { .. }
    ));
    let on = parse("/scoring on-time:off streak:on").unwrap();
    assert_eq!(
        on,
        Command::Compete(CompeteCommand::Scoring {
            on_time: Some(false),
            streak: Some(true)
        })
    );
    assert!(on.needs_admin());
    assert!(!parse("/scoring").unwrap().needs_admin());
}

#[test]
fn team_commands_parse_and_only_admins_create_or_balance() {
    let t = |line: &str| match parse(line).unwrap() {
        Command::Compete(CompeteCommand::Team(t)) => t,
        other => panic!("{other:?}"),
    };
    assert_eq!(
        t("/team create Blue Whales"),
        TeamCommand::Create {
            name: "Blue Whales".into()
        }
    );
    assert_eq!(
        t("/team join name:\"Blue Whales\""),
        TeamCommand::Join {
            name: "Blue Whales".into()
        }
    );
    assert_eq!(
        t("/team balance teams:3 seed:9"),
        TeamCommand::Balance { teams: 3, seed: 9 }
    );
    assert_eq!(
        t("/team board month"),
        TeamCommand::Board {
            period: Period::Month
        }
    );
    assert!(parse("/team balance").is_err());
    assert!(parse("/team balance teams:1").is_err());
    assert!(parse("/team create x").unwrap().needs_admin());
    assert!(!parse("/team join x").unwrap().needs_admin());
}

#[test]
fn privacy_and_forget_me_need_a_clear_word() {
    assert_eq!(
        parse("/privacy hide").unwrap(),
        Command::Compete(CompeteCommand::Privacy { hide: true })
    );
    assert_eq!(
        parse("/forget me").unwrap(),
        Command::Compete(CompeteCommand::ForgetMe { confirmed: false })
    );
    assert_eq!(
        parse("/forget me confirm:yes").unwrap(),
        Command::Compete(CompeteCommand::ForgetMe { confirmed: true })
    );
    assert!(parse("/forget you").is_err());
    assert!(parse("/privacy maybe").is_err());
}
