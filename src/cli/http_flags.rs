//! `--cacert`, `--insecure`, `--proxy`, `--client-cert`, `--client-key` and `--http-version`
//! for the commands that send (`send`, `replay`, `run`), over the profile's saved HTTP
//! settings, building their client through the one builder, `http::client_for`.

use crate::store::profile::{HttpSettings, HttpVersion};
use std::path::PathBuf;

#[derive(Debug, Clone, Default, clap::Args)]
pub struct HttpFlags {
    /// Also trust this CA (PEM) for HTTPS, besides the system's roots [default: the profile's]
    #[arg(long, value_name = "FILE")]
    pub cacert: Option<PathBuf>,
    /// Accept any server certificate (a test server's self-signed one); refused for production
    #[arg(long)]
    pub insecure: bool,
    /// Send through this proxy, e.g. http://proxy.example:3128 [default: the profile's, else
    /// HTTPS_PROXY / HTTP_PROXY, minus NO_PROXY]
    #[arg(long, value_name = "URL")]
    pub proxy: Option<String>,
    /// Present this client certificate (PEM, with its key unless --client-key) to servers
    /// that ask for one
    #[arg(long, value_name = "FILE")]
    pub client_cert: Option<PathBuf>,
    /// The client certificate's private key (PEM)
    #[arg(long, value_name = "FILE", requires = "client_cert")]
    pub client_key: Option<PathBuf>,
    /// HTTP version: auto (HTTP/2 when a TLS server offers it), 1.1, or 2 (h2c over plain
    /// HTTP) [default: the profile's, else auto]
    #[arg(long, value_name = "VERSION")]
    pub http_version: Option<HttpVersion>,
}

impl HttpFlags {
    /// The settings these flags give, over a profile's `saved` ones.
    pub fn over(&self, saved: &HttpSettings) -> HttpSettings {
        HttpSettings {
            cacert: self.cacert.clone(),
            insecure: self.insecure,
            proxy: self.proxy.clone(),
            client_cert: self.client_cert.clone(),
            client_key: self.client_key.clone(),
            http_version: self.http_version.unwrap_or_default(),
        }
        .over(saved)
    }

    /// The client for requests to `base_url` with profile `profile`, whose saved HTTP
    /// settings are `saved`.
    pub fn client(
        &self,
        profile: &str,
        base_url: &str,
        saved: &HttpSettings,
    ) -> anyhow::Result<reqwest::Client> {
        let settings = self.over(saved);
        let client = crate::http::client_for(&settings, profile, base_url)?;
        if settings.insecure {
            errln!("warning: --insecure: the server's certificate is not checked");
        }
        Ok(client)
    }
}
