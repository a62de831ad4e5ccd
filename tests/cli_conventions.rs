//! The CLI's conventions (issue 15 §3): shell completions and manual pages, exit codes a
//! script can tell apart, `--json` with one field name per fact, one spelling per flag,
//! and plain `xsign` without a terminal. Offline: the mock runs on 127.0.0.1:0.

mod cli_support;
mod common;
mod send_common;

use cli_support::{Sandbox, stderr, stdout};
use send_common::Env;
use std::io::{Read, Write};

/// A loopback server that answers every request `503 Service Unavailable` (the mock has no
/// route that fails so), until the test ends.
fn always_503() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for mut conn in listener.incoming().flatten() {
            let mut buf = [0u8; 4096];
            let _ = conn.read(&mut buf);
            let body = br#"{"code":503,"msg":"errUnavailable"}"#;
            let _ = write!(
                conn,
                "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                body.len()
            );
            let _ = conn.write_all(body);
        }
    });
    format!("http://127.0.0.1:{port}/api/v1/p")
}

/// A port nothing listens on.
fn closed_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[test]
fn bash_sources_the_completion_script_and_knows_xsign() {
    let sb = Sandbox::new();
    let script = sb.ok(&["completions", "bash"]);
    assert!(script.contains("_xsign"), "{script}");
    for shell in ["zsh", "fish", "powershell"] {
        let s = sb.ok(&["completions", shell]);
        assert!(
            s.contains("xsign") && s.contains("body-file"),
            "{shell}: {s}"
        );
    }
    let bad = sb.run(&["completions", "tcsh"], b"");
    assert_eq!(bad.status.code(), Some(2), "{}", stderr(&bad));

    // CI has bash; a machine without it skips only this half.
    let Ok(bash) = std::process::Command::new("bash").arg("--version").output() else {
        eprintln!("no bash here: the sourcing check is skipped");
        return;
    };
    assert!(bash.status.success());
    let path = sb.root().join("xsign.bash");
    std::fs::write(&path, &script).unwrap();
    let out = std::process::Command::new("bash")
        .arg("-c")
        .arg(format!("source {}; complete -p xsign", path.display()))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("_xsign xsign"), "{}", stdout(&out));
}

#[test]
fn man_prints_one_page_or_writes_one_per_command() {
    let sb = Sandbox::new();
    let page = sb.ok(&["man"]);
    assert!(
        page.starts_with(".ie") || page.contains(".TH xsign 1"),
        "{page}"
    );
    assert!(page.contains(".SH NAME") && page.contains("send"), "{page}");

    let dir = sb.root().join("man1");
    let listed = sb.ok(&["man", "--dir", dir.to_str().unwrap()]);
    for name in ["xsign.1", "xsign-send.1", "xsign-collection-show.1"] {
        let p = dir.join(name);
        assert!(listed.contains(p.to_str().unwrap()), "{listed}");
        let text = std::fs::read_to_string(&p).unwrap();
        assert!(text.contains(".SH SYNOPSIS"), "{name}: {text}");
    }
    let send = std::fs::read_to_string(dir.join("xsign-send.1")).unwrap();
    assert!(send.contains("body\\-file"), "{send}");
}

