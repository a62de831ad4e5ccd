//! Checks that depend on the signing scheme: a Qredo timestamp in the wrong unit, and a
//! request signed for one API but addressed to the other.

use super::{Finding, FindingKind, LintInput, Severity};
use crate::signing::Scheme;

/// True when the fixed timestamp is the wrong unit for the scheme; the stale/future check
/// then stays quiet (a millisecond value is not "years in the future", it is milliseconds).
pub(super) fn wrong_unit(input: &LintInput<'_>) -> Option<&'static str> {
    match input.scheme {
        Scheme::PartnerRsa => None,
        _ => input.timestamp.and_then(crate::time::timestamp_unit),
    }
}

pub(super) fn check(input: &LintInput<'_>, out: &mut Vec<Finding>) {
    if let (Some(unit), Some(t)) = (wrong_unit(input), input.timestamp) {
        out.push(Finding::new(
            FindingKind::TimestampUnit,
            Severity::Error,
            format!(
                "the timestamp {t} is in {unit}: {} is Unix seconds (the guide mentions nanoseconds \
                 once; every example and the server use seconds), so the server refuses it. Give \
                 --timestamp {}, or leave it out to sign with the current time",
                input.scheme.timestamp_header(),
                t / unit_divisor(unit)
            ),
            None,
        ));
    }
    let Ok(url) = url::Url::parse(input.url) else {
        return;
    };
    let Some(api) = Scheme::api_of_path(url.path()) else {
        return;
    };
    // A v1 request to v2's base (or back) is not flagged: both are the Qredo API's.
    let partner = |s: Scheme| s == Scheme::PartnerRsa;
    if partner(input.scheme) == partner(api) {
        return;
    }
    let fix = if input.scheme == Scheme::PartnerRsa {
        format!(
            "sign it with {api} (--scheme {api} --secret-file FILE, or a {api} profile such as \
             qredo-v1-demo), or address the Partner API ({})",
            Scheme::PartnerRsa.api_prefix()
        )
    } else {
        format!(
            "address the Qredo API ({}), or sign it with partner-rsa (--scheme partner-rsa with \
             --key, or the demo profile)",
            input.scheme.api_prefix()
        )
    };
    out.push(Finding::new(
        FindingKind::SchemeMixed,
        Severity::Error,
        format!(
            "the request is signed with {} ({}, {}) but the URL is the {} ({}): that API checks \
             {} and refuses it; {fix}",
            input.scheme,
            input.scheme.api_key_header(),
            input.scheme.signature_header(),
            api_name(api),
            api.api_prefix(),
            api.signature_header(),
        ),
        None,
    ));
}

fn api_name(s: Scheme) -> &'static str {
    match s {
        Scheme::PartnerRsa => "Partner API",
        Scheme::QredoV1 => "Qredo API v1",
        Scheme::QredoV2 => "Qredo API v2",
    }
}

fn unit_divisor(unit: &str) -> i64 {
    match unit {
        "nanoseconds" => 1_000_000_000,
        "microseconds" => 1_000_000,
        _ => 1_000,
    }
}

#[cfg(test)]
mod tests {
    use super::super::check as lint;
    use super::*;

    fn kinds(scheme: Scheme, url: &str, ts: Option<i64>) -> Vec<(FindingKind, &'static str)> {
        let input = LintInput {
            scheme,
            timestamp: ts,
            ..LintInput::new("GET", url, b"", 1_700_000_000)
        };
        lint(&input)
            .into_iter()
            .map(|f| (f.kind, f.kind.code()))
            .collect()
    }

    #[test]
    fn a_qredo_timestamp_in_milliseconds_or_nanoseconds_is_an_error_with_its_code() {
        let url = "https://api.qredo.network/qapi/v1/balance";
        let ms = kinds(Scheme::QredoV1, url, Some(1_700_000_000_000));
        assert_eq!(ms, vec![(FindingKind::TimestampUnit, "timestamp-unit")]);
        let ns = LintInput {
            scheme: Scheme::QredoV1,
            timestamp: Some(1_700_000_000_000_000_000),
            ..LintInput::new("GET", url, b"", 1_700_000_000)
        };
        let f = &lint(&ns)[0];
        assert!(f.message.contains("nanoseconds") && f.message.contains("--timestamp 1700000000"));
        assert!(kinds(Scheme::QredoV1, url, Some(1_700_000_000)).is_empty());
        // The Partner API's check stays what it was (far in the future).
        assert_eq!(
            kinds(
                Scheme::PartnerRsa,
                "https://h/api/v1/p/assets",
                Some(1_700_000_000_000)
            ),
            vec![(FindingKind::FutureTimestamp, "future-timestamp")]
        );
    }

    #[test]
    fn a_scheme_sent_to_the_other_api_is_named_both_ways() {
        let f = kinds(Scheme::QredoV1, "https://h/api/v1/p/assets", None);
        assert_eq!(f, vec![(FindingKind::SchemeMixed, "scheme-mixed")]);
        let input = LintInput::new("GET", "https://h/qapi/v1/balance", b"", 0);
        let f = lint(&input);
        assert_eq!(f[0].kind, FindingKind::SchemeMixed);
        assert!(
            f[0].message.contains("--scheme qredo-v1"),
            "{}",
            f[0].message
        );
        assert!(kinds(Scheme::QredoV1, "https://h/qapi/v1/balance", None).is_empty());
        assert!(kinds(Scheme::PartnerRsa, "https://h/api/v1/p/assets", None).is_empty());
    }
}
