//! A newcomer's mistakes on every CLI command but send/doctor/demo: each error says what to
//! do, exits 1 (failure) or 2 (usage), and nothing panics.

mod cli_support;
mod common;

use cli_support::{API_KEY, Sandbox, curl_header, fails_with, line_value, stderr, stdout};
use common::fixture;

#[test]
fn a_missing_or_wrong_body_file_says_what_to_give() {
    let sb = Sandbox::new().with_reference_files();
    let url = "https://api.qredo.network/api/v1/p/company";
    let out = sb.run(&["sign", "--url", url, "--body-file", "company.json"], b"");
    let err = fails_with(&out, 1, "no body file at company.json");
    assert!(err.contains("`-` to read the body from stdin"), "{err}");
    let out = sb.run(&["sign", "--url", url, "--body-file", "."], b"");
    fails_with(&out, 1, "is a directory: give the file that holds the body");
    let out = sb.run(&["sign", "--url", url, "-X", "GE T"], b"");
    fails_with(
        &out,
        1,
        "is not an HTTP method: use GET, POST, PUT or DELETE",
    );
}

#[test]
fn verify_names_its_own_flag_and_checks_the_url_as_sent() {
    let sb = Sandbox::new().with_reference_files();
    let out = sb.run(
        &[
            "verify",
            "--url",
            "https://a.test/x",
            "--timestamp",
            "1",
            "--sign",
            "abc",
        ],
        b"",
    );
    let err = fails_with(&out, 1, "no public key at public.pem");
    assert!(err.contains("--pubkey FILE"), "not --key: {err}");

    // A relative URL cannot be checked without a base.
    let out = sb.run(
        &[
            "verify",
            "--url",
            "/company",
            "--timestamp",
            "1",
            "--sign",
            "abc",
            "--pubkey",
            "private.pem",
        ],
        b"",
    );
    fails_with(&out, 1, "is not a full URL");

    // Signed as typed (a space), verified as typed: ok, with the warning that the server
    // sees %20. Given the wire form instead: it fails, and says which form it covers.
    let typed = "https://api.qredo.network/api/v1/p/company/search?query=ACME Corp";
    let wire = "https://api.qredo.network/api/v1/p/company/search?query=ACME%20Corp";
    let signed = sb.run(&["sign", "--url", typed, "--timestamp", "1700000003"], b"");
    let sig = line_value(&stdout(&signed), "x-sign");
    let check = |url: &str| {
        sb.run(
            &[
                "verify",
                "--pubkey",
                "private.pem",
                "--url",
                url,
                "--timestamp",
                "1700000003",
                "--sign",
                &sig,
            ],
            b"",
        )
    };
    let out = check(typed);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("will fail there with 1020"),
        "{}",
        stderr(&out)
    );
    let out = check(wire);
    assert_eq!(out.status.code(), Some(6));
    assert!(stdout(&out).starts_with("FAILED"));
    assert!(!stderr(&out).contains("verifies over"), "{}", stderr(&out));

    // The x-sign `sign --curl` makes covers the wire form; checked against the typed URL,
    // verify points at the form it does cover.
    let curl = sb.run(
        &[
            "sign",
            "--url",
            typed,
            "--timestamp",
            "1700000003",
            "--curl",
        ],
        b"",
    );
    let text = stdout(&curl);
    let sig = curl_header(&text, "x-sign");
    let out = sb.run(
        &[
            "verify",
            "--pubkey",
            "private.pem",
            "--url",
            typed,
            "--timestamp",
            "1700000003",
            "--sign",
            sig,
        ],
        b"",
    );
    let err = fails_with(&out, 6, "it verifies over the URL as sent on the wire");
    assert!(err.contains(wire), "{err}");
}

