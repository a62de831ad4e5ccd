//! Which signing scheme a profile, a request and a history entry use, and the header
//! names each one puts on the wire. One table, so the ticket, the curl export, the mock
//! and the lint agree on them.

use std::fmt;

/// A signing scheme, as profiles and history spell it.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum Scheme {
    /// The Partner API: RSA over value + URL + body, `x-api-key`, `x-timestamp`, `x-sign`.
    #[default]
    PartnerRsa,
    /// Qredo API v1: HMAC-SHA256 over ts + METHOD + URL + body, `qredo-api-*` headers.
    QredoV1,
    /// Qredo API v2: the v1 HMAC (as GET) buys a token from `/workspaces/{id}/token`;
    /// later calls carry it as `x-token`.
    QredoV2,
}

/// Why a scheme name is not known.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown scheme {0:?}: use partner-rsa, qredo-v1 or qredo-v2")]
pub struct UnknownScheme(pub String);

impl Scheme {
    pub const ALL: [Scheme; 3] = [Scheme::PartnerRsa, Scheme::QredoV1, Scheme::QredoV2];

    pub fn as_str(self) -> &'static str {
        match self {
            Scheme::PartnerRsa => "partner-rsa",
            Scheme::QredoV1 => "qredo-v1",
            Scheme::QredoV2 => "qredo-v2",
        }
    }

    pub fn parse(s: &str) -> Result<Scheme, UnknownScheme> {
        Scheme::ALL
            .into_iter()
            .find(|k| k.as_str() == s.trim())
            .ok_or_else(|| UnknownScheme(s.to_string()))
    }

    /// The header that carries the API key.
    pub fn api_key_header(self) -> &'static str {
        match self {
            Scheme::PartnerRsa => "x-api-key",
            Scheme::QredoV1 | Scheme::QredoV2 => "qredo-api-key",
        }
    }

    /// The header that carries the timestamp (the Partner API's nonce header is
    /// `AuthValue::header_name`'s).
    pub fn timestamp_header(self) -> &'static str {
        match self {
            Scheme::PartnerRsa => "x-timestamp",
            Scheme::QredoV1 => "qredo-api-ts",
            Scheme::QredoV2 => "qredo-api-timestamp",
        }
    }

    /// The header that carries the signature.
    pub fn signature_header(self) -> &'static str {
        match self {
            Scheme::PartnerRsa => "x-sign",
            Scheme::QredoV1 => "qredo-api-sig",
            Scheme::QredoV2 => "qredo-api-signature",
        }
    }

    /// The path every endpoint of the scheme's API lives under.
    pub const fn api_prefix(self) -> &'static str {
        match self {
            Scheme::PartnerRsa => "/api/v1/p",
            Scheme::QredoV1 => "/qapi/v1",
            Scheme::QredoV2 => "/api/v2",
        }
    }

    /// The API a URL path belongs to by its prefix (`/api/v1/p`, `/qapi/v1`, `/api/v2`),
    /// wherever it sits in the path (a gateway may put its own path first).
    pub fn api_of_path(path: &str) -> Option<Scheme> {
        Scheme::ALL
            .into_iter()
            .find(|s| path_is_under(path, s.api_prefix()))
    }

    /// A path to try first under this scheme's API, for hints.
    pub fn example_path(self) -> &'static str {
        match self {
            Scheme::PartnerRsa => "/company",
            Scheme::QredoV1 => "/balance",
            Scheme::QredoV2 => "/workspaces/ID/wallets",
        }
    }

    /// How the signature is made, in one line, for the workbench's empty signature pane.
    pub fn formula(self) -> &'static str {
        match self {
            Scheme::PartnerRsa => {
                "x-sign = base64url(RSA-SHA256(timestamp + URL + body)), over the exact bytes."
            }
            Scheme::QredoV1 => {
                "qredo-api-sig = base64url(HMAC-SHA256(secret, ts + METHOD + URL + body)), over the exact bytes."
            }
            Scheme::QredoV2 => {
                "the token request is signed as v1 is (HMAC-SHA256 of ts + GET + URL); calls carry its token as x-token."
            }
        }
    }

    /// True when the method is part of the signed bytes (ts + METHOD + URL + body).
    pub fn signs_method(self) -> bool {
        !matches!(self, Scheme::PartnerRsa)
    }

    /// Every header name a scheme computes, so no profile extra may replace one.
    pub fn reserved_headers() -> &'static [&'static str] {
        &[
            "x-api-key",
            "x-sign",
            "x-timestamp",
            "x-nonce",
            "qredo-api-key",
            "qredo-api-ts",
            "qredo-api-sig",
            "qredo-api-timestamp",
            "qredo-api-signature",
            TOKEN_HEADER,
        ]
    }
}

