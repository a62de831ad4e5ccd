//! Websocket feeds: signed handshakes, actions pushed by transfers, slow subscribers.

mod mock_support;

use futures_util::{SinkExt, StreamExt};
use mock_support::{API_KEY, Client, start};
use serde_json::{Value, json};
use std::time::Duration;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::{Error as WsError, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream, connect_async};
use xsign::mock::{Feed, MockConfig};
use xsign::signing::{AuthValue, RequestSigner, now_unix};

type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// A handshake signed over the ws:// URL with an empty body, as the reference client does.
async fn subscribe(c: &Client, url: &str) -> Result<Ws, WsError> {
    let signed = c
        .signer
        .sign("GET", url, b"", AuthValue::Timestamp(now_unix()));
    let mut req = url.into_client_request().unwrap();
    req.headers_mut()
        .insert("x-api-key", c.api_key.parse().unwrap());
    for (name, value) in signed.headers() {
        req.headers_mut().insert(name, value.parse().unwrap());
    }
    connect_async(req).await.map(|(ws, _)| ws)
}

async fn next_json(ws: &mut Ws) -> Value {
    loop {
        let msg = tokio::time::timeout(Duration::from_secs(5), ws.next())
            .await
            .expect("a feed message within 5 s")
            .expect("the feed stays open")
            .unwrap();
        if let Message::Text(t) = msg {
            return serde_json::from_str(t.as_str()).unwrap();
        }
    }
}

#[tokio::test]
async fn a_subscriber_receives_the_action_a_transfer_created() {
    let mock = start(MockConfig::default()).await;
    let c = Client::new(&mock);
    let (company, wallet, client) = c.setup_transfer().await;
    let mut feed = subscribe(&c, &mock.feed_url(Feed::CoreClient, &client))
        .await
        .unwrap();

    let body = json!({"wallet_id": wallet, "counterparty_wallet_address": "x", "send": {"symbol": "BTC", "amount": 800}});
    let r = c
        .call(
            "POST",
            &format!("/company/{company}/transfer"),
            body.to_string().as_bytes(),
        )
        .await;
    assert_eq!(r.status, 200);
    let action = next_json(&mut feed).await;
    let keys: Vec<&str> = action
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "id",
            "clientID",
            "type",
            "status",
            "timestamp",
            "expireTime"
        ]
    );
    assert_eq!(action["clientID"], client.as_str());
    assert_eq!(action["status"], "pending");
    assert_eq!(action["type"], "ApproveTransfer");

    // Approving it pushes the new status.
    let id = action["id"].as_str().unwrap();
    let r = c
        .call("PUT", &format!("/coreclient/{client}/action/{id}"), b"")
        .await;
    assert_eq!(r.status, 200);
    let update = next_json(&mut feed).await;
    assert_eq!(update["id"], id);
    assert_eq!(update["status"], "approved");
}

