//! Profiles, collections and history on disk. Pure apart from file I/O: no terminal,
//! no sockets. Every write is atomic and mode 0600; unreadable files are set aside.

mod body;
pub mod collection;
pub mod config;
mod config_file;
pub mod demo;
mod error;
pub mod export;
pub mod history;
pub mod history_entry;
pub mod http_settings;
pub mod import;
pub mod lock;
pub mod openapi;
pub mod profile;
pub mod project;
mod resolved;
pub mod starter;
pub mod token;

pub use collection::{Collection, CollectionStore, Request, RequestRef, SaveOutcome};
pub use config::{
    Config, ConfigStore, ProfileError, ProfileOrigin, ResolvedProfile, resolve_selected,
};
pub use error::{Loaded, MovedAside, StoreError};
pub use history::{AuthRecord, History, HistoryEntry, KeyRecord, ResponseRecord};
pub use profile::{ApiKeySource, Profile};
