//! The checks, in the order a reader wants them, each turning evidence into findings.

use super::body::{BodyChange, classify};
use super::bytes::{ByteDiff, Part};
use super::clock::{ClockReading, duration_text, format_http_date};
use super::signature::{self, LocalCheck, Side};
use super::url::{API_PREFIX, RawUrl, UrlDifference, compare};
use super::{Cause, CauseKind, Evidence, Report, Severity, Verdict, VerdictKind};
use crate::lint::{escape_invisibles as escape_bytes, is_invisible};
use crate::signing::AuthValue;

struct Findings(Vec<Cause>);

impl Findings {
    fn push(
        &mut self,
        kind: CauseKind,
        severity: Severity,
        title: impl Into<String>,
        detail: Vec<String>,
        fix: impl Into<String>,
    ) -> &mut Cause {
        self.0.push(Cause {
            kind,
            severity,
            title: title.into(),
            detail,
            fix: fix.into(),
            diff: None,
        });
        self.0.last_mut().expect("just pushed")
    }

    fn any(&self, kinds: &[CauseKind]) -> bool {
        self.0
            .iter()
            .any(|c| c.severity == Severity::Cause && kinds.contains(&c.kind))
    }
}

pub(super) fn diagnose(ev: &Evidence) -> Report {
    let mut f = Findings(Vec::new());
    let sent_value = header_value(ev, &mut f);
    let signed_value = ev.signed.value.or(sent_value);
    let sent_value = sent_value.or(signed_value);
    if let (Some(s), Some(v)) = (ev.signed.value, sent_value)
        && s != v
    {
        f.push(
            CauseKind::ValueMismatch,
            Severity::Cause,
            format!("The {} sent ({v}) is not the one signed ({s})", v.header_name()),
            vec!["The value is the first part of the signed payload, so the x-sign cannot match.".into()],
            "Send the x-timestamp or x-nonce that was signed together with its x-sign; sign again rather than mixing headers from two runs.",
        );
    }
    api_key(ev, &mut f);
    fingerprint(ev, &mut f);

    let sent_url = ev.sent.url.clone().or_else(|| ev.signed.url.clone());
    let sent_body = ev
        .sent
        .body
        .clone()
        .or_else(|| ev.signed.body.clone())
        .unwrap_or_default();
    let mut signed_url = ev.signed.url.clone().or_else(|| sent_url.clone());
    let mut signed_body = ev.signed.body.clone().unwrap_or_else(|| sent_body.clone());

    let local = local_check(
        ev,
        sent_value,
        signed_value,
        sent_url.as_deref(),
        &sent_body,
        signed_url.as_deref(),
        &signed_body,
    );
    match &local {
        LocalCheck::VerifiesOverVariant { url, body, .. } => {
            signed_url = Some(url.clone());
            signed_body = body.clone();
        }
        // The x-sign proves what was signed; a --url or --body-file that says otherwise
        // describes another attempt.
        LocalCheck::VerifiesOverSent if signed_url != sent_url || signed_body != sent_body => {
            f.push(
                CauseKind::LocalVerification,
                Severity::Info,
                "The URL or body given as signed is not what this x-sign covers",
                vec!["The x-sign verifies over the bytes sent, so those were signed; the signed URL or body given belongs to another attempt.".into()],
                "",
            );
            signed_url = sent_url.clone();
            signed_body = sent_body.clone();
        }
        _ => {}
    }
    report_local_check(ev, &local, &mut f);

    if let (Some(a), Some(b)) = (&signed_url, &sent_url) {
        url_findings(a, b, &mut f);
    }
    if let Some(u) = &sent_url {
        url_shape(u, &mut f);
    }
    body_findings(&signed_body, &sent_body, &local, &mut f);

    let clock = match sent_value {
        Some(AuthValue::Timestamp(t)) => Some(timestamp_findings(ev, t, &mut f)),
        _ => None,
    };
    if let Some(AuthValue::Nonce(n)) = sent_value {
        nonce_findings(ev, n, &mut f);
    }
    server_reason(ev, &local, &mut f);

    let mut findings = f.0;
    findings.sort_by_key(|c| c.severity);
    let verdict = verdict(ev, &findings, &local);
    Report {
        findings,
        verdict,
        local_check: local,
        clock,
    }
}

