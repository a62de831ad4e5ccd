//! Operations `xsign import openapi` saved for completion: one catalog file per imported
//! collection under the config dir's `catalogs/`, in the builtin catalog's format. The
//! workbench completes from the builtin catalog and these.

use super::{Catalog, Endpoint};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// A catalog file is one imported document's operations: bounded like a collection.
const MAX: u64 = 16 * 1024 * 1024;

/// Where the imported catalogs live.
pub fn dir() -> PathBuf {
    crate::paths::config_dir().join("catalogs")
}

/// Saves the operations imported as `name` (mode 0600, atomically), replacing an earlier
/// import of the same name.
pub fn save(name: &str, endpoints: &[serde_json::Value]) -> std::io::Result<PathBuf> {
    let dir = dir();
    crate::atomic_file::ensure_private_dir(&dir)?;
    let file: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let path = dir.join(format!("{file}.json"));
    let text = serde_json::to_vec(&serde_json::json!({ "endpoints": endpoints }))
        .expect("a JSON value always serializes");
    crate::atomic_file::write_atomic(&path, &text, 0o600)?;
    Ok(path)
}

impl Catalog {
    /// The builtin catalog, then the imported operations it does not have, read once per
    /// process. An unreadable or invalid file is skipped: completion is a convenience.
    pub fn with_imported() -> &'static Catalog {
        static CATALOG: OnceLock<Catalog> = OnceLock::new();
        CATALOG.get_or_init(|| Catalog::builtin().extended_from(&dir()))
    }

    /// This catalog with the operations of every `*.json` catalog in `dir` it lacks.
    pub fn extended_from(&self, dir: &Path) -> Catalog {
        let mut endpoints = self.endpoints.clone();
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
            .into_iter()
            .flatten()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        files.sort();
        let kind = crate::input_file::COLLECTION.with_max(MAX);
        for f in files {
            let Ok(text) = crate::input_file::read_text(&f, kind) else {
                continue;
            };
            let Ok(c) = Catalog::from_json(&text) else {
                continue;
            };
            for e in c.endpoints {
                if !endpoints
                    .iter()
                    .any(|have: &Endpoint| have.method == e.method && have.path == e.path)
                {
                    endpoints.push(e);
                }
            }
        }
        Catalog { endpoints }
    }
}
