//! A profile's HTTP settings (issue 15 §3): the HTTP version against the mock (which also
//! speaks h2c), a saved proxy, flags over the saved settings, `--insecure` refused for
//! production, and a private CA with a client certificate against a TLS server that asks
//! for one. Offline: everything listens on 127.0.0.1.

mod cli_support;
mod common;
mod mock_support;

use cli_support::{Sandbox, fails_with, stderr, stdout};
use std::path::PathBuf;
use std::sync::Arc;
use tokio_rustls::rustls;
use xsign::mock::{MockConfig, MockHandle};

fn tls_fixture(name: &str) -> PathBuf {
    common::fixture(&format!("tls/{name}"))
}

/// A default profile `m` at `base_url` with the fixture key and the mock's API key.
fn profile(sb: &Sandbox, base_url: &str, extra: &[&str]) {
    let key = sb.root().join("m.pem");
    sb.put_key(&key);
    let apikey = sb.root().join("m.apikey");
    std::fs::write(&apikey, mock_support::API_KEY).unwrap();
    let args = [
        &[
            "profile",
            "add",
            "m",
            "--base-url",
            base_url,
            "--api-key-file",
            apikey.to_str().unwrap(),
            "--key",
            key.to_str().unwrap(),
            "--default",
        ][..],
        extra,
    ]
    .concat();
    sb.ok(&args);
}

/// The status line `send -v` printed (`HTTP/2.0 200 OK  4 ms  659 B`).
fn status_line(out: &std::process::Output) -> String {
    let all = format!("{}{}", stdout(out), stderr(out));
    all.lines()
        .find(|l| l.starts_with("HTTP/"))
        .unwrap_or_else(|| panic!("no status line in {all}"))
        .to_string()
}

fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

fn start_mock(rt: &tokio::runtime::Runtime) -> MockHandle {
    rt.block_on(mock_support::start(MockConfig::default()))
}

#[test]
fn the_profile_s_http_version_and_proxy_are_used_and_flags_win() {
    let rt = common::mock_runtime();
    let mock = start_mock(&rt);
    let sb = Sandbox::new();
    profile(&sb, &mock.base_url(), &["--http-version", "2"]);

    // Saved HTTP/2: the mock answers it by prior knowledge and still judges the signature
    // over the URL it was addressed by (:authority, no Host header).
    let h2 = sb.run(&["send", "GET", "/assets", "-v"], b"");
    assert_eq!(h2.status.code(), Some(0), "{}", stderr(&h2));
    assert!(
        status_line(&h2).starts_with("HTTP/2.0 200"),
        "{}",
        status_line(&h2)
    );
    std::fs::write(
        sb.work().join("b.json"),
        br#"{"name":"a","city":"b","country":"GB","domain":"x.io","ref":"h2"}"#,
    )
    .unwrap();
    let post = sb.run(&["send", "POST", "/company", "-d", "b.json", "-v"], b"");
    assert!(
        status_line(&post).starts_with("HTTP/2.0 200"),
        "{}",
        stderr(&post)
    );
    // A flag wins over the profile for one command.
    let h1 = sb.run(
        &["send", "GET", "/assets", "-v", "--http-version", "1.1"],
        b"",
    );
    assert!(
        status_line(&h1).starts_with("HTTP/1.1 200"),
        "{}",
        status_line(&h1)
    );

    // A saved proxy that is not there: no response (exit 3), the password never shown.
    let proxy = format!("http://me:hunter2@127.0.0.1:{}", closed_port());
    sb.ok(&["profile", "edit", "m", "--proxy", &proxy]);
    let via = sb.run(&["send", "GET", "/assets"], b"");
    assert_eq!(via.status.code(), Some(3), "{}", stderr(&via));
    let show = sb.ok(&["profile", "show", "m"]);
    assert!(
        show.contains("proxy:") && show.contains("me:****@"),
        "{show}"
    );
    let json = sb.ok(&["profile", "show", "m", "--json"]);
    assert!(
        !json.contains("hunter2") && !show.contains("hunter2"),
        "{json}"
    );
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["http"]["http_version"], "2");
    // replay and run take the profile's settings as send does.
    sb.ok(&[
        "collection",
        "add",
        "c/a",
        "--url",
        &format!("{}/assets", mock.base_url()),
    ]);
    assert_eq!(sb.run(&["replay", "c/a"], b"").status.code(), Some(3));
    // --clear-http forgets them: the mock is reached directly again, over HTTP/1.1.
    sb.ok(&["profile", "edit", "m", "--clear-http"]);
    let direct = sb.run(&["send", "GET", "/assets", "-v"], b"");
    assert!(
        status_line(&direct).starts_with("HTTP/1.1 200"),
        "{}",
        stderr(&direct)
    );
    assert_eq!(sb.run(&["replay", "c/a"], b"").status.code(), Some(0));
}

#[test]
fn insecure_is_refused_for_production_and_bad_settings_are_not_saved() {
    let sb = Sandbox::new();
    let config = sb.root().join("config/config.json");
    let refused = sb.run(&["profile", "edit", "production", "--insecure", "on"], b"");
    fails_with(&refused, 1, "--insecure is refused for production");
    // A profile of one's own on the production host is refused too.
    let mine = sb.run(
        &[
            "profile",
            "add",
            "mine",
            "--base-url",
            "https://api.qredo.network/api/v1/p",
            "--insecure",
            "on",
        ],
        b"",
    );
    fails_with(&mine, 1, "--insecure is refused for production");
    assert!(!config.exists(), "nothing was saved");
    let proxy = sb.run(&["profile", "edit", "sandbox", "--proxy", "not a url"], b"");
    fails_with(&proxy, 1, "http://proxy.example:3128");
    let key_only = sb.run(
        &["profile", "edit", "sandbox", "--client-key", "k.pem"],
        b"",
    );
    fails_with(&key_only, 1, "--client-cert");
    let version = sb.run(&["profile", "edit", "sandbox", "--http-version", "3"], b"");
    fails_with(&version, 2, "auto, 1.1 or 2");
    assert!(!config.exists(), "nothing was saved");
}

