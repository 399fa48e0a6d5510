//! The binary the deploy files run: `prepbot settings` hides secrets, and
//! `prepbot healthcheck` (the image's HEALTHCHECK) reaches a bot bound to
//! every interface.

use prepbot::config::SETTINGS;

const BIN: &str = env!("CARGO_BIN_EXE_prepbot");

/// The binary with a clean environment.
fn prepbot(args: &[&str], env: &[(&str, &str)]) -> std::process::Command {
    let mut c = std::process::Command::new(BIN);
    c.args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .envs(env.iter().copied())
        .stdin(std::process::Stdio::null());
    c
}

#[test]
fn prepbot_settings_lists_every_setting_and_hides_secrets() {
    let out = prepbot(
        &["settings"],
        &[
            ("DISCORD_TOKEN", "tok-very-secret"),
            ("DATABASE_URL", "postgres://u:pw-very-secret@h/db"),
            ("PREPBOT_FANOUT_RATE", "12"),
        ],
    )
    .output()
    .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    for s in SETTINGS {
        assert!(text.contains(s.name), "{} missing:\n{text}", s.name);
    }
    assert!(!text.contains("very-secret"), "{text}");
    assert!(text.contains("set to 12"), "{text}");
}

/// `prepbot settings` ends by saying whether `prepbot run` would take the
/// environment, so an admin finds a bad value before a deploy does.
#[test]
fn prepbot_settings_says_whether_run_would_take_the_settings() {
    let verdict = |env: &[(&str, &str)]| {
        let out = prepbot(&["settings"], env).output().unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        let tail = text.split("\n\n").last().unwrap_or_default().to_owned();
        (out.status.success(), tail)
    };
    let (ok, tail) = verdict(&[("PREPBOT_HTTP_ADDR", "localhost:8080")]);
    assert!(
        ok && tail.contains("`prepbot run` takes these settings"),
        "{tail}"
    );
    assert!(
        tail.contains("warning: no chat front end is configured"),
        "{tail}"
    );
    let (ok, tail) = verdict(&[("PREPBOT_CLAIM_LEASE_SECS", "5")]);
    assert!(
        ok && tail.contains("warning: PREPBOT_CLAIM_LEASE_SECS is 5, under 30"),
        "{tail}"
    );
    for (var, value, says) in [
        (
            "PREPBOT_FANOUT_RATE",
            "0",
            "PREPBOT_FANOUT_RATE must be a whole number from 1 to 1000",
        ),
        (
            "PREPBOT_HTTP_ADDR",
            "localhost",
            "PREPBOT_HTTP_ADDR must be HOST:PORT",
        ),
        (
            "PREPBOT_HTTP_ADDR",
            "nohost.invalid:8080",
            "the host \"nohost.invalid\" does not resolve here",
        ),
        ("DISCORD_SHARDS", "4/4", "FIRST <= LAST < TOTAL"),
        (
            "DATABASE_URL",
            "mysql://root@127.0.0.1:3306/prepbot",
            "starts with \"mysql://\"",
        ),
        (
            "DATABASE_URL",
            "postgres://postgres@127.0.0.1:5432/",
            "names no database",
        ),
        (
            "DISCORD_API_BASE",
            "notaurl",
            "DISCORD_API_BASE must be an http",
        ),
        (
            "PREPBOT_QUESTIONS",
            "/nonexistent",
            "loading the question bank",
        ),
        (
            "PREPBOT_LLM_URL",
            "127.0.0.1:11434/v1",
            "PREPBOT_LLM_URL must be an http",
        ),
    ] {
        let env = [(var, value), ("DISCORD_TOKEN", "t")];
        let (ok, tail) = verdict(&env);
        assert!(!ok, "{var}={value}: {tail}");
        assert!(
            tail.starts_with("problem: ") && tail.contains(says),
            "{var}={value}: {tail}"
        );
        // `prepbot run` refuses the same, before it reaches a database
        // (had it passed, it would fail on port 1 with another message).
        let mut run_env = vec![(var, value), ("DISCORD_TOKEN", "t")];
        if var != "DATABASE_URL" {
            run_env.push(("DATABASE_URL", "postgres://postgres@127.0.0.1:1/x"));
        }
        run_env.push(("PREPBOT_DB_TIMEOUT_SECS", "1"));
        let out = prepbot(&["run"], &run_env).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            !out.status.success() && err.contains(says),
            "run, {var}={value}: {err}"
        );
    }
    // A leftover Slack line in an env file shared with a Discord bot is a
    // warning, not a refusal to start.
    let (ok, tail) = verdict(&[("SLACK_APP_TOKEN", "xapp-1")]);
    assert!(ok, "{tail}");
    if cfg!(feature = "slack") {
        assert!(
            tail.contains("warning: SLACK_APP_TOKEN is set but Slack is off"),
            "{tail}"
        );
    }
}