#[test]
fn send_exit_codes_tell_the_outcomes_apart() {
    let env = Env::start();
    assert_eq!(env.send(&["GET", "/assets"]).code, 0);
    let missing = env.send(&["POST", "/company", "-d", "nope.json"]);
    assert_eq!(missing.code, 1, "{missing:?}");
    assert_eq!(env.send(&["GET", "/assets", "--no-such-flag"]).code, 2);
    let not_found = env.send(&["GET", "/company/nope"]);
    assert_eq!(not_found.code, 4, "{not_found:?}");
    let closed = format!("http://127.0.0.1:{}/api/v1/p/assets", closed_port());
    let network = env.xsign(&["send", "GET", &closed]);
    assert_eq!(network.code, 3, "{network:?}");
    assert!(network.stderr.contains("connection refused"), "{network:?}");
    let unavailable = env.xsign(&["send", "GET", &format!("{}/assets", always_503())]);
    assert_eq!(unavailable.code, 5, "{unavailable:?}");

    // Another key than the registered one: 1020, the signature refused.
    let other = env.path("other.pem");
    std::fs::copy(common::fixture("test-rsa4096.pkcs1.pem"), &other).unwrap();
    common::restrict(&other);
    let refused = env.send(&["GET", "/assets", "--key", other.to_str().unwrap()]);
    assert_eq!(refused.code, 6, "{refused:?}");
    assert!(refused.stderr.contains("doctor"), "{refused:?}");

    // The doctor on that entry and verify on a wrong x-sign say the same: 6.
    let id = env.history().recent(1).unwrap()[0].id.to_string();
    let doctor = env.xsign(&["doctor", "--history", &id]);
    assert_eq!(doctor.code, 6, "{doctor:?}");
    let pubkey = env.path("public.pem");
    std::fs::write(&pubkey, common::fixture_key().public_key().to_pem()).unwrap();
    let args = [
        "verify",
        "--pubkey",
        "public.pem",
        "--url",
        "https://a.test/x",
        "--timestamp",
        "1",
    ];
    let wrong = env.xsign(&[&args[..], &["--sign", "AAAA"]].concat());
    assert_eq!(wrong.code, 6, "{wrong:?}");
}

#[test]
fn replay_exits_with_the_first_failures_code() {
    let env = Env::start();
    let base = env.base_url();
    let unavailable = always_503();
    let add = |name: &str, url: &str| {
        let run = env.xsign(&["collection", "add", name, "--url", url]);
        assert_eq!(run.code, 0, "{run:?}");
    };
    add("c/assets", &format!("{base}/assets"));
    add("c/missing", &format!("{base}/company/nope"));
    add("c/down", &format!("{unavailable}/assets"));
    let flags = ["--key", "private.pem", "--apikey-file", "apikey"];
    let replay = |target: &str| env.xsign(&[&["replay", target][..], &flags].concat());
    assert_eq!(replay("c/assets").code, 0);
    assert_eq!(replay("c/missing").code, 4);
    assert_eq!(replay("c/down").code, 5);
    let all = replay("c");
    assert_eq!(all.code, 4, "the first failure, c/missing: {all:?}");
}

#[test]
fn help_documents_every_exit_code() {
    let help = Sandbox::new().ok(&["--help"]);
    for line in [
        "0    ok",
        "2    usage",
        "3    network error or timeout",
        "4    the server answered 4xx",
        "5    the server answered 5xx",
        "6    signature refused",
    ] {
        assert!(help.contains(line), "{line:?} not in {help}");
    }
}

#[test]
fn without_a_terminal_the_workbench_says_what_to_run_instead() {
    let sb = Sandbox::new();
    for args in [&[][..], &["demo"][..]] {
        let out = sb
            .cmd(args)
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap();
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains("needs a terminal"), "{err}");
        assert!(
            err.contains("xsign --help") && err.contains("xsign send"),
            "{err}"
        );
        assert!(!err.contains("os error"), "{err}");
    }
    // The demo did not start anything on the way.
    assert!(!sb.root().join("data").join("demo").exists());
}

