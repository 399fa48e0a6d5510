//! The review's examples on the real bank: swapped comparisons and seed
//! misconceptions are not graded correct, and brief but right answers are
//! partial with a note on what would complete them.

use prepbot::bank::{load_dir, Bank, QuestionId};
use prepbot::grading::{Grade, KeyPointGrader, Verdict};
use std::path::Path;
use std::sync::OnceLock;

fn bank() -> &'static Bank {
    static BANK: OnceLock<Bank> = OnceLock::new();
    BANK.get_or_init(|| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("questions");
        load_dir(&dir).unwrap_or_else(|e| panic!("the bank does not load: {e}"))
    })
}

fn grade(id: &str, answer: &str) -> Grade {
    let q = bank().get(&QuestionId::parse(id).unwrap()).unwrap();
    KeyPointGrader::default().assess(q, answer).unwrap()
}

#[test]
fn swapped_loc_and_iloc_is_incorrect_and_says_which_way_round() {
    let g = grade(
        "pd-loc-vs-iloc",
        "loc selects rows by their integer position, and iloc selects them by index label. \
         So iloc slices include the end label while loc slices exclude the end, like Python lists.",
    );
    assert_eq!(g.verdict, Verdict::Incorrect, "{g:?}");
    assert!(
        g.detail.iter().any(|d| d.contains("wrong way round")),
        "{g:?}"
    );
}

#[test]
fn the_seed_cap_answer_with_ca_examples_is_not_correct() {
    let g = grade(
        "dist-cap-theorem",
        "CAP says a distributed system can only provide two of consistency, availability and \
         partition tolerance, so you pick any two. CA systems are traditional RDBMS such as a \
         single PostgreSQL server; CP systems like HBase block during a partition, and AP systems \
         like Cassandra stay available during a partition with eventual consistency.",
    );
    assert_ne!(g.verdict, Verdict::Correct, "{g:?}");
    assert!(!g.misconceptions.is_empty(), "{g:?}");
    assert!(g.detail.iter().any(|d| d.starts_with("You said:")), "{g:?}");
}

#[test]
fn the_seed_queue_answer_calling_it_synchronous_is_not_correct() {
    let g = grade(
        "msg-producer-consumer-vs-pubsub",
        "In producer-consumer the queue is synchronous and FIFO by default: each message is \
         processed by only one consumer. In publish-subscribe every subscriber receives a copy \
         of each message, and publishers and subscribers are decoupled.",
    );
    assert_ne!(g.verdict, Verdict::Correct, "{g:?}");
    let claims: Vec<&str> = g.misconceptions.iter().map(|m| m.claim.as_str()).collect();
    assert_eq!(claims.len(), 2, "{g:?}");
    assert!(claims[0].contains("synchronous") && claims[1].contains("FIFO"));
}

#[test]
fn a_brief_star_schema_answer_is_partial_and_says_what_is_missing() {
    let g = grade(
        "dm-star-vs-snowflake",
        "A star schema keeps each dimension in one denormalised table; a snowflake splits them \
         into normalised sub-tables.",
    );
    assert_eq!(g.verdict, Verdict::Partial, "{g:?}");
    assert!(
        g.detail.iter().any(|d| d.contains("To make it complete")),
        "{g:?}"
    );
}

#[test]
fn a_brief_parquet_answer_is_partial() {
    let g = grade(
        "fmt-row-vs-columnar",
        "Parquet stores data by column, so a query reads only the columns it needs.",
    );
    assert_eq!(g.verdict, Verdict::Partial, "{g:?}");
    assert!(
        g.detail.iter().any(|d| d.contains("To make it complete")),
        "{g:?}"
    );
}

#[test]
fn swapped_inner_and_left_join_is_incorrect_and_names_the_claims() {
    let g = grade(
        "sqlc-outer-join-filter-on-vs-where",
        "An INNER JOIN keeps every row of the left table, while a LEFT JOIN keeps only rows that \
         match on both sides.",
    );
    assert_eq!(g.verdict, Verdict::Incorrect, "{g:?}");
    assert_eq!(g.misconceptions.len(), 2, "{g:?}");
}

