//! `POST /company/{company_id}/liquidityhub`: what puts events on `/liquidityhub/feed`.
//!
//! The reference: the feed carries `{"txID","status"}` for each swap added to the hub, and
//! this endpoint adds an existing swap. The mock has no atomic swaps, so it keeps no hub:
//! it checks the company and the body, and announces the `tx_id` as added, so the feed
//! can be tried end to end.

use super::JsonBody;
use crate::mock::error::{ApiError, ApiResult};
use crate::mock::feeds::Feed;
use crate::mock::middleware::Caller;
use crate::mock::shared::Shared;
use axum::Json;
use axum::extract::{Extension, Path, State};
use serde::Deserialize;
use serde_json::{Value, json};
use std::sync::Arc;

/// The API's `AddToLiquidityHub`.
#[derive(Debug, Deserialize)]
pub(crate) struct AddToLiquidityHub {
    #[serde(default)]
    tx_id: String,
}

/// → `{}`, and `{"txID","status":"added"}` on the liquidity hub feed (every API key's).
pub(crate) async fn add(
    State(shared): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    Path(company_id): Path<String>,
    JsonBody(body): JsonBody<AddToLiquidityHub>,
) -> ApiResult<Json<Value>> {
    shared.with_store(|s| s.company(&caller.owner, &company_id).map(|_| ()))?;
    if body.tx_id.trim().is_empty() {
        return Err(ApiError::bad_request(
            "tx_id is required: the id of the swap to add",
        ));
    }
    shared.feeds.publish(
        Feed::LiquidityHub,
        "",
        &json!({ "txID": body.tx_id, "status": "added" }),
    );
    Ok(Json(json!({})))
}
