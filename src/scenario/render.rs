//! `{{name}}` templates: a pure function from a template and values to text. `{{{{` is a
//! literal `{{`; a missing variable is an error naming it and the step, never "".

use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RenderError {
    #[error(
        "step {step:?}: no variable {name:?}: set it in the step's values, capture it in an earlier step, put it in [vars] or pass --var {name}=VALUE (or xsign profile set-var PROFILE {name} VALUE)"
    )]
    Missing { step: String, name: String },
    #[error(
        "step {step:?}: no environment variable {name} for {{{{env.{name}}}}}: export it first"
    )]
    MissingEnv { step: String, name: String },
    #[error(
        "step {step:?}: a {{{{ at byte {at} has no closing }}}} (write {{{{{{{{ for a literal {{{{)"
    )]
    Unclosed { step: String, at: usize },
    #[error("step {step:?}: {{{{{name}}}}} is not a variable name (letters, digits, _ . -)")]
    BadName { step: String, name: String },
}

/// Where the built-in variables come from: the clock, randomness and the environment,
/// given to the renderer so that it stays a pure function (tests pass fixed ones).
pub trait Builtins {
    fn uuid(&mut self) -> String;
    /// Unix seconds.
    fn now(&mut self) -> i64;
    fn random_int(&mut self) -> u64;
    fn env(&mut self, name: &str) -> Option<String>;
}

/// The real clock, randomness and environment.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemBuiltins;

impl Builtins for SystemBuiltins {
    fn uuid(&mut self) -> String {
        uuid::Uuid::new_v4().to_string()
    }
    fn now(&mut self) -> i64 {
        crate::signing::now_unix()
    }
    fn random_int(&mut self) -> u64 {
        // Below 2^53, so that a JSON reader using doubles keeps it exact.
        rand::random::<u64>() >> 11
    }
    fn env(&mut self, name: &str) -> Option<String> {
        std::env::var(name).ok()
    }
}

/// The variables of a scenario step in the lookup order the issue gives: the step's own
/// values, captures of earlier steps, the scenario's `[vars]`, the profile's variables,
/// `--var`. The first that has a name wins.
pub fn chain<'a>(
    step: &'a BTreeMap<String, String>,
    captures: &'a BTreeMap<String, String>,
    scenario: &'a BTreeMap<String, String>,
    profile: &'a BTreeMap<String, String>,
    cli: &'a BTreeMap<String, String>,
) -> Vars<'a> {
    Vars::new(vec![step, captures, scenario, profile, cli])
}

/// The variables in lookup order: the first layer that has a name wins.
#[derive(Debug, Default, Clone)]
pub struct Vars<'a> {
    pub layers: Vec<&'a BTreeMap<String, String>>,
}

impl<'a> Vars<'a> {
    pub fn new(layers: Vec<&'a BTreeMap<String, String>>) -> Vars<'a> {
        Vars { layers }
    }

    pub fn get(&self, name: &str) -> Option<&'a str> {
        self.layers
            .iter()
            .find_map(|l| l.get(name))
            .map(String::as_str)
    }
}

/// Whether `name` can be written as `{{name}}`: letters, digits, `_`, `.` and `-`.
pub fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '.' | '-'))
}

/// Renders `template` for `step`. Values go in as they are (a JSON body quotes them
/// itself: `"ref": "{{uuid}}"`, or `"wallet": {{wallet_json}}` for a captured object).
pub fn render(
    template: &str,
    vars: &Vars<'_>,
    builtins: &mut dyn Builtins,
    step: &str,
) -> Result<String, RenderError> {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    let mut offset = 0;
    while let Some(at) = rest.find("{{") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 2..];
        if let Some(literal) = after.strip_prefix("{{") {
            out.push_str("{{");
            offset += at + 4;
            rest = literal;
            continue;
        }
        let Some(end) = after.find("}}") else {
            return Err(RenderError::Unclosed {
                step: step.to_string(),
                at: offset + at,
            });
        };
        let name = after[..end].trim();
        out.push_str(&value_of(name, vars, builtins, step)?);
        offset += at + 2 + end + 2;
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    Ok(out)
}

/// [`render`] into the bytes that are signed and sent.
pub fn render_bytes(
    template: &str,
    vars: &Vars<'_>,
    builtins: &mut dyn Builtins,
    step: &str,
) -> Result<Vec<u8>, RenderError> {
    render(template, vars, builtins, step).map(String::into_bytes)
}

fn value_of(
    name: &str,
    vars: &Vars<'_>,
    builtins: &mut dyn Builtins,
    step: &str,
) -> Result<String, RenderError> {
    if !valid_name(name) {
        return Err(RenderError::BadName {
            step: step.to_string(),
            name: name.to_string(),
        });
    }
    // Variables of the scenario come first, so a `[vars] now = …` pins the time.
    if let Some(v) = vars.get(name) {
        return Ok(v.to_string());
    }
    match name {
        "uuid" => Ok(builtins.uuid()),
        "now" => Ok(builtins.now().to_string()),
        "random_int" => Ok(builtins.random_int().to_string()),
        _ => match name.strip_prefix("env.") {
            Some(env) => builtins.env(env).ok_or_else(|| RenderError::MissingEnv {
                step: step.to_string(),
                name: env.to_string(),
            }),
            None => Err(RenderError::Missing {
                step: step.to_string(),
                name: name.to_string(),
            }),
        },
    }
}
