//! The Qredo API v2 token flow, asked before a v2 call is built: a cached token while it is
//! valid, else `GET {base}/workspaces/{id}/token` signed with the v1 HMAC (as GET) and
//! sent through [`execute`] like any request, so the history shows the fetch too. The
//! token is cached per profile and API key (`store::token`, 0600) until its `exp`.

use super::execute::{Exchange, Origin, Recorder, execute, execute_until};
use super::send::SendError;
use super::ticket::{BuildError, Credentials, RequestSpec, build_ticket, build_token_ticket};
use crate::signing::jwt::{JwtError, read_claims};
use crate::signing::{AuthMode, AuthValue, RequestSigner, now_unix, v2_token_path};
use crate::store::collection::join_url;
use crate::store::token::{CachedToken, TokenCache};
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

/// Where a v2 profile gets its token.
#[derive(Clone)]
pub struct TokenSource {
    /// The profile, whose cache file holds the token.
    pub profile: String,
    /// The v2 API base (`https://api-v2.qredo.network/api/v2`).
    pub base_url: String,
    pub workspace: String,
    pub api_key: String,
    /// The v2 HMAC signer (`HmacV1Signer::v2`).
    pub signer: Arc<dyn RequestSigner>,
    pub cache: TokenCache,
}

impl std::fmt::Debug for TokenSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenSource")
            .field("profile", &self.profile)
            .field("base_url", &self.base_url)
            .field("workspace", &self.workspace)
            .finish_non_exhaustive()
    }
}

/// Why no token could be had. Each message says what to do.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error(
        "profile `{profile}` is qredo-v2 but names no workspace: pass --workspace ID, or `xsign profile edit {profile} --workspace ID` (the id is in the web app's workspace settings)"
    )]
    NoWorkspace { profile: String },
    #[error("cannot build the token request: {0}")]
    Build(#[from] BuildError),
    /// No answer, or a refusal: the recorded exchange, for the doctor.
    #[error("{}", failed_text(.0))]
    Failed(Box<Exchange>),
    #[error("the token endpoint answered without a {{\"token\": JWT}} body{}", history.map(|h| format!(" (history #{h})")).unwrap_or_default())]
    NoToken { history: Option<u64> },
    #[error("the token endpoint's token is unusable: {0}")]
    Jwt(#[from] JwtError),
    #[error("cancelled")]
    Cancelled,
}

fn failed_text(e: &Exchange) -> String {
    let history = e
        .history_id()
        .map(|h| format!(" (history #{h})"))
        .unwrap_or_default();
    match &e.outcome {
        Err(SendError::Cancelled) => "cancelled".to_string(),
        Err(err) => format!("the token request failed{history}: {err}"),
        Ok(r) => {
            let reason = crate::diagnose::ApiError::parse(r.status, &r.body)
                .and_then(|a| a.reason)
                .map(|r| format!(": {r}"))
                .unwrap_or_default();
            format!(
                "the token request GET {} was refused{history}: HTTP {}{reason}",
                e.ticket.wire_url(),
                r.status
            )
        }
    }
}

/// A token to send, and the fetch that got it when it was not cached.
#[derive(Debug)]
pub struct Token {
    pub token: CachedToken,
    /// The recorded token request, when one was made now.
    pub fetch: Option<Box<Exchange>>,
    /// Why the new token could not be cached, if it could not (it is still used).
    pub cache_error: Option<crate::store::StoreError>,
}

impl TokenSource {
    /// The token request's URL.
    pub fn token_url(&self) -> String {
        join_url(&self.base_url, &v2_token_path(&self.workspace))
    }

    /// The cached token when it is for this workspace and base and still usable.
    pub fn cached(&self, now: i64) -> Option<CachedToken> {
        self.cache
            .load(&self.profile, &self.api_key)
            .filter(|t| t.fits(&self.workspace, &self.base_url) && t.usable_at(now))
    }

    /// Forgets the cached token (the server refused it).
    pub fn forget(&self) {
        self.cache.forget(&self.profile, &self.api_key);
    }

    /// The token to send: the cached one, or a new one fetched, recorded and cached.
    pub async fn token(
        &self,
        client: &reqwest::Client,
        timeout: Duration,
        origin: &Origin,
        recorder: &dyn Recorder,
    ) -> Result<Token, TokenError> {
        if let Some(token) = self.cached(now_unix()) {
            return Ok(Token {
                token,
                fetch: None,
                cache_error: None,
            });
        }
        self.fetch(client, timeout, origin, recorder).await
    }

    /// Fetches a new token whatever the cache holds.
    pub async fn fetch(
        &self,
        client: &reqwest::Client,
        timeout: Duration,
        origin: &Origin,
        recorder: &dyn Recorder,
    ) -> Result<Token, TokenError> {
        let creds = Credentials {
            api_key: self.api_key.clone(),
            signer: Some(self.signer.clone()),
            mode: AuthMode::Timestamp,
        };
        let spec = RequestSpec::new(reqwest::Method::GET, self.token_url(), Vec::new());
        let ticket = build_ticket(&spec, &creds, AuthValue::Timestamp(now_unix()))?;
        let origin = Origin {
            source: Some(format!("token:{}", self.workspace)),
            ..origin.clone()
        };
        let exchange = execute(client, ticket, timeout, &origin, recorder).await;
        let history = exchange.history_id();
        let (token, fetched_at) = match &exchange.outcome {
            Ok(r) if r.is_success() => (
                serde_json::from_slice::<serde_json::Value>(&r.body)
                    .ok()
                    .and_then(|v| v.get("token")?.as_str().map(str::to_string))
                    .ok_or(TokenError::NoToken { history })?,
                crate::time::unix_secs(r.sent_at),
            ),
            _ => return Err(TokenError::Failed(Box::new(exchange))),
        };
        let claims = read_claims(&token)?;
        let cached = CachedToken {
            token,
            exp: claims.exp,
            workspace: self.workspace.clone(),
            base_url: self.base_url.clone(),
            fetched_at,
            history_id: history,
        };
        let cache_error = self.cache.save(&self.profile, &self.api_key, &cached).err();
        Ok(Token {
            token: cached,
            fetch: Some(Box::new(exchange)),
            cache_error,
        })
    }
}

/// Sends a Qredo API v2 call: the token asked for first (fetched and recorded when none is
/// cached or it expired), then `spec` carrying it as `x-token`, through [`execute_until`].
/// A token the server refuses (401) is forgotten, so the next send fetches a new one; this
/// one is not retried, so the refusal stays visible and the doctor can name it.
#[allow(clippy::too_many_arguments)]
pub async fn execute_with_token(
    client: &reqwest::Client,
    source: &TokenSource,
    spec: &RequestSpec,
    creds: &Credentials,
    timeout: Duration,
    origin: &Origin,
    recorder: &dyn Recorder,
    cancel: impl Future<Output = ()>,
) -> Result<(Token, Exchange), TokenError> {
    tokio::pin!(cancel);
    let token = tokio::select! {
        t = source.token(client, timeout, origin, recorder) => t?,
        () = &mut cancel => return Err(TokenError::Cancelled),
    };
    let ticket = build_token_ticket(spec, creds, &token.token.token)?;
    let exchange = execute_until(client, ticket, timeout, origin, recorder, cancel).await;
    if exchange.response().is_some_and(|r| r.status == 401) {
        source.forget();
    }
    Ok((token, exchange))
}