#[test]
fn verify_with_a_profile_takes_its_base_url_and_key() {
    let sb = Sandbox::new().with_reference_files();
    sb.ok(&[
        "profile",
        "add",
        "p",
        "--base-url",
        "https://api.qredo.network/api/v1/p",
        "--key",
        "private.pem",
        "--api-key-file",
        "apikey",
        "--default",
    ]);
    let signed = sb.run(
        &["sign", "--url", "/assets", "--timestamp", "1700000000"],
        b"",
    );
    let sig = line_value(&stdout(&signed), "x-sign");
    let out = sb.run(
        &[
            "verify",
            "--url",
            "/assets",
            "--timestamp",
            "1700000000",
            "--sign",
            &sig,
        ],
        b"",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).starts_with("ok: x-sign verifies"));
}

#[test]
fn mock_names_pubkey_for_a_missing_public_key() {
    let sb = Sandbox::new();
    let out = sb.run(
        &["mock", "--addr", "127.0.0.1:0", "--pubkey", "nope.pem"],
        b"",
    );
    let err = fails_with(&out, 1, "no public key at nope.pem");
    assert!(err.contains("--pubkey FILE"), "{err}");
    assert!(!err.contains("--key FILE"), "{err}");
}

#[test]
fn collection_add_refuses_what_cannot_be_sent_and_notes_odd_bodies() {
    let sb = Sandbox::new();
    let out = sb.run(
        &["collection", "add", "c/r", "-X", "PO ST", "--url", "/x"],
        b"",
    );
    fails_with(&out, 1, "\"PO ST\" is not an HTTP method");
    let out = sb.run(&["collection", "add", "c/r", "--url", ""], b"");
    fails_with(
        &out,
        1,
        "the URL is empty: give a path under the profile's base URL",
    );
    let out = sb.run(&["collection", "add", "c/r", "--url", "ftp://x/y"], b"");
    fails_with(&out, 1, "not a scheme xsign can send");
    let out = sb.run(&["collection", "add", "c", "--url", "/x"], b"");
    fails_with(&out, 1, "give COLLECTION/REQUEST, e.g. `c/get-assets`");
    assert!(
        !sb.root().join("config/collections/c.json").exists(),
        "nothing saved by a refused add"
    );

    let out = sb.run(
        &[
            "collection",
            "add",
            "c/r",
            "-X",
            "post",
            "--url",
            "/company",
            "--body",
            "not json",
        ],
        b"",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("not valid JSON"), "{}", stderr(&out));
    assert!(stdout(&out).contains("saved c/r (8 body bytes)"));
    let shown = sb.ok(&["collection", "show", "c/r", "--body"]);
    assert_eq!(shown, "not json", "saved as given");
    assert!(
        sb.ok(&["collection", "show", "c/r"])
            .contains("method:  POST")
    );
}

#[test]
fn collection_export_signs_and_sends_the_url_as_it_goes_on_the_wire() {
    let sb = Sandbox::new().with_reference_files();
    sb.ok(&[
        "collection",
        "add",
        "c/search",
        "--url",
        "https://api.qredo.network/api/v1/p/company/search?query=ACME Corp",
    ]);
    let out = sb.run(&["collection", "export", "c/search", "--show-secrets"], b"");
    assert!(out.status.success(), "{}", stderr(&out));
    let script = stdout(&out);
    assert!(script.contains("query=ACME%20Corp"), "{script}");
    assert!(!script.contains("ACME Corp"), "{script}");
    assert!(
        stderr(&out).contains("the command sends that form"),
        "{}",
        stderr(&out)
    );
    assert!(
        script.contains(&format!("x-api-key: {API_KEY}")),
        "{script}"
    );
    // The x-sign in the export covers the wire URL.
    let sig = curl_header(&script, "x-sign");
    let ts = curl_header(&script, "x-timestamp");
    let out = sb.run(
        &[
            "verify",
            "--pubkey",
            "private.pem",
            "--url",
            "https://api.qredo.network/api/v1/p/company/search?query=ACME%20Corp",
            "--timestamp",
            ts,
            "--sign",
            sig,
        ],
        b"",
    );
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
}

