//! A collection as a folder that a project commits with its code: one folder per request,
//! holding `uri` (one line `METHOD URL`, as the reference client's `requests/<name>/uri`),
//! `body` (the bytes, exactly; absent when empty), `headers` (`Name: value` lines), `notes`,
//! and `name` when the request's name cannot be the folder's (`POST /company` lives in
//! `POST company/`). A save writes only the files whose bytes change, so `git diff` shows the
//! lines that changed and nothing else.

use super::{Collection, Request};
use crate::input_file::{self, Kind};
use crate::store::StoreError;
use std::path::{Path, PathBuf};

/// The files a request folder may hold; anything else in it is the user's and left alone.
const FILES: [&str; 5] = ["uri", "body", "headers", "notes", "name"];

const TEXT: Kind = Kind {
    what: "request file",
    max: 64 * 1024,
};

/// Project files are committed and shared: readable by all, as the rest of the code is.
/// They never hold a secret (a save refuses secret headers).
pub const FILE_MODE: u32 = 0o644;

/// Whose rules a folder follows. The reference client's own `requests/` (read in place in a
/// project) sends a body only with POST, PUT and PATCH, so xsign reads it the same way and
/// refuses to save a body there that the reference client would drop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Xsign,
    Reference,
}

fn reference_sends_body(method: &str) -> bool {
    matches!(method, "POST" | "PUT" | "PATCH")
}

/// One request folder as found on disk: its folder name, and the request's name, or why it
/// could not be read (kept as it is: a save never touches it).
#[derive(Debug, Clone)]
pub struct Slot {
    pub folder: String,
    pub name: Result<String, String>,
}

/// What a read found: the collection and the folders it came from.
#[derive(Debug, Clone)]
pub struct Found {
    pub collection: Collection,
    pub slots: Vec<Slot>,
}

impl Found {
    /// Why each unreadable request folder could not be read, one line each.
    pub fn unreadable(&self, dir: &Path) -> Vec<String> {
        self.slots
            .iter()
            .filter_map(|s| s.name.as_ref().err().map(|e| (s, e)))
            .map(|(s, e)| format!("{}: {e}", dir.join(&s.folder).display()))
            .collect()
    }
}

/// `METHOD URL` from a `uri` file's first non-empty line.
pub fn parse_uri(bytes: &[u8]) -> Result<(String, String), String> {
    let text = String::from_utf8_lossy(bytes);
    let line = text
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .trim();
    match line.split_once(char::is_whitespace) {
        Some((method, url)) if !url.trim().is_empty() => {
            Ok((method.to_ascii_uppercase(), url.trim().to_string()))
        }
        _ => Err(format!(
            "expected one line `METHOD URL` in uri, found `{line}`"
        )),
    }
}

/// Reads the collection in `dir` (sorted by folder name). `root` is the canonical folder no
/// file may link out of; `body` bounds each body.
pub fn read(
    root: &Path,
    dir: &Path,
    name: &str,
    body: Kind,
    dialect: Dialect,
) -> Result<Found, StoreError> {
    let entries = std::fs::read_dir(dir).map_err(|e| StoreError::io("list", dir, e))?;
    let mut folders: Vec<String> = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| StoreError::io("list", dir, e))?;
        let folder = entry.file_name().to_string_lossy().into_owned();
        if !folder.starts_with('.') && entry.path().is_dir() {
            folders.push(folder);
        }
    }
    folders.sort();
    let mut found = Found {
        collection: Collection::new(name),
        slots: Vec::new(),
    };
    for folder in folders {
        let result = read_request(root, &dir.join(&folder), &folder, body, dialect);
        let name = match result {
            Ok(r) => {
                let n = r.name.clone();
                found.collection.requests.push(r);
                Ok(n)
            }
            Err(e) => Err(e),
        };
        found.slots.push(Slot { folder, name });
    }
    // Two folders naming one request (a hand edit of `name`): the second is not read.
    let mut seen = std::collections::HashSet::new();
    for slot in &mut found.slots {
        if let Ok(n) = &slot.name
            && !seen.insert(n.clone())
        {
            slot.name = Err(format!("another folder already holds the request `{n}`"));
        }
    }
    let mut seen = std::collections::HashSet::new();
    found
        .collection
        .requests
        .retain(|r| seen.insert(r.name.clone()));
    Ok(found)
}

