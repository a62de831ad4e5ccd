//! A curl command line read the way curl reads it: bundled short options, every data
//! option and how curl joins them, `-G`, `--json`, headers, and files through the reader.

use super::options::{expand, takes_value};
use super::shell::{self, printf_output};
use super::{CurlError, CurlRequest, Input, Parsed, Reader};

/// Parses a pasted command line. `printf '%b' ... | curl ... @-` (as [`super::to_curl`]
/// writes a body no argument can carry) feeds printf's output to curl's stdin.
pub fn parse(command: &str, read: &mut Reader<'_>) -> Result<Parsed, CurlError> {
    let (commands, mut notes) = shell::split_pipeline(command.trim())?;
    let (stdin, words, used) = match commands.as_slice() {
        [feed, curl, ..] if printf_output(feed).is_some() && is_curl(curl) => {
            (printf_output(feed), curl.as_slice(), 2)
        }
        [first, ..] => (None, first.as_slice(), 1),
        [] => (None, &[][..], 0),
    };
    if commands.len() > used {
        notes.push(shell::stopped_at('|'));
    }
    let mut out = Parser::new(read, stdin).run(words)?;
    notes.append(&mut out.notes);
    notes.dedup();
    out.notes = notes;
    Ok(out)
}

/// Parses curl's words, already split by a shell.
pub fn parse_words(words: &[Vec<u8>], read: &mut Reader<'_>) -> Result<Parsed, CurlError> {
    Parser::new(read, None).run(words)
}

/// `curl`, `/usr/bin/curl`, `curl.exe`, after any `$ ` prompt.
fn is_curl(words: &[Vec<u8>]) -> bool {
    let mut it = words.iter().skip_while(|w| w.as_slice() == b"$");
    it.next()
        .is_some_and(|w| w == b"curl" || w.ends_with(b"/curl") || w == b"curl.exe")
}

fn text(w: Vec<u8>, what: &str) -> Result<String, CurlError> {
    String::from_utf8(w).map_err(|_| CurlError::NotText(what.to_string()))
}

struct Parser<'a, 'r> {
    read: &'a mut Reader<'r>,
    /// What a pipe feeds curl; taken by the first `@-`, as curl reads stdin once.
    stdin: Option<Vec<u8>>,
    req: CurlRequest,
    method: Option<String>,
    /// Every data option seen (even an empty one makes a POST).
    data: Option<Vec<u8>>,
    json: bool,
    get: bool,
    head: bool,
    upload: Option<String>,
    /// Headers given empty (`-H 'Accept:'`): curl then leaves out its own.
    suppressed: Vec<String>,
    url_query: Vec<Vec<u8>>,
    notes: Vec<String>,
}

impl<'a, 'r> Parser<'a, 'r> {
    fn new(read: &'a mut Reader<'r>, stdin: Option<Vec<u8>>) -> Self {
        Parser {
            read,
            stdin,
            req: CurlRequest::default(),
            method: None,
            data: None,
            json: false,
            get: false,
            head: false,
            upload: None,
            suppressed: Vec::new(),
            url_query: Vec::new(),
            notes: Vec::new(),
        }
    }

    fn run(mut self, words: &[Vec<u8>]) -> Result<Parsed, CurlError> {
        let mut words = words.iter().skip_while(|w| w.as_slice() == b"$");
        let first = words.next().ok_or(CurlError::NoUrl)?;
        if !is_curl(std::slice::from_ref(first)) {
            return Err(CurlError::NotCurl(
                String::from_utf8_lossy(first).into_owned(),
            ));
        }
        let args: Vec<Vec<u8>> = words.cloned().collect();
        let mut url = None;
        let mut i = 0;
        let mut positional_only = false;
        while i < args.len() {
            let w = &args[i];
            i += 1;
            if positional_only || !w.starts_with(b"-") || w.as_slice() == b"-" {
                self.set_url(&mut url, w.clone())?;
                continue;
            }
            if w.as_slice() == b"--" {
                positional_only = true;
                continue;
            }
            // One word may hold several options: `-sSX POST`, `-XPOST`, `-sd@x`.
            for (name, shown, inline) in expand(w) {
                let value = if takes_value(&name) {
                    match inline {
                        Some(v) => Some(v),
                        None => {
                            let v = args.get(i).cloned();
                            i += 1;
                            Some(v.ok_or(CurlError::MissingValue(shown))?)
                        }
                    }
                } else {
                    None
                };
                if !self.option(&name, value, &mut url)? {
                    self.notes
                        .push("stopped reading at --next: only the first request is read".into());
                    i = args.len();
                    break;
                }
            }
        }
        self.req.url = url.ok_or(CurlError::NoUrl)?;
        self.finish()
    }

    fn set_url(&mut self, url: &mut Option<String>, w: Vec<u8>) -> Result<(), CurlError> {
        let u = text(w, "the URL")?;
        match url {
            Some(prev) => Err(CurlError::TwoUrls(prev.clone(), u)),
            None => {
                *url = Some(u);
                Ok(())
            }
        }
    }

