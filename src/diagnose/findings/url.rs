//! The URL: how the one sent differs from the one signed, and whether it has the API's shape.

use super::Findings;
use crate::diagnose::bytes::{ByteDiff, Part};
use crate::diagnose::url::{API_PREFIX, RawUrl, UrlDifference, compare};
use crate::diagnose::{CauseKind, Severity};

pub(super) fn url_findings(signed: &str, sent: &str, f: &mut Findings) {
    let diffs = compare(signed, sent);
    if diffs.is_empty() {
        return;
    }
    let title = match diffs.as_slice() {
        [UrlDifference::Scheme { signed, sent }] => {
            format!("The URL was signed with {signed}:// but sent with {sent}://")
        }
        [UrlDifference::Host { .. }] => {
            "The URL sent goes to another host than the one signed".into()
        }
        [UrlDifference::Port { .. }] => "The URL sent and the URL signed differ in the port".into(),
        [UrlDifference::TrailingSlash { sent_has: true }] => {
            "The URL sent has a trailing slash the signed one lacks".into()
        }
        [UrlDifference::TrailingSlash { sent_has: false }] => {
            "The URL signed has a trailing slash the sent one lacks".into()
        }
        [
            UrlDifference::ApiPrefix {
                missing_on_sent: true,
            },
        ] => format!("The URL sent lacks {API_PREFIX}, which was signed"),
        [
            UrlDifference::ApiPrefix {
                missing_on_sent: false,
            },
        ] => format!("The URL signed lacks {API_PREFIX}"),
        [UrlDifference::QueryEncoding { .. }] => {
            "The query string was encoded differently when sent".into()
        }
        [UrlDifference::QueryReordered { .. }] => {
            "The query parameters were sent in another order than signed".into()
        }
        [UrlDifference::PathEncoding { .. }] => {
            "The path was percent-encoded differently when sent".into()
        }
        _ => "The URL sent is not the URL signed".into(),
    };
    let mut detail: Vec<String> = vec![format!("signed: {signed}"), format!("sent:   {sent}")];
    detail.extend(diffs.iter().map(|d| format!("- {}", d.describe())));
    let fix = if diffs.iter().any(|d| {
        matches!(
            d,
            UrlDifference::QueryEncoding { .. }
                | UrlDifference::QueryReordered { .. }
                | UrlDifference::PathEncoding { .. }
                | UrlDifference::Port { .. }
                | UrlDifference::Fragment { .. }
                | UrlDifference::UserInfo
        )
    }) {
        "Sign the URL exactly as the HTTP library puts it on the wire (xsign does this and shows both forms), or type it already in that form."
    } else {
        "Sign the exact URL you send: same scheme, host, port, path (with /api/v1/p) and query, byte for byte."
    };
    let cause = f.push(CauseKind::Url, Severity::Cause, title, detail, fix);
    cause.diff = ByteDiff::new(Part::Url, signed.as_bytes(), sent.as_bytes());
}

pub(super) fn url_shape(sent: &str, f: &mut Findings) {
    if let Some(u) = RawUrl::split(sent)
        && !u.path.starts_with(API_PREFIX)
        && !f.any(&[CauseKind::Url])
    {
        f.push(
            CauseKind::Url,
            Severity::Warning,
            format!("The URL does not start with {API_PREFIX}"),
            vec![format!("Partner API paths live under {API_PREFIX}, e.g. https://api.qredo.network{API_PREFIX}/company.")],
            format!("Add {API_PREFIX} to the path (or to the profile's base URL)."),
        );
    }
}
