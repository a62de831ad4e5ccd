//! Body and URL checks that predict a failed signature before sending. Pure.
//!
//! `check` runs after each (debounced) keystroke in the TUI, so it scans the body once and
//! allocates only for what it reports: keep it that way.

pub mod body;
pub mod escape;
mod method;
mod placeholder;
mod scheme;
mod spec;

pub use body::{
    BOM, Position, compact, drop_trailing_newline, excerpt, is_compact, json_error_offset,
    json_error_text, line_col, position, strip_tabs,
};
pub use escape::{escape_into, escape_invisibles, is_invisible};

use crate::signing::{Scheme, wire_url};
use std::fmt;

/// How far a fixed timestamp may be from now before it is flagged. The server's accepted
/// skew is not published; 30 s is well inside any sane window.
pub const TIMESTAMP_TOLERANCE_SECS: i64 = 30;

/// Everything the checks look at. Borrowed, so a 1 MB body is never copied.
#[derive(Debug, Clone, Copy)]
pub struct LintInput<'a> {
    pub method: &'a str,
    /// The URL as typed (absolute).
    pub url: &'a str,
    /// The URL the signature covers, when it is not `url`: xsign's own sends sign the wire
    /// form (`signing::wire_url`), the URL reqwest puts on the wire. None: `url` is signed.
    pub signed_url: Option<&'a str>,
    pub body: &'a [u8],
    /// The body saved with the request, when it comes from a collection.
    pub saved_body: Option<&'a [u8]>,
    /// A timestamp the user fixed; None when signing with the current time.
    pub timestamp: Option<i64>,
    /// The current Unix time, passed in so checks stay pure.
    pub now: i64,
    /// The scheme that signs: some checks are the scheme's (a Qredo timestamp's unit, the
    /// API the URL addresses).
    pub scheme: Scheme,
    /// Check the body against the Partner spec (reading it costs a process ~7 ms: `sign`,
    /// the scripted signer, leaves it to `send` and the workbench).
    pub spec: bool,
}

impl<'a> LintInput<'a> {
    /// A request signed with the current time and no saved body.
    pub fn new(method: &'a str, url: &'a str, body: &'a [u8], now: i64) -> Self {
        LintInput {
            method,
            url,
            signed_url: None,
            body,
            saved_body: None,
            timestamp: None,
            now,
            scheme: Scheme::PartnerRsa,
            spec: true,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FindingKind {
    Tab,
    InvalidJson,
    NotCompact,
    Reformatted,
    Crlf,
    Bom,
    TrailingNewline,
    BodyOnGet,
    UrlRewritten,
    UrlInvalid,
    StaleTimestamp,
    FutureTimestamp,
    /// A `{{name}}` left in the URL or body: it is signed and sent as those characters.
    Unrendered,
    /// A Qredo timestamp in milliseconds or nanoseconds, not seconds.
    TimestampUnit,
    /// Signed with one API's scheme, addressed to the other's URL.
    SchemeMixed,
    /// The body does not match the operation's request schema in the Partner API spec.
    BodySchema,
    /// A `{name}` path parameter the catalog or spec wrote, left in the URL unfilled.
    PathPlaceholder,
    /// A method the Partner API does not serve at that path (`GET /company`).
    MethodNotServed,
}

impl FindingKind {
    /// A short stable name, for one-line summaries (the proxy's `x-xsign-lint` header).
    pub fn code(&self) -> &'static str {
        match self {
            FindingKind::Tab => "tab",
            FindingKind::InvalidJson => "invalid-json",
            FindingKind::NotCompact => "not-compact",
            FindingKind::Reformatted => "reformatted",
            FindingKind::Crlf => "crlf",
            FindingKind::Bom => "bom",
            FindingKind::TrailingNewline => "trailing-newline",
            FindingKind::BodyOnGet => "body-on-get",
            FindingKind::UrlRewritten => "url-rewritten",
            FindingKind::UrlInvalid => "url-invalid",
            FindingKind::StaleTimestamp => "stale-timestamp",
            FindingKind::FutureTimestamp => "future-timestamp",
            FindingKind::Unrendered => "unrendered",
            FindingKind::TimestampUnit => "timestamp-unit",
            FindingKind::SchemeMixed => "scheme-mixed",
            FindingKind::BodySchema => "body-schema",
            FindingKind::PathPlaceholder => "path-placeholder",
            FindingKind::MethodNotServed => "method-not-served",
        }
    }
}

/// A one-key remedy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Fix {
    /// Remove whitespace between JSON tokens (and a BOM); strings and numbers keep their bytes.
    Compact,
    /// Replace each tab between tokens with two spaces, and each tab inside a string with
    /// the escape `\t` (the same character, as valid JSON).
    StripTabs,
    /// Remove the newlines (and CRs) at the end of the body.
    DropTrailingNewline,
    /// Type the URL the way it goes on the wire (see `apply_to_url`).
    UseWireUrl,
}

impl Fix {
    /// The body after the fix. `UseWireUrl` leaves the body as it is.
    pub fn apply(&self, body: &[u8]) -> Vec<u8> {
        match self {
            Fix::Compact => compact(body),
            Fix::StripTabs => strip_tabs(body),
            Fix::DropTrailingNewline => drop_trailing_newline(body),
            Fix::UseWireUrl => body.to_vec(),
        }
    }