#[test]
fn one_spelling_per_flag_in_help_and_the_old_ones_still_parse() {
    let sb = Sandbox::new().with_reference_files();
    // --help shows only the new spelling.
    for (cmd, new, old) in [
        (&["send"][..], "--api-key-file", "--apikey"),
        (&["sign"][..], "--api-key-file", "--apikey"),
        (&["replay"][..], "--api-key-file", "--apikey"),
        (&["doctor"][..], "--api-key-file", "--apikey"),
        (&["doctor"][..], "--api-key <KEY>", "--apikey"),
        (&["doctor"][..], "--skew <SECS>", "--skew-window"),
        (&["mock"][..], "--api-key <KEY>", "--apikey"),
        (&["mock"][..], "--qredo-api-key-file", "--qredo-apikey-file"),
        (
            &["collection", "import"][..],
            "--collection <COLLECTION>",
            "--name",
        ),
        (&["sign"][..], "-d, --body-file", "\n      --body-file"),
        (&["verify"][..], "-d, --body-file", "\n      --body-file"),
        (&["doctor"][..], "-d, --body-file", "\n      --body-file"),
        (
            &["collection", "add"][..],
            "-d, --body-file",
            "\n      --body-file",
        ),
        (&["send"][..], "--nonce [<N>]", "--nonce\n"),
        (&["listen"][..], "--nonce [<N>]", "--nonce\n"),
        (&["proxy"][..], "--nonce [<N>]", "--nonce\n"),
    ] {
        let help = sb.ok(&[cmd, &["--help"]].concat());
        assert!(help.contains(new), "{cmd:?}: {new} not in {help}");
        assert!(!help.contains(old), "{cmd:?}: {old:?} still in {help}");
    }

    // The old spellings parse.
    let url = "https://api.qredo.network/api/v1/p/assets";
    let signed = sb.ok(&[
        "sign",
        "--url",
        url,
        "--apikey-file",
        "apikey",
        "--nonce",
        "7",
    ]);
    assert!(signed.contains("x-nonce: 7"), "{signed}");
    let ts = xsign::signing::now_unix().to_string();
    std::fs::write(sb.work().join("clean.apikey"), cli_support::API_KEY).unwrap();
    std::fs::write(sb.work().join("body.json"), b"{\"a\":1}").unwrap();
    let signed = sb.ok(&["sign", "--url", url, "-d", "body.json", "--timestamp", &ts]);
    let x_sign = cli_support::line_value(&signed, "x-sign");
    let doctor = |extra: &[&str], stdin: &[u8]| {
        let base = [
            "doctor",
            "--url",
            url,
            "--timestamp",
            &ts,
            "--sign",
            &x_sign,
        ];
        sb.run(&[&base[..], extra].concat(), stdin)
    };
    for old in [
        &["--apikey", "k", "--skew-window", "60"][..],
        &["--apikey-file", "clean.apikey"][..],
    ] {
        let out = doctor(&[old, &["-d", "body.json"]].concat(), b"");
        assert_eq!(out.status.code(), Some(0), "{old:?}: {}", stderr(&out));
    }
    // `doctor --body-file -` reads the signed body from stdin: the same bytes pass, others fail.
    assert_eq!(doctor(&["-d", "-"], b"{\"a\":1}").status.code(), Some(0));
    let changed = doctor(&["-d", "-"], b"{\"a\":1}\n");
    assert_eq!(changed.status.code(), Some(6), "{}", stdout(&changed));
    let both = doctor(&["-d", "-", "--sent-body-file", "-"], b"");
    cli_support::fails_with(
        &both,
        1,
        "only one of --body-file, --sent-body-file and --curl",
    );

    sb.ok(&["collection", "add", "c/r", "--url", "/assets"]);
    let file = sb.root().join("c.json");
    sb.ok(&["collection", "export", "c", "-o", file.to_str().unwrap()]);
    sb.ok(&[
        "collection",
        "import",
        file.to_str().unwrap(),
        "--name",
        "old",
    ]);
    sb.ok(&["collection", "import", file.to_str().unwrap(), "-c", "new"]);
    let list = sb.ok(&["collection", "list"]);
    assert!(list.contains("old") && list.contains("new"), "{list}");
}

#[test]
fn send_takes_the_nonce_given() {
    let env = Env::start();
    let run = env.send(&["GET", "/assets", "--nonce", "424242"]);
    assert_eq!(run.code, 0, "{run:?}");
    let entry = &env.history().recent(1).unwrap()[0];
    assert_eq!(entry.auth.as_ref().unwrap().value, "424242");
    // The next one taken is above it; one not above the last is sent, with a note.
    assert_eq!(env.send(&["GET", "/assets", "--nonce"]).code, 0);
    let next: u64 = env.history().recent(1).unwrap()[0]
        .auth
        .as_ref()
        .unwrap()
        .value
        .parse()
        .unwrap();
    assert!(next > 424242, "{next}");
    let stale = env.send(&["GET", "/assets", "--nonce", "5"]);
    assert!(
        stale
            .stderr
            .contains(&format!("nonce 5 is not above {next}")),
        "{stale:?}"
    );
    assert_eq!(stale.code, 6, "{stale:?}");
}

