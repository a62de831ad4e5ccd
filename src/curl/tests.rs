//! The curl forms, each read as curl reads it.

use super::*;
use std::collections::HashMap;

/// A reader over named files; stdin refused, as `import curl` refuses it.
fn files(list: &[(&str, &[u8])]) -> impl FnMut(Input<'_>) -> std::io::Result<Vec<u8>> {
    let map: HashMap<String, Vec<u8>> = list
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_vec()))
        .collect();
    move |input| match input {
        Input::File(p) => map
            .get(p)
            .cloned()
            .ok_or_else(|| std::io::ErrorKind::NotFound.into()),
        Input::Stdin => Err(std::io::ErrorKind::Unsupported.into()),
    }
}

fn with(cmd: &str, list: &[(&str, &[u8])]) -> Parsed {
    parse(cmd, &mut files(list)).unwrap()
}

fn req(cmd: &str) -> CurlRequest {
    with(cmd, &[]).request
}

fn err(cmd: &str) -> CurlError {
    parse(cmd, &mut files(&[])).unwrap_err()
}

#[test]
fn splits_like_a_shell() {
    let (w, _) = split("curl -H 'a: b c' \"x\\\"y\" $'t\\tn\\n' z\\ w \\\n  end").unwrap();
    assert_eq!(
        w,
        [
            &b"curl"[..],
            b"-H",
            b"a: b c",
            b"x\"y",
            b"t\tn\n",
            b"z w",
            b"end"
        ]
    );
    assert!(matches!(
        err("curl 'open"),
        CurlError::Shell(ShellError::Unterminated("single"))
    ));
}

#[test]
fn reads_xsign_sign_curl_output() {
    let cmd = "curl --globoff --path-as-is -X POST 'http://localhost:8001/api/v1/p/company' -H 'x-api-key: KEY' -H 'x-timestamp: 1700000000' -H 'x-sign: abc-_' -H 'Content-Type: application/json' --data-raw '{\"a\":\n\t1}'";
    let r = req(cmd);
    assert_eq!(r.method, "POST");
    assert_eq!(r.url, "http://localhost:8001/api/v1/p/company");
    assert_eq!(r.header("X-API-KEY"), Some("KEY"));
    assert_eq!(r.header("x-timestamp"), Some("1700000000"));
    assert_eq!(r.body, b"{\"a\":\n\t1}");
    assert!(r.globoff && r.path_as_is);
}

#[test]
fn implies_the_method_and_keeps_file_semantics() {
    let mut asked = Vec::new();
    let mut read = |i: Input<'_>| {
        if let Input::File(p) = i {
            asked.push(p.to_string());
        }
        Ok(b"{\n\"a\":1}\r\n".to_vec())
    };
    let r = parse("curl -sS https://h/api/v1/p/x -d @body.json", &mut read)
        .unwrap()
        .request;
    assert_eq!(r.method, "POST");
    assert_eq!(r.body, b"{\"a\":1}");
    assert_eq!(asked, ["body.json"]);
    let r = with(
        "curl -XPUT --url https://h/x --data-binary @b",
        &[("b", b"x\n")],
    )
    .request;
    assert_eq!(r.method, "PUT");
    assert_eq!(r.body, b"x\n");
    assert_eq!(req("curl https://h/x").method, "GET");
    assert!(matches!(err("wget https://h"), CurlError::NotCurl(_)));
    assert!(matches!(err("curl -s"), CurlError::NoUrl));
    assert!(matches!(err("curl https://h -d @-"), CurlError::Stdin(_)));
}

#[test]
fn keeps_whitespace_inside_header_values() {
    let r = req("curl https://h -H $'x-api-key: abc\\n'");
    assert_eq!(r.header("x-api-key"), Some("abc\n"));
}

#[test]
fn a_value_of_unicode_space_is_not_blank() {
    // curl drops `-H 'k:'` and `-H 'k:  '` (spaces and tabs), but sends U+00A0.
    let headers = vec![("x-note".to_string(), "\u{a0}".to_string())];
    let cmd = to_curl("GET", "https://h/", &headers, CurlBody::None);
    assert_eq!(req(&cmd).header("x-note"), Some("\u{a0}"));
    assert_eq!(
        req("curl https://h -H 'x-note: \t '").header("x-note"),
        None
    );
}

