//! Replay against the embedded mock, through the real binary: five saved requests replayed
//! with one command, every byte as typed; `--as-signed` resends the recorded x-sign.

mod common;

use common::{fixture, fixture_key, install_fixture_key, mock_runtime, start_mock};
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use xsign::mock::{MockConfig, MockHandle, Verdict};
use xsign::store::{CollectionStore, History};

const API_KEY: &str = "replay-test-api-key-0001";

struct Setup {
    tmp: tempfile::TempDir,
    rt: tokio::runtime::Runtime,
    mock: MockHandle,
}

impl Setup {
    /// A mock that knows the fixture key, and a default profile `mock` pointing at it.
    fn new(mode: &str) -> Setup {
        let tmp = tempfile::tempdir().unwrap();
        let rt = mock_runtime();
        let mock = start_mock(&rt, MockConfig::default());
        mock.register(API_KEY, fixture_key().public_key());
        let s = Setup { tmp, rt, mock };
        std::fs::create_dir_all(s.work()).unwrap();
        install_fixture_key(&s.work().join("private.pem"));
        std::fs::write(s.work().join("apikey"), format!("{API_KEY}\n")).unwrap();
        let base = s.mock.base_url();
        ok(&s.run(&[
            "profile",
            "add",
            "mock",
            "--base-url",
            &base,
            "--api-key-file",
            "apikey",
            "--key",
            "private.pem",
            "--mode",
            mode,
            "--default",
        ]));
        s
    }

    fn work(&self) -> PathBuf {
        self.tmp.path().join("work")
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_xsign"))
            .args(args)
            .current_dir(self.work())
            .env("XSIGN_CONFIG_DIR", self.tmp.path().join("config"))
            .env("XSIGN_DATA_DIR", self.tmp.path().join("data"))
            .env_remove("XSIGN_PROFILE")
            .stdin(Stdio::null())
            .output()
            .unwrap()
    }

    fn history(&self) -> History {
        History::new(self.tmp.path().join("data/history"), 1000)
    }
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "exit {:?}\nstdout: {}\nstderr: {}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn drain(rx: &mut tokio::sync::broadcast::Receiver<std::sync::Arc<Verdict>>) -> Vec<Verdict> {
    let mut v = Vec::new();
    while let Ok(x) = rx.try_recv() {
        v.push((*x).clone());
    }
    v
}

/// Five requests as a user would type them: tabs, CRLF, unicode, trailing newlines, a query.
fn five() -> Vec<(&'static str, &'static str, &'static str, Vec<u8>)> {
    vec![
        ("assets", "GET", "/assets", Vec::new()),
        (
            "tabbed company",
            "POST",
            "/company",
            b"{\n\t\"name\": \"Tab Corp\",\n\t\"ref\": \"ref-tab\"\n}\n".to_vec(),
        ),
        (
            "crlf company",
            "POST",
            "/company",
            b"{\r\n  \"name\": \"CRLF Ltd\",\r\n  \"ref\": \"ref-crlf\"\r\n}\r\n".to_vec(),
        ),
        (
            "unicode company",
            "POST",
            "/company",
            "{\"name\":\"Soci\u{e9}t\u{e9} \u{1F3E6} \u{4E2D}\u{6587}\",\"city\":\"Z\u{fc}rich\",\"ref\":\"ref-uni\"}"
                .as_bytes()
                .to_vec(),
        ),
        ("search", "GET", "/company/search?query=Corp", Vec::new()),
    ]
}

#[test]
fn five_saved_requests_replay_with_one_command_byte_for_byte() {
    let s = Setup::new("timestamp");
    for (i, (name, method, url, body)) in five().iter().enumerate() {
        let f = s.work().join(format!("body{i}"));
        std::fs::write(&f, body).unwrap();
        ok(&s.run(&[
            "collection",
            "add",
            &format!("daily/{name}"),
            "-X",
            method,
            "--url",
            url,
            "--body-file",
            f.to_str().unwrap(),
        ]));
    }
    // Reopened from disk by a new process: the table, every request ok.
    let mut verdicts = s.mock.verdicts();
    let out = s.run(&["replay", "daily"]);
    let table = ok(&out);
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 6, "{table}");
    for (name, ..) in five() {
        let row = lines.iter().find(|l| l.starts_with(name)).unwrap();
        assert!(row.contains(" ok"), "{row}");
    }
    // The server saw exactly the saved bytes, in order, and accepted every signature.
    let seen = drain(&mut verdicts);
    assert_eq!(seen.len(), 5);
    for (v, (name, method, url, body)) in seen.iter().zip(five()) {
        assert!(v.is_ok(), "{name}: {:?}", v.failure);
        assert_eq!(v.method, method);
        let payload = v.payload.as_ref().unwrap();
        assert_eq!(payload.body_part(), &body[..], "{name}");
        assert_eq!(
            v.url.as_deref(),
            Some(format!("{}{url}", s.mock.base_url()).as_str())
        );
    }
    // History holds each send with its exact bytes, and no API key in clear.
    let recent = s.history().recent(10).unwrap();
    assert_eq!(recent.len(), 5);
    for (e, (name, _, _, body)) in recent.iter().rev().zip(five()) {
        assert_eq!(e.source.as_deref(), Some(format!("daily/{name}").as_str()));
        assert_eq!(e.body, body);
        assert!(e.x_sign.is_some() && e.payload_hash.is_some());
        assert!(
            matches!(e.status(), Some(200..=299)),
            "{name}: {:?}",
            e.status()
        );
    }
    for f in std::fs::read_dir(s.history().dir()).unwrap() {
        let text = std::fs::read_to_string(f.unwrap().path()).unwrap_or_default();
        assert!(!text.contains(API_KEY));
    }
    // One request by name.
    let out = s.run(&["replay", "daily/assets"]);
    ok(&out);
    assert!(String::from_utf8_lossy(&out.stderr).contains("200"));
    drop(s.rt);
}

