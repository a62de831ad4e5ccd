//! Property tests: quoting and building curl commands read back exactly.

use super::*;
use proptest::prelude::*;

fn no_files(_: Input<'_>) -> std::io::Result<Vec<u8>> {
    Err(std::io::ErrorKind::Unsupported.into())
}

/// A request `to_curl` can write: a token method, an http(s) URL with odd but
/// sendable characters, header tokens with values (no CR/LF, no blanks at the ends),
/// and any body bytes.
fn request() -> impl Strategy<Value = (String, String, Vec<(String, String)>, Vec<u8>)> {
    let method = "[A-Z][A-Z-]{0,9}";
    let url = "(http|https)://[a-z0-9.-]{1,12}(:[0-9]{1,5})?(/[^\\x00-\\x20\\x7f]{0,30})?";
    let value = "([!-~\\u{a0}-\\u{10ffff}]([ -~\\t\\u{a0}-\\u{10ffff}]{0,20}[!-~])?)?";
    let header = ("[A-Za-z0-9][A-Za-z0-9-]{0,15}", value);
    (
        method,
        url,
        proptest::collection::vec(header, 0..5),
        proptest::collection::vec(any::<u8>(), 0..64),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn split_reads_back_what_shell_quote_wrote(x in proptest::collection::vec(any::<u8>(), 0..64)) {
        let line = shell_quote(&x);
        let (words, _) = split(&line).unwrap();
        prop_assert_eq!(words, vec![x]);
    }

    #[test]
    fn parse_reads_back_what_to_curl_wrote((method, url, headers, body) in request()) {
        let cmd = to_curl(&method, &url, &headers, CurlBody::Inline(&body));
        let parsed = parse(&cmd, &mut no_files).unwrap();
        // to_curl labels a body JSON when no Content-Type is given (the header is not
        // signed); everything else comes back as written.
        let mut want_headers = headers.clone();
        if !body.is_empty() && !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("content-type")) {
            want_headers.push(("Content-Type".into(), "application/json".into()));
        }
        let want = CurlRequest {
            method,
            url,
            headers: want_headers,
            body,
            globoff: true,
            path_as_is: true,
            request_target: None,
            query_rebuilt: false,
        };
        prop_assert_eq!(parsed.request, want);
        prop_assert!(parsed.notes.is_empty(), "{:?}", parsed.notes);
    }
}
