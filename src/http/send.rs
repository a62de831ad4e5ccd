//! Ticket → send: puts exactly the ticket's bytes on the wire and captures the response.

use super::response::Response;
use super::ticket::Ticket;
use crate::time::parse_http_date;
use std::error::Error as _;
use std::time::{Duration, Instant, SystemTime};

/// Responses larger than this are cut short (and flagged), so a runaway body cannot
/// exhaust memory.
pub const MAX_RESPONSE_BODY: usize = 16 * 1024 * 1024;

/// Why a request got no response. Each message says what to try next.
#[derive(Debug, thiserror::Error)]
pub enum SendError {
    #[error(
        "cannot resolve the host {host}: check its spelling in the URL or profile, and that this machine has network and DNS ({detail})"
    )]
    Dns { host: String, detail: String },
    #[error(
        "connection refused by {authority}: nothing is listening there. Is the server (or `xsign mock`) running, and are the host and port right?"
    )]
    Refused { authority: String },
    #[error(
        "TLS handshake with {host} failed: {detail}. If the server speaks plain HTTP, use http://; if it uses a private CA, that CA must be trusted by this system"
    )]
    Tls { host: String, detail: String },
    #[error(
        "no complete response from {authority} within {secs} s: the server is slow or unreachable. Retry with a longer --timeout, or check that the host is reachable"
    )]
    Timeout { authority: String, secs: f64 },
    #[error("cannot connect to {authority}: {detail}. Check the network, the host and the port")]
    Connect { authority: String, detail: String },
    #[error(
        "the connection to {authority} broke before the response was complete: {detail}. Retry; if it persists, the server or a proxy is cutting the connection"
    )]
    Broken { authority: String, detail: String },
    #[error("cancelled before the response came")]
    Cancelled,
    #[error("cannot set up the HTTP client: {0}")]
    Client(String),
    #[error("the request to {authority} failed: {detail}")]
    Other { authority: String, detail: String },
}

/// Sends the ticket: its method, wire URL, headers and body bytes, nothing re-encoded.
///
/// `timeout` covers everything, from connecting to the last byte of the body.
///
/// Cancelling: this future holds the only handle on the connection, so dropping it
/// cancels the request. The TUI runs it with `tokio::spawn` and calls
/// `JoinHandle::abort()` on Esc; the socket closes and nothing is reported.
pub async fn send(
    client: &reqwest::Client,
    ticket: &Ticket,
    timeout: Duration,
) -> Result<Response, SendError> {
    send_relayed(client, ticket, timeout, None).await
}

/// The response's status line and headers, as they arrive, before the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelayHead {
    pub status: u16,
    /// In the order received; names lower-case; values as raw bytes.
    pub headers: Vec<(String, Vec<u8>)>,
}

/// Passes a response on while it arrives (the signing proxy): the head as soon as it
/// comes, then, when `wants_body` says so for its status, each body chunk. The response is
/// still captured and recorded as [`send`] does; past [`MAX_RESPONSE_BODY`] the record is
/// cut, the relay is not.
#[derive(Debug)]
pub struct Relay {
    pub head: tokio::sync::oneshot::Sender<RelayHead>,
    pub body: tokio::sync::mpsc::Sender<bytes::Bytes>,
    /// Whether the body goes to `body` for a response of this status; false: only the
    /// captured [`Response`] has it.
    pub wants_body: fn(u16) -> bool,
}

