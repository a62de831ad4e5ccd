//! Who may make the proxy sign: requests addressed to it by its own name (no DNS rebinding)
//! and not sent by a web page (no `Origin`, no cross-site fetch) unless allowed. Each
//! refusal is an answer in the API's error shape saying what to do.

use axum::http::{HeaderMap, StatusCode};
use std::net::SocketAddr;

/// Why the proxy answered itself instead of forwarding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub status: StatusCode,
    /// The API's `msg`: `errProxyHost`, `errProxyOrigin`, `errPayloadTooLarge`, ...
    pub msg: &'static str,
    /// What happened and what to do.
    pub reason: String,
}

impl Refusal {
    pub fn new(status: StatusCode, msg: &'static str, reason: impl Into<String>) -> Self {
        Refusal {
            status,
            msg,
            reason: reason.into(),
        }
    }

    /// `{"code": STATUS, "msg": ..., "detail": {"reason": ...}}`, as the API answers.
    pub fn body(&self) -> Vec<u8> {
        serde_json::json!({
            "code": self.status.as_u16(),
            "msg": self.msg,
            "detail": {"reason": self.reason},
        })
        .to_string()
        .into_bytes()
    }

    pub fn too_large(limit: usize) -> Self {
        Refusal::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "errPayloadTooLarge",
            format!(
                "the body is larger than {limit} bytes, the proxy's cap (the API's); send a smaller body, or start the proxy with a larger --max-body"
            ),
        )
    }
}

/// What the guard lets through.
#[derive(Debug, Clone)]
pub struct Guard {
    pub listen: SocketAddr,
    /// Any Host with the right port (set by `--allow-remote`).
    pub any_host: bool,
    /// Origins a browser page may call from (`--allow-origin`), compared exactly.
    pub allowed_origins: Vec<String>,
}

impl Guard {
    /// Checks the Host, Origin and Sec-Fetch-Site headers.
    pub fn check(&self, headers: &HeaderMap) -> Result<(), Refusal> {
        self.check_host(headers)?;
        self.check_origin(headers)
    }

    fn check_host(&self, headers: &HeaderMap) -> Result<(), Refusal> {
        let host = headers
            .get("host")
            .and_then(|h| h.to_str().ok())
            .unwrap_or_default()
            .trim();
        let port = self.listen.port();
        let (name, host_port) = split_host(host);
        let port_ok = host_port.unwrap_or(80) == port;
        let name = name.to_ascii_lowercase();
        let own_name = matches!(name.as_str(), "localhost" | "127.0.0.1" | "[::1]")
            || name == ip_text(self.listen);
        if port_ok && (own_name || self.any_host) && !name.is_empty() {
            return Ok(());
        }
        Err(Refusal::new(
            StatusCode::FORBIDDEN,
            "errProxyHost",
            format!(
                "the Host header {host:?} is not this proxy's address ({}): a request under another name may come from a web page through DNS rebinding, so it is not signed. Call http://{}/ directly",
                self.listen, self.listen
            ),
        ))
    }

    fn check_origin(&self, headers: &HeaderMap) -> Result<(), Refusal> {
        let origin = headers
            .get("origin")
            .map(|o| o.to_str().map_or_else(|_| "?".to_string(), str::to_string));
        if let Some(o) = &origin {
            if self.allowed_origins.iter().any(|a| a == o) {
                return Ok(());
            }
            return Err(Refusal::new(
                StatusCode::FORBIDDEN,
                "errProxyOrigin",
                format!(
                    "the request carries Origin {o:?}: a web page in a browser sent it, and the proxy does not sign for pages. To allow this one, start the proxy with --allow-origin {o}"
                ),
            ));
        }
        let cross_site = headers
            .get("sec-fetch-site")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.eq_ignore_ascii_case("cross-site"));
        if cross_site {
            return Err(Refusal::new(
                StatusCode::FORBIDDEN,
                "errProxyOrigin",
                "the request is a cross-site fetch (Sec-Fetch-Site: cross-site) from a browser; the proxy does not sign for web pages. Start it with --allow-origin ORIGIN for the page's origin",
            ));
        }
        Ok(())
    }
}

/// `localhost:8899` → (`localhost`, 8899); `[::1]:80` → (`[::1]`, 80); no port → None.
fn split_host(host: &str) -> (&str, Option<u16>) {
    let (name, port) = match host.rfind(':') {
        Some(i) if !host[i..].contains(']') => (&host[..i], Some(&host[i + 1..])),
        _ => (host, None),
    };
    match port {
        Some(p) => match p.parse() {
            Ok(p) => (name, Some(p)),
            // A port that is not a number matches nothing.
            Err(_) => ("", None),
        },
        None => (name, None),
    }
}

fn ip_text(addr: SocketAddr) -> String {
    match addr {
        SocketAddr::V4(a) => a.ip().to_string(),
        SocketAddr::V6(a) => format!("[{}]", a.ip()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guard() -> Guard {
        Guard {
            listen: "127.0.0.1:8899".parse().unwrap(),
            any_host: false,
            allowed_origins: vec!["http://localhost:3000".into()],
        }
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (n, v) in pairs {
            h.insert(*n, v.parse().unwrap());
        }
        h
    }

    #[test]
    fn only_the_own_address_is_a_host() {
        let g = guard();
        for ok in [
            "127.0.0.1:8899",
            "localhost:8899",
            "LOCALHOST:8899",
            "[::1]:8899",
        ] {
            assert_eq!(g.check(&headers(&[("host", ok)])), Ok(()), "{ok}");
        }
        for bad in [
            "evil.example:8899",
            "127.0.0.1:8898",
            "127.0.0.1",
            "127.0.0.1:x",
            "",
        ] {
            let err = g.check(&headers(&[("host", bad)])).unwrap_err();
            assert_eq!(err.msg, "errProxyHost", "{bad}");
        }
        assert_eq!(g.check(&HeaderMap::new()).unwrap_err().msg, "errProxyHost");
        let remote = Guard {
            any_host: true,
            ..guard()
        };
        assert_eq!(remote.check(&headers(&[("host", "10.0.0.5:8899")])), Ok(()));
    }

    #[test]
    fn pages_are_refused_unless_allowed() {
        let g = guard();
        let host = ("host", "127.0.0.1:8899");
        let err = g
            .check(&headers(&[host, ("origin", "https://evil.example")]))
            .unwrap_err();
        assert_eq!(err.status, StatusCode::FORBIDDEN);
        assert!(err.reason.contains("--allow-origin https://evil.example"));
        let err = g
            .check(&headers(&[host, ("sec-fetch-site", "cross-site")]))
            .unwrap_err();
        assert_eq!(err.msg, "errProxyOrigin");
        assert_eq!(
            g.check(&headers(&[host, ("origin", "http://localhost:3000")])),
            Ok(())
        );
        assert_eq!(
            g.check(&headers(&[host, ("sec-fetch-site", "none")])),
            Ok(())
        );
        let body: serde_json::Value = serde_json::from_slice(&err.body()).unwrap();
        assert_eq!(body["code"], 403);
        assert_eq!(body["msg"], "errProxyOrigin");
    }
}
