//! The config file on disk: read without moving anything, changed under a lock and
//! written atomically (0600), marked with its format so an older xsign refuses a newer one.

use super::config::Config;
use super::lock::{FileLock, lock_path_for};
use super::{Loaded, MovedAside, StoreError};
use crate::atomic_file::{ensure_private_dir, move_aside, write_atomic};
use std::path::{Path, PathBuf};

/// The config format this xsign writes and reads; a file marked with a higher one is
/// refused and left untouched.
pub const CONFIG_FORMAT: &str = "xsign-config/1";

/// The format marker written at the head of the config file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct ConfigFormat(String);

impl Default for ConfigFormat {
    fn default() -> Self {
        ConfigFormat(CONFIG_FORMAT.to_string())
    }
}

/// The format of a config file this xsign is too old to read, if it is one.
/// What the head of a config file says of its format: this one (or none, from before
/// formats were written), a newer one, or something no xsign writes.
enum Format {
    Readable,
    Newer(String),
    Unknown(String),
}

fn format_of(object: &serde_json::Map<String, serde_json::Value>) -> Format {
    let number = |f: &str| f.strip_prefix("xsign-config/")?.parse::<u64>().ok();
    let ours = number(CONFIG_FORMAT).unwrap_or(1);
    match object.get("format") {
        None => Format::Readable,
        Some(serde_json::Value::String(f)) => match number(f) {
            Some(n) if n > ours => Format::Newer(f.clone()),
            Some(_) => Format::Readable,
            None => Format::Unknown(f.clone()),
        },
        Some(other) => Format::Unknown(other.to_string()),
    }
}

/// The config file on disk.
#[derive(Debug, Clone)]
pub struct ConfigStore {
    path: PathBuf,
}

impl ConfigStore {
    /// `config_dir()/config.json`.
    pub fn open_default() -> Self {
        ConfigStore::new(crate::paths::config_dir().join("config.json"))
    }

    pub fn new(path: impl Into<PathBuf>) -> Self {
        ConfigStore { path: path.into() }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The config, or the defaults when there is no file yet. A read never moves a file:
    /// one that does not parse is reported in `unreadable` and the defaults are used; the
    /// next change keeps it aside first. A file from a newer xsign is refused.
    pub fn load(&self) -> Result<Loaded<Config>, StoreError> {
        match self.read()? {
            Read::Missing => Ok(Loaded::clean(Config::default())),
            Read::Config(config) => Ok(Loaded::clean(config)),
            Read::Damaged(reason) => Ok(Loaded {
                value: Config::default(),
                moved_aside: Vec::new(),
                unreadable: vec![format!(
                    "{} cannot be read ({reason}): the built-in profiles are used and the file is left as it is. Fix it, or the next profile change keeps it aside as .corrupt-<time> and starts afresh",
                    self.path.display()
                )],
            }),
        }
    }

    fn read(&self) -> Result<Read, StoreError> {
        // A config is a few KiB; a huge file there is not one, and is not read whole.
        const MAX: u64 = 16 * 1024 * 1024;
        let bytes = match std::fs::metadata(&self.path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Read::Missing),
            Ok(m) if m.is_file() && m.len() > MAX => {
                return Ok(Read::Damaged(format!(
                    "it holds {} bytes, more than a config file",
                    m.len()
                )));
            }
            _ => std::fs::read(&self.path).map_err(|e| StoreError::io("read", &self.path, e))?,
        };
        let object = match serde_json::from_slice::<serde_json::Value>(&bytes) {
            Ok(serde_json::Value::Object(object)) => object,
            // serde would read `[]` as an empty config; it is not one.
            Ok(_) => return Ok(Read::Damaged("it is not a JSON object".into())),
            Err(e) => return Ok(Read::Damaged(format!("not valid JSON: {e}"))),
        };
        match format_of(&object) {
            Format::Readable => {}
            Format::Newer(format) => {
                return Err(StoreError::NewerFormat {
                    path: self.path.clone(),
                    format,
                    reads: CONFIG_FORMAT,
                });
            }
            Format::Unknown(format) => {
                return Ok(Read::Damaged(format!(
                    "its format {format} is not one xsign writes ({CONFIG_FORMAT})"
                )));
            }
        }
        Ok(
            match serde_json::from_value::<Config>(serde_json::Value::Object(object)) {
                Ok(config) => Read::Config(config),
                Err(e) => Read::Damaged(e.to_string()),
            },
        )
    }

