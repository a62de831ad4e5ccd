//! How a profile's requests travel: a private CA, a client certificate, a proxy, the HTTP
//! version, and (for a test server only) not checking the server's certificate. Saved with
//! the profile; the same flags on `send`, `replay` and `run` override it for one command.

use std::path::PathBuf;

/// Which HTTP version requests use.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum HttpVersion {
    /// HTTP/2 when a TLS server offers it (ALPN), else HTTP/1.1; plain HTTP is HTTP/1.1.
    #[default]
    #[serde(rename = "auto")]
    Auto,
    /// HTTP/1.1 only.
    #[serde(rename = "1.1")]
    Http1,
    /// HTTP/2 only: by ALPN over TLS, by prior knowledge (h2c) over plain HTTP.
    #[serde(rename = "2")]
    Http2,
}

impl HttpVersion {
    pub fn is_auto(&self) -> bool {
        *self == HttpVersion::Auto
    }

    pub fn name(self) -> &'static str {
        match self {
            HttpVersion::Auto => "auto",
            HttpVersion::Http1 => "1.1",
            HttpVersion::Http2 => "2",
        }
    }
}

impl std::str::FromStr for HttpVersion {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "auto" => Ok(HttpVersion::Auto),
            "1.1" | "1" | "http1.1" => Ok(HttpVersion::Http1),
            "2" | "http2" => Ok(HttpVersion::Http2),
            _ => Err(format!("`{s}` is not an HTTP version: give auto, 1.1 or 2")),
        }
    }
}

/// A profile's HTTP settings. Every field is optional; the default is the system's roots,
/// `HTTPS_PROXY`/`HTTP_PROXY`/`NO_PROXY` from the environment, and [`HttpVersion::Auto`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct HttpSettings {
    /// PEM CA certificates trusted besides the system's roots.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cacert: Option<PathBuf>,
    /// Accept any server certificate: a test server's self-signed one. Never for production.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub insecure: bool,
    /// Every request through this proxy (`NO_PROXY` still exempts hosts).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proxy: Option<String>,
    /// A client certificate (PEM) for servers that ask for one (mutual TLS); the file may
    /// also hold its private key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_cert: Option<PathBuf>,
    /// The client certificate's private key (PEM), when it is not in `client_cert`'s file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_key: Option<PathBuf>,
    #[serde(default, skip_serializing_if = "HttpVersion::is_auto")]
    pub http_version: HttpVersion,
}

/// The hosts of Qredo's production APIs (Partner API, Qredo API v1 and v2).
const PRODUCTION_HOSTS: [&str; 2] = ["api.qredo.network", "api-v2.qredo.network"];

impl HttpSettings {
    pub fn is_default(&self) -> bool {
        *self == HttpSettings::default()
    }

    /// `self` (one command's flags) over `saved` (the profile's): a flag given wins, the
    /// rest comes from the profile.
    pub fn over(&self, saved: &HttpSettings) -> HttpSettings {
        HttpSettings {
            cacert: self.cacert.clone().or_else(|| saved.cacert.clone()),
            insecure: self.insecure || saved.insecure,
            proxy: self.proxy.clone().or_else(|| saved.proxy.clone()),
            client_cert: self
                .client_cert
                .clone()
                .or_else(|| saved.client_cert.clone()),
            client_key: self.client_key.clone().or_else(|| saved.client_key.clone()),
            http_version: if self.http_version.is_auto() {
                saved.http_version
            } else {
                self.http_version
            },
        }
    }

    /// Refuses what must not be used with `profile` at `base_url`: not checking the
    /// certificate of a production host, and a client key without its certificate.
    pub fn check(&self, profile: &str, base_url: &str) -> Result<(), String> {
        if self.insecure && is_production(profile, base_url) {
            return Err(format!(
                "--insecure is refused for production ({base_url}): a certificate that does not verify \
                 there means someone is in the middle. Trust a private CA with --cacert FILE instead"
            ));
        }
        if self.client_key.is_some() && self.client_cert.is_none() {
            return Err(
                "a client key was given without its certificate: add --client-cert FILE (PEM)"
                    .into(),
            );
        }
        Ok(())
    }