    /// Applies one option; false for `--next`, where this request ends.
    fn option(
        &mut self,
        name: &str,
        value: Option<Vec<u8>>,
        url: &mut Option<String>,
    ) -> Result<bool, CurlError> {
        let v = value.unwrap_or_default();
        match name {
            "request" => self.method = Some(text(v, "the method")?),
            "header" => self.header(text(v, "a header")?)?,
            "user-agent" => self.push_header("User-Agent", text(v, "a header")?),
            "referer" => self.push_header("Referer", text(v, "a header")?),
            "cookie" => {
                let c = text(v, "a cookie")?;
                if c.contains('=') {
                    self.push_header("Cookie", c);
                } else {
                    self.notes.push(format!("cookie file {c} was not read"));
                }
            }
            "url" => self.set_url(url, v)?,
            "data" | "data-ascii" => {
                let bytes = match v.strip_prefix(b"@") {
                    Some(file) => self.data_file("--data", file)?,
                    None => v,
                };
                self.add_data(bytes, false);
            }
            "data-binary" => {
                let bytes = match v.strip_prefix(b"@") {
                    Some(file) => self.read("--data-binary", file)?,
                    None => v,
                };
                self.add_data(bytes, false);
            }
            "data-raw" => self.add_data(v, false),
            "json" => {
                let bytes = match v.strip_prefix(b"@") {
                    Some(file) => self.read("--json", file)?,
                    None => v,
                };
                self.add_data(bytes, true);
            }
            "data-urlencode" => {
                let bytes = self.urlencode("--data-urlencode", &v)?;
                self.add_data(bytes, false);
            }
            "url-query" => {
                let q = match v.strip_prefix(b"+") {
                    Some(raw) => raw.to_vec(),
                    None => self.urlencode("--url-query", &v)?,
                };
                self.url_query.push(q);
            }
            "get" => self.get = true,
            "head" => self.head = true,
            "globoff" => self.req.globoff = true,
            "no-globoff" => self.req.globoff = false,
            "path-as-is" => self.req.path_as_is = true,
            "no-path-as-is" => self.req.path_as_is = false,
            "request-target" => self.req.request_target = Some(text(v, "--request-target")?),
            "upload-file" => self.upload = Some(text(v, "the -T file name")?),
            "user" => self
                .notes
                .push("-u (basic auth) was left out: the Partner API uses x-api-key".into()),
            "form" | "form-string" => self
                .notes
                .push("-F (multipart form) was left out: the Partner API takes raw bodies".into()),
            "config" => self
                .notes
                .push("options in a -K config file were not read".into()),
            "next" => return Ok(false),
            // Everything else changes nothing that is signed (-s, -k, -L, --compressed, -o).
            _ => {}
        }
        Ok(true)
    }

    fn push_header(&mut self, name: &str, value: String) {
        self.req.headers.push((name.to_string(), value));
    }

    /// `-H 'Name: value'`, `-H 'Name;'` (empty), `-H 'Name:'` (leave out curl's own) and
    /// `-H @FILE` (one header a line).
    fn header(&mut self, h: String) -> Result<(), CurlError> {
        if let Some(file) = h.strip_prefix('@') {
            let bytes = self.read("-H", file.as_bytes())?;
            let lines = text(bytes, "the -H @FILE headers")?;
            for line in lines.lines().map(|l| l.trim_end_matches('\r')) {
                if !line.trim().is_empty() {
                    self.header(line.to_string())?;
                }
            }
            return Ok(());
        }
        match h.split_once(':') {
            Some((name, value)) => {
                let name = name.trim().to_string();
                // curl drops a header whose value is blank: spaces and tabs only.
                if value.trim_matches([' ', '\t']).is_empty() {
                    self.suppressed.push(name);
                } else {
                    let value = value.trim_start_matches([' ', '\t']).to_string();
                    self.req.headers.push((name, value));
                }
            }
            None => match h.trim_end().strip_suffix(';') {
                Some(name) if !name.contains(';') => self
                    .req
                    .headers
                    .push((name.trim().to_string(), String::new())),
                _ => self
                    .notes
                    .push(format!("header `{h}` has no `:`; left out")),
            },
        }
        Ok(())
    }

    /// Appends one data option as curl does: `&` between parts, except before `--json`
    /// and after an empty start.
    fn add_data(&mut self, bytes: Vec<u8>, json: bool) {
        let data = self.data.get_or_insert_with(Vec::new);
        if !data.is_empty() && !json {
            data.push(b'&');
        }
        data.extend_from_slice(&bytes);
        self.json |= json;
    }

    /// `-d @FILE`: curl drops CR and LF from the file.
    fn data_file(&mut self, opt: &str, file: &[u8]) -> Result<Vec<u8>, CurlError> {
        let bytes = self.read(opt, file)?;
        let stripped: Vec<u8> = bytes
            .iter()
            .copied()
            .filter(|b| *b != b'\r' && *b != b'\n')
            .collect();
        if stripped.len() != bytes.len() {
            self.notes.push(format!(
                "{opt} @FILE drops newlines as curl does; use --data-binary to keep the file's bytes exactly"
            ));
        }
        Ok(stripped)
    }