/// The header a Qredo API v2 call carries its token in.
pub const TOKEN_HEADER: &str = "x-token";

/// The v2 token endpoint's path under the API base, for a workspace.
pub fn v2_token_path(workspace: &str) -> String {
    format!("/workspaces/{workspace}/token")
}

/// True when a URL path is a v2 token request (`…/workspaces/{id}/token`): that one is
/// signed with the HMAC; every other v2 call carries the token it returns.
pub fn is_v2_token_path(path: &str) -> bool {
    let path = path.split(['?', '#']).next().unwrap_or(path);
    let mut rev = path.trim_end_matches('/').rsplit('/');
    matches!(
        (rev.next(), rev.next(), rev.next()),
        (Some("token"), Some(id), Some("workspaces")) if !id.is_empty()
    )
}

/// True when `path` holds `prefix` as whole segments (`/qapi/v1/x`, not `/qapi/v10`).
pub fn path_is_under(path: &str, prefix: &str) -> bool {
    path.match_indices(prefix).any(|(i, _)| {
        let rest = &path[i + prefix.len()..];
        rest.is_empty() || rest.starts_with('/') || rest.starts_with('?')
    })
}

impl fmt::Display for Scheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Scheme {
    type Err = UnknownScheme;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Scheme::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_unknown_ones_name_the_choices() {
        for s in Scheme::ALL {
            assert_eq!(Scheme::parse(s.as_str()), Ok(s));
            let json = serde_json::to_string(&s).unwrap();
            assert_eq!(json, format!("\"{s}\""));
        }
        let err = Scheme::parse("qredo-v3").unwrap_err().to_string();
        assert!(err.contains("qredo-v1"), "{err}");
    }

    #[test]
    fn header_names_follow_the_scheme() {
        assert_eq!(Scheme::QredoV1.signature_header(), "qredo-api-sig");
        assert_eq!(Scheme::QredoV2.timestamp_header(), "qredo-api-timestamp");
        assert_eq!(Scheme::PartnerRsa.api_key_header(), "x-api-key");
        assert!(Scheme::QredoV1.signs_method() && !Scheme::PartnerRsa.signs_method());
    }

    #[test]
    fn a_path_names_its_api() {
        assert_eq!(
            Scheme::api_of_path("/api/v1/p/assets"),
            Some(Scheme::PartnerRsa)
        );
        assert_eq!(
            Scheme::api_of_path("/gw/qapi/v1/balance"),
            Some(Scheme::QredoV1)
        );
        assert_eq!(Scheme::api_of_path("/qapi/v10/balance"), None);
        assert_eq!(Scheme::api_of_path("/api/v1/pay"), None);
        assert!(is_v2_token_path("/api/v2/workspaces/w1/token"));
        assert!(is_v2_token_path("/api/v2/workspaces/w1/token?x=1"));
        assert!(!is_v2_token_path("/api/v2/workspaces//token"));
        assert!(!is_v2_token_path("/api/v2/workspaces/w1/wallets"));
    }
}