    /// One line per setting that differs from the default, for `profile show`.
    pub fn describe(&self) -> Vec<(&'static str, String)> {
        let mut lines = Vec::new();
        if let Some(p) = &self.cacert {
            lines.push(("CA file", p.display().to_string()));
        }
        if self.insecure {
            lines.push((
                "insecure",
                "yes: the server's certificate is not checked".into(),
            ));
        }
        if let Some(p) = &self.proxy {
            lines.push(("proxy", masked_proxy(p)));
        }
        if let Some(p) = &self.client_cert {
            lines.push(("client cert", p.display().to_string()));
        }
        if let Some(p) = &self.client_key {
            lines.push(("client key", p.display().to_string()));
        }
        if !self.http_version.is_auto() {
            lines.push(("HTTP", self.http_version.name().to_string()));
        }
        lines
    }
}

/// A proxy URL with its password (`http://user:pass@host`) masked, for screens and JSON.
pub fn masked_proxy(proxy: &str) -> String {
    match url::Url::parse(proxy) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("****"));
            u.to_string()
        }
        _ => proxy.to_string(),
    }
}

/// The production profile, or a base URL on a production host.
fn is_production(profile: &str, base_url: &str) -> bool {
    if profile == "production" {
        return true;
    }
    url::Url::parse(base_url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_ascii_lowercase))
        .is_some_and(|h| PRODUCTION_HOSTS.contains(&h.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_win_over_the_profile_and_the_rest_is_kept() {
        let saved = HttpSettings {
            cacert: Some("saved-ca.pem".into()),
            proxy: Some("http://saved:3128".into()),
            http_version: HttpVersion::Http2,
            ..HttpSettings::default()
        };
        let flags = HttpSettings {
            proxy: Some("http://flag:3128".into()),
            ..HttpSettings::default()
        };
        let merged = flags.over(&saved);
        assert_eq!(merged.proxy.as_deref(), Some("http://flag:3128"));
        assert_eq!(merged.cacert, saved.cacert);
        assert_eq!(merged.http_version, HttpVersion::Http2);
        let forced = HttpSettings {
            http_version: HttpVersion::Http1,
            ..HttpSettings::default()
        };
        assert_eq!(forced.over(&saved).http_version, HttpVersion::Http1);
    }

    #[test]
    fn insecure_is_refused_on_every_production_host() {
        let insecure = HttpSettings {
            insecure: true,
            ..HttpSettings::default()
        };
        for (profile, url) in [
            ("production", "http://127.0.0.1:9/api/v1/p"),
            ("mine", "https://api.qredo.network/api/v1/p"),
            ("mine", "https://API.qredo.network/qapi/v1"),
            ("mine", "https://api-v2.qredo.network/api/v2"),
        ] {
            let e = insecure.check(profile, url).unwrap_err();
            assert!(e.contains("--insecure is refused"), "{profile} {url}: {e}");
        }
        assert!(
            insecure
                .check("sandbox", "https://sandbox-api.qredo.network/api/v1/p")
                .is_ok()
        );
        assert!(
            insecure
                .check("demo", "http://127.0.0.1:8001/api/v1/p")
                .is_ok()
        );
    }

    #[test]
    fn a_client_key_needs_its_certificate() {
        let s = HttpSettings {
            client_key: Some("client.key".into()),
            ..HttpSettings::default()
        };
        assert!(
            s.check("demo", "http://127.0.0.1/")
                .unwrap_err()
                .contains("--client-cert")
        );
    }

    #[test]
    fn saved_as_short_fields_and_read_back() {
        let s = HttpSettings {
            proxy: Some("http://p:1".into()),
            http_version: HttpVersion::Http1,
            ..HttpSettings::default()
        };
        let json = serde_json::to_string(&s).unwrap();
        assert_eq!(json, r#"{"proxy":"http://p:1","http_version":"1.1"}"#);
        assert_eq!(serde_json::from_str::<HttpSettings>(&json).unwrap(), s);
        assert_eq!(
            serde_json::to_string(&HttpSettings::default()).unwrap(),
            "{}"
        );
        assert_eq!("2".parse::<HttpVersion>(), Ok(HttpVersion::Http2));
        assert_eq!(
            masked_proxy("http://me:hunter2@p:3128"),
            "http://me:****@p:3128/"
        );
        assert_eq!(masked_proxy("http://p:3128"), "http://p:3128");
        assert!(
            "3".parse::<HttpVersion>()
                .unwrap_err()
                .contains("auto, 1.1 or 2")
        );
    }
}