#[test]
fn import_says_how_to_give_the_command_and_the_folder() {
    let sb = Sandbox::new();
    let out = sb.run(&["import", "curl"], b"");
    fails_with(&out, 1, "no curl command given: pass it quoted");
    let out = sb.run(
        &[
            "import",
            "curl",
            "curl -X POST https://x.test/p/company -d '{}'",
            "--dry-run",
        ],
        b"",
    );
    let err = fails_with(
        &out,
        1,
        "put xsign's options before the quoted curl command",
    );
    assert!(
        err.contains("xsign import curl --dry-run 'curl ...'"),
        "{err}"
    );
    let out = sb.run(
        &[
            "import",
            "curl",
            "--dry-run",
            "curl -X POST https://x.test/p/company -d '{}'",
        ],
        b"",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).starts_with("POST https://x.test/p/company"));
    let out = sb.run(&["import", "folder", "requests"], b"");
    fails_with(
        &out,
        1,
        "no folder at requests: give the reference client's `requests` folder",
    );
}

#[test]
fn history_refuses_a_zero_limit_and_tells_an_empty_filter_from_an_empty_history() {
    let sb = Sandbox::new();
    let out = sb.run(&["history", "--limit", "0"], b"");
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(sb.ok(&["history"]).contains("no requests sent yet"));
    assert!(
        sb.ok(&["history", "--filter", "zzz"])
            .contains("no requests sent yet")
    );

    let entry = xsign::store::HistoryEntry::new("p", "GET", "https://x.test/p/assets", &b""[..]);
    // Recorded through the library into the sandbox's data dir.
    let history = xsign::store::History::new(sb.root().join("data/history"), 1000);
    history.record(entry).unwrap();
    let listed = sb.ok(&["history"]);
    assert!(listed.contains("https://x.test/p/assets"), "{listed}");
    let filtered = sb.ok(&["history", "--filter", "zzz"]);
    assert!(
        filtered.contains("no entry matches `zzz` among the 1 kept"),
        "{filtered}"
    );
}

#[test]
fn profile_paths_are_kept_absolute_and_the_status_shown() {
    let sb = Sandbox::new().with_reference_files();
    let out = sb.ok(&[
        "profile",
        "add",
        "p",
        "--base-url",
        "https://api.qredo.network/api/v1/p",
        "--key",
        "private.pem",
        "--api-key-file",
        "apikey",
    ]);
    let work = sb.work().canonicalize().unwrap();
    assert!(
        out.contains(&format!("key:      {}", work.join("private.pem").display()))
            || out.contains(&format!(
                "key:      {}",
                sb.work().join("private.pem").display()
            )),
        "{out}"
    );
    assert!(out.contains("status:   ready"), "{out}");

    // From another directory, the profile still finds its files.
    let elsewhere = sb.root().join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    let mut cmd = sb.cmd(&["--profile", "p", "sign", "--url", "/assets"]);
    cmd.current_dir(&elsewhere);
    let out = sb.run_cmd(cmd, b"");
    assert!(out.status.success(), "{}", stderr(&out));

    let out = sb.ok(&["profile", "edit", "p", "--key", "missing.pem"]);
    assert!(out.contains("status:   not ready"), "{out}");
    assert!(out.contains("xsign keygen"), "{out}");
}

#[test]
fn profile_list_and_show_say_what_applies_when_none_is_chosen() {
    let sb = Sandbox::new();
    let list = sb.ok(&["profile", "list"]);
    assert!(list.contains("No profile chosen"), "{list}");
    assert!(list.contains("--profile NAME"), "{list}");
    let show = sb.ok(&["profile", "show"]);
    assert!(
        !show.contains("default:   yes"),
        "production is not a saved default: {show}"
    );
    assert!(show.contains("No profile chosen"), "{show}");

    sb.ok(&["profile", "edit", "sandbox", "--default"]);
    let list = sb.ok(&["profile", "list"]);
    assert!(!list.contains("No profile chosen"), "{list}");
    assert!(list.contains("* sandbox"), "{list}");
    assert!(sb.ok(&["profile", "show"]).contains("default:   yes"));

    let out = sb.run(&["profile", "remove", "production"], b"");
    fails_with(&out, 1, "built in and has its default settings");
}