/// An env file with several mistakes has them all named at once, by
/// `prepbot settings` a line each and by `prepbot run` in its one error,
/// so an admin does not fix them one deploy at a time.
#[test]
fn every_problem_in_the_settings_is_named_at_once() {
    let env = [
        ("DISCORD_TOKEN", "t"),
        ("DATABASE_URL", "mysql://root@127.0.0.1:3306/prepbot"),
        ("DISCORD_API_BASE", "notaurl"),
        ("DISCORD_SHARDS", "4/4"),
        ("PREPBOT_QUESTIONS", "/nonexistent"),
    ];
    let says = [
        "starts with \"mysql://\"",
        "DISCORD_API_BASE must be an http",
        "FIRST <= LAST < TOTAL",
        "loading the question bank",
    ];
    let out = prepbot(&["settings"], &env).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let problems: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("problem: "))
        .collect();
    assert!(!out.status.success(), "{text}");
    assert_eq!(problems.len(), says.len(), "{text}");
    for (line, says) in problems.iter().zip(says) {
        assert!(line.contains(says), "{line} should say {says}");
    }
    let out = prepbot(&["run"], &env).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success() && err.contains("4 problems in the settings"),
        "{err}"
    );
    for says in says {
        assert!(err.contains(says), "run should say {says}: {err}");
    }
}

/// Each of these, set by an admin, is refused at start with its variable
/// and its range: zero leases and pools, a rate far past any platform's,
/// numbers that overflow, and words.
#[test]
fn settings_outside_their_ranges_are_refused_naming_the_variable_before_anything_starts() {
    let hostile = [
        ("PREPBOT_FANOUT_RATE", "0", "from 1 to 1000"),
        ("PREPBOT_FANOUT_RATE", "4294967295", "from 1 to 1000"),
        ("PREPBOT_FANOUT_RATE", "-5", "from 1 to 1000"),
        ("PREPBOT_FANOUT_RATE", "fast", "from 1 to 1000"),
        ("PREPBOT_CLAIM_LEASE_SECS", "0", "from 1 to 86400"),
        (
            "PREPBOT_CLAIM_LEASE_SECS",
            "18446744073709551616",
            "from 1 to 86400",
        ),
        ("PREPBOT_DB_POOL", "0", "from 1 to 100"),
        ("PREPBOT_DB_POOL", "100000", "from 1 to 100"),
        ("PREPBOT_DB_TIMEOUT_SECS", "0", "from 1 to 600"),
        ("PREPBOT_DB_ACQUIRE_SECS", "99999999999", "from 1 to 600"),
        ("PREPBOT_LLM_TIMEOUT_SECS", "0", "from 1 to 600"),
    ];
    for (var, value, range) in hostile {
        // Nothing listens on port 1: had the value passed, the run would
        // fail on the database instead, with another message.
        let env = [
            (var, value),
            ("DATABASE_URL", "postgres://postgres@127.0.0.1:1/x"),
        ];
        let out = prepbot(&["run"], &env).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{var}={value}: {err}");
        assert!(
            err.contains(&format!("{var} must be a whole number {range}")),
            "{var}={value}: {err}"
        );
    }
}

