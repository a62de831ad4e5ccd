//! The Qredo API v2 token's part of the doctor: a v2 call (anything but the token request)
//! is refused for its `x-token`, not a signature. Named from the token's own claims (the
//! sender passes them; history keeps the token masked) and the URL: none sent, expired,
//! issued for another workspace, or refused though valid by its claims (forged, or from
//! another server); and a token sent to the v1 or Partner API.

use super::qredo_doctor::{QredoEvidence, cause, path_of};
use super::{API_PREFIX, Cause, CauseKind};
use crate::signing::{Scheme, TOKEN_HEADER, is_v2_token_path, path_is_under};

const FETCH: &str =
    "Send again: xsign fetches a new token by itself (or `xsign token clear --profile P` first).";

/// True for a qredo-v2 call that carries, or should carry, a token.
pub(super) fn is_token_call(ev: &QredoEvidence) -> bool {
    ev.scheme == Some(Scheme::QredoV2) && !is_v2_token_path(&path_of(&ev.url))
}

/// The workspace of a `…/workspaces/{id}/…` URL path.
fn workspace_of(path: &str) -> Option<&str> {
    let (_, rest) = path.split_once("/workspaces/")?;
    rest.split('/').next().filter(|s| !s.is_empty())
}

/// A v2 token sent to the v1 or the Partner API.
pub(super) fn mixed(ev: &QredoEvidence, path: &str) -> Option<Cause> {
    ev.header(TOKEN_HEADER)?;
    let (api, prefix, takes) = if path_is_under(path, API_PREFIX) {
        (
            "a Partner API URL",
            API_PREFIX,
            "x-api-key, x-timestamp and x-sign (partner-rsa)",
        )
    } else if path_is_under(path, Scheme::QredoV1.api_prefix()) {
        (
            "a Qredo API v1 URL",
            Scheme::QredoV1.api_prefix(),
            "qredo-api-key, qredo-api-ts and qredo-api-sig (qredo-v1), no token",
        )
    } else {
        return None;
    };
    Some(cause(
        CauseKind::SchemeMixed,
        format!("A qredo-v2 token (x-token) was sent to {api} ({prefix}) (scheme-mixed)"),
        vec![format!("That API checks {takes}.")],
        "Send v2 calls to the v2 API (…/api/v2, e.g. --profile qredo-v2-demo), or use a profile of that API's scheme.",
    ))
}

/// Why a v2 call's token was refused.
pub(super) fn findings(ev: &QredoEvidence) -> Vec<Cause> {
    let path = path_of(&ev.url);
    if ev.header(TOKEN_HEADER).is_none() {
        return vec![cause(
            CauseKind::Token,
            "No x-token was sent: a Qredo API v2 call carries the token from GET /workspaces/{id}/token".into(),
            vec!["Only the token request is signed with the HMAC (qredo-api-key, qredo-api-timestamp, qredo-api-signature).".into()],
            "Send it with a qredo-v2 profile that names its workspace (--workspace ID): xsign fetches the token and sends it as x-token.",
        )];
    }
    let Some(claims) = &ev.token else {
        return vec![cause(
            CauseKind::Token,
            "The x-token was refused; its claims are not known here, so which way is not".into(),
            vec![],
            FETCH,
        )];
    };
    let at = ev.server_date.or(ev.sent_at).or(ev.now).unwrap_or(0);
    if claims.exp <= at {
        return vec![cause(
            CauseKind::Token,
            format!(
                "The x-token expired at {} UTC, {} before the server read it (token-expired)",
                crate::time::hms_utc(claims.exp),
                crate::time::duration_text(at - claims.exp)
            ),
            vec!["xsign refreshes a cached token before its exp; a token kept elsewhere or copied by hand is not.".into()],
            FETCH,
        )];
    }
    if let (Some(want), Some(got)) = (workspace_of(&path), claims.workspace.as_deref())
        && want != got
    {
        return vec![cause(
            CauseKind::Token,
            format!(
                "The x-token was issued for workspace {got}, and this call is for workspace {want} (token-workspace)"
            ),
            vec![],
            "Use the profile's workspace in the URL, or pass --workspace with the URL's (a token is per workspace).",
        )];
    }
    vec![cause(
        CauseKind::Token,
        format!(
            "The server refused an x-token that is valid by its own claims until {} UTC: it was not issued by this server, or was altered (token-forged)",
            crate::time::hms_utc(claims.exp)
        ),
        vec!["A token from another environment (production against sandbox), from a mock since restarted with another secret, or edited, reads fine but does not verify.".into()],
        "xsign has forgotten it: send again to fetch a new one from this server.",
    )]
}
