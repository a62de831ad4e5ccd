//! The mock judges signatures as the server does: every check, every reason.

mod mock_support;

use mock_support::{API_KEY, Client, other_key, private_key, start};
use std::io::{Read, Write};
use xsign::mock::{MockConfig, Reason};
use xsign::signing::{AuthValue, Payload, RequestSigner, RsaSigner, now_unix};

fn headers(api_key: &str, value: AuthValue, x_sign: &str) -> Vec<(String, String)> {
    vec![
        ("x-api-key".into(), api_key.into()),
        (value.header_name().into(), value.to_string()),
        ("x-sign".into(), x_sign.into()),
    ]
}

#[tokio::test]
async fn a_signed_request_is_accepted_and_answers_with_date_and_hash() {
    let mock = start(MockConfig::default()).await;
    let c = Client::new(&mock);
    let url = c.url("/assets");
    let value = AuthValue::Timestamp(now_unix());
    let r = c.signed("GET", &url, b"", value).await;
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    assert!(r.json()["assets"].as_array().unwrap().len() > 3);
    assert!(
        r.headers.contains_key("date"),
        "Date header for the doctor's clock check"
    );
    assert_eq!(
        r.headers["x-mock-payload-sha256"].to_str().unwrap(),
        Payload::new(value, &url, b"").hash_hex()
    );
}

#[tokio::test]
async fn tampered_body_url_timestamp_and_key_get_their_reason() {
    let mock = start(MockConfig::default()).await;
    let c = Client::new(&mock);
    let now = now_unix();
    let url = c.url("/company");
    let body = br#"{"name":"ACME Corp","city":"Paris","country":"FR","domain":"","ref":"t-1"}"#;

    // Body: one byte more (a trailing newline) than what was signed.
    let s = c.signer.sign("POST", &url, body, AuthValue::Timestamp(now));
    let mut sent = body.to_vec();
    sent.push(b'\n');
    c.raw(
        "POST",
        &url,
        &sent,
        &headers(API_KEY, s.value, s.x_sign.as_str()),
    )
    .await
    .assert_refused("signature");
    // Same JSON value, other bytes (reformatted).
    let pretty =
        serde_json::to_vec_pretty(&serde_json::from_slice::<serde_json::Value>(body).unwrap())
            .unwrap();
    c.raw(
        "POST",
        &url,
        &pretty,
        &headers(API_KEY, s.value, s.x_sign.as_str()),
    )
    .await
    .assert_refused("signature");

    // URL: signed for one query, sent with another; signed with localhost, sent to 127.0.0.1;
    // signed https, sent http; a trailing slash.
    let signed_url = c.url("/company/search?query=ACME");
    let s = c
        .signer
        .sign("GET", &signed_url, b"", AuthValue::Timestamp(now));
    let h = headers(API_KEY, s.value, s.x_sign.as_str());
    c.raw("GET", &c.url("/company/search?query=acme"), b"", &h)
        .await
        .assert_refused("signature");
    let port = mock.addr().port();
    for signed in [
        format!("http://localhost:{port}/api/v1/p/assets"),
        format!("https://127.0.0.1:{port}/api/v1/p/assets"),
        format!("http://127.0.0.1:{port}/api/v1/p/assets/"),
        "/api/v1/p/assets".to_string(),
    ] {
        let s = c
            .signer
            .sign("GET", &signed, b"", AuthValue::Timestamp(now));
        c.raw(
            "GET",
            &c.url("/assets"),
            b"",
            &headers(API_KEY, s.value, s.x_sign.as_str()),
        )
        .await
        .assert_refused("signature");
    }

    // Timestamp: an hour old, an hour ahead, in milliseconds; a header changed after signing.
    for t in [now - 3600, now + 3600, now * 1000] {
        c.signed("GET", &c.url("/assets"), b"", AuthValue::Timestamp(t))
            .await
            .assert_refused("timestamp");
    }
    let s = c
        .signer
        .sign("GET", &c.url("/assets"), b"", AuthValue::Timestamp(now - 1));
    c.raw(
        "GET",
        &c.url("/assets"),
        b"",
        &headers(API_KEY, AuthValue::Timestamp(now), s.x_sign.as_str()),
    )
    .await
    .assert_refused("signature");

    // API key: unknown, or the right one with another key's signature.
    let s = c
        .signer
        .sign("GET", &c.url("/assets"), b"", AuthValue::Timestamp(now));
    c.raw(
        "GET",
        &c.url("/assets"),
        b"",
        &headers("not-registered", s.value, s.x_sign.as_str()),
    )
    .await
    .assert_refused("apikey");
    let stranger = RsaSigner::new(other_key());
    let s = stranger.sign("GET", &c.url("/assets"), b"", AuthValue::Timestamp(now));
    c.raw(
        "GET",
        &c.url("/assets"),
        b"",
        &headers(API_KEY, s.value, s.x_sign.as_str()),
    )
    .await
    .assert_refused("signature");
}