    /// The URL after the fix: the wire form for `UseWireUrl`, None for body fixes or a URL
    /// that cannot be parsed.
    pub fn apply_to_url(&self, typed: &str) -> Option<String> {
        match self {
            Fix::UseWireUrl => wire_url(typed).ok().map(|w| w.wire),
            _ => None,
        }
    }

    pub fn applies_to_body(&self) -> bool {
        !matches!(self, Fix::UseWireUrl)
    }

    /// A label for a key hint or a CLI note.
    pub fn label(&self) -> &'static str {
        match self {
            Fix::Compact => "compact the JSON",
            Fix::StripTabs => "replace tabs with spaces (\\t inside strings)",
            Fix::DropTrailingNewline => "drop the trailing newline",
            Fix::UseWireUrl => "type the URL as it is sent",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub kind: FindingKind,
    pub severity: Severity,
    /// What it means for the signature, with where it is.
    pub message: String,
    pub fix: Option<Fix>,
}

impl Finding {
    fn new(kind: FindingKind, severity: Severity, message: String, fix: Option<Fix>) -> Self {
        Finding {
            kind,
            severity,
            message,
            fix,
        }
    }
}

const EXCERPT_RADIUS: usize = 12;

/// Runs every check. Findings come most severe first, in a stable order.
pub fn check(input: &LintInput<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    check_url(input, &mut out);
    check_body(input, &mut out);
    check_timestamp(input, &mut out);
    placeholder::check_unrendered(input, &mut out);
    placeholder::check_path_placeholder(input, &mut out);
    method::check(input, &mut out);
    scheme::check(input, &mut out);
    input.spec.then(|| spec::check(input, &mut out));
    out.sort_by_key(|f| std::cmp::Reverse(f.severity));
    out
}

/// The URL: a warning only when the signature covers another string than the one that goes
/// on the wire (the server hashes the wire form). When xsign signs the wire form itself, a
/// rewrite is only worth knowing, and the fix types the URL the way it is sent.
fn check_url(input: &LintInput<'_>, out: &mut Vec<Finding>) {
    let w = match wire_url(input.url) {
        Ok(w) => w,
        Err(e) => {
            out.push(Finding::new(
                FindingKind::UrlInvalid,
                Severity::Error,
                e.to_string(),
                None,
            ));
            return;
        }
    };
    let signed = input.signed_url.unwrap_or(input.url);
    if signed != w.wire {
        out.push(Finding::new(
            FindingKind::UrlRewritten,
            Severity::Warning,
            format!(
                "the HTTP library sends this URL as {} ({}), and the server checks the signature \
                 over that string; one over {signed} fails with 1020",
                w.wire,
                w.reasons().join(", ")
            ),
            Some(Fix::UseWireUrl),
        ));
    } else if w.differs() {
        out.push(Finding::new(
            FindingKind::UrlRewritten,
            Severity::Info,
            format!(
                "this URL goes on the wire as {} ({}), and that is the string signed, so the \
                 signature matches",
                w.wire,
                w.reasons().join(", ")
            ),
            Some(Fix::UseWireUrl),
        ));
    }
}

fn check_body(input: &LintInput<'_>, out: &mut Vec<Finding>) {
    let body = input.body;
    if body.is_empty() {
        return;
    }
    let method = input.method.trim();
    if method.eq_ignore_ascii_case("GET") || method.eq_ignore_ascii_case("DELETE") {
        out.push(Finding::new(
            FindingKind::BodyOnGet,
            Severity::Warning,
            format!(
                "a {} request with a body ({} bytes): xsign signs and sends it, but clients and \
                 proxies may drop a body on {0}; where one does, the server checks the signature \
                 without it and answers 1020. Clear the body, or use POST or PUT",
                method.to_ascii_uppercase(),
                body.len()
            ),
            None,
        ));
    }

    let scan = body::scan(body);
    let has_bom = body.starts_with(body::BOM);
    let json = serde_json::from_slice::<serde::de::IgnoredAny>(
        body.strip_prefix(body::BOM).unwrap_or(body),
    );

    if let Some(at) = scan.first_tab {
        out.push(tab_finding(body, &scan, at));
    }
    if has_bom {
        out.push(Finding::new(
            FindingKind::Bom,
            Severity::Warning,
            "the body starts with a byte-order mark (\\u{feff}), invisible in editors: it is signed \
             and must be sent too, and the API's JSON parser may reject it"
                .to_string(),
            json.is_ok().then_some(Fix::Compact),
        ));
    }
    if let Some(at) = scan.first_crlf {
        let (line, _) = line_col(body, at);
        out.push(Finding::new(
            FindingKind::Crlf,
            Severity::Warning,
            format!(
                "{} CRLF line ending{} (first at the end of line {line}): \\r is signed too, so any tool \
                 that converts line endings on the way breaks the signature",
                scan.crlfs,
                plural(scan.crlfs)
            ),
            json.is_ok().then_some(Fix::Compact),
        ));
    }
    if body.ends_with(b"\n") {
        out.push(Finding::new(
            FindingKind::TrailingNewline,
            Severity::Warning,
            format!(
                "the body ends with a newline ({}): it is part of the signature, so it must be sent \
                 too; editors and shells add or strip it silently",
                excerpt(body, body.len(), EXCERPT_RADIUS)
            ),
            Some(Fix::DropTrailingNewline),
        ));
    }
    match &json {
        Err(e) => {
            let stripped = usize::from(has_bom) * body::BOM.len();
            let at = stripped + json_error_offset(&body[stripped..], e);
            out.push(Finding::new(
                FindingKind::InvalidJson,
                Severity::Warning,
                format!(
                    "the body is not valid JSON ({} at {}: {}): it is signed as it is, so the \
                     signature can still match, but the API will likely refuse the body itself \
                     (the mock answers 400)",
                    json_error_text(e),
                    position(body, at),
                    excerpt(body, at, EXCERPT_RADIUS)
                ),
                None,
            ));
        }
        Ok(_) => {
            if let Some(at) = scan.first_outside_whitespace {
                out.push(Finding::new(
                    FindingKind::NotCompact,
                    Severity::Info,
                    format!(
                        "the JSON is not compact (whitespace at {}): fine when these exact bytes \
                         are sent, but any tool that reformats it breaks the signature",
                        position(body, at)
                    ),
                    Some(Fix::Compact),
                ));
            }
        }
    }
    if let Some(saved) = input.saved_body {
        check_reformatted(body, saved, json.is_ok(), out);
    }
}

/// Tabs: what the guide says about them, where they are, and what the fix does with each.
/// xsign sends the bytes it signs, so a tab is no refusal by itself (the mock, which judges
/// as the server does, accepts it): the risk is the copies of the body that other tools make.
fn tab_finding(body: &[u8], scan: &body::BodyScan, at: usize) -> Finding {
    let mut message = format!(
        "{} tab{} (first at {}: {}): the API guide reports 1020 for JSON formatted with tabs, \
         as pasting and tools change tabs and the server then hashes other bytes. Sent exactly \
         as signed they verify (the mock accepts them); spaces are safe in every copy",
        scan.tabs,
        plural(scan.tabs),
        position(body, at),
        excerpt(body, at, EXCERPT_RADIUS)
    );
    if let Some(s) = scan.first_string_tab {
        let which = match (scan.tabs, scan.string_tabs) {
            (1, _) => "It stands inside a string".to_string(),
            (_, 1) => format!(
                "1 of them stands inside a string (at {})",
                position(body, s)
            ),
            (_, n) => format!(
                "{n} of them stand inside strings (first at {})",
                position(body, s)
            ),
        };
        message.push_str(&format!(
            ". {which}, where a raw tab is invalid JSON: the fix writes {} as the escape \\t, \
             the same character, and never as spaces",
            if scan.string_tabs == 1 { "it" } else { "them" }
        ));
    }
    Finding::new(
        FindingKind::Tab,
        Severity::Warning,
        message,
        Some(Fix::StripTabs),
    )
}

/// Same JSON, other bytes: a signature made over the saved body does not cover this one.
fn check_reformatted(body: &[u8], saved: &[u8], body_is_json: bool, out: &mut Vec<Finding>) {
    if body == saved || !body_is_json {
        return;
    }
    let (same_json, saved_is_compact) = body::same_compacted(body, saved);
    if !same_json {
        return;
    }
    let at = body
        .iter()
        .zip(saved)
        .position(|(a, b)| a != b)
        .unwrap_or(body.len().min(saved.len()));
    out.push(Finding::new(
        FindingKind::Reformatted,
        Severity::Warning,
        format!(
            "the body was reformatted: same JSON as the saved one, other bytes (first at {}: now {}, \
             saved {}); a signature over the saved body will not match",
            position(body, at),
            excerpt(body, at, EXCERPT_RADIUS),
            excerpt(saved, at, EXCERPT_RADIUS)
        ),
        saved_is_compact.then_some(Fix::Compact),
    ));
}

fn check_timestamp(input: &LintInput<'_>, out: &mut Vec<Finding>) {
    let Some(t) = input.timestamp else { return };
    if scheme::wrong_unit(input).is_some() {
        return;
    }
    let age = input.now - t;
    if age > TIMESTAMP_TOLERANCE_SECS {
        out.push(Finding::new(
            FindingKind::StaleTimestamp,
            Severity::Warning,
            format!(
                "the fixed timestamp {t} is {} old: the server refuses timestamps outside its window \
                 even with a valid signature (the window is not published; the mock's is ±30 s); \
                 sign with the current time",
                human_duration(age)
            ),
            None,
        ));
    } else if age < -TIMESTAMP_TOLERANCE_SECS {
        out.push(Finding::new(
            FindingKind::FutureTimestamp,
            Severity::Warning,
            format!(
                "the fixed timestamp {t} is {} in the future: the server refuses timestamps outside \
                 its window even with a valid signature (the window is not published; the mock's \
                 is ±30 s); sign with the current time, and check this machine's clock",
                human_duration(-age)
            ),
            None,
        ));
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn human_duration(secs: i64) -> String {
    match secs {
        s if s < 120 => format!("{s} s"),
        s if s < 7200 => format!("{} min", s / 60),
        s if s < 172_800 => format!("{} h", s / 3600),
        s => format!("{} days", s / 86_400),
    }
}

#[cfg(test)]
mod tests;