/// The x-timestamp or x-nonce as sent, checking the auth headers on the way.
fn header_value(ev: &Evidence, f: &mut Findings) -> Option<AuthValue> {
    let s = &ev.sent;
    if s.complete {
        let mut missing = Vec::new();
        if s.api_key.is_none() {
            missing.push("x-api-key");
        }
        if s.x_sign.is_none() {
            missing.push("x-sign");
        }
        if !missing.is_empty() {
            f.push(
                CauseKind::Headers,
                Severity::Cause,
                format!("The request carries no {}", missing.join(" and no ")),
                vec!["Every Partner API request needs x-api-key, x-sign and one of x-timestamp or x-nonce.".into()],
                "Send all the auth headers: `xsign send` sets them, `xsign sign --curl` prints a curl command with them.",
            );
        }
        match (&s.timestamp, &s.nonce) {
            (Some(_), Some(_)) => {
                f.push(
                    CauseKind::Headers,
                    Severity::Cause,
                    "The request carries both x-timestamp and x-nonce",
                    vec!["The server wants exactly one of them.".into()],
                    "Send only the header whose value was signed.",
                );
            }
            (None, None) => {
                f.push(
                    CauseKind::Headers,
                    Severity::Cause,
                    "The request carries neither x-timestamp nor x-nonce",
                    vec!["The signed payload starts with one of them, and the server needs it to check the x-sign.".into()],
                    "Send the x-timestamp (or x-nonce) that was signed.",
                );
            }
            _ => {}
        }
    }
    if let Some(t) = &s.timestamp {
        match t.trim().parse::<i64>() {
            Ok(v) if v > 100_000_000_000 => {
                f.push(
                    CauseKind::Headers,
                    Severity::Cause,
                    format!("x-timestamp {t} is in milliseconds"),
                    vec!["The API wants Unix seconds (10 digits today).".into()],
                    "Use seconds: `date +%s`, or let xsign set the timestamp.",
                );
                return Some(AuthValue::Timestamp(v));
            }
            Ok(v) if t.trim() == t.as_str() && t == &v.to_string() => {
                return Some(AuthValue::Timestamp(v));
            }
            _ => {
                f.push(
                    CauseKind::Headers,
                    Severity::Cause,
                    format!("x-timestamp {:?} is not a plain number of seconds", t),
                    vec![
                        "It must be Unix seconds, digits only, exactly as they were signed.".into(),
                    ],
                    "Send the timestamp exactly as signed, digits only.",
                );
                return t.trim().parse().ok().map(AuthValue::Timestamp);
            }
        }
    }
    if let Some(n) = &s.nonce {
        match n.parse::<u64>() {
            Ok(v) if n == &v.to_string() => return Some(AuthValue::Nonce(v)),
            _ => {
                f.push(
                    CauseKind::Headers,
                    Severity::Cause,
                    format!("x-nonce {n:?} is not a plain whole number"),
                    vec!["It must be digits only, exactly as signed.".into()],
                    "Send the nonce exactly as signed, digits only.",
                );
                return n.trim().parse().ok().map(AuthValue::Nonce);
            }
        }
    }
    None
}