#[test]
fn swapped_delivery_guarantees_are_incorrect() {
    let g = grade(
        "msg-delivery-semantics",
        "At-least-once delivery never duplicates a message; exactly-once may drop some.",
    );
    assert_eq!(g.verdict, Verdict::Incorrect, "{g:?}");
    assert!(!g.misconceptions.is_empty(), "{g:?}");
}

#[test]
fn a_swapped_process_and_thread_answer_is_incorrect() {
    let g = grade(
        "cs-process-vs-thread",
        "A thread has its own separate address space, while processes inside a program share \
         memory with each other and are cheaper to create.",
    );
    assert_eq!(g.verdict, Verdict::Incorrect, "{g:?}");
    assert!(
        g.detail.iter().any(|d| d.contains("wrong way round")),
        "{g:?}"
    );
}

#[test]
fn a_correct_comparison_is_still_correct() {
    let g = grade(
        "pd-loc-vs-iloc",
        "loc selects by label: index labels, column names or a boolean mask, and a label slice \
         includes the end. iloc selects by integer position like a Python list, and its slices \
         exclude the end. With the index [10, 0, 1, 2], iloc[0:2] gives the first two rows \
         (labels 10 and 0) while loc[0:2] gives three rows, labels 0, 1 and 2.",
    );
    assert_eq!(g.verdict, Verdict::Correct, "{g:?}");
    assert!(g.misconceptions.is_empty(), "{g:?}");
}

#[test]
fn a_right_answer_with_an_added_misconception_is_partial() {
    let g = grade(
        "msg-delivery-semantics",
        "At-most-once acknowledges before processing, so it may lose messages but never \
         duplicates them. At-least-once acknowledges after processing, so nothing is lost but \
         duplicates happen. Exactly-once is really effectively-once processing built from \
         deduplication or transactions. Most brokers give exactly-once for free anyway, so \
         you rarely need idempotent consumers.",
    );
    assert_eq!(g.verdict, Verdict::Partial, "{g:?}");
    assert_eq!(g.misconceptions.len(), 1, "{g:?}");
}

#[test]
fn a_terse_right_comparison_does_not_trip_the_swap_misconception() {
    let g = grade("pd-loc-vs-iloc", "loc is by label and iloc is by position.");
    assert!(g.misconceptions.is_empty(), "{g:?}");
    assert_eq!(g.verdict, Verdict::Partial, "{g:?}");
}

/// A model answer is right by definition: if it asserts one of its own
/// question's misconceptions or reads as a swapped comparison, a phrase or a
/// subject name is too broad.
#[test]
fn no_model_answer_asserts_a_misconception_or_a_swap() {
    let grader = KeyPointGrader::default();
    let mut problems = Vec::new();
    for q in bank().questions() {
        let Ok(g) = grader.assess(q, &q.answer) else {
            continue;
        };
        for m in &g.misconceptions {
            problems.push(format!("{}: asserts \"{}\"", q.id, m.claim));
        }
        for d in g.detail.iter().filter(|d| d.contains("wrong way round")) {
            problems.push(format!("{}: {d}", q.id));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// A summary is a short right answer written by the bank itself: one that
/// asserts its question's misconception or reads as swapped shows a phrase
/// that also fires on brief right answers (phrases match in any word order,
/// so "grow by a fixed number" fires on "growing by a fixed amount would be
/// O(n^2)").
#[test]
fn no_summary_asserts_a_misconception_or_a_swap() {
    let grader = KeyPointGrader::default();
    let mut problems = Vec::new();
    for q in bank().questions() {
        let Some(summary) = &q.summary else {
            continue;
        };
        let Ok(g) = grader.assess(q, summary) else {
            continue;
        };
        for m in &g.misconceptions {
            problems.push(format!("{}: asserts \"{}\"", q.id, m.claim));
        }
        for d in g.detail.iter().filter(|d| d.contains("wrong way round")) {
            problems.push(format!("{}: {d}", q.id));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