#[test]
fn replay_of_an_empty_collection_says_how_to_fill_it() {
    let sb = Sandbox::new();
    sb.ok(&["collection", "new", "empty"]);
    let out = sb.run(&["replay", "empty"], b"");
    fails_with(&out, 1, "xsign collection add empty/NAME --url /assets");
}

/// `xsign replay mine` for a request saved as `default/mine` (what the workbench's save-as
/// offers) names the target to give; `collection list` counts one request in the singular.
#[test]
fn replay_of_a_bare_request_name_points_to_its_collection() {
    let sb = Sandbox::new();
    sb.ok(&["collection", "add", "default/mine", "--url", "/assets"]);
    let out = sb.run(&["replay", "mine"], b"");
    let err = fails_with(&out, 1, "collection `mine` not found");
    assert!(
        err.contains("saved as default/mine") && err.contains("`xsign replay default/mine`"),
        "{err}"
    );
    let list = sb.ok(&["collection", "list"]);
    assert!(
        list.contains("1 request") && !list.contains("1 requests"),
        "{list}"
    );
}

/// Wrong flags, missing files, bad URLs and missing names on every command: exit 1 or 2
/// with a message on stderr, never a panic, never a silent success.
#[test]
fn nothing_panics_and_every_failure_exits_1_or_2_with_a_message() {
    let sb = Sandbox::new();
    std::fs::write(sb.work().join("notjson"), b"{nope").unwrap();
    std::fs::write(sb.work().join("empty"), b"").unwrap();
    let pem = fixture("test-rsa2048.pkcs1.pem");
    let pem = pem.to_str().unwrap();
    let cases: &[&[&str]] = &[
        &["sign"],
        &["sign", "--url", "https://a.test/x"],
        &["sign", "--url", "http://", "--key", pem],
        &["sign", "--url", "ftp://a/b", "--key", pem],
        &["sign", "--url", "", "--key", pem],
        &["sign", "--url", "/x", "--key", pem],
        &["sign", "--url", "https://a.test/x", "--key", "empty"],
        &["sign", "--url", "https://a.test/x", "--key", "notjson"],
        &["sign", "--url", "https://a.test/x", "--key", pem, "--curl"],
        &[
            "sign",
            "--url",
            "https://a.test/x",
            "--key",
            pem,
            "--timestamp",
            "x",
        ],
        &["sign", "--url", "https://a.test/x", "--key", pem, "--nonce"],
        &["--profile", "nope", "sign", "--url", "/x"],
        &["keygen", "--bits", "1000"],
        &["keygen", "--out", "empty"],
        &["verify", "--url", "https://a.test/x", "--sign", "a"],
        &[
            "verify",
            "--url",
            "https://a.test/x",
            "--timestamp",
            "1",
            "--sign",
            "a",
            "--pubkey",
            "notjson",
        ],
        &["listen"],
        &["listen", "--feed", "nope"],
        &["listen", "--feed", "wallets"],
        &["listen", "ftp://a/b", "--key", pem],
        &[
            "listen",
            "--feed",
            "wallets",
            "--base-url",
            "nope",
            "--key",
            pem,
        ],
        &["--profile", "nope", "listen", "--feed", "wallets"],
        &["mock", "--addr", "nope"],
        &["mock", "--addr", "127.0.0.1:0"],
        &["profile"],
        &["profile", "show", "nope"],
        &["profile", "add", "bad name"],
        &["profile", "add", "x", "--base-url", "example.com"],
        &["profile", "edit", "nope", "--timeout", "5"],
        &["profile", "edit", "production", "--timeout", "0"],
        &["profile", "edit", "production", "-H", "bad"],
        &["profile", "remove", "nope"],
        &["collection"],
        &["collection", "show", "nope"],
        &["collection", "show", "nope/r"],
        &["collection", "export", "nope/r"],
        &["collection", "import", "nope.json"],
        &["collection", "import", "notjson"],
        &["collection", "rename", "nope", "x"],
        &["collection", "duplicate", "nope"],
        &["collection", "delete", "nope/r"],
        &["collection", "new", "c", "--from-catalog", "--only", "zzz"],
        &[
            "collection",
            "add",
            "c/r",
            "--url",
            "/x",
            "--body-file",
            "nope",
        ],
        &["replay"],
        &["replay", "nope"],
        &["replay", "nope/r"],
        &["replay", "--history", "7"],
        &["replay", "--history", "x"],
        &["--profile", "nope", "replay", "c"],
        &["history", "show", "7"],
        &["history", "show", "x"],
        &["history", "retention", "0"],
        &["import"],
        &["import", "curl", "not curl"],
        &["import", "curl", "curl -X POST"],
        &["import", "folder", "nope"],
        &["import", "folder", "empty"],
    ];
    for args in cases {
        let out = sb.run(args, b"");
        let err = stderr(&out);
        let code = out.status.code();
        assert!(
            matches!(code, Some(1) | Some(2)),
            "xsign {args:?} exited {code:?}: {err}"
        );
        assert!(!err.contains("panicked"), "xsign {args:?} panicked: {err}");
        assert!(
            err.trim_start().starts_with("error:")
                || err.contains("\nerror:")
                || err.starts_with("Usage")
                || err.contains("Usage:"),
            "xsign {args:?} fails without saying why: {err}"
        );
    }
}

