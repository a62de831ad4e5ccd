//! A timestamp that never repeats an x-sign by accident: the same signed bytes from this
//! process in one second would be an exact replay, which a server with replay protection
//! (the mock, by default) refuses.

use super::ticket::{BuildError, Credentials, RequestSpec, Ticket, build_ticket};
use crate::signing::AuthValue;

/// [`build_ticket`] for a request signed now: a timestamp this process already gave the
/// same signed bytes (API key, URL and body) moves on to the next second. Two identical
/// requests in one second would otherwise carry the same x-sign, an exact replay, which a
/// server with replay protection refuses (the mock does by default). A nonce is left as is.
pub fn build_fresh_ticket(
    spec: &RequestSpec,
    creds: &Credentials,
    value: AuthValue,
) -> Result<Ticket, BuildError> {
    let value = match value {
        AuthValue::Timestamp(t) => AuthValue::Timestamp(fresh_timestamp(spec, creds, t)),
        nonce => nonce,
    };
    build_ticket(spec, creds, value)
}

fn fresh_timestamp(spec: &RequestSpec, creds: &Credentials, now: i64) -> i64 {
    use std::collections::HashMap;
    use std::hash::BuildHasher;
    use std::sync::{Mutex, OnceLock};
    static HASHER: OnceLock<std::collections::hash_map::RandomState> = OnceLock::new();
    static GIVEN: Mutex<Option<HashMap<u64, i64>>> = Mutex::new(None);
    // The method is not signed: a PUT and a DELETE of one URL in one second would carry
    // the same x-sign, so it is not part of what must differ.
    let key =
        HASHER
            .get_or_init(Default::default)
            .hash_one((&creds.api_key, &spec.url, &spec.body[..]));
    let mut given = GIVEN.lock().unwrap_or_else(|e| e.into_inner());
    let given = given.get_or_insert_with(HashMap::new);
    if given.len() > 4096 {
        // Only the last minute's matter: older timestamps are out of any server's window.
        given.retain(|_, t| *t >= now - 60);
    }
    let t = given.get(&key).map_or(now, |last| now.max(last + 1));
    given.insert(key, t);
    t
}
