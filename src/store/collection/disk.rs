//! The collections directory: list, load (an unreadable file is reported and left as it
//! is), and change a collection under its lock (reload, change, atomic write; a file that
//! does not parse is first kept aside).

use super::{Collection, Request, validate_collection_name, validate_request_name};
use crate::atomic_file::{ensure_private_dir, move_aside, write_atomic};
use crate::store::lock::{FileLock, lock_path_for};
use crate::store::{Loaded, MovedAside, StoreError};
use std::path::{Path, PathBuf};

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

    /// Loads one collection. A file that does not parse is an error that leaves it as it is
    /// (`collection list` must not rename files); only a write sets it aside.
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
            Ok(bytes) => parse(collection, &path, &bytes).map(Loaded::clean),
        }
    }

    /// For a write: the collection on disk, or a fresh one after a file that does not parse
    /// was moved aside (and reported), so the write never overwrites it.
    fn parse_or_set_aside(
        &self,
        collection: &str,
        path: &Path,
        bytes: &[u8],
    ) -> Result<Loaded<Collection>, StoreError> {
        match parse(collection, path, bytes) {
            Err(StoreError::Damaged { reason, .. }) => {
                let aside = move_aside(path).map_err(|e| StoreError::io("move aside", path, e))?;
                let mut out = Loaded::clean(Collection::new(collection));
                out.moved_aside.push(MovedAside {
                    path: path.to_path_buf(),
                    aside,
                    reason,
                });
                Ok(out)
            }
            other => other.map(Loaded::clean),
        }
    }

    /// Every collection (for a sidebar); files that do not parse are reported, left as they are.
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
                // One damaged file does not hide the others; it is named, not moved.
                Err(e @ StoreError::Damaged { .. }) => out.unreadable.push(e.to_string()),
                // Removed by another process between list and load.
                Err(StoreError::NotFound { .. }) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(out)
    }

    /// `err` (no collection `name`) with the targets to give instead when requests of that
    /// name exist: `xsign replay mine` for the request saved as `default/mine`.
    pub fn hint_for_bare_name(&self, name: &str, err: StoreError) -> StoreError {
        let Ok(all) = self.load_all() else {
            return err;
        };
        let targets: Vec<String> = all
            .value
            .iter()
            .filter(|c| c.get(name).is_some())
            .map(|c| format!("{}/{name}", c.name))
            .collect();
        match (err, targets.is_empty()) {
            (StoreError::NotFound { what, name, .. }, false) => StoreError::NotFound {
                what,
                hint: format!(
                    "A request of that name is saved as {}: give COLLECTION/REQUEST, e.g. `xsign replay {}`",
                    targets.join(", "),
                    targets[0]
                ),
                name,
            },
            (err, _) => err,
        }
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
        crate::atomic_file::remove_stale_temps(&path);
        let Loaded {
            value: mut current,
            moved_aside,
            ..
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
            unreadable: Vec::new(),
        })
    }

    /// Saves write through `.<name>.json.tmp-*` while holding the lock, so under the lock
    /// any such file was left by a writer killed mid-save: it is not the collection.
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

/// The collection in `bytes`, named by its file; a newer format or damage is an error.
fn parse(collection: &str, path: &Path, bytes: &[u8]) -> Result<Collection, StoreError> {
    if let Some(format) = Collection::newer_format(bytes) {
        return Err(StoreError::NewerFormat {
            path: path.to_path_buf(),
            format,
            reads: Collection::FORMAT,
        });
    }
    let mut c = Collection::from_file_bytes(bytes).map_err(|reason| StoreError::Damaged {
        path: path.to_path_buf(),
        reason,
    })?;
    // The file name is the collection's identity.
    c.name = collection.to_string();
    Ok(c)
}
