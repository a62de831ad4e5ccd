//! Scenarios end to end: the shipped custody and tampered flows through the binary against
//! its embedded mock (JUnit checked), and the runner on its own for rendering byte for byte,
//! a failing assertion, a feed wait that times out and a retry that passes the second time.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;
use xsign::flow::{self, Options, Target};
use xsign::http::{Credentials, Origin, Recorder};
use xsign::mock::{MockConfig, MockHandle, MockServer};
use xsign::scenario::{Outcome, RunReport, Scenario};
use xsign::signing::{AuthMode, PrivateKey, RequestSigner, RsaSigner, generate_key};
use xsign::store::{HistoryEntry, StoreError};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn xsign(dirs: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_xsign"))
        .args(args)
        .current_dir(root())
        .env("XSIGN_CONFIG_DIR", dirs.join("config"))
        .env("XSIGN_DATA_DIR", dirs.join("data"))
        .env_remove("XSIGN_PROFILE")
        .output()
        .expect("xsign runs")
}

/// The value of `attr` in the first tag of `xml` that starts with `open`.
fn attr(xml: &str, open: &str, attr: &str) -> Option<String> {
    let tag = &xml[xml.find(open)?..];
    let tag = &tag[..tag.find('>')?];
    let at = tag.find(&format!(" {attr}=\""))? + attr.len() + 3;
    Some(tag[at..at + tag[at..].find('"')?].to_string())
}

#[test]
fn the_shipped_custody_scenario_passes_on_the_mock_with_a_junit_case_per_step() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("junit.xml");
    let out = xsign(
        dir.path(),
        &[
            "run",
            "assets/scenarios/custody.toml",
            "--mock",
            "--report",
            report.to_str().unwrap(),
        ],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    assert!(stdout.contains("custody: 8 passed, 0 failed"), "{stdout}");
    assert!(stderr.contains("[8/8] transfer approved"), "{stderr}");

    let xml = std::fs::read_to_string(&report).unwrap();
    assert!(
        xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"),
        "{xml}"
    );
    assert_eq!(attr(&xml, "<testsuites", "tests").as_deref(), Some("8"));
    assert_eq!(
        attr(&xml, "<testsuite ", "name").as_deref(),
        Some("custody")
    );
    assert_eq!(attr(&xml, "<testsuite ", "failures").as_deref(), Some("0"));
    assert_eq!(attr(&xml, "<testsuite ", "errors").as_deref(), Some("0"));
    assert!(attr(&xml, "<testsuite ", "time").is_some());
    let scenario = Scenario::load(&root().join("assets/scenarios/custody.toml")).unwrap();
    assert_eq!(xml.matches("<testcase ").count(), scenario.steps.len());
    for step in &scenario.steps {
        assert!(
            xml.contains(&format!(
                "<testcase name=\"{}\" classname=\"custody\" time=\"",
                step.name
            )),
            "{} missing in {xml}",
            step.name
        );
    }
    assert!(!xml.contains("<failure"));
    assert_eq!(
        xml.matches("<testsuite ").count(),
        xml.matches("</testsuite>").count()
    );

    // Every step went through the one pipeline: the history has them.
    let history = xsign(dir.path(), &["history", "--json"]);
    let text = String::from_utf8_lossy(&history.stdout);
    assert!(text.contains("scenario custody: transfer"), "{text}");
}

