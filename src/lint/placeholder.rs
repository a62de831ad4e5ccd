//! What nothing filled in: a `{{variable}}` no template rendered, a `{path_parameter}` the
//! catalog or spec wrote. Both are signed and sent as those very characters.

use super::{Finding, FindingKind, LintInput, Severity};

/// A `{{` left in the URL or the body: a template variable that nothing rendered, which the
/// API receives (and the signature covers) as those very characters.
pub(super) fn check_unrendered(input: &LintInput<'_>, out: &mut Vec<Finding>) {
    let at = |b: &[u8]| b.windows(2).position(|w| w == b"{{");
    for (what, bytes) in [("URL", input.url.as_bytes()), ("body", input.body)] {
        let Some(i) = at(bytes) else { continue };
        let end = bytes.len().min(i + 40);
        let shown = String::from_utf8_lossy(&bytes[i..end]);
        let shown = shown.split("}}").next().unwrap_or_default();
        out.push(Finding::new(
            FindingKind::Unrendered,
            Severity::Warning,
            format!(
                "the {what} holds {shown}}}}} (byte {i}), not rendered (no value for it here): it \
                 is signed and sent as those characters; the built-ins {{{{uuid}}}}, {{{{now}}}}, \
                 {{{{random_int}}}} and {{{{env.NAME}}}} render everywhere, other names in scenario \
                 files (`xsign run`) and with `xsign replay --var NAME=VALUE`; else write the value out"
            ),
            None,
        ));
    }
}

/// A `{company_id}` (one brace, the spec's way of naming a path parameter) in the URL's
/// path: an endpoint picked from the catalog or an imported spec before its IDs were filled
/// in. The server would look up a company called `%7Bcompany_id%7D` and answer 404.
pub(super) fn check_path_placeholder(input: &LintInput<'_>, out: &mut Vec<Finding>) {
    let path = input.url.split(['?', '#']).next().unwrap_or_default();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        if after.starts_with('{') {
            // a `{{template}}`: check_unrendered speaks for it
            rest = after.trim_start_matches('{');
            continue;
        }
        let Some(close) = after.find('}') else { return };
        let name = &after[..close];
        if !name.is_empty()
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        {
            out.push(Finding::new(
                FindingKind::PathPlaceholder,
                Severity::Warning,
                format!(
                    "the URL still holds {{{name}}}, the spec's name for a path parameter: put                      the ID there, or write {{{{{name}}}}} and give it a value with `xsign                      profile set-var PROFILE {name} VALUE`"
                ),
                None,
            ));
            return;
        }
        rest = &after[close..];
    }
}
