//! What `xsign send` puts on the wire, read by a bare TCP listener rather than a server that
//! would hide it: the head of the request as bytes.

mod cli_support;
mod common;

use cli_support::{Sandbox, stderr};
use std::io::{Read, Write};
use std::net::TcpListener;

/// Answers one request with `200 {}` and returns its head (up to the blank line).
fn one_request_head() -> (String, std::thread::JoinHandle<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let head = std::thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        let mut buf = Vec::new();
        let mut byte = [0u8; 1];
        while !buf.ends_with(b"\r\n\r\n") {
            if s.read(&mut byte).unwrap() == 0 {
                break;
            }
            buf.push(byte[0]);
        }
        s.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}")
            .unwrap();
        String::from_utf8_lossy(&buf).to_ascii_lowercase()
    });
    (format!("http://{addr}/api/v1/p/company"), head)
}

/// RFC 9110 §8.6: a client SHOULD send `Content-Length: 0` for a POST, PUT or PATCH with no
/// body, as the Go reference client does; some servers and proxies answer 411 without it.
#[test]
fn an_empty_post_put_or_patch_carries_content_length_zero() {
    let sb = Sandbox::new().with_reference_files();
    for method in ["POST", "PUT", "PATCH"] {
        let (url, head) = one_request_head();
        let out = sb.run(&["send", method, &url, "--body-file", "-"], b"");
        assert!(out.status.success(), "{method}: {}", stderr(&out));
        let head = head.join().unwrap();
        assert!(
            head.contains("\r\ncontent-length: 0\r\n"),
            "{method}: {head}"
        );
    }
    // A GET has no body and says nothing of one.
    let (url, head) = one_request_head();
    let out = sb.run(&["send", "GET", &url], b"");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!head.join().unwrap().contains("content-length"));
}
