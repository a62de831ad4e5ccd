use crate::mock::model::ASSETS;
use axum::Json;
use serde_json::{Value, json};

/// `GET /assets`: the assets the mock knows (what fund wallets may hold).
pub(crate) async fn list() -> Json<Value> {
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
    Json(json!({ "assets": assets }))
}
