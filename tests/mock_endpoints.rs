//! Every endpoint answers 200 with real state; errors are 400/404/409/413 in the API's
//! shape; state survives a restart with --data.

mod mock_support;
#[path = "mock_walk/mod.rs"]
mod mock_walk;

use mock_support::{API_KEY, Client, Reply, other_key, start};
use serde_json::{Value, json};
use xsign::mock::MockConfig;
use xsign::signing::{AuthValue, RsaSigner};

fn ok(r: &Reply) -> Value {
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    r.json()
}

fn assert_error(r: &Reply, status: u16) {
    assert_eq!(r.status, status, "{}", String::from_utf8_lossy(&r.body));
    let v = r.json();
    assert_eq!(v["code"], status);
    assert!(!v["detail"]["reason"].as_str().unwrap().is_empty(), "{v}");
}

#[tokio::test]
async fn companies_are_created_read_updated_and_searched() {
    let mock = start(MockConfig::default()).await;
    let c = Client::new(&mock);
    let body = br#"{"name":"ACME Corp","city":"Paris","country":"FR","domain":"","ref":"9827feec-4eae-4e80-bda3-daa7c3b97add"}"#;
    let created = ok(&c.call("POST", "/company", body).await);
    let id = created["company_id"].as_str().unwrap().to_string();
    assert_eq!(id.len(), 27, "KSUID-shaped: {id}");
    assert_eq!(created["ref"], "9827feec-4eae-4e80-bda3-daa7c3b97add");
    assert_eq!(created.as_object().unwrap().len(), 2);

    let got = ok(&c.call("GET", &format!("/company/{id}"), b"").await);
    assert_eq!(got["name"], "ACME Corp");
    assert_eq!(got["country"], "FR");

    let put =
        br#"{"name":"ACME Corporation","city":"Lyon","country":"FR","domain":"acme.example"}"#;
    let updated = ok(&c.call("PUT", &format!("/company/{id}"), put).await);
    assert_eq!(updated["company_id"], id.as_str());
    assert_eq!(
        updated["ref"], "9827feec-4eae-4e80-bda3-daa7c3b97add",
        "ref kept"
    );
    let got = ok(&c.call("GET", &format!("/company/{id}"), b"").await);
    assert_eq!(got["city"], "Lyon");
    assert_eq!(got["domain"], "acme.example");

    ok(&c
        .call(
            "POST",
            "/company",
            br#"{"name":"Globex","domain":"globex.example"}"#,
        )
        .await);
    let all = ok(&c.call("GET", "/company/search?query=", b"").await);
    assert_eq!(all["total_count"], 2);
    let found = ok(&c.call("GET", "/company/search?query=acme", b"").await);
    assert_eq!(found["total_count"], 1);
    assert_eq!(
        found["matches"][0],
        json!({"company_id": id, "name": "ACME Corporation", "domain": "acme.example"})
    );
    let spaced = ok(&c
        .call("GET", "/company/search?query=ACME%20Corp", b"")
        .await);
    assert_eq!(spaced["total_count"], 1);
    let none = ok(&c.call("GET", "/company/search?query=initech", b"").await);
    assert_eq!(none, json!({"total_count": 0, "matches": []}));

    // Another API key sees none of it.
    mock.register("other", other_key().public_key());
    let mut other = Client::new(&mock);
    other.api_key = "other".into();
    other.signer = RsaSigner::new(other_key());
    assert_error(
        &other.call("GET", &format!("/company/{id}"), b"").await,
        404,
    );
    assert_eq!(
        ok(&other.call("GET", "/company/search", b"").await)["total_count"],
        0
    );
}

