use super::*;
use crate::bank::{load_str, parse_topics};

fn refs(text: &str) -> Vec<String> {
    letter_references(text)
}

#[test]
fn letters_naming_options_are_found_in_every_usual_form() {
    for (text, found) in [
        ("Option (b) is tempting but wrong.", "Option (b)"),
        ("(a) is the classic mistake.", "(a)"),
        ("The answer is B.", "answer is B"),
        ("Correct answer: c", "answer: c"),
        ("Pick answer B here", "answer B"),
        ("Both a and c hold.", "Both a and c"),
        ("both (a) and (d) are right", "both (a) and (d)"),
        ("Options A and C are correct.", "Options A"),
        ("B is wrong because it confuses the two.", "B is wrong"),
        ("Only d is a trap here.", "d is a trap"),
        ("a and c are correct; b is not.", "a and c are correct"),
        ("O(1): set membership (a), dict lookup (b).", "(a),"),
        ("list append (d, amortised)", "(d,"),
        ("**(e)** is true", "(e)"),
    ] {
        let got = refs(text);
        assert!(
            got.first()
                .is_some_and(|g| g.starts_with(found.trim_end_matches(','))),
            "{text:?} -> {got:?}, expected {found:?}"
        );
    }
}

#[test]
fn ordinary_words_code_and_function_calls_are_not_option_letters() {
    for text in [
        "A partition is a unit of parallelism; answer a question with a question.",
        "The answer is a trade-off between latency and throughput.",
        "The choice is a matter of taste.",
        "If a happened before b then L(a) < L(b), and V(a) <= V(b).",
        "Use `max(a)` or `SELECT * FROM t (a)` in code.",
        "```\nCASE WHEN (a) THEN option B END\n```",
        "Both A and B replicas acknowledge the write.",
        "Node A is the leader; plan B is the fallback.",
        "Vitamin C is right there. An A/B test helps.",
        "Use f(a, b) to combine them; len(a) counts items.",
        "It is a, well, subtle point.",
        "a) first step b) second step",
    ] {
        assert!(refs(text).is_empty(), "{text:?} -> {:?}", refs(text));
    }
}

const TOPICS: &str = "[[topic]]\nslug = \"sql\"\nname = \"SQL\"\nabout = \"q\"\n";

fn tf(id: &str, true_correct: bool) -> String {
    format!(
        "\n[[question]]\nid = \"{id}\"\ntopic = \"sql\"\ndifficulty = \"easy\"\nformat = \"truefalse\"\n\
         prompt = \"p\"\nanswer = \"x\"\nexplanation = \"e\"\n\
         options = [{{ id = \"true\", text = \"True\", correct = {true_correct}, why = \"w\" }},\n\
                    {{ id = \"false\", text = \"False\", correct = {}, why = \"w\" }}]\n",
        !true_correct
    )
}

fn choice(id: &str, correct: &[usize], answer: &str, prompt: &str) -> String {
    let texts = [
        "short",
        "a bit longer",
        "the longest option of all",
        "mid size",
    ];
    let options: Vec<String> = (0..4)
        .map(|i| {
            let c = correct.contains(&i);
            let why = if c {
                String::new()
            } else {
                ", why = \"no\"".into()
            };
            format!(
                "{{ id = \"{}\", text = \"{}\", correct = {c}{why} }}",
                char::from(b'a' + i as u8),
                texts[i]
            )
        })
        .collect();
    format!(
        "\n[[question]]\nid = \"{id}\"\ntopic = \"sql\"\ndifficulty = \"easy\"\nformat = \"choice\"\n\
         prompt = \"{prompt}\"\nanswer = \"{answer}\"\nexplanation = \"e\"\noptions = [{}]\n",
        options.join(",\n")
    )
}

fn located(text: &str) -> Vec<Located> {
    let topics = parse_topics("topics.toml", TOPICS).unwrap();
    load_str("q.toml", text, &topics).unwrap()
}

#[test]
fn balances_count_true_answers_positions_longest_options_and_select_all_firsts() {
    let text = [
        tf("tf-one", true),
        tf("tf-two", false),
        tf("tf-three", false),
        choice("c-one", &[0], "x", "p"),
        choice("c-two", &[2], "x", "p"),
        choice("c-three", &[2], "x", "p"),
        choice("c-all", &[0, 1], "x", "Select all that apply."),
        choice("c-all-two", &[1, 3], "x", "Select all that apply."),
    ]
    .concat();
    let qs = located(&text);
    let b = Balance::of(qs.iter().map(|l| &l.question));
    assert_eq!((b.truefalse, b.truefalse_true), (3, 1));
    assert_eq!((b.single, b.correct_at.clone()), (3, vec![1, 0, 2]));
    assert_eq!(b.longest_correct, 2);
    assert_eq!((b.select_all, b.select_all_first), (2, 1));
    assert_eq!((b.questions, b.with_summary, b.with_hint), (8, 0, 0));
    let shown = b.to_string();
    assert!(
        shown.contains("true/false answered True: 1 of 3 (33%)"),
        "{shown}"
    );
    assert!(shown.contains("by file position: a 1, b 0, c 2"), "{shown}");
    assert!(
        shown.contains("longest option is the correct one: 2 of 3 (66%)"),
        "{shown}"
    );
    assert!(
        shown.contains("including the first option: 1 of 2 (50%)"),
        "{shown}"
    );
}

#[test]
fn an_answer_naming_an_option_by_letter_is_a_problem_but_the_prompts_own_list_is_not() {
    let text = [
        choice("c-bad", &[0], "Option (a) is right.", "p"),
        choice("c-good", &[0], "Short wins here.", "p"),
        choice(
            "c-own-list",
            &[0],
            "Both (a) and (b) hold.",
            "Given (a) x and (b) y, which is short?",
        ),
    ]
    .concat();
    let hinted = choice("c-hint", &[0], "Short wins.", "p").replace(
        "explanation = \"e\"",
        "explanation = \"e\"\nhint = \"Think about option B.\"",
    );
    let issues = letter_reference_problems(&located(&(text + &hinted)));
    assert_eq!(issues.len(), 2, "{issues:?}");
    assert!(
        issues[1].message.contains("`c-hint`: the hint names"),
        "{issues:?}"
    );
    assert!(issues[0]
        .message
        .contains("`c-bad`: the answer names an option by its letter (\"Option (a)\")"));
}
