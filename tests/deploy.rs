//! The deploy files (deploy/) agree with the binary: every variable they set
//! is registered in `config::SETTINGS`, every probe path is served, every
//! port is `PREPBOT_HTTP_ADDR`'s, and the example config documents every
//! setting. No Docker engine or cluster runs here, so these are the checks
//! that stand in for one.

use prepbot::config::{setting, SETTINGS};
use serde::Deserialize;
use serde_yaml::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Variables of the operating system the binary reads (to find PostgreSQL
/// tools and a data folder for the console's private server): not settings.
const SYSTEM_VARS: &[&str] = &["PATH", "HOME", "XDG_DATA_HOME"];

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

fn read(path: &str) -> String {
    std::fs::read_to_string(repo(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn assert_registered(name: &str, whence: &str) {
    assert!(
        setting(name).is_some(),
        "{whence} sets {name}, which the binary does not read (not in config::SETTINGS)"
    );
}

/// The port of a `PREPBOT_HTTP_ADDR` value.
fn port_of(addr: &str) -> u16 {
    addr.parse::<std::net::SocketAddr>()
        .unwrap_or_else(|e| panic!("PREPBOT_HTTP_ADDR {addr}: {e}"))
        .port()
}

/// Every YAML document of a file.
fn yaml_docs(path: &str) -> Vec<Value> {
    let text = read(path);
    serde_yaml::Deserializer::from_str(&text)
        .map(|d| Value::deserialize(d).unwrap_or_else(|e| panic!("{path}: {e}")))
        .filter(|v| !v.is_null())
        .collect()
}

fn str_of(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        other => panic!("not a scalar: {other:?}"),
    }
}

/// `NAME=value` and `#NAME=value` lines of the example config.
fn example_entries() -> Vec<(String, String, bool)> {
    read("deploy/prepbot.env.example")
        .lines()
        .filter_map(|line| {
            let (commented, body) = match line.strip_prefix('#') {
                Some(rest) => (true, rest),
                None => (false, line),
            };
            let (name, value) = body.split_once('=')?;
            let is_name = !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
            is_name.then(|| (name.to_owned(), value.to_owned(), commented))
        })
        .collect()
}

#[test]
fn the_example_config_documents_every_setting_and_only_settings() {
    // systemd's EnvironmentFile= and compose's env_file: take VAR=value
    // as is: no `export`, and quotes would become part of the value.
    for line in read("deploy/prepbot.env.example").lines() {
        assert!(!line.starts_with("export "), "{line}");
        if !line.starts_with('#') {
            assert!(
                !line.contains('"') && !line.contains('\''),
                "quoted: {line}"
            );
        }
    }
    let entries = example_entries();
    for (name, value, commented) in &entries {
        assert_registered(name, "deploy/prepbot.env.example");
        // A commented line shows the default: it must be the real one.
        let s = setting(name).unwrap();
        if *commented {
            assert_eq!(
                Some(value.as_str()).filter(|v| !v.is_empty()),
                s.default,
                "{name}"
            );
        }
    }
    for s in SETTINGS {
        assert!(
            entries.iter().any(|(n, ..)| n == s.name),
            "deploy/prepbot.env.example does not document {}",
            s.name
        );
    }
}

/// The compose service built from deploy/Dockerfile.
fn compose_bot() -> (Value, Value) {
    let compose = yaml_docs("deploy/compose.yaml").remove(0);
    let services = compose["services"].as_mapping().expect("services");
    let bot = services
        .values()
        .find(|s| s["build"]["dockerfile"].as_str() == Some("deploy/Dockerfile"))
        .expect("a service built from deploy/Dockerfile")
        .clone();
    (compose, bot)
}

/// A compose `environment:` (map or list form) as name -> value.
fn compose_env(env: &Value) -> BTreeMap<String, String> {
    match env {
        Value::Mapping(m) => m.iter().map(|(k, v)| (str_of(k), str_of(v))).collect(),
        Value::Sequence(items) => items
            .iter()
            .map(|i| {
                let s = str_of(i);
                let (k, v) = s.split_once('=').unwrap_or((&s, ""));
                (k.to_owned(), v.to_owned())
            })
            .collect(),
        Value::Null => BTreeMap::new(),
        other => panic!("environment: {other:?}"),
    }
}

/// `ENV NAME=value` of the Dockerfile's runtime stage.
fn dockerfile_runtime() -> Vec<String> {
    let text = read("deploy/Dockerfile");
    let lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let last_from = lines
        .iter()
        .rposition(|l| l.starts_with("FROM "))
        .expect("a FROM line");
    lines[last_from..].to_vec()
}

/// The port the image serves HTTP on: its `PREPBOT_HTTP_ADDR`, or the default.
fn image_port() -> u16 {
    let addr = dockerfile_runtime()
        .iter()
        .find_map(|l| l.strip_prefix("ENV PREPBOT_HTTP_ADDR=").map(str::to_owned))
        .unwrap_or_else(|| {
            setting("PREPBOT_HTTP_ADDR")
                .unwrap()
                .default
                .unwrap()
                .into()
        });
    port_of(&addr)
}

#[test]
fn compose_sets_only_known_settings_and_publishes_the_http_port() {
    let (compose, bot) = compose_bot();
    let env = compose_env(&bot["environment"]);
    for name in env.keys() {
        assert_registered(name, "deploy/compose.yaml");
    }
    let port = env
        .get("PREPBOT_HTTP_ADDR")
        .map(|a| port_of(a))
        .unwrap_or_else(image_port);
    let published: Vec<u16> = bot["ports"]
        .as_sequence()
        .expect("the bot publishes a port")
        .iter()
        .map(|p| str_of(p).rsplit(':').next().unwrap().parse().unwrap())
        .collect();
    assert_eq!(published, vec![port], "container side of ports:");
    assert!(
        str_of(&bot["healthcheck"]["test"][1]).ends_with("prepbot"),
        "the bot's healthcheck runs `prepbot healthcheck`"
    );
    assert_eq!(str_of(&bot["healthcheck"]["test"][2]), "healthcheck");
    // PostgreSQL: healthy before the bot starts, data on a volume.
    let db = &compose["services"]["db"];
    assert!(str_of(&db["image"]).starts_with("postgres:15"));
    assert!(str_of(&db["healthcheck"]["test"][1]).contains("pg_isready"));
    assert_eq!(
        str_of(&bot["depends_on"]["db"]["condition"]),
        "service_healthy"
    );
    let volume = str_of(&db["volumes"][0]);
    let name = volume.split(':').next().unwrap();
    assert!(compose["volumes"].get(name).is_some(), "volume {name}");
    let env_file = str_of(&bot["env_file"][0]["path"]);
    assert!(repo(&format!("deploy/{env_file}.example")).exists());
}

#[test]
fn the_dockerfile_runs_as_non_root_with_the_bank_built_in() {
    let runtime = dockerfile_runtime();
    let user = runtime
        .iter()
        .rev()
        .find_map(|l| l.strip_prefix("USER "))
        .expect("the runtime stage sets USER");
    let uid = user.split(':').next().unwrap().trim();
    assert!(!matches!(uid, "root" | "0"), "USER {user}");
    for line in runtime.iter().filter(|l| l.starts_with("COPY")) {
        assert!(
            !line.contains("questions"),
            "copies the bank at runtime: {line}"
        );
        assert!(
            line.contains("--from="),
            "copies from the build context: {line}"
        );
    }
    assert!(runtime
        .iter()
        .any(|l| *l == format!("EXPOSE {}", image_port())));
    assert!(runtime.iter().any(|l| l.starts_with("HEALTHCHECK")));
    for line in runtime.iter().filter_map(|l| l.strip_prefix("ENV ")) {
        assert_registered(line.split('=').next().unwrap(), "deploy/Dockerfile");
    }
}

#[test]
fn the_systemd_unit_is_hardened_and_waits_longer_than_the_drain() {
    let unit = read("deploy/prepbot.service");
    let value = |key: &str| {
        unit.lines()
            .find_map(|l| l.strip_prefix(&format!("{key}=")))
            .unwrap_or_else(|| panic!("prepbot.service has no {key}="))
            .to_owned()
    };
    for (key, want) in [
        ("DynamicUser", "yes"),
        ("ProtectSystem", "strict"),
        ("ProtectHome", "yes"),
        ("PrivateTmp", "yes"),
        ("NoNewPrivileges", "yes"),
        ("CapabilityBoundingSet", ""),
        ("SystemCallFilter", "@system-service"),
        ("MemoryDenyWriteExecute", "yes"),
        ("Restart", "on-failure"),
    ] {
        assert_eq!(value(key), want, "{key}");
    }
    assert!(value("RestrictAddressFamilies").contains("AF_INET"));
    assert!(value("EnvironmentFile").ends_with("prepbot.env"));
    assert!(value("ExecStart").ends_with("prepbot run"));
    let stop: u64 = value("TimeoutStopSec")
        .trim_end_matches('s')
        .parse()
        .unwrap();
    assert!(
        stop > prepbot::cli::run::GRACE.as_secs(),
        "TimeoutStopSec {stop}"
    );
}

/// `"NAME"` right after each of `openers` in `text`.
fn quoted_after<'a>(text: &'a str, opener: &str) -> Vec<&'a str> {
    text.match_indices(opener)
        .filter_map(|(i, _)| {
            let rest = &text[i + opener.len()..];
            let rest = rest.trim_start().strip_prefix('"')?;
            rest.split('"').next()
        })
        .collect()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|x| x == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn the_source_reads_no_variable_that_is_not_registered() {
    let mut files = Vec::new();
    rust_files(&repo("src"), &mut files);
    let mut seen = 0;
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let names = ["env =", "env::var(", "env::var_os(", "try_from_env("]
            .iter()
            .flat_map(|o| quoted_after(&text, o))
            .collect::<Vec<_>>();
        for name in names {
            seen += 1;
            if !SYSTEM_VARS.contains(&name) {
                assert_registered(name, &file.display().to_string());
            }
        }
    }
    assert!(seen > 10, "the scan found only {seen} reads");
}

/// The Kubernetes manifests, and the probe paths of every file.
#[path = "deploy/k8s.rs"]
mod k8s;

/// The binary itself: `prepbot settings` and `prepbot healthcheck`.
#[path = "deploy/binary.rs"]
mod binary;

#[test]
fn the_readme_names_every_setting_this_build_reads() {
    let readme = read("README.md");
    for s in SETTINGS.iter().filter(|s| s.built()) {
        assert!(
            readme.contains(&format!("`{}`", s.name)),
            "README.md does not mention `{}`",
            s.name
        );
    }
}