    /// Lock, reload, change, write atomically (mode 0600: it may hold an inline key).
    /// Another process's change made in between is kept.
    pub fn update<T>(
        &self,
        change: impl FnOnce(&mut Config) -> Result<T, StoreError>,
    ) -> Result<Loaded<T>, StoreError> {
        let dir = self.path.parent().unwrap_or(Path::new("."));
        ensure_private_dir(dir).map_err(|e| StoreError::io("create the directory", dir, e))?;
        let _lock = FileLock::acquire(&lock_path_for(&self.path))?;
        crate::atomic_file::remove_stale_temps(&self.path);
        let (mut config, damaged) = match self.read()? {
            Read::Missing => (Config::default(), None),
            Read::Config(config) => (config, None),
            Read::Damaged(reason) => (Config::default(), Some(reason)),
        };
        let out = change(&mut config)?;
        // Written in this xsign's format, whatever marker the file had.
        config.format = ConfigFormat::default();
        // Only a change that will be written moves the damaged file, just before: a change
        // refused on the way (a profile that is not there) leaves it where it was.
        let mut moved_aside = Vec::new();
        if let Some(reason) = damaged {
            let aside = move_aside(&self.path)
                .map_err(|err| StoreError::io("move aside", &self.path, err))?;
            moved_aside.push(MovedAside {
                path: self.path.clone(),
                aside,
                reason,
            });
        }
        let mut bytes =
            serde_json::to_vec_pretty(&config).map_err(|source| StoreError::Encode {
                path: self.path.clone(),
                source,
            })?;
        bytes.push(b'\n');
        write_atomic(&self.path, &bytes, 0o600)
            .map_err(|e| StoreError::io("write", &self.path, e))?;
        Ok(Loaded {
            value: out,
            moved_aside,
            unreadable: Vec::new(),
        })
    }
}

/// What is on disk at the config's path.
enum Read {
    Missing,
    Config(Config),
    Damaged(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_killed_save_leaves_no_temp_file_after_the_next() {
        let dir = tempfile::tempdir().unwrap();
        let store = ConfigStore::new(dir.path().join("config.json"));
        store.update(|_| Ok(())).unwrap();
        // What a save killed between write and rename leaves: it may hold an inline key.
        let stale = dir.path().join(".config.json.tmp-99-1");
        std::fs::write(&stale, br#"{"profiles":[{"api_key":{"inline":"secret"}}]}"#).unwrap();
        let other = dir.path().join(".other.json.tmp-99-1");
        std::fs::write(&other, b"not ours").unwrap();
        store
            .update(|c| {
                c.default_profile = Some("play".into());
                Ok(())
            })
            .unwrap();
        assert!(!stale.exists(), "the next save cleans up");
        assert!(other.exists(), "another file's temp is left alone");
    }

    #[test]
    fn a_corrupt_config_is_left_by_a_read_and_moved_aside_by_a_write() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.json");
        std::fs::write(&path, b"{not json").unwrap();
        let store = ConfigStore::new(&path);
        let loaded = store.load().unwrap();
        assert_eq!(loaded.value, Config::default());
        assert!(loaded.moved_aside.is_empty());
        assert!(
            loaded.unreadable[0].contains("left as it is"),
            "{:?}",
            loaded.unreadable
        );
        assert_eq!(
            std::fs::read(&path).unwrap(),
            b"{not json",
            "a read moves nothing"
        );
        let changed = store
            .update(|c| {
                c.default_profile = Some("demo".into());
                Ok(())
            })
            .unwrap();
        assert_eq!(changed.moved_aside.len(), 1);
        assert_eq!(
            std::fs::read(&changed.moved_aside[0].aside).unwrap(),
            b"{not json"
        );
        let saved = std::fs::read_to_string(&path).unwrap();
        assert!(saved.contains("\"format\": \"xsign-config/1\""), "{saved}");
    }

    #[test]
    fn a_change_refused_on_the_way_leaves_a_damaged_config_where_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.json");
        std::fs::write(&path, b"{not json").unwrap();
        let store = ConfigStore::new(&path);
        let refused = store.update(|_| -> Result<(), StoreError> {
            Err(StoreError::NotFound {
                what: "profile",
                name: "mine".into(),
                hint: String::new(),
            })
        });
        assert!(refused.is_err());
        assert_eq!(std::fs::read(&path).unwrap(), b"{not json");
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            2,
            "config and lock"
        );
    }

    #[test]
    fn a_newer_config_is_refused_and_left_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.json");
        let newer = br#"{"format":"xsign-config/7","profiles":"another shape"}"#;
        std::fs::write(&path, newer).unwrap();
        let store = ConfigStore::new(&path);
        let err = store.load().unwrap_err().to_string();
        assert!(
            err.contains("made by a newer xsign") && err.contains("xsign-config/7"),
            "{err}"
        );
        let err = store.update(|_| Ok(())).unwrap_err().to_string();
        assert!(err.contains("newer xsign"), "{err}");
        assert_eq!(std::fs::read(&path).unwrap(), newer);
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            2,
            "config and its lock only"
        );
        // A format no xsign writes, or a file that is not an object, is damage: left by a
        // read, kept aside by a write (it used to be read as defaults and overwritten).
        for odd in [&br#"{"format":"banana","future":1}"#[..], b"[]"] {
            std::fs::write(&path, odd).unwrap();
            let loaded = store.load().unwrap();
            assert_eq!(
                loaded.unreadable.len(),
                1,
                "{:?}",
                String::from_utf8_lossy(odd)
            );
            let saved = store.update(|_| Ok(())).unwrap();
            assert_eq!(std::fs::read(&saved.moved_aside[0].aside).unwrap(), odd);
        }
        // A file of this format, or one from before formats were written, is read.
        std::fs::write(&path, br#"{"default_profile":"demo"}"#).unwrap();
        assert_eq!(
            store.load().unwrap().value.default_profile.as_deref(),
            Some("demo")
        );
    }
}
