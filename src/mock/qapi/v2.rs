//! The Qredo API v2 under `/api/v2`: `GET /workspaces/{id}/token` judged with the v1 HMAC
//! under v2's header names (the same registered secret as v1), answering an HS256 JWT; and
//! two calls that take that token as `x-token`. A missing, expired, forged or
//! other-workspace token is a 401 in the API's error shape, its reason in words.
//!
//! The token key is derived from the registered secret, so a restarted mock with the same
//! pair (`xsign demo` again) still accepts the tokens it issued; a token made with any other
//! key, or altered, fails. The facts name only the token flow: the wallets and balances
//! shapes below are plausible stand-ins (ids, names, networks, amounts as strings), not the
//! published schema.

use super::{QCaller, QapiError, QredoState, header};
use crate::mock::ids::owner_tag;
use crate::mock::shared::Shared;
use crate::secret::QredoSecret;
use crate::signing::jwt::{Hs256Error, hs256_encode, hs256_verify, read_claims};
use crate::signing::{Scheme, TOKEN_HEADER, is_v2_token_path};
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Json, Router};
use serde_json::{Value, json};
use std::sync::Arc;

/// Every v2 endpoint lives under this path.
pub const QAPI_V2_PREFIX: &str = Scheme::QredoV2.api_prefix();