#[test]
fn data_implies_post_and_joins_with_ampersand() {
    let r = req("curl https://x.test/a -d a=1 --data b=2 --data-ascii c=3");
    assert_eq!(r.method, "POST");
    assert_eq!(r.body, b"a=1&b=2&c=3");
    // curl 7.86+ writes a space as `+` (curl 7.88 sends `q=a+b`).
    let r = req("curl -G https://x.test/a?z=0 -d a=1 --data-urlencode 'q=a b'");
    assert_eq!(r.method, "GET");
    assert_eq!(r.url, "https://x.test/a?z=0&a=1&q=a+b");
    assert!(r.body.is_empty());
    assert_eq!(req("curl -XPUT -sSL https://x.test/").method, "PUT");
    assert_eq!(req("curl -I https://x.test/").method, "HEAD");
    // An empty -d still makes a POST, and adds no `&` before what follows.
    let r = req("curl https://x.test -d '' -d a");
    assert_eq!((r.method.as_str(), r.body.as_slice()), ("POST", &b"a"[..]));
}

#[test]
fn data_files_follow_curl() {
    let files_: &[(&str, &[u8])] = &[("b.json", b"{\r\n\"a\":1}\n")];
    let c = with("curl https://x.test --data-binary @b.json", files_);
    assert_eq!(c.request.body, b"{\r\n\"a\":1}\n");
    let c = with("curl https://x.test -d @b.json", files_);
    assert_eq!(c.request.body, b"{\"a\":1}");
    assert!(c.notes[0].contains("--data-binary"));
    assert!(matches!(
        err("curl https://x.test -d @missing"),
        CurlError::Read { .. }
    ));
    // --data-raw never reads a file.
    assert_eq!(
        req("curl https://x.test --data-raw @b.json").body,
        b"@b.json"
    );
}

#[test]
fn refusals() {
    assert!(matches!(err("wget x"), CurlError::NotCurl(_)));
    assert!(matches!(err("curl -X POST"), CurlError::NoUrl));
    assert!(matches!(err("curl a b"), CurlError::TwoUrls(..)));
    assert!(matches!(err("curl -H"), CurlError::MissingValue(_)));
}

#[test]
fn bundled_short_options() {
    let r = req("curl -sSX POST https://h/a");
    assert_eq!((r.method.as_str(), r.url.as_str()), ("POST", "https://h/a"));
    assert_eq!(req("curl -XPATCH https://h/a").method, "PATCH");
    let r = with("curl -sd@x https://h/a", &[("x", b"1\n2")]).request;
    assert_eq!((r.method.as_str(), r.body.as_slice()), ("POST", &b"12"[..]));
    let r = req("curl -kLsH 'a: b' --compressed -m 5 -o out https://h/a");
    assert_eq!(r.headers, [("a".to_string(), "b".to_string())]);
    assert!(matches!(err("curl https://h -sH"), CurlError::MissingValue(o) if o == "-H"));
    assert_eq!(req("$ curl --request DELETE https://h/a").method, "DELETE");
    assert_eq!(req("curl --data=x https://h/a").body, b"x");
}

#[test]
fn data_urlencode_forms() {
    let files_: &[(&str, &[u8])] = &[("f", b"a b\n")];
    let body = |arg: &str| {
        with(&format!("curl https://h --data-urlencode {arg}"), files_)
            .request
            .body
    };
    assert_eq!(body("'plain~*é'"), b"plain~%2A%C3%A9");
    assert_eq!(body("'=x y'"), b"x+y");
    assert_eq!(body("'q=a b&c'"), b"q=a+b%26c");
    assert_eq!(body("@f"), b"a+b%0A");
    assert_eq!(body("n@f"), b"n=a+b%0A");
    // A `=` anywhere wins over `@`, as curl's strchr order does.
    assert_eq!(body("'a@b=c d'"), b"a@b=c+d");
}

