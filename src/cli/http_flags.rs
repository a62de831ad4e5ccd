//! `--cacert`, `--insecure` and `--proxy` for the commands that send (`send`, `replay`),
//! building their client through the one builder, `http::client_with`.

use anyhow::Context as _;
use std::path::PathBuf;

#[derive(Debug, Clone, Default, clap::Args)]
pub struct HttpFlags {
    /// Also trust this CA (PEM) for HTTPS, besides the system's roots
    #[arg(long, value_name = "FILE")]
    pub cacert: Option<PathBuf>,
    /// Accept any server certificate (a test server's self-signed one); refused for production
    #[arg(long)]
    pub insecure: bool,
    /// Send through this proxy, e.g. http://proxy.example:3128 [default: HTTPS_PROXY /
    /// HTTP_PROXY, minus NO_PROXY]
    #[arg(long, value_name = "URL")]
    pub proxy: Option<String>,
}

impl HttpFlags {
    /// The client for requests to `base_url` with profile `profile`.
    pub fn client(&self, profile: &str, base_url: &str) -> anyhow::Result<reqwest::Client> {
        let production = crate::store::profile::PRODUCTION_URL;
        if self.insecure && (profile == "production" || base_url.starts_with(production)) {
            anyhow::bail!(
                "--insecure is refused for production ({production}): a certificate that does not verify \
                 there means someone is in the middle. Trust a private CA with --cacert FILE instead"
            );
        }
        let ca_pem = match &self.cacert {
            Some(path) => Some(
                crate::input_file::read(path, crate::input_file::CERT)
                    .with_context(|| format!("reading --cacert {}", path.display()))?,
            ),
            None => None,
        };
        if self.insecure {
            errln!("warning: --insecure: the server's certificate is not checked");
        }
        Ok(crate::http::client_with(&crate::http::ClientOptions {
            ca_pem,
            insecure: self.insecure,
            proxy: self.proxy.clone(),
        })?)
    }
}
