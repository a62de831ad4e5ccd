//! Collections: one JSON file per collection under `config_dir()/collections/`, each a
//! list of saved requests whose bodies are kept byte for byte.

use super::lock::{FileLock, lock_path_for};
use super::{Loaded, MovedAside, StoreError};
use crate::atomic_file::{ensure_private_dir, move_aside, write_atomic};
use std::path::{Path, PathBuf};

const FORMAT: &str = "xsign-collection/1";

/// A saved request. `url` is relative to the profile's base URL (`/assets`) or absolute.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Request {
    pub name: String,
    pub method: String,
    pub url: String,
    /// Exactly the bytes to sign and send.
    #[serde(with = "super::body", default)]
    pub body: Vec<u8>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub notes: String,
    /// Extra headers for this request, in order, after the profile's.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub headers: Vec<(String, String)>,
}

impl Request {
    pub fn new(name: impl Into<String>, method: impl Into<String>, url: impl Into<String>) -> Self {
        Request {
            name: name.into(),
            method: method.into(),
            url: url.into(),
            body: Vec::new(),
            notes: String::new(),
            headers: Vec::new(),
        }
    }

    pub fn with_body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = body.into();
        self
    }

    /// The absolute URL against `base_url` (unchanged when already absolute).
    pub fn full_url(&self, base_url: &str) -> String {
        join_url(base_url, &self.url)
    }
}

/// `base` + `url` with exactly one `/` between them; an absolute `url` is returned as is.
pub fn join_url(base: &str, url: &str) -> String {
    if is_absolute(url) {
        return url.to_string();
    }
    let base = base.trim_end_matches('/');
    if url.is_empty() {
        base.to_string()
    } else if url.starts_with('?') {
        format!("{base}{url}")
    } else {
        format!("{base}/{}", url.trim_start_matches('/'))
    }
}

/// Any `scheme://` counts, so an unsupported scheme (`ftp://`) is refused by `wire_url`
/// instead of being glued onto the base URL.
pub fn is_absolute(url: &str) -> bool {
    url.find("://").is_some_and(|i| {
        let scheme = &url[..i];
        scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    })
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Collection {
    pub name: String,
    #[serde(default)]
    pub requests: Vec<Request>,
}

#[derive(serde::Serialize, serde::Deserialize)]
struct CollectionFile {
    format: String,
    #[serde(flatten)]
    collection: Collection,
}

impl Collection {
    pub fn new(name: impl Into<String>) -> Self {
        Collection {
            name: name.into(),
            requests: Vec::new(),
        }
    }

    pub fn get(&self, name: &str) -> Option<&Request> {
        self.requests.iter().find(|r| r.name == name)
    }

    /// Replaces the request of the same name in place, or appends it.
    pub fn upsert(&mut self, request: Request) -> bool {
        match self.requests.iter_mut().find(|r| r.name == request.name) {
            Some(slot) => {
                *slot = request;
                false
            }
            None => {
                self.requests.push(request);
                true
            }
        }
    }

    /// The file's bytes: pretty JSON, one format marker, trailing newline.
    pub fn to_file_bytes(&self) -> Result<Vec<u8>, serde_json::Error> {
        let mut bytes = serde_json::to_vec_pretty(&CollectionFile {
            format: FORMAT.to_string(),
            collection: self.clone(),
        })?;
        bytes.push(b'\n');
        Ok(bytes)
    }

    pub fn from_file_bytes(bytes: &[u8]) -> Result<Collection, String> {
        let file: CollectionFile = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
        if file.format != FORMAT {
            return Err(format!(
                "unknown format `{}` (this xsign reads {FORMAT})",
                file.format
            ));
        }
        let mut seen = std::collections::HashSet::new();
        for r in &file.collection.requests {
            if !seen.insert(r.name.as_str()) {
                return Err(format!("two requests are named `{}`", r.name));
            }
        }
        Ok(file.collection)
    }
}

/// A request found by [`filter`]: which collection, which request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestRef {
    pub collection: String,
    pub request: String,
}