pub fn is_v2(path: &str) -> bool {
    path.strip_prefix(QAPI_V2_PREFIX)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// The HS256 key of the tokens issued under `secret`.
fn token_key(secret: &QredoSecret) -> Vec<u8> {
    use aws_lc_rs::hmac;
    let k = hmac::Key::new(hmac::HMAC_SHA256, secret.key());
    hmac::sign(&k, b"xsign mock: qredo-v2 token key")
        .as_ref()
        .to_vec()
}

impl QredoState {
    /// The secret registered for the API key whose owner tag is `owner`.
    fn secret_of_owner(&self, owner: &str) -> Option<QredoSecret> {
        self.secrets
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .find(|(k, _)| owner_tag(k) == owner)
            .map(|(_, s)| s.clone())
    }
}

/// The caller of a v2 call, from its `x-token`: Ok(owner tag) or the 401 naming why.
pub(crate) fn judge_token(
    state: &QredoState,
    headers: &HeaderMap,
    workspace: Option<&str>,
    now: i64,
) -> Result<String, QapiError> {
    let Some(token) = header(headers, TOKEN_HEADER) else {
        let v2 = Scheme::QredoV2;
        let why = if headers.contains_key(v2.signature_header())
            || headers.contains_key(Scheme::QredoV1.signature_header())
        {
            "the x-token header is missing: v2 signs only GET /workspaces/{id}/token with the HMAC; send the token it returns as x-token on every other call"
        } else {
            "the x-token header is missing: GET /workspaces/{id}/token (signed with qredo-api-key, qredo-api-timestamp, qredo-api-signature) returns it"
        };
        return Err(QapiError::unauthorized(why));
    };
    let forged = || {
        QapiError::unauthorized(
            "invalid token (token-forged): x-token was not issued by this server, or was altered: fetch a new one from GET /workspaces/{id}/token",
        )
    };
    let claims = read_claims(token)
        .map_err(|e| QapiError::unauthorized(format!("invalid token (token-malformed): {e}")))?;
    let owner = owner_claim(token).ok_or_else(forged)?;
    let secret = state.secret_of_owner(&owner).ok_or_else(forged)?;
    match hs256_verify(&token_key(&secret), token, now) {
        Ok(_) => {}
        Err(Hs256Error::Expired { exp, ago }) => {
            return Err(QapiError::unauthorized(format!(
                "token expired (token-expired) at {exp}, {ago} s ago: fetch a new one from GET /workspaces/{{id}}/token"
            )));
        }
        Err(_) => return Err(forged()),
    }
    if let (Some(want), Some(got)) = (workspace, claims.workspace.as_deref())
        && want != got
    {
        return Err(QapiError::unauthorized(format!(
            "token for another workspace (token-workspace): x-token was issued for workspace {got}, this call is for {want}: fetch a token from GET /workspaces/{want}/token"
        )));
    }
    Ok(owner)
}

/// The `sub` claim (the owner tag), read before the key that checks the token is known.
fn owner_claim(token: &str) -> Option<String> {
    use base64::Engine;
    let payload = token.trim().split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .ok()?;
    let v: Value = serde_json::from_slice(&bytes).ok()?;
    v.get("sub")?.as_str().map(str::to_string)
}

/// The workspace id of a `/api/v2/workspaces/{id}/…` path.
fn workspace_of(path: &str) -> Option<&str> {
    let rest = path
        .strip_prefix(QAPI_V2_PREFIX)?
        .strip_prefix("/workspaces/")?;
    rest.split('/').next().filter(|s| !s.is_empty())
}

/// A v2 request: the token request's HMAC, or every other call's token, judged; the caller
/// set for the handler.
pub(crate) fn authenticate(
    shared: &Shared,
    method: &str,
    url: &str,
    headers: &HeaderMap,
    body: &[u8],
    now: i64,
) -> Result<QCaller, QapiError> {
    let path = url::Url::parse(url).map_or_else(|_| url.to_string(), |u| u.path().to_string());
    let owner = if is_v2_token_path(&path) {
        super::judge(
            &shared.qredo,
            Scheme::QredoV2,
            shared.config.skew_secs,
            method,
            url,
            headers,
            body,
            now,
        )?
    } else {
        judge_token(&shared.qredo, headers, workspace_of(&path), now)?
    };
    Ok(QCaller { owner })
}

pub(crate) fn router() -> Router<Arc<Shared>> {
    Router::new()
        .route("/workspaces/{wid}/token", get(token))
        .route("/workspaces/{wid}/wallets", get(wallets))
        .route("/workspaces/{wid}/balances", get(balances))
        .fallback(not_implemented)
}

async fn not_implemented(uri: axum::http::Uri) -> QapiError {
    QapiError::not_found(format!(
        "the mock's Qredo API v2 does not serve {}: it has /workspaces/{{id}}/token, /workspaces/{{id}}/wallets and /workspaces/{{id}}/balances",
        uri.path()
    ))
}

async fn token(
    State(shared): State<Arc<Shared>>,
    Extension(c): Extension<QCaller>,
    Path(wid): Path<String>,
) -> Response {
    let Some(secret) = shared.qredo.secret_of_owner(&c.owner) else {
        return QapiError::unauthorized("the API key is no longer registered").into_response();
    };
    let now = crate::signing::now_unix();
    let claims = json!({
        "iss": "xsign-mock",
        "sub": c.owner,
        "wid": wid,
        "iat": now,
        "exp": now + shared.config.token_ttl_secs.max(1),
    });
    Json(json!({"token": hs256_encode(&token_key(&secret), &claims)})).into_response()
}

/// The wallets of a workspace (fixed, so tests can name them).
const WALLETS: [(&str, &str, &str); 2] = [
    ("2Dv1wTreasuryWallet000001", "Treasury", "ethereum"),
    ("2Dv1wTradingWallet0000002", "Trading", "bitcoin"),
];

async fn wallets(Path(wid): Path<String>) -> Json<Value> {
    let list: Vec<Value> = WALLETS
        .iter()
        .map(|(id, name, network)| {
            json!({"walletID": id, "workspaceID": wid, "name": name, "network": network})
        })
        .collect();
    Json(json!({"total": list.len(), "wallets": list}))
}

async fn balances(Path(wid): Path<String>) -> Json<Value> {
    Json(json!({"workspaceID": wid, "balances": [
        {"walletID": WALLETS[0].0, "asset": "ETH", "network": "ethereum", "total": "12.5", "available": "12.0"},
        {"walletID": WALLETS[1].0, "asset": "BTC", "network": "bitcoin", "total": "0.75", "available": "0.75"},
    ]}))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signing::path_is_under;

    #[test]
    fn paths_and_workspaces() {
        assert!(is_v2("/api/v2/workspaces/w/token"));
        assert!(!is_v2("/api/v20/x"));
        assert!(path_is_under("/api/v2/workspaces/w", QAPI_V2_PREFIX));
        assert_eq!(workspace_of("/api/v2/workspaces/w1/wallets"), Some("w1"));
        assert_eq!(workspace_of("/api/v2/other"), None);
    }

    #[test]
    fn tokens_are_judged_missing_forged_expired_and_for_another_workspace() {
        let state = QredoState::default();
        let secret = QredoSecret::generate();
        state.register("key-1", secret.clone());
        let key = token_key(&secret);
        let claims = |exp: i64| json!({"sub": owner_tag("key-1"), "wid": "w1", "exp": exp});
        let with = |t: &str| {
            let mut h = HeaderMap::new();
            h.insert(TOKEN_HEADER, t.parse().unwrap());
            h
        };
        let good = hs256_encode(&key, &claims(200));
        assert_eq!(
            judge_token(&state, &with(&good), Some("w1"), 100),
            Ok(owner_tag("key-1"))
        );
        let reason = |r: Result<String, QapiError>| r.unwrap_err().reason;
        assert!(reason(judge_token(&state, &HeaderMap::new(), None, 100)).contains("missing"));
        assert!(
            reason(judge_token(&state, &with(&good), Some("w1"), 300)).contains("token-expired")
        );
        assert!(
            reason(judge_token(&state, &with(&good), Some("w2"), 100)).contains("token-workspace")
        );
        let forged = hs256_encode(b"another key", &claims(200));
        assert!(
            reason(judge_token(&state, &with(&forged), Some("w1"), 100)).contains("token-forged")
        );
    }
}