#[test]
fn the_tampered_scenario_gets_1020_with_the_doctors_headline_and_a_failure_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let out = xsign(
        dir.path(),
        &["run", "assets/scenarios/tampered.toml", "--mock", "--json"],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(json["passed"], true);
    let step = &json["scenarios"][0]["steps"][1];
    assert_eq!(step["status"], 401);
    let doctor = step["doctor"].as_str().unwrap_or_default();
    assert!(!doctor.is_empty(), "{step}");
    assert!(stderr.contains(&format!("doctor: {doctor}")), "{stderr}");

    // The same request without expecting the 1020 fails the run: exit 1, expected vs actual.
    let flow = dir.path().join("fails.toml");
    let text = std::fs::read_to_string(root().join("assets/scenarios/tampered.toml"))
        .unwrap()
        .replace(
            "expect = { status = 401, json = { \"$.code\" = 1020 } }",
            "expect = { status = 200 }",
        );
    std::fs::write(&flow, text).unwrap();
    let out = xsign(dir.path(), &["run", flow.to_str().unwrap(), "--mock"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("status: expected 200, got 401"), "{stdout}");
    assert!(stdout.contains("doctor: "), "{stdout}");

    let out = xsign(dir.path(), &["run", "nope.toml", "--mock"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nope.toml"));
}

// The runner on its own, against a mock started here.

/// One key for every test here (generating one takes a while), as PEM: a key is not Clone.
fn key() -> PrivateKey {
    static PEM: OnceLock<String> = OnceLock::new();
    let pem = PEM.get_or_init(|| generate_key(2048).unwrap().to_pkcs1_pem().clone());
    PrivateKey::from_pem(pem, Path::new("test.pem")).unwrap()
}

/// Keeps every entry, to compare what was sent with what was rendered.
#[derive(Default)]
struct Keep(Mutex<Vec<HistoryEntry>>);

impl Recorder for Keep {
    fn record(&self, entry: HistoryEntry) -> Result<HistoryEntry, StoreError> {
        self.0.lock().unwrap().push(entry.clone());
        Ok(entry)
    }
}

fn target(base_url: String, vars: &[(&str, &str)]) -> Target {
    Target {
        base_url,
        credentials: Credentials {
            api_key: "scenario-test-key".into(),
            signer: Some(Arc::new(RsaSigner::new(key())) as Arc<dyn RequestSigner>),
            mode: AuthMode::Timestamp,
        },
        public_key: Some(key().public_key()),
        key_source: "the test key".into(),
        nonce_dir: std::env::temp_dir(),
        headers: Vec::new(),
        timeout: Duration::from_secs(10),
        origin: Origin::default(),
        profile_vars: BTreeMap::new(),
        cli_vars: vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    }
}

async fn mock() -> MockHandle {
    let m = MockServer::start(MockConfig::default(), ([127, 0, 0, 1], 0).into())
        .await
        .unwrap();
    m.register("scenario-test-key", key().public_key());
    m
}

async fn run(toml: &str, target: &Target, recorder: &dyn Recorder) -> RunReport {
    let scenario = Scenario::parse(toml, Path::new("test.toml")).unwrap();
    let client = xsign::http::client().unwrap();
    flow::run(
        &scenario,
        "test.toml",
        target,
        &client,
        recorder,
        Options::default(),
        &mut |_| {},
    )
    .await
}

#[tokio::test]
async fn rendered_bytes_are_the_bytes_signed_and_sent() {
    let m = mock().await;
    let t = target(
        m.base_url(),
        &[("city", "Zürich ☃"), ("tags", r#"["a","日本"]"#)],
    );
    let template = r#"{"name":"{{{{literal}}","city":"{{city}}","domain":"x.example","extra":{"tags":{{tags}}},"ref":"r-{{random_int}}"}"#;
    let toml = format!(
        "[[step]]\nname = \"company\"\nmethod = \"POST\"\nurl = \"/company\"\nbody = '{template}'\nexpect = {{ status = 200 }}\n"
    );
    let keep = Keep::default();
    let report = run(&toml, &t, &keep).await;
    // The mock verified the signature over the bytes it received: a 200 means they agree.
    assert_eq!(
        report.steps[0].outcome,
        Outcome::Passed,
        "{:?}",
        report.steps[0]
    );
    let body = keep.0.lock().unwrap()[0].body.clone();
    let sent = std::str::from_utf8(&body).unwrap();
    let expected_prefix = r#"{"name":"{{literal}}","city":"Zürich ☃","domain":"x.example","extra":{"tags":["a","日本"]},"ref":"r-"#;
    assert!(sent.starts_with(expected_prefix), "{sent}");
    let v: serde_json::Value = serde_json::from_str(sent).unwrap();
    assert_eq!(v["extra"]["tags"][1], "日本");

    // A missing variable is an error naming it and the step, and nothing is sent.
    let keep = Keep::default();
    let report = run(
        "[[step]]\nname = \"lost\"\nmethod = \"GET\"\nurl = \"/company/{{nobody}}\"\n",
        &t,
        &keep,
    )
    .await;
    assert_eq!(report.steps[0].outcome, Outcome::Failed);
    assert!(
        report.steps[0].failures[0].contains("\"nobody\""),
        "{:?}",
        report.steps[0]
    );
    assert!(report.steps[0].failures[0].contains("\"lost\""));
    assert!(keep.0.lock().unwrap().is_empty());
    m.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_failing_assertion_reports_expected_and_actual_and_skip_if_skips() {
    let m = mock().await;
    let t = target(m.base_url(), &[("skip", "yes")]);
    let toml = r#"
[[step]]
name = "assets"
method = "GET"
url = "/assets"
expect = { status = 201, exists = ["$.nothing_here"] }

[[step]]
name = "skipped"
method = "GET"
url = "/assets"
skip_if = "{{skip}}"
"#;
    let report = run(toml, &t, &Keep::default()).await;
    let s = &report.steps[0];
    assert_eq!(s.outcome, Outcome::Failed);
    assert_eq!(s.status, Some(200));
    assert!(
        s.failures
            .contains(&"status: expected 201, got 200".to_string()),
        "{s:?}"
    );
    assert!(
        s.failures
            .iter()
            .any(|f| f.starts_with("$.nothing_here: expected to exist")),
        "{s:?}"
    );
    assert_eq!(report.steps[1].outcome, Outcome::Skipped);
    assert!(!report.passed());
    m.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_feed_wait_with_no_matching_message_times_out() {
    let m = mock().await;
    let t = target(m.base_url(), &[]);
    let toml = r#"
[[step]]
name = "client"
method = "POST"
url = "/coreclient"
body = '{"name":"c"}'
capture = { id = "$.id" }

[[step]]
name = "wait"
kind = "wait_feed"
feed = "/coreclient/{{id}}/feed"
match = { "$.type" = "NeverSent" }
timeout_ms = 300
"#;
    let started = std::time::Instant::now();
    let report = run(toml, &t, &Keep::default()).await;
    let s = &report.steps[1];
    assert_eq!(s.outcome, Outcome::Failed, "{s:?}");
    assert!(
        s.failures[0].contains("no message matched $.type = \"NeverSent\" within 300 ms"),
        "{s:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(5));
    m.shutdown().await.unwrap();
}

/// Answers 503 to the first request and 200 to the rest.
async fn flaky_server() -> (String, Arc<Mutex<u32>>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let count = Arc::new(Mutex::new(0u32));
    let seen = count.clone();
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            let mut buf = vec![0u8; 16 * 1024];
            let _ = sock.read(&mut buf).await;
            let n = {
                let mut c = seen.lock().unwrap();
                *c += 1;
                *c
            };
            let (status, body) = if n == 1 {
                ("503 Service Unavailable", "{}")
            } else {
                ("200 OK", r#"{"ok":true}"#)
            };
            let reply = format!(
                "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = sock.write_all(reply.as_bytes()).await;
        }
    });
    (format!("http://{addr}/api/v1/p"), count)
}

#[tokio::test]
async fn a_retry_succeeds_on_its_second_try() {
    let (base, count) = flaky_server().await;
    let t = target(base, &[]);
    let toml = r#"
[[step]]
name = "flaky"
method = "GET"
url = "/assets"
expect = { status = 200, json = { "$.ok" = true } }
retry = { count = 2, delay_ms = 50 }
"#;
    let report = run(toml, &t, &Keep::default()).await;
    let s = &report.steps[0];
    assert_eq!(s.outcome, Outcome::Passed, "{s:?}");
    assert_eq!(s.attempts, 2);
    assert_eq!(*count.lock().unwrap(), 2);

    // Without a retry the same first answer fails the step.
    let (base, _) = flaky_server().await;
    let report = run(
        &toml.replace("retry = { count = 2, delay_ms = 50 }", ""),
        &target(base, &[]),
        &Keep::default(),
    )
    .await;
    assert_eq!(report.steps[0].outcome, Outcome::Failed);
    assert_eq!(report.steps[0].failures[0], "status: expected 200, got 503");
}