#[tokio::test]
async fn skew_window_is_inclusive_and_configurable() {
    let mock = start(MockConfig {
        skew_secs: 5,
        ..Default::default()
    })
    .await;
    let c = Client::new(&mock);
    let now = now_unix();
    // A second may tick between signing and judging: stay one second inside the edge.
    let r = c
        .signed("GET", &c.url("/assets"), b"", AuthValue::Timestamp(now - 4))
        .await;
    assert_eq!(r.status, 200);
    c.signed(
        "GET",
        &c.url("/assets"),
        b"",
        AuthValue::Timestamp(now - 20),
    )
    .await
    .assert_refused("timestamp");
    c.signed(
        "GET",
        &c.url("/assets"),
        b"",
        AuthValue::Timestamp(now + 20),
    )
    .await
    .assert_refused("timestamp");
}

#[tokio::test]
async fn nonces_must_increase_and_a_replay_is_refused() {
    let mock = start(MockConfig::default()).await;
    let c = Client::new(&mock);
    let url = c.url("/assets");
    assert_eq!(
        c.signed("GET", &url, b"", AuthValue::Nonce(100))
            .await
            .status,
        200
    );
    assert_eq!(mock.last_nonce(API_KEY), Some(100));
    // The very same request again.
    c.signed("GET", &url, b"", AuthValue::Nonce(100))
        .await
        .assert_refused("nonce");
    c.signed("GET", &url, b"", AuthValue::Nonce(99))
        .await
        .assert_refused("nonce");
    // A forged request with a high nonce does not use it up.
    let s = c.signer.sign("GET", &url, b"", AuthValue::Nonce(1000));
    c.raw(
        "GET",
        &url,
        b"x",
        &headers(API_KEY, s.value, s.x_sign.as_str()),
    )
    .await
    .assert_refused("signature");
    assert_eq!(
        c.signed("GET", &url, b"", AuthValue::Nonce(101))
            .await
            .status,
        200
    );
    // Timestamps are not replay-protected by the reference scheme.
    let t = AuthValue::Timestamp(now_unix());
    assert_eq!(c.signed("GET", &url, b"", t).await.status, 200);
    assert_eq!(c.signed("GET", &url, b"", t).await.status, 200);
}

#[tokio::test]
async fn missing_doubled_or_malformed_headers_are_headers() {
    let mock = start(MockConfig::default()).await;
    let c = Client::new(&mock);
    let url = c.url("/assets");
    let now = now_unix();
    let s = c.signer.sign("GET", &url, b"", AuthValue::Timestamp(now));
    let key = ("x-api-key".to_string(), API_KEY.to_string());
    let ts = ("x-timestamp".to_string(), now.to_string());
    let sign = ("x-sign".to_string(), s.x_sign.to_string());
    let nonce = ("x-nonce".to_string(), "5".to_string());
    for (label, h) in [
        ("no x-sign", vec![key.clone(), ts.clone()]),
        ("no x-api-key", vec![ts.clone(), sign.clone()]),
        ("neither value", vec![key.clone(), sign.clone()]),
        (
            "both values",
            vec![key.clone(), ts.clone(), nonce.clone(), sign.clone()],
        ),
        (
            "x-sign twice",
            vec![key.clone(), ts.clone(), sign.clone(), sign.clone()],
        ),
        ("nothing", vec![]),
    ] {
        let r = c.raw("GET", &url, b"", &h).await;
        assert_eq!(r.status, 401, "{label}");
        r.assert_refused("headers");
    }
    // A value that is not the plain number that was signed.
    let zero = vec![
        key.clone(),
        ("x-timestamp".into(), format!("0{now}")),
        sign.clone(),
    ];
    c.raw("GET", &url, b"", &zero)
        .await
        .assert_refused("timestamp");
    // Standard base64 instead of base64url.
    let std_b64 = s.x_sign.as_str().replace('-', "+").replace('_', "/") + "==";
    let h = vec![key.clone(), ts.clone(), ("x-sign".into(), std_b64)];
    c.raw("GET", &url, b"", &h)
        .await
        .assert_refused("signature");
}