fn api_key(ev: &Evidence, f: &mut Findings) {
    let Some(key) = &ev.sent.api_key else {
        return;
    };
    let odd: Vec<(usize, char)> = key
        .char_indices()
        .filter(|(_, c)| c.is_whitespace() || c.is_control() || is_invisible(*c))
        .collect();
    if odd.is_empty() {
        return;
    }
    let trimmed = key.trim_end_matches(['\n', '\r']);
    if ev.api_key_from_file
        && trimmed.len() < key.len()
        && !trimmed
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || is_invisible(c))
    {
        f.push(
            CauseKind::ApiKeyWhitespace,
            Severity::Info,
            "The API key file ends with a line break",
            vec!["xsign and the reference client trim it; a tool that sends the file verbatim would not.".into()],
            "Nothing, if xsign sends the request; otherwise strip the line break: `printf %s \"$(cat apikey)\" > apikey`.",
        );
        return;
    }
    let is_odd = |c: char| c.is_whitespace() || c.is_control() || is_invisible(c);
    let core = key.trim_matches(is_odd);
    let where_ = if core.chars().any(is_odd) {
        "inside it"
    } else if key.starts_with(is_odd) && key.ends_with(is_odd) {
        "around it"
    } else if key.starts_with(is_odd) {
        "at its start"
    } else {
        "at its end"
    };
    let chars: Vec<String> = odd
        .iter()
        .map(|(i, c)| {
            format!(
                "{} at character {}",
                escape_bytes(c.to_string().as_bytes()),
                i
            )
        })
        .collect();
    f.push(
        CauseKind::ApiKeyWhitespace,
        Severity::Cause,
        format!("The API key carries whitespace {where_}"),
        vec![
            format!("Found: {}.", chars.join(", ")),
            "The server compares the key byte for byte, so it does not know this one.".into(),
        ],
        "Copy the API key again from the web app, with nothing around it; xsign trims its API key file, but a key pasted into a header, an environment variable or another tool is sent as is.",
    );
}

fn normalize_fingerprint(fp: &str) -> String {
    let fp = fp.trim().to_ascii_lowercase();
    let fp = fp.strip_prefix("sha256:").unwrap_or(&fp);
    fp.chars().filter(|c| c.is_ascii_hexdigit()).collect()
}

fn fingerprint(ev: &Evidence, f: &mut Findings) {
    let (Some(key), Some(registered)) = (&ev.public_key, &ev.registered_fingerprint) else {
        return;
    };
    let ours = normalize_fingerprint(&key.info().fingerprint);
    let theirs = normalize_fingerprint(registered);
    let source = ev.key_source.as_deref().unwrap_or("this key");
    if theirs.len() >= 8 && ours.starts_with(&theirs) {
        f.push(
            CauseKind::KeyNotRegistered,
            Severity::Pass,
            format!(
                "{source} is the registered key ({})",
                key.info().short_fingerprint()
            ),
            vec![],
            "",
        );
    } else {
        f.push(
            CauseKind::KeyNotRegistered,
            Severity::Cause,
            format!("{source} is not the key registered for this API key"),
            vec![
                format!("This key's fingerprint: {}", key.info().fingerprint),
                format!("Registered:             {registered}"),
            ],
            "Sign with the private key whose public key is registered, or upload this key's public key (`xsign keygen` printed it; public.pem) in the web app.",
        );
    }
}

#[allow(clippy::too_many_arguments)]
fn local_check(
    ev: &Evidence,
    sent_value: Option<AuthValue>,
    signed_value: Option<AuthValue>,
    sent_url: Option<&str>,
    sent_body: &[u8],
    signed_url: Option<&str>,
    signed_body: &[u8],
) -> LocalCheck {
    let mut missing = Vec::new();
    if ev.public_key.is_none() {
        missing.push("the public key (--key or --pubkey)");
    }
    if ev.sent.x_sign.is_none() {
        missing.push("the x-sign (--sign)");
    }
    if sent_value.is_none() {
        missing.push("the timestamp or nonce (--timestamp or --nonce)");
    }
    if sent_url.is_none() {
        missing.push("the URL (--url)");
    }
    let (Some(key), Some(x_sign), Some(value), Some(url)) =
        (&ev.public_key, &ev.sent.x_sign, sent_value, sent_url)
    else {
        return LocalCheck::NotPossible { missing };
    };
    let sent = Side {
        value,
        url,
        body: sent_body,
    };
    let signed = Side {
        value: signed_value.unwrap_or(value),
        url: signed_url.unwrap_or(url),
        body: signed_body,
    };
    signature::check(key, x_sign.trim(), sent, signed)
}

