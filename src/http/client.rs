//! The one reqwest client builder, and a profile's HTTP settings turned into a client.

use super::send::{SendError, chain};
use crate::store::profile::{HttpSettings, HttpVersion};

/// The HTTP client with no settings beyond the defaults. It never follows redirects: a
/// redirect would go to a URL that was not signed, so the 3xx is shown instead.
pub fn client() -> Result<reqwest::Client, SendError> {
    client_with(&ClientOptions::default())
}

/// What the one client builder takes beyond its defaults, with every file already read.
/// Without `proxy`, HTTP_PROXY / HTTPS_PROXY / NO_PROXY apply, as reqwest reads them.
#[derive(Debug, Clone, Default)]
pub struct ClientOptions {
    /// PEM CA certificates trusted besides the system's roots.
    pub ca_pem: Option<Vec<u8>>,
    /// Accept any server certificate: for a test server with a self-signed one.
    pub insecure: bool,
    /// Every request through this proxy (NO_PROXY still exempts hosts).
    pub proxy: Option<String>,
    /// A client certificate and its private key, PEM, for mutual TLS.
    pub identity_pem: Option<Vec<u8>>,
    pub version: HttpVersion,
}

/// The one reqwest client builder: no redirects followed (a redirect would resend the
/// signature to another URL), plus `options`.
pub fn client_with(options: &ClientOptions) -> Result<reqwest::Client, SendError> {
    let mut builder = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none());
    if let Some(pem) = &options.ca_pem {
        for cert in ca_certificates(pem)? {
            builder = builder.add_root_certificate(cert);
        }
    }
    if options.insecure {
        builder = builder.tls_danger_accept_invalid_certs(true);
    }
    if let Some(url) = &options.proxy {
        let proxy = reqwest::Proxy::all(url.as_str())
            .map_err(|e| {
                SendError::Client(format!(
                    "--proxy {url:?} is not a proxy URL ({}): give e.g. http://proxy.example:3128",
                    chain(&e)
                ))
            })?
            .no_proxy(reqwest::NoProxy::from_env());
        builder = builder.proxy(proxy);
    }
    if let Some(pem) = &options.identity_pem {
        let identity = reqwest::Identity::from_pem(pem).map_err(|e| {
            SendError::Client(format!(
                "the client certificate is not usable ({}): give a PEM certificate and its private key \
                 (-----BEGIN CERTIFICATE----- and -----BEGIN PRIVATE KEY-----), in one file or with --client-key",
                chain(&e)
            ))
        })?;
        builder = builder.identity(identity);
    }
    builder = match options.version {
        HttpVersion::Auto => builder,
        HttpVersion::Http1 => builder.http1_only(),
        HttpVersion::Http2 => builder.http2_prior_knowledge(),
    };
    builder.build().map_err(|e| SendError::Client(chain(&e)))
}

/// The client for a profile's (or a command's) HTTP settings: reads the CA and client
/// certificate files within their size limit, after [`HttpSettings::check`].
pub fn client_for(
    settings: &HttpSettings,
    profile: &str,
    base_url: &str,
) -> Result<reqwest::Client, SendError> {
    settings
        .check(profile, base_url)
        .map_err(SendError::Client)?;
    let read = |what: &str, path: &std::path::Path| {
        crate::input_file::read(path, crate::input_file::CERT)
            .map_err(|e| SendError::Client(format!("reading {what} {}: {e}", path.display())))
    };
    let ca_pem = match &settings.cacert {
        Some(path) => Some(read("the CA file", path)?),
        None => None,
    };
    let identity_pem = match &settings.client_cert {
        Some(cert) => {
            let mut pem = read("the client certificate", cert)?;
            if let Some(key) = &settings.client_key {
                pem.push(b'\n');
                pem.extend(read("the client key", key)?);
            }
            Some(pem)
        }
        None => None,
    };
    client_with(&ClientOptions {
        ca_pem,
        insecure: settings.insecure,
        proxy: settings.proxy.clone(),
        identity_pem,
        version: settings.http_version,
    })
}

fn ca_certificates(pem: &[u8]) -> Result<Vec<reqwest::Certificate>, SendError> {
    let certs = reqwest::Certificate::from_pem_bundle(pem).map_err(|e| {
        SendError::Client(format!(
            "the CA file holds no PEM certificate ({}): give a file with -----BEGIN CERTIFICATE----- blocks",
            chain(&e)
        ))
    })?;
    if certs.is_empty() {
        return Err(SendError::Client(
            "the CA file holds no PEM certificate: give a file with -----BEGIN CERTIFICATE----- blocks".into(),
        ));
    }
    Ok(certs)
}