#[tokio::test]
async fn keys_registered_while_running_take_effect_and_are_listed() {
    let mock = start(MockConfig::default()).await;
    let mut c = Client::new(&mock);
    c.api_key = "second-key".into();
    c.signer = RsaSigner::new(other_key());
    c.call("GET", "/assets", b"").await.assert_refused("apikey");
    assert!(mock.fingerprints("second-key").is_empty());
    mock.register("second-key", other_key().public_key());
    assert_eq!(c.call("GET", "/assets", b"").await.status, 200);
    assert_eq!(
        mock.fingerprints("second-key"),
        vec![other_key().info().fingerprint.clone()]
    );
    // Two keys for one API key (rotation): both verify.
    mock.register("second-key", private_key().public_key());
    c.signer = RsaSigner::new(private_key());
    assert_eq!(c.call("GET", "/assets", b"").await.status, 200);
    assert_eq!(mock.fingerprints("second-key").len(), 2);
}

#[tokio::test]
async fn verdicts_are_published_with_what_was_signed() {
    let mock = start(MockConfig::default()).await;
    let mut verdicts = mock.verdicts();
    let c = Client::new(&mock);
    c.signed("GET", &c.url("/assets"), b"", AuthValue::Timestamp(1))
        .await
        .assert_refused("timestamp");
    let v = verdicts.recv().await.unwrap();
    assert_eq!(v.reason(), Some(Reason::Timestamp));
    assert_eq!(v.url.as_deref(), Some(c.url("/assets").as_str()));
    assert!(
        v.failure
            .as_ref()
            .unwrap()
            .detail
            .contains("behind the server clock")
    );
    let p = v.payload.as_ref().unwrap();
    assert_eq!(p.as_bytes(), format!("1{}", c.url("/assets")).as_bytes());
}

/// Raw bytes on the socket: the request target reaches the judge exactly as sent.
fn raw_http(addr: std::net::SocketAddr, request: &[u8]) -> String {
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    s.write_all(request).unwrap();
    let mut out = Vec::new();
    s.read_to_end(&mut out).unwrap();
    String::from_utf8_lossy(&out).into_owned()
}

