//! `{{name}}` in the request being edited: rendered with the built-ins (`{{uuid}}`,
//! `{{now}}`, `{{random_int}}`, `{{env.NAME}}`) through the saved requests' renderer, once
//! per edit, so the signature pane shows the payload of the rendered request and a send
//! without further edits sends those very bytes.

use crate::scenario::{SystemBuiltins, Vars};
use crate::store::Request;
use crate::store::collection::RequestRenderError;
use std::collections::BTreeMap;
use std::sync::Arc;

/// The request as it is signed and sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// The URL as typed, rendered (still relative to the profile's base when typed so).
    pub url: String,
    pub body: Arc<[u8]>,
    /// The first `{{…}}` of the template, for "rendered from …"; `None` when there was none.
    pub template: Option<String>,
}

/// The first `{{…}}` in `text`, at most 40 bytes of it.
fn first_template(text: &[u8]) -> Option<String> {
    let i = memchr::memmem::find(text, b"{{")?;
    let rest = &text[i..text.len().min(i + 40)];
    let end = memchr::memmem::find(rest, b"}}").map_or(rest.len(), |e| e + 2);
    Some(String::from_utf8_lossy(&rest[..end]).into_owned())
}

/// Renders the URL and body being edited with the profile's variables `vars`; a request
/// with no `{{` comes back as it is, without a copy of its body.
pub fn render(
    url: &str,
    body: Arc<[u8]>,
    vars: &BTreeMap<String, String>,
) -> Result<Rendered, RequestRenderError> {
    let template = first_template(url.as_bytes()).or_else(|| first_template(&body));
    if template.is_none() {
        return Ok(Rendered {
            url: url.to_string(),
            body,
            template,
        });
    }
    let req = Request::new("", "", url).with_body(body.to_vec());
    let out = req.rendered(&Vars::new(vec![vars]), &mut SystemBuiltins, "workbench")?;
    Ok(Rendered {
        url: out.url,
        body: out.body.into(),
        template,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_builtins_and_names_the_template() {
        let none = BTreeMap::new();
        let body: Arc<[u8]> = Arc::from(&b"{\"ref\":\"{{uuid}}\"}"[..]);
        let r = render("/company", body, &none).unwrap();
        assert_eq!(r.template.as_deref(), Some("{{uuid}}"));
        let v: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
        assert_eq!(v["ref"].as_str().unwrap().len(), 36);
        let plain: Arc<[u8]> = Arc::from(&b"{}"[..]);
        let r = render("/assets", plain.clone(), &none).unwrap();
        assert!(Arc::ptr_eq(&r.body, &plain) && r.template.is_none());
        let e = render("/company/{{company_id}}", Arc::from(&b""[..]), &none).unwrap_err();
        assert_eq!(e.missing(), Some("company_id"));
        // The profile's variables render too (`xsign profile set-var`).
        let vars = BTreeMap::from([("company_id".to_string(), "c-1".to_string())]);
        let r = render("/company/{{company_id}}", Arc::from(&b""[..]), &vars).unwrap();
        assert_eq!(r.url, "/company/c-1");
    }
}
