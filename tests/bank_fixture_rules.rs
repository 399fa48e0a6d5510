//! `bank check`'s fixture rules against real PostgreSQL: a reference
//! solution whose result hangs on the order of tied rows is a problem;
//! one that breaks ties explicitly, or compares as a multiset, is not.

use prepbot::bank::{SolutionRunner, SqlTask};
use prepbot::grading::SqlGrader;
use sqlx::PgPool;

const SCHEMA: &str = "CREATE TABLE scores (name text, points int);";
/// Ann and Bob tie on points.
const FIXTURE: &str = "INSERT INTO scores VALUES ('ann', 9), ('bob', 9), ('cy', 5), ('di', 3);";

fn task(solution: &str, order_matters: bool) -> SqlTask {
    SqlTask {
        schema: SCHEMA.into(),
        fixture: FIXTURE.into(),
        solution: solution.into(),
        order_matters,
    }
}

#[sqlx::test]
async fn only_solutions_that_lean_on_the_order_of_tied_rows_are_reported(pool: PgPool) {
    let g = SqlGrader::connect_with((*pool.connect_options()).clone())
        .await
        .unwrap();
    let cases = [
        // LIMIT over a tie picks whichever row came first.
        (
            "SELECT name FROM scores ORDER BY points DESC LIMIT 1",
            false,
            true,
        ),
        // An ordered result whose order among ties is left to chance.
        ("SELECT name FROM scores ORDER BY points DESC", true, true),
        // The tie broken explicitly.
        (
            "SELECT name FROM scores ORDER BY points DESC, name LIMIT 1",
            false,
            false,
        ),
        (
            "SELECT name FROM scores ORDER BY points DESC, name",
            true,
            false,
        ),
        // Order does not matter: compared as a multiset.
        ("SELECT name FROM scores WHERE points > 4", false, false),
    ];
    for (solution, order_matters, reported) in cases {
        let diff = g
            .tie_order_differences(&task(solution, order_matters))
            .await
            .unwrap();
        assert_eq!(!diff.is_empty(), reported, "{solution}: {diff:?}");
    }
    g.destroy().await.unwrap();
}

#[sqlx::test]
async fn a_tie_that_reversing_leaves_in_place_is_still_caught(pool: PgPool) {
    let g = SqlGrader::connect_with((*pool.connect_options()).clone())
        .await
        .unwrap();
    // Three rows tie; the middle one stays in the middle when reversed.
    let task = SqlTask {
        fixture: "INSERT INTO scores VALUES ('ann', 9), ('bob', 9), ('cy', 9), ('di', 3);".into(),
        ..task(
            "SELECT name FROM scores ORDER BY points DESC OFFSET 1 LIMIT 1",
            false,
        )
    };
    let diff = g.tie_order_differences(&task).await.unwrap();
    assert!(!diff.is_empty(), "the middle of a three-way tie moved");
    g.destroy().await.unwrap();
}
