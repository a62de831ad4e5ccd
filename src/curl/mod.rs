//! The one shell splitter and curl parser, and what curl itself puts on the wire. Pure:
//! the files named by `@FILE` and stdin (`@-`) are read through the caller's [`Input`]
//! reader, so this module does no I/O.
//!
//! `import curl`, the workbench's curl paste and `doctor --curl` read commands here;
//! `sign --curl` and `collection export` write them with [`to_curl`].

mod build;
mod options;
mod parse;
mod shell;
mod wire;

#[cfg(test)]
mod props;
#[cfg(test)]
mod tests;

pub use build::{CurlBody, shell_quote, to_curl};
pub use parse::{parse, parse_words};
pub use shell::{ShellError, Words, split, split_pipeline};
pub use wire::Wire;

/// What a curl command reads besides its own words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input<'a> {
    /// `@FILE` (as written: relative paths are relative to where curl ran).
    File(&'a str),
    /// `@-`. A reader that cannot offer stdin answers `io::ErrorKind::Unsupported`.
    Stdin,
}

/// The caller's way to read an [`Input`].
pub type Reader<'r> = dyn FnMut(Input<'_>) -> std::io::Result<Vec<u8>> + 'r;

/// A request as a curl command describes it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CurlRequest {
    /// `-X` as given, or what curl implies (HEAD for -I, GET for -G, POST with data,
    /// PUT for -T, else GET).
    pub method: String,
    /// The URL as typed, with `-G` data appended to its query.
    pub url: String,
    /// The headers given (`-H`, `-A`, `-e`, `-b`, and `--json`'s two), in order, as
    /// `(name, value)`; the value as the server reads it (blanks after the colon removed).
    pub headers: Vec<(String, String)>,
    /// The body bytes curl sends.
    pub body: Vec<u8>,
    /// `-g/--globoff`: `[]{}` in the URL are sent as typed, not expanded.
    pub globoff: bool,
    /// `--path-as-is`: `/./` and `/../` are sent as typed.
    pub path_as_is: bool,
    /// `--request-target`: sent instead of the URL's path and query.
    pub request_target: Option<String>,
    /// `-G` moved data into the query: curl rebuilt the URL with its URL parser, which
    /// removes dot segments even with `--path-as-is`.
    pub query_rebuilt: bool,
}

impl CurlRequest {
    /// The first header named `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A parsed command and what was dropped or changed on the way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed {
    pub request: CurlRequest,
    pub notes: Vec<String>,
}

/// Why a curl command cannot be read. Each message says what to do.
#[derive(Debug, thiserror::Error)]
pub enum CurlError {
    #[error(transparent)]
    Shell(#[from] ShellError),
    #[error("this is not a curl command (it starts with `{0}`): paste the whole `curl ...` line")]
    NotCurl(String),
    #[error("the curl command has no URL")]
    NoUrl,
    #[error("the curl command has two URLs ({0} and {1}): take them one at a time")]
    TwoUrls(String, String),
    #[error("curl option {0} needs a value")]
    MissingValue(String),
    #[error("cannot read {path} (named by {option}): {source}")]
    Read {
        option: String,
        path: String,
        source: std::io::Error,
    },
    #[error(
        "{0} reads stdin, which cannot be read again here: save the body to a file and use @FILE"
    )]
    Stdin(String),
    #[error("{0} is not text")]
    NotText(String),
    #[error(
        "curl expands `[]` and `{{}}` in {0} into several requests (or refuses it): add --globoff (-g) to send it as typed"
    )]
    Glob(String),
    #[error("curl would not send {url}: {why}")]
    BadUrl { url: String, why: String },
}