#[test]
fn re_signed_replays_pass_and_as_signed_reproduces_the_x_sign() {
    let s = Setup::new("nonce");
    ok(&s.run(&["collection", "add", "c/assets", "--url", "/assets"]));
    let mut verdicts = s.mock.verdicts();
    // Nonce mode: each replay takes a fresh nonce, so both pass.
    ok(&s.run(&["replay", "c/assets"]));
    ok(&s.run(&["replay", "c/assets"]));
    let first = s.history().recent(2).unwrap();
    assert_ne!(first[0].x_sign, first[1].x_sign);
    assert!(drain(&mut verdicts).iter().all(Verdict::is_ok));

    // As signed: the recorded headers and bytes, unchanged. The nonce is used, so the
    // server refuses it, and says so: the reproduction of a failure.
    let recorded = first[0].clone();
    let out = s.run(&["replay", "c/assets", "--as-signed"]);
    assert_eq!(
        out.status.code(),
        Some(6),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("will be refused"), "{stderr}");
    let seen = drain(&mut verdicts);
    assert_eq!(seen.len(), 1);
    assert_eq!(
        seen[0].x_sign, recorded.x_sign,
        "the exact recorded x-sign was sent"
    );
    assert!(!seen[0].is_ok());
    let again = s.history().recent(1).unwrap().remove(0);
    assert_eq!(again.x_sign, recorded.x_sign);
    assert_eq!(again.auth, recorded.auth);
    assert_eq!(again.body, recorded.body);

    // And by history id, the same.
    let id = recorded.id.to_string();
    let out = s.run(&["replay", "--history", &id, "--as-signed"]);
    assert_eq!(out.status.code(), Some(6));
    assert_eq!(drain(&mut verdicts)[0].x_sign, recorded.x_sign);
    // Without --as-signed, the history entry is re-signed and passes.
    ok(&s.run(&["replay", "--history", &id]));
    assert!(drain(&mut verdicts)[0].is_ok());
}

#[test]
fn a_1020_is_reproduced_as_signed_and_the_table_fails() {
    let s = Setup::new("timestamp");
    // A profile whose key the mock does not know: every send is a 1020.
    let other = s.work().join("other.pem");
    std::fs::copy(fixture("test-rsa4096.pkcs1.pem"), &other).unwrap();
    ok(&s.run(&[
        "profile",
        "add",
        "wrongkey",
        "--from",
        "mock",
        "--key",
        other.to_str().unwrap(),
    ]));
    ok(&s.run(&["collection", "add", "c/assets", "--url", "/assets"]));
    ok(&s.run(&[
        "collection",
        "add",
        "c/search",
        "--url",
        "/company/search?query=x",
    ]));
    let out = s.run(&["--profile", "wrongkey", "replay", "c"]);
    assert_eq!(out.status.code(), Some(6));
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(table.contains("1020"), "{table}");
    let failed = s.history().recent(1).unwrap().remove(0);
    assert_eq!(failed.status(), Some(401));

    let mut verdicts = s.mock.verdicts();
    let out = s.run(&["--profile", "wrongkey", "replay", "c/search", "--as-signed"]);
    assert_eq!(out.status.code(), Some(6));
    let seen = drain(&mut verdicts);
    assert_eq!(seen[0].x_sign, failed.x_sign);
    assert_eq!(
        seen[0].payload.as_ref().unwrap().hash_hex(),
        failed.payload_hash.clone().unwrap()
    );
    // The collection itself is untouched by replays.
    let c = CollectionStore::new(s.tmp.path().join("config/collections"))
        .load("c")
        .unwrap()
        .value;
    assert_eq!(c.requests.len(), 2);
}

