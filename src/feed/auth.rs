//! Signing the handshake: the same scheme as any request, over the ws(s) URL and an
//! empty body, with a fresh timestamp or nonce on every attempt.

use super::FeedError;
use crate::signing::{AuthMode, AuthValue, NonceStore, RequestSigner, SignedRequest, now_unix};
use std::sync::Arc;

/// Credentials for a feed: who signs, with which API key, timestamps or nonces.
#[derive(Clone)]
pub struct FeedAuth {
    signer: Arc<dyn RequestSigner>,
    api_key: String,
    nonces: Option<NonceStore>,
}

impl std::fmt::Debug for FeedAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FeedAuth")
            .field("scheme", &self.signer.scheme())
            .field("mode", &self.mode())
            .finish_non_exhaustive()
    }
}

/// The headers for one handshake, and what was signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedHandshake {
    pub url: String,
    pub signed: SignedRequest,
    /// `x-api-key`, `x-sign`, and `x-timestamp` or `x-nonce`; or the scheme's own names
    /// (`qredo-api-key`, `qredo-api-ts`, `qredo-api-sig`).
    pub headers: Vec<(&'static str, String)>,
}

impl FeedAuth {
    /// Signs with `x-timestamp`, the current second at each attempt.
    pub fn timestamp(signer: Arc<dyn RequestSigner>, api_key: impl Into<String>) -> FeedAuth {
        FeedAuth {
            signer,
            api_key: api_key.into(),
            nonces: None,
        }
    }

    /// Signs with `x-nonce`, taken from the store so that it keeps increasing across runs.
    pub fn nonce(
        signer: Arc<dyn RequestSigner>,
        api_key: impl Into<String>,
        store: NonceStore,
    ) -> FeedAuth {
        FeedAuth {
            signer,
            api_key: api_key.into(),
            nonces: Some(store),
        }
    }

    pub fn mode(&self) -> AuthMode {
        if self.nonces.is_some() {
            AuthMode::Nonce
        } else {
            AuthMode::Timestamp
        }
    }

    pub fn api_key(&self) -> &str {
        &self.api_key
    }

    fn next_value(&self) -> Result<AuthValue, FeedError> {
        match &self.nonces {
            None => Ok(AuthValue::Timestamp(now_unix())),
            Some(store) => store
                .take(&self.api_key)
                .map(AuthValue::Nonce)
                .map_err(|e| FeedError::Nonce(e.to_string())),
        }
    }

    /// Signs a handshake to `wire_url` with a fresh value.
    pub fn sign(&self, wire_url: &str) -> Result<SignedHandshake, FeedError> {
        Ok(self.sign_value(wire_url, self.next_value()?))
    }

    /// Signs a handshake to `wire_url` with a value taken elsewhere (the signing proxy
    /// takes its nonces in one ordered step for HTTP and feeds alike).
    pub fn sign_value(&self, wire_url: &str, value: AuthValue) -> SignedHandshake {
        let signed = self.signer.sign("GET", wire_url, b"", value);
        let key_header = self.signer.scheme().api_key_header();
        let mut headers = vec![(key_header, self.api_key.clone())];
        headers.extend(signed.headers());
        SignedHandshake {
            url: wire_url.to_string(),
            signed,
            headers,
        }
    }
}
