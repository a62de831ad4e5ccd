//! `{{name}}` in saved requests: the URL, header values and body rendered with the
//! scenario renderer (the one implementation) before they are signed, so the bytes signed,
//! sent and recorded are the rendered ones. Pure: the values and built-ins come in.

use super::Request;
use crate::scenario::{self, Builtins, RenderError, Vars};

/// A saved request that could not be rendered; the message names the request and the
/// variable, and says how to give it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RequestRenderError {
    #[error(
        "request `{request}`: no variable {name:?} for {{{{{name}}}}}: pass --var {name}=VALUE (or write the value in the request, or set it in the profile: xsign profile set-var PROFILE {name} VALUE)"
    )]
    Missing { request: String, name: String },
    #[error(
        "request `{request}`: no environment variable {name} for {{{{env.{name}}}}}: export it first"
    )]
    MissingEnv { request: String, name: String },
    #[error(
        "request `{request}`: the {part} has a {{{{ at byte {at} with no closing }}}} (write {{{{{{{{ for a literal {{{{)"
    )]
    Unclosed {
        request: String,
        part: &'static str,
        at: usize,
    },
    #[error(
        "request `{request}`: {{{{{name}}}}} in the {part} is not a variable name (letters, digits, _ . -)"
    )]
    BadName {
        request: String,
        part: &'static str,
        name: String,
    },
}

impl RequestRenderError {
    fn from_render(e: RenderError, part: &'static str) -> Self {
        match e {
            RenderError::Missing { step, name } => Self::Missing {
                request: step,
                name,
            },
            RenderError::MissingEnv { step, name } => Self::MissingEnv {
                request: step,
                name,
            },
            RenderError::Unclosed { step, at } => Self::Unclosed {
                request: step,
                part,
                at,
            },
            RenderError::BadName { step, name } => Self::BadName {
                request: step,
                part,
                name,
            },
        }
    }

    /// The variable that has no value, if that is what went wrong.
    pub fn missing(&self) -> Option<&str> {
        match self {
            Self::Missing { name, .. } | Self::MissingEnv { name, .. } => Some(name),
            _ => None,
        }
    }
}

/// Whether `text` holds a `{{` to render (a `{{{{` literal counts: it renders to `{{`).
pub fn has_template(text: &[u8]) -> bool {
    memchr::memmem::find(text, b"{{").is_some()
}

impl Request {
    /// Whether rendering can change this request: a `{{` in its URL, a header value or
    /// its body.
    pub fn is_template(&self) -> bool {
        has_template(self.url.as_bytes())
            || has_template(&self.body)
            || self.headers.iter().any(|(_, v)| has_template(v.as_bytes()))
    }

    /// This request with `{{name}}` rendered in its URL, header values and body; `label`
    /// names it in errors (`payments/new-company`). A body that is not UTF-8 is kept as it
    /// is: there is no template in it to render. A request with no `{{` comes back equal.
    pub fn rendered(
        &self,
        vars: &Vars<'_>,
        builtins: &mut dyn Builtins,
        label: &str,
    ) -> Result<Request, RequestRenderError> {
        let mut out = self.clone();
        if !self.is_template() {
            return Ok(out);
        }
        let r = |text: &str, part, b: &mut dyn Builtins| {
            scenario::render(text, vars, b, label)
                .map_err(|e| RequestRenderError::from_render(e, part))
        };
        out.url = r(&self.url, "URL", builtins)?;
        for (i, (_, value)) in self.headers.iter().enumerate() {
            out.headers[i].1 = r(value, "header", builtins)?;
        }
        if let Ok(text) = std::str::from_utf8(&self.body) {
            out.body = r(text, "body", builtins)?.into_bytes();
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    struct Fixed(u32);
    impl Builtins for Fixed {
        fn uuid(&mut self) -> String {
            self.0 += 1;
            format!("uuid-{}", self.0)
        }
        fn now(&mut self) -> i64 {
            1_700_000_000
        }
        fn random_int(&mut self) -> u64 {
            7
        }
        fn env(&mut self, name: &str) -> Option<String> {
            (name == "HOME_CITY").then(|| "Z\u{fc}rich".to_string())
        }
    }

    fn req() -> Request {
        let mut r = Request::new("new company", "POST", "/company/{{asset}}?t={{now}}")
            .with_body("{\"ref\":\"{{uuid}}\",\"city\":\"{{env.HOME_CITY}}\",\"lit\":\"{{{{x}}\"}");
        r.headers.push(("x-trace".into(), "{{uuid}}".into()));
        r
    }

    #[test]
    fn renders_url_headers_and_body() {
        let vars: BTreeMap<String, String> = [("asset".to_string(), "BTC".to_string())].into();
        let out = req()
            .rendered(&Vars::new(vec![&vars]), &mut Fixed(0), "p/new company")
            .unwrap();
        assert_eq!(out.url, "/company/BTC?t=1700000000");
        assert_eq!(out.headers, vec![("x-trace".into(), "uuid-1".into())]);
        assert_eq!(
            String::from_utf8(out.body).unwrap(),
            "{\"ref\":\"uuid-2\",\"city\":\"Z\u{fc}rich\",\"lit\":\"{{x}}\"}"
        );
        assert_eq!(out.name, "new company");
    }

    #[test]
    fn a_missing_variable_names_it_and_the_request() {
        let e = req()
            .rendered(&Vars::default(), &mut Fixed(0), "p/new company")
            .unwrap_err();
        assert_eq!(e.missing(), Some("asset"));
        let msg = e.to_string();
        assert!(msg.contains("`p/new company`"), "{msg}");
        assert!(msg.contains("--var asset=VALUE"), "{msg}");
        assert!(msg.contains("{{asset}}"), "{msg}");
    }

    #[test]
    fn plain_and_binary_requests_come_back_unchanged() {
        let plain = Request::new("a", "GET", "/assets").with_body("{\"a\":1}");
        assert!(!plain.is_template());
        let out = plain
            .rendered(&Vars::default(), &mut Fixed(0), "p/a")
            .unwrap();
        assert_eq!(out, plain);
        let binary = Request::new("b", "POST", "/x").with_body(vec![0xff, b'{', b'{', 0xfe]);
        let out = binary
            .rendered(&Vars::default(), &mut Fixed(0), "p/b")
            .unwrap();
        assert_eq!(out.body, binary.body);
    }
}