#[test]
fn xsign_send_records_history() {
    let s = Setup::new("timestamp");
    let body = b"{\n\t\"name\": \"Sent Co\",\r\n\"ref\": \"ref-send\"}\n";
    std::fs::write(s.work().join("b.json"), body).unwrap();
    let base = s.mock.base_url();
    ok(&s.run(&[
        "send",
        "POST",
        "/company",
        "--base-url",
        &base,
        "--body-file",
        "b.json",
    ]));
    let refused = s.run(&["send", "GET", "http://127.0.0.1:9/api/v1/p/assets"]);
    assert_eq!(refused.status.code(), Some(3));
    let recent = s.history().recent(10).unwrap();
    assert_eq!(recent.len(), 2);
    assert!(recent[0].error.as_deref().unwrap().contains("refused"));
    let sent = &recent[1];
    assert_eq!(sent.body, &body[..]);
    assert_eq!(sent.url, format!("{base}/company"));
    assert!(matches!(sent.status(), Some(200..=299)));
    assert!(sent.x_sign.is_some());
    // The same entry, re-signed, replays through the mock by its id.
    let id = sent.id.to_string();
    let out = s.run(&["replay", "--history", &id]);
    // The ref is taken now: the mock answers 409, which the exit code reports.
    assert_eq!(out.status.code(), Some(4));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("409"), "{stderr}");
}

#[test]
fn uuid_in_a_saved_body_is_rendered_afresh_for_each_replay_and_signed_as_sent() {
    let s = Setup::new("timestamp");
    let template = "{\"name\":\"ACME {{random_int}}\",\"city\":\"Paris\",\"country\":\"FR\",\"domain\":\"\",\"ref\":\"{{uuid}}\"}";
    let f = s.work().join("company.json");
    std::fs::write(&f, template).unwrap();
    ok(&s.run(&[
        "collection",
        "add",
        "c/company",
        "-X",
        "POST",
        "--url",
        "/company",
        "--body-file",
        f.to_str().unwrap(),
    ]));
    let mut verdicts = s.mock.verdicts();
    ok(&s.run(&["replay", "c/company"]));
    ok(&s.run(&["replay", "c/company"]));
    let recent = s.history().recent(2).unwrap();
    assert_eq!(recent.len(), 2);
    let bodies: Vec<String> = recent
        .iter()
        .map(|e| String::from_utf8(e.body.to_vec()).unwrap())
        .collect();
    assert_ne!(bodies[0], bodies[1], "two replays, two rendered bodies");
    for (e, body) in recent.iter().zip(&bodies) {
        assert_eq!(e.status(), Some(200), "{body}");
        assert!(!body.contains("{{"), "{body}");
        let v: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(v["ref"].as_str().unwrap().len(), 36, "{body}");
    }
    // The server verified a signature over the rendered bytes, the ones recorded.
    let seen = drain(&mut verdicts);
    assert_eq!(seen.len(), 2);
    for (v, body) in seen.iter().rev().zip(&bodies) {
        assert!(v.is_ok(), "{:?}", v.failure);
        assert_eq!(v.payload.as_ref().unwrap().body_part(), body.as_bytes());
    }
    drop(s.rt);
}

#[test]
fn a_missing_variable_is_named_and_nothing_is_sent_until_var_gives_it() {
    let s = Setup::new("timestamp");
    ok(&s.run(&[
        "collection",
        "add",
        "c/fund",
        "--url",
        "/company/{{company}}/fund",
    ]));
    let out = s.run(&["replay", "c/fund"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("`c/fund`"), "{err}");
    assert!(err.contains("--var company=VALUE"), "{err}");
    assert!(s.history().recent(10).unwrap().is_empty());

    s.run(&["replay", "c/fund", "--var", "company=nope"]);
    let recent = s.history().recent(10).unwrap();
    assert_eq!(recent.len(), 1);
    assert_eq!(
        recent[0].url,
        format!("{}/company/nope/fund", s.mock.base_url())
    );
    drop(s.rt);
}

#[test]
fn the_catalogs_post_company_replays_twice_without_a_conflict() {
    let s = Setup::new("timestamp");
    ok(&s.run(&[
        "collection",
        "new",
        "starter",
        "--from-catalog",
        "--only",
        "post company",
    ]));
    for _ in 0..2 {
        ok(&s.run(&["replay", "starter/POST /company"]));
    }
    let recent = s.history().recent(2).unwrap();
    assert_eq!(recent.len(), 2);
    assert!(recent.iter().all(|e| e.status() == Some(200)));
    assert_ne!(recent[0].body, recent[1].body, "a fresh ref each time");
    drop(s.rt);
}
