//! `xsign sign` and `xsign listen` with profiles: the selected profile (`--profile`,
//! `XSIGN_PROFILE`, or the config's default) gives the base URL, keys and auth mode; flags
//! override it; with no profile anywhere the reference client's defaults are unchanged.

mod cli_support;
mod common;

use cli_support::{API_KEY, Sandbox, fails_with, line_value, stderr, stdout};
use common::{expected_lines, fixture, vector};
use std::path::PathBuf;

const BASE: &str = "https://api.qredo.network/api/v1/p";

/// A profile `vec` whose key and API key live outside the working directory, so that
/// only the profile can find them.
fn with_profile(sb: &Sandbox, extra: &[&str]) -> (PathBuf, PathBuf) {
    let keys = sb.root().join("keys");
    std::fs::create_dir_all(&keys).unwrap();
    let key = keys.join("signing.pem");
    sb.put_key(&key);
    let apikey = keys.join("apikey.txt");
    std::fs::write(&apikey, format!("{API_KEY}\n")).unwrap();
    let mut args = vec![
        "profile",
        "add",
        "vec",
        "--base-url",
        BASE,
        "--api-key-file",
        apikey.to_str().unwrap(),
        "--key",
        key.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    sb.ok(&args);
    (key, apikey)
}

#[test]
fn the_default_profile_signs_a_relative_url_with_its_own_key() {
    let sb = Sandbox::new();
    with_profile(&sb, &["--default"]);
    let v = vector("seed-post-company");
    assert_eq!(v.url, format!("{BASE}/company"));
    let out = sb.run(
        &["sign", "--url", "/company", "--timestamp", &v.value],
        v.body.as_bytes(),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), expected_lines(&v));
    let err = stderr(&out);
    assert!(
        err.contains(&format!(
            "signing {BASE}/company (/company under the base URL of profile `vec`)"
        )),
        "the joined URL is shown: {err}"
    );

    // An absolute URL is signed as given, whatever the profile's base URL.
    let out = sb.run(
        &["sign", "--url", &v.url, "--timestamp", &v.value],
        v.body.as_bytes(),
    );
    assert_eq!(stdout(&out), expected_lines(&v));
    assert!(
        !stderr(&out).contains("under the base URL"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn xsign_profile_and_the_profile_flag_select_without_a_default() {
    let sb = Sandbox::new();
    with_profile(&sb, &[]);
    let v = vector("seed-post-company");
    let args = ["sign", "--url", "/company", "--timestamp", v.value.as_str()];

    // No default and no selection: the reference client's defaults, so a relative URL is
    // refused, with the ways out.
    let out = sb.run(&args, v.body.as_bytes());
    let err = fails_with(&out, 1, "is not a full URL");
    assert!(err.contains("--profile NAME"), "{err}");
    assert!(err.contains("--base-url URL"), "{err}");

    let mut cmd = sb.cmd(&args);
    cmd.env("XSIGN_PROFILE", "vec");
    let out = sb.run_cmd(cmd, v.body.as_bytes());
    assert_eq!(stdout(&out), expected_lines(&v), "{}", stderr(&out));

    let mut flagged = vec!["--profile", "vec"];
    flagged.extend_from_slice(&args);
    let out = sb.run(&flagged, v.body.as_bytes());
    assert_eq!(stdout(&out), expected_lines(&v), "{}", stderr(&out));

    // The flag wins over the environment.
    let mut cmd = sb.cmd(&flagged);
    cmd.env("XSIGN_PROFILE", "no-such-profile");
    let out = sb.run_cmd(cmd, v.body.as_bytes());
    assert_eq!(stdout(&out), expected_lines(&v), "{}", stderr(&out));
}

#[test]
fn flags_override_the_profile_field_by_field() {
    let sb = Sandbox::new();
    with_profile(&sb, &["--default"]);
    // --key: the 4096-bit vector, same URL and body, another key.
    let v = vector("rsa4096");
    let key = fixture("test-rsa4096.pkcs1.pem");
    let out = sb.run(
        &[
            "sign",
            "--url",
            "/company",
            "--timestamp",
            &v.value,
            "--key",
            key.to_str().unwrap(),
        ],
        v.body.as_bytes(),
    );
    assert_eq!(stdout(&out), expected_lines(&v), "{}", stderr(&out));

    // --base-url: the relative URL goes under it instead.
    let q = vector("query-string");
    let out = sb.run(
        &[
            "sign",
            "--url",
            "/search?query=ACME%20Corp",
            "--base-url",
            "https://api.qredo.network/api/v1/p/company",
            "--timestamp",
            &q.value,
        ],
        b"",
    );
    assert_eq!(stdout(&out), expected_lines(&q), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("under --base-url"),
        "{}",
        stderr(&out)
    );

    // --apikey-file: a missing one is named as the flag's file, not the profile's.
    let out = sb.run(
        &[
            "sign",
            "--url",
            "/assets",
            "--apikey-file",
            "nope.txt",
            "--curl",
        ],
        b"",
    );
    let err = fails_with(&out, 1, "nope.txt");
    assert!(err.contains("--api-key-file"), "{err}");
}

#[test]
fn a_nonce_profile_signs_with_nonces_unless_told_otherwise() {
    let sb = Sandbox::new();
    with_profile(&sb, &["--default", "--mode", "nonce"]);
    let v = vector("nonce-mode");
    let path = v.url.strip_prefix(BASE).unwrap();
    let out = sb.run(
        &["sign", "--url", path, "--nonce", &v.value],
        v.body.as_bytes(),
    );
    assert_eq!(stdout(&out), expected_lines(&v), "{}", stderr(&out));

    // No flag: the profile's mode, the next nonce for its API key (above the one given).
    let out = sb.run(&["sign", "--url", "/assets"], b"");
    assert!(out.status.success(), "{}", stderr(&out));
    let nonce: u64 = line_value(&stdout(&out), "x-nonce").parse().unwrap();
    assert!(nonce > v.value.parse::<u64>().unwrap());

    // --timestamp overrides the mode.
    let out = sb.run(
        &["sign", "--url", "/assets", "--timestamp", "1700000000"],
        b"",
    );
    assert_eq!(line_value(&stdout(&out), "x-timestamp"), "1700000000");
}

#[test]
fn the_reference_defaults_hold_when_no_profile_is_selected() {
    let sb = Sandbox::new().with_reference_files();
    // A profile exists but is not the default: nothing changes for the reference layout.
    with_profile(&sb, &[]);
    let v = vector("seed-post-company");
    let out = sb.run(
        &["sign", "--url", &v.url, "--timestamp", &v.value],
        v.body.as_bytes(),
    );
    assert_eq!(stdout(&out), expected_lines(&v), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        !err.contains("profile") && !err.contains("signing http"),
        "nothing about profiles for the reference client's case: {err}"
    );
    let out = sb.run(&["sign", "--url", &v.url, "--curl"], v.body.as_bytes());
    assert!(
        stdout(&out).contains(&format!("x-api-key: {API_KEY}")),
        "./apikey, trimmed: {}",
        stdout(&out)
    );
}

#[test]
fn profile_problems_name_the_fix() {
    let sb = Sandbox::new();
    let (key, apikey) = with_profile(&sb, &["--default"]);

    // play signs nothing by default: say how to sign anyway.
    let out = sb.run(&["--profile", "play", "sign", "--url", "/assets"], b"");
    let err = fails_with(&out, 1, "signing off");
    assert!(err.contains("--key FILE"), "{err}");
    let out = sb.run(
        &[
            "--profile",
            "play",
            "sign",
            "--url",
            "/assets",
            "--key",
            key.to_str().unwrap(),
        ],
        b"",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("https://play-api.qredo.network/api/v1/p/assets"));

    // An unknown profile lists the known ones.
    let mut cmd = sb.cmd(&["sign", "--url", "/assets"]);
    cmd.env("XSIGN_PROFILE", "staging");
    let out = sb.run_cmd(cmd, b"");
    let err = fails_with(&out, 1, "no profile named `staging`");
    assert!(
        err.contains("production, play, sandbox, demo, qredo-v1, qredo-v1-sandbox, qredo-v2, qredo-v1-demo, qredo-v2-demo, vec"),
        "{err}"
    );
    assert!(err.contains("xsign profile add staging"), "{err}");

    // The API key is only needed where it is used.
    std::fs::remove_file(&apikey).unwrap();
    let out = sb.run(&["sign", "--url", "/assets"], b"");
    assert!(out.status.success(), "{}", stderr(&out));
    let out = sb.run(&["sign", "--url", "/assets", "--curl"], b"");
    let err = fails_with(&out, 1, "profile `vec` reads its API key from");
    assert!(err.contains("--api-key-file FILE"), "{err}");
    let out = sb.run(&["sign", "--url", "/assets", "--nonce"], b"");
    let err = fails_with(&out, 1, "a nonce needs the API key");
    assert!(err.contains("profile `vec`"), "{err}");

    std::fs::remove_file(&key).unwrap();
    let out = sb.run(&["sign", "--url", "/assets"], b"");
    let err = fails_with(&out, 1, "profile `vec` signs with");
    assert!(err.contains("xsign keygen"), "{err}");
    assert!(out.stdout.is_empty());
}

#[test]
fn curl_carries_the_profile_headers() {
    let sb = Sandbox::new();
    with_profile(&sb, &["--default", "-H", "X-Team: ops"]);
    let out = sb.run(&["sign", "--url", "/assets", "--curl"], b"");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("-H 'X-Team: ops'"),
        "{}",
        stdout(&out)
    );
    assert!(
        stdout(&out).contains(&format!("{BASE}/assets")),
        "{}",
        stdout(&out)
    );
}
