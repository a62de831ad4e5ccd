use super::*;

const URL: &str = "https://api.qredo.network/api/v1/p/company";
const NOW: i64 = 1_700_000_000;
const COMPACT: &[u8] = br#"{"name":"ACME Corp","city":"Paris"}"#;

fn lint(method: &str, url: &str, body: &[u8]) -> Vec<Finding> {
    check(&LintInput::new(method, url, body, NOW))
}

fn kinds(findings: &[Finding]) -> Vec<FindingKind> {
    findings.iter().map(|f| f.kind).collect()
}

fn find(findings: &[Finding], kind: FindingKind) -> &Finding {
    findings
        .iter()
        .find(|f| f.kind == kind)
        .unwrap_or_else(|| panic!("no {kind:?} in {findings:#?}"))
}

#[test]
fn a_compact_post_and_a_bare_get_are_clean() {
    assert_eq!(lint("POST", URL, COMPACT), vec![]);
    assert_eq!(lint("GET", URL, b""), vec![]);
}

#[test]
fn tabs_are_an_error_with_where_and_a_fix() {
    let body = b"{\n\t\"name\": \"ACME\",\n\t\"city\": \"Paris\"\n}";
    let f = lint("POST", URL, body);
    let tab = find(&f, FindingKind::Tab);
    assert_eq!(tab.severity, Severity::Error);
    assert!(tab.message.contains("2 tabs"), "{}", tab.message);
    assert!(tab.message.contains("line 2, column 1"), "{}", tab.message);
    assert!(tab.message.contains("\\t\\\"name") || tab.message.contains("\\t\"name"));
    assert_eq!(tab.fix, Some(Fix::StripTabs));
    let fixed = Fix::StripTabs.apply(body);
    assert!(!fixed.contains(&b'\t'));
    assert!(!kinds(&lint("POST", URL, &fixed)).contains(&FindingKind::Tab));
    assert_eq!(f[0].kind, FindingKind::Tab, "errors come first");
}

#[test]
fn invalid_json_is_a_warning_with_the_parser_position() {
    let f = lint("POST", URL, b"{\"name\": \"ACME\",}");
    let j = find(&f, FindingKind::InvalidJson);
    assert_eq!(j.severity, Severity::Warning);
    assert!(j.message.contains("line 1 column"), "{}", j.message);
    assert_eq!(j.fix, None);
    assert!(!kinds(&f).contains(&FindingKind::NotCompact));
}

#[test]
fn pretty_json_is_info_and_compacts_without_touching_values() {
    let body = b"{\n  \"name\": \"ACME  Corp\",\n  \"amount\": 1.50\n}";
    let f = lint("POST", URL, body);
    assert_eq!(kinds(&f), vec![FindingKind::NotCompact]);
    assert_eq!(f[0].severity, Severity::Info);
    assert!(
        f[0].message.contains("line 1, column 2"),
        "{}",
        f[0].message
    );
    assert_eq!(
        Fix::Compact.apply(body),
        br#"{"name":"ACME  Corp","amount":1.50}"#
    );
}