#[test]
fn keygen_out_must_be_a_directory() {
    let sb = Sandbox::new();
    std::fs::write(sb.work().join("keys"), b"").unwrap();
    let out = sb.run(&["keygen", "--out", "keys"], b"");
    fails_with(&out, 1, "keys is a file, not a directory: pass --out DIR");
}

/// A number flag out of range is a usage error (exit 2) that says what range to give, never a
/// panic: `--timeout 1e20` panicked converting to a Duration.
#[test]
fn number_flags_out_of_range_are_usage_errors() {
    let sb = Sandbox::new();
    for bad in ["1e20", "18446744073709551615", "NaN", "inf", "-1", "0"] {
        // `=` so that `-1` is taken as the value, not as a flag.
        let flag = format!("--timeout={bad}");
        let out = sb.run(&["send", "GET", "http://127.0.0.1:1/x", &flag], b"");
        fails_with(&out, 2, "at most 86400");
    }
    let out = sb.run(
        &["send", "GET", "http://127.0.0.1:1/x", "--timeout", "soon"],
        b"",
    );
    fails_with(&out, 2, "not a number of seconds");
    for bad in ["18446744073709551615", "86401", "0", "0.5"] {
        let out = sb.run(&["profile", "edit", "production", "--timeout", bad], b"");
        let err = fails_with(&out, 2, "--timeout");
        assert!(err.contains("whole number of seconds"), "{bad}: {err}");
    }
    // The clock window: whole seconds from 0 to a day, for the doctor and the mock alike.
    let out = sb.run(&["mock", "--skew=99999999999999999999"], b"");
    fails_with(&out, 2, "from 0 to 86400");
    for bad in ["-5", "1e30", "86401", "4294967296", "soon"] {
        let flag = format!("--skew={bad}");
        let out = sb.run(&["doctor", "--curl", "curl https://a.test/x", &flag], b"");
        fails_with(&out, 2, "seconds");
        let out = sb.run(&["mock", &flag], b"");
        fails_with(&out, 2, "seconds");
    }
}