fn read_request(
    root: &Path,
    dir: &Path,
    folder: &str,
    body: Kind,
    dialect: Dialect,
) -> Result<Request, String> {
    let file = |name: &str, kind: Kind| {
        input_file::read_inside(root, &dir.join(name), kind).map_err(|e| e.to_string())
    };
    let Some(uri) = file("uri", TEXT)? else {
        return Err("no uri file: a request folder holds `uri` (one line METHOD URL)".into());
    };
    let (method, url) = parse_uri(&uri)?;
    let bytes = if dialect == Dialect::Reference && !reference_sends_body(&method) {
        Vec::new()
    } else {
        file("body", body)?.unwrap_or_default()
    };
    let text = |name: &str| -> Result<String, String> {
        match file(name, TEXT)? {
            None => Ok(String::new()),
            Some(b) => String::from_utf8(b).map_err(|_| format!("{name} is not UTF-8 text")),
        }
    };
    let name = match text("name")?.trim_end_matches(['\r', '\n']) {
        "" => folder.to_string(),
        n => n.to_string(),
    };
    let mut headers = Vec::new();
    for line in text("headers")?.lines().filter(|l| !l.trim().is_empty()) {
        let Some((k, v)) = line.split_once(':') else {
            return Err(format!("expected `Name: value` in headers, found `{line}`"));
        };
        headers.push((
            k.trim().to_string(),
            v.strip_prefix(' ').unwrap_or(v).to_string(),
        ));
    }
    Ok(Request {
        name,
        method,
        url,
        body: bytes,
        notes: {
            let mut n = text("notes")?;
            if n.ends_with('\n') {
                n.pop();
            }
            n
        },
        headers,
    })
}