fn report_local_check(ev: &Evidence, local: &LocalCheck, f: &mut Findings) {
    let key = ev
        .public_key
        .as_ref()
        .map(|k| k.info().short_fingerprint().to_string())
        .unwrap_or_default();
    let source = ev.key_source.as_deref().unwrap_or("the public key");
    match local {
        LocalCheck::NotPossible { missing } => {
            f.push(
                CauseKind::LocalVerification,
                Severity::Info,
                "The x-sign was not checked locally",
                vec![format!("Missing: {}.", missing.join(", "))],
                "Give the missing pieces to check the signature itself.",
            );
        }
        LocalCheck::VerifiesOverSent => {
            f.push(
                CauseKind::LocalVerification,
                Severity::Pass,
                format!(
                    "The x-sign verifies locally over exactly the bytes sent ({source}, {key})"
                ),
                vec![
                    "So the timestamp or nonce, the URL and the body sent are the ones signed."
                        .into(),
                ],
                "",
            );
        }
        LocalCheck::VerifiesOverSigned => {
            f.push(
                CauseKind::LocalVerification,
                Severity::Pass,
                format!("The x-sign verifies over what was signed ({source}, {key}), not over what was sent"),
                vec!["The key and the signature are right; the bytes changed between signing and sending.".into()],
                "",
            );
        }
        LocalCheck::VerifiesOverVariant { label, .. } => {
            f.push(
                CauseKind::LocalVerification,
                Severity::Pass,
                format!("The x-sign verifies with {label} ({source}, {key})"),
                vec!["So that is what was signed, and the bytes sent differ from it.".into()],
                "",
            );
        }
        LocalCheck::BadEncoding(e) => {
            f.push(
                CauseKind::XSignEncoding,
                Severity::Cause,
                "The x-sign is not in the form the API wants",
                vec![e.to_string()],
                "Encode the RSA signature as base64url without padding (RFC 4648 §5, Go's RawURLEncoding), and copy it whole.",
            );
        }
        LocalCheck::Fails => {
            f.push(
                CauseKind::WrongKey,
                Severity::Cause,
                format!("The x-sign does not verify with {source} ({key})"),
                vec![
                    "Not over the bytes sent, nor over what was signed, nor over the usual variants (compact or pretty JSON, a trailing newline, http/https, a trailing slash, the port, /api/v1/p, query encoding).".into(),
                    "So another private key made it, or it covers another timestamp, nonce, URL or body.".into(),
                ],
                "Check that the private key is the one whose public key is registered, that the x-sign was copied whole, and that the timestamp or nonce sent is the one signed. If you have the URL or body that was signed, give them (--url, --body-file) to compare byte for byte.",
            );
        }
    }
}

