//! `bank check`, `list`, `show` and `import` end to end: the library entry
//! point on a folder, and the binary's output and exit codes (0 ok,
//! 1 problems found, 2 usage or I/O error).

use prepbot::bank::{check_dir, SolutionRunner, SqlCheck, SqlTask};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

const TOPICS: &str = "[[topic]]\nslug = \"sql\"\nname = \"SQL\"\nabout = \"Queries\"\n\n\
    [[topic]]\nslug = \"python\"\nname = \"Python\"\nabout = \"The language\"\n";

fn truefalse(id: &str, topic: &str) -> String {
    format!(
        "[[question]]\nid = \"{id}\"\ntopic = \"{topic}\"\ndifficulty = \"easy\"\n\
         format = \"truefalse\"\nprompt = \"NULL = NULL is true.\\nSecond line.\"\n\
         answer = \"False: it is NULL.\"\nexplanation = \"Comparisons with NULL are unknown.\"\n\
         options = [{{ id = \"true\", text = \"True\", correct = false, why = \"It is NULL.\" }},\n\
         {{ id = \"false\", text = \"False\", correct = true }}]\n\n"
    )
}

fn sql(id: &str, solution: &str) -> String {
    format!(
        "[[question]]\nid = \"{id}\"\ntopic = \"sql\"\ndifficulty = \"hard\"\nformat = \"sql\"\n\
         prompt = \"Count orders.\"\nanswer = \"SELECT count(*) FROM orders\"\n\
         explanation = \"count(*) counts rows.\"\nschema = \"CREATE TABLE orders (id int);\"\n\
         fixture = \"INSERT INTO orders VALUES (1), (2), (3);\"\nsolution = \"{solution}\"\n\n"
    )
}

/// A bank folder with topics.toml and the given files.
fn bank(files: &[(&str, String)]) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("prepbot-check-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("topics.toml"), TOPICS).unwrap();
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
    }
    dir
}

fn good_bank() -> PathBuf {
    bank(&[
        (
            "a.toml",
            truefalse("null-equals-null", "sql") + &truefalse("py-true", "python"),
        ),
        ("b.toml", sql("sql-count", "SELECT count(*) FROM orders")),
    ])
}

/// Fails solutions that mention `broken`.
struct FakeRunner;

#[async_trait::async_trait]
impl SolutionRunner for FakeRunner {
    async fn run_solution(&self, task: &SqlTask) -> Result<usize, String> {
        if task.solution.contains("broken") {
            Err("column \"broken\" does not exist".into())
        } else {
            Ok(1)
        }
    }
}

#[tokio::test]
async fn duplicate_ids_across_files_are_reported_at_the_second_one() {
    let dir = bank(&[
        ("a.toml", truefalse("null-equals-null", "sql")),
        (
            "b.toml",
            truefalse("py-true", "python") + &truefalse("null-equals-null", "sql"),
        ),
    ]);
    let report = check_dir(&dir, None).await.unwrap();
    let a = dir.join("a.toml").display().to_string();
    let b = dir.join("b.toml").display().to_string();
    let issues: Vec<String> = report.issues.iter().map(|i| i.to_string()).collect();
    assert_eq!(
        issues,
        [format!(
            "{b}:12: duplicate question id `null-equals-null` (first at {a}:1)"
        )]
    );
    assert!(!report.is_ok());
    std::fs::remove_dir_all(dir).unwrap();
}

