//! `xsign replay` against the mock: flags override the profile like `send`'s do, and a
//! failure that is not a 1020 shows the API's reason without sending the user to the doctor.

mod cli_support;
mod common;
mod mock_support;

use cli_support::{Sandbox, stderr, stdout};
use mock_support::{API_KEY, start};
use xsign::mock::MockConfig;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replay_flags_override_the_profile_and_a_400_shows_its_reason() {
    let mock = start(MockConfig::default()).await;
    let sb = Sandbox::new();
    let key = sb.root().join("k.pem");
    sb.put_key(&key);
    let apikey = sb.root().join("k.apikey");
    std::fs::write(&apikey, API_KEY).unwrap();
    sb.ok(&["collection", "add", "c/assets", "--url", "/assets"]);
    // A transfer without its required fields: the mock answers 400 with a reason.
    sb.ok(&[
        "collection",
        "add",
        "c/bad-transfer",
        "-X",
        "POST",
        "--url",
        "/company/nope/transfer",
        "--body",
        "{}",
    ]);
    let base = mock.base_url();
    let flags = [
        "--base-url",
        base.as_str(),
        "--key",
        key.to_str().unwrap(),
        "--apikey-file",
        apikey.to_str().unwrap(),
    ];

    let mut args = vec!["replay", "c/assets"];
    args.extend_from_slice(&flags);
    let cmd = tokio::process::Command::from(sb.cmd(&args));
    let out = cmd.output_async().await;
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("BTC"), "{}", stdout(&out));

    let mut args = vec!["replay", "c"];
    args.extend_from_slice(&flags);
    let out = tokio::process::Command::from(sb.cmd(&args))
        .output_async()
        .await;
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    let table = stdout(&out);
    let row = table
        .lines()
        .find(|l| l.starts_with("bad-transfer"))
        .unwrap();
    assert!(row.contains("failed: 4"), "{row}");
    assert!(row.contains('('), "the API's reason is shown: {row}");
    let err = stderr(&out);
    assert!(err.contains("1 of 2 failed"), "{err}");
    assert!(err.contains("xsign history show ID"), "{err}");
    assert!(!err.contains("doctor"), "not a 1020: {err}");
}

/// `output()` on a tokio command, with stdin closed.
trait OutputAsync {
    async fn output_async(self) -> std::process::Output;
}

impl OutputAsync for tokio::process::Command {
    async fn output_async(mut self) -> std::process::Output {
        self.stdin(std::process::Stdio::null())
            .output()
            .await
            .unwrap()
    }
}