/// Every file xsign reads is bounded by its kind: `--key /dev/zero` grew to 7.3 GB and
/// `--body-file /dev/zero` to 3 GB, `mock --pubkey /dev/zero` hung. Now each is refused at
/// once, as is an oversized key file, without reading it whole.
#[test]
fn devices_and_oversized_files_are_refused_not_read() {
    let sb = Sandbox::new().with_reference_files();
    let url = "https://api.qredo.network/api/v1/p/company";
    let out = sb.run(&["sign", "--url", url, "--body-file", "/dev/zero"], b"");
    fails_with(&out, 1, "/dev/zero is a character device, not a file");
    let out = sb.run(
        &[
            "sign",
            "--url",
            url,
            "--key",
            "/dev/zero",
            "--body-file",
            "-",
        ],
        b"",
    );
    fails_with(&out, 1, "/dev/zero is a character device, not a file");
    let out = sb.run(
        &["mock", "--pubkey", "/dev/zero", "--addr", "127.0.0.1:0"],
        b"",
    );
    fails_with(&out, 1, "/dev/zero is a character device, not a file");
    std::fs::write(sb.work().join("huge.pem"), vec![b'A'; 1024 * 1024]).unwrap();
    let out = sb.run(
        &[
            "sign",
            "--url",
            url,
            "--key",
            "huge.pem",
            "--body-file",
            "-",
        ],
        b"",
    );
    fails_with(
        &out,
        1,
        "holds more than 64.0 KiB (the most a private key file may hold",
    );
    // A body over 1 MiB on stdin is refused until --max-body raises the bound.
    let big = vec![b' '; 1024 * 1024 + 1];
    let out = sb.run(&["sign", "--url", url, "--body-file", "-"], &big);
    fails_with(&out, 1, "raise --max-body");
    let out = sb.run(
        &[
            "sign",
            "--url",
            url,
            "--body-file",
            "-",
            "--max-body",
            "2MiB",
        ],
        &big,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let out = sb.run(&["sign", "--url", url, "--max-body", "lots"], b"");
    fails_with(&out, 2, "is not a size");
}

/// A URL holding a terminal escape (`ESC ] 0;PWNED BEL` retitles the window) is quoted in
/// messages with the escape shown, never written raw to the terminal.
#[test]
fn escape_sequences_in_a_url_are_shown_not_sent_to_the_terminal() {
    let sb = Sandbox::new().with_reference_files();
    let evil = "\u{1b}]0;PWNED\u{7}";
    let cases: Vec<Vec<String>> = vec![
        vec![
            "send".into(),
            "GET".into(),
            format!("http://127.0.0.1:1/{evil}"),
            "--timeout".into(),
            "2".into(),
        ],
        vec!["send".into(), "GET".into(), format!("ftp://{evil}/x")],
        vec![
            "sign".into(),
            "--url".into(),
            format!("{evil}://x/y"),
            "--body-file".into(),
            "-".into(),
        ],
        vec![
            "import".into(),
            "curl".into(),
            format!("curl -X {evil} http://x.test/"),
        ],
        vec!["collection".into(), "show".into(), evil.into()],
    ];
    for args in cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = sb.run(&args, b"");
        let err = stderr(&out);
        assert!(
            !err.contains('\u{1b}') && !err.contains('\u{7}'),
            "{args:?}: {err:?}"
        );
    }
}

/// URLs that are not what they seem get a message that says what was meant (issue 10 #18).
#[test]
fn urls_without_a_scheme_or_empty_say_what_to_write() {
    let sb = Sandbox::new().with_reference_files();
    // No base URL: a host without a scheme is not glued under the production base URL.
    let out = sb.run(
        &[
            "sign",
            "--url",
            "api.qredo.network/api/v1/p/company",
            "--body-file",
            "-",
        ],
        b"",
    );
    let err = fails_with(&out, 1, "looks like a host without a scheme");
    assert!(
        err.contains("https://api.qredo.network/api/v1/p/company"),
        "{err}"
    );
    assert!(!err.contains("/p/api.qredo.network"), "{err}");
    // With a base URL, `send 127.0.0.1:47801/x` is not joined as a path.
    let out = sb.run(
        &[
            "send",
            "GET",
            "127.0.0.1:47801/api/v1/p/assets",
            "--base-url",
            "http://127.0.0.1:1/api/v1/p",
        ],
        b"",
    );
    let err = fails_with(&out, 1, "looks like a host without a scheme");
    assert!(
        err.contains("http://127.0.0.1:47801/api/v1/p/assets"),
        "{err}"
    );
    let out = sb.run(
        &[
            "send",
            "GET",
            "",
            "--base-url",
            "http://127.0.0.1:1/api/v1/p",
        ],
        b"",
    );
    fails_with(&out, 1, "the URL is empty");
    let out = sb.run(
        &["sign", "--url", "file:///etc/passwd", "--body-file", "-"],
        b"",
    );
    let err = fails_with(&out, 1, "`file:` is not a scheme");
    assert!(!err.contains("https:///"), "{err}");
}

