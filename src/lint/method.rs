//! A method the Partner API does not serve at the URL's path: `GET /company`, when only
//! `POST /company` exists. The signature is fine and the server answers 405, which reads
//! like anything but a typo in the method.

use super::{Finding, FindingKind, LintInput, Severity};
use crate::catalog::{Catalog, relative_path};
use crate::signing::Scheme;

pub(super) fn check(input: &LintInput<'_>, out: &mut Vec<Finding>) {
    if input.scheme != Scheme::PartnerRsa || !under_partner_api(input.url) {
        return;
    }
    let path = relative_path(input.url);
    let path = path.split(['?', '#']).next().unwrap_or_default();
    let method = input.method.trim();
    let catalog = Catalog::builtin();
    if path.is_empty() || catalog.find(method, path).is_some() {
        return;
    }
    let mut served: Vec<&str> = catalog
        .endpoints()
        .iter()
        .filter(|e| e.matches_path(path))
        .map(|e| e.method.as_str())
        .collect();
    served.dedup();
    if served.is_empty() {
        // A path the catalog does not know: nothing to compare with.
        return;
    }
    out.push(Finding::new(
        FindingKind::MethodNotServed,
        Severity::Warning,
        format!(
            "the Partner API serves {path} with {} only, not {method}: the server would answer \
             405 Method Not Allowed",
            served.join(", ")
        ),
        None,
    ));
}

/// Whether an absolute URL addresses the Partner API (`…/api/v1/p/…`).
fn under_partner_api(url: &str) -> bool {
    let Some((_, rest)) = url.split_once("://") else {
        return false;
    };
    let path = rest.find('/').map_or("", |i| &rest[i..]);
    path == "/api/v1/p" || path.starts_with("/api/v1/p/") || path.starts_with("/api/v1/p?")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn findings(method: &str, url: &str) -> Vec<Finding> {
        let mut out = Vec::new();
        let input = LintInput::new(method, url, b"", 0);
        check(&input, &mut out);
        out
    }

    #[test]
    fn a_method_the_path_is_not_served_with_is_named_with_the_ones_it_is() {
        let f = findings("GET", "http://127.0.0.1:8001/api/v1/p/company");
        assert_eq!(f.len(), 1);
        assert!(
            f[0].message.contains("/company with POST only, not GET"),
            "{}",
            f[0].message
        );
        assert!(findings("POST", "https://api.qredo.network/api/v1/p/company").is_empty());
        assert!(findings("GET", "https://api.qredo.network/api/v1/p/company/c1").is_empty());
        // Unknown paths and other APIs are left alone.
        assert!(findings("GET", "https://api.qredo.network/api/v1/p/nothing-here").is_empty());
        assert!(findings("GET", "https://example.com/company").is_empty());
    }
}
