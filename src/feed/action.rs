//! Core client actions as the reference client prints them: one readable line each.

use serde_json::Value;
use std::fmt;

/// An action awaiting approval, as pushed on `/coreclient/{client_id}/feed`:
/// `{"id","clientID","type","status","timestamp","expireTime"}` (epoch seconds).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Action {
    pub id: String,
    pub client_id: Option<String>,
    pub kind: Option<String>,
    pub status: Option<String>,
    pub timestamp: Option<i64>,
    pub expire_time: Option<i64>,
}

impl Action {
    /// None when the message is not an action (no `id`, or neither `type` nor `status`).
    pub fn from_json(v: &Value) -> Option<Action> {
        // Ids may come as numbers: take them as their decimal text.
        let text = |k: &str| match v.get(k)? {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        };
        // Accept numbers sent as strings too: the API is not consistent about it.
        let int = |k: &str| {
            v.get(k).and_then(|x| {
                x.as_i64()
                    .or_else(|| x.as_str().and_then(|s| s.parse().ok()))
            })
        };
        let id = text("id")?;
        let kind = text("type");
        let status = text("status");
        if kind.is_none() && status.is_none() {
            return None;
        }
        Some(Action {
            id,
            client_id: text("clientID"),
            kind,
            status,
            timestamp: int("timestamp"),
            expire_time: int("expireTime"),
        })
    }
}

impl Action {
    /// The request that decides an action: approve is `PUT`, reject is `DELETE`, on
    /// `/coreclient/{client_id}/action/{action_id}` (a path under the base URL). The
    /// workbench's feed tab and scenario steps both send this.
    pub fn decision(client_id: &str, action_id: &str, approve: bool) -> (&'static str, String) {
        (
            if approve { "PUT" } else { "DELETE" },
            format!("/coreclient/{client_id}/action/{action_id}"),
        )
    }
}

impl fmt::Display for Action {
    /// `action <id> type=<type> status=<status> expires <time>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "action {}", self.id)?;
        if let Some(k) = &self.kind {
            write!(f, " type={k}")?;
        }
        if let Some(s) = &self.status {
            write!(f, " status={s}")?;
        }
        if let Some(t) = self.expire_time {
            write!(f, " expires {}", format_epoch(t))?;
        }
        Ok(())
    }
}

/// Epoch seconds as RFC 3339 UTC, e.g. `2020-10-06T08:18:42Z`.
pub fn format_epoch(secs: i64) -> String {
    crate::time::rfc3339(secs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn epochs_format_as_utc() {
        assert_eq!(format_epoch(0), "1970-01-01T00:00:00Z");
        assert_eq!(format_epoch(1601973322), "2020-10-06T08:35:22Z");
        assert_eq!(format_epoch(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(format_epoch(-1), "1969-12-31T23:59:59Z");
    }

    #[test]
    fn an_action_prints_like_the_reference_client() {
        let v = json!({"id":"1i8O3CAQCpny0xvYMhMVPHzIcih","clientID":"C1","type":"ApproveTransfer",
                       "status":"pending","timestamp":1601972322,"expireTime":1601973322});
        let a = Action::from_json(&v).unwrap();
        assert_eq!(a.client_id.as_deref(), Some("C1"));
        assert_eq!(
            a.to_string(),
            "action 1i8O3CAQCpny0xvYMhMVPHzIcih type=ApproveTransfer status=pending expires 2020-10-06T08:35:22Z"
        );
    }

    #[test]
    fn partial_and_foreign_messages() {
        let a =
            Action::from_json(&json!({"id":"a","status":"approved","expireTime":"60"})).unwrap();
        assert_eq!(
            a.to_string(),
            "action a status=approved expires 1970-01-01T00:01:00Z"
        );
        assert!(Action::from_json(&json!({"txID":"t","status":"new"})).is_none());
        assert!(Action::from_json(&json!({"id":"a"})).is_none());
        assert!(Action::from_json(&json!([1, 2])).is_none());
        let a = Action::from_json(&json!({"id":42,"type":"ApproveWithdraw"})).unwrap();
        assert_eq!(a.id, "42", "a numeric id is an id");
        assert_eq!(a.client_id, None);
    }
}