#[test]
fn a_body_reformatted_from_the_saved_one_is_flagged() {
    let pretty = b"{\n  \"name\": \"ACME Corp\",\n  \"city\": \"Paris\"\n}";
    let input = LintInput {
        saved_body: Some(COMPACT),
        ..LintInput::new("POST", URL, pretty, NOW)
    };
    let f = check(&input);
    let r = find(&f, FindingKind::Reformatted);
    assert_eq!(r.severity, Severity::Warning);
    assert!(r.message.contains("line 1, column 2"), "{}", r.message);
    assert!(r.message.contains("saved {\"name\""), "{}", r.message);
    assert_eq!(
        r.fix,
        Some(Fix::Compact),
        "compacting restores the saved bytes"
    );
    assert_eq!(Fix::Compact.apply(pretty), COMPACT);

    // An edit (other JSON) is the user's business, not a reformat.
    let edited = LintInput {
        saved_body: Some(br#"{"name":"Other"}"#),
        ..LintInput::new("POST", URL, COMPACT, NOW)
    };
    assert_eq!(check(&edited), vec![]);
    let same = LintInput {
        saved_body: Some(COMPACT),
        ..LintInput::new("POST", URL, COMPACT, NOW)
    };
    assert_eq!(check(&same), vec![]);
    // Saved pretty, now compact: flagged, but compacting is not the way back.
    let back = LintInput {
        saved_body: Some(pretty),
        ..LintInput::new("POST", URL, COMPACT, NOW)
    };
    assert_eq!(find(&check(&back), FindingKind::Reformatted).fix, None);
}

#[test]
fn crlf_and_trailing_newline() {
    let body = b"{\r\n  \"a\": 1\r\n}\r\n";
    let f = lint("POST", URL, body);
    let crlf = find(&f, FindingKind::Crlf);
    assert!(crlf.message.contains("3 CRLF"), "{}", crlf.message);
    assert_eq!(crlf.fix, Some(Fix::Compact));
    let nl = find(&f, FindingKind::TrailingNewline);
    assert_eq!(nl.severity, Severity::Warning);
    assert!(nl.message.contains("\\r\\n"), "{}", nl.message);
    assert_eq!(nl.fix, Some(Fix::DropTrailingNewline));
    assert_eq!(
        Fix::DropTrailingNewline.apply(body),
        b"{\r\n  \"a\": 1\r\n}"
    );
    let only_nl = lint("POST", URL, b"{\"a\":1}\n");
    assert_eq!(
        kinds(&only_nl),
        vec![FindingKind::TrailingNewline, FindingKind::NotCompact]
    );
}

#[test]
fn a_bom_is_flagged_and_compact_removes_it() {
    let body = "\u{feff}{\"a\":1}".as_bytes();
    let f = lint("POST", URL, body);
    let bom = find(&f, FindingKind::Bom);
    assert!(bom.message.contains("\\u{feff}"));
    assert_eq!(bom.fix, Some(Fix::Compact));
    assert!(!kinds(&f).contains(&FindingKind::InvalidJson), "{f:#?}");
    assert_eq!(Fix::Compact.apply(body), b"{\"a\":1}");
}

#[test]
fn a_body_on_get_or_delete_is_flagged() {
    for method in ["GET", "delete", " Get "] {
        let f = lint(method, URL, COMPACT);
        assert_eq!(kinds(&f), vec![FindingKind::BodyOnGet], "{method}");
        assert!(f[0].message.contains("1020"));
    }
    assert_eq!(lint("PUT", URL, COMPACT), vec![]);
}

#[test]
fn a_url_the_library_rewrites_is_flagged_with_the_wire_form() {
    let typed = "https://api.qredo.network/api/v1/p/company/search?query=ACME Corp";
    let f = lint("GET", typed, b"");
    let u = find(&f, FindingKind::UrlRewritten);
    assert_eq!(u.severity, Severity::Warning);
    assert!(u.message.contains("query=ACME%20Corp"), "{}", u.message);
    assert!(u.message.contains("space encoded"), "{}", u.message);
    assert_eq!(u.fix, Some(Fix::UseWireUrl));
    assert_eq!(
        Fix::UseWireUrl.apply_to_url(typed).as_deref(),
        Some("https://api.qredo.network/api/v1/p/company/search?query=ACME%20Corp")
    );
    assert_eq!(Fix::UseWireUrl.apply(COMPACT), COMPACT);
    assert!(!Fix::UseWireUrl.applies_to_body());

    let bad = lint("GET", "/company", b"");
    assert_eq!(
        find(&bad, FindingKind::UrlInvalid).severity,
        Severity::Error
    );
}

#[test]
fn fixed_timestamps_older_or_newer_than_30_s_are_flagged() {
    let at = |t: i64| {
        let input = LintInput {
            timestamp: Some(t),
            ..LintInput::new("GET", URL, b"", NOW)
        };
        kinds(&check(&input))
    };
    assert_eq!(at(NOW), vec![]);
    assert_eq!(at(NOW - 30), vec![]);
    assert_eq!(at(NOW + 30), vec![]);
    assert_eq!(at(NOW - 31), vec![FindingKind::StaleTimestamp]);
    assert_eq!(at(NOW + 31), vec![FindingKind::FutureTimestamp]);
    let old = check(&LintInput {
        timestamp: Some(1639490495),
        ..LintInput::new("GET", URL, b"", NOW)
    });
    assert!(old[0].message.contains("days old"), "{}", old[0].message);
}

#[test]
fn a_large_body_is_checked_in_full() {
    // 1 MB of compact JSON with one tab near the end: found, with the right line.
    let mut body = b"{\"items\":[".to_vec();
    while body.len() < 1 << 20 {
        body.extend_from_slice(br#"{"id":123456,"name":"item"},"#);
    }
    body.extend_from_slice(b"\t1]}");
    let f = lint("POST", URL, &body);
    let tab = find(&f, FindingKind::Tab);
    assert!(tab.message.contains("line 1"), "{}", tab.message);
    assert!(kinds(&f).contains(&FindingKind::NotCompact));
}