#[tokio::test]
async fn authorize_id_targets_one_client_and_others_hear_nothing() {
    let mock = start(MockConfig::default()).await;
    let c = Client::new(&mock);
    let (company, wallet, first) = c.setup_transfer().await;
    let second = c
        .call("POST", "/coreclient", br#"{"name":"second"}"#)
        .await
        .json()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let mut first_feed = subscribe(&c, &mock.feed_url(Feed::CoreClient, &first))
        .await
        .unwrap();
    let mut second_feed = subscribe(&c, &mock.feed_url(Feed::CoreClient, &second))
        .await
        .unwrap();
    let body = json!({"wallet_id": wallet, "counterparty_wallet_address": "x", "send": {"symbol": "BTC", "amount": 1}, "authorize_id": second});
    c.call(
        "POST",
        &format!("/company/{company}/transfer"),
        body.to_string().as_bytes(),
    )
    .await;
    assert_eq!(
        next_json(&mut second_feed).await["clientID"],
        second.as_str()
    );
    let quiet = tokio::time::timeout(Duration::from_millis(300), first_feed.next()).await;
    assert!(quiet.is_err(), "the other client got {quiet:?}");
}

#[tokio::test]
async fn handshakes_are_judged_like_requests() {
    let mock = start(MockConfig::default()).await;
    let c = Client::new(&mock);
    let url = mock.feed_url(Feed::Wallets, "");
    // Unsigned.
    let err = connect_async(url.as_str()).await.unwrap_err();
    let WsError::Http(resp) = err else {
        panic!("{err:?}")
    };
    assert_eq!(resp.status(), 401);
    let body: Value = serde_json::from_slice(resp.body().as_deref().unwrap()).unwrap();
    assert_eq!(body["detail"]["reason"], "headers");
    // Signed over the http:// URL instead of ws://.
    let http_url = url.replacen("ws://", "http://", 1);
    let signed = c
        .signer
        .sign("GET", &http_url, b"", AuthValue::Timestamp(now_unix()));
    let mut req = url.as_str().into_client_request().unwrap();
    req.headers_mut()
        .insert("x-api-key", API_KEY.parse().unwrap());
    for (name, value) in signed.headers() {
        req.headers_mut().insert(name, value.parse().unwrap());
    }
    let WsError::Http(resp) = connect_async(req).await.unwrap_err() else {
        panic!()
    };
    assert_eq!(resp.status(), 401);
    // A core client that is not this API key's.
    let err = subscribe(&c, &mock.feed_url(Feed::CoreClient, "nope"))
        .await
        .unwrap_err();
    let WsError::Http(resp) = err else {
        panic!("{err:?}")
    };
    assert_eq!(resp.status(), 404);
}

#[tokio::test]
async fn wallets_and_liquidityhub_feeds_deliver() {
    let mock = start(MockConfig::default()).await;
    let c = Client::new(&mock);
    let mut wallets = subscribe(&c, &mock.feed_url(Feed::Wallets, ""))
        .await
        .unwrap();
    let mut hub = subscribe(&c, &mock.feed_url(Feed::LiquidityHub, ""))
        .await
        .unwrap();
    let (company, _, _) = c.setup_transfer().await;
    let event = next_json(&mut wallets).await;
    assert_eq!(event["event"], "wallet_created");
    assert_eq!(event["company_id"], company.as_str());
    mock.publish_liquidityhub(&json!({"txID": "1lmBAoovvOQFysj4FzuQxNdoZYO", "status": "added"}));
    assert_eq!(next_json(&mut hub).await["status"], "added");
}

#[tokio::test]
async fn a_stalled_subscriber_does_not_hold_back_the_others() {
    let mock = start(MockConfig::default()).await;
    let c = Client::new(&mock);
    let url = mock.feed_url(Feed::LiquidityHub, "");
    // Connected, never read: its socket buffers fill and its relay blocks.
    let _stalled = subscribe(&c, &url).await.unwrap();
    let mut reader = subscribe(&c, &url).await.unwrap();
    let filler = "x".repeat(16 * 1024);
    let total = 400; // ~6.5 MB: far more than the stalled socket can buffer.
    let publisher = async {
        for n in 0..total {
            mock.publish_liquidityhub(&json!({"txID": n, "status": "added", "pad": filler}));
            // Let the reader keep up so that only the stalled one lags.
            if n % 32 == 0 {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        }
    };
    let reading = async {
        let mut last = -1i64;
        for _ in 0..total {
            let m = next_json(&mut reader).await;
            let n = m["txID"].as_i64().unwrap();
            assert!(n > last);
            last = n;
        }
        last
    };
    let ((), last) = tokio::time::timeout(Duration::from_secs(20), async {
        tokio::join!(publisher, reading)
    })
    .await
    .expect("the reading subscriber kept up");
    assert_eq!(last, total - 1);
}

/// RFC 6455 §5.5.1: the mock answers a client's Close with a Close.
#[tokio::test]
async fn a_clients_close_is_echoed() {
    let mock = start(MockConfig::default()).await;
    let c = Client::new(&mock);
    let mut ws = subscribe(&c, &mock.feed_url(Feed::LiquidityHub, ""))
        .await
        .unwrap();
    ws.send(Message::Close(None)).await.unwrap();
    let answer = tokio::time::timeout(Duration::from_secs(5), ws.next())
        .await
        .expect("an answer within 5 s");
    assert!(
        matches!(answer, Some(Ok(Message::Close(_)))),
        "a Close back, not a dropped connection: {answer:?}"
    );
}

/// Something in the mock's API feeds the liquidity hub: adding a swap to it.
#[tokio::test]
async fn adding_to_the_liquidity_hub_is_announced_on_its_feed() {
    let mock = start(MockConfig::default()).await;
    let c = Client::new(&mock);
    let mut hub = subscribe(&c, &mock.feed_url(Feed::LiquidityHub, ""))
        .await
        .unwrap();
    let (company, _, _) = c.setup_transfer().await;
    let path = format!("/company/{company}/liquidityhub");
    let r = c
        .call("POST", &path, br#"{"tx_id":"1lm519eiGTk15sA7xHrEYvSBuSn"}"#)
        .await;
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    let event = next_json(&mut hub).await;
    assert_eq!(
        event,
        json!({"txID": "1lm519eiGTk15sA7xHrEYvSBuSn", "status": "added"})
    );
    assert_eq!(c.call("POST", &path, br#"{}"#).await.status, 400);
    assert_eq!(
        c.call("POST", "/company/nope/liquidityhub", br#"{"tx_id":"x"}"#)
            .await
            .status,
        404
    );
}