/// Requests whose collection, name, method or URL contain every word of `query`,
/// ignoring case, in collection order. An empty query matches everything.
pub fn filter(collections: &[Collection], query: &str) -> Vec<RequestRef> {
    let words: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
    let mut out = Vec::new();
    for c in collections {
        for r in &c.requests {
            let hay = format!("{} {} {} {}", c.name, r.name, r.method, r.url).to_lowercase();
            if words.iter().all(|w| hay.contains(w.as_str())) {
                out.push(RequestRef {
                    collection: c.name.clone(),
                    request: r.name.clone(),
                });
            }
        }
    }
    out
}

/// Splits `COLLECTION/REQUEST` (the request name may itself hold `/`).
pub fn split_target(target: &str) -> (&str, Option<&str>) {
    match target.split_once('/') {
        Some((c, r)) if !r.is_empty() => (c, Some(r)),
        Some((c, _)) => (c, None),
        None => (target, None),
    }
}

/// Collection names become file names: no separators, no leading dot, no control chars.
pub fn validate_collection_name(name: &str) -> Result<(), StoreError> {
    let reason = if name.trim().is_empty() {
        Some("it is empty")
    } else if name.len() > 100 {
        Some("it is longer than 100 bytes")
    } else if name.starts_with('.') {
        Some("it starts with '.'")
    } else if name.contains(['/', '\\']) {
        Some("it contains '/' or '\\'")
    } else if name.chars().any(char::is_control) {
        Some("it contains a control character")
    } else if name != name.trim() {
        Some("it starts or ends with a space")
    } else {
        None
    };
    match reason {
        None => Ok(()),
        Some(r) => Err(StoreError::InvalidName {
            what: "collection name",
            name: name.to_string(),
            reason: r.to_string(),
        }),
    }
}

pub fn validate_request_name(name: &str) -> Result<(), StoreError> {
    if name.trim().is_empty() || name.chars().any(char::is_control) || name.len() > 200 {
        return Err(StoreError::InvalidName {
            what: "request name",
            name: name.to_string(),
            reason: "give a non-empty name of at most 200 bytes without control characters".into(),
        });
    }
    Ok(())
}

/// What a save did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaveOutcome {
    /// The request was new to the collection (rather than replacing one).
    pub created: bool,
    /// The name it was saved under (differs from the asked one for a duplicate).
    pub name: String,
    pub moved_aside: Vec<MovedAside>,
}

/// The collections directory. Every change is lock, reload, change, atomic write, so two
/// processes saving to one collection both keep their saves.
#[derive(Debug, Clone)]
pub struct CollectionStore {
    dir: PathBuf,
}

impl CollectionStore {
    /// `config_dir()/collections`.
    pub fn open_default() -> Self {
        CollectionStore::new(crate::paths::config_dir().join("collections"))
    }

