//! A reader that stops early (`xsign … | head -c 1`) is not a failure: every command that
//! prints exits quietly (no "failed printing to stdout" panic, exit 0) when stdout is closed.

mod cli_support;
mod common;

use cli_support::Sandbox;
use std::process::{Command, Stdio};

/// Runs `cmd` with its stdout's read end closed before it prints anything; returns its
/// exit code and stderr.
fn with_stdout_closed(mut cmd: Command) -> (Option<i32>, String) {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn assert_quiet(what: &str, (code, err): (Option<i32>, String)) {
    assert!(!err.contains("panicked"), "{what} panicked: {err}");
    assert_ne!(code, Some(101), "{what}: {err}");
    assert_eq!(
        code,
        Some(0),
        "{what} exits quietly on a closed stdout: {err}"
    );
    assert!(!err.contains("Broken pipe"), "{what}: {err}");
}

#[test]
fn every_printing_command_exits_quietly_on_a_closed_stdout() {
    let sb = Sandbox::new().with_reference_files();
    // Nothing listens on port 1: replay prints each request's failure on stdout.
    sb.ok(&[
        "profile",
        "add",
        "dead",
        "--base-url",
        "http://127.0.0.1:1/api/v1/p",
    ]);
    sb.ok(&["collection", "add", "c/r", "--url", "/assets"]);
    let flow = sb.root().join("flow.toml");
    std::fs::write(
        &flow,
        "name = \"f\"\n[[step]]\nname = \"assets\"\nmethod = \"GET\"\nurl = \"/assets\"\n",
    )
    .unwrap();
    let flow = flow.to_str().unwrap();
    for args in [
        &["profile", "list"][..],
        &["keys"],
        &["collection", "list"],
        &["collection", "show", "c/r"],
        &[
            "import",
            "curl",
            "curl",
            "https://api.qredo.network/api/v1/p/assets",
        ],
        &["--profile", "dead", "replay", "c"],
        &["run", flow, "--profile", "dead"],
        &["run", flow, "--profile", "dead", "--json"],
    ] {
        assert_quiet(&format!("xsign {args:?}"), with_stdout_closed(sb.cmd(args)));
    }
}

#[test]
fn the_mock_exits_quietly_when_its_banner_has_no_reader() {
    let sb = Sandbox::new();
    let pubkey = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/test-rsa2048.pub.pem"
    );
    let cmd = sb.cmd(&[
        "mock",
        "--addr",
        "127.0.0.1:0",
        "--pubkey",
        pubkey,
        "--apikey",
        "k",
    ]);
    assert_quiet("xsign mock", with_stdout_closed(cmd));
}
