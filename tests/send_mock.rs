//! `xsign send` and the `http` edge against the embedded mock, over loopback.

mod common;
mod send_common;

use send_common::{API_KEY, Env, fixture_key};
use std::sync::Arc;
use std::time::Duration;
use xsign::http::{self, Credentials, RequestSpec, build_ticket};
use xsign::signing::{AuthMode, AuthValue, RsaSigner, generate_key, now_unix};

const COMPANY: &[u8] = br#"{"name":"ACME Corp","city":"Paris","country":"FR","domain":"","ref":"9827feec-4eae-4e80-bda3-daa7c3b97add"}"#;

fn creds(mode: AuthMode) -> Credentials {
    Credentials {
        api_key: API_KEY.into(),
        signer: Some(Arc::new(RsaSigner::new(fixture_key()))),
        mode,
    }
}

#[test]
fn library_send_gets_200_and_the_server_date() {
    let env = Env::start();
    let spec = RequestSpec::new(
        reqwest::Method::GET,
        format!("{}/assets", env.base_url()),
        vec![],
    );
    let ticket = build_ticket(
        &spec,
        &creds(AuthMode::Timestamp),
        AuthValue::Timestamp(now_unix()),
    )
    .unwrap();
    let resp = env.rt.block_on(async {
        http::send(&http::client().unwrap(), &ticket, Duration::from_secs(10)).await
    });
    let resp = resp.unwrap();
    assert_eq!(resp.status, 200, "{}", String::from_utf8_lossy(&resp.body));
    assert!(resp.is_success());
    assert!(resp.json().is_some());
    let date = resp.remote_date.expect("the mock sends a Date header");
    assert!((date - now_unix()).abs() < 5);
}

#[test]
fn send_get_prints_status_time_size_then_pretty_json() {
    let env = Env::start();
    let run = env.send(&["GET", "/assets"]);
    assert_eq!(run.code, 0, "{run:?}");
    let status = run
        .stderr
        .lines()
        .find(|l| l.starts_with("HTTP/"))
        .expect("a status line");
    assert!(status.starts_with("HTTP/1.1 200 OK  "), "{status}");
    assert!(
        status.contains(" ms  ") && status.ends_with(" B"),
        "{status}"
    );
    assert!(
        run.stdout.starts_with("{\n  \"") || run.stdout.starts_with("[\n  "),
        "{run:?}"
    );
    serde_json::from_str::<serde_json::Value>(&run.stdout).unwrap();
}

#[test]
fn send_post_creates_state_that_a_later_get_reads() {
    let env = Env::start();
    let body = env.write("company.json", COMPANY);
    let run = env.send(&[
        "POST",
        "/company",
        "--body-file",
        body.to_str().unwrap(),
        "--raw",
    ]);
    assert_eq!(run.code, 0, "{run:?}");
    let created: serde_json::Value = serde_json::from_str(run.stdout.trim()).unwrap();
    let id = created["company_id"]
        .as_str()
        .expect("company_id")
        .to_string();
    let run = env.xsign(&["send", "get", &format!("{}/company/{id}", env.base_url())]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains("\"ACME Corp\""), "{run:?}");
}

#[test]
fn send_with_nonces_twice_both_pass() {
    let env = Env::start();
    for _ in 0..2 {
        let run = env.send(&["GET", "/assets", "--nonce"]);
        assert_eq!(run.code, 0, "{run:?}");
    }
    assert!(env.mock().last_nonce(API_KEY).is_some());
}

