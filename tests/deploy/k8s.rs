//! deploy/k8s: every object parses, sets only registered settings, probes
//! paths the HTTP server serves on `PREPBOT_HTTP_ADDR`'s port, and runs
//! non-root on a read-only root filesystem.

use super::{assert_registered, port_of, repo, str_of, yaml_docs};
use serde_yaml::Value;
use std::collections::BTreeMap;

/// Every Kubernetes object under deploy/k8s.
fn k8s_objects() -> Vec<Value> {
    let mut files: Vec<_> = std::fs::read_dir(repo("deploy/k8s"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    files.sort();
    files
        .iter()
        .flat_map(|p| yaml_docs(p.strip_prefix(repo("")).unwrap().to_str().unwrap()))
        .filter(|o| o["kind"].as_str().is_some_and(|k| k != "Kustomization"))
        .collect()
}

fn of_kind(objects: &[Value], kind: &str) -> Vec<Value> {
    objects
        .iter()
        .filter(|o| o["kind"].as_str() == Some(kind))
        .cloned()
        .collect()
}

/// The HTTP probes of a container, as (path, port number).
fn probes(container: &Value) -> Vec<(String, u16)> {
    let named = |port: &Value| -> u16 {
        match port {
            Value::Number(n) => n.as_u64().unwrap() as u16,
            name => container["ports"]
                .as_sequence()
                .unwrap()
                .iter()
                .find(|p| p["name"] == *name)
                .map(|p| p["containerPort"].as_u64().unwrap() as u16)
                .unwrap_or_else(|| panic!("no container port named {name:?}")),
        }
    };
    ["livenessProbe", "readinessProbe", "startupProbe"]
        .iter()
        .filter_map(|p| container.get(p))
        .map(|p| (str_of(&p["httpGet"]["path"]), named(&p["httpGet"]["port"])))
        .collect()
}

#[test]
fn kubernetes_sets_only_known_settings_and_probes_the_http_port() {
    let objects = k8s_objects();
    for secret in of_kind(&objects, "Secret") {
        for key in ["stringData", "data"] {
            for name in secret[key].as_mapping().into_iter().flat_map(|m| m.keys()) {
                assert_registered(&str_of(name), "deploy/k8s Secret");
            }
        }
    }
    let deployment = of_kind(&objects, "Deployment").remove(0);
    let pod = &deployment["spec"]["template"]["spec"];
    let grace = pod["terminationGracePeriodSeconds"].as_u64().unwrap();
    assert!(grace > prepbot::cli::run::GRACE.as_secs(), "grace {grace}");
    assert_eq!(pod["securityContext"]["runAsNonRoot"], Value::Bool(true));
    let container = &pod["containers"][0];
    let env: BTreeMap<String, String> = container["env"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|e| (str_of(&e["name"]), str_of(&e["value"])))
        .collect();
    for name in env.keys() {
        assert_registered(name, "deploy/k8s Deployment");
    }
    let port = env.get("PREPBOT_HTTP_ADDR").map(|a| port_of(a)).unwrap();
    let probes = probes(container);
    let paths: Vec<_> = probes.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(paths, ["/healthz", "/readyz"]);
    for (path, probe_port) in &probes {
        assert_eq!(*probe_port, port, "{path} probes another port");
    }
    let sc = &container["securityContext"];
    assert_eq!(sc["readOnlyRootFilesystem"], Value::Bool(true));
    assert_eq!(sc["allowPrivilegeEscalation"], Value::Bool(false));
    assert!(container["resources"]["limits"]["memory"].is_string());
    assert_eq!(of_kind(&objects, "PodDisruptionBudget").len(), 1);
    for service in of_kind(&objects, "Service") {
        let target = &service["spec"]["ports"][0]["targetPort"];
        let served = container["ports"][0]["containerPort"].as_u64().unwrap() as u16;
        assert!(*target == container["ports"][0]["name"] || target.as_u64() == Some(port.into()));
        assert_eq!(served, port);
    }
}

/// The paths every deploy file probes, with where.
fn probed_paths() -> Vec<(String, &'static str)> {
    let mut out = vec![(
        "/healthz".to_owned(),
        "prepbot healthcheck (Dockerfile, compose)",
    )];
    let objects = k8s_objects();
    for d in of_kind(&objects, "Deployment") {
        for c in d["spec"]["template"]["spec"]["containers"]
            .as_sequence()
            .unwrap()
        {
            out.extend(probes(c).into_iter().map(|(p, _)| (p, "deploy/k8s")));
        }
    }
    out
}

#[tokio::test]
async fn every_probed_path_is_served_by_the_http_server() {
    // A pool that never connects: /readyz then answers 503, which is served.
    let pool = sqlx::PgPool::connect_lazy("postgres://nobody@127.0.0.1:1/none").unwrap();
    let health = prepbot::http::Health::new(
        prepbot::storage::Store::from_pool(pool),
        prepbot::meters::install(),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (_stop, stopped) = tokio::sync::watch::channel(false);
    tokio::spawn(prepbot::http::serve(
        listener,
        std::sync::Arc::new(health),
        stopped,
    ));
    let status = |path: String| async move {
        reqwest::get(format!("http://{addr}{path}"))
            .await
            .unwrap()
            .status()
            .as_u16()
    };
    assert_eq!(
        status("/no-such-probe".into()).await,
        404,
        "the check can fail"
    );
    for (path, whence) in probed_paths() {
        assert_ne!(status(path.clone()).await, 404, "{whence} probes {path}");
    }
}