/// One JSON value per line of `out`, each parsed.
fn json_lines(out: &str) -> Vec<serde_json::Value> {
    out.lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

fn json_of(run: &send_common::Run) -> serde_json::Value {
    let mut lines = json_lines(&run.stdout);
    assert_eq!(lines.len(), 1, "{run:?}");
    lines.remove(0)
}

#[test]
fn every_command_a_script_reads_speaks_json_with_one_name_per_fact() {
    let env = Env::start();
    let base = env.base_url();
    let url = format!("{base}/assets");
    let ts = xsign::signing::now_unix().to_string();

    let sign = json_of(&env.xsign(&["sign", "--url", &url, "--timestamp", &ts, "--json"]));
    let send = json_of(&env.send(&["GET", "/assets", "--json"]));
    assert_eq!(
        env.xsign(&["collection", "add", "c/r", "--url", &url]).code,
        0
    );
    let replay = json_of(&env.xsign(&[
        "replay",
        "c/r",
        "--json",
        "--key",
        "private.pem",
        "--api-key-file",
        "apikey",
    ]));
    let history = json_lines(&env.xsign(&["history", "--json"]).stdout);
    let verify = env.xsign(&[
        "verify",
        "--url",
        &url,
        "--timestamp",
        &ts,
        "--json",
        "--pubkey",
        "private.pem",
        "--sign",
        sign["x_sign"].as_str().unwrap(),
    ]);
    let verify = json_of(&verify);
    let id = send["id"].to_string();
    let doctor = json_of(&env.xsign(&["doctor", "--history", &id, "--json"]));
    let keygen = json_of(&env.xsign(&["keygen", "--out", "keys", "--json"]));
    let profiles = json_lines(&env.xsign(&["profile", "list", "--json"]).stdout);
    let profile = json_of(&env.xsign(&["profile", "show", "production", "--json"]));
    let collections = json_lines(&env.xsign(&["collection", "list", "--json"]).stdout);
    let collection = json_of(&env.xsign(&["collection", "show", "c", "--json"]));
    let request = json_of(&env.xsign(&["collection", "show", "c/r", "--json"]));

    // What was signed: the same names in sign, send, replay, history and verify.
    for (what, v) in [
        ("sign", &sign),
        ("send", &send),
        ("replay", &replay),
        ("history", &history[0]),
        ("verify", &verify),
    ] {
        for field in ["payload_hash", "x_sign"] {
            assert!(v[field].is_string(), "{what} has no {field}: {v}");
        }
        assert!(v["auth"]["mode"] == "timestamp", "{what}: {v}");
        assert!(
            v.get("hash").is_none() && v.get("signature").is_none(),
            "{what}: {v}"
        );
    }
    assert_eq!(verify["verified"], true, "{verify}");
    assert_eq!(verify["payload_hash"], sign["payload_hash"]);
    assert_eq!(verify["auth"], sign["auth"]);
    // What was sent and answered: as the history records it.
    for (what, v) in [
        ("send", &send),
        ("replay", &replay),
        ("history", &history[1]),
    ] {
        assert_eq!(v["method"], "GET", "{what}: {v}");
        assert_eq!(v["url"], url.as_str(), "{what}: {v}");
        assert_eq!(v["response"]["status"], 200, "{what}: {v}");
        assert!(v["duration_ms"].is_u64() && v["id"].is_u64(), "{what}: {v}");
    }
    assert_eq!(history[1]["id"], send["id"]);
    assert_eq!(history[0]["id"], replay["id"]);
    assert_eq!(replay["name"], "r");
    for (what, v) in [
        ("send", &send),
        ("replay", &replay),
        ("verify", &verify),
        ("doctor", &doctor),
    ] {
        assert_eq!(v["exit_code"], 0, "{what}: {v}");
    }
    assert_eq!(doctor["verdict"], "clean", "{doctor}");
    assert!(doctor["findings"].is_array(), "{doctor}");
    // Keys: key.fingerprint wherever a key is named.
    assert!(
        keygen["key"]["fingerprint"]
            .as_str()
            .unwrap()
            .starts_with("sha256:"),
        "{keygen}"
    );
    assert!(verify["key"]["fingerprint"].is_string(), "{verify}");
    assert!(
        keygen["public_pem"]
            .as_str()
            .unwrap()
            .contains("BEGIN PUBLIC KEY")
    );
    assert!(env.path("keys").join("private.pem").exists());
    // Profiles and collections: `profile` and `collection` name them, as in history.
    assert!(
        profiles.iter().any(|p| p["profile"] == "production"),
        "{profiles:?}"
    );
    assert_eq!(profile["profile"], "production");
    assert!(profile["base_url"].is_string() && profile["auth"]["mode"].is_string());
    assert_eq!(
        collections,
        vec![serde_json::json!({"collection": "c", "requests": 1})]
    );
    assert_eq!(collection["requests"][0]["url"], url.as_str());
    assert_eq!(request["collection"], "c");
    assert_eq!(request["method"], "GET");

    // A failure is JSON too, with its exit code.
    let missing = env.send(&["GET", "/company/nope", "--json"]);
    assert_eq!(missing.code, 4);
    let missing = json_of(&missing);
    assert_eq!(
        (
            missing["exit_code"].clone(),
            missing["response"]["status"].clone()
        ),
        (4.into(), 404.into())
    );
}

#[test]
fn send_goes_through_the_proxy_given_and_refuses_insecure_production() {
    let env = Env::start();
    assert_eq!(env.send(&["GET", "/assets"]).code, 0);
    // Through a proxy that is not there: no response, where the direct way answers 200.
    let proxy = format!("http://127.0.0.1:{}", closed_port());
    let via = env.send(&["GET", "/assets", "--proxy", &proxy]);
    assert_eq!(via.code, 3, "{via:?}");
    let insecure = env.xsign(&[
        "--profile",
        "production",
        "send",
        "GET",
        "/assets",
        "--insecure",
    ]);
    assert_eq!(insecure.code, 1, "{insecure:?}");
    assert!(
        insecure
            .stderr
            .contains("--insecure is refused for production"),
        "{insecure:?}"
    );
    env.write("ca.pem", b"not a certificate");
    let ca = env.send(&["GET", "/assets", "--cacert", "ca.pem"]);
    assert_eq!(ca.code, 1, "{ca:?}");
    assert!(ca.stderr.contains("no PEM certificate"), "{ca:?}");
    // replay takes the same flags.
    let added = env.xsign(&[
        "collection",
        "add",
        "c/a",
        "--url",
        &format!("{}/assets", env.base_url()),
    ]);
    assert_eq!(added.code, 0, "{added:?}");
    let flags = ["--key", "private.pem", "--api-key-file", "apikey"];
    let replay = env.xsign(&[&["replay", "c/a", "--proxy", &proxy][..], &flags].concat());
    assert_eq!(replay.code, 3, "{replay:?}");
    assert_eq!(
        env.xsign(&[&["replay", "c/a"][..], &flags].concat()).code,
        0
    );
    // A loopback test server: --insecure is accepted (plain HTTP has no certificate).
    assert_eq!(env.send(&["GET", "/assets", "--insecure"]).code, 0);
}

#[test]
fn keys_lists_the_bindings_with_the_configs_changes_and_what_could_not_apply() {
    let sb = Sandbox::new();
    let plain = sb.ok(&["keys"]);
    assert!(
        plain
            .lines()
            .any(|l| l.starts_with("send ") && l.contains("Ctrl-R / F5")),
        "{plain}"
    );
    std::fs::write(
        sb.root().join("config/config.json"),
        r#"{"workbench": {"keys": {"send": "F9", "library": "F7", "profiles": "F6", "zoom": "Ctrl-E", "quit": []}}}"#,
    )
    .unwrap();
    let out = sb.run(&["keys"], b"");
    assert_eq!(out.status.code(), Some(1), "a refused entry exits 1");
    let text = stdout(&out);
    assert!(
        text.lines()
            .any(|l| l.starts_with("send ") && l.contains("F9")),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.starts_with("library ") && l.contains("F7")),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.starts_with("profiles ") && l.contains("F6")),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.starts_with("quit ") && l.contains("(unbound)")),
        "{text}"
    );
    assert!(
        stderr(&out).contains("workbench.keys.zoom: Ctrl-E is used while typing"),
        "{}",
        stderr(&out)
    );
    let json: serde_json::Value =
        serde_json::from_str(&stdout(&sb.run(&["keys", "--json"], b""))).unwrap();
    assert_eq!(json["exit_code"], 1);
    assert_eq!(json["problems"].as_array().unwrap().len(), 1);
    assert!(
        json["bindings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|b| b["command"] == "send" && b["keys"] == "F9"),
        "{json}"
    );
}