fn url_findings(signed: &str, sent: &str, f: &mut Findings) {
    let diffs = compare(signed, sent);
    if diffs.is_empty() {
        return;
    }
    let title = match diffs.as_slice() {
        [UrlDifference::Scheme { signed, sent }] => {
            format!("The URL was signed with {signed}:// but sent with {sent}://")
        }
        [UrlDifference::Host { .. }] => {
            "The URL sent goes to another host than the one signed".into()
        }
        [UrlDifference::Port { .. }] => "The URL sent and the URL signed differ in the port".into(),
        [UrlDifference::TrailingSlash { sent_has: true }] => {
            "The URL sent has a trailing slash the signed one lacks".into()
        }
        [UrlDifference::TrailingSlash { sent_has: false }] => {
            "The URL signed has a trailing slash the sent one lacks".into()
        }
        [
            UrlDifference::ApiPrefix {
                missing_on_sent: true,
            },
        ] => format!("The URL sent lacks {API_PREFIX}, which was signed"),
        [
            UrlDifference::ApiPrefix {
                missing_on_sent: false,
            },
        ] => format!("The URL signed lacks {API_PREFIX}"),
        [UrlDifference::QueryEncoding { .. }] => {
            "The query string was encoded differently when sent".into()
        }
        [UrlDifference::PathEncoding { .. }] => {
            "The path was percent-encoded differently when sent".into()
        }
        _ => "The URL sent is not the URL signed".into(),
    };
    let mut detail: Vec<String> = vec![format!("signed: {signed}"), format!("sent:   {sent}")];
    detail.extend(diffs.iter().map(|d| format!("- {}", d.describe())));
    let fix = if diffs.iter().any(|d| {
        matches!(
            d,
            UrlDifference::QueryEncoding { .. }
                | UrlDifference::PathEncoding { .. }
                | UrlDifference::Port { .. }
                | UrlDifference::Fragment { .. }
                | UrlDifference::UserInfo
        )
    }) {
        "Sign the URL exactly as the HTTP library puts it on the wire (xsign does this and shows both forms), or type it already in that form."
    } else {
        "Sign the exact URL you send: same scheme, host, port, path (with /api/v1/p) and query, byte for byte."
    };
    let cause = f.push(CauseKind::Url, Severity::Cause, title, detail, fix);
    cause.diff = ByteDiff::new(Part::Url, signed.as_bytes(), sent.as_bytes());
}

fn url_shape(sent: &str, f: &mut Findings) {
    if let Some(u) = RawUrl::split(sent)
        && !u.path.starts_with(API_PREFIX)
        && !f.any(&[CauseKind::Url])
    {
        f.push(
            CauseKind::Url,
            Severity::Warning,
            format!("The URL does not start with {API_PREFIX}"),
            vec![format!("Partner API paths live under {API_PREFIX}, e.g. https://api.qredo.network{API_PREFIX}/company.")],
            format!("Add {API_PREFIX} to the path (or to the profile's base URL)."),
        );
    }
}

fn body_findings(signed: &[u8], sent: &[u8], local: &LocalCheck, f: &mut Findings) {
    let Some(diff) = ByteDiff::new(Part::Body, signed, sent) else {
        if sent.contains(&b'\t') && !matches!(local, LocalCheck::VerifiesOverSent) {
            f.push(
                CauseKind::BodyTabIndented,
                Severity::Warning,
                "The body holds tabs",
                vec!["Signed and sent alike this works, but the guide reports tab-indented JSON failing in practice: editors and tools re-indent it on the way.".into()],
                "Send compact JSON (`xsign` can compact it), signed and sent byte for byte.",
            );
        }
        return;
    };
    let change = classify(signed, sent);
    let (kind, title, detail, fix): (CauseKind, String, Vec<String>, &str) = match change {
        BodyChange::TabIndented { sent_has_tabs } => (
            CauseKind::BodyTabIndented,
            if sent_has_tabs {
                "The body sent is the same JSON re-indented with tabs".into()
            } else {
                "The body was signed indented with tabs but sent without them".into()
            },
            vec!["Same JSON value, other bytes: the signature covers bytes, not values. The guide warns that tab-indented JSON fails.".into()],
            "Send the body byte for byte as signed. Best: sign and send compact JSON, and keep editors and tools from re-indenting it.",
        ),
        BodyChange::KeysReordered { path } => (
            CauseKind::BodyKeysReordered,
            "The body sent is the same JSON with its keys in another order".into(),
            vec![format!("The keys of {path} come in another order; a JSON library re-serialized the body.")],
            "Sign the body after the last re-serialization, or send the signed bytes as they are (no parsing and re-encoding in between).",
        ),
        BodyChange::Reformatted { sent_compact, signed_compact } => (
            CauseKind::BodyReformatted,
            match (signed_compact, sent_compact) {
                (true, false) => "The body was signed compact but sent pretty-printed".into(),
                (false, true) => "The body was signed pretty-printed but sent compact".into(),
                _ => "The body sent is the same JSON with other whitespace".into(),
            },
            vec!["Same JSON value, other bytes: the signature covers bytes, not values.".into()],
            "Send exactly the bytes that were signed; compact or pretty both work if they match.",
        ),
        BodyChange::TrailingNewline { added } => (
            CauseKind::BodyBytes,
            if added {
                "A trailing newline was added to the body after signing".into()
            } else {
                "The body was signed with a trailing newline that was not sent".into()
            },
            vec!["Editors add a final newline on save; `curl -d @file` strips newlines, `--data-binary @file` keeps them.".into()],
            "Send the body file byte for byte (curl --data-binary @FILE), or sign it without the newline.",
        ),
        BodyChange::Bom { added } => (
            CauseKind::BodyBytes,
            format!("A byte order mark (BOM) was {} the body", if added { "added to" } else { "dropped from" }),
            vec!["Some Windows editors save UTF-8 with a BOM (EF BB BF) at the start.".into()],
            "Save the body as UTF-8 without BOM, and sign and send the same file.",
        ),
        BodyChange::LineEndings { crlf_sent } => (
            CauseKind::BodyBytes,
            if crlf_sent {
                "The body was sent with CRLF line endings but signed with LF".into()
            } else {
                "The body was signed with CRLF line endings but sent with LF".into()
            },
            vec!["A Windows editor or git's autocrlf changed the line endings.".into()],
            "Sign and send the same bytes; compact JSON on one line avoids the problem.",
        ),
        BodyChange::Missing { sent_empty } => (
            CauseKind::BodyBytes,
            if sent_empty {
                "A body was signed but none was sent".into()
            } else {
                "A body was sent but none was signed".into()
            },
            vec![],
            "Sign the body you send (for GET, sign and send none).",
        ),
        BodyChange::Content => (
            CauseKind::BodyBytes,
            "The body sent is not the body signed".into(),
            vec![],
            "Send exactly the bytes that were signed, or sign again what you send.",
        ),
    };
    let cause = f.push(kind, Severity::Cause, title, detail, fix);
    cause.diff = Some(diff);
}

