//! `xsign proxy` as a user runs it (the built binary, its banner and log, `xsign history`
//! and `doctor --history` afterwards), and `xsign demo --proxy`'s proxy in front of the demo.

mod cli_support;
mod common;

use cli_support::{API_KEY, Sandbox, stderr};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, BufReader};
use xsign::mock::MockConfig;
use xsign::store::History;

/// Reads stderr until a line holds `needle`; returns what was read.
async fn read_until(
    lines: &mut tokio::io::Lines<BufReader<tokio::process::ChildStderr>>,
    needle: &str,
) -> String {
    let mut log = String::new();
    let found = tokio::time::timeout(Duration::from_secs(20), async {
        while let Ok(Some(line)) = lines.next_line().await {
            log.push_str(&line);
            log.push('\n');
            if line.contains(needle) {
                return true;
            }
        }
        false
    })
    .await;
    assert!(
        matches!(found, Ok(true)),
        "no line with {needle:?} in:\n{log}"
    );
    log
}

#[test]
fn the_binary_signs_for_an_unsigned_client_and_records_it() {
    let rt = common::mock_runtime();
    let mock = common::start_mock(&rt, MockConfig::default());
    mock.register(API_KEY, common::fixture_key().public_key());
    let sb = Sandbox::new().with_reference_files();
    let base = mock.base_url();
    let (log, status) = rt.block_on(async {
        let mut cmd = tokio::process::Command::from(sb.cmd(&[
            "proxy",
            "--listen",
            "127.0.0.1:0",
            "--base-url",
            &base,
            "-v",
        ]));
        common::piped(&mut cmd);
        let mut child = cmd.spawn().unwrap();
        let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
        let banner = read_until(&mut lines, "xsign proxy: http://").await;
        let url = banner
            .split_whitespace()
            .find(|w| w.starts_with("http://127.0.0.1:"))
            .unwrap()
            .to_string();
        let http = reqwest::Client::builder().no_proxy().build().unwrap();
        let r = http
            .post(format!("{url}/company"))
            .header("x-api-key", "the client's own")
            .body(r#"{"name":"ACME Corp","city":"Paris","country":"FR","domain":"acme.com"}"#)
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        let body: serde_json::Value = serde_json::from_slice(&r.bytes().await.unwrap()).unwrap();
        assert!(body["company_id"].is_string(), "{body}");
        let mut log = read_until(&mut lines, "replaced the client's x-api-key").await;
        let r = http.get(format!("{url}/assets")).send().await.unwrap();
        assert_eq!(r.status(), 200);
        log.push_str(&read_until(&mut lines, "GET /assets → 200").await);
        child.kill().await.unwrap();
        (log, status)
    });
    assert_eq!(status, 200);
    assert!(log.contains("POST /company → 200"), "{log}");
    assert!(log.contains("history #1"), "{log}");
    let history = sb.ok(&["history"]);
    assert!(history.contains("/api/v1/p/company"), "{history}");
    assert!(history.contains("/api/v1/p/assets"), "{history}");
    let mine = sb.ok(&["history", "--filter", "proxy"]);
    assert_eq!(
        mine.lines().filter(|l| l.contains("/api/v1/p/")).count(),
        2,
        "both recorded with source proxy: {mine}"
    );
}

#[test]
fn a_non_loopback_address_needs_allow_remote() {
    let sb = Sandbox::new().with_reference_files();
    let out = sb.run(&["proxy", "--listen", "0.0.0.0:0"], b"");
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("--allow-remote"), "{}", stderr(&out));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demos_proxy_answers_curl_with_a_signed_200() {
    let sb = Sandbox::new();
    let dir = sb.root().join("data").join("demo");
    std::fs::create_dir_all(&dir).unwrap();
    common::install_fixture_key(&dir.join("private.pem"));
    let demo = xsign::cli::demo::start_at(&dir, SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .unwrap();
    let history = sb.root().join("data").join("history");
    let proxy = xsign::cli::demo::start_proxy(&demo, Arc::new(History::new(&history, 100)))
        .await
        .unwrap();
    let r = reqwest::Client::builder()
        .no_proxy()
        .build()
        .unwrap()
        .get(format!("{}/assets", proxy.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("BTC"));
    // The proxy records in its own task, which may finish just after the client has the
    // answer: wait for it (bounded) rather than race it.
    let mut recorded = Vec::new();
    for _ in 0..100 {
        recorded = History::new(&history, 100).recent(5).unwrap();
        if !recorded.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(recorded[0].source.as_deref(), Some("proxy"));
    assert_eq!(recorded[0].profile, "demo");
}
