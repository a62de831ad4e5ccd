//! The endpoints under `/api/v1/p`, each in the file of its resource.

mod assets;
mod company;
mod coreclient;
pub(crate) mod feed;
mod fund;
mod liquidityhub;
mod transfer;

use super::API_PREFIX;
use super::error::{ApiError, ApiResult};
use super::middleware::authenticate;
use super::shared::Shared;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{Method, Uri};
use axum::middleware::from_fn_with_state;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::de::DeserializeOwned;
use std::sync::Arc;

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    let api = Router::new()
        .route("/assets", get(assets::list))
        .route("/company", axum::routing::post(company::create))
        .route("/company/search", get(company::search))
        .route(
            "/company/{company_id}",
            get(company::get).put(company::update),
        )
        .route(
            "/company/{company_id}/fund",
            axum::routing::post(fund::create),
        )
        .route("/company/{company_id}/fund/search", get(fund::search))
        .route("/company/{company_id}/fund/{fund_id}", get(fund::get))
        .route(
            "/company/{company_id}/liquidityhub",
            axum::routing::post(liquidityhub::add),
        )
        .route(
            "/company/{company_id}/transfer",
            axum::routing::post(transfer::create),
        )
        .route("/company/{company_id}/transfer/{tx_id}", get(transfer::get))
        .route(
            "/coreclient",
            get(coreclient::list).post(coreclient::create),
        )
        .route("/coreclient/{client_id}/actions", get(coreclient::actions))
        .route(
            "/coreclient/{client_id}/action/{action_id}",
            get(coreclient::action)
                .put(coreclient::approve)
                .delete(coreclient::reject),
        )
        .route("/coreclient/{client_id}/feed", get(feed::coreclient))
        .route("/wallets/feed", get(feed::wallets))
        .route("/liquidityhub/feed", get(feed::liquidityhub))
        .method_not_allowed_fallback(method_not_allowed);
    Router::new()
        .nest(API_PREFIX, api)
        .nest(super::qapi::QAPI_V1_PREFIX, super::qapi::router())
        .nest(super::qapi::v2::QAPI_V2_PREFIX, super::qapi::v2::router())
        .fallback(not_implemented)
        .layer(from_fn_with_state(shared.clone(), authenticate))
        .with_state(shared)
}

async fn not_implemented(method: Method, uri: Uri) -> ApiError {
    ApiError::not_found(format!(
        "the mock does not implement {method} {}; see `xsign mock --help` for the endpoints it serves",
        uri.path()
    ))
}

async fn method_not_allowed(method: Method, uri: Uri) -> ApiError {
    ApiError::method_not_allowed(format!("{method} is not allowed on {}", uri.path()))
}

/// A handler's JSON body, read whole and parsed by [`parse_body`]: every create and update
/// takes its body this way, so they all answer a bad one with the same 400s.
pub(crate) struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Response> {
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(IntoResponse::into_response)?;
        parse_body(&bytes)
            .map(JsonBody)
            .map_err(IntoResponse::into_response)
    }
}

/// The body as `T`: 400 when it is empty, not JSON, not an object, or of the wrong shape.
pub(crate) fn parse_body<T: DeserializeOwned>(bytes: &[u8]) -> ApiResult<T> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::bad_request(
            "the body is empty: this endpoint takes a JSON object",
        ));
    }
    let value: serde_json::Value = serde_json::from_slice(bytes)
        .map_err(|e| ApiError::bad_request(format!("the body is not valid JSON: {e}")))?;
    if !value.is_object() {
        return Err(ApiError::bad_request("the body must be a JSON object"));
    }
    serde_json::from_value(value)
        .map_err(|e| ApiError::bad_request(format!("the body does not fit this endpoint: {e}")))
}

/// A query parameter, percent-decoded (`+` is a space); "" when absent.
pub(crate) fn query_param(raw: Option<&str>, name: &str) -> String {
    raw.and_then(|q| {
        url::form_urlencoded::parse(q.as_bytes())
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    })
    .unwrap_or_default()
}
