//! The collections a command sees (a project's and the user's): list, load (an unreadable
//! file is reported and left as it is), and change a request under the collection's lock.

use super::folder::Dialect;
use super::root::{Layout, Origin, Root};
use super::{
    Collection, Request, validate_collection_name, validate_request_headers, validate_request_name,
};
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

/// The collections xsign sees: a project's (when the current directory is in one) and the
/// user's own. A name is looked up in the project first; a new collection goes to the
/// project when there is one. Every change is lock, reload, change, write, so two processes
/// saving to one collection both keep their saves.
#[derive(Debug, Clone)]
pub struct CollectionStore {
    roots: Vec<Root>,
}

impl CollectionStore {
    /// The user's `config_dir()/collections`, and the project found from the current
    /// directory (if any).
    pub fn open_default() -> Self {
        let user = Self::user_default();
        match crate::store::project::Project::discover() {
            Some(p) => user.with_project(&p),
            None => user,
        }
    }

    /// Only the user's own collections in `config_dir()/collections`.
    pub fn user_default() -> Self {
        CollectionStore::new(crate::paths::config_dir().join("collections"))
    }

    /// The user's collections in `dir` (one private JSON file each).
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        CollectionStore {
            roots: vec![Root {
                dir: dir.into(),
                layout: Layout::Files,
                origin: Origin::User,
                only: None,
            }],
        }
    }

    /// These collections and, first, the project's.
    #[must_use]
    pub fn with_project(mut self, project: &crate::store::project::Project) -> Self {
        self.roots.retain(|r| r.origin != Origin::Project);
        let folders = |dialect| Layout::Folders {
            within: project.root().to_path_buf(),
            dialect,
        };
        let mut project_roots = vec![Root {
            dir: project.collections_dir(),
            layout: folders(Dialect::Xsign),
            origin: Origin::Project,
            only: None,
        }];
        if let Some(name) = project.reference_requests() {
            project_roots.push(Root {
                dir: project.root().to_path_buf(),
                layout: folders(Dialect::Reference),
                origin: Origin::Project,
                only: Some(name),
            });
        }
        self.roots.splice(0..0, project_roots);
        self
    }

    /// Where a new collection goes: the project's folder if there is one, else the user's.
    pub fn dir(&self) -> &Path {
        &self.roots[0].dir
    }

    /// The root holding `collection`, or where it would be created.
    fn root_of(&self, collection: &str) -> &Root {
        self.roots
            .iter()
            .find(|r| r.exists(collection))
            .unwrap_or(&self.roots[0])
    }

    /// The file (user) or folder (project) holding `collection`, or where it would go.
    pub fn path_of(&self, collection: &str) -> PathBuf {
        self.root_of(collection).path_of(collection)
    }

    /// Whose `collection` is; `None` when there is none of that name.
    pub fn origin_of(&self, collection: &str) -> Option<Origin> {
        self.roots
            .iter()
            .find(|r| r.exists(collection))
            .map(|r| r.origin)
    }

    /// Collection names: the project's, then the user's (sorted in each). A user collection
    /// with a project collection's name is hidden by it.
    pub fn list(&self) -> Result<Vec<String>, StoreError> {
        let mut names: Vec<String> = Vec::new();
        for root in &self.roots {
            for n in root.list()? {
                if !names.contains(&n) {
                    names.push(n);
                }
            }
        }
        Ok(names)
    }

    pub fn exists(&self, collection: &str) -> bool {
        self.roots.iter().any(|r| r.exists(collection))
    }

    /// Loads one collection. A file that does not parse is an error that leaves it as it is
    /// (`collection list` must not rename files); only a write sets it aside.
    pub fn load(&self, collection: &str) -> Result<Loaded<Collection>, StoreError> {
        validate_collection_name(collection)?;
        self.root_of(collection).load(collection)
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
                    out.unreadable.extend(l.unreadable);
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
    /// `create` allows the collection not to exist yet (it is made where [`Self::dir`] is).
    pub fn modify<T>(
        &self,
        collection: &str,
        create: bool,
        change: impl FnOnce(&mut Collection) -> Result<T, StoreError>,
    ) -> Result<Loaded<T>, StoreError> {
        validate_collection_name(collection)?;
        self.root_of(collection).modify(collection, create, change)
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
        let l = self.modify(collection, true, |c| {
            // A secret header an older xsign saved may stay as it was (the request must
            // still be savable after a body edit); a new or changed one is refused.
            validate_request_headers(request, c.get(&request.name))?;
            Ok(c.upsert(request.clone()))
        })?;
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
        validate_request_headers(request, None)?;
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

    /// Renames a whole collection. Refuses to replace an existing one (anywhere: a project
    /// collection would hide a user one of that name).
    pub fn rename_collection(&self, from: &str, to: &str) -> Result<(), StoreError> {
        validate_collection_name(from)?;
        validate_collection_name(to)?;
        if from != to && self.exists(to) {
            return Err(StoreError::Exists {
                what: "collection",
                name: to.to_string(),
                hint: "pick another name".into(),
            });
        }
        self.root_of(from).rename(from, to)
    }

    /// Deletes a whole collection.
    pub fn delete_collection(&self, collection: &str) -> Result<(), StoreError> {
        validate_collection_name(collection)?;
        self.root_of(collection).delete(collection)
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
