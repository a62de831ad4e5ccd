//! Each kind of tampering, done for real against the mock (which answers 401 with its
//! reason), then handed to `xsign doctor` as the curl command that was run: the doctor must
//! name the cause.

mod common;
mod send_common;

use send_common::{API_KEY, Env, fixture_key, sh_quote};
use xsign::signing::{AuthValue, PrivateKey, RequestSigner, RsaSigner, generate_key, now_unix};

const COMPANY: &[u8] =
    br#"{"name":"ACME Corp","city":"Paris","country":"FR","domain":"","ref":"9827feec"}"#;

/// What was signed and what was then sent.
struct Attempt<'a> {
    key: &'a PrivateKey,
    value: AuthValue,
    method: &'a str,
    signed_url: String,
    signed_body: Vec<u8>,
    sent_url: String,
    sent_body: Vec<u8>,
    sent_api_key: Vec<u8>,
}

struct Outcome {
    status: u16,
    reason: Option<String>,
    date: String,
    /// The curl command that sends exactly what was sent (body in sent.bin).
    curl: String,
}

impl<'a> Attempt<'a> {
    fn new(env: &Env, key: &'a PrivateKey, path: &str, body: &[u8]) -> Self {
        let url = format!("{}{path}", env.base_url());
        Attempt {
            key,
            value: AuthValue::Timestamp(now_unix()),
            method: if body.is_empty() { "GET" } else { "POST" },
            signed_url: url.clone(),
            signed_body: body.to_vec(),
            sent_url: url,
            sent_body: body.to_vec(),
            sent_api_key: API_KEY.as_bytes().to_vec(),
        }
    }

    fn run(&self, env: &Env) -> Outcome {
        let copy =
            PrivateKey::from_pem(&self.key.to_pkcs1_pem(), std::path::Path::new("k")).unwrap();
        let signed =
            RsaSigner::new(copy).sign(self.method, &self.signed_url, &self.signed_body, self.value);
        let header = self.value.header_name();
        let resp = env.rt.block_on(async {
            let mut req = reqwest::Client::new()
                .request(self.method.parse().unwrap(), &self.sent_url)
                .header(
                    "x-api-key",
                    reqwest::header::HeaderValue::from_bytes(&self.sent_api_key).unwrap(),
                )
                .header(header, self.value.to_string())
                .header("x-sign", signed.x_sign.to_string());
            if !self.sent_body.is_empty() {
                req = req.body(self.sent_body.clone());
            }
            let resp = req.send().await.unwrap();
            let date = resp.headers()["date"].to_str().unwrap().to_string();
            (resp.status().as_u16(), date, resp.bytes().await.unwrap())
        });
        let (status, date, body) = resp;
        let reason = serde_json::from_slice::<serde_json::Value>(&body)
            .ok()
            .and_then(|v| v["detail"]["reason"].as_str().map(str::to_string));
        env.write("sent.bin", &self.sent_body);
        let api_key = String::from_utf8(self.sent_api_key.clone()).unwrap();
        let mut curl = format!(
            "curl -X {} {} -H {} -H {} -H {}",
            self.method,
            sh_quote(&self.sent_url),
            sh_quote(&format!("x-api-key: {api_key}")),
            sh_quote(&format!("{header}: {}", self.value)),
            sh_quote(&format!("x-sign: {}", signed.x_sign)),
        );
        if !self.sent_body.is_empty() {
            curl.push_str(" -H 'Content-Type: application/json' --data-binary @sent.bin");
        }
        Outcome {
            status,
            reason,
            date,
            curl,
        }
    }
}

fn doctor(env: &Env, out: &Outcome, extra: &[&str]) -> send_common::Run {
    let mut args = vec!["doctor", "--curl", &out.curl, "--server-date", &out.date];
    if let (401, Some(r)) = (out.status, &out.reason) {
        args.extend(["--reason", r]);
    }
    args.extend_from_slice(extra);
    env.xsign(&args)
}

/// Sends the attempt, checks the mock's verdict (a 1020 reason, or another status), and
/// returns the doctor's output.
fn tamper(env: &Env, attempt: &Attempt<'_>, want: &str, extra: &[&str]) -> send_common::Run {
    let out = attempt.run(env);
    match want.parse::<u16>() {
        Ok(status) => assert_eq!(out.status, status, "the mock refuses it"),
        Err(_) => assert_eq!(
            (out.status, out.reason.as_deref()),
            (401, Some(want)),
            "the mock refuses it"
        ),
    }
    let run = doctor(env, &out, extra);
    assert_eq!(run.code, 6, "{run:?}");
    run
}

