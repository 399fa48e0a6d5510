//! Teams' rules as pure functions, tested on their own: the ranking key
//! of every team board, and balancing.
//!
//! Members are ranked by last period's points and dealt to teams in a
//! snake order (1, 2, ..., n, n, ..., 2, 1, ...), so each team gets a
//! strong and a weak player in turn. Equal points are ordered by a shuffle
//! from the given seed, so the same seed always gives the same teams.

use crate::domain::reply::TeamRow;
use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// Points per active member, in tenths: the key every team board (and a
/// team season's winner) ranks by. A team with nobody active has 0.
pub fn average_tenths(points: i64, active: i64) -> i64 {
    if active > 0 {
        points * 10 / active
    } else {
        0
    }
}

/// Ranks teams by [`average_tenths`], then by name; ties share a rank.
pub fn rank(mut rows: Vec<TeamRow>) -> Vec<TeamRow> {
    for r in &mut rows {
        r.average_tenths = average_tenths(r.points, r.active);
    }
    rows.sort_by(|a, b| {
        b.average_tenths
            .cmp(&a.average_tenths)
            .then(a.name.cmp(&b.name))
    });
    for i in 0..rows.len() {
        rows[i].rank = if i > 0 && rows[i].average_tenths == rows[i - 1].average_tenths {
            rows[i - 1].rank
        } else {
            i as i64 + 1
        };
    }
    rows
}

/// Deals `(member, points)` into `teams` teams; each team's members in
/// the order they were dealt.
pub fn balance(mut members: Vec<(i64, i64)>, teams: usize, seed: u64) -> Vec<Vec<i64>> {
    let teams = teams.max(1);
    members.sort_by_key(|m| m.0);
    members.shuffle(&mut ChaCha8Rng::seed_from_u64(seed));
    // A stable sort keeps the seeded order among equal points.
    members.sort_by_key(|m| std::cmp::Reverse(m.1));
    let mut out = vec![Vec::new(); teams];
    for (i, (member, _)) in members.into_iter().enumerate() {
        let round = i / teams;
        let slot = i % teams;
        let team = if round % 2 == 0 {
            slot
        } else {
            teams - 1 - slot
        };
        out[team].push(member);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(name: &str, points: i64, active: i64) -> TeamRow {
        TeamRow {
            rank: 0,
            name: name.into(),
            average_tenths: 0,
            points,
            active,
            members: active + 1,
        }
    }

    #[test]
    fn teams_rank_by_average_per_active_member_and_ties_share_a_rank() {
        let ranked = rank(vec![
            row("Big", 90, 9),
            row("Idle", 0, 0),
            row("Small", 20, 2),
            row("Ace", 25, 1),
        ]);
        let got: Vec<(i64, &str, i64)> = ranked
            .iter()
            .map(|r| (r.rank, r.name.as_str(), r.average_tenths))
            .collect();
        assert_eq!(
            got,
            [
                (1, "Ace", 250),
                (2, "Big", 100),
                (2, "Small", 100),
                (4, "Idle", 0)
            ]
        );
    }

    #[test]
    fn a_snake_draft_gives_each_team_a_strong_and_a_weak_player() {
        let members = vec![(1, 100), (2, 90), (3, 80), (4, 70)];
        assert_eq!(balance(members, 2, 7), [vec![1, 4], vec![2, 3]]);
    }

    #[test]
    fn the_same_seed_gives_the_same_teams_and_ties_follow_the_seed() {
        let members: Vec<(i64, i64)> = (1..=12).map(|m| (m, m % 3)).collect();
        let a = balance(members.clone(), 3, 42);
        assert_eq!(a, balance(members.clone(), 3, 42));
        let sizes: Vec<usize> = a.iter().map(Vec::len).collect();
        assert_eq!(sizes, [4, 4, 4]);
        assert!((0..50).any(|s| balance(members.clone(), 3, s) != a));
    }
}
