//! Shared by the mock's integration tests: a mock on 127.0.0.1:0 with the fixture key
//! registered, and a client that signs with the library and sends with reqwest.
#![allow(dead_code)]

use reqwest::Method;
use std::path::{Path, PathBuf};
use xsign::mock::{MockConfig, MockHandle, MockServer};
use xsign::signing::{AuthValue, PrivateKey, RequestSigner, RsaSigner, now_unix};

pub const API_KEY: &str = "eyJrZXlfaWQiOiJtb2NrLXRlc3QiLCJzYW5kYm94Ijp0cnVlfQ";

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

pub fn private_key() -> PrivateKey {
    PrivateKey::from_file(&fixtures().join("test-rsa2048.pkcs1.pem")).unwrap()
}

pub fn other_key() -> PrivateKey {
    PrivateKey::from_file(&fixtures().join("test-rsa4096.pkcs1.pem")).unwrap()
}

pub async fn start(config: MockConfig) -> MockHandle {
    let mock = MockServer::start(config, "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    mock.register(API_KEY, private_key().public_key());
    mock
}

/// Signs like the reference client and sends exactly the signed bytes.
pub struct Client {
    pub http: reqwest::Client,
    pub signer: RsaSigner,
    pub api_key: String,
    pub base: String,
}

pub struct Reply {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    /// The `detail.reason` of an error answer.
    pub fn reason(&self) -> String {
        self.json()["detail"]["reason"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// Asserts a 1020 with this reason.
    pub fn assert_refused(&self, reason: &str) {
        assert_eq!(self.status, 401, "{}", String::from_utf8_lossy(&self.body));
        let v = self.json();
        assert_eq!(v["code"], 1020);
        assert_eq!(v["msg"], "errPartnerAuth");
        assert_eq!(v["detail"]["reason"], reason, "{v}");
    }
}

impl Client {
    pub fn new(mock: &MockHandle) -> Self {
        Client {
            http: reqwest::Client::builder().no_proxy().build().unwrap(),
            signer: RsaSigner::new(private_key()),
            api_key: API_KEY.to_string(),
            base: mock.base_url(),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Signed with the current timestamp, or the next second when this process already
    /// signed the same request with it (an exact replay, which the mock refuses), as
    /// `http::build_fresh_ticket` does for xsign's own sends.
    pub async fn call(&self, method: &str, path: &str, body: &[u8]) -> Reply {
        let url = self.url(path);
        let t = fresh_timestamp(method, &url, body);
        self.signed(method, &url, body, AuthValue::Timestamp(t))
            .await
    }

    pub async fn signed(&self, method: &str, url: &str, body: &[u8], value: AuthValue) -> Reply {
        let signed = self.signer.sign(method, url, body, value);
        let mut headers = vec![("x-api-key".to_string(), self.api_key.clone())];
        for (name, v) in signed.headers() {
            headers.push((name.to_string(), v));
        }
        self.raw(method, url, body, &headers).await
    }

    /// Sends with exactly these headers (and no others of ours).
    pub async fn raw(
        &self,
        method: &str,
        url: &str,
        body: &[u8],
        headers: &[(String, String)],
    ) -> Reply {
        let mut req = self
            .http
            .request(Method::from_bytes(method.as_bytes()).unwrap(), url)
            .body(body.to_vec());
        for (n, v) in headers {
            req = req.header(n.as_str(), v.as_str());
        }
        let resp = req.send().await.unwrap();
        Reply {
            status: resp.status().as_u16(),
            headers: resp.headers().clone(),
            body: resp.bytes().await.unwrap().to_vec(),
        }
    }

    /// Creates a company, a fund with one BTC-TESTNET wallet and a core client: what a
    /// transfer needs. Returns (company_id, wallet_id, client_id).
    pub async fn setup_transfer(&self) -> (String, String, String) {
        let c = self
            .call(
                "POST",
                "/company",
                br#"{"name":"ACME Corp","city":"Paris","country":"FR","domain":"acme.com"}"#,
            )
            .await;
        assert_eq!(c.status, 200);
        let company = c.json()["company_id"].as_str().unwrap().to_string();
        let f = self
            .call(
                "POST",
                &format!("/company/{company}/fund"),
                br#"{"name":"Fund 1","wallets":[{"name":"w1","asset":"BTC-TESTNET"}]}"#,
            )
            .await;
        assert_eq!(f.status, 200, "{}", String::from_utf8_lossy(&f.body));
        let fund = f.json()["fund_id"].as_str().unwrap().to_string();
        let detail = self
            .call("GET", &format!("/company/{company}/fund/{fund}"), b"")
            .await;
        let wallet = detail.json()["wallets"][0]["wallet_id"]
            .as_str()
            .unwrap()
            .to_string();
        let cc = self
            .call("POST", "/coreclient", br#"{"name":"approver"}"#)
            .await;
        assert_eq!(cc.status, 200);
        let client = cc.json()["id"].as_str().unwrap().to_string();
        (company, wallet, client)
    }
}

fn fresh_timestamp(method: &str, url: &str, body: &[u8]) -> i64 {
    use std::collections::HashMap;
    use std::sync::Mutex;
    // The method is not signed, so it is not part of what must differ.
    let _ = method;
    type Given = HashMap<(String, Vec<u8>), i64>;
    static GIVEN: Mutex<Option<Given>> = Mutex::new(None);
    let mut given = GIVEN.lock().unwrap();
    let given = given.get_or_insert_with(HashMap::new);
    let key = (url.to_string(), body.to_vec());
    let now = now_unix();
    let t = given.get(&key).map_or(now, |last| now.max(last + 1));
    given.insert(key, t);
    t
}
