//! The URL the client must have signed, rebuilt from the request as received.
//!
//! hyper hands over the request target as the bytes on the wire (`http::Uri` keeps them
//! verbatim: no decoding, no re-encoding, no dot-segment removal), so the path and query
//! are taken from it as a string.
//!
//! What the mock binds, as the real server binds `https://api.qredo.network` for its REST
//! routes and `wss://api.qredo.network` for its feeds:
//! - The scheme comes from the route, not from the request: `ws` for the three feeds,
//!   `http` for everything else (the mock serves plain TCP). An `Upgrade: websocket` on a
//!   REST route changes nothing: it is still signed over `http://`.
//! - The host is the one the client addressed: the `Host` header. A request target in
//!   absolute form (`GET http://host/path`, as sent to a proxy) is accepted only when it
//!   names that same host with `http`: the mock is not a proxy, and a signature over
//!   another host's URL must not pass for one over its own.

use super::API_PREFIX;
use axum::http::{HeaderMap, Uri, Version, header};

/// `scheme://host` + the request target of an HTTP/1.1 request. `Err` says why it cannot
/// be rebuilt.
pub fn request_url(uri: &Uri, headers: &HeaderMap) -> Result<String, String> {
    request_url_for(uri, headers, Version::HTTP_11)
}

/// [`request_url`] for a request of `version`. HTTP/2 names the host in `:authority`
/// (hyper puts it in the URI) and usually sends no Host header; HTTP/1.1 must send Host.
pub fn request_url_for(uri: &Uri, headers: &HeaderMap, version: Version) -> Result<String, String> {
    let scheme = route_scheme(uri.path());
    let target = uri.path_and_query().map(|pq| pq.as_str()).unwrap_or("/");
    let mut hosts = headers.get_all(header::HOST).iter();
    let host = match (hosts.next(), hosts.next(), uri.authority()) {
        (None, None, Some(authority)) if version == Version::HTTP_2 => {
            if !uri
                .scheme_str()
                .is_some_and(|s| s.eq_ignore_ascii_case("http"))
            {
                return Err(format!(
                    "the request's :scheme is {}, but the mock serves only http://",
                    uri.scheme_str().unwrap_or("missing")
                ));
            }
            return Ok(format!("{scheme}://{authority}{target}"));
        }
        (Some(h), None, _) => h,
        (None, _, _) => return Err("the request has no Host header".into()),
        (Some(_), Some(_), _) => return Err("the request has two Host headers".into()),
    };
    let host = std::str::from_utf8(host.as_bytes())
        .map_err(|_| "the Host header is not UTF-8".to_string())?;
    if host.is_empty() {
        return Err("the Host header is empty".into());
    }
    if let Some(authority) = uri.authority() {
        let named = uri.scheme_str().unwrap_or_default();
        if !authority.as_str().eq_ignore_ascii_case(host) || !named.eq_ignore_ascii_case("http") {
            return Err(format!(
                "the request target names {named}://{authority} but the Host header is {host}: \
                 the mock serves only http:// on the host it is addressed by and is not a proxy; \
                 send the path alone (GET /api/v1/p/...) and sign http://{host}/..."
            ));
        }
    }
    Ok(format!("{scheme}://{host}{target}"))
}

/// `ws` for a feed's path, `http` for every other route.
pub fn route_scheme(path: &str) -> &'static str {
    if is_feed_path(path) { "ws" } else { "http" }
}

/// `/api/v1/p/wallets/feed`, `/api/v1/p/liquidityhub/feed`, `/api/v1/p/coreclient/{id}/feed`,
/// and the Qredo API v1's `/qapi/v1/transactions/feed`.
fn is_feed_path(path: &str) -> bool {
    if path
        .strip_prefix(crate::mock::qapi::QAPI_V1_PREFIX)
        .is_some_and(|rest| rest == "/transactions/feed")
    {
        return true;
    }
    let Some(rest) = path.strip_prefix(API_PREFIX) else {
        return false;
    };
    match rest {
        "/wallets/feed" | "/liquidityhub/feed" => true,
        _ => rest
            .strip_prefix("/coreclient/")
            .and_then(|r| r.strip_suffix("/feed"))
            .is_some_and(|id| !id.is_empty() && !id.contains('/')),
    }
}

/// A hint for a refused signature on a REST route asked to upgrade: the client signed the
/// `ws://` URL, but only the feeds are served over websocket.
pub fn scheme_hint(uri: &Uri, headers: &HeaderMap) -> Option<&'static str> {
    (is_websocket_upgrade(headers) && !is_feed_path(uri.path())).then_some(
        ". Upgrade: websocket was sent to a REST route: only the feeds are websocket, so this route is signed over http://",
    )
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
    fn the_route_picks_the_scheme_and_absolute_form_must_name_the_host() {
        let mut h = headers("127.0.0.1:9");
        h.insert(header::UPGRADE, HeaderValue::from_static("WebSocket"));
        for (path, scheme) in [
            ("/api/v1/p/wallets/feed", "ws"),
            ("/api/v1/p/liquidityhub/feed", "ws"),
            ("/api/v1/p/coreclient/c1/feed", "ws"),
            ("/api/v1/p/assets", "http"),
            ("/api/v1/p/coreclient/c1/actions", "http"),
        ] {
            let uri: Uri = path.parse().unwrap();
            assert_eq!(
                request_url(&uri, &h).unwrap(),
                format!("{scheme}://127.0.0.1:9{path}")
            );
        }
        // Without Upgrade, a feed's path is still judged over ws://.
        let uri: Uri = "/api/v1/p/wallets/feed".parse().unwrap();
        assert!(
            request_url(&uri, &headers("h"))
                .unwrap()
                .starts_with("ws://")
        );

        let uri: Uri = "http://evil.example/api/v1/p/assets".parse().unwrap();
        let e = request_url(&uri, &headers("127.0.0.1:9")).unwrap_err();
        assert!(
            e.contains("evil.example") && e.contains("not a proxy"),
            "{e}"
        );
        let uri: Uri = "https://127.0.0.1:9/api/v1/p/assets".parse().unwrap();
        assert!(request_url(&uri, &headers("127.0.0.1:9")).is_err());
        let uri: Uri = "http://LOCALHOST:9/api/v1/p/assets".parse().unwrap();
        assert_eq!(
            request_url(&uri, &headers("localhost:9")).unwrap(),
            "http://localhost:9/api/v1/p/assets"
        );
        assert!(request_url(&"/x".parse().unwrap(), &HeaderMap::new()).is_err());
        // HTTP/2 names the host in :authority, without a Host header; HTTP/1.1 may not.
        let h2: Uri = "http://127.0.0.1:9/api/v1/p/assets?x=%20".parse().unwrap();
        assert_eq!(
            request_url_for(&h2, &HeaderMap::new(), Version::HTTP_2).unwrap(),
            "http://127.0.0.1:9/api/v1/p/assets?x=%20"
        );
        assert!(request_url(&h2, &HeaderMap::new()).is_err());
        let https: Uri = "https://127.0.0.1:9/api/v1/p/assets".parse().unwrap();
        assert!(request_url_for(&https, &HeaderMap::new(), Version::HTTP_2).is_err());
    }
}