#[tokio::test]
async fn funds_transfers_and_core_client_actions_flow() {
    let mock = start(MockConfig::default()).await;
    let c = Client::new(&mock);
    let assets = ok(&c.call("GET", "/assets", b"").await);
    assert!(
        assets["assets"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["code"] == "BTC-TESTNET")
    );

    let (company, wallet, client) = c.setup_transfer().await;
    let funds = ok(&c
        .call("GET", &format!("/company/{company}/fund/search"), b"")
        .await);
    assert_eq!(funds["total_count"], 1);
    let fund_id = funds["list"][0]["id"].as_str().unwrap().to_string();
    let fund = ok(&c
        .call("GET", &format!("/company/{company}/fund/{fund_id}"), b"")
        .await);
    assert_eq!(fund["name"], "Fund 1");
    assert_eq!(fund["wallets"][0]["asset"], "BTC-TESTNET");
    assert!(
        fund["wallets"][0]["address"]
            .as_str()
            .unwrap()
            .starts_with("tb1q")
    );

    let clients = ok(&c.call("GET", "/coreclient", b"").await);
    assert_eq!(clients["count"], 1);
    assert_eq!(clients["clients"][0]["id"], client.as_str());
    assert!(
        clients["clients"][0]["feed"]
            .as_str()
            .unwrap()
            .starts_with("ws://127.0.0.1:")
    );

    let transfer = json!({
        "wallet_id": wallet,
        "counterparty_wallet_address": "D1h4cyu5MJWDSgo6UczEPmEPAHKZ3vDkNiPXVrs6QuSP",
        "reference": "CX15R99XX",
        "partner_txID": "p-1",
        "send": {"symbol": "BTC", "amount": 800},
    })
    .to_string();
    let tx = ok(&c
        .call(
            "POST",
            &format!("/company/{company}/transfer"),
            transfer.as_bytes(),
        )
        .await);
    assert_eq!(tx["status"], "new");
    let tx_id = tx["tx_id"].as_str().unwrap().to_string();
    // The same partner_txID answers the same transfer.
    let again = ok(&c
        .call(
            "POST",
            &format!("/company/{company}/transfer"),
            transfer.as_bytes(),
        )
        .await);
    assert_eq!(again, json!({"tx_id": tx_id, "status": "existing"}));

    let info = ok(&c
        .call("GET", &format!("/company/{company}/transfer/{tx_id}"), b"")
        .await);
    assert_eq!(info["tx_status"], "pending");
    assert_eq!(info["status_details"]["amount"], 800);

    let actions = ok(&c
        .call("GET", &format!("/coreclient/{client}/actions"), b"")
        .await);
    assert_eq!(actions["count"], 1);
    let action = &actions["actions"][0];
    assert_eq!(action["clientID"], client.as_str());
    assert_eq!(action["type"], "ApproveTransfer");
    assert_eq!(action["status"], "pending");
    let action_id = action["id"].as_str().unwrap().to_string();
    let path = format!("/coreclient/{client}/action/{action_id}");
    let detail = ok(&c.call("GET", &path, b"").await);
    assert_eq!(detail["details"]["txID"], tx_id.as_str());

    let approved = ok(&c.call("PUT", &path, b"").await);
    assert_eq!(approved["status"], "approved");
    let info = ok(&c
        .call("GET", &format!("/company/{company}/transfer/{tx_id}"), b"")
        .await);
    assert_eq!(info["tx_status"], "approved");
    assert_eq!(info["approver_count"], 1);
    assert_eq!(
        ok(&c
            .call("GET", &format!("/coreclient/{client}/actions"), b"")
            .await)["count"],
        0
    );
    // Deciding twice is a conflict.
    assert_error(&c.call("DELETE", &path, b"").await, 409);

    // A second transfer, rejected.
    let t2 = json!({"wallet_id": wallet, "counterparty_wallet_address": "x", "send": {"symbol": "BTC-TESTNET", "amount": "5"}}).to_string();
    let tx2 = ok(&c
        .call(
            "POST",
            &format!("/company/{company}/transfer"),
            t2.as_bytes(),
        )
        .await);
    let tx2 = tx2["tx_id"].as_str().unwrap().to_string();
    let a2 = ok(&c
        .call("GET", &format!("/coreclient/{client}/actions"), b"")
        .await);
    let a2 = a2["actions"][0]["id"].as_str().unwrap().to_string();
    let rejected = ok(&c
        .call("DELETE", &format!("/coreclient/{client}/action/{a2}"), b"")
        .await);
    assert_eq!(rejected["status"], "rejected");
    let info = ok(&c
        .call("GET", &format!("/company/{company}/transfer/{tx2}"), b"")
        .await);
    assert_eq!(info["tx_status"], "custody_rejected");
}

