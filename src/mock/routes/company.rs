use super::{JsonBody, query_param};
use crate::mock::error::ApiResult;
use crate::mock::middleware::Caller;
use crate::mock::model::{Company, NewCompany};
use crate::mock::shared::Shared;
use crate::signing::now_unix;
use axum::Json;
use axum::extract::{Extension, Path, RawQuery, State};
use serde_json::{Value, json};
use std::sync::Arc;

fn created(c: &Company) -> Json<Value> {
    Json(json!({ "company_id": c.company_id, "ref": c.reference }))
}

fn detail(c: &Company) -> Value {
    json!({
        "company_id": c.company_id,
        "name": c.name,
        "city": c.city,
        "country": c.country,
        "domain": c.domain,
        "ref": c.reference,
        "created": c.created,
    })
}

/// `POST /company` → `{"company_id","ref"}`; 409 when `ref` is taken.
pub(crate) async fn create(
    State(shared): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    JsonBody(body): JsonBody<NewCompany>,
) -> ApiResult<Json<Value>> {
    let company = shared
        .change(|s| s.create_company(&caller.owner, body, now_unix()))
        .await?;
    Ok(created(&company))
}

/// `GET /company/{company_id}`.
pub(crate) async fn get(
    State(shared): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    Path(company_id): Path<String>,
) -> ApiResult<Json<Value>> {
    shared.with_store(|s| Ok(Json(detail(s.company(&caller.owner, &company_id)?))))
}

/// `PUT /company/{company_id}` → `{"company_id","ref"}`.
pub(crate) async fn update(
    State(shared): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    Path(company_id): Path<String>,
    JsonBody(body): JsonBody<NewCompany>,
) -> ApiResult<Json<Value>> {
    let company = shared
        .change(|s| s.update_company(&caller.owner, &company_id, body))
        .await?;
    Ok(created(&company))
}

/// `GET /company/search?query=` → `{"total_count","matches":[{company_id,name,domain}]}`.
pub(crate) async fn search(
    State(shared): State<Arc<Shared>>,
    Extension(caller): Extension<Caller>,
    RawQuery(raw): RawQuery,
) -> Json<Value> {
    let query = query_param(raw.as_deref(), "query");
    shared.with_store(|s| {
        let matches: Vec<Value> = s
            .search_companies(&caller.owner, &query)
            .into_iter()
            .map(|c| json!({ "company_id": c.company_id, "name": c.name, "domain": c.domain }))
            .collect();
        Json(json!({ "total_count": matches.len(), "matches": matches }))
    })
}