#[test]
fn import_openapi_saves_one_request_per_operation_or_says_what_is_wrong() {
    let sb = Sandbox::new();
    let spec = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/assets/openapi/partner-api-v1.1.2.yaml"
    );
    let out = sb.ok(&["import", "openapi", spec, "-c", "partner"]);
    assert!(out.contains("imported 53 requests into `partner`"), "{out}");
    // Under the production profile's base URL, URLs are saved relative to it.
    assert!(out.contains("POST   /coreclient/verify  ("), "{out}");
    let shown = sb.ok(&["collection", "show", "partner"]);
    assert!(shown.contains("POST /company"), "{shown}");
    let again = sb.ok(&["import", "openapi", spec, "-c", "partner"]);
    assert!(again.contains("replaced: GET /assets"), "{again}");

    std::fs::write(
        sb.work().join("swagger.json"),
        r#"{"swagger": "2.0", "paths": {}}"#,
    )
    .unwrap();
    let out = sb.run(&["import", "openapi", "swagger.json"], b"");
    fails_with(&out, 1, "it is a Swagger 2.0 file");
    std::fs::write(sb.work().join("bad.yaml"), "openapi: [unclosed").unwrap();
    let out = sb.run(&["import", "openapi", "bad.yaml"], b"");
    let err = fails_with(&out, 1, "bad.yaml: not a YAML or JSON document");
    assert_eq!(err.matches("not a YAML").count(), 1, "said once: {err}");
    let out = sb.run(&["import", "openapi", "missing.yaml"], b"");
    fails_with(&out, 1, "no OpenAPI document file at missing.yaml");
}

#[test]
fn send_notes_a_body_the_spec_refuses_with_its_json_path_and_sign_stays_fast() {
    let sb = Sandbox::new().with_reference_files();
    // Nothing listens on port 9: the note comes before the request is sent.
    let url = "http://127.0.0.1:9/api/v1/p/company";
    std::fs::write(sb.work().join("no-name.json"), r#"{"city":"Paris"}"#).unwrap();
    let out = sb.run(&["send", "POST", url, "--body-file", "no-name.json"], b"");
    let err = stderr(&out);
    assert!(
        err.contains("note: the body: required field \"name\" is missing: add it (the spec's schema for POST /company)"),
        "{err}"
    );
    std::fs::write(sb.work().join("ok.json"), r#"{"name":"ACME"}"#).unwrap();
    let out = sb.run(&["send", "POST", url, "--body-file", "ok.json"], b"");
    assert!(!stderr(&out).contains("spec's schema"), "{}", stderr(&out));
    // sign, the scripted signer, does not read the spec (it would double its time).
    let out = sb.run(&["sign", "--url", url, "--body-file", "no-name.json"], b"");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!stderr(&out).contains("spec's schema"), "{}", stderr(&out));
}

/// A history append the disk stops half-way (a file-size limit, as a full disk does) is
/// taken back: the segment keeps its bytes, no torn line is left, the note says nothing
/// was recorded, and the next send takes the next id.
#[cfg(unix)]
#[test]
fn a_history_append_cut_short_leaves_the_history_as_it_was() {
    let sb = Sandbox::new().with_reference_files();
    let url = "http://127.0.0.1:1/api/v1/p/assets";
    sb.run(&["send", "GET", url], b"");
    let dir = sb.root().join("data/history");
    let segment = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .unwrap_or_else(|| panic!("no segment in {}", dir.display()));
    let before = std::fs::read(&segment).unwrap();
    // The shell ignores SIGXFSZ, so the limited write fails with EFBIG instead of killing.
    let mut limited = std::process::Command::new("sh");
    limited
        .arg("-c")
        .arg(format!(
            "trap '' XFSZ; exec prlimit --fsize={} \"$@\"",
            before.len() + 20
        ))
        .arg("sh")
        .arg(env!("CARGO_BIN_EXE_xsign"))
        .args(["send", "GET", url]);
    let base = sb.cmd(&[]);
    for (k, v) in base.get_envs() {
        match v {
            Some(v) => limited.env(k, v),
            None => limited.env_remove(k),
        };
    }
    limited.current_dir(sb.work());
    let out = sb.run_cmd(limited, b"");
    let err = stderr(&out);
    assert!(err.contains("not recorded"), "{err}");
    assert_eq!(
        std::fs::read(&segment).unwrap(),
        before,
        "the cut line was taken back"
    );
    sb.run(&["send", "GET", url], b"");
    let listed = sb.ok(&["history", "--json"]);
    let ids: Vec<u64> = listed
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["id"]
                .as_u64()
                .unwrap()
        })
        .collect();
    assert_eq!(ids, vec![2, 1], "{listed}");
}

