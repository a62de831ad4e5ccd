//! In front of every route: bounded body reading, the judge's verdict, logging.

use super::API_PREFIX;
use super::auth::{Reason, SignedParts};
use super::error::{ApiError, unauthorized};
use super::limits::{BODY_READ_TIMEOUT, DISCARD_TIMEOUT, MAX_BODY_BYTES, MAX_DISCARD_BYTES};
use super::shared::Shared;
use super::url::{request_url_for, scheme_hint};
use super::verdict::{access_line, describe};
use crate::signing::now_unix;
use axum::body::{Body, BodyDataStream, HttpBody};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use std::sync::Arc;

type BodyStream = BodyDataStream;

/// Who is calling, for handlers: records are scoped to the API key's owner tag.
#[derive(Debug, Clone)]
pub(crate) struct Caller {
    pub owner: String,
    /// `host[:port]` as the client addressed us, for URLs we hand back (feed addresses).
    pub host: String,
}

pub(crate) async fn authenticate(
    State(shared): State<Arc<Shared>>,
    req: Request,
    next: Next,
) -> Response {
    let path = req.uri().path();
    let v2 = super::qapi::v2::is_v2(path);
    let qapi = super::qapi::is_qapi(path) || v2;
    let under_prefix = path
        .strip_prefix(API_PREFIX)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'));
    if !under_prefix && !qapi {
        return ApiError::not_found(format!(
            "{path} is not an API path: every endpoint is under {API_PREFIX} (the Qredo API v1 under {}, v2 under {})",
            super::qapi::QAPI_V1_PREFIX,
            super::qapi::v2::QAPI_V2_PREFIX
        ))
        .into_response();
    }
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BODY_BYTES as u64) {
        // Thrown away as it arrives: no request slot, no memory, just time (bounded).
        let mut stream = req.into_body().into_data_stream();
        discard(&mut stream, 0).await;
        return ApiError::too_large(MAX_BODY_BYTES).into_response();
    }
    // Waiting here holds only the headers; bodies are read by at most max_in_flight requests.
    let Ok(_permit) = shared.in_flight.clone().acquire_owned().await else {
        return ApiError::unavailable("the mock is shutting down").into_response();
    };
    let (parts, body) = req.into_parts();
    let capacity = declared.unwrap_or(0) as usize;
    // A request without a body (most GETs) needs no read and no timer.
    let empty = body.is_end_stream();
    let mut stream = body.into_data_stream();
    let read = if empty {
        Ok(Ok(Vec::new()))
    } else {
        tokio::time::timeout(BODY_READ_TIMEOUT, read_body(&mut stream, capacity)).await
    };
    let bytes = match read {
        Err(_) => {
            return ApiError::timeout(format!(
                "the body did not arrive within {} s",
                BODY_READ_TIMEOUT.as_secs()
            ))
            .into_response();
        }
        Ok(Err(BodyError::TooLarge(read))) => {
            discard(&mut stream, read).await;
            return ApiError::too_large(MAX_BODY_BYTES).into_response();
        }
        Ok(Err(BodyError::Broken(e))) => return e.into_response(),
        Ok(Ok(b)) => b,
    };

    let url = request_url_for(&parts.uri, &parts.headers, parts.version);
    if qapi {
        return qapi_authenticate(&shared, parts, bytes, url, next).await;
    }
    let mut verdict = shared.judge.judge(
        &SignedParts {
            method: parts.method.as_str(),
            url: url.as_deref().map_err(String::as_str),
            headers: &parts.headers,
            body: &bytes,
        },
        now_unix(),
    );

    if let Some(f) = verdict.failure.as_mut()
        && f.reason == Reason::Signature
        && let Some(hint) = scheme_hint(&parts.uri, &parts.headers)
    {
        f.detail.push_str(hint);
    }
    if let Some(f) = verdict.failure.as_mut()
        && parts.headers.contains_key("qredo-api-sig")
    {
        f.detail.push_str(
            "; the request carries qredo-api-sig: it was signed with qredo-v1 (Qredo API v1) but sent to the Partner API, which takes partner-rsa (x-api-key, x-timestamp, x-sign). Use a partner-rsa profile, or send it to /qapi/v1",
        );
    }
    let mut response = match &verdict.failure {
        Some(f) => {
            let mut r = unauthorized(f.reason);
            if let Ok(v) = HeaderValue::from_str(&visible_ascii(&f.detail)) {
                r.headers_mut().insert("x-mock-detail", v);
            }
            r
        }
        None if counts_against_state(&parts.method, &bytes)
            && !shared.room_for(bytes.len()) =>
        {
            ApiError::full(format!(
                "the mock took in {} bytes of bodies already, the most it keeps (max_state_bytes); restart it, or use a fresh --data dir",
                shared.config.max_state_bytes
            ))
            .into_response()
        }
        None => {
            let charged = counts_against_state(&parts.method, &bytes).then_some(bytes.len());
            let url = verdict.url.as_deref().unwrap_or_default();
            let caller = Caller {
                owner: verdict.owner.clone().unwrap_or_default(),
                host: host_of(url).to_string(),
            };
            let mut req = Request::from_parts(parts, Body::from(bytes));
            req.extensions_mut().insert(caller);
            let response = next.run(req).await;
            if let Some(n) = charged
                && response.status().is_success()
            {
                shared.took_in(n);
            }
            response
        }
    };
    if let Some(p) = &verdict.payload
        && let Ok(v) = HeaderValue::from_str(&p.hash_hex())
    {
        response.headers_mut().insert("x-mock-payload-sha256", v);
    }

    let status = response.status().as_u16();
    if shared.config.verbose {
        eprintln!("{}", crate::visible::visible(&describe(&verdict, status)));
    } else if shared.config.access_log {
        eprintln!(
            "{}",
            crate::visible::visible(&access_line(&verdict, status))
        );
    }
    if shared.verdicts.receiver_count() > 0 {
        let _ = shared.verdicts.send(Arc::new(verdict));
    }
    response
}

