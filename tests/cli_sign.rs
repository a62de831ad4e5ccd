//! `xsign sign`, `keygen` and `verify` through the built binary, as a user or script runs them.

mod cli_support;
mod common;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use cli_support::{API_KEY, Sandbox, stderr, stdout};
use common::{Vector, expected_lines, fixture, vectors};
use std::path::{Path, PathBuf};
use std::process::Command;

fn value_flag(v: &Vector) -> &'static str {
    match v.mode.as_str() {
        "timestamp" => "--timestamp",
        "nonce" => "--nonce",
        other => panic!("unknown mode {other}"),
    }
}

#[test]
fn every_vector_signs_exactly_from_a_body_file() {
    let sb = Sandbox::new().with_reference_files();
    for v in &vectors() {
        let body = sb.work().join("body");
        std::fs::write(&body, v.body.as_bytes()).unwrap();
        let key = fixture(&v.key);
        let out = sb.run(
            &[
                "sign",
                "--url",
                &v.url,
                "--body-file",
                body.to_str().unwrap(),
                value_flag(v),
                &v.value,
                "--key",
                key.to_str().unwrap(),
            ],
            b"",
        );
        assert!(out.status.success(), "{}: {}", v.name, stderr(&out));
        assert_eq!(stdout(&out), expected_lines(v), "{}", v.name);
    }
}

#[test]
fn every_vector_signs_exactly_from_stdin() {
    let sb = Sandbox::new().with_reference_files();
    for v in &vectors() {
        let key = fixture(&v.key);
        let out = sb.run(
            &[
                "sign",
                "--url",
                &v.url,
                value_flag(v),
                &v.value,
                "--key",
                key.to_str().unwrap(),
            ],
            v.body.as_bytes(),
        );
        assert!(out.status.success(), "{}: {}", v.name, stderr(&out));
        assert_eq!(stdout(&out), expected_lines(v), "{}", v.name);
    }
}

#[test]
fn json_output_carries_the_same_values() {
    let sb = Sandbox::new().with_reference_files();
    let v = &vectors()[0];
    let out = sb.run(
        &["sign", "--url", &v.url, "--timestamp", &v.value, "--json"],
        v.body.as_bytes(),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // The history's names: payload_hash, x_sign, auth.mode/auth.value.
    assert_eq!(json["payload_hash"], v.payload_sha256_hex.as_str());
    assert_eq!(json["x_sign"], v.x_sign.as_str());
    assert_eq!(json["auth"]["mode"], "timestamp");
    assert_eq!(json["auth"]["value"], v.value.as_str());
    assert_eq!(json["method"], "POST");
    assert_eq!(json["url"], v.url.as_str());
    assert_eq!(json["headers"]["x-sign"], v.x_sign.as_str());
    assert_eq!(json["headers"]["x-timestamp"], v.value.as_str());
    assert!(
        !stdout(&out).contains(API_KEY),
        "JSON never carries the API key"
    );
}

/// A fake `curl` that records its arguments (NUL-separated) instead of sending anything.
fn fake_curl(dir: &Path) -> PathBuf {
    let bin = dir.join("fakebin");
    std::fs::create_dir_all(&bin).unwrap();
    let script = bin.join("curl");
    let record = dir.join("curl-args");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nprintf '%s\\0' \"$@\" > '{}'\n",
            record.display()
        ),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    bin
}

/// Runs a printed curl command through `sh` with the fake curl first on PATH, and returns
/// the arguments curl would have received.
fn run_printed_curl(sb: &Sandbox, command: &str) -> Vec<Vec<u8>> {
    let bin = fake_curl(&sb.work());
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let status = Command::new("sh")
        .arg("-c")
        .arg(command)
        .current_dir(sb.work())
        .env("PATH", path)
        .status()
        .unwrap();
    assert!(status.success());
    let raw = std::fs::read(sb.work().join("curl-args")).unwrap();
    raw.split(|b| *b == 0)
        .filter(|a| !a.is_empty())
        .map(<[u8]>::to_vec)
        .collect()
}

fn arg_after<'a>(args: &'a [Vec<u8>], flag: &str) -> Vec<&'a [u8]> {
    args.windows(2)
        .filter(|w| w[0] == flag.as_bytes())
        .map(|w| w[1].as_slice())
        .collect()
}

