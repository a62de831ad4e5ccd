//! The URL comparison and its variants.

use super::*;

const BASE: &str = "https://api.qredo.network/api/v1/p/company";

fn one(signed: &str, sent: &str) -> UrlDifference {
    let d = compare(signed, sent);
    assert_eq!(d.len(), 1, "{d:?}");
    d.into_iter().next().unwrap()
}

#[test]
fn names_each_url_difference() {
    assert!(matches!(
        one(BASE, "http://api.qredo.network/api/v1/p/company"),
        UrlDifference::Scheme { .. }
    ));
    assert!(matches!(
        one(BASE, "https://sandbox-api.qredo.network/api/v1/p/company"),
        UrlDifference::Host { .. }
    ));
    assert_eq!(
        one(BASE, "https://api.qredo.network:443/api/v1/p/company"),
        UrlDifference::Port {
            signed: None,
            sent: Some("443".into())
        }
    );
    assert_eq!(
        one(BASE, &format!("{BASE}/")),
        UrlDifference::TrailingSlash { sent_has: true }
    );
    assert_eq!(
        one(BASE, "https://api.qredo.network/company"),
        UrlDifference::ApiPrefix {
            missing_on_sent: true
        }
    );
    assert!(matches!(
        one(
            &format!("{BASE}/search?query=a b"),
            &format!("{BASE}/search?query=a%20b")
        ),
        UrlDifference::QueryEncoding { .. }
    ));
    assert!(matches!(
        one(
            &format!("{BASE}/search?query=a"),
            &format!("{BASE}/search?query=b")
        ),
        UrlDifference::Query { .. }
    ));
    assert!(matches!(
        one(&format!("{BASE}/a%2Fb"), &format!("{BASE}/a/b")),
        UrlDifference::PathEncoding { .. }
    ));
    assert!(compare(BASE, BASE).is_empty());
}

#[test]
fn splits_ipv6_and_ports() {
    let u = RawUrl::split("http://[::1]:8001/api/v1/p?x=1#f").unwrap();
    assert_eq!(
        (u.host, u.port, u.path, u.query, u.fragment),
        ("[::1]", Some("8001"), "/api/v1/p", Some("x=1"), Some("f"))
    );
    let u = RawUrl::split("http://[::1]/").unwrap();
    assert_eq!((u.host, u.port), ("[::1]", None));
}

#[test]
fn variants_cover_the_usual_slips() {
    let v = variants("http://localhost:8001/api/v1/p/company/search?query=a+b");
    let urls: Vec<&str> = v.iter().map(|(_, u)| u.as_str()).collect();
    assert!(urls.contains(&"https://localhost:8001/api/v1/p/company/search?query=a+b"));
    assert!(urls.contains(&"http://localhost:8001/api/v1/p/company/search/?query=a+b"));
    assert!(urls.contains(&"http://localhost/api/v1/p/company/search?query=a+b"));
    assert!(urls.contains(&"http://localhost:8001/company/search?query=a+b"));
    assert!(urls.contains(&"http://localhost:8001/api/v1/p/company/search?query=a b"));
    assert!(urls.contains(&"http://localhost:8001/api/v1/p/company/search?query=a%20b"));
}
