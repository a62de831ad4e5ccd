use super::super::sign_worker::preview;
use super::*;

fn outcome(body: &[u8]) -> SignOutcome {
    SignOutcome {
        seq: 1,
        method: "POST".into(),
        value: None,
        preview: preview(b"1", b"http://x/y", body),
        hash_hex: None,
        x_sign: None,
        problem: None,
        findings: vec![],
        lint_pending: false,
        micros: 0,
        scheme: Default::default(),
        token_request: false,
    }
}

fn text(lines: &[Line]) -> Vec<String> {
    lines.iter().map(|l| l.to_string()).collect()
}

#[test]
fn grouping() {
    assert_eq!(group(1_048_576), "1,048,576");
    assert_eq!(group(999), "999");
    assert_eq!(group(1000), "1,000");
}

#[test]
fn short_payloads_are_shown_whole() {
    let rows = payload_rows(&outcome(b"{\"a\":\t1}\n"), 80, 10);
    assert_eq!(text(&rows), ["1http://x/y{\"a\":\\t1}\\n", ""][..1]);
}

#[test]
fn long_payloads_count_what_is_hidden() {
    let body = vec![b'x'; 100_000];
    let o = outcome(&body);
    let rows = payload_rows(&o, 40, 6);
    assert_eq!(rows.len(), 6);
    let t = text(&rows);
    let hidden_line = t.iter().find(|l| l.contains("not shown")).unwrap();
    let hidden: usize = hidden_line
        .split_whitespace()
        .nth(1)
        .unwrap()
        .replace(',', "")
        .parse()
        .unwrap();
    let shown: usize = t
        .iter()
        .filter(|l| !l.contains("not shown"))
        .map(|l| l.chars().count())
        .sum();
    assert_eq!(hidden + shown, o.preview.total);
}

#[test]
fn backslashes_count_once() {
    let o = outcome(br#"{"a":"\n"}"#);
    let rows = wrap(&o.preview.head, 1000);
    let bytes: usize = rows.iter().map(|r| r.1).sum();
    assert_eq!(bytes, o.preview.total);
}

/// Rows of a short payload at `width`: each fits, and end to end they are the preview.
fn assert_rows_exact(body: &str, width: usize) {
    let o = outcome(body.as_bytes());
    assert_eq!(o.preview.elided, 0);
    let rows = text(&payload_rows(&o, width, 10_000));
    for r in &rows {
        let w = crate::tui::widgets::wrap::text_width(r);
        // one grapheme cluster wider than the pane is alone on its row
        let alone = r.graphemes(true).count() == 1;
        assert!(w <= width || alone, "{r:?} is {w} cells, the pane {width}");
    }
    let shown: String = o.preview.head.iter().map(|p| p.text.as_str()).collect();
    assert_eq!(rows.concat(), shown, "at width {width}");
    let bytes: usize = wrap(&o.preview.head, width).iter().map(|r| r.1).sum();
    assert_eq!(bytes, o.preview.total);
}

#[test]
fn wide_characters_wrap_by_display_width() {
    let zurich = "{\"name\":\"Zürich – 東京 😀\",\"city\":\"Genève\",\
                  \"team\":\"👨\u{200d}👩\u{200d}👧 שלום e\u{301} ❤\u{fe0f}\"}";
    let tokyo = format!("{{\"name\":\"{}\"}}", "東京".repeat(40));
    for width in [7, 10, 23, 38, 40, 41, 57, 78] {
        assert_rows_exact(zurich, width);
        assert_rows_exact(&tokyo, width);
    }
}

proptest::proptest! {
    #[test]
    fn any_script_wraps_without_loss(
        text in crate::tui::widgets::wrap::tests::mixed_text(),
        width in 4usize..60,
    ) {
        assert_rows_exact(&text, width);
    }
}

#[test]
fn middle_elision() {
    assert_eq!(elide_middle("abcdefghij", 5), "ab…ij");
    assert_eq!(elide_middle("abc", 5), "abc");
}