#[cfg(unix)]
#[test]
fn curl_from_stdin_sends_exactly_the_signed_bytes_and_headers() {
    let sb = Sandbox::new().with_reference_files();
    // Every byte a shell could mangle: quotes, $, backslash, tab, CR, newline, a leading @.
    let body = b"@{\"a\":\t\"it's $HOME \\\\ `x`\"}\r\n";
    let url = "https://api.qredo.network/api/v1/p/company/search?query=a&x=[1]";
    let signed = sb.run(
        &["sign", "--url", url, "--timestamp", "1700000000", "--json"],
        body,
    );
    let json: serde_json::Value = serde_json::from_slice(&signed.stdout).unwrap();
    let out = sb.run(
        &["sign", "--url", url, "--timestamp", "1700000000", "--curl"],
        body,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let command = stdout(&out);
    assert!(
        command.contains(
            std::str::from_utf8(&body[..])
                .unwrap()
                .replace('\'', "'\\''")
                .as_str()
        ),
        "the printed command holds the body bytes: {command}"
    );

    let args = run_printed_curl(&sb, &command);
    assert_eq!(arg_after(&args, "-X"), vec![b"POST".as_slice()]);
    assert!(args.iter().any(|a| a == url.as_bytes()), "exact URL");
    assert_eq!(arg_after(&args, "--data-raw"), vec![body.as_slice()]);
    let headers = arg_after(&args, "-H");
    let x_sign = format!("x-sign: {}", json["x_sign"].as_str().unwrap());
    for want in [
        &format!("x-api-key: {API_KEY}"),
        "x-timestamp: 1700000000",
        x_sign.as_str(),
        "Content-Type: application/json",
    ] {
        assert!(headers.contains(&want.as_bytes()), "missing header {want}");
    }
}

#[cfg(unix)]
#[test]
fn curl_from_a_body_file_uses_data_binary_and_get_has_no_body() {
    let sb = Sandbox::new().with_reference_files();
    let v = &vectors()[0];
    std::fs::write(sb.work().join("body.json"), &v.body).unwrap();
    let out = sb.run(
        &[
            "sign",
            "--url",
            &v.url,
            "--body-file",
            "body.json",
            "--timestamp",
            &v.value,
            "--curl",
        ],
        b"",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let args = run_printed_curl(&sb, &stdout(&out));
    assert_eq!(
        arg_after(&args, "--data-binary"),
        vec![b"@body.json".as_slice()]
    );
    let sign_header = format!("x-sign: {}", v.x_sign);
    assert!(arg_after(&args, "-H").contains(&sign_header.as_bytes()));

    let get = sb.run(&["sign", "--url", &v.url, "--nonce", "7", "--curl"], b"");
    assert!(get.status.success(), "{}", stderr(&get));
    let args = run_printed_curl(&sb, &stdout(&get));
    assert_eq!(arg_after(&args, "-X"), vec![b"GET".as_slice()]);
    assert!(arg_after(&args, "-H").contains(&b"x-nonce: 7".as_slice()));
    assert!(arg_after(&args, "--data-raw").is_empty());
    assert!(arg_after(&args, "--data-binary").is_empty());
    assert!(!arg_after(&args, "-H").contains(&b"Content-Type: application/json".as_slice()));
}

#[test]
fn without_an_apikey_file_sign_still_signs_but_curl_needs_one() {
    let sb = Sandbox::new().with_reference_files();
    std::fs::remove_file(sb.work().join("apikey")).unwrap();
    let v = &vectors()[0];
    let plain = sb.run(
        &["sign", "--url", &v.url, "--timestamp", &v.value],
        v.body.as_bytes(),
    );
    assert!(plain.status.success(), "{}", stderr(&plain));
    assert_eq!(stdout(&plain), expected_lines(v));

    let curl = sb.run(
        &["sign", "--url", &v.url, "--timestamp", &v.value, "--curl"],
        v.body.as_bytes(),
    );
    assert_eq!(curl.status.code(), Some(1));
    assert_eq!(
        stdout(&curl),
        expected_lines(v),
        "the signature is still printed"
    );
    assert!(
        stderr(&curl).contains("--curl needs the API key"),
        "{}",
        stderr(&curl)
    );
    assert!(stderr(&curl).contains("--api-key-file"));
}

#[test]
fn stderr_notes_a_trailing_newline_and_a_tab_but_signs_the_bytes_as_given() {
    let sb = Sandbox::new().with_reference_files();
    let tabs = vectors()
        .into_iter()
        .find(|v| v.name == "pretty-with-tabs")
        .unwrap();
    let out = sb.run(
        &["sign", "--url", &tabs.url, "--timestamp", &tabs.value],
        tabs.body.as_bytes(),
    );
    assert_eq!(stdout(&out), expected_lines(&tabs));
    let err = stderr(&out);
    assert!(err.contains("tab"), "{err}");
    assert!(err.contains("\\t"), "the note shows where, escaped: {err}");

    let crlf = vectors()
        .into_iter()
        .find(|v| v.name == "pretty-with-spaces-crlf-trailing-newline")
        .unwrap();
    let out = sb.run(
        &["sign", "--url", &crlf.url, "--timestamp", &crlf.value],
        crlf.body.as_bytes(),
    );
    assert_eq!(stdout(&out), expected_lines(&crlf));
    let err = stderr(&out);
    assert!(err.contains("newline"), "{err}");

    let clean = &vectors()[0];
    let out = sb.run(&["sign", "--url", &clean.url], clean.body.as_bytes());
    assert!(out.status.success());
    assert_eq!(stderr(&out), "", "a compact body signed now draws no notes");

    // A fixed timestamp long past is signed, with a note that the server will refuse it.
    let out = sb.run(
        &["sign", "--url", &clean.url, "--timestamp", &clean.value],
        clean.body.as_bytes(),
    );
    assert_eq!(stdout(&out), expected_lines(clean));
    assert!(stderr(&out).contains("days old"), "{}", stderr(&out));
}

#[test]
fn a_url_the_http_library_rewrites_is_signed_as_typed_with_the_wire_form_suggested() {
    let sb = Sandbox::new().with_reference_files();
    let typed = "https://api.qredo.network/api/v1/p/company/search?query=ACME Corp";
    let out = sb.run(&["sign", "--url", typed, "--timestamp", "1700000003"], b"");
    assert!(out.status.success());
    let err = stderr(&out);
    assert!(err.contains("space encoded"), "{err}");
    assert!(
        err.contains("--url 'https://api.qredo.network/api/v1/p/company/search?query=ACME%20Corp'"),
        "{err}"
    );
    // Signing the suggested form reproduces the shared vector for that URL.
    let v = vectors()
        .into_iter()
        .find(|v| v.name == "query-string")
        .unwrap();
    let out = sb.run(&["sign", "--url", &v.url, "--timestamp", &v.value], b"");
    assert_eq!(stdout(&out), expected_lines(&v));
    assert!(!stderr(&out).contains("space encoded"));
}

#[test]
fn nonces_are_taken_in_order_and_a_given_one_is_recorded() {
    let sb = Sandbox::new().with_reference_files();
    let url = "https://api.qredo.network/api/v1/p/assets";
    let take = |sb: &Sandbox| -> u64 {
        let out = sb.run(&["sign", "--url", url, "--nonce", "--json"], b"");
        assert!(out.status.success(), "{}", stderr(&out));
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        json["auth"]["value"].as_str().unwrap().parse().unwrap()
    };
    let a = take(&sb);
    let b = take(&sb);
    assert!(b > a);

    let far = (b + 1_000_000).to_string();
    let given = sb.run(&["sign", "--url", url, "--nonce", &far], b"");
    assert!(
        given
            .stdout
            .ends_with(format!("x-nonce: {far}\n").as_bytes())
    );
    assert_eq!(
        take(&sb),
        b + 1_000_001,
        "the next one is above the given one"
    );

    let stale = sb.run(&["sign", "--url", url, "--nonce", "1"], b"");
    assert!(stale.status.success());
    assert!(stderr(&stale).contains("not above"), "{}", stderr(&stale));
}

#[test]
fn usage_errors_exit_2_and_failures_exit_1() {
    let sb = Sandbox::new().with_reference_files();
    let out = sb.run(&["sign"], b"");
    assert_eq!(out.status.code(), Some(2), "missing --url");
    let out = sb.run(
        &[
            "sign",
            "--url",
            "https://a/b",
            "--timestamp",
            "1",
            "--nonce",
            "2",
        ],
        b"",
    );
    assert_eq!(out.status.code(), Some(2), "--timestamp with --nonce");
    let out = sb.run(&["sign", "--url", "/company/search"], b"");
    assert_eq!(
        out.status.code(),
        Some(1),
        "a relative URL cannot be signed"
    );
    assert!(
        stderr(&out).contains("start it with https://"),
        "{}",
        stderr(&out)
    );
    assert!(out.stdout.is_empty());
    let out = sb.run(&["keygen", "--bits", "1024"], b"");
    assert_eq!(out.status.code(), Some(2), "unsupported size");

    let out = sb.run(
        &["sign", "--url", "https://a/b", "--key", "missing.pem"],
        b"",
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("xsign keygen"), "{}", stderr(&out));

    for cmd in ["sign", "keygen", "verify"] {
        let out = sb.run(&[cmd, "--help"], b"");
        assert!(out.status.success(), "{cmd} --help");
        assert!(stdout(&out).contains("Usage: xsign"), "{cmd} --help");
    }
}

#[test]
fn verify_accepts_a_match_and_rejects_a_mismatch() {
    let sb = Sandbox::new();
    std::fs::copy(
        fixture("test-rsa2048.pub.pem"),
        sb.work().join("public.pem"),
    )
    .unwrap();
    let v = &vectors()[0];
    std::fs::write(sb.work().join("body.json"), &v.body).unwrap();
    let base = [
        "verify",
        "--url",
        &v.url,
        "--timestamp",
        &v.value,
        "--sign",
        &v.x_sign,
    ];

    let ok = sb.run(&[&base[..], &["--body-file", "body.json"]].concat(), b"");
    assert_eq!(ok.status.code(), Some(0), "{}", stderr(&ok));
    assert!(stdout(&ok).starts_with("ok:"), "{}", stdout(&ok));

    let piped = sb.run(
        &[&base[..], &["--body-file", "-"]].concat(),
        v.body.as_bytes(),
    );
    assert_eq!(piped.status.code(), Some(0), "{}", stderr(&piped));

    std::fs::write(sb.work().join("body.json"), format!("{}\n", v.body)).unwrap();
    let bad = sb.run(&[&base[..], &["--body-file", "body.json"]].concat(), b"");
    assert_eq!(bad.status.code(), Some(6));
    assert!(stdout(&bad).contains("does not match"), "{}", stdout(&bad));

    let padded = format!("{}=", v.x_sign.replace('-', "+"));
    let alphabet = sb.run(
        &[
            "verify",
            "--url",
            &v.url,
            "--timestamp",
            &v.value,
            "--sign",
            &padded,
        ],
        b"",
    );
    assert_eq!(alphabet.status.code(), Some(6));
    assert!(
        stdout(&alphabet).contains("base64url"),
        "{}",
        stdout(&alphabet)
    );

    let usage = sb.run(&["verify", "--url", &v.url, "--sign", &v.x_sign], b"");
    assert_eq!(usage.status.code(), Some(2), "no --timestamp or --nonce");
}

fn openssl_available() -> bool {
    Command::new("openssl")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn keygen_writes_a_key_pair_openssl_accepts_and_never_overwrites_silently() {
    let sb = Sandbox::new();
    let out = sb.run(&["keygen", "--out", "keys"], b"");
    assert!(out.status.success(), "{}", stderr(&out));
    let dir = sb.work().join("keys");
    let private = dir.join("private.pem");
    let public = dir.join("public.pem");
    let private_pem = std::fs::read_to_string(&private).unwrap();
    let public_pem = std::fs::read_to_string(&public).unwrap();
    assert!(private_pem.starts_with("-----BEGIN RSA PRIVATE KEY-----\n"));
    assert!(public_pem.starts_with("-----BEGIN PUBLIC KEY-----\n"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&private).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let key = xsign::signing::PublicKey::from_file(&public).unwrap();
    assert_eq!(key.info().bits, 2048);
    let printed = stdout(&out);
    assert!(
        printed.contains(&public_pem),
        "prints the public PEM to paste"
    );
    assert!(
        printed.contains(&key.info().fingerprint),
        "prints the fingerprint"
    );

    // No overwrite without --force; the files stay byte for byte.
    let again = sb.run(&["keygen", "--out", "keys"], b"");
    assert_eq!(again.status.code(), Some(1));
    assert!(stderr(&again).contains("--force"), "{}", stderr(&again));
    assert_eq!(std::fs::read_to_string(&private).unwrap(), private_pem);

    if openssl_available() {
        let check = Command::new("openssl")
            .args(["pkey", "-check", "-noout", "-in"])
            .arg(&private)
            .output()
            .unwrap();
        assert!(
            check.status.success(),
            "{}",
            String::from_utf8_lossy(&check.stderr)
        );

        // A signature from `xsign sign` verifies with `openssl dgst`.
        let body = b"{\"name\":\"ACME Corp\"}\n";
        let url = "https://api.qredo.network/api/v1/p/company";
        let signed = sb.run(
            &[
                "sign",
                "--url",
                url,
                "--timestamp",
                "1639490495",
                "--key",
                "keys/private.pem",
                "--json",
            ],
            body,
        );
        assert!(signed.status.success(), "{}", stderr(&signed));
        let json: serde_json::Value = serde_json::from_slice(&signed.stdout).unwrap();
        let raw = URL_SAFE_NO_PAD
            .decode(json["x_sign"].as_str().unwrap())
            .unwrap();
        std::fs::write(sb.work().join("sig.bin"), raw).unwrap();
        let mut payload = format!("1639490495{url}").into_bytes();
        payload.extend_from_slice(body);
        std::fs::write(sb.work().join("payload.bin"), &payload).unwrap();
        let verify = Command::new("openssl")
            .args(["dgst", "-sha256", "-verify"])
            .arg(&public)
            .args(["-signature", "sig.bin", "payload.bin"])
            .current_dir(sb.work())
            .output()
            .unwrap();
        assert!(
            verify.status.success(),
            "{}",
            String::from_utf8_lossy(&verify.stderr)
        );
        assert!(String::from_utf8_lossy(&verify.stdout).contains("Verified OK"));
    }

    // --force replaces the pair and keeps the old files aside.
    let forced = sb.run(&["keygen", "--out", "keys", "--force"], b"");
    assert!(forced.status.success(), "{}", stderr(&forced));
    assert_ne!(std::fs::read_to_string(&private).unwrap(), private_pem);
    let kept: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("private.pem.replaced-"))
        .collect();
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert_eq!(
        std::fs::read_to_string(dir.join(&kept[0])).unwrap(),
        private_pem
    );
}

#[cfg(unix)]
#[test]
fn curl_signs_and_sends_the_url_as_it_goes_on_the_wire() {
    let sb = Sandbox::new().with_reference_files();
    // The shared vector is over the wire form (%20); the user types a space.
    let v = vectors()
        .into_iter()
        .find(|v| v.name == "query-string")
        .unwrap();
    let typed = v.url.replace("%20", " ");
    let out = sb.run(
        &["sign", "--url", &typed, "--timestamp", &v.value, "--curl"],
        b"",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("the curl command sends that form"), "{err}");
    assert!(err.contains(&format!("on wire: {}", v.url)), "{err}");
    assert!(
        !err.contains("to sign the URL as sent"),
        "no advice to re-sign: --curl already did: {err}"
    );
    let args = run_printed_curl(&sb, &stdout(&out));
    assert!(args.iter().any(|a| a == v.url.as_bytes()), "wire URL");
    assert!(
        !args.iter().any(|a| a == typed.as_bytes()),
        "not the typed one"
    );
    let sign_header = format!("x-sign: {}", v.x_sign);
    assert!(
        arg_after(&args, "-H").contains(&sign_header.as_bytes()),
        "signed over the wire URL"
    );

    // Without --curl the URL is signed as typed, as the reference client does.
    let plain = sb.run(&["sign", "--url", &typed, "--timestamp", &v.value], b"");
    assert!(plain.status.success());
    assert!(!stdout(&plain).contains(&v.x_sign));
    let json = sb.run(
        &["sign", "--url", &typed, "--timestamp", &v.value, "--json"],
        b"",
    );
    let json: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(json["url"], typed.as_str());
    assert_eq!(json["wire_url"], v.url.as_str());
}

/// Qredo API v1 vectors, computed by openssl and Python (tests/vectors/gen_qredo_v1.sh).
fn qredo_vectors() -> Vec<[String; 7]> {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/qredo-v1.tsv"),
    )
    .unwrap()
    .lines()
    .map(|l| {
        let f: Vec<String> = l.split('\t').map(str::to_string).collect();
        f.try_into().unwrap()
    })
    .collect()
}

#[test]
fn qredo_v1_signs_every_vector_as_openssl_does() {
    use std::os::unix::fs::PermissionsExt;
    let sb = Sandbox::new();
    for [name, secret, ts, method, url, body64, sig] in qredo_vectors() {
        let body = base64::engine::general_purpose::STANDARD
            .decode(&body64)
            .unwrap();
        let secret_file = sb.work().join("secret");
        std::fs::write(&secret_file, format!("{secret}\n")).unwrap();
        std::fs::set_permissions(&secret_file, std::fs::Permissions::from_mode(0o600)).unwrap();
        let body_file = sb.work().join("body");
        std::fs::write(&body_file, &body).unwrap();
        let args = [
            "sign",
            "--scheme",
            "qredo-v1",
            "-X",
            &method,
            "--url",
            &url,
            "--timestamp",
            &ts,
            "--secret-file",
            secret_file.to_str().unwrap(),
            "--body-file",
            body_file.to_str().unwrap(),
        ];
        let out = sb.run(&args, b"");
        assert!(out.status.success(), "{name}: {}", stderr(&out));
        let text = stdout(&out);
        assert!(
            text.contains(&format!("qredo-api-sig: {sig}\n")),
            "{name}: {text}"
        );
        assert!(
            text.contains(&format!("qredo-api-ts: {ts}\n")),
            "{name}: {text}"
        );
        assert!(!stderr(&out).contains("readable by other"), "{name}");
        let mut json_args = args.to_vec();
        json_args.push("--json");
        let out = sb.run(&json_args, b"");
        let j: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
        assert_eq!(j["x_sign"], sig.as_str(), "{name}");
        assert_eq!(j["scheme"], "qredo-v1");
        assert_eq!(j["headers"]["qredo-api-sig"], sig.as_str());
        // And openssl, run now, agrees (the stored vectors came from it too).
        if openssl_available() {
            let key = base64::engine::general_purpose::URL_SAFE
                .decode(&secret)
                .unwrap();
            let mut msg = format!("{ts}{method}{url}").into_bytes();
            msg.extend_from_slice(&body);
            let mut child = Command::new("openssl")
                .args(["dgst", "-sha256", "-mac", "HMAC", "-macopt"])
                .arg(format!("hexkey:{}", hex_of(&key)))
                .arg("-binary")
                .stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::piped())
                .spawn()
                .unwrap();
            use std::io::Write as _;
            child.stdin.take().unwrap().write_all(&msg).unwrap();
            let mac = child.wait_with_output().unwrap().stdout;
            assert_eq!(URL_SAFE_NO_PAD.encode(mac), sig, "{name}: openssl");
        }
    }
}

fn hex_of(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

#[test]
fn qredo_v1_secret_files_are_checked() {
    use std::os::unix::fs::PermissionsExt;
    let sb = Sandbox::new();
    let secret_file = sb.work().join("secret");
    let base = [
        "sign",
        "--scheme",
        "qredo-v1",
        "-X",
        "GET",
        "--url",
        "https://api.qredo.network/qapi/v1/balance",
        "--secret-file",
        secret_file.to_str().unwrap(),
    ];
    let out = sb.run(&base, b"");
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("no API secret file"),
        "{}",
        stderr(&out)
    );
    std::fs::write(
        &secret_file,
        "q+/8AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
    )
    .unwrap();
    let out = sb.run(&base, b"");
    assert!(stderr(&out).contains("standard base64"), "{}", stderr(&out));
    std::fs::write(
        &secret_file,
        "q-_8AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
    )
    .unwrap();
    std::fs::set_permissions(&secret_file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = sb.run(&base, b"");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("chmod 600"), "{}", stderr(&out));
    assert!(
        !stdout(&out).contains("q-_8"),
        "the secret is never printed"
    );
}

/// The lint per scheme from the CLI: a qredo-v1 signature with a millisecond timestamp
/// for a Partner API URL is still printed, with both slips named on stderr.
#[test]
fn qredo_v1_sign_names_a_millisecond_timestamp_and_the_partner_api_url() {
    use std::os::unix::fs::PermissionsExt;
    let sb = Sandbox::new();
    let secret_file = sb.work().join("secret");
    std::fs::write(&secret_file, "ab-_cd-_efghijklmnopqrstuvwxyz0123456789\n").unwrap();
    std::fs::set_permissions(&secret_file, std::fs::Permissions::from_mode(0o600)).unwrap();
    let args = [
        "sign",
        "--scheme",
        "qredo-v1",
        "-X",
        "GET",
        "--url",
        "https://api.qredo.network/api/v1/p/assets",
        "--timestamp",
        "1700000000000",
        "--secret-file",
        secret_file.to_str().unwrap(),
    ];
    let out = sb.run(&args, b"");
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("1700000000000 is in milliseconds") && err.contains("--timestamp 1700000000"),
        "{err}"
    );
    assert!(
        err.contains("signed with qredo-v1") && err.contains("the URL is the Partner API"),
        "{err}"
    );
    assert!(
        !err.contains("in the future"),
        "one finding for the unit: {err}"
    );
}