    /// `@-` is stdin; anything else a file.
    fn read(&mut self, opt: &str, file: &[u8]) -> Result<Vec<u8>, CurlError> {
        if file == b"-" {
            if let Some(piped) = self.stdin.take() {
                return Ok(piped);
            }
            return (self.read)(Input::Stdin).map_err(|source| {
                if source.kind() == std::io::ErrorKind::Unsupported {
                    CurlError::Stdin(format!("{opt} @-"))
                } else {
                    CurlError::Read {
                        option: opt.to_string(),
                        path: "stdin".into(),
                        source,
                    }
                }
            });
        }
        let path = text(file.to_vec(), &format!("the file name after {opt} @"))?;
        (self.read)(Input::File(&path)).map_err(|source| CurlError::Read {
            option: opt.to_string(),
            path,
            source,
        })
    }

    /// curl's `--data-urlencode` forms: `content`, `=content`, `name=content`, `@file`,
    /// `name@file`. A `=` anywhere wins over `@`, as in curl.
    fn urlencode(&mut self, opt: &str, v: &[u8]) -> Result<Vec<u8>, CurlError> {
        let sep = v
            .iter()
            .position(|&b| b == b'=')
            .or_else(|| v.iter().position(|&b| b == b'@'));
        let (name, content) = match sep {
            Some(i) if v[i] == b'@' => (&v[..i], self.read(opt, &v[i + 1..])?),
            Some(i) => (&v[..i], v[i + 1..].to_vec()),
            None => (&[][..], v.to_vec()),
        };
        let mut out = name.to_vec();
        if !name.is_empty() {
            out.push(b'=');
        }
        // curl_easy_escape, then a space as `+` (curl's replace_url_encoded_space_by_plus).
        for b in content {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                out.push(b);
            } else if b == b' ' {
                out.push(b'+');
            } else {
                out.extend_from_slice(format!("%{b:02X}").as_bytes());
            }
        }
        Ok(out)
    }

    fn finish(mut self) -> Result<Parsed, CurlError> {
        for q in std::mem::take(&mut self.url_query) {
            append_query(&mut self.req.url, q, "the --url-query data")?;
        }
        let has_data = self.data.is_some();
        let uploaded = self.upload.is_some();
        let mut body = self.data.take().unwrap_or_default();
        if self.get && has_data {
            append_query(&mut self.req.url, lowercase_escapes(&body), "the -G data")?;
            self.req.query_rebuilt = true;
            body.clear();
        }
        if let Some(file) = self.upload.take() {
            body = self.read("-T", file.as_bytes())?;
            // curl names the target after the file when the URL ends in a directory.
            let path_end = self.req.url.find(['?', '#']).unwrap_or(self.req.url.len());
            if self.req.url[..path_end].ends_with('/') && file != "-" {
                let base = file.rsplit('/').next().unwrap_or(&file).to_string();
                self.req.url.insert_str(path_end, &base);
            }
        }
        let implied = if self.head {
            "HEAD"
        } else if self.get {
            "GET"
        } else if uploaded {
            "PUT"
        } else if has_data {
            "POST"
        } else {
            "GET"
        };
        self.req.method = self.method.take().unwrap_or_else(|| implied.to_string());
        if self.json {
            for (name, value) in [
                ("Content-Type", "application/json"),
                ("Accept", "application/json"),
            ] {
                let given = self.req.header(name).is_some()
                    || self.suppressed.iter().any(|s| s.eq_ignore_ascii_case(name));
                if !given {
                    self.push_header(name, value.to_string());
                }
            }
        }
        self.req.body = body;
        if !self.req.globoff && self.req.url.contains(['[', ']', '{', '}']) {
            self.notes.push(
                "without --globoff curl expands [] and {} in the URL; they were kept as typed"
                    .into(),
            );
        }
        Ok(Parsed {
            request: self.req,
            notes: self.notes,
        })
    }
}

/// curl's URL API appending to a query: `&` unless the query is empty or ends in one,
/// before any `#fragment`.
fn append_query(url: &mut String, q: Vec<u8>, what: &str) -> Result<(), CurlError> {
    let q = text(q, what)?;
    let end = url.find('#').unwrap_or(url.len());
    let (head, fragment) = url.split_at(end);
    let mut out = head.to_string();
    match out.find('?') {
        None => out.push('?'),
        Some(i) if i + 1 < out.len() && !out.ends_with('&') => out.push('&'),
        Some(_) => {}
    }
    out.push_str(&q);
    out.push_str(fragment);
    *url = out;
    Ok(())
}

/// curl's URL API lowercases the hex of `%XX` in a query part it is given.
fn lowercase_escapes(q: &[u8]) -> Vec<u8> {
    let mut out = q.to_vec();
    let mut i = 0;
    while i + 2 < out.len() {
        if out[i] == b'%' && out[i + 1].is_ascii_hexdigit() && out[i + 2].is_ascii_hexdigit() {
            out[i + 1] = out[i + 1].to_ascii_lowercase();
            out[i + 2] = out[i + 2].to_ascii_lowercase();
            i += 3;
        } else {
            i += 1;
        }
    }
    out
}
