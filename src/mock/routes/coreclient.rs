use super::JsonBody;
use super::transfer::transfer_event;
use crate::mock::API_PREFIX;
use crate::mock::error::{ApiError, ApiResult};
use crate::mock::feeds::Feed;
use crate::mock::middleware::Caller;
use crate::mock::model::{Action, CoreClient, NewCoreClient};
use crate::mock::shared::Shared;
use crate::mock::store::Store;
use crate::signing::now_unix;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Extension, Path, State};
use serde_json::{Value, json};
use std::sync::Arc;

fn info(c: &CoreClient, host: &str) -> Value {
    json!({
        "id": c.id,
        "name": c.name,
        "feed": format!("ws://{host}{API_PREFIX}/coreclient/{}/feed", c.id),
        // A string, as the spec and the docs give it (the feed's action timestamps are numbers).
        "timestamp": c.created.to_string(),
    })
}

/// The feed's shape: `{"id","clientID","type","status","timestamp","expireTime"}`.
pub(crate) fn action_message(a: &Action, now: i64) -> Value {
    json!({
        "id": a.id,
        "clientID": a.client_id,
        "type": a.kind,
        "status": a.status_at(now),
        "timestamp": a.timestamp,
        "expireTime": a.expire_time,
    })
}

fn details(s: &Store, a: &Action, now: i64) -> Value {
    let mut v = action_message(a, now);
    if let Some(t) = s.transfers.get(&a.tx_id) {
        let company = s.companies.get(&t.company_id);
        let company_name = company.map(|c| c.name.as_str()).unwrap_or_default();
        v["details"] = json!({
            "txType": "transfer",
            "txID": t.tx_id,
            "asset": t.asset,
            "amount": t.amount,
            "fees": 0,
            "netAmount": t.amount,
            "reference": t.reference,
            "benefitOf": t.benefit_of,
            "accountNo": t.account_no,
            "companyID": t.company_id,
            "fundID": t.fund_id,
            "initiatedTime": t.initiated,
            "expires": t.expires,
            "recipientID": t.counterparty_wallet_address,
            "recipientName": "",
            "initiatedBy": t.company_id,
            "initiatorName": company_name,
            "initiatorType": "company",
        });
    }
    v
}

/// `POST /coreclient` → `{"id","name","feed","timestamp"}`.
pub(crate) async fn create(
    State(shared): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    JsonBody(body): JsonBody<NewCoreClient>,
) -> ApiResult<Json<Value>> {
    let client = shared
        .change(|s| s.create_coreclient(&caller.owner, body, now_unix()))
        .await?;
    Ok(Json(info(&client, &caller.host)))
}

/// `GET /coreclient` → `{"count","clients":[...]}`.
pub(crate) async fn list(
    State(shared): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
) -> Json<Value> {
    shared.with_store(|s| {
        let clients: Vec<Value> = s
            .coreclients(&caller.owner)
            .into_iter()
            .map(|c| info(c, &caller.host))
            .collect();
        Json(json!({ "count": clients.len(), "clients": clients }))
    })
}

/// `GET /coreclient/{client_id}/actions` → `{"count","actions":[...]}`, pending ones only.
pub(crate) async fn actions(
    State(shared): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    Path(client_id): Path<String>,
) -> ApiResult<Json<Value>> {
    let now = now_unix();
    shared.with_store(|s| {
        let actions: Vec<Value> = s
            .pending_actions(&caller.owner, &client_id, now)?
            .into_iter()
            .map(|a| action_message(a, now))
            .collect();
        Ok(Json(json!({ "count": actions.len(), "actions": actions })))
    })
}

/// `GET /coreclient/{client_id}/action/{action_id}`: the action and its transfer.
pub(crate) async fn action(
    State(shared): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    Path((client_id, action_id)): Path<(String, String)>,
) -> ApiResult<Json<Value>> {
    let now = now_unix();
    shared.with_store(|s| {
        let a = s.action(&caller.owner, &client_id, &action_id)?;
        Ok(Json(details(s, a, now)))
    })
}

/// `PUT /coreclient/{client_id}/action/{action_id}`: approve. The body, if any, must be
/// JSON (the API takes `{"signatures": [...]}` from automated approvers; the mock ignores it).
pub(crate) async fn approve(
    State(shared): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    Path((client_id, action_id)): Path<(String, String)>,
    body: Bytes,
) -> ApiResult<Json<Value>> {
    if !body.iter().all(u8::is_ascii_whitespace) {
        serde_json::from_slice::<Value>(&body)
            .map_err(|e| ApiError::bad_request(format!("the body is not valid JSON: {e}")))?;
    }
    decide(shared, caller, client_id, action_id, true).await
}

/// `DELETE /coreclient/{client_id}/action/{action_id}`: reject.
pub(crate) async fn reject(
    State(shared): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    Path((client_id, action_id)): Path<(String, String)>,
) -> ApiResult<Json<Value>> {
    decide(shared, caller, client_id, action_id, false).await
}

async fn decide(
    shared: Arc<Shared>,
    caller: Caller,
    client_id: String,
    action_id: String,
    approve: bool,
) -> ApiResult<Json<Value>> {
    let now = now_unix();
    let (action, transfer, view) = shared
        .change(|s| {
            let (action, transfer) =
                s.decide_action(&caller.owner, &client_id, &action_id, approve, now)?;
            let view = details(s, &action, now);
            Ok::<_, ApiError>((action, transfer, view))
        })
        .await?;
    shared
        .feeds
        .publish(Feed::CoreClient, &client_id, &action_message(&action, now));
    if let Some(t) = &transfer {
        shared
            .feeds
            .publish(Feed::Wallets, &caller.owner, &transfer_event(t, now));
    }
    Ok(Json(view))
}
