use super::JsonBody;
use super::coreclient::action_message;
use crate::mock::error::ApiResult;
use crate::mock::feeds::Feed;
use crate::mock::middleware::Caller;
use crate::mock::model::{NewTransfer, Transfer};
use crate::mock::shared::Shared;
use crate::signing::now_unix;
use axum::Json;
use axum::extract::{Extension, Path, State};
use serde_json::{Value, json};
use std::sync::Arc;

/// `POST /company/{company_id}/transfer` → `{"tx_id","status":"new"}` (`"existing"` when
/// `partner_txID` repeats an earlier transfer).
///
/// Approval: `authorize_id` names the core client that must authorize it; without it,
/// every core client of the API key gets an action. Each action is pushed on its
/// client's feed at once.
pub(crate) async fn create(
    State(shared): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    Path(company_id): Path<String>,
    JsonBody(body): JsonBody<NewTransfer>,
) -> ApiResult<Json<Value>> {
    let now = now_unix();
    let outcome = shared
        .change_if(
            |s| s.create_transfer(&caller.owner, &company_id, body, now),
            |o| o.created,
        )
        .await?;
    if outcome.created {
        for a in &outcome.actions {
            shared
                .feeds
                .publish(Feed::CoreClient, &a.client_id, &action_message(a, now));
        }
        shared.feeds.publish(
            Feed::Wallets,
            &caller.owner,
            &transfer_event(&outcome.transfer, now),
        );
    }
    Ok(Json(json!({
        "tx_id": outcome.transfer.tx_id,
        "status": if outcome.created { "new" } else { "existing" },
    })))
}

/// `GET /company/{company_id}/transfer/{tx_id}`: status, approvals and details.
pub(crate) async fn get(
    State(shared): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    Path((company_id, tx_id)): Path<(String, String)>,
) -> ApiResult<Json<Value>> {
    let now = now_unix();
    shared.with_store(|s| {
        let t = s.transfer(&caller.owner, &company_id, &tx_id)?;
        let company = s.company(&caller.owner, &company_id)?;
        let status: Vec<Value> = t
            .action_ids
            .iter()
            .filter_map(|id| s.actions.get(id))
            .map(|a| {
                let client = s.coreclients.get(&a.client_id);
                json!({
                    "action_id": a.id,
                    "status": a.status_at(now),
                    "timestamp": a.timestamp,
                    "user_id": a.client_id,
                    "username": client.map(|c| c.name.as_str()).unwrap_or_default(),
                    "first_name": "",
                    "last_name": "",
                })
            })
            .collect();
        Ok(Json(json!({
            "tx_id": t.tx_id,
            "tx_status": t.status_at(now),
            "approver_count": t.approver_count,
            "threshold_required": t.threshold_required,
            "expires": t.expires,
            "initiated_timestamp": t.initiated,
            "initiator_authorized": t.initiator_authorized,
            "initiator_name": company.name,
            "reference": t.reference,
            "status": status,
            "status_details": {
                "account_no": t.account_no,
                "amount": t.amount,
                "asset": t.asset,
                "benefit_of": t.benefit_of,
                "expires": t.expires,
                "fees": 0,
                "fund_id": t.fund_id,
                "net_amount": t.amount,
                "recipient_address": t.counterparty_wallet_address,
                // The mock knows no recipient user: the spec's fields, empty.
                "recipient_email": "",
                "recipient_first_name": "",
                "recipient_last_name": "",
                "recipient_username": "",
                "reference": t.reference,
                "requested_by": company.name,
            },
        })))
    })
}

/// What the wallets feed says when a transfer starts or changes.
pub(crate) fn transfer_event(t: &Transfer, now: i64) -> Value {
    json!({
        "event": "transfer",
        "tx_id": t.tx_id,
        "wallet_id": t.wallet_id,
        "asset": t.asset,
        "amount": t.amount,
        "status": t.status_at(now),
    })
}