fn cause_line(run: &send_common::Run) -> &str {
    run.stdout
        .lines()
        .find(|l| l.starts_with("✗ cause:"))
        .unwrap_or_default()
}

fn pretty(indent: &[u8]) -> Vec<u8> {
    let v: serde_json::Value = serde_json::from_slice(COMPANY).unwrap();
    let mut buf = Vec::new();
    let fmt = serde_json::ser::PrettyFormatter::with_indent(indent);
    serde::Serialize::serialize(
        &v,
        &mut serde_json::Serializer::with_formatter(&mut buf, fmt),
    )
    .unwrap();
    buf
}

#[test]
fn untouched_request_passes_the_mock_and_the_local_check() {
    let env = Env::start();
    let key = fixture_key();
    let out = Attempt::new(&env, &key, "/company", COMPANY).run(&env);
    assert_eq!(out.status, 200);
    let run = doctor(&env, &out, &[]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout
            .contains("✓ ok: The x-sign verifies locally over exactly the bytes sent (private.pem"),
        "{run:?}"
    );
}

#[test]
fn body_bytes_a_trailing_newline() {
    let env = Env::start();
    let key = fixture_key();
    let mut a = Attempt::new(&env, &key, "/company", COMPANY);
    a.sent_body = [COMPANY, b"\n"].concat();
    let run = tamper(&env, &a, "signature", &[]);
    assert_eq!(
        cause_line(&run),
        "✗ cause: A trailing newline was added to the body after signing",
        "{run:?}"
    );
    assert!(
        run.stdout
            .contains(&format!("body bytes differ from offset {}", COMPANY.len())),
        "{run:?}"
    );
    assert!(run.stdout.contains("\\n"), "{run:?}");
}

#[test]
fn reformatted_json() {
    let env = Env::start();
    let key = fixture_key();
    let mut a = Attempt::new(&env, &key, "/company", COMPANY);
    a.sent_body = pretty(b"  ");
    let run = tamper(&env, &a, "signature", &[]);
    assert_eq!(
        cause_line(&run),
        "✗ cause: The body was signed compact but sent pretty-printed",
        "{run:?}"
    );
}

#[test]
fn tab_indented_json() {
    let env = Env::start();
    let key = fixture_key();
    let mut a = Attempt::new(&env, &key, "/company", COMPANY);
    a.sent_body = pretty(b"\t");
    let run = tamper(&env, &a, "signature", &[]);
    assert_eq!(
        cause_line(&run),
        "✗ cause: The body sent is the same JSON re-indented with tabs",
        "{run:?}"
    );
    assert!(run.stdout.contains("{\\n\\t\"name\""), "{run:?}");
}

#[test]
fn keys_reordered_given_the_signed_body() {
    let env = Env::start();
    let key = fixture_key();
    let mut a = Attempt::new(&env, &key, "/company", COMPANY);
    a.sent_body =
        br#"{"city":"Paris","name":"ACME Corp","country":"FR","domain":"","ref":"9827feec"}"#
            .to_vec();
    let signed = env.write("signed.json", COMPANY);
    let run = tamper(
        &env,
        &a,
        "signature",
        &["--body-file", signed.to_str().unwrap()],
    );
    assert_eq!(
        cause_line(&run),
        "✗ cause: The body sent is the same JSON with its keys in another order",
        "{run:?}"
    );
}

#[test]
fn url_variants_found_from_the_curl_command_alone() {
    let env = Env::start();
    let key = fixture_key();
    let base = env.base_url();
    let https = base.replacen("http://", "https://", 1);
    let no_prefix = base.trim_end_matches("/api/v1/p").to_string();
    let cases = [
        // (signed, sent, the mock's answer, cause)
        (
            format!("{https}/assets"),
            format!("{base}/assets"),
            "signature",
            "The URL was signed with https:// but sent with http://",
        ),
        (
            format!("{base}/assets"),
            format!("{base}/assets/"),
            "signature",
            "The URL sent has a trailing slash the signed one lacks",
        ),
        // The mock routes before it authenticates: outside /api/v1/p is a 404.
        (
            format!("{base}/assets"),
            format!("{no_prefix}/assets"),
            "404",
            "The URL sent lacks /api/v1/p, which was signed",
        ),
        (
            format!("{base}/company/search?query=ACME+Corp"),
            format!("{base}/company/search?query=ACME%20Corp"),
            "signature",
            "The query string was encoded differently when sent",
        ),
    ];
    for (signed, sent, answer, want) in cases {
        let mut a = Attempt::new(&env, &key, "/assets", b"");
        a.signed_url = signed;
        a.sent_url = sent.clone();
        let run = tamper(&env, &a, answer, &[]);
        assert_eq!(
            cause_line(&run),
            format!("✗ cause: {want}"),
            "{sent}: {run:?}"
        );
        assert!(
            run.stdout.contains("URL bytes differ from offset"),
            "{run:?}"
        );
    }
}

