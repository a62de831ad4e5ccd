//! Temporary stand-in for `signing::wire_url` until the core branch lands: the URL string
//! reqwest puts on the wire for a typed URL.

/// The on-wire form of a typed URL, and what changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WireUrl {
    pub wire: String,
    pub changes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct UrlError(String);

pub fn wire_url(typed: &str) -> Result<WireUrl, UrlError> {
    let mut url = url::Url::parse(typed).map_err(|e| {
        UrlError(format!(
            "{typed:?} is not an absolute URL ({e}); write it as http(s)://host/api/v1/p/..."
        ))
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(UrlError(format!(
            "{typed:?} uses the scheme {}; only http and https can be sent",
            url.scheme()
        )));
    }
    url.set_fragment(None);
    let _ = url.set_username("");
    let _ = url.set_password(None);
    let wire = url.as_str().to_string();
    let changes = if wire == typed {
        Vec::new()
    } else {
        vec!["the HTTP library normalizes this URL".to_string()]
    };
    Ok(WireUrl { wire, changes })
}
