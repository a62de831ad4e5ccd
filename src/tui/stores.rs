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
            config,
        }
    }
}