#[test]
fn url_host_given_the_signed_url() {
    let env = Env::start();
    let key = fixture_key();
    let mut a = Attempt::new(&env, &key, "/assets", b"");
    let port = env.mock().addr().port();
    a.signed_url = format!("http://localhost:{port}/api/v1/p/assets");
    let run = tamper(&env, &a, "signature", &["--url", &a.signed_url]);
    assert_eq!(
        cause_line(&run),
        "✗ cause: The URL sent goes to another host than the one signed",
        "{run:?}"
    );
    assert!(
        run.stdout
            .contains("host: signed localhost, sent 127.0.0.1"),
        "{run:?}"
    );
}

#[test]
fn stale_timestamp_measured_with_the_server_date() {
    let env = Env::start();
    let key = fixture_key();
    let mut a = Attempt::new(&env, &key, "/assets", b"");
    a.value = AuthValue::Timestamp(now_unix() - 100);
    let run = tamper(&env, &a, "timestamp", &[]);
    let line = cause_line(&run);
    assert!(
        line.starts_with("✗ cause: The timestamp is 10")
            && line.ends_with(" s older than the server's clock"),
        "{run:?}"
    );
    assert!(run.stdout.contains("the server's clock (Date: "), "{run:?}");
}

#[test]
fn nonce_that_did_not_increase() {
    let env = Env::start();
    let key = fixture_key();
    let mut a = Attempt::new(&env, &key, "/assets", b"");
    a.value = AuthValue::Nonce(5);
    assert_eq!(a.run(&env).status, 200);
    let run = tamper(&env, &a, "nonce", &["--last-nonce", "5"]);
    assert_eq!(
        cause_line(&run),
        "✗ cause: x-nonce 5 is not above the last nonce used, 5",
        "{run:?}"
    );
    // Without knowing the last nonce, the server's reason still names it.
    let out = a.run(&env);
    let run = doctor(&env, &out, &[]);
    assert_eq!(
        cause_line(&run),
        "✗ cause: The server has already seen this nonce or a higher one for this API key",
        "{run:?}"
    );
}

/// Two senders take nonces from one store; the later one reaches the server first, so the
/// earlier is refused. The doctor, given only the curl command, reads the store and says
/// the nonce was overtaken (issue 10 #22).
#[test]
fn a_nonce_overtaken_by_a_later_one_from_the_same_store() {
    let env = Env::start();
    let key = fixture_key();
    let store = xsign::signing::NonceStore::new(env.path("data").join("nonces"));
    let first = store.take(API_KEY).unwrap();
    let second = store.take(API_KEY).unwrap();
    let mut later = Attempt::new(&env, &key, "/assets", b"");
    later.value = AuthValue::Nonce(second);
    assert_eq!(later.run(&env).status, 200);
    let mut earlier = Attempt::new(&env, &key, "/assets", b"");
    earlier.value = AuthValue::Nonce(first);
    let out = earlier.run(&env);
    assert_eq!((out.status, out.reason.as_deref()), (401, Some("nonce")));
    // Without the server's reason too: the curl command is all the user has.
    for extra in [&["--reason", "nonce"][..], &[]] {
        let mut args = vec!["doctor", "--curl", &out.curl];
        args.extend_from_slice(extra);
        let run = env.xsign(&args);
        assert_eq!(
            cause_line(&run),
            format!(
                "✗ cause: x-nonce {first} was overtaken: nonces up to {second} were handed out here for this API key after it"
            ),
            "{run:?}"
        );
        assert!(run.stdout.contains("one at a time"), "{run:?}");
    }
}

#[test]
fn api_key_with_a_trailing_no_break_space() {
    let env = Env::start();
    let key = fixture_key();
    let mut a = Attempt::new(&env, &key, "/assets", b"");
    a.sent_api_key = format!("{API_KEY}\u{a0}").into_bytes();
    // Not a visible ASCII header value: the mock calls it a header fault.
    let run = tamper(&env, &a, "headers", &[]);
    assert_eq!(
        cause_line(&run),
        "✗ cause: The API key carries whitespace at its end",
        "{run:?}"
    );
    assert!(run.stdout.contains("\\u{a0}"), "{run:?}");
}

