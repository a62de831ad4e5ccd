//! The Partner API's error body, and the one test for a 1020 errPartnerAuth that `send`,
//! `replay`, the doctor and the workbench all use.

/// A Partner API error body: `{"code":1020,"msg":"errPartnerAuth","detail":{"reason":"signature"}}`.
/// `code` may be a number or a string (the OpenAPI schema says string).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub code: String,
    pub msg: String,
    pub reason: Option<String>,
}

impl ApiError {
    /// The error a response carries: `None` for a 2xx or a body that is not an API error.
    pub fn parse(status: u16, body: &[u8]) -> Option<ApiError> {
        if (200..300).contains(&status) {
            return None;
        }
        let v: serde_json::Value = serde_json::from_slice(body).ok()?;
        let code = match v.get("code")? {
            serde_json::Value::Number(n) => n.to_string(),
            serde_json::Value::String(s) => s.clone(),
            _ => return None,
        };
        let msg = v.get("msg").and_then(|m| m.as_str()).unwrap_or_default();
        let reason = v
            .pointer("/detail/reason")
            .and_then(|r| r.as_str())
            .map(str::to_string);
        Some(ApiError {
            code,
            msg: msg.to_string(),
            reason,
        })
    }

    /// A 1020 errPartnerAuth, in either of the shapes the API documents.
    pub fn partner_auth(status: u16, body: &[u8]) -> Option<ApiError> {
        Self::parse(status, body).filter(ApiError::is_partner_auth)
    }

    /// 1020 errPartnerAuth: the request's authentication was refused.
    pub fn is_partner_auth(&self) -> bool {
        self.code == "1020" || self.msg == "errPartnerAuth"
    }
}