/// A named pipe would block the check forever, and a broken link cannot be
/// read: both are named as problems, and the rest of the bank is checked.
#[cfg(unix)]
#[tokio::test]
async fn a_pipe_or_a_broken_link_among_the_files_is_a_problem_not_a_hang() {
    let dir = bank(&[("a.toml", truefalse("null-equals-null", "sql"))]);
    let fifo = dir.join("fifo.toml");
    assert!(Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    std::os::unix::fs::symlink(dir.join("gone"), dir.join("link.toml")).unwrap();
    let report = tokio::time::timeout(std::time::Duration::from_secs(10), check_dir(&dir, None))
        .await
        .expect("the check does not wait on the pipe")
        .unwrap();
    let named: Vec<String> = report.issues.iter().map(|i| i.to_string()).collect();
    assert_eq!(named.len(), 2, "{named:?}");
    assert!(
        named.iter().all(|i| i.contains("not a regular file")),
        "{named:?}"
    );
    assert_eq!(report.summary.total, 1, "a.toml is still checked");
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test]
async fn a_file_that_is_not_utf8_is_a_problem_not_a_crash() {
    let dir = bank(&[("a.toml", truefalse("null-equals-null", "sql"))]);
    std::fs::write(dir.join("b.toml"), b"id = \"caf\xe9\"\n").unwrap();
    let report = check_dir(&dir, None).await.unwrap();
    let b = dir.join("b.toml").display().to_string();
    assert_eq!(report.issues.len(), 1);
    assert_eq!(
        report.issues[0].to_string(),
        format!("{b}:1: the file is not valid UTF-8")
    );
    assert_eq!(report.summary.total, 1);
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test]
async fn check_runs_each_sql_solution_and_reports_failures_at_the_solution_line() {
    let dir = bank(&[(
        "s.toml",
        sql("sql-ok", "SELECT 1") + &sql("sql-broken", "SELECT broken FROM orders"),
    )]);
    let report = check_dir(&dir, Some(&FakeRunner)).await.unwrap();
    assert_eq!(report.sql, SqlCheck::Ran(2));
    assert_eq!(report.issues.len(), 1);
    assert_eq!(report.issues[0].line, 23);
    assert!(report.issues[0]
        .message
        .contains("fails on its fixture: column \"broken\""));
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test]
async fn the_summary_counts_per_topic_difficulty_and_format_and_says_sql_was_skipped() {
    let dir = good_bank();
    let report = check_dir(&dir, None).await.unwrap();
    assert!(report.is_ok());
    let text = report.to_string();
    for line in [
        "2 question file(s)",
        "3 valid question(s)",
        "per topic:\n  sql        2\n  python     1\n",
        "per difficulty:\n  easy       2\n  medium     0\n  hard       1\n",
        "per format:\n  open          0\n  choice        0\n  truefalse     2\n  sql           1\n",
        "sql solutions: not run (--no-sql)",
        "ok: no problems",
    ] {
        assert!(text.contains(line), "missing {line:?} in\n{text}");
    }
    std::fs::remove_dir_all(dir).unwrap();
}

fn prepbot(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_prepbot"))
        .args(args)
        .env_remove("PREPBOT_QUESTIONS")
        .env_remove("PREPBOT_IMPORT_TOPIC")
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn bank_check_exits_0_on_a_good_bank_1_on_problems_and_2_on_a_missing_folder() {
    let good = good_bank();
    let out = prepbot(&["bank", "check", "--no-sql", path(&good)]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let bad = bank(&[("a.toml", truefalse("x", "sql"))]);
    let out = prepbot(&["bank", "check", "--no-sql", path(&bad)]);
    assert_eq!(out.status.code(), Some(1));
    let a = bad.join("a.toml").display().to_string();
    assert!(stdout(&out).starts_with(&format!(
        "{a}:2: question `x`: `x` is not a valid question id"
    )));
    assert!(stdout(&out).ends_with("1 problem(s) found\n"));
    let missing = prepbot(&["bank", "check", "--no-sql", "/nonexistent/prepbot-bank"]);
    assert_eq!(missing.status.code(), Some(2));
    std::fs::remove_dir_all(good).unwrap();
    std::fs::remove_dir_all(bad).unwrap();
}

/// A topic name is shown as "Name (slug)" in Discord's autocomplete, which
/// refuses the whole answer when one choice passes 100 characters, and as
/// an embed field, which Discord refuses when blank.
#[test]
fn a_topic_name_that_is_blank_or_too_long_to_show_is_a_problem() {
    for name in ["   ", &"N".repeat(61)] {
        let dir = bank(&[("a.toml", truefalse("null-equals-null", "sql"))]);
        let topics = TOPICS.replace("name = \"SQL\"", &format!("name = \"{name}\""));
        std::fs::write(dir.join("topics.toml"), topics).unwrap();
        let out = prepbot(&["bank", "check", "--no-sql", path(&dir)]);
        assert_eq!(out.status.code(), Some(1), "{name:?}: {}", stdout(&out));
        let text = stdout(&out) + &String::from_utf8_lossy(&out.stderr);
        assert!(
            text.contains("topics.toml:2: topic `sql`: its name must be 1 to 60 characters"),
            "{name:?}: {text}"
        );
        std::fs::remove_dir_all(dir).unwrap();
    }
}

#[test]
fn bank_list_prints_one_line_per_matching_question() {
    let dir = good_bank();
    let out = prepbot(&["bank", "list", "--questions", path(&dir), "--topic", "sql"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        stdout(&out),
        "null-equals-null  sql  easy    truefalse  NULL = NULL is true.\n\
         sql-count         sql  hard    sql        Count orders.\n"
    );
    let out = prepbot(&[
        "bank",
        "list",
        "--questions",
        path(&dir),
        "--format",
        "sql",
        "--difficulty",
        "easy",
    ]);
    assert_eq!(stdout(&out), "");
    let out = prepbot(&["bank", "list", "--questions", path(&dir), "--topic", "rust"]);
    assert_eq!(out.status.code(), Some(2));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn bank_show_prints_the_whole_question_or_exits_2_for_an_unknown_id() {
    let dir = good_bank();
    let out = prepbot(&["bank", "show", "sql-count", "--questions", path(&dir)]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    for part in [
        "sql-count\ntopic: sql · difficulty: hard · format: sql",
        "\nSCHEMA\nCREATE TABLE orders",
        "\nMODEL ANSWER\nSELECT count(*) FROM orders\n",
        "\nEXPLANATION\n",
    ] {
        assert!(text.contains(part), "missing {part:?} in\n{text}");
    }
    let out = prepbot(&[
        "bank",
        "show",
        "no-such-question",
        "--questions",
        path(&dir),
    ]);
    assert_eq!(out.status.code(), Some(2));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn bank_import_output_passes_bank_check_and_a_bad_file_exits_2() {
    let dir = bank(&[]);
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import");
    let red = fixtures.join("computing.yaml");
    let out = prepbot(&[
        "bank",
        "import",
        "--format",
        "red",
        path(&red),
        "--out",
        path(&dir),
        "--topic",
        "python",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout(&out).starts_with("wrote "));
    let check = prepbot(&["bank", "check", "--no-sql", path(&dir)]);
    assert_eq!(check.status.code(), Some(0), "{}", stdout(&check));
    let bad = fixtures.join("bad-entries.json");
    let out = prepbot(&[
        "bank",
        "import",
        "--format",
        "opentdb",
        path(&bad),
        "--out",
        path(&dir),
        "--topic",
        "python",
    ]);
    // The valid entry is imported; each bad one is named with its reason.
    assert_eq!(out.status.code(), Some(0));
    let said = format!("{}{}", stdout(&out), String::from_utf8_lossy(&out.stderr));
    assert!(
        said.contains("with 1 question(s)") && said.contains("skipped 3 entries"),
        "{said}"
    );
    assert!(
        said.contains("results[1]") && said.contains("missing field `correct_answer`"),
        "{said}"
    );
    std::fs::remove_dir_all(dir).unwrap();
}