#[test]
fn wrong_key_and_unregistered_fingerprint() {
    let env = Env::start();
    let other = generate_key(2048).unwrap();
    let a = Attempt::new(&env, &other, "/company", COMPANY);
    // The doctor checks with the registered key (private.pem in the working directory).
    let run = tamper(&env, &a, "signature", &[]);
    let fp = fixture_key().info().short_fingerprint().to_string();
    assert_eq!(
        cause_line(&run),
        format!("✗ cause: The x-sign does not verify with private.pem ({fp})"),
        "{run:?}"
    );

    // With the key that did sign, the doctor compares it with the registered fingerprint.
    env.write("other.pem", other.to_pkcs1_pem().as_bytes());
    let registered = fixture_key().info().fingerprint.clone();
    let out = a.run(&env);
    let run = doctor(
        &env,
        &out,
        &[
            "--key",
            "other.pem",
            "--registered-fingerprint",
            &registered,
        ],
    );
    assert_eq!(run.code, 6, "{run:?}");
    assert_eq!(
        cause_line(&run),
        "✗ cause: other.pem is not the key registered for this API key",
        "{run:?}"
    );
    assert!(
        run.stdout
            .contains(&format!("Registered:             {registered}")),
        "{run:?}"
    );
}

#[test]
fn a_history_entry_is_diagnosed_from_what_was_recorded() {
    let other = generate_key(2048).unwrap();
    let env = Env::start_with(Default::default(), Some(other.public_key()));
    let body = env.write("company.json", COMPANY);
    let run = env.send(&["POST", "/company", "-d", body.to_str().unwrap()]);
    assert_eq!(run.code, 6, "{run:?}");
    let id = env.history().recent(1).unwrap()[0].id.to_string();
    let run = env.xsign(&["doctor", "--history", &id]);
    assert_eq!(run.code, 6, "{run:?}");
    assert_eq!(
        cause_line(&run),
        "✗ cause: The server holds another public key for this API key",
        "{run:?}"
    );
    assert!(
        run.stdout.contains("✓ ok: The timestamp is within")
            || run
                .stdout
                .contains("✓ ok: The timestamp matches the server's clock"),
        "the recorded Date header is used: {run:?}"
    );

    let run = env.xsign(&["doctor", "--history", "999"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("no history entry 999"), "{run:?}");
}

/// Issue 10 #1: over 64 KiB the history keeps the start of the body and its SHA-256; the
/// doctor then blames nothing on the bytes it does not have, and checks a body given.
#[test]
fn a_history_entry_over_64_kib_is_checked_by_the_body_given() {
    let other = generate_key(2048).unwrap();
    let env = Env::start_with(Default::default(), Some(other.public_key()));
    let big = format!(
        "{{\"name\":\"{}\",\"city\":\"Paris\",\"country\":\"FR\",\"domain\":\"\"}}",
        "A".repeat(100_000)
    );
    let file = env.write("big.json", big.as_bytes());
    let run = env.send(&["POST", "/company", "-d", file.to_str().unwrap()]);
    assert_eq!(run.code, 6, "{run:?}");
    // send's own doctor has the whole body in hand.
    assert!(
        run.stderr
            .contains("✗ cause: The server holds another public key"),
        "{run:?}"
    );
    let id = env.history().recent(1).unwrap()[0].id.to_string();

    let run = env.xsign(&["doctor", "--history", &id]);
    assert!(
        run.stdout.contains("The body sent was kept only in part"),
        "{run:?}"
    );
    assert!(run.stdout.contains("--body-file"), "{run:?}");
    assert!(!run.stdout.contains("✗ cause: The body"), "{run:?}");

    let run = env.xsign(&["doctor", "--history", &id, "--body-file", "big.json"]);
    assert!(
        run.stdout
            .contains("The body given is byte for byte the body sent"),
        "{run:?}"
    );
    assert_eq!(
        cause_line(&run),
        "✗ cause: The server holds another public key for this API key",
        "{run:?}"
    );

    env.write("other.json", format!("{big}\n").as_bytes());
    let run = env.xsign(&["doctor", "--history", &id, "--body-file", "other.json"]);
    assert!(
        run.stdout.contains("The body given is not the body sent"),
        "{run:?}"
    );
}