/// [`send`], handing the response to `relay` as it arrives.
pub async fn send_relayed(
    client: &reqwest::Client,
    ticket: &Ticket,
    timeout: Duration,
    relay: Option<Relay>,
) -> Result<Response, SendError> {
    let url = ticket.wire.url().clone();
    let authority = authority_of(&url);
    let mut builder = client
        .request(ticket.method.clone(), url.clone())
        .timeout(timeout);
    for (name, value) in &ticket.headers {
        builder = builder.header(name.as_str(), value.as_str());
    }
    if !ticket.body.is_empty() {
        builder = builder.body(ticket.body.clone());
    } else if ticket.expects_body() {
        // RFC 9110 §8.6: a POST, PUT or PATCH with no body still says so, as the Go client
        // does (the HTTP library sends no length at all for an empty body).
        builder = builder.header(reqwest::header::CONTENT_LENGTH, "0");
    }
    let sent_at = SystemTime::now();
    let started = Instant::now();
    let classify = |e: reqwest::Error| classify(e, &url, &authority, timeout);
    let mut resp = builder.send().await.map_err(classify)?;

    let status = resp.status();
    let version = format!("{:?}", resp.version());
    let headers: Vec<(String, String)> = resp
        .headers()
        .iter()
        .map(|(n, v)| {
            (
                n.as_str().to_string(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let mut relay_body = None;
    if let Some(relay) = relay {
        let head = RelayHead {
            status: status.as_u16(),
            headers: resp
                .headers()
                .iter()
                .map(|(n, v)| (n.as_str().to_string(), v.as_bytes().to_vec()))
                .collect(),
        };
        if (relay.wants_body)(head.status) {
            relay_body = Some(relay.body);
        }
        // The receiver gone (the client hung up) changes nothing: the exchange is recorded.
        let _ = relay.head.send(head);
    }
    let mut body = Vec::new();
    let mut truncated = false;
    while let Some(chunk) = resp.chunk().await.map_err(classify)? {
        if let Some(tx) = &relay_body
            && tx.send(chunk.clone()).await.is_err()
        {
            relay_body = None;
        }
        if truncated {
            if relay_body.is_none() {
                break;
            }
            continue;
        }
        let room = MAX_RESPONSE_BODY - body.len();
        if chunk.len() > room {
            body.extend_from_slice(&chunk[..room]);
            truncated = true;
            if relay_body.is_none() {
                break;
            }
            continue;
        }
        body.extend_from_slice(&chunk);
    }
    let elapsed = started.elapsed();
    let remote_date = headers
        .iter()
        .find(|(n, _)| n == "date")
        .and_then(|(_, v)| parse_http_date(v));
    Ok(Response {
        status: status.as_u16(),
        reason: status.canonical_reason().unwrap_or_default().to_string(),
        version,
        headers,
        body,
        truncated,
        elapsed,
        remote_date,
        sent_at,
    })
}

fn authority_of(url: &reqwest::Url) -> String {
    let host = url.host_str().unwrap_or_default();
    match url.port_or_known_default() {
        Some(p) => format!("{host}:{p}"),
        None => host.to_string(),
    }
}

fn classify(
    e: reqwest::Error,
    url: &reqwest::Url,
    authority: &str,
    timeout: Duration,
) -> SendError {
    let authority = authority.to_string();
    let host = url.host_str().unwrap_or_default().to_string();
    let detail = chain(&e);
    if e.is_timeout() {
        return SendError::Timeout {
            authority,
            secs: timeout.as_secs_f64(),
        };
    }
    if e.is_dns() {
        return SendError::Dns {
            host,
            detail: innermost(&e),
        };
    }
    let io_kinds = io_error_kinds(&e);
    if e.is_connect() {
        if io_kinds.contains(&std::io::ErrorKind::ConnectionRefused) {
            return SendError::Refused { authority };
        }
        // tokio-rustls reports handshake failures as InvalidData around a rustls error.
        if url.scheme() == "https" && io_kinds.contains(&std::io::ErrorKind::InvalidData) {
            return SendError::Tls {
                host,
                detail: innermost(&e),
            };
        }
        return SendError::Connect {
            authority,
            detail: innermost(&e),
        };
    }
    if e.is_body() || e.is_request() {
        return SendError::Broken { authority, detail };
    }
    SendError::Other { authority, detail }
}

/// Every io::Error kind in the chain, looking inside io errors that wrap io errors
/// (hyper-util wraps tokio-rustls's InvalidData error in an Other one).
fn io_error_kinds(e: &reqwest::Error) -> Vec<std::io::ErrorKind> {
    let mut kinds = Vec::new();
    let mut source = e.source();
    while let Some(err) = source {
        let mut io = err.downcast_ref::<std::io::Error>();
        while let Some(i) = io {
            kinds.push(i.kind());
            io = i
                .get_ref()
                .and_then(|inner| inner.downcast_ref::<std::io::Error>());
        }
        source = err.source();
    }
    kinds
}

/// The deepest message: the one that says what actually happened.
fn innermost(e: &reqwest::Error) -> String {
    let mut last = e.to_string();
    let mut source = e.source();
    while let Some(err) = source {
        last = err.to_string();
        source = err.source();
    }
    last
}

pub(super) fn chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(err) = source {
        let msg = err.to_string();
        if !out.contains(&msg) {
            out.push_str(": ");
            out.push_str(&msg);
        }
        source = err.source();
    }
    out
}
