//! Collections: one JSON file per collection under `config_dir()/collections/`, each a
//! list of saved requests whose bodies are kept byte for byte. This file holds the data
//! types and their file format; the directory they live in is `disk`, names are `names`,
//! joining a request's URL to a base URL is `url`, and `{{name}}` in a request is `render`.

mod disk;
pub mod folder;
mod names;
mod render;
mod root;
mod url;

pub use disk::{CollectionStore, SaveOutcome};
pub use names::{
    split_target, validate_collection_name, validate_request_headers, validate_request_name,
};
pub use render::{RequestRenderError, has_template};
pub use root::Origin;
pub use url::{is_absolute, join_url, relative_to};

const FORMAT: &str = "xsign-collection/1";

/// A saved request. `url` is relative to the profile's base URL (`/assets`) or absolute.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Request {
    pub name: String,
    pub method: String,
    pub url: String,
    /// Exactly the bytes to sign and send.
    #[serde(with = "super::body", default)]
    pub body: Vec<u8>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub notes: String,
    /// Extra headers for this request, in order, after the profile's.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub headers: Vec<(String, String)>,
}

impl Request {
    pub fn new(name: impl Into<String>, method: impl Into<String>, url: impl Into<String>) -> Self {
        Request {
            name: name.into(),
            method: method.into(),
            url: url.into(),
            body: Vec::new(),
            notes: String::new(),
            headers: Vec::new(),
        }
    }

    pub fn with_body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = body.into();
        self
    }

    /// The absolute URL against `base_url` (unchanged when already absolute).
    pub fn full_url(&self, base_url: &str) -> String {
        join_url(base_url, &self.url)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Collection {
    pub name: String,
    #[serde(default)]
    pub requests: Vec<Request>,
}

#[derive(serde::Serialize, serde::Deserialize)]
struct CollectionFile {
    format: String,
    #[serde(flatten)]
    collection: Collection,
}

impl Collection {
    pub fn new(name: impl Into<String>) -> Self {
        Collection {
            name: name.into(),
            requests: Vec::new(),
        }
    }

    pub fn get(&self, name: &str) -> Option<&Request> {
        self.requests.iter().find(|r| r.name == name)
    }

    /// Replaces the request of the same name in place, or appends it.
    pub fn upsert(&mut self, request: Request) -> bool {
        match self.requests.iter_mut().find(|r| r.name == request.name) {
            Some(slot) => {
                *slot = request;
                false
            }
            None => {
                self.requests.push(request);
                true
            }
        }
    }

    /// Upserts each request in turn; the names of those that replaced one already there.
    pub fn upsert_all<'a>(
        &mut self,
        requests: impl IntoIterator<Item = &'a Request>,
    ) -> Vec<String> {
        requests
            .into_iter()
            .filter(|r| !self.upsert((*r).clone()))
            .map(|r| r.name.clone())
            .collect()
    }

    /// The file's bytes: pretty JSON, one format marker, trailing newline.
    pub fn to_file_bytes(&self) -> Result<Vec<u8>, serde_json::Error> {
        let mut bytes = serde_json::to_vec_pretty(&CollectionFile {
            format: FORMAT.to_string(),
            collection: self.clone(),
        })?;
        bytes.push(b'\n');
        Ok(bytes)
    }

    /// The format marker of a file this xsign is too old to read (`xsign-collection/N`
    /// with N above its own), so the file is refused and left as it is, never set aside.
    pub fn newer_format(bytes: &[u8]) -> Option<String> {
        #[derive(serde::Deserialize)]
        struct Head {
            format: String,
        }
        let head: Head = serde_json::from_slice(bytes).ok()?;
        let ours: u64 = FORMAT.rsplit('/').next()?.parse().ok()?;
        let theirs: u64 = head
            .format
            .strip_prefix("xsign-collection/")?
            .parse()
            .ok()?;
        (theirs > ours).then_some(head.format)
    }

    /// The format this xsign writes and reads.
    pub const FORMAT: &'static str = FORMAT;

    pub fn from_file_bytes(bytes: &[u8]) -> Result<Collection, String> {
        let file: CollectionFile = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
        if file.format != FORMAT {
            return Err(format!(
                "unknown format `{}` (this xsign reads {FORMAT})",
                file.format
            ));
        }
        let mut seen = std::collections::HashSet::new();
        for r in &file.collection.requests {
            if !seen.insert(r.name.as_str()) {
                return Err(format!("two requests are named `{}`", r.name));
            }
        }
        Ok(file.collection)
    }
}

/// A request found by [`filter`]: which collection, which request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestRef {
    pub collection: String,
    pub request: String,
}

/// Requests whose collection, name, method or URL contain every word of `query`,
/// ignoring case, in collection order. An empty query matches everything.
pub fn filter(collections: &[Collection], query: &str) -> Vec<RequestRef> {
    let words: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
    let mut out = Vec::new();
    for c in collections {
        for r in &c.requests {
            let hay = format!("{} {} {} {}", c.name, r.name, r.method, r.url).to_lowercase();
            if words.iter().all(|w| hay.contains(w.as_str())) {
                out.push(RequestRef {
                    collection: c.name.clone(),
                    request: r.name.clone(),
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filter_matches_all_words() {
        let mut c = Collection::new("payments");
        c.upsert(Request::new("list assets", "GET", "/assets"));
        c.upsert(Request::new("new company", "POST", "/company"));
        let hits = filter(std::slice::from_ref(&c), "post COMP");
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].request, "new company");
        assert_eq!(filter(&[c], "").len(), 2);
    }
}