enum BodyError {
    /// Past MAX_BODY_BYTES, after this many bytes.
    TooLarge(u64),
    Broken(ApiError),
}

/// Reads at most MAX_BODY_BYTES, whatever Content-Length claimed.
async fn read_body(stream: &mut BodyStream, capacity: usize) -> Result<Vec<u8>, BodyError> {
    let mut buf = Vec::with_capacity(capacity.min(MAX_BODY_BYTES));
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| {
            BodyError::Broken(ApiError::bad_request(format!(
                "the body could not be read: {e}"
            )))
        })?;
        if buf.len() + chunk.len() > MAX_BODY_BYTES {
            return Err(BodyError::TooLarge((buf.len() + chunk.len()) as u64));
        }
        buf.extend_from_slice(&chunk);
    }
    Ok(buf)
}

/// Reads the rest of a refused body into nothing, up to MAX_DISCARD_BYTES in all and for
/// DISCARD_TIMEOUT, so the client has finished sending when the 413 arrives and reads it
/// instead of failing its write. A body past either bound is left: the connection closes.
async fn discard(stream: &mut BodyStream, mut read: u64) {
    let drain = async {
        while read <= MAX_DISCARD_BYTES {
            match stream.next().await {
                Some(Ok(chunk)) => read += chunk.len() as u64,
                Some(Err(_)) | None => return,
            }
        }
    };
    let _ = tokio::time::timeout(DISCARD_TIMEOUT, drain).await;
}

/// A create or update: its body may end up in the state.
fn counts_against_state(method: &Method, body: &[u8]) -> bool {
    (method == Method::POST || method == Method::PUT) && !body.is_empty()
}

fn host_of(url: &str) -> &str {
    let rest = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
    rest.split(['/', '?']).next().unwrap_or(rest)
}

/// Header values must be visible ASCII: anything else becomes `?`.
fn visible_ascii(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c == ' ' || c.is_ascii_graphic() {
                c
            } else {
                '?'
            }
        })
        .collect()
}

/// A v1 request: the HMAC judged, the caller set for the handler, one access-log line.
async fn qapi_authenticate(
    shared: &Shared,
    parts: axum::http::request::Parts,
    bytes: Vec<u8>,
    url: Result<String, String>,
    next: Next,
) -> Response {
    let url = match url {
        Ok(u) => u,
        Err(e) => return super::qapi::QapiError::bad_request(e).into_response(),
    };
    let judged = if super::qapi::v2::is_v2(parts.uri.path()) {
        super::qapi::v2::authenticate(
            shared,
            parts.method.as_str(),
            &url,
            &parts.headers,
            &bytes,
            now_unix(),
        )
        .map(|c| c.owner)
    } else {
        super::qapi::judge(
            &shared.qredo,
            crate::signing::Scheme::QredoV1,
            shared.config.skew_secs,
            parts.method.as_str(),
            &url,
            &parts.headers,
            &bytes,
            now_unix(),
        )
    };
    let line = format!("{} {}", parts.method, url);
    let response = match judged {
        Err(e) => {
            if shared.config.verbose || shared.config.access_log {
                eprintln!(
                    "{}",
                    crate::visible::visible(&format!("mock: {line} -> 401 {}", e.reason))
                );
            }
            return e.into_response();
        }
        Ok(owner) => {
            let mut req = Request::from_parts(parts, Body::from(bytes));
            req.extensions_mut().insert(super::qapi::QCaller { owner });
            next.run(req).await
        }
    };
    if shared.config.verbose || shared.config.access_log {
        eprintln!(
            "{}",
            crate::visible::visible(&format!("mock: {line} -> {}", response.status().as_u16()))
        );
    }
    response
}