/// A config that does not parse is left as it is by every read (`profile list` used to
/// rename it), with a warning; the first change keeps it aside and saves afresh. A config
/// from a newer xsign is refused untouched by reads and writes alike.
#[test]
fn a_damaged_or_newer_config_is_never_moved_by_a_read() {
    let sb = Sandbox::new();
    let config = sb.root().join("config/config.json");
    std::fs::write(&config, b"{\"profiles\": [ torn").unwrap();
    for args in [
        &["profile", "list"][..],
        &["profile", "show", "demo"],
        &["keys"],
    ] {
        let out = sb.run(args, b"");
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("left as it is"),
            "{args:?}: {}",
            stderr(&out)
        );
    }
    assert_eq!(std::fs::read(&config).unwrap(), b"{\"profiles\": [ torn");
    let names = |dir: &std::path::Path| -> Vec<String> {
        std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect()
    };
    assert!(
        !names(&sb.root().join("config"))
            .iter()
            .any(|n| n.contains("corrupt")),
        "{:?}",
        names(&sb.root().join("config"))
    );
    let out = sb.run(&["profile", "edit", "demo", "--default"], b"");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("it was kept as"), "{}", stderr(&out));
    let aside: Vec<String> = names(&sb.root().join("config"))
        .into_iter()
        .filter(|n| n.contains("corrupt"))
        .collect();
    assert_eq!(aside.len(), 1);

    let newer = br#"{"format":"xsign-config/9","profiles":{}}"#;
    std::fs::write(&config, newer).unwrap();
    for args in [
        &["profile", "list"][..],
        &["profile", "edit", "play", "--default"],
    ] {
        let out = sb.run(args, b"");
        fails_with(&out, 1, "made by a newer xsign");
    }
    assert_eq!(std::fs::read(&config).unwrap(), newer);
}

/// `profile show` masks a secret header as `--json`, history and `-v` do (a trial found
/// `header:    Authorization: Bearer abc` printed in clear).
#[test]
fn profile_show_masks_secret_headers() {
    let sb = Sandbox::new();
    let out = sb.run(
        &[
            "profile",
            "edit",
            "demo",
            "--header",
            "Authorization: Bearer very-secret-token-123",
            "--header",
            "X-Tokenizer-Mode: fast",
        ],
        b"",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let shown = sb.ok(&["profile", "show", "demo"]);
    assert!(!shown.contains("very-secret-token"), "{shown}");
    assert!(shown.contains("Authorization: Bearer ****-123"), "{shown}");
    assert!(shown.contains("X-Tokenizer-Mode: fast"), "{shown}");
}
