//! The server's judgement of a signed request, step by step, as the reference describes:
//! the headers, the API key, the timestamp or nonce, then `x-sign` over value + URL + body.
//!
//! `Judge` holds no sockets: the mock's middleware feeds it, and so can a benchmark or the
//! doctor when it wants to replay the server's decision offline.

use super::ids::owner_tag;
use super::replay::Replays;
use crate::signing::{AuthValue, Payload, PublicKey, verify_x_sign};
use axum::http::HeaderMap;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::{Arc, Mutex, RwLock};

/// The `detail.reason` of a 1020 answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reason {
    Signature,
    Timestamp,
    Nonce,
    ApiKey,
    Headers,
    /// The same x-sign accepted before, its timestamp still in the window.
    Replay,
}

impl Reason {
    pub fn as_str(&self) -> &'static str {
        match self {
            Reason::Signature => "signature",
            Reason::Timestamp => "timestamp",
            Reason::Nonce => "nonce",
            Reason::ApiKey => "apikey",
            Reason::Headers => "headers",
            Reason::Replay => "replay",
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which check failed and, for people, why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthFailure {
    pub reason: Reason,
    pub detail: String,
}

impl AuthFailure {
    fn new(reason: Reason, detail: impl Into<String>) -> Self {
        AuthFailure {
            reason,
            detail: detail.into(),
        }
    }
}

/// What the judge looks at: the method (for logs only: it is not signed), the URL rebuilt
/// from the request (`Err(why)` when it cannot be, e.g. no `Host`), the headers and the raw
/// body.
#[derive(Debug, Clone, Copy)]
pub struct SignedParts<'a> {
    pub method: &'a str,
    pub url: Result<&'a str, &'a str>,
    pub headers: &'a HeaderMap,
    pub body: &'a [u8],
}

/// The outcome for one request, with everything needed to explain it.
#[derive(Debug, Clone)]
pub struct Verdict {
    pub method: String,
    /// The URL as rebuilt from the request (what the signature must cover).
    pub url: Option<String>,
    pub api_key: Option<String>,
    /// `owner_tag` of the API key once it is found registered: whose records these are.
    pub owner: Option<String>,
    pub value: Option<AuthValue>,
    /// The exact bytes checked (value + URL + body), once the headers allowed building them.
    pub payload: Option<Payload>,
    pub x_sign: Option<String>,
    /// Server clock (Unix seconds) at the time of judging.
    pub server_time: i64,
    /// Fingerprints of the keys registered for the API key.
    pub fingerprints: Vec<String>,
    /// The fingerprint of the key that verified, on success.
    pub matched_key: Option<String>,
    pub failure: Option<AuthFailure>,
}

impl Verdict {
    pub fn is_ok(&self) -> bool {
        self.failure.is_none()
    }

    pub fn reason(&self) -> Option<Reason> {
        self.failure.as_ref().map(|f| f.reason)
    }

    fn fail(mut self, reason: Reason, detail: impl Into<String>) -> Self {
        self.failure = Some(AuthFailure::new(reason, detail));
        self
    }
}

/// The keys of one API key, and its owner tag, computed once at registration.
#[derive(Debug, Clone)]
struct Registered {
    owner: String,
    keys: Arc<Vec<PublicKey>>,
}

/// The registered keys and the nonces seen, shared by every request.
#[derive(Debug)]
pub struct Judge {
    skew_secs: i64,
    keys: RwLock<HashMap<String, Registered>>,
    /// Last nonce per API key, keyed by `owner_tag(api_key)` so it can be saved without the key.
    nonces: Mutex<HashMap<String, u64>>,
    /// Timestamped x-signs accepted and still in the window, when replays are refused.
    replays: Option<Replays>,
}

impl Judge {
    pub fn new(skew_secs: i64) -> Self {
        Judge {
            skew_secs,
            keys: RwLock::new(HashMap::new()),
            nonces: Mutex::new(HashMap::new()),
            replays: None,
        }
    }