    pub fn new(dir: impl Into<PathBuf>) -> Self {
        CollectionStore { dir: dir.into() }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn path_of(&self, collection: &str) -> PathBuf {
        self.dir.join(format!("{collection}.json"))
    }

    /// Collection names, sorted. No directory yet means no collections.
    pub fn list(&self) -> Result<Vec<String>, StoreError> {
        let entries = match std::fs::read_dir(&self.dir) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(StoreError::io("list", &self.dir, e)),
            Ok(entries) => entries,
        };
        let mut names = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|e| StoreError::io("list", &self.dir, e))?;
            let file = entry.file_name().to_string_lossy().into_owned();
            if let Some(name) = file.strip_suffix(".json")
                && !name.starts_with('.')
            {
                names.push(name.to_string());
            }
        }
        names.sort();
        Ok(names)
    }

    pub fn exists(&self, collection: &str) -> bool {
        self.path_of(collection).is_file()
    }

    /// Loads one collection. A file that does not parse is moved aside and reported, and
    /// an empty collection of that name is returned.
    pub fn load(&self, collection: &str) -> Result<Loaded<Collection>, StoreError> {
        validate_collection_name(collection)?;
        let path = self.path_of(collection);
        match std::fs::read(&path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(StoreError::NotFound {
                what: "collection",
                name: collection.to_string(),
                hint: "`xsign collection list` shows the collections".into(),
            }),
            Err(e) => Err(StoreError::io("read", &path, e)),
            Ok(bytes) => self.parse_or_set_aside(collection, &path, &bytes),
        }
    }

    fn parse_or_set_aside(
        &self,
        collection: &str,
        path: &Path,
        bytes: &[u8],
    ) -> Result<Loaded<Collection>, StoreError> {
        match Collection::from_file_bytes(bytes) {
            Ok(mut c) => {
                // The file name is the collection's identity.
                c.name = collection.to_string();
                Ok(Loaded::clean(c))
            }
            Err(reason) => {
                let aside = move_aside(path).map_err(|e| StoreError::io("move aside", path, e))?;
                Ok(Loaded {
                    value: Collection::new(collection),
                    moved_aside: vec![MovedAside {
                        path: path.to_path_buf(),
                        aside,
                        reason,
                    }],
                })
            }
        }
    }

    /// Every collection (for a sidebar); unreadable files are set aside and reported.
    pub fn load_all(&self) -> Result<Loaded<Vec<Collection>>, StoreError> {
        let mut out = Loaded::clean(Vec::new());
        for name in self.list()? {
            if validate_collection_name(&name).is_err() {
                continue;
            }
            match self.load(&name) {
                Ok(l) => {
                    out.value.push(l.value);
                    out.moved_aside.extend(l.moved_aside);
                }
                // Removed by another process between list and load.
                Err(StoreError::NotFound { .. }) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(out)
    }

    /// Finds `COLLECTION/REQUEST`.
    pub fn load_request(&self, collection: &str, request: &str) -> Result<Request, StoreError> {
        let c = self.load(collection)?.value;
        c.get(request).cloned().ok_or_else(|| StoreError::NotFound {
            what: "request",
            name: format!("{collection}/{request}"),
            hint: format!("`xsign collection show {collection}` lists its requests"),
        })
    }

    /// The one read-modify-write path: lock, reload from disk, apply, write atomically.
    /// `create` allows the collection not to exist yet.
    pub fn modify<T>(
        &self,
        collection: &str,
        create: bool,
        change: impl FnOnce(&mut Collection) -> Result<T, StoreError>,
    ) -> Result<Loaded<T>, StoreError> {
        validate_collection_name(collection)?;
        ensure_private_dir(&self.dir)
            .map_err(|e| StoreError::io("create the directory", &self.dir, e))?;
        let path = self.path_of(collection);
        let _lock = FileLock::acquire(&lock_path_for(&path))?;
        self.remove_stale_temp_files(collection);
        let Loaded {
            value: mut current,
            moved_aside,
        } = match std::fs::read(&path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && create => {
                Loaded::clean(Collection::new(collection))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(StoreError::NotFound {
                    what: "collection",
                    name: collection.to_string(),
                    hint: "`xsign collection list` shows the collections".into(),
                });
            }
            Err(e) => return Err(StoreError::io("read", &path, e)),
            Ok(bytes) => self.parse_or_set_aside(collection, &path, &bytes)?,
        };
        let out = change(&mut current)?;
        let bytes = current
            .to_file_bytes()
            .map_err(|source| StoreError::Encode {
                path: path.clone(),
                source,
            })?;
        write_atomic(&path, &bytes, 0o600).map_err(|e| StoreError::io("write", &path, e))?;
        Ok(Loaded {
            value: out,
            moved_aside,
        })
    }

    /// Saves write through `.<name>.json.tmp-*` while holding the lock, so under the lock
    /// any such file was left by a writer killed mid-save: it is not the collection.
    fn remove_stale_temp_files(&self, collection: &str) {
        let prefix = format!(".{collection}.json.tmp-");
        if let Ok(entries) = std::fs::read_dir(&self.dir) {
            for e in entries.flatten() {
                if e.file_name().to_string_lossy().starts_with(&prefix) {
                    let _ = std::fs::remove_file(e.path());
                }
            }
        }
    }

    /// Creates an empty collection; an existing one is an error.
    pub fn create(&self, collection: &str) -> Result<Loaded<()>, StoreError> {
        if self.exists(collection) {
            return Err(StoreError::Exists {
                what: "collection",
                name: collection.to_string(),
                hint: "pick another name".into(),
            });
        }
        self.modify(collection, true, |_| Ok(()))
    }

    /// Saves `request` (create or replace by name), creating the collection if needed.
    /// Requests saved meanwhile by another process are kept.
    pub fn save_request(
        &self,
        collection: &str,
        request: &Request,
    ) -> Result<SaveOutcome, StoreError> {
        validate_request_name(&request.name)?;
        let l = self.modify(collection, true, |c| Ok(c.upsert(request.clone())))?;
        Ok(SaveOutcome {
            created: l.value,
            name: request.name.clone(),
            moved_aside: l.moved_aside,
        })
    }

    /// Saves `request` only if no request has its name ("save as" without clobbering).
    pub fn save_request_new(
        &self,
        collection: &str,
        request: &Request,
    ) -> Result<SaveOutcome, StoreError> {
        validate_request_name(&request.name)?;
        let l = self.modify(collection, true, |c| {
            if c.get(&request.name).is_some() {
                return Err(StoreError::Exists {
                    what: "request",
                    name: format!("{collection}/{}", request.name),
                    hint: "pick another name, or save to replace it".into(),
                });
            }
            Ok(c.upsert(request.clone()))
        })?;
        Ok(SaveOutcome {
            created: l.value,
            name: request.name.clone(),
            moved_aside: l.moved_aside,
        })
    }

    pub fn rename_request(
        &self,
        collection: &str,
        from: &str,
        to: &str,
    ) -> Result<Loaded<()>, StoreError> {
        validate_request_name(to)?;
        self.modify(collection, false, |c| {
            if from != to && c.get(to).is_some() {
                return Err(StoreError::Exists {
                    what: "request",
                    name: format!("{collection}/{to}"),
                    hint: "pick another name".into(),
                });
            }
            let r = find_mut(c, collection, from)?;
            r.name = to.to_string();
            Ok(())
        })
    }

    /// Copies a request next to itself as `NAME copy` (`NAME copy 2`, ...) or `to`.
    pub fn duplicate_request(
        &self,
        collection: &str,
        from: &str,
        to: Option<&str>,
    ) -> Result<SaveOutcome, StoreError> {
        if let Some(to) = to {
            validate_request_name(to)?;
        }
        let l = self.modify(collection, false, |c| {
            let original = find_mut(c, collection, from)?.clone();
            let name = match to {
                Some(t) if c.get(t).is_some() => {
                    return Err(StoreError::Exists {
                        what: "request",
                        name: format!("{collection}/{t}"),
                        hint: "pick another name".into(),
                    });
                }
                Some(t) => t.to_string(),
                None => free_copy_name(c, from),
            };
            let at = c.requests.iter().position(|r| r.name == from).unwrap_or(0) + 1;
            c.requests.insert(
                at,
                Request {
                    name: name.clone(),
                    ..original
                },
            );
            Ok(name)
        })?;
        Ok(SaveOutcome {
            created: true,
            name: l.value,
            moved_aside: l.moved_aside,
        })
    }

    /// Removes a request and returns it (so a caller can offer undo).
    pub fn delete_request(
        &self,
        collection: &str,
        name: &str,
    ) -> Result<Loaded<Request>, StoreError> {
        self.modify(collection, false, |c| {
            find_mut(c, collection, name)?;
            let at = c.requests.iter().position(|r| r.name == name).unwrap_or(0);
            Ok(c.requests.remove(at))
        })
    }

    /// Renames a whole collection (its file). Refuses to replace an existing one.
    pub fn rename_collection(&self, from: &str, to: &str) -> Result<(), StoreError> {
        validate_collection_name(from)?;
        validate_collection_name(to)?;
        let src = self.path_of(from);
        let dst = self.path_of(to);
        let _lock = FileLock::acquire(&lock_path_for(&src))?;
        if dst.exists() {
            return Err(StoreError::Exists {
                what: "collection",
                name: to.to_string(),
                hint: "pick another name".into(),
            });
        }
        if !src.exists() {
            return Err(StoreError::NotFound {
                what: "collection",
                name: from.to_string(),
                hint: "`xsign collection list` shows the collections".into(),
            });
        }
        // Link then unlink: never replaces a collection created meanwhile.
        std::fs::hard_link(&src, &dst).map_err(|e| StoreError::io("rename", &src, e))?;
        std::fs::remove_file(&src).map_err(|e| StoreError::io("rename", &src, e))?;
        crate::atomic_file::sync_dir(&self.dir);
        let _ = std::fs::remove_file(lock_path_for(&src));
        Ok(())
    }

    /// Deletes a whole collection file.
    pub fn delete_collection(&self, collection: &str) -> Result<(), StoreError> {
        validate_collection_name(collection)?;
        let path = self.path_of(collection);
        let _lock = FileLock::acquire(&lock_path_for(&path))?;
        std::fs::remove_file(&path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => StoreError::NotFound {
                what: "collection",
                name: collection.to_string(),
                hint: "`xsign collection list` shows the collections".into(),
            },
            _ => StoreError::io("delete", &path, e),
        })?;
        crate::atomic_file::sync_dir(&self.dir);
        Ok(())
    }
}

