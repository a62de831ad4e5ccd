//! Starting a collection from the endpoint catalog: one request per endpoint, with the
//! catalog's example body and the path template to fill in.

use super::Request;
use crate::catalog::Catalog;

/// Requests for the catalog's HTTP endpoints (feeds left out) whose group, method or path
/// contain every word of `filter`, in the guide's order. Named `METHOD /path`.
pub fn requests_from_catalog(catalog: &Catalog, filter: &str) -> Vec<Request> {
    let words: Vec<String> = filter.split_whitespace().map(str::to_lowercase).collect();
    catalog
        .endpoints()
        .iter()
        .filter(|e| !e.websocket)
        .filter(|e| {
            let hay = format!("{} {} {}", e.group, e.method, e.path).to_lowercase();
            words.iter().all(|w| hay.contains(w.as_str()))
        })
        .map(|e| Request {
            name: format!("{} {}", e.method, e.path),
            method: e.method.clone(),
            url: e.url_template(),
            body: e.example_body().unwrap_or_default().into_bytes(),
            notes: e.summary.clone(),
            headers: Vec::new(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalog_gives_named_requests_with_example_bodies() {
        let all = requests_from_catalog(Catalog::builtin(), "");
        assert!(all.len() > 20);
        let company = all.iter().find(|r| r.name == "POST /company").unwrap();
        assert!(company.body.starts_with(b"{\"name\":\"ACME Corp\""));
        // Rendered by `xsign replay` on each send: a second send is a new company.
        assert!(company.body.ends_with(b"\"ref\":\"{{uuid}}\"}"));
        assert!(all.iter().all(|r| !r.url.contains("/feed")));
        let mut names: Vec<_> = all.iter().map(|r| &r.name).collect();
        names.dedup();
        assert_eq!(names.len(), all.len(), "names are unique");
        let some = requests_from_catalog(Catalog::builtin(), "core client");
        assert!(!some.is_empty() && some.len() < all.len());
    }
}
