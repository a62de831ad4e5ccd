//! Collection and request names: what a name may hold, and `COLLECTION/REQUEST` targets.

use crate::store::StoreError;

/// Splits `COLLECTION/REQUEST` (the request name may itself hold `/`).
pub fn split_target(target: &str) -> (&str, Option<&str>) {
    match target.split_once('/') {
        Some((c, r)) if !r.is_empty() => (c, Some(r)),
        Some((c, _)) => (c, None),
        None => (target, None),
    }
}

/// Collection names become file names: no separators, no leading dot, no control chars.
pub fn validate_collection_name(name: &str) -> Result<(), StoreError> {
    let reason = if name.trim().is_empty() {
        Some("it is empty")
    } else if name.len() > 100 {
        Some("it is longer than 100 bytes")
    } else if name.starts_with('.') {
        Some("it starts with '.'")
    } else if name.contains(['/', '\\']) {
        Some("it contains '/' or '\\'")
    } else if name.chars().any(char::is_control) {
        Some("it contains a control character")
    } else if name != name.trim() {
        Some("it starts or ends with a space")
    } else {
        None
    };
    match reason {
        None => Ok(()),
        Some(r) => Err(StoreError::InvalidName {
            what: "collection name",
            name: name.to_string(),
            reason: r.to_string(),
        }),
    }
}

pub fn validate_request_name(name: &str) -> Result<(), StoreError> {
    if name.trim().is_empty() || name.chars().any(char::is_control) || name.len() > 200 {
        return Err(StoreError::InvalidName {
            what: "request name",
            name: name.to_string(),
            reason: "give a non-empty name of at most 200 bytes without control characters".into(),
        });
    }
    Ok(())
}

/// A saved request holds no secret header (`Authorization`, a cookie, an API key): it is
/// replayed, exported and shown, and the profile sends such headers instead. One that
/// `stored` (the request as saved before, by an older xsign) already holds, unchanged, is
/// let be, so that request can still be saved after other edits.
pub fn validate_request_headers(
    request: &crate::store::Request,
    stored: Option<&crate::store::Request>,
) -> Result<(), StoreError> {
    let kept = |k: &str, v: &str| {
        stored.is_some_and(|s| {
            s.headers
                .iter()
                .any(|(sk, sv)| sk.eq_ignore_ascii_case(k) && sv == v)
        })
    };
    match request
        .headers
        .iter()
        .find(|(k, v)| crate::secret::is_secret_header(&k.to_ascii_lowercase()) && !kept(k, v))
    {
        Some((k, _)) => Err(StoreError::SecretHeader {
            request: request.name.clone(),
            header: k.clone(),
        }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_checked() {
        assert!(validate_collection_name("my api").is_ok());
        for bad in ["", ".hidden", "a/b", "a\nb", " x"] {
            assert!(validate_collection_name(bad).is_err(), "{bad:?}");
        }
        assert_eq!(split_target("c/r/x"), ("c", Some("r/x")));
        assert_eq!(split_target("c"), ("c", None));
    }
}