fn timestamp_findings(ev: &Evidence, t: i64, f: &mut Findings) -> ClockReading {
    let r = ClockReading::new(t, ev.skew_window, ev.server_date, ev.sent_at, ev.now);
    let window = format!("±{} s", r.window);
    let dir = |secs: i64| if secs >= 0 { "behind" } else { "ahead of" };
    if let (Some(age), Some(date)) = (r.age_at_server, r.server_date) {
        let mut detail = vec![format!(
            "x-timestamp {t} is {} {} the server's clock (Date: {}); the window is {window}{}.",
            duration_text(age),
            dir(age),
            format_http_date(date),
            if r.window == super::DEFAULT_SKEW_WINDOW {
                " (the mock's default; the real API does not publish its window)"
            } else {
                ""
            }
        )];
        let local_off = r.local_behind_server.filter(|o| o.abs() > 2);
        if let Some(off) = local_off {
            detail.push(format!(
                "This machine's clock is {} {} the server's.",
                duration_text(off),
                if off > 0 { "behind" } else { "ahead of" }
            ));
        }
        let late = r.signed_before_send.filter(|s| s.abs() > 2);
        if let Some(s) = late {
            detail.push(format!(
                "The request was signed {} {} it was sent.",
                duration_text(s),
                if s > 0 { "before" } else { "after" }
            ));
        }
        if r.stale_at_server() {
            let fix = match (local_off, late) {
                (Some(_), _) => {
                    "Sync this machine's clock (e.g. `sudo timedatectl set-ntp true`), then sign and send again."
                }
                (None, Some(_)) => {
                    "Sign just before sending: a replayed or copied request carries its old timestamp. `xsign send` signs at send time."
                }
                _ => {
                    "Sign and send within the window: use a fresh timestamp, and check this machine's clock against the server's."
                }
            };
            f.push(
                CauseKind::StaleTimestamp,
                Severity::Cause,
                format!(
                    "The timestamp is {} {} the server's clock",
                    duration_text(age),
                    if age >= 0 { "older than" } else { "ahead of" }
                ),
                detail,
                fix,
            );
            if let Some(off) = local_off
                && off.abs() > r.window / 2
            {
                f.push(
                    CauseKind::ClockSkew,
                    Severity::Cause,
                    format!("This machine's clock is {} {} the server's", duration_text(off), if off > 0 { "behind" } else { "ahead of" }),
                    vec!["Every fresh timestamp from this machine will be off by as much.".into()],
                    "Sync the clock with NTP (`sudo timedatectl set-ntp true`, or the OS's time settings).",
                );
            }
        } else if age.abs() > r.window / 2 {
            f.push(
                CauseKind::StaleTimestamp,
                Severity::Warning,
                format!(
                    "The timestamp is {} from the server's clock, near the edge of the window",
                    duration_text(age)
                ),
                detail,
                "Sign just before sending, and keep this machine's clock in sync.",
            );
        } else {
            let title = if age == 0 {
                "The timestamp matches the server's clock".to_string()
            } else {
                format!(
                    "The timestamp is within {} of the server's clock",
                    duration_text(age)
                )
            };
            f.push(CauseKind::StaleTimestamp, Severity::Pass, title, vec![], "");
        }
    } else if let Some(age) = r.age_now.filter(|a| a.abs() > r.window) {
        let reason_says = ev.server_reason.as_deref() == Some("timestamp");
        f.push(
            CauseKind::StaleTimestamp,
            if reason_says { Severity::Cause } else { Severity::Warning },
            format!("The timestamp is {} {} this machine's clock now", duration_text(age), if age >= 0 { "older than" } else { "ahead of" }),
            vec![
                format!("x-timestamp {t}; the server accepts about {window}."),
                "Without the server's Date header (--server-date) the doctor cannot tell stale from a skewed clock.".into(),
            ],
            "Sign again just before sending; if a fresh timestamp also fails, compare this machine's clock with the server's Date header.",
        );
    }
    r
}

