//! The files the workbench reads and writes, given to it once when it opens. Nothing in the
//! TUI finds a store by a global path, so tests root every store in a temp dir.

use crate::signing::NonceStore;
use crate::store::config::DEFAULT_HISTORY_RETENTION;
use crate::store::{CollectionStore, ConfigStore, History};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone)]
pub struct Stores {
    pub config: ConfigStore,
    pub collections: CollectionStore,
    pub history: History,
    pub nonces: NonceStore,
    /// Where first-run set-up writes a new key pair.
    pub keys_dir: PathBuf,
    /// Private scratch files (the copy of the body `$EDITOR` edits).
    pub scratch_dir: PathBuf,
    /// Where the library finds scenarios beside the shipped ones: folders (their `*.toml`)
    /// and files. The CLI gives `./scenarios` and `xsign --scenario FILE`; tests their own.
    pub scenarios: Vec<PathBuf>,
    /// The Qredo API v2 token cache.
    pub tokens: crate::store::token::TokenCache,
}

impl Stores {
    /// xsign's layout under a config dir and a data dir: the CLI passes
    /// `paths::config_dir()` and `paths::data_dir()`, tests pass temp dirs.
    pub fn in_dirs(config_dir: &Path, data_dir: &Path) -> Stores {
        let config = ConfigStore::new(config_dir.join("config.json"));
        let retention = config
            .load()
            .map(|l| l.value.history.retention)
            .unwrap_or(DEFAULT_HISTORY_RETENTION);
        Stores {
            collections: CollectionStore::new(config_dir.join("collections")),
            history: History::new(data_dir.join("history"), retention),
            nonces: NonceStore::new(data_dir.join("nonces")),
            keys_dir: config_dir.join("keys"),
            scratch_dir: data_dir.join("tmp"),
            scenarios: Vec::new(),
            tokens: crate::store::token::TokenCache::new(data_dir.join("tokens")),
            config,
        }
    }

    /// These stores with the project's collections first (the CLI passes the project the
    /// current directory is in).
    #[must_use]
    pub fn with_project(mut self, project: Option<&crate::store::project::Project>) -> Stores {
        if let Some(p) = project {
            self.collections = self.collections.with_project(p);
        }
        self
    }
}

impl Stores {
    /// The same stores, with scenarios found in `paths` (folders or files).
    pub fn with_scenarios(mut self, paths: Vec<PathBuf>) -> Stores {
        self.scenarios = paths;
        self
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                rust_files(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }

    #[test]
    fn nothing_in_the_tui_finds_a_store_by_a_global_path() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/tui");
        let mut files = Vec::new();
        rust_files(&root, &mut files);
        assert!(files.len() > 20, "{files:?}");
        for f in files {
            let text = std::fs::read_to_string(&f).unwrap();
            for (i, line) in text.lines().enumerate() {
                let code = line.split("//").next().unwrap_or("");
                // Spelled in two halves so this test does not find itself.
                for global in [concat!("open_", "default("), concat!("paths", "::")] {
                    assert!(
                        !code.contains(global),
                        "{}:{}: {global} (the runtime is given its stores)",
                        f.display(),
                        i + 1
                    );
                }
            }
        }
    }
}
