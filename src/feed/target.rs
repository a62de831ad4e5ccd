//! Which feed to open, and the exact URL string that goes on the wire (the one signed).

use super::FeedError;
use std::fmt;
use std::str::FromStr;
use tokio_tungstenite::tungstenite::http::Uri;

/// The published feeds: the Partner API's three, and the Qredo API v1's transactions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FeedKind {
    /// `/coreclient/{client_id}/feed`: actions awaiting the core client's approval.
    CoreClient(String),
    /// `/wallets/feed`: wallet updates for the API key.
    Wallets,
    /// `/liquidityhub/feed`: swaps added to the liquidity hub.
    LiquidityHub,
    /// The Qredo API v1's `/transactions/feed` (under `/qapi/v1`, signed with qredo-v1):
    /// status changes of the API key's transactions.
    Transactions,
}

impl FeedKind {
    /// The path relative to the base URL.
    pub fn path(&self) -> String {
        match self {
            FeedKind::CoreClient(id) => format!("/coreclient/{id}/feed"),
            FeedKind::Wallets => "/wallets/feed".to_string(),
            FeedKind::LiquidityHub => "/liquidityhub/feed".to_string(),
            FeedKind::Transactions => "/transactions/feed".to_string(),
        }
    }

    /// The feed's URL under an `http(s)://` (or `ws(s)://`) base URL, as `ws(s)://`.
    pub fn url(&self, base_url: &str) -> Result<String, FeedError> {
        let base = ws_base(base_url)?;
        Ok(format!("{}{}", base.trim_end_matches('/'), self.path()))
    }

    /// Recognises a feed from its URL (the core client id included), for labels and for
    /// choosing how to print messages.
    pub fn from_url(url: &str) -> Option<FeedKind> {
        let path = url.split(['?', '#']).next().unwrap_or(url);
        let path = path.trim_end_matches('/');
        if path.ends_with("/wallets/feed") {
            return Some(FeedKind::Wallets);
        }
        if path.ends_with("/liquidityhub/feed") {
            return Some(FeedKind::LiquidityHub);
        }
        if path.ends_with("/transactions/feed") {
            return Some(FeedKind::Transactions);
        }
        let rest = path.strip_suffix("/feed")?;
        let (head, id) = rest.rsplit_once('/')?;
        (head.ends_with("/coreclient") && !id.is_empty())
            .then(|| FeedKind::CoreClient(id.to_string()))
    }
}

impl fmt::Display for FeedKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FeedKind::CoreClient(id) => write!(f, "coreclient:{id}"),
            FeedKind::Wallets => f.write_str("wallets"),
            FeedKind::LiquidityHub => f.write_str("liquidityhub"),
            FeedKind::Transactions => f.write_str("transactions"),
        }
    }
}

impl FromStr for FeedKind {
    type Err = FeedError;

    /// `coreclient:<client_id>`, `wallets`, `liquidityhub` or (Qredo API v1) `transactions`.
    fn from_str(s: &str) -> Result<Self, FeedError> {
        let bad = || FeedError::UnknownFeed(s.to_string());
        match s.split_once(':') {
            Some((kind, id)) if kind.eq_ignore_ascii_case("coreclient") => {
                let ok = !id.is_empty()
                    && id
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"-_.~".contains(&b));
                if ok {
                    Ok(FeedKind::CoreClient(id.to_string()))
                } else {
                    Err(bad())
                }
            }
            None if s.eq_ignore_ascii_case("wallets") => Ok(FeedKind::Wallets),
            None if s.eq_ignore_ascii_case("liquidityhub") => Ok(FeedKind::LiquidityHub),
            None if s.eq_ignore_ascii_case("transactions") => Ok(FeedKind::Transactions),
            _ => Err(bad()),
        }
    }
}

/// A base URL with its scheme turned into the websocket one: `http` → `ws`, `https` → `wss`.
pub fn ws_base(base_url: &str) -> Result<String, FeedError> {
    let invalid = |problem: &str| FeedError::InvalidUrl {
        url: base_url.to_string(),
        problem: problem.to_string(),
    };
    let (scheme, rest) = base_url
        .split_once("://")
        .ok_or_else(|| invalid("it has no scheme; use http://, https://, ws:// or wss://"))?;
    let ws = match scheme.to_ascii_lowercase().as_str() {
        "http" | "ws" => "ws",
        "https" | "wss" => "wss",
        _ => return Err(invalid("the scheme must be http, https, ws or wss")),
    };
    Ok(format!("{ws}://{rest}"))
}

/// A feed URL resolved the way the websocket library will send it: the request target and
/// the Host header rebuilt into the absolute URL the server checks the signature against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedTarget {
    typed: String,
    wire: String,
    uri: Uri,
}