fn nonce_findings(ev: &Evidence, n: u64, f: &mut Findings) {
    let Some(last) = ev.last_nonce else {
        return;
    };
    if n <= last {
        f.push(
            CauseKind::NonceNotIncreasing,
            Severity::Cause,
            format!("x-nonce {n} is not above the last nonce used, {last}"),
            vec!["Each nonce must be strictly greater than every earlier one for this API key, across every tool that uses the key.".into()],
            "Use a nonce above the last one (`xsign send --nonce` takes the next one from its store), or switch to timestamps.",
        );
    } else {
        f.push(
            CauseKind::NonceNotIncreasing,
            Severity::Pass,
            format!("x-nonce {n} is above the last nonce known here ({last})"),
            vec![],
            "",
        );
    }
}

/// The server's own reason, when no finding explains it yet.
fn server_reason(ev: &Evidence, local: &LocalCheck, f: &mut Findings) {
    let Some(reason) = ev.server_reason.as_deref() else {
        return;
    };
    let sig_kinds = [
        CauseKind::WrongKey,
        CauseKind::KeyNotRegistered,
        CauseKind::XSignEncoding,
        CauseKind::Url,
        CauseKind::BodyBytes,
        CauseKind::BodyReformatted,
        CauseKind::BodyTabIndented,
        CauseKind::BodyKeysReordered,
        CauseKind::ValueMismatch,
    ];
    match reason {
        "signature" if !f.any(&sig_kinds) => {
            if matches!(local, LocalCheck::VerifiesOverSent) {
                let registered_matches = f
                    .0
                    .iter()
                    .any(|c| c.kind == CauseKind::KeyNotRegistered && c.severity == Severity::Pass);
                let (title, fix) = if registered_matches {
                    (
                        "The server refused a signature that verifies with the registered key",
                        "Check the environment: an API key and its registered key belong to one of production, sandbox or play; send to that one.",
                    )
                } else {
                    (
                        "The server holds another public key for this API key",
                        "Upload this key's public key (public.pem) for the API key in the web app, or sign with the private key whose public key is registered there. Pass --registered-fingerprint to the doctor to compare.",
                    )
                };
                let mut detail = vec!["The x-sign is right for these exact bytes with this key, so the bytes are not the problem; the server checks against a different public key.".to_string()];
                if let Some(k) = &ev.public_key {
                    detail.push(format!(
                        "This key's fingerprint: {} (compare it with the one the web app shows)",
                        k.info().fingerprint
                    ));
                }
                f.push(
                    CauseKind::KeyNotRegistered,
                    Severity::Cause,
                    title,
                    detail,
                    fix,
                );
            } else {
                f.push(
                    CauseKind::WrongKey,
                    Severity::Cause,
                    "The server refused the signature",
                    vec!["The doctor could not check it locally.".into()],
                    "Give the doctor the key (--key private.pem or --pubkey public.pem), the x-sign and the timestamp or nonce to find out why.",
                );
            }
        }
        "timestamp"
            if !f.any(&[
                CauseKind::StaleTimestamp,
                CauseKind::ClockSkew,
                CauseKind::Headers,
            ]) =>
        {
            f.push(
                CauseKind::StaleTimestamp,
                Severity::Cause,
                "The server refused the timestamp: it is outside its window",
                vec!["The server's window is not published; the mock's default is ±30 s.".into()],
                "Sign just before sending, and sync this machine's clock (NTP). Give the doctor --server-date to measure the skew.",
            );
        }
        "nonce" if !f.any(&[CauseKind::NonceNotIncreasing, CauseKind::Headers]) => {
            f.push(
                CauseKind::NonceNotIncreasing,
                Severity::Cause,
                "The server has already seen this nonce or a higher one for this API key",
                vec!["Another tool, machine or an earlier replay used a higher nonce with the same API key.".into()],
                "Use a nonce above any used before with this key (`xsign send --nonce` takes one above its last and above the clock in milliseconds), or switch to timestamps.",
            );
        }
        "apikey" if !f.any(&[CauseKind::ApiKeyWhitespace, CauseKind::Headers]) => {
            f.push(
                CauseKind::ApiKeyUnknown,
                Severity::Cause,
                "The server does not know this API key",
                vec!["API keys belong to one environment: production, sandbox or play.".into()],
                "Copy the API key again from the web app of the environment you send to.",
            );
        }
        "headers" if !f.any(&[CauseKind::Headers, CauseKind::ApiKeyWhitespace]) => {
            f.push(
                CauseKind::Headers,
                Severity::Cause,
                "The server found the auth headers missing or malformed",
                vec![],
                "Send x-api-key, x-sign and exactly one of x-timestamp or x-nonce.",
            );
        }
        _ => {}
    }
}

fn verdict(ev: &Evidence, findings: &[Cause], local: &LocalCheck) -> Verdict {
    let causes: Vec<&Cause> = findings
        .iter()
        .filter(|c| c.severity == Severity::Cause)
        .collect();
    if let Some(first) = causes.first() {
        let more = match causes.len() {
            1 => String::new(),
            n => format!(" (and {} more)", n - 1),
        };
        return Verdict {
            kind: VerdictKind::Found,
            summary: format!("{}{more}", first.title),
        };
    }
    if let Some(w) = findings.iter().find(|c| c.severity == Severity::Warning) {
        return Verdict {
            kind: VerdictKind::Suspected,
            summary: format!("No certain cause; likely: {}", w.title),
        };
    }
    match local {
        LocalCheck::NotPossible { missing } => Verdict {
            kind: VerdictKind::Unknown,
            summary: format!("Not enough to go on; give {}", missing.join(", ")),
        },
        _ if ev.server_reason.is_some() => Verdict {
            kind: VerdictKind::Unknown,
            summary: "Every check passed here, yet the server refused it".into(),
        },
        _ => Verdict {
            kind: VerdictKind::Clean,
            summary: "No fault found: the signature verifies over exactly what was sent".into(),
        },
    }
}
