//! The v1 endpoints the mock serves, with the OpenAPI document's shapes.

use super::QapiError;
use crate::mock::feeds::Feed;
use crate::mock::ids::ksuid;
use crate::mock::shared::Shared;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use serde_json::{Value, json};
use std::sync::Arc;

/// Who called, set by the judge: records are scoped to the API key's owner tag.
#[derive(Debug, Clone)]
pub(crate) struct QCaller {
    pub owner: String,
}

/// The funds every v1 caller sees (read-only data, fixed so tests can name them).
const FUNDS: [(&str, &str); 2] = [
    ("279O1KIYyr3g3eLqUEfCC5dtyWO", "Main Fund"),
    ("27yIrx70OvrScz1gSH7Aa0RZelf", "Tracker Fund"),
];

pub(crate) fn router() -> Router<Arc<Shared>> {
    Router::new()
        .route("/account", get(account))
        .route("/balance", get(balance))
        .route("/funds", get(funds))
        .route("/funds/{fund_id}", get(fund))
        .route("/transaction", post(create_transaction))
        .route("/transactions/{tx_id}/status", get(status))
        .route("/transactions/feed", get(feed))
        .fallback(not_implemented)
}

async fn not_implemented(uri: axum::http::Uri) -> QapiError {
    QapiError::not_found(format!(
        "the mock's Qredo API v1 does not serve {}: it has /account, /balance, /funds, /funds/{{fund_id}}, /transaction, /transactions/{{tx_id}}/status and the websocket /transactions/feed",
        uri.path()
    ))
}

/// `/transactions/feed`: the caller's transactions as they change, `txFeedStatus`-shaped.
/// The handshake was judged like any v1 GET (over the ws:// URL, an empty body).
async fn feed(
    State(shared): State<Arc<Shared>>,
    Extension(c): Extension<QCaller>,
    ws: crate::mock::routes::feed::Upgrade,
) -> Response {
    crate::mock::routes::feed::subscribe(shared, ws, Feed::QapiTransactions, c.owner)
}

/// A transaction as the feed carries it: `{"txID","txHash","status","timestamps"}`.
fn feed_status(tx: &Value) -> Value {
    json!({
        "txID": tx["txID"],
        "txHash": tx.get("txHash").cloned().unwrap_or_else(|| json!("")),
        "status": tx["status"],
        "timestamps": tx["timestamps"],
    })
}

async fn account(Extension(c): Extension<QCaller>) -> Json<Value> {
    Json(json!({"settings": {
        "accountID": c.owner,
        "name": "Mock Organization",
        "members": [],
    }}))
}

async fn balance() -> Json<Value> {
    Json(json!({"assets": {
        "BTC": {"total": 1000, "available": 980, "pendingIn": 20, "pendingOut": 0, "scale": 1},
        "ETH": {"total": 2000, "available": 1500, "pendingIn": 500, "pendingOut": 0, "scale": 1},
    }}))
}

async fn funds() -> Json<Value> {
    let funds: Vec<Value> = FUNDS
        .iter()
        .map(|(id, name)| json!({"fundID": id, "name": name, "holdings": {}}))
        .collect();
    Json(json!({"total": funds.len(), "funds": funds}))
}

async fn fund(Path(fund_id): Path<String>) -> Response {
    match FUNDS.iter().find(|(id, _)| *id == fund_id) {
        Some((id, name)) => Json(json!({"fundInfo": {
            "fund_id": id,
            "name": name,
            "description": "",
            "members": [],
            "wallets": [],
        }}))
        .into_response(),
        None => QapiError::not_found(format!("no fund {fund_id}: GET /funds lists them"))
            .into_response(),
    }
}

async fn create_transaction(
    State(shared): State<Arc<Shared>>,
    Extension(c): Extension<QCaller>,
    body: Bytes,
) -> Response {
    let req: Value = match serde_json::from_slice(&body) {
        Ok(v @ Value::Object(_)) => v,
        _ => {
            return QapiError::bad_request(
                "the body must be a JSON object with from, to, value and gasLimit",
            )
            .into_response();
        }
    };
    for field in ["from", "to", "value", "gasLimit"] {
        if !req.get(field).is_some_and(Value::is_string) {
            return QapiError::bad_request(format!("{field} is required (a string)"))
                .into_response();
        }
    }
    let id = ksuid();
    let mut tx = json!({
        "txID": id,
        "accountID": c.owner,
        "createdBy": c.owner,
        "status": "pending",
        "timestamps": {"created": crate::signing::now_unix()},
    });
    for field in [
        "from",
        "to",
        "value",
        "gasLimit",
        "gasPrice",
        "maxFeePerGas",
        "maxPriorityFeePerGas",
        "data",
        "chainID",
        "note",
    ] {
        if let Some(v) = req.get(field) {
            tx[field] = v.clone();
        }
    }
    let mut txs = shared
        .qredo
        .transactions
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    if txs.len() >= shared.config.max_records {
        return crate::mock::error::ApiError::full(
            "the mock holds max_records v1 transactions already; restart it",
        )
        .into_response();
    }
    txs.insert(format!("{}/{id}", c.owner), tx.clone());
    drop(txs);
    shared
        .feeds
        .publish(Feed::QapiTransactions, &c.owner, &feed_status(&tx));
    Json(tx).into_response()
}

async fn status(
    Extension(c): Extension<QCaller>,
    State(shared): State<Arc<Shared>>,
    Path(tx_id): Path<String>,
) -> Response {
    let txs = shared
        .qredo
        .transactions
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    match txs.get(&format!("{}/{tx_id}", c.owner)) {
        Some(tx) => Json(tx.clone()).into_response(),
        None => QapiError::not_found(format!(
            "no transaction {tx_id} for this API key: POST /transaction makes one"
        ))
        .into_response(),
    }
}
