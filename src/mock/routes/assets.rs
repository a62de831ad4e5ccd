use crate::mock::model::ASSETS;
use axum::body::Bytes;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use std::sync::LazyLock;

/// The answer never changes: built and serialized once, then shared by every request
/// (building it per request was a seventh of a signed `GET /assets`).
static BODY: LazyLock<Bytes> = LazyLock::new(|| {
    let assets: Vec<Value> = ASSETS
        .iter()
        .map(|a| {
            json!({
                "code": a.code,
                "name": a.name,
                "unitCode": a.unit_code,
                "scale": a.scale,
                "enabled": true,
            })
        })
        .collect();
    Bytes::from(serde_json::to_vec(&json!({ "assets": assets })).expect("JSON of plain values"))
});

/// `GET /assets`: the assets the mock knows (what fund wallets may hold), with the
/// content type `axum::Json` gives every other answer.
pub(crate) async fn list() -> Response {
    let json = HeaderValue::from_static("application/json");
    ([(header::CONTENT_TYPE, json)], BODY.clone()).into_response()
}