#[test]
fn json_sets_its_headers_unless_given() {
    let files_: &[(&str, &[u8])] = &[("body.json", b"{\"a\":1}\n")];
    let r = with("curl https://h --json @body.json", files_).request;
    assert_eq!(r.method, "POST");
    assert_eq!(r.body, b"{\"a\":1}\n", "--json @FILE keeps the newline");
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(r.header("accept"), Some("application/json"));
    let r =
        req("curl https://h -H 'accept: text/plain' -H 'Content-Type:' --json '{}' --json '[]'");
    assert_eq!(r.body, b"{}[]", "--json parts are joined without &");
    assert_eq!(
        r.headers,
        [("accept".to_string(), "text/plain".to_string())]
    );
}

#[test]
fn get_moves_data_to_the_query() {
    let r = req("curl -G 'https://h/x?#f' -d a=1 -d b=%2A");
    assert_eq!(r.url, "https://h/x?a=1&b=%2a#f");
    assert!(r.query_rebuilt && r.body.is_empty());
    assert_eq!(req("curl --get https://h/x? -d a").url, "https://h/x?a");
    assert_eq!(req("curl -G 'https://h/x?a&' -d b").url, "https://h/x?a&b");
    assert_eq!(req("curl -G -I https://h/x -d b").method, "HEAD");
    assert_eq!(req("curl -G -X POST https://h/x -d b").method, "POST");
    assert!(!req("curl -G https://h/x").query_rebuilt);
}

#[test]
fn headers_as_curl_sends_them() {
    let r = with(
        "curl https://h -H 'X-Empty;' -H 'X-Gone:' -A ua -e ref -b 'a=1' -b jar.txt -H @hs",
        &[("hs", b"X-F: 1\r\n\r\nX-G:  2\n")],
    );
    let names: Vec<(&str, &str)> = r
        .request
        .headers
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        names,
        [
            ("X-Empty", ""),
            ("User-Agent", "ua"),
            ("Referer", "ref"),
            ("Cookie", "a=1"),
            ("X-F", "1"),
            ("X-G", "2")
        ]
    );
    assert!(
        r.notes.iter().any(|n| n.contains("jar.txt")),
        "{:?}",
        r.notes
    );
    let r = with("curl -u me:pw https://h -H nocolon", &[]);
    assert!(r.request.headers.is_empty());
    assert_eq!(r.notes.len(), 2, "{:?}", r.notes);
}

#[test]
fn stdin_through_the_reader_or_a_printf_pipe() {
    let mut read = |i: Input<'_>| match i {
        Input::Stdin => Ok(b"from stdin".to_vec()),
        Input::File(_) => Err(std::io::ErrorKind::NotFound.into()),
    };
    let r = parse("curl https://h --data-binary @-", &mut read).unwrap();
    assert_eq!(r.request.body, b"from stdin");
    let r = with(
        "printf '%b' 'a\\0000\\0377\\\\b' |\ncurl -X POST https://h \\\n  --data-binary @- | jq .",
        &[],
    );
    assert_eq!(r.request.body, b"a\0\xff\\b");
    assert_eq!(r.notes.len(), 1, "only the jq is left out: {:?}", r.notes);
}

#[test]
fn upload_target_and_next() {
    let files_: &[(&str, &[u8])] = &[("dir/f.txt", b"up")];
    let r = with("curl -T dir/f.txt https://h/d/", files_).request;
    assert_eq!(
        (r.method.as_str(), r.url.as_str(), r.body.as_slice()),
        ("PUT", "https://h/d/f.txt", &b"up"[..])
    );
    let r = req("curl --request-target '*' -X OPTIONS https://h/x");
    assert_eq!(r.request_target.as_deref(), Some("*"));
    let r = with("curl https://h/a -: https://h/b -d x", &[]);
    assert_eq!(
        (r.request.url.as_str(), r.request.method.as_str()),
        ("https://h/a", "GET")
    );
    assert!(r.notes[0].contains("--next"));
}
