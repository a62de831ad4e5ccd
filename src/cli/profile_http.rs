//! `profile add|edit`'s HTTP settings: saved with the profile, used by every command that
//! sends (`send`, `replay`, `run`, `proxy`) and by the workbench, unless a flag overrides
//! them for one command.

use super::Switch;
use crate::store::StoreError;
use crate::store::profile::{HttpSettings, HttpVersion, Profile};
use std::path::PathBuf;

#[derive(Debug, Default, clap::Args)]
#[command(next_help_heading = "HTTP (saved with the profile)")]
pub struct HttpFields {
    /// Trust this CA (PEM) for HTTPS, besides the system's roots (saved as an absolute path)
    #[arg(long, value_name = "FILE")]
    pub cacert: Option<PathBuf>,
    /// Do not check the server's certificate (a test server only; refused for production)
    #[arg(long, value_enum, value_name = "on|off")]
    pub insecure: Option<Switch>,
    /// Send through this proxy (http:// or https://) instead of HTTPS_PROXY / HTTP_PROXY
    #[arg(long, value_name = "URL")]
    pub proxy: Option<String>,
    /// Present this client certificate (PEM; with its key unless --client-key)
    #[arg(long, value_name = "FILE")]
    pub client_cert: Option<PathBuf>,
    /// The client certificate's private key (PEM)
    #[arg(long, value_name = "FILE")]
    pub client_key: Option<PathBuf>,
    /// auto (HTTP/2 when a TLS server offers it), 1.1, or 2
    #[arg(long, value_name = "VERSION")]
    pub http_version: Option<HttpVersion>,
    /// Forget every saved HTTP setting first
    #[arg(long)]
    pub clear_http: bool,
}

impl HttpFields {
    /// The paths made absolute: a profile is used from any directory.
    pub fn absolute(&mut self) -> std::io::Result<()> {
        for path in [
            &mut self.cacert,
            &mut self.client_cert,
            &mut self.client_key,
        ]
        .into_iter()
        .flatten()
        {
            *path = std::path::absolute(&*path)?;
        }
        Ok(())
    }

    /// `p`'s HTTP settings with these applied, checked against its name and base URL.
    pub fn apply(&self, p: &Profile) -> Result<HttpSettings, StoreError> {
        let invalid = |name: &str, reason: String| StoreError::InvalidName {
            what: "HTTP setting",
            name: name.to_string(),
            reason,
        };
        let mut http = if self.clear_http {
            HttpSettings::default()
        } else {
            p.http.clone()
        };
        if let Some(ca) = &self.cacert {
            http.cacert = Some(ca.clone());
        }
        if let Some(s) = self.insecure {
            http.insecure = matches!(s, Switch::On);
        }
        if let Some(proxy) = &self.proxy {
            let ok = url::Url::parse(proxy)
                .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some());
            if !ok {
                return Err(invalid(
                    proxy,
                    "give the proxy as a URL, e.g. http://proxy.example:3128".into(),
                ));
            }
            http.proxy = Some(proxy.clone());
        }
        if let Some(c) = &self.client_cert {
            http.client_cert = Some(c.clone());
        }
        if let Some(k) = &self.client_key {
            http.client_key = Some(k.clone());
        }
        if let Some(v) = self.http_version {
            http.http_version = v;
        }
        http.check(&p.name, &p.base_url).map_err(|reason| {
            invalid(
                if http.insecure {
                    "insecure"
                } else {
                    "client key"
                },
                reason,
            )
        })?;
        Ok(http)
    }
}
