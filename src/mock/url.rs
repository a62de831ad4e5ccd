//! The URL the client must have signed, rebuilt from the request as received.
//!
//! hyper hands over the request target as the bytes on the wire (`http::Uri` keeps them
//! verbatim: no decoding, no re-encoding, no dot-segment removal), so the path and query
//! are taken from it as a string. The scheme is `http`, or `ws` for a websocket upgrade,
//! since the mock serves plain TCP. The authority is the `Host` header as sent.

use axum::http::{HeaderMap, Uri, header};

/// `scheme://host` + the request target. `Err` says why it cannot be rebuilt.
pub fn request_url(uri: &Uri, headers: &HeaderMap) -> Result<String, String> {
    let scheme = if is_websocket_upgrade(headers) {
        "ws"
    } else {
        "http"
    };
    let target = uri.path_and_query().map(|pq| pq.as_str()).unwrap_or("/");
    // Absolute-form (`GET http://host/path HTTP/1.1`, as proxies send): its authority wins
    // over Host, as RFC 9112 §3.2.2 says.
    if let Some(authority) = uri.authority() {
        return Ok(format!("{scheme}://{}{target}", authority.as_str()));
    }
    let mut hosts = headers.get_all(header::HOST).iter();
    let host = match (hosts.next(), hosts.next()) {
        (Some(h), None) => h,
        (None, _) => return Err("the request has no Host header".into()),
        (Some(_), Some(_)) => return Err("the request has two Host headers".into()),
    };
    let host = std::str::from_utf8(host.as_bytes())
        .map_err(|_| "the Host header is not UTF-8".to_string())?;
    if host.is_empty() {
        return Err("the Host header is empty".into());
    }
    Ok(format!("{scheme}://{host}{target}"))
}

/// A websocket handshake: `Upgrade: websocket` (any case).
pub fn is_websocket_upgrade(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::UPGRADE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|token| token.trim().eq_ignore_ascii_case("websocket"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(host: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, HeaderValue::from_str(host).unwrap());
        h
    }

    #[test]
    fn target_is_kept_verbatim() {
        for target in [
            "/api/v1/p/company/search?query=a%20b",
            "/api/v1/p/company/search?query=a+b&x=%2F",
            "/api/v1/p//company/./x/../y?",
            "/api/v1/p/company/%7e",
        ] {
            let uri: Uri = target.parse().unwrap();
            assert_eq!(
                request_url(&uri, &headers("localhost:8001")).unwrap(),
                format!("http://localhost:8001{target}")
            );
        }
    }

    #[test]
    fn upgrade_switches_to_ws_and_absolute_form_wins() {
        let mut h = headers("127.0.0.1:9");
        h.insert(header::UPGRADE, HeaderValue::from_static("WebSocket"));
        let uri: Uri = "/api/v1/p/wallets/feed".parse().unwrap();
        assert_eq!(
            request_url(&uri, &h).unwrap(),
            "ws://127.0.0.1:9/api/v1/p/wallets/feed"
        );
        let uri: Uri = "http://example.com:80/api/v1/p/assets".parse().unwrap();
        assert_eq!(
            request_url(&uri, &headers("other")).unwrap(),
            "http://example.com:80/api/v1/p/assets"
        );
        assert!(request_url(&"/x".parse().unwrap(), &HeaderMap::new()).is_err());
    }
}