/// A TLS server with the fixture certificate for 127.0.0.1 that requires a client
/// certificate from the fixture CA, offers h2 and http/1.1, and answers every request
/// `200` with the HTTP version it came over.
fn tls_server(rt: &tokio::runtime::Runtime) -> u16 {
    let pems = |name: &str| {
        let pem = std::fs::read(tls_fixture(name)).unwrap();
        rustls::pki_types::pem::PemObject::pem_slice_iter(&pem)
            .collect::<Result<Vec<rustls::pki_types::CertificateDer<'static>>, _>>()
            .unwrap()
    };
    let key = rustls::pki_types::pem::PemObject::from_pem_file(tls_fixture("server.key")).unwrap();
    let mut roots = rustls::RootCertStore::empty();
    for ca in pems("ca.pem") {
        roots.add(ca).unwrap();
    }
    let verifier = rustls::server::WebPkiClientVerifier::builder(Arc::new(roots))
        .build()
        .unwrap();
    let mut config = rustls::ServerConfig::builder()
        .with_client_cert_verifier(verifier)
        .with_single_cert(pems("server.pem"), key)
        .unwrap();
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let port = listener.local_addr().unwrap().port();
    rt.spawn(async move {
        loop {
            let Ok((tcp, _)) = listener.accept().await else {
                return;
            };
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let h2 = tls.get_ref().1.alpn_protocol() == Some(b"h2");
                let service = hyper::service::service_fn(
                    |req: hyper::Request<hyper::body::Incoming>| async move {
                        let body = format!(r#"{{"version":"{:?}"}}"#, req.version());
                        Ok::<_, std::convert::Infallible>(hyper::Response::new(
                            axum::body::Body::from(body),
                        ))
                    },
                );
                let io = hyper_util::rt::TokioIo::new(tls);
                if h2 {
                    let _ = hyper::server::conn::http2::Builder::new(
                        hyper_util::rt::TokioExecutor::new(),
                    )
                    .serve_connection(io, service)
                    .await;
                } else {
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(io, service)
                        .await;
                }
            });
        }
    });
    port
}

#[test]
fn a_private_ca_and_a_client_certificate_reach_a_mutual_tls_server() {
    let rt = common::mock_runtime();
    let port = tls_server(&rt);
    let sb = Sandbox::new().with_reference_files();
    let url = format!("https://127.0.0.1:{port}/api/v1/p/assets");
    let (ca, cert, key) = (
        tls_fixture("ca.pem"),
        tls_fixture("client.pem"),
        tls_fixture("client.key"),
    );
    let (ca, cert, key) = (
        ca.to_str().unwrap(),
        cert.to_str().unwrap(),
        key.to_str().unwrap(),
    );
    let send = |extra: &[&str]| sb.run(&[&["send", "GET", &url, "-v"][..], extra].concat(), b"");

    // The server's CA is not the system's: no TLS (exit 3, network), and it says so.
    fails_with(&send(&[]), 3, "TLS handshake");
    // The CA trusted, but no client certificate: the server hangs up in the handshake.
    assert_eq!(send(&["--cacert", ca]).status.code(), Some(3));
    // Both: 200, over HTTP/2 by ALPN (the default, auto), or HTTP/1.1 when asked.
    let both = send(&["--cacert", ca, "--client-cert", cert, "--client-key", key]);
    assert_eq!(both.status.code(), Some(0), "{}", stderr(&both));
    assert!(
        status_line(&both).starts_with("HTTP/2.0 200"),
        "{}",
        status_line(&both)
    );
    assert!(stdout(&both).contains("HTTP/2.0"), "{}", stdout(&both));
    let h1 = send(&[
        "--cacert",
        ca,
        "--client-cert",
        cert,
        "--client-key",
        key,
        "--http-version",
        "1.1",
    ]);
    assert!(
        status_line(&h1).starts_with("HTTP/1.1 200"),
        "{}",
        stderr(&h1)
    );
    // One file holding the certificate and its key works as well.
    let both_in_one = sb.work().join("client-both.pem");
    let mut pem = std::fs::read(tls_fixture("client.pem")).unwrap();
    pem.extend(std::fs::read(tls_fixture("client.key")).unwrap());
    std::fs::write(&both_in_one, pem).unwrap();
    let one = send(&[
        "--cacert",
        ca,
        "--client-cert",
        both_in_one.to_str().unwrap(),
    ]);
    assert_eq!(one.status.code(), Some(0), "{}", stderr(&one));
    // A certificate without its key is a clear setup error, not a network one.
    let no_key = send(&["--cacert", ca, "--client-cert", cert]);
    fails_with(&no_key, 1, "client certificate is not usable");

    // Saved in a profile, the same works with no flag at all.
    profile(
        &sb,
        &format!("https://127.0.0.1:{port}/api/v1/p"),
        &["--cacert", ca, "--client-cert", cert, "--client-key", key],
    );
    let saved = sb.run(&["send", "GET", "/assets", "-v"], b"");
    assert_eq!(saved.status.code(), Some(0), "{}", stderr(&saved));
    let show = sb.ok(&["profile", "show", "m"]);
    assert!(
        show.contains("client cert:") && show.contains("CA file:"),
        "{show}"
    );
}