#[tokio::test]
async fn request_target_is_not_decoded_or_re_encoded() {
    let mock = start(MockConfig::default()).await;
    let signer = RsaSigner::new(private_key());
    let addr = mock.addr();
    let host = format!("127.0.0.1:{}", addr.port());
    let target = "/api/v1/p/company/search?query=a%2fb+c%7E&x=%C3%A9";
    let now = now_unix();
    let request = |signed_url: &str| {
        let s = signer.sign("GET", signed_url, b"", AuthValue::Timestamp(now));
        format!(
            "GET {target} HTTP/1.1\r\nHost: {host}\r\nx-api-key: {API_KEY}\r\nx-timestamp: {now}\r\nx-sign: {}\r\nConnection: close\r\n\r\n",
            s.x_sign
        )
    };
    let exact = request(&format!("http://{host}{target}"));
    let answer = tokio::task::spawn_blocking(move || raw_http(addr, exact.as_bytes()));
    let answer = answer.await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");

    let decoded = format!("http://{host}/api/v1/p/company/search?query=a/b c~&x=é");
    let signer = RsaSigner::new(private_key());
    let s = signer.sign("GET", &decoded, b"", AuthValue::Timestamp(now));
    let req = format!(
        "GET {target} HTTP/1.1\r\nHost: {host}\r\nx-api-key: {API_KEY}\r\nx-timestamp: {now}\r\nx-sign: {}\r\nConnection: close\r\n\r\n",
        s.x_sign
    );
    let answer = tokio::task::spawn_blocking(move || raw_http(addr, req.as_bytes()))
        .await
        .unwrap();
    assert!(answer.starts_with("HTTP/1.1 401"), "{answer}");
    assert!(answer.contains(r#""reason":"signature""#), "{answer}");

    // No Host header at all (HTTP/1.0): the URL cannot be rebuilt.
    let req = format!(
        "GET /api/v1/p/assets HTTP/1.0\r\nx-api-key: {API_KEY}\r\nx-timestamp: {now}\r\nx-sign: AAAA\r\n\r\n"
    );
    let answer = tokio::task::spawn_blocking(move || raw_http(addr, req.as_bytes()))
        .await
        .unwrap();
    assert!(answer.contains(r#""reason":"headers""#), "{answer}");
}

/// The mock binds the host it is addressed by and the scheme of the route: a signature over
/// another host (absolute-form target) or over `ws://` for a REST route does not pass.
/// (Blocking socket calls on the test thread: the mock runs on the other workers.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_signed_url_must_name_this_host_and_the_routes_scheme() {
    let mock = start(MockConfig::default()).await;
    let signer = RsaSigner::new(private_key());
    let addr = mock.addr();
    let host = format!("127.0.0.1:{}", addr.port());
    let now = now_unix();
    let send = |target: &str, signed_url: &str, extra: &str| {
        let s = signer.sign("GET", signed_url, b"", AuthValue::Timestamp(now));
        let req = format!(
            "GET {target} HTTP/1.1\r\nHost: {host}\r\nx-api-key: {API_KEY}\r\nx-timestamp: {now}\r\nx-sign: {}\r\n{extra}Connection: close\r\n\r\n",
            s.x_sign
        );
        raw_http(addr, req.as_bytes())
    };
    let evil = "http://evil.example/api/v1/p/assets";
    let answer = send(evil, evil, "");
    assert!(answer.starts_with("HTTP/1.1 401"), "{answer}");
    assert!(answer.contains(r#""reason":"headers""#), "{answer}");
    assert!(
        answer.contains("not a proxy"),
        "x-mock-detail says why: {answer}"
    );
    // Absolute form naming this very host is fine.
    let own = format!("http://{host}/api/v1/p/assets");
    assert!(send(&own, &own, "").starts_with("HTTP/1.1 200"));

    // Upgrade alone (no `Connection: Upgrade`), so the answer ends with the connection.
    let upgrade = "Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
    let answer = send(
        "/api/v1/p/assets",
        &format!("ws://{host}/api/v1/p/assets"),
        upgrade,
    );
    assert!(answer.starts_with("HTTP/1.1 401"), "{answer}");
    assert!(answer.contains(r#""reason":"signature""#), "{answer}");
    assert!(answer.contains("signed over http://"), "{answer}");
    let answer = send("/api/v1/p/assets", &own, upgrade);
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}

mod qredo_v1 {
    //! The Qredo API v1 under /qapi/v1: HMAC judged exactly, each mistake named.
    use super::mock_support::{API_KEY, Client, start};
    use base64::Engine;
    use xsign::mock::MockConfig;
    use xsign::secret::QredoSecret;
    use xsign::signing::{AuthValue, HmacV1Signer, RequestSigner, hmac_sha256_b64url, now_unix};

    /// Four of `-`/`_`, so Python's `base64.b64decode` drops them and still decodes.
    const SECRET: &str = "ab-_cd-_efghijklmnopqrstuvwxyz0123456789";
    const QKEY: &str = "qredo-test-key-0123456789";

    struct Q {
        c: Client,
        base: String,
        secret: QredoSecret,
        _mock: xsign::mock::MockHandle,
    }

    async fn q() -> Q {
        let mock = start(MockConfig::default()).await;
        let secret = QredoSecret::parse(SECRET).unwrap();
        mock.register_qredo(QKEY, secret.clone());
        Q {
            c: Client::new(&mock),
            base: mock.qapi_v1_url(),
            secret,
            _mock: mock,
        }
    }

    impl Q {
        async fn send(
            &self,
            method: &str,
            path: &str,
            body: &[u8],
            ts: &str,
            sig: &str,
        ) -> super::mock_support::Reply {
            let headers = vec![
                ("qredo-api-key".to_string(), QKEY.to_string()),
                ("qredo-api-ts".to_string(), ts.to_string()),
                ("qredo-api-sig".to_string(), sig.to_string()),
            ];
            self.c
                .raw(method, &format!("{}{path}", self.base), body, &headers)
                .await
        }

        async fn signed(
            &self,
            method: &str,
            path: &str,
            body: &[u8],
        ) -> super::mock_support::Reply {
            let ts = now_unix();
            let url = format!("{}{path}", self.base);
            let s = HmacV1Signer::new(self.secret.clone()).sign(
                method,
                &url,
                body,
                AuthValue::Timestamp(ts),
            );
            self.send(method, path, body, &ts.to_string(), s.x_sign.as_str())
                .await
        }

        /// Sends `method path body`, signed over `parts` with `key` (a mistake), and
        /// returns the reason the mock gives.
        async fn mistaken(
            &self,
            method: &str,
            path: &str,
            body: &[u8],
            key: &[u8],
            parts: &[&[u8]],
            ts: &str,
        ) -> String {
            let sig = hmac_sha256_b64url(key, parts);
            let r = self.send(method, path, body, ts, sig.as_str()).await;
            assert_eq!(r.status, 401, "{}", String::from_utf8_lossy(&r.body));
            let v = r.json();
            assert_eq!(v["msg"], "Unauthorized", "the API's error shape: {v}");
            assert_eq!(v["code"], "401");
            assert_eq!(r.headers["x-mock-detail"].to_str().unwrap(), r.reason());
            r.reason()
        }
    }

    #[tokio::test]
    async fn signed_requests_get_the_openapi_shapes() {
        let q = q().await;
        let r = q.signed("GET", "/balance", b"").await;
        assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
        assert_eq!(r.json()["assets"]["ETH"]["total"], 2000);
        assert!(q.signed("GET", "/account", b"").await.json()["settings"]["accountID"].is_string());
        let funds = q.signed("GET", "/funds?archived=true", b"").await.json();
        let id = funds["funds"][0]["fundID"].as_str().unwrap().to_string();
        assert_eq!(funds["total"], 2);
        let fund = q.signed("GET", &format!("/funds/{id}"), b"").await;
        assert_eq!(fund.json()["fundInfo"]["fund_id"], id.as_str());
        assert_eq!(q.signed("GET", "/funds/nope", b"").await.status, 404);
        let tx = q
            .signed(
                "POST",
                "/transaction",
                br#"{"from":"0x1","to":"0x2","value":"5","gasLimit":"21000"}"#,
            )
            .await;
        assert_eq!(tx.status, 200, "{}", String::from_utf8_lossy(&tx.body));
        let tx_id = tx.json()["txID"].as_str().unwrap().to_string();
        let st = q
            .signed("GET", &format!("/transactions/{tx_id}/status"), b"")
            .await;
        assert_eq!(st.json()["status"], "pending");
        assert_eq!(st.json()["value"], "5");
        let bad = q.signed("POST", "/transaction", br#"{"from":"0x1"}"#).await;
        assert_eq!(bad.status, 400);
        assert!(bad.reason().contains("to is required"), "{}", bad.reason());
    }

    #[tokio::test]
    async fn each_mistake_is_named_from_a_real_failing_request() {
        let q = q().await;
        let now = now_unix().to_string();
        let key = q.secret.key().to_vec();
        let url = |p: &str| format!("{}{p}", q.base);
        let (bal, tx) = (url("/balance"), url("/transaction"));
        let (ts, get, post) = (now.as_bytes(), b"GET".as_slice(), b"POST".as_slice());

        let why = q
            .mistaken("GET", "/balance", b"", &key, &[ts, bal.as_bytes()], &now)
            .await;
        assert!(why.contains("method-missing"), "{why}");

        let why = q
            .mistaken(
                "POST",
                "/balance",
                b"",
                &key,
                &[ts, get, bal.as_bytes()],
                &now,
            )
            .await;
        assert!(
            why.contains("covers the method GET but the request was sent as POST"),
            "{why}"
        );

        // What Python's b64decode gives: the alphabet's other characters dropped.
        let kept: String = SECRET
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect();
        let wrong = base64::engine::general_purpose::STANDARD
            .decode(kept)
            .unwrap();
        let why = q
            .mistaken(
                "GET",
                "/balance",
                b"",
                &wrong,
                &[ts, get, bal.as_bytes()],
                &now,
            )
            .await;
        assert!(
            why.contains("standard base64") && why.contains("drops `-` and `_`"),
            "{why}"
        );

        let ms = format!("{now}000");
        let why = q
            .mistaken(
                "GET",
                "/balance",
                b"",
                &key,
                &[ms.as_bytes(), get, bal.as_bytes()],
                &ms,
            )
            .await;
        assert!(why.contains("milliseconds"), "{why}");
        let ns = format!("{now}000000000");
        let why = q
            .mistaken(
                "GET",
                "/balance",
                b"",
                &key,
                &[ns.as_bytes(), get, bal.as_bytes()],
                &ns,
            )
            .await;
        assert!(why.contains("nanoseconds"), "{why}");

        let compact = br#"{"from":"0x1","to":"0x2","value":"5","gasLimit":"21000"}"#;
        let dumped = br#"{"from": "0x1", "to": "0x2", "value": "5", "gasLimit": "21000"}"#;
        let why = q
            .mistaken(
                "POST",
                "/transaction",
                compact,
                &key,
                &[ts, post, tx.as_bytes(), dumped],
                &now,
            )
            .await;
        assert!(why.contains("json.dumps"), "{why}");

        let why = q
            .mistaken(
                "GET",
                "/balance",
                b"",
                b"not the secret",
                &[ts, get, bal.as_bytes()],
                &now,
            )
            .await;
        assert!(
            why.contains("invalid signature: qredo-api-sig is not HMAC-SHA256"),
            "{why}"
        );
    }

    #[tokio::test]
    async fn a_request_signed_for_the_other_api_names_the_mixed_up_scheme() {
        let q = q().await;
        // Partner API headers on a v1 URL.
        let r =
            q.c.signed(
                "GET",
                &format!("{}/balance", q.base),
                b"",
                AuthValue::Timestamp(now_unix()),
            )
            .await;
        assert_eq!(r.status, 401);
        assert!(
            r.reason().contains("Partner API request") && r.reason().contains("partner-rsa"),
            "{}",
            r.reason()
        );
        // v1 headers on a Partner API URL.
        let url = q.c.url("/assets");
        let ts = now_unix();
        let s =
            HmacV1Signer::new(q.secret.clone()).sign("GET", &url, b"", AuthValue::Timestamp(ts));
        let mut headers = vec![
            ("qredo-api-key".to_string(), QKEY.to_string()),
            ("x-api-key".to_string(), API_KEY.to_string()),
        ];
        for (n, v) in s.headers() {
            headers.push((n.to_string(), v));
        }
        let r = q.c.raw("GET", &url, b"", &headers).await;
        assert_eq!(r.status, 401);
        let detail = r.headers["x-mock-detail"].to_str().unwrap().to_string();
        assert!(detail.contains("signed with qredo-v1"), "{detail}");
    }
}

#[tokio::test]
async fn an_exact_replay_of_a_change_is_refused_a_repeated_read_is_not() {
    let mock = start(MockConfig::default()).await;
    let c = Client::new(&mock);
    let value = AuthValue::Timestamp(now_unix());
    let url = c.url("/company");
    let body =
        br#"{"name":"Replay Co","city":"Paris","country":"FR","domain":"","ref":"replay-1"}"#;
    let first = c.signed("POST", &url, body, value).await;
    assert_eq!(
        first.status,
        200,
        "{}",
        String::from_utf8_lossy(&first.body)
    );
    // The same bytes, the same x-sign: a second company is not made.
    let again = c.signed("POST", &url, body, value).await;
    again.assert_refused("replay");
    let detail = again.headers["x-mock-detail"].to_str().unwrap();
    assert!(
        detail.contains("exact request") && detail.contains("--allow-replays"),
        "{detail}"
    );
    // The method is not signed: a DELETE over the same URL and body is the same x-sign.
    c.signed("DELETE", &url, body, value)
        .await
        .assert_refused("replay");
    // Reads repeat harmlessly (a poll, a feed reconnecting in the same second).
    let assets = c.url("/assets");
    for _ in 0..3 {
        assert_eq!(c.signed("GET", &assets, b"", value).await.status, 200);
    }
    // Signed again (the next second), it is a new request.
    let next = AuthValue::Timestamp(now_unix() + 1);
    assert_eq!(
        c.signed("POST", &url, body, next).await.status,
        409,
        "the ref is taken"
    );

    let open = start(MockConfig {
        refuse_replays: false,
        ..MockConfig::default()
    })
    .await;
    let c = Client::new(&open);
    let url = c.url("/company");
    assert_eq!(c.signed("POST", &url, body, value).await.status, 200);
    assert_eq!(c.signed("POST", &url, body, value).await.status, 409);
}

mod qredo_v2 {
    //! The Qredo API v2 token flow against the mock: the token fetched once through the
    //! pipeline (and recorded), reused, refreshed after its exp, cached 0600; a forged
    //! token refused and named by the doctor.
    use super::mock_support::start;
    use std::sync::{Arc, Mutex};
    use xsign::diagnose::qredo_doctor::{self, QredoEvidence};
    use xsign::http::{self, Credentials, Origin, Recorder, RequestSpec, TokenSource};
    use xsign::mock::MockConfig;
    use xsign::secret::QredoSecret;
    use xsign::signing::jwt::{hs256_encode, read_claims};
    use xsign::signing::{AuthMode, HmacV1Signer, RequestSigner, now_unix};
    use xsign::store::token::{CachedToken, TokenCache};
    use xsign::store::{HistoryEntry, StoreError};

    const QKEY: &str = "qredo-v2-test-key-0123456789";

    /// Keeps every entry, so a test counts the token fetches among them.
    #[derive(Default)]
    struct Kept(Mutex<Vec<HistoryEntry>>);

    impl Recorder for Kept {
        fn record(&self, mut entry: HistoryEntry) -> Result<HistoryEntry, StoreError> {
            let mut v = self.0.lock().unwrap();
            entry.id = v.len() as u64 + 1;
            v.push(entry.clone());
            Ok(entry)
        }
    }

    impl Kept {
        fn urls(&self) -> Vec<String> {
            self.0
                .lock()
                .unwrap()
                .iter()
                .map(|e| e.url.clone())
                .collect()
        }
    }

    struct V2 {
        source: TokenSource,
        creds: Credentials,
        client: reqwest::Client,
        _dir: tempfile::TempDir,
        _mock: xsign::mock::MockHandle,
    }

    async fn v2(ttl: i64) -> V2 {
        let mock = start(MockConfig {
            token_ttl_secs: ttl,
            ..MockConfig::default()
        })
        .await;
        let secret = QredoSecret::generate();
        mock.register_qredo(QKEY, secret.clone());
        let dir = tempfile::tempdir().unwrap();
        let signer: Arc<dyn RequestSigner> = Arc::new(HmacV1Signer::v2(secret));
        V2 {
            source: TokenSource {
                profile: "qredo-v2-test".into(),
                base_url: mock.qapi_v2_url(),
                workspace: "ws1".into(),
                api_key: QKEY.into(),
                signer: signer.clone(),
                cache: TokenCache::new(dir.path().join("tokens")),
            },
            creds: Credentials {
                api_key: QKEY.into(),
                signer: Some(signer),
                mode: AuthMode::Timestamp,
            },
            client: http::client().unwrap(),
            _dir: dir,
            _mock: mock,
        }
    }

    impl V2 {
        async fn call(&self, path: &str, kept: &Kept) -> (bool, u16, http::Exchange) {
            let spec = RequestSpec::new(
                reqwest::Method::GET,
                format!("{}{path}", self.source.base_url),
                Vec::new(),
            );
            let origin = Origin {
                profile: self.source.profile.clone(),
                ..Origin::default()
            };
            let (token, ex) = http::execute_with_token(
                &self.client,
                &self.source,
                &spec,
                &self.creds,
                std::time::Duration::from_secs(10),
                &origin,
                kept,
                std::future::pending(),
            )
            .await
            .unwrap();
            let status = ex.response().map_or(0, |r| r.status);
            (token.fetch.is_some(), status, ex)
        }
    }

    #[tokio::test]
    async fn the_token_is_fetched_once_reused_then_refreshed_after_its_exp() {
        let v = v2(4).await;
        let kept = Kept::default();
        let (fetched, status, first) = v.call("/workspaces/ws1/wallets", &kept).await;
        assert!(fetched && status == 200, "{:?}", first.response());
        let (fetched, status, _) = v.call("/workspaces/ws1/balances", &kept).await;
        assert!(!fetched && status == 200, "the cached token is reused");
        let urls = kept.urls();
        assert_eq!(urls.len(), 3, "{urls:?}");
        assert!(
            urls[0].ends_with("/api/v2/workspaces/ws1/token"),
            "{urls:?}"
        );
        assert!(
            kept.0.lock().unwrap()[1]
                .request_headers
                .iter()
                .any(|(n, v)| n == "x-token" && v.starts_with("****"))
        );

        let path = v.source.cache.path("qredo-v2-test", QKEY);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "{}", path.display());
        }
        let cached = v.source.cache.load("qredo-v2-test", QKEY).unwrap();
        assert_eq!(Some(cached.token.as_str()), first.ticket.token());

        // Wait (bounded) until the cached token is past its refresh point.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while cached.usable_at(now_unix()) {
            assert!(
                std::time::Instant::now() < deadline,
                "the token never expired"
            );
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        let (fetched, status, third) = v.call("/workspaces/ws1/wallets", &kept).await;
        assert!(
            fetched && status == 200,
            "refreshed: {:?}",
            third.response()
        );
        assert_ne!(third.ticket.token(), first.ticket.token());
        assert_eq!(kept.urls().len(), 5);
    }

    #[tokio::test]
    async fn a_forged_token_is_refused_named_by_the_doctor_and_forgotten() {
        let v = v2(3600).await;
        let kept = Kept::default();
        let now = now_unix();
        let forged = hs256_encode(
            b"not the mock's key",
            &serde_json::json!({"sub": "someone", "wid": "ws1", "iat": now, "exp": now + 600}),
        );
        let cached = CachedToken {
            exp: read_claims(&forged).unwrap().exp,
            token: forged,
            workspace: "ws1".into(),
            base_url: v.source.base_url.clone(),
            fetched_at: now,
            history_id: None,
        };
        v.source.cache.save("qredo-v2-test", QKEY, &cached).unwrap();
        let (fetched, status, ex) = v.call("/workspaces/ws1/wallets", &kept).await;
        assert!(
            !fetched && status == 401,
            "the forged cached token was sent"
        );
        assert!(qredo_doctor::applies(&ex.entry));
        let mut ev = QredoEvidence::from_history(&ex.entry, None, "secret", now_unix());
        ev.token = ex.ticket.token().and_then(|t| read_claims(t).ok());
        let report = qredo_doctor::diagnose(&ev);
        assert!(
            report.verdict.summary.contains("token-forged"),
            "{report:?}"
        );
        assert!(
            ev.server_reason
                .as_deref()
                .unwrap_or("")
                .contains("token-forged"),
            "{:?}",
            ev.server_reason
        );
        // Forgotten: the next send fetches a good one.
        assert!(v.source.cache.load("qredo-v2-test", QKEY).is_none());
        let (fetched, status, _) = v.call("/workspaces/ws1/wallets", &kept).await;
        assert!(fetched && status == 200);
    }
}