fn find_mut<'a>(
    c: &'a mut Collection,
    collection: &str,
    name: &str,
) -> Result<&'a mut Request, StoreError> {
    c.requests
        .iter_mut()
        .find(|r| r.name == name)
        .ok_or_else(|| StoreError::NotFound {
            what: "request",
            name: format!("{collection}/{name}"),
            hint: format!("`xsign collection show {collection}` lists its requests"),
        })
}

fn free_copy_name(c: &Collection, from: &str) -> String {
    let first = format!("{from} copy");
    if c.get(&first).is_none() {
        return first;
    }
    (2..)
        .map(|n| format!("{from} copy {n}"))
        .find(|n| c.get(n).is_none())
        .expect("some copy name is free")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_join_with_one_slash() {
        let base = "https://api.qredo.network/api/v1/p";
        assert_eq!(join_url(base, "/assets"), format!("{base}/assets"));
        assert_eq!(
            join_url(&format!("{base}/"), "assets"),
            format!("{base}/assets")
        );
        assert_eq!(join_url(base, "https://x.test/a?b"), "https://x.test/a?b");
        assert_eq!(join_url(base, "?q=1"), format!("{base}?q=1"));
    }

    #[test]
    fn filter_matches_all_words() {
        let mut c = Collection::new("payments");
        c.upsert(Request::new("list assets", "GET", "/assets"));
        c.upsert(Request::new("new company", "POST", "/company"));
        let hits = filter(std::slice::from_ref(&c), "post COMP");
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].request, "new company");
        assert_eq!(filter(&[c], "").len(), 2);
    }

    #[test]
    fn names_are_checked() {
        assert!(validate_collection_name("my api").is_ok());
        for bad in ["", ".hidden", "a/b", "a\nb", " x"] {
            assert!(validate_collection_name(bad).is_err(), "{bad:?}");
        }
        assert_eq!(split_target("c/r/x"), ("c", Some("r/x")));
        assert_eq!(split_target("c"), ("c", None));
    }
}
