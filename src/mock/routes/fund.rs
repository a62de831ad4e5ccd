use super::{JsonBody, query_param};
use crate::mock::error::ApiResult;
use crate::mock::feeds::Feed;
use crate::mock::middleware::Caller;
use crate::mock::model::{CustodyGroup, Fund, NewFund};
use crate::mock::shared::Shared;
use crate::mock::store::Store;
use crate::signing::now_unix;
use axum::Json;
use axum::extract::{Extension, Path, RawQuery, State};
use serde_json::{Value, json};
use std::sync::Arc;

/// `POST /company/{company_id}/fund` → `{"fund_id","custodygroup_withdraw","custodygroup_tx"}`.
/// Each new wallet is announced on the API key's wallets feed.
pub(crate) async fn create(
    State(shared): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    Path(company_id): Path<String>,
    JsonBody(body): JsonBody<NewFund>,
) -> ApiResult<Json<Value>> {
    let fund = shared
        .change(|s| s.create_fund(&caller.owner, &company_id, body, now_unix()))
        .await?;
    for w in &fund.wallets {
        let event = json!({
            "event": "wallet_created",
            "wallet_id": w.wallet_id,
            "fund_id": fund.fund_id,
            "company_id": fund.company_id,
            "asset": w.asset,
            "address": w.address,
            "status": "ready",
            "balance": w.balance,
        });
        shared.feeds.publish(Feed::Wallets, &caller.owner, &event);
    }
    Ok(Json(json!({
        "fund_id": fund.fund_id,
        "custodygroup_withdraw": fund.custodygroup_withdraw.id,
        "custodygroup_tx": fund.custodygroup_tx.id,
    })))
}

/// `GET /company/{company_id}/fund/{fund_id}`: the fund, its policies and wallets.
pub(crate) async fn get(
    State(shared): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    Path((company_id, fund_id)): Path<(String, String)>,
) -> ApiResult<Json<Value>> {
    shared.with_store(|s| {
        let fund = s.fund(&caller.owner, &company_id, &fund_id)?;
        let company = s.company(&caller.owner, &company_id)?;
        Ok(Json(detail(s, fund, &company.name)))
    })
}

/// `GET /company/{company_id}/fund/search[?query=]` → `{"total_count","list":[{name,id}]}`.
pub(crate) async fn search(
    State(shared): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    Path(company_id): Path<String>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Json<Value>> {
    let query = query_param(raw.as_deref(), "query");
    shared.with_store(|s| {
        let list: Vec<Value> = s
            .search_funds(&caller.owner, &company_id, &query)?
            .into_iter()
            .map(|f| json!({ "name": f.name, "id": f.fund_id }))
            .collect();
        Ok(Json(json!({ "total_count": list.len(), "list": list })))
    })
}

fn detail(s: &Store, fund: &Fund, company_name: &str) -> Value {
    let wallets: Vec<Value> = fund
        .wallets
        .iter()
        .map(|w| {
            let withdraw = w
                .custodygroup_withdraw
                .as_ref()
                .unwrap_or(&fund.custodygroup_withdraw);
            let tx = w.custodygroup_tx.as_ref().unwrap_or(&fund.custodygroup_tx);
            json!({
                "wallet_id": w.wallet_id,
                "name": w.name,
                "asset": w.asset,
                "type": w.kind,
                "status": "ready",
                "address": w.address,
                "address_type": if w.address.starts_with("0x") { "EOA" } else { "P2WPKH" },
                "short_code": w.short_code,
                "balance": w.balance,
                "custodygroup_withdraw": withdraw.id,
                "custodygroup_tx": tx.id,
                "policy_withdraw": policy(s, withdraw, "withdraw policy"),
                "policy_tx": policy(s, tx, "tx policy"),
                "connected": w.connected.iter().map(|c| json!({
                    "client_id": c.client_id,
                    "counterparty_id": c.counterparty_id,
                    "name": s.coreclients.get(&c.client_id).map(|c| c.name.as_str()).unwrap_or_default(),
                    "status": "connected",
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let mut assets: Vec<&str> = fund.wallets.iter().map(|w| w.asset.as_str()).collect();
    assets.dedup();
    json!({
        "fund_id": fund.fund_id,
        "name": fund.name,
        "description": fund.description,
        "custodygroup_withdraw": fund.custodygroup_withdraw.id,
        "custodygroup_tx": fund.custodygroup_tx.id,
        "policy_withdraw": policy(s, &fund.custodygroup_withdraw, "withdraw policy"),
        "policy_tx": policy(s, &fund.custodygroup_tx, "tx policy"),
        "members": [{
            "entity": entity(&fund.company_id, company_name, "company"),
            "permissions": {"admin": true, "withdraw": true, "transfer": true, "swap": true},
        }],
        "assets": assets,
        "wallets": wallets,
    })
}

/// An `Entity` as the spec gives it: every field, the one matching `type` filled (the spec
/// spells the core client's `core-client`, as its type), the others null.
fn entity(id: &str, name: &str, kind: &str) -> Value {
    let initials: String = name
        .split_whitespace()
        .filter_map(|w| w.chars().next())
        .take(2)
        .collect::<String>()
        .to_uppercase();
    let mut e = json!({
        "id": id,
        "name": name,
        "accountCode": "",
        "initials": initials,
        "type": kind,
        "company": null,
        "user": null,
        "core-client": null,
    });
    e[kind] = match kind {
        "user" => json!({"firstName": "", "lastName": "", "email": "", "userName": name}),
        _ => json!({"name": name}),
    };
    e
}

/// Members known as core clients are shown as such; other ids as users.
fn policy(s: &Store, group: &CustodyGroup, name: &str) -> Value {
    let members: Vec<Value> = group
        .members
        .iter()
        .map(|id| match s.coreclients.get(id) {
            Some(c) => entity(id, &c.name, "core-client"),
            None => entity(id, "", "user"),
        })
        .collect();
    json!({
        "id": group.id,
        "name": name,
        "threshold": group.threshold,
        "members": members,
    })
}