/// Every endpoint that takes a JSON body reads it the same way, so a bad one gets the same 400.
#[tokio::test]
async fn every_create_and_update_answers_a_bad_body_alike() {
    let mock = start(MockConfig::default()).await;
    let c = Client::new(&mock);
    let (company, _, _) = c.setup_transfer().await;
    let takes_a_body = [
        ("POST", "/company".to_string()),
        ("PUT", format!("/company/{company}")),
        ("POST", format!("/company/{company}/fund")),
        ("POST", format!("/company/{company}/transfer")),
        ("POST", "/coreclient".to_string()),
    ];
    for (method, path) in &takes_a_body {
        for (body, says) in [
            (&b"{nope"[..], "not valid JSON"),
            (b" \n", "the body is empty"),
            (b"[1,2]", "must be a JSON object"),
        ] {
            let r = c.call(method, path, body).await;
            assert_error(&r, 400);
            assert!(r.reason().contains(says), "{method} {path}: {}", r.reason());
        }
    }
}

#[tokio::test]
async fn bad_bodies_unknown_ids_conflicts_and_big_bodies() {
    let mock = start(MockConfig::default()).await;
    let c = Client::new(&mock);
    // 400: not JSON, empty, not an object, wrong types, missing name.
    for body in [
        &b"{\"name\": \"x\""[..],
        b"",
        b"[1,2]",
        br#"{"name": 5}"#,
        br#"{"city":"Paris"}"#,
    ] {
        let r = c.call("POST", "/company", body).await;
        assert_error(&r, 400);
    }
    assert!(
        c.call("POST", "/company", b"{nope")
            .await
            .reason()
            .contains("not valid JSON")
    );
    // 404: ids that do not exist, an endpoint the mock does not serve, outside the API.
    let (company, wallet, client) = c.setup_transfer().await;
    assert_error(
        &c.call("GET", "/company/1zCkU7jS3ZbOW1cA0ZJEr8VmhuL", b"")
            .await,
        404,
    );
    assert_error(
        &c.call("GET", &format!("/company/{company}/fund/nope"), b"")
            .await,
        404,
    );
    assert_error(
        &c.call("GET", &format!("/company/{company}/transfer/nope"), b"")
            .await,
        404,
    );
    assert_error(&c.call("GET", "/coreclient/nope/actions", b"").await, 404);
    assert_error(
        &c.call("GET", &format!("/coreclient/{client}/action/nope"), b"")
            .await,
        404,
    );
    assert_error(&c.call("POST", "/fees", b"{}").await, 404);
    let outside = c
        .raw("GET", &c.url("").replace("/api/v1/p", "/nope"), b"", &[])
        .await;
    assert_error(&outside, 404);
    assert!(outside.headers.contains_key("date"));
    let t = json!({"wallet_id": "unknown", "counterparty_wallet_address": "x", "send": {"symbol": "BTC", "amount": 1}});
    assert_error(
        &c.call(
            "POST",
            &format!("/company/{company}/transfer"),
            t.to_string().as_bytes(),
        )
        .await,
        404,
    );
    let t = json!({"wallet_id": wallet, "counterparty_wallet_address": "x", "send": {"symbol": "ETH", "amount": 1}});
    assert_error(
        &c.call(
            "POST",
            &format!("/company/{company}/transfer"),
            t.to_string().as_bytes(),
        )
        .await,
        400,
    );
    let t = json!({"wallet_id": wallet, "counterparty_wallet_address": "x", "send": {"symbol": "BTC", "amount": 1}, "authorize_id": "nope"});
    assert_error(
        &c.call(
            "POST",
            &format!("/company/{company}/transfer"),
            t.to_string().as_bytes(),
        )
        .await,
        404,
    );
    let f = br#"{"name":"F","wallets":[{"asset":"DOGE"}]}"#;
    assert_error(
        &c.call("POST", &format!("/company/{company}/fund"), f).await,
        400,
    );
    // 405 in the same shape.
    assert_error(&c.call("DELETE", "/assets", b"").await, 405);

    // 409: a ref already used, on create and on update.
    ok(&c
        .call("POST", "/company", br#"{"name":"A","ref":"dup"}"#)
        .await);
    let r = c
        .call("POST", "/company", br#"{"name":"B","ref":"dup"}"#)
        .await;
    assert_error(&r, 409);
    assert!(r.reason().contains("dup"));
    let r = c
        .call(
            "PUT",
            &format!("/company/{company}"),
            br#"{"name":"B","ref":"dup"}"#,
        )
        .await;
    assert_error(&r, 409);

    // 413: past 1 MiB, signed or not; exactly 1 MiB is judged (and is not JSON here).
    let big = vec![b' '; 1024 * 1024 + 1];
    assert_error(&c.call("POST", "/company", &big).await, 413);
    let at_limit = vec![b'x'; 1024 * 1024];
    assert_error(&c.call("POST", "/company", &at_limit).await, 400);
}

#[tokio::test]
async fn state_and_nonces_survive_a_restart_with_data() {
    let dir = tempfile::tempdir().unwrap();
    let config = MockConfig {
        data_dir: Some(dir.path().join("state")),
        ..Default::default()
    };
    let mock = start(config.clone()).await;
    let c = Client::new(&mock);
    let (company, _wallet, client) = c.setup_transfer().await;
    let url = c.url("/assets");
    assert_eq!(
        c.signed("GET", &url, b"", AuthValue::Nonce(42))
            .await
            .status,
        200
    );
    mock.shutdown().await.unwrap();

    let file = dir.path().join("state/mock-state.json");
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        !text.contains(API_KEY),
        "the API key is not written to disk"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }

    let mock = start(config).await;
    let c = Client::new(&mock);
    let got = ok(&c.call("GET", &format!("/company/{company}"), b"").await);
    assert_eq!(got["name"], "ACME Corp");
    assert_eq!(
        ok(&c.call("GET", "/coreclient", b"").await)["clients"][0]["id"],
        client.as_str()
    );
    let url = c.url("/assets");
    c.signed("GET", &url, b"", AuthValue::Nonce(42))
        .await
        .assert_refused("nonce");
    assert_eq!(
        c.signed("GET", &url, b"", AuthValue::Nonce(43))
            .await
            .status,
        200
    );
    mock.shutdown().await.unwrap();
}

/// A change that could not be saved is undone: the client's retry (after a 500) creates one
/// record, not two. The failure is injected by putting a directory where the state file
/// goes, so the atomic rename fails.
#[tokio::test]
async fn a_change_that_cannot_be_saved_is_rolled_back() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("state");
    let config = MockConfig {
        data_dir: Some(data.clone()),
        ..Default::default()
    };
    let mock = start(config).await;
    let c = Client::new(&mock);
    let body = br#"{"name":"ACME Corp","city":"Paris","country":"FR","domain":""}"#;
    ok(&c.call("POST", "/company", body).await);

    let state = data.join("mock-state.json");
    std::fs::remove_file(&state).unwrap();
    std::fs::create_dir_all(state.join("blocker")).unwrap();
    let with_ref = br#"{"name":"Retry Co","city":"Paris","country":"FR","domain":"","ref":"r-1"}"#;
    let mut reasons = Vec::new();
    for attempt in [&body[..], &with_ref[..]] {
        let r = c.call("POST", "/company", attempt).await;
        assert_eq!(r.status, 500, "{}", String::from_utf8_lossy(&r.body));
        assert_eq!(r.json()["msg"], "errStorage");
        reasons.push(r.reason());
    }
    let all = ok(&c.call("GET", "/company/search", b"").await);
    assert_eq!(
        all["total_count"], 1,
        "nothing of the failed saves is kept: {all}"
    );
    assert!(
        reasons.iter().all(|r| r.contains("not kept")),
        "{reasons:?}"
    );

    std::fs::remove_dir_all(&state).unwrap();
    ok(&c.call("POST", "/company", with_ref).await);
    let all = ok(&c.call("GET", "/company/search", b"").await);
    assert_eq!(all["total_count"], 2, "{all}");
    mock.shutdown().await.unwrap();
}

/// The state is bounded by bytes as well as records: big bodies fill it before
/// `max_records` would (300 funds with 1 MB names once added 293 MB).
#[tokio::test]
async fn the_state_is_bounded_by_bytes() {
    let mock = start(MockConfig {
        max_state_bytes: 20_000,
        ..Default::default()
    })
    .await;
    let c = Client::new(&mock);
    let big = |n: u8| {
        let name = char::from(b'a' + n).to_string().repeat(8_000);
        format!(r#"{{"name":"{name}","city":"Paris","country":"FR","domain":""}}"#)
    };
    ok(&c.call("POST", "/company", big(0).as_bytes()).await);
    ok(&c.call("POST", "/company", big(1).as_bytes()).await);
    let full = c.call("POST", "/company", big(2).as_bytes()).await;
    assert_eq!(full.status, 507, "{}", String::from_utf8_lossy(&full.body));
    assert_eq!(full.json()["msg"], "errMockFull");
    assert!(
        full.reason().contains("max_state_bytes"),
        "{}",
        full.reason()
    );
    let all = ok(&c.call("GET", "/company/search", b"").await);
    assert_eq!(all["total_count"], 2, "reads still work");
}