    /// Refuses an exact replay of a timestamped request (see `super::replay`).
    #[must_use]
    pub fn refusing_replays(mut self) -> Self {
        self.replays = Some(Replays::new(super::replay::MAX_REMEMBERED));
        self
    }

    /// The x-signs remembered to refuse replays.
    pub fn remembered_signatures(&self) -> usize {
        self.replays.as_ref().map_or(0, Replays::len)
    }

    pub fn skew_secs(&self) -> i64 {
        self.skew_secs
    }

    /// Accepts signatures by `key` for `api_key` (several keys per API key are allowed, as
    /// during a key rotation). Takes effect for the next request.
    pub fn register(&self, api_key: &str, key: PublicKey) {
        let mut keys = self.keys.write().unwrap_or_else(|e| e.into_inner());
        let entry = keys
            .entry(api_key.to_string())
            .or_insert_with(|| Registered {
                owner: owner_tag(api_key),
                keys: Arc::default(),
            });
        if entry
            .keys
            .iter()
            .any(|k| k.info().fingerprint == key.info().fingerprint)
        {
            return;
        }
        let mut list = entry.keys.as_ref().clone();
        list.push(key);
        entry.keys = Arc::new(list);
    }

    /// Fingerprints (`sha256:` + hex of the SubjectPublicKeyInfo) registered for `api_key`.
    pub fn fingerprints(&self, api_key: &str) -> Vec<String> {
        let keys = self.keys.read().unwrap_or_else(|e| e.into_inner());
        keys.get(api_key)
            .map(|r| {
                r.keys
                    .iter()
                    .map(|k| k.info().fingerprint.clone())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The API keys registered, in no particular order.
    pub fn api_keys(&self) -> Vec<String> {
        let keys = self.keys.read().unwrap_or_else(|e| e.into_inner());
        keys.keys().cloned().collect()
    }

    /// The last nonce accepted for `api_key`.
    pub fn last_nonce(&self, api_key: &str) -> Option<u64> {
        let nonces = self.nonces.lock().unwrap_or_else(|e| e.into_inner());
        nonces.get(&owner_tag(api_key)).copied()
    }

    pub(crate) fn nonces_snapshot(&self) -> BTreeMap<String, u64> {
        let nonces = self.nonces.lock().unwrap_or_else(|e| e.into_inner());
        nonces.iter().map(|(k, v)| (k.clone(), *v)).collect()
    }

    pub(crate) fn restore_nonces(&self, saved: BTreeMap<String, u64>) {
        let mut nonces = self.nonces.lock().unwrap_or_else(|e| e.into_inner());
        nonces.extend(saved);
    }

    /// Judges one request at server time `now` (Unix seconds). An accepted nonce is
    /// recorded, so the same request judged twice is refused the second time.
    pub fn judge(&self, parts: &SignedParts<'_>, now: i64) -> Verdict {
        let mut v = Verdict {
            method: parts.method.to_string(),
            url: parts.url.ok().map(str::to_string),
            api_key: None,
            owner: None,
            value: None,
            payload: None,
            x_sign: None,
            server_time: now,
            fingerprints: Vec::new(),
            matched_key: None,
            failure: None,
        };

        // 1. The headers: each at most once, readable, and exactly one of timestamp/nonce.
        let api_key = match single(parts.headers, "x-api-key") {
            Ok(Some(k)) => k,
            Ok(None) => return v.fail(Reason::Headers, "no x-api-key header"),
            Err(e) => return v.fail(Reason::Headers, e),
        };
        v.api_key = Some(api_key.to_string());
        let x_sign = match single(parts.headers, "x-sign") {
            Ok(Some(s)) => s,
            Ok(None) => return v.fail(Reason::Headers, "no x-sign header"),
            Err(e) => return v.fail(Reason::Headers, e),
        };
        v.x_sign = Some(x_sign.to_string());
        let timestamp = single(parts.headers, "x-timestamp");
        let nonce = single(parts.headers, "x-nonce");
        let (name, raw) = match (timestamp, nonce) {
            (Err(e), _) | (_, Err(e)) => return v.fail(Reason::Headers, e),
            (Ok(Some(_)), Ok(Some(_))) => {
                return v.fail(
                    Reason::Headers,
                    "both x-timestamp and x-nonce are present: send exactly one",
                );
            }
            (Ok(None), Ok(None)) => {
                return v.fail(
                    Reason::Headers,
                    "neither x-timestamp nor x-nonce is present: send exactly one",
                );
            }
            (Ok(Some(t)), Ok(None)) => ("x-timestamp", t),
            (Ok(None), Ok(Some(n))) => ("x-nonce", n),
        };
        let url = match parts.url {
            Ok(url) => url,
            Err(why) => {
                return v.fail(
                    Reason::Headers,
                    format!("{why}, so the URL that was signed cannot be rebuilt"),
                );
            }
        };

        // 2. The API key.
        let Registered { owner, keys } = {
            let registry = self.keys.read().unwrap_or_else(|e| e.into_inner());
            match registry.get(api_key) {
                Some(registered) => registered.clone(),
                None => {
                    let hint = near_miss(api_key, registry.keys());
                    return v.fail(
                        Reason::ApiKey,
                        format!("x-api-key is not registered with this mock{hint}"),
                    );
                }
            }
        };
        v.fingerprints = keys.iter().map(|k| k.info().fingerprint.clone()).collect();
        v.owner = Some(owner.clone());

        // 3. The value, then the payload it starts.
        let value = match parse_value(name, raw) {
            Ok(value) => value,
            Err(failure) => return v.fail(failure.reason, failure.detail),
        };
        v.value = Some(value);
        v.payload = Some(Payload::new(value, url, parts.body));
        match value {
            AuthValue::Timestamp(t) => {
                let ahead = t.saturating_sub(now);
                if ahead.abs() > self.skew_secs {
                    return v.fail(Reason::Timestamp, stale_detail(t, now, self.skew_secs));
                }
            }
            AuthValue::Nonce(n) => {
                if let Some(last) = self.last_for(&owner)
                    && n <= last
                {
                    return v.fail(Reason::Nonce, nonce_detail(n, last));
                }
            }
        }

        // 4. The signature, against every key registered for this API key.
        let payload = v.payload.as_ref().expect("built above");
        let mut first_error = None;
        for key in keys.iter() {
            match verify_x_sign(key, payload, x_sign) {
                Ok(()) => {
                    v.matched_key = Some(key.info().fingerprint.clone());
                    break;
                }
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
        if v.matched_key.is_none() {
            let why = first_error
                .map(|e| e.to_string())
                .unwrap_or_else(|| "no key is registered for this API key".into());
            let hash = payload.hash_hex();
            return v.fail(
                Reason::Signature,
                format!("{why} (the mock hashed the payload to {hash})"),
            );
        }

        // 5. Only a verified nonce is spent: a forged request must not burn the real client's.
        if let AuthValue::Nonce(n) = value {
            let mut nonces = self.nonces.lock().unwrap_or_else(|e| e.into_inner());
            let last = nonces.get(&owner).copied();
            if let Some(last) = last
                && n <= last
            {
                drop(nonces);
                v.matched_key = None;
                return v.fail(Reason::Nonce, nonce_detail(n, last));
            }
            nonces.insert(owner, n);
        }
        // Only a request that changes state is refused: RSA PKCS#1 v1.5 is deterministic, so
        // two honest GETs of one URL in one second (a poll, a feed reconnecting, two tools
        // sharing a key) carry the same x-sign, and reading twice harms nothing. A POST
        // replayed makes a second company; that is what replay protection is for.
        if let (AuthValue::Timestamp(t), Some(replays)) = (value, &self.replays)
            && changes_state(&v.method)
            && let Err(first) = replays.accept(x_sign, t, self.skew_secs, now)
        {
            v.matched_key = None;
            return v.fail(
                Reason::Replay,
                format!(
                    "this exact request (the same x-sign, x-timestamp {first}) was already accepted, \
                     and its timestamp is still in the ±{} s window: the mock refuses an exact \
                     replay, as a server with replay protection would (the real API does not \
                     publish its policy). Sign again, with a new timestamp; start the mock with \
                     --allow-replays to accept replays",
                    self.skew_secs
                ),
            );
        }
        v
    }

    fn last_for(&self, owner: &str) -> Option<u64> {
        let nonces = self.nonces.lock().unwrap_or_else(|e| e.into_inner());
        nonces.get(owner).copied()
    }
}

/// The one value of a header: `Ok(None)` when absent, `Err` when repeated or not text.
fn single<'h>(headers: &'h HeaderMap, name: &str) -> Result<Option<&'h str>, String> {
    let mut values = headers.get_all(name).iter();
    let Some(first) = values.next() else {
        return Ok(None);
    };
    if values.next().is_some() {
        return Err(format!("{name} is sent more than once: send it once"));
    }
    first
        .to_str()
        .map(Some)
        .map_err(|_| format!("{name} holds bytes that are not visible ASCII"))
}

/// Parses the value strictly: the payload is built from the number, so a header that is not
/// its plain decimal form (leading zeros, a sign, spaces) could not match what was signed.
fn parse_value(name: &str, raw: &str) -> Result<AuthValue, AuthFailure> {
    if name == "x-timestamp" {
        match raw.parse::<i64>() {
            Ok(t) if t.to_string() == raw => Ok(AuthValue::Timestamp(t)),
            _ => Err(AuthFailure::new(
                Reason::Timestamp,
                format!(
                    "x-timestamp {raw:?} is not a plain decimal number of Unix seconds (like 1700000000)"
                ),
            )),
        }
    } else {
        match raw.parse::<u64>() {
            Ok(n) if n.to_string() == raw => Ok(AuthValue::Nonce(n)),
            _ => Err(AuthFailure::new(
                Reason::Nonce,
                format!("x-nonce {raw:?} is not a plain non-negative decimal integer"),
            )),
        }
    }
}

fn stale_detail(t: i64, now: i64, skew: i64) -> String {
    let diff = t.saturating_sub(now);
    let side = if diff < 0 { "behind" } else { "ahead of" };
    let mut s = format!(
        "x-timestamp {t} is {} s {side} the server clock ({now}); the mock accepts ±{skew} s",
        diff.unsigned_abs()
    );
    if t > 100_000_000_000 {
        s.push_str(". It looks like milliseconds: send seconds");
    } else {
        s.push_str(". Sign just before sending, and check the clock");
    }
    s
}

fn nonce_detail(n: u64, last: u64) -> String {
    format!(
        "x-nonce {n} is not above the last one accepted for this API key ({last}): every request needs a larger nonce"
    )
}

/// A registered key that differs only by whitespace or case: worth saying so.
fn near_miss<'a>(api_key: &str, registered: impl Iterator<Item = &'a String>) -> String {
    for known in registered {
        if known.trim() == api_key.trim() {
            return ". A registered key differs from it only by surrounding whitespace".into();
        }
        if known.eq_ignore_ascii_case(api_key) {
            return ". A registered key differs from it only by letter case".into();
        }
    }
    String::new()
}

/// POST, PUT, PATCH, DELETE: what an exact replay would do twice.
fn changes_state(method: &str) -> bool {
    !matches!(
        method.to_ascii_uppercase().as_str(),
        "GET" | "HEAD" | "OPTIONS"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_must_be_plain_decimals() {
        assert_eq!(
            parse_value("x-timestamp", "1700000000").unwrap(),
            AuthValue::Timestamp(1700000000)
        );
        for bad in ["01700000000", "+1700000000", "17e8", "", "1 "] {
            assert_eq!(
                parse_value("x-timestamp", bad).unwrap_err().reason,
                Reason::Timestamp,
                "{bad:?}"
            );
        }
        assert_eq!(
            parse_value("x-nonce", "-1").unwrap_err().reason,
            Reason::Nonce
        );
    }

    #[test]
    fn stale_timestamp_names_milliseconds() {
        assert!(stale_detail(1_700_000_000_000, 1_700_000_000, 30).contains("milliseconds"));
        assert!(stale_detail(1_699_999_000, 1_700_000_000, 30).contains("1000 s behind"));
    }
}
