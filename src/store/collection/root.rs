//! One place collections live: the user's own (`NAME.json` files in the config dir, private)
//! or a project's (`NAME/` folders with one folder per request, committed with the code).
//! Each kind knows how to list, read, write, rename and delete a collection; everything else
//! a store does is built on `modify` and works the same over both.

use super::{Collection, folder};
use crate::atomic_file::{ensure_private_dir, move_aside, write_atomic};
use crate::store::lock::{FileLock, lock_path_for};
use crate::store::{Loaded, MovedAside, StoreError};
use std::path::{Path, PathBuf};

/// Where a collection comes from, as listings name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Origin {
    /// The user's, in the config dir.
    User,
    /// The project's (found by walking up from the current directory), committed with it.
    Project,
}

impl Origin {
    pub fn label(self) -> &'static str {
        match self {
            Origin::User => "user",
            Origin::Project => "project",
        }
    }
}

#[derive(Debug, Clone)]
pub(super) enum Layout {
    Files,
    /// `within` is the canonical project folder no request file may link out of.
    Folders {
        within: PathBuf,
        dialect: folder::Dialect,
    },
}

/// A project's body may be larger than the API accepts (to try a 413), within reason.
const PROJECT_BODY: crate::input_file::Kind = crate::input_file::BODY.with_max(16 * 1024 * 1024);

#[derive(Debug, Clone)]
pub(super) struct Root {
    pub dir: PathBuf,
    pub layout: Layout,
    pub origin: Origin,
    /// The one collection this root holds (the reference client's `requests/`, read in
    /// place); `None` for a directory of collections.
    pub only: Option<String>,
}

impl Root {
    pub fn path_of(&self, collection: &str) -> PathBuf {
        match self.layout {
            Layout::Files => self.dir.join(format!("{collection}.json")),
            Layout::Folders { .. } => self.dir.join(collection),
        }
    }

    pub fn exists(&self, collection: &str) -> bool {
        if self.only.as_deref().is_some_and(|o| o != collection) {
            return false;
        }
        let path = self.path_of(collection);
        match self.layout {
            Layout::Files => path.is_file(),
            Layout::Folders { .. } => path.is_dir(),
        }
    }