#[test]
fn settings_at_the_edges_of_their_ranges_are_taken() {
    let edges = [
        ("PREPBOT_FANOUT_RATE", "1000"),
        ("PREPBOT_CLAIM_LEASE_SECS", "1"),
        ("PREPBOT_DB_POOL", "100"),
        ("PREPBOT_DB_ACQUIRE_SECS", "600"),
    ];
    for (var, value) in edges {
        let env = [
            (var, value),
            ("DATABASE_URL", "postgres://postgres@127.0.0.1:1/x"),
            ("PREPBOT_DB_TIMEOUT_SECS", "1"),
        ];
        let out = prepbot(&["run"], &env).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        // Parsed, so the run went on to the database, which is not there.
        assert!(
            !err.contains("must be a whole number"),
            "{var}={value}: {err}"
        );
        assert!(err.contains("PostgreSQL"), "{var}={value}: {err}");
    }
}

/// An env file whose `#DISCORD_DEV_GUILD=` line was uncommented: an empty
/// setting is unset, as for every other setting, not a parse error.
#[test]
fn empty_settings_count_as_unset() {
    let env = [
        ("DISCORD_DEV_GUILD", ""),
        ("PREPBOT_QUESTIONS", ""),
        ("PREPBOT_HTTP_ADDR", " "),
        ("PREPBOT_FANOUT_RATE", ""),
        ("DATABASE_URL", "postgres://postgres@127.0.0.1:1/x"),
        ("PREPBOT_DB_TIMEOUT_SECS", "1"),
    ];
    let out = prepbot(&["run"], &env).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("invalid value"), "{err}");
    assert!(err.contains("PostgreSQL"), "went on to the database: {err}");
}

/// An empty secret is most likely a secret store that failed to fill it:
/// refused, rather than falling back to the local default database.
#[test]
fn an_empty_secret_is_refused_naming_it() {
    for var in ["DATABASE_URL", "DISCORD_TOKEN"] {
        let out = prepbot(&["run"], &[(var, "")]).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{var}: {err}");
        assert!(err.contains(&format!("{var} is set but empty")), "{err}");
    }
}

#[sqlx::test]
async fn healthcheck_passes_on_a_running_bot_and_readyz_fails_without_a_front_end(
    pool: sqlx::PgPool,
) {
    let db: String = sqlx::query_scalar("SELECT current_database()")
        .fetch_one(&pool)
        .await
        .unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    // 0.0.0.0, as in the image: healthcheck must reach it on loopback.
    let bind = format!("0.0.0.0:{port}");
    let url = format!("postgres://postgres@127.0.0.1:5432/{db}");
    let env = [
        ("DATABASE_URL", url.as_str()),
        ("PREPBOT_HTTP_ADDR", bind.as_str()),
        ("RUST_LOG", "warn"),
    ];
    // Nothing listens yet: the check fails rather than hangs.
    let nothing = prepbot(&["healthcheck"], &env).output().unwrap();
    assert!(!nothing.status.success());
    let mut bot = tokio::process::Command::from(prepbot(&["run"], &env))
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let check = |path: &'static str| async move {
        tokio::process::Command::from(prepbot(&["healthcheck", "--path", path], &env))
            .output()
            .await
            .unwrap()
    };
    // Poll until the server is up (the binary migrates first).
    let mut alive = false;
    for _ in 0..150 {
        if check("/healthz").await.status.success() {
            alive = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(alive, "prepbot healthcheck never passed");
    let ready = check("readyz").await; // a path without its slash is taken too
    assert!(!ready.status.success());
    assert!(String::from_utf8_lossy(&ready.stderr).contains("503"));
    let _ = bot.start_kill();
    let _ = bot.wait().await;
    // The binary made a SQL grading sandbox; sqlx::test drops only its own database.
    // It also made two server-wide roles.
    for sql in [
        format!("DROP DATABASE IF EXISTS \"{db}_sandbox\" WITH (FORCE)"),
        format!("DROP ROLE IF EXISTS \"{db}_sandbox\", \"{db}_sandbox_ro\""),
    ] {
        sqlx::query(&sql).execute(&pool).await.ok();
    }
}