/// The files a request is saved as, by name; `None` for a file it does not need.
type Files = [(&'static str, Option<Vec<u8>>); 5];

fn files_of(r: &Request, folder: &str, dialect: Dialect) -> Result<Files, String> {
    if dialect == Dialect::Reference && !r.body.is_empty() && !reference_sends_body(&r.method) {
        return Err(format!(
            "`{}` is a {} with a body, which the reference client's requests/ folder cannot hold \
             (it sends a body only with POST, PUT and PATCH): save it to another collection",
            r.name, r.method
        ));
    }
    let one_line = |what: &str, s: &str| {
        if s.contains(['\r', '\n']) {
            Err(format!("the {what} of `{}` holds a line break", r.name))
        } else {
            Ok(())
        }
    };
    one_line("method", &r.method)?;
    one_line("URL", &r.url)?;
    let mut headers = String::new();
    for (k, v) in &r.headers {
        one_line("header", k)?;
        one_line("header", v)?;
        if crate::secret::is_secret_header(&k.to_ascii_lowercase()) {
            return Err(format!(
                "`{}` has the header {k}, a secret: a project's collections are committed, so \
                 secrets go in the profile (`xsign profile edit NAME --header '{k}: …'`)",
                r.name
            ));
        }
        headers.push_str(&format!("{k}: {v}\n"));
    }
    let some = |b: Vec<u8>| (!b.is_empty()).then_some(b);
    Ok([
        (
            "uri",
            Some(format!("{} {}\n", r.method, r.url).into_bytes()),
        ),
        ("body", some(r.body.clone())),
        ("headers", some(headers.into_bytes())),
        // A text file ends with a line break (git shows it cleanly); read strips that one.
        (
            "notes",
            some(r.notes.clone().into_bytes()).map(|mut n| {
                n.push(b'\n');
                n
            }),
        ),
        (
            "name",
            (r.name != folder).then(|| format!("{}\n", r.name).into_bytes()),
        ),
    ])
}

/// The folder a request of this name gets: its name with what a path cannot hold
/// (separators, a leading dot, control characters) replaced, then made unique among `taken`.
pub fn folder_for(name: &str, taken: &[String]) -> String {
    let mut s: String = name
        .chars()
        .map(|c| match c {
            '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|' => ' ',
            c if c.is_control() => ' ',
            c => c,
        })
        .collect();
    s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    let s = s.trim_start_matches('.').to_string();
    let mut base: String = s.chars().take(80).collect();
    if base.is_empty() {
        base = "request".into();
    }
    let taken = |f: &str| taken.iter().any(|t| t.eq_ignore_ascii_case(f));
    if !taken(&base) {
        return base;
    }
    (2..)
        .map(|n| format!("{base} {n}"))
        .find(|f| !taken(f))
        .expect("some folder name is free")
}

/// Writes `c` into `dir` over what `before` found there: each request into the folder that
/// held it (or a new one), each file only if its bytes differ; the folders of requests no
/// longer in `c` lose xsign's files (and go when nothing else is left in them). Folders that
/// could not be read are left exactly as they are.
pub fn write(
    dir: &Path,
    before: &[Slot],
    c: &Collection,
    dialect: Dialect,
) -> Result<(), StoreError> {
    let damaged = |reason: String| StoreError::Damaged {
        path: dir.to_path_buf(),
        reason,
    };
    std::fs::create_dir_all(dir).map_err(|e| StoreError::io("create the directory", dir, e))?;
    let mut taken: Vec<String> = before.iter().map(|s| s.folder.clone()).collect();
    let mut plan: Vec<(PathBuf, Files)> = Vec::new();
    for r in &c.requests {
        let folder = match before.iter().find(|s| s.name.as_ref() == Ok(&r.name)) {
            Some(s) => s.folder.clone(),
            None => {
                let f = folder_for(&r.name, &taken);
                taken.push(f.clone());
                f
            }
        };
        let files = files_of(r, &folder, dialect).map_err(damaged)?;
        plan.push((dir.join(folder), files));
    }
    // Everything is checked before the first write, so a refused save changes nothing.
    for (path, files) in &plan {
        std::fs::create_dir_all(path)
            .map_err(|e| StoreError::io("create the directory", path, e))?;
        for (name, bytes) in files {
            sync_file(&path.join(name), bytes.as_deref())?;
        }
    }
    for slot in before {
        let Ok(name) = &slot.name else { continue };
        if c.get(name).is_none() {
            let path = dir.join(&slot.folder);
            for f in FILES {
                sync_file(&path.join(f), None)?;
            }
            // Only an empty folder goes: anything else in it is the user's.
            let _ = std::fs::remove_dir(&path);
        }
    }
    crate::atomic_file::sync_dir(dir);
    Ok(())
}

/// Makes `path` hold exactly `bytes` (or not exist), writing only when it differs.
fn sync_file(path: &Path, bytes: Option<&[u8]>) -> Result<(), StoreError> {
    let now = std::fs::read(path).ok();
    match (now.as_deref(), bytes) {
        (Some(a), Some(b)) if a == b => Ok(()),
        (None, None) => Ok(()),
        (_, Some(b)) => {
            // Under the collection's lock: a temp file beside it is a killed writer's.
            crate::atomic_file::remove_stale_temps(path);
            crate::atomic_file::write_atomic(path, b, FILE_MODE)
                .map_err(|e| StoreError::io("write", path, e))
        }
        (Some(_), None) => match std::fs::remove_file(path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                Err(StoreError::io("remove", path, e))
            }
            _ => Ok(()),
        },
    }
}

#[cfg(test)]
#[path = "folder_tests.rs"]
mod tests;