    /// Collection names, sorted. No directory yet means no collections.
    pub fn list(&self) -> Result<Vec<String>, StoreError> {
        if let Some(only) = &self.only {
            return Ok(self
                .exists(only)
                .then(|| only.clone())
                .into_iter()
                .collect());
        }
        let entries = match std::fs::read_dir(&self.dir) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(StoreError::io("list", &self.dir, e)),
            Ok(entries) => entries,
        };
        let mut names = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|e| StoreError::io("list", &self.dir, e))?;
            let file = entry.file_name().to_string_lossy().into_owned();
            if file.starts_with('.') {
                continue;
            }
            let name = match self.layout {
                Layout::Files => file.strip_suffix(".json").map(str::to_string),
                Layout::Folders { .. } => entry.path().is_dir().then_some(file),
            };
            names.extend(name);
        }
        names.sort();
        Ok(names)
    }

    fn not_found(collection: &str) -> StoreError {
        StoreError::NotFound {
            what: "collection",
            name: collection.to_string(),
            hint: "`xsign collection list` shows the collections".into(),
        }
    }

    /// Loads one collection. A file that does not parse is an error that leaves it as it is
    /// (`collection list` must not rename files); only a write sets it aside.
    pub fn load(&self, collection: &str) -> Result<Loaded<Collection>, StoreError> {
        let path = self.path_of(collection);
        match &self.layout {
            Layout::Files => match std::fs::read(&path) {
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    Err(Self::not_found(collection))
                }
                Err(e) => Err(StoreError::io("read", &path, e)),
                Ok(bytes) => parse(collection, &path, &bytes).map(Loaded::clean),
            },
            Layout::Folders { within, dialect } => {
                if !path.is_dir() {
                    return Err(Self::not_found(collection));
                }
                let found = folder::read(within, &path, collection, PROJECT_BODY, *dialect)?;
                let mut out = Loaded::clean(found.collection.clone());
                out.unreadable = found.unreadable(&path);
                Ok(out)
            }
        }
    }

    /// The one read-modify-write path: lock, reload from disk, apply, write (atomically, each
    /// file). `create` allows the collection not to exist yet.
    pub fn modify<T>(
        &self,
        collection: &str,
        create: bool,
        change: impl FnOnce(&mut Collection) -> Result<T, StoreError>,
    ) -> Result<Loaded<T>, StoreError> {
        let path = self.path_of(collection);
        match &self.layout {
            Layout::Files => ensure_private_dir(&self.dir),
            Layout::Folders { .. } => std::fs::create_dir_all(&self.dir),
        }
        .map_err(|e| StoreError::io("create the directory", &self.dir, e))?;
        let _lock = FileLock::acquire(&lock_path_for(&path))?;
        match &self.layout {
            Layout::Files => {
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
                        return Err(Self::not_found(collection));
                    }
                    Err(e) => return Err(StoreError::io("read", &path, e)),
                    Ok(bytes) => parse_or_set_aside(collection, &path, &bytes)?,
                };
                let out = change(&mut current)?;
                let bytes = current
                    .to_file_bytes()
                    .map_err(|source| StoreError::Encode {
                        path: path.clone(),
                        source,
                    })?;
                write_atomic(&path, &bytes, 0o600)
                    .map_err(|e| StoreError::io("write", &path, e))?;
                Ok(Loaded {
                    value: out,
                    moved_aside,
                    unreadable: Vec::new(),
                })
            }
            Layout::Folders { within, dialect } => {
                let found = if path.is_dir() {
                    folder::read(within, &path, collection, PROJECT_BODY, *dialect)?
                } else if create {
                    folder::Found {
                        collection: Collection::new(collection),
                        slots: Vec::new(),
                    }
                } else {
                    return Err(Self::not_found(collection));
                };
                let unreadable = found.unreadable(&path);
                let mut current = found.collection;
                let out = change(&mut current)?;
                folder::write(&path, &found.slots, &current, *dialect)?;
                Ok(Loaded {
                    value: out,
                    moved_aside: Vec::new(),
                    unreadable,
                })
            }
        }
    }

    /// Renames a whole collection. Refuses to replace an existing one.
    pub fn rename(&self, from: &str, to: &str) -> Result<(), StoreError> {
        self.refuse_in_place("rename")?;
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
        if !self.exists(from) {
            return Err(Self::not_found(from));
        }
        match self.layout {
            // Link then unlink: never replaces a collection created meanwhile.
            Layout::Files => {
                std::fs::hard_link(&src, &dst).map_err(|e| StoreError::io("rename", &src, e))?;
                std::fs::remove_file(&src).map_err(|e| StoreError::io("rename", &src, e))?;
            }
            // rename(2) would replace an empty folder made meanwhile; nothing is lost then.
            Layout::Folders { .. } => {
                std::fs::rename(&src, &dst).map_err(|e| StoreError::io("rename", &src, e))?;
            }
        }
        crate::atomic_file::sync_dir(&self.dir);
        let _ = std::fs::remove_file(lock_path_for(&src));
        Ok(())
    }

    /// Deletes a whole collection. A project folder keeps whatever is not xsign's (it says so).
    pub fn delete(&self, collection: &str) -> Result<(), StoreError> {
        self.refuse_in_place("delete")?;
        let path = self.path_of(collection);
        let _lock = FileLock::acquire(&lock_path_for(&path))?;
        match &self.layout {
            Layout::Files => std::fs::remove_file(&path).map_err(|e| match e.kind() {
                std::io::ErrorKind::NotFound => Self::not_found(collection),
                _ => StoreError::io("delete", &path, e),
            })?,
            Layout::Folders { within, dialect } => {
                if !path.is_dir() {
                    return Err(Self::not_found(collection));
                }
                let found = folder::read(within, &path, collection, PROJECT_BODY, *dialect)?;
                folder::write(&path, &found.slots, &Collection::new(collection), *dialect)?;
                if let Err(e) = std::fs::remove_dir(&path) {
                    return Err(StoreError::io(
                        "delete (its requests are gone; it still holds files that are not xsign's, or folders it could not read)",
                        &path,
                        e,
                    ));
                }
            }
        }
        crate::atomic_file::sync_dir(&self.dir);
        let _ = std::fs::remove_file(lock_path_for(&path));
        Ok(())
    }
}

impl Root {
    /// The reference client's folder is the reference client's: xsign edits the requests in
    /// it but leaves the folder itself where its tool expects it.
    fn refuse_in_place(&self, what: &'static str) -> Result<(), StoreError> {
        match &self.only {
            Some(name) => Err(StoreError::io(
                what,
                self.path_of(name),
                std::io::Error::other(
                    "it is the reference client's requests/ folder, read in place: rename or remove it with git or your file manager",
                ),
            )),
            None => Ok(()),
        }
    }
}

/// For a write: the collection on disk, or a fresh one after a file that does not parse
/// was moved aside (and reported), so the write never overwrites it.
fn parse_or_set_aside(
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