impl FeedTarget {
    /// Accepts `ws://` and `wss://` URLs, and `http(s)://` ones, which become `ws(s)://`.
    pub fn parse(url: &str) -> Result<FeedTarget, FeedError> {
        let invalid = |problem: String| FeedError::InvalidUrl {
            url: url.to_string(),
            problem,
        };
        let ws = ws_base(url)?;
        let mut parsed = url::Url::parse(&ws).map_err(|e| invalid(e.to_string()))?;
        if parsed.host_str().is_none_or(str::is_empty) {
            return Err(invalid("it has no host".to_string()));
        }
        // Neither goes on the wire: the fragment is never sent and credentials are not part
        // of the Host header.
        parsed.set_fragment(None);
        let _ = parsed.set_username("");
        let _ = parsed.set_password(None);
        let uri: Uri = parsed
            .as_str()
            .parse()
            .map_err(|e| invalid(format!("{e}")))?;
        let authority = uri
            .authority()
            .map(|a| a.as_str().to_string())
            .ok_or_else(|| invalid("it has no host".to_string()))?;
        let path = uri.path_and_query().map_or("/", |p| p.as_str());
        let wire = format!("{}://{authority}{path}", parsed.scheme());
        Ok(FeedTarget {
            typed: url.to_string(),
            wire,
            uri,
        })
    }

    pub fn for_feed(base_url: &str, kind: &FeedKind) -> Result<FeedTarget, FeedError> {
        FeedTarget::parse(&kind.url(base_url)?)
    }

    /// What the user gave.
    pub fn typed(&self) -> &str {
        &self.typed
    }

    /// The absolute URL the server sees: scheme, Host header, request target. This is the
    /// string that gets signed.
    pub fn wire_url(&self) -> &str {
        &self.wire
    }

    /// Whether the wire form differs from what was typed (scheme change, default port,
    /// percent-encoding, ...): worth telling the user.
    pub fn rewritten(&self) -> bool {
        self.typed != self.wire
    }

    pub fn kind(&self) -> Option<FeedKind> {
        FeedKind::from_url(&self.wire)
    }

    pub(crate) fn uri(&self) -> &Uri {
        &self.uri
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feed_kinds_parse_and_print() {
        assert_eq!(
            "coreclient:1i8O3".parse::<FeedKind>().unwrap(),
            FeedKind::CoreClient("1i8O3".into())
        );
        assert_eq!("wallets".parse::<FeedKind>().unwrap(), FeedKind::Wallets);
        assert_eq!(
            "LiquidityHub".parse::<FeedKind>().unwrap(),
            FeedKind::LiquidityHub
        );
        for bad in [
            "coreclient:",
            "coreclient:a/b",
            "wallet",
            "coreclient: x",
            "",
        ] {
            let err = bad.parse::<FeedKind>().unwrap_err().to_string();
            assert!(err.contains("coreclient:<client_id>"), "{bad}: {err}");
        }
        assert_eq!(FeedKind::CoreClient("x".into()).to_string(), "coreclient:x");
    }

    #[test]
    fn feed_urls_swap_the_scheme() {
        let base = "http://localhost:8001/api/v1/p";
        assert_eq!(
            FeedKind::CoreClient("C1".into()).url(base).unwrap(),
            "ws://localhost:8001/api/v1/p/coreclient/C1/feed"
        );
        assert_eq!(
            FeedKind::Wallets
                .url("https://api.qredo.network/api/v1/p/")
                .unwrap(),
            "wss://api.qredo.network/api/v1/p/wallets/feed"
        );
        assert!(FeedKind::Wallets.url("ftp://x").is_err());
        assert!(FeedKind::Wallets.url("localhost:8001").is_err());
    }

    #[test]
    fn kind_is_recognised_from_the_url() {
        assert_eq!(
            FeedKind::from_url("ws://h/api/v1/p/coreclient/abc/feed"),
            Some(FeedKind::CoreClient("abc".into()))
        );
        assert_eq!(
            FeedKind::from_url("wss://h/api/v1/p/liquidityhub/feed?x=1"),
            Some(FeedKind::LiquidityHub)
        );
        assert_eq!(
            FeedKind::from_url("ws://h/qapi/v1/transactions/feed"),
            Some(FeedKind::Transactions)
        );
        assert_eq!(FeedKind::from_url("ws://h/api/v1/p/other"), None);
    }

    #[test]
    fn target_keeps_an_exact_url_as_typed() {
        let t = FeedTarget::parse("ws://127.0.0.1:8001/api/v1/p/wallets/feed").unwrap();
        assert_eq!(t.wire_url(), "ws://127.0.0.1:8001/api/v1/p/wallets/feed");
        assert!(!t.rewritten());
        assert_eq!(t.kind(), Some(FeedKind::Wallets));
    }

    #[test]
    fn target_signs_the_on_wire_form() {
        let t = FeedTarget::parse("http://LOCALHOST:80/api/v1/p/wallets/feed#x").unwrap();
        assert_eq!(t.wire_url(), "ws://localhost/api/v1/p/wallets/feed");
        assert!(t.rewritten());
        let t = FeedTarget::parse("wss://h/a b/feed").unwrap();
        assert_eq!(t.wire_url(), "wss://h/a%20b/feed");
        let t = FeedTarget::parse("ws://user:pw@h:9/x?q=1").unwrap();
        assert_eq!(t.wire_url(), "ws://h:9/x?q=1");
        let t = FeedTarget::parse("ws://h").unwrap();
        assert_eq!(t.wire_url(), "ws://h/");
    }

    #[test]
    fn target_refuses_what_cannot_be_a_feed() {
        for bad in ["", "wallets", "mailto:x@y", "ws://", "ws://:80/x"] {
            assert!(FeedTarget::parse(bad).is_err(), "{bad:?}");
        }
    }
}