#[test]
fn verbose_shows_headers_with_the_api_key_masked() {
    let env = Env::start();
    let run = env.send(&["GET", "/assets", "-v"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stderr.contains("> x-api-key: ****6789"), "{run:?}");
    assert!(
        !run.stderr.contains(API_KEY) && !run.stdout.contains(API_KEY),
        "{run:?}"
    );
    assert!(run.stderr.contains("> x-sign: "), "{run:?}");
    assert!(run.stderr.contains("> x-timestamp: "), "{run:?}");
    assert!(run.stderr.to_lowercase().contains("< date: "), "{run:?}");
}

#[test]
fn a_rewritten_url_is_signed_as_sent_and_both_forms_are_printed() {
    let env = Env::start();
    let addr = env.mock().addr();
    let typed = format!("HTTP://{addr}/api/v1/p/company/search?query=ACME Corp#top");
    let run = env.xsign(&["send", "GET", &typed]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stderr.contains(&format!("typed:   {typed}")), "{run:?}");
    assert!(
        run.stderr.contains(&format!(
            "on wire: http://{addr}/api/v1/p/company/search?query=ACME%20Corp"
        )),
        "{run:?}"
    );
}

#[test]
fn body_from_stdin_is_sent_byte_exact() {
    let env = Env::start();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_xsign"))
        .args([
            "send",
            "POST",
            "/company",
            "--body-file",
            "-",
            "--base-url",
            &env.base_url(),
        ])
        .current_dir(env.dir.path())
        .env("XSIGN_DATA_DIR", env.path("data"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    // A trailing newline and a tab: signed and sent as they are, so the mock accepts them.
    child
        .stdin
        .take()
        .unwrap()
        .write_all(
            b"{\n\t\"name\": \"Tab Co\",\n\t\"city\": \"Paris\",\n\t\"country\": \"FR\"\n}\n",
        )
        .unwrap();
    let out = send_common::Run::from(child.wait_with_output().unwrap());
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stderr.contains("note:"),
        "the body notes are shown: {out:?}"
    );
    // The mock judges as the server does and accepted it: the tab note says what the guide
    // reports, not that this request is refused (issue 9 #24).
    assert!(out.stderr.contains("tab"), "{out:?}");
    assert!(out.stderr.contains("exactly as signed"), "{out:?}");
    assert!(!out.stderr.contains("known to answer 1020"), "{out:?}");
}

#[test]
fn a_1020_runs_the_doctor_which_names_the_other_registered_key() {
    let other = generate_key(2048).unwrap();
    let env = Env::start_with(Default::default(), Some(other.public_key()));
    let run = env.send(&["GET", "/assets"]);
    assert_eq!(run.code, 6, "{run:?}");
    assert!(run.stderr.contains("HTTP/1.1 401 Unauthorized"), "{run:?}");
    assert!(run.stdout.contains("\"errPartnerAuth\""), "{run:?}");
    assert!(
        run.stderr
            .contains("doctor: cause found: The server holds another public key for this API key"),
        "{run:?}"
    );
    assert!(
        run.stderr
            .contains("✓ ok: The x-sign verifies locally over exactly the bytes sent"),
        "{run:?}"
    );
}

#[test]
fn a_1020_for_an_unknown_api_key_is_explained() {
    let env = Env::start_with(Default::default(), None);
    let run = env.send(&["GET", "/assets"]);
    assert_eq!(run.code, 6, "{run:?}");
    assert!(
        run.stderr.contains("The server does not know this API key"),
        "{run:?}"
    );
}

#[test]
fn non_2xx_exits_non_zero_without_a_doctor_when_not_1020() {
    let env = Env::start();
    let run = env.send(&["GET", "/company/nope"]);
    assert_eq!(run.code, 4, "{run:?}");
    assert!(run.stderr.contains(" 404 Not Found"), "{run:?}");
    assert!(!run.stderr.contains("doctor:"), "{run:?}");
}

#[test]
fn a_profile_supplies_base_url_keys_mode_and_headers() {
    use xsign::store::{ApiKeySource, Config, Profile};
    let env = Env::start();
    let mut p = Profile::new("local", env.base_url());
    p.api_key = ApiKeySource::File(env.path("apikey"));
    p.key_path = env.path("private.pem");
    p.auth_mode = AuthMode::Nonce;
    p.headers = vec![("x-trace".into(), "profile".into())];
    let mut config = Config::default();
    config.upsert_profile(p);
    env.write(
        "config/config.json",
        serde_json::to_string(&config).unwrap().as_bytes(),
    );

    // From another directory, so nothing comes from the reference client's defaults.
    let run = env.xsign(&["--profile", "local", "send", "GET", "/assets", "-v"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stderr.contains("> x-nonce: "), "{run:?}");
    assert!(run.stderr.contains("> x-trace: profile"), "{run:?}");
    assert!(env.mock().last_nonce(API_KEY).is_some());

    // Flags override the profile.
    let closed = closed_port();
    let base = format!("http://127.0.0.1:{closed}/api/v1/p");
    let run = env.xsign(&[
        "--profile",
        "local",
        "send",
        "GET",
        "/assets",
        "--base-url",
        &base,
    ]);
    assert_eq!(run.code, 3, "{run:?}");
    assert!(
        run.stderr
            .contains(&format!("connection refused by 127.0.0.1:{closed}")),
        "{run:?}"
    );

    let run = env.xsign(&["--profile", "nope", "send", "GET", "/assets"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("no profile named `nope`"), "{run:?}");
}

#[test]
fn every_send_is_recorded_in_the_history_without_the_api_key() {
    let env = Env::start();
    let body = env.write("company.json", COMPANY);
    let run = env.send(&["POST", "/company", "-d", body.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{run:?}");
    let url = format!("http://127.0.0.1:{}/api/v1/p/assets", closed_port());
    let run = env.xsign(&["send", "GET", &url]);
    assert_eq!(run.code, 3, "{run:?}");

    let history = env.history();
    let entries = history.recent(10).unwrap();
    assert_eq!(entries.len(), 2);
    let (failed, sent) = (&entries[0], &entries[1]);
    assert_eq!(sent.method, "POST");
    assert_eq!(sent.body, COMPANY);
    assert_eq!(sent.status(), Some(200));
    assert!(sent.x_sign.is_some() && sent.payload_hash.is_some() && sent.auth.is_some());
    assert!(
        failed
            .error
            .as_deref()
            .unwrap()
            .contains("connection refused")
    );
    let stored = std::fs::read_dir(history.dir())
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap_or_default())
        .collect::<String>();
    assert!(
        !stored.contains(API_KEY),
        "the API key is never stored in clear"
    );
}

/// A loopback port nothing listens on (bound, then released).
fn closed_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A body over 64 KiB is sent whole but kept in the history by its start, length and hash:
/// `history show` says so and `replay --history` refuses rather than send a cut body.
#[test]
fn a_large_body_is_sent_whole_and_kept_in_part() {
    let env = Env::start();
    let big = vec![b' '; 2 * 1024 * 1024];
    let file = env.write("big.json", &big);
    let run = env.send(&[
        "POST",
        "/company",
        "--body-file",
        file.to_str().unwrap(),
        "--max-body",
        "4MiB",
    ]);
    // The mock refuses more than 1 MiB: that it answered 413 shows the whole body went.
    assert!(run.stderr.contains("413"), "{run:?}");
    let entry = &env.history().recent(1).unwrap()[0];
    assert_eq!(entry.sent_body_len(), 2 * 1024 * 1024);
    assert!(entry.body_cut());
    let id = entry.id.to_string();
    let show = env.xsign(&["history", "show", &id]);
    assert!(
        show.stdout
            .contains("body:      2097152 bytes, the first 65536 kept (sha256 "),
        "{show:?}"
    );
    let replay = env.xsign(&["replay", "--history", &id]);
    assert_ne!(replay.code, 0, "{replay:?}");
    assert!(
        replay.stderr.contains("kept only the first 65536 bytes"),
        "{replay:?}"
    );
}
