//! Which key to check a recorded request with: the one that signed it, found by the
//! fingerprint and file the history kept, so `doctor --history` and the workbench's
//! inspector do not blame the profile's current key for a request another key signed.

use crate::diagnose::CheckKey;
use crate::signing::{PrivateKey, short_fingerprint};
use crate::store::{Config, HistoryEntry};
use std::path::Path;

/// The key chosen for an entry, and what to tell the user about the choice.
#[derive(Debug, Clone, Default)]
pub struct EntryKey {
    pub key: Option<CheckKey>,
    /// Set when the key that signed could not be found, so the check uses another.
    pub note: Option<String>,
}

/// Picks the key for `entry`: a key in hand (the workbench's own), the file the history
/// recorded, or the key of the profile it was sent with, whichever has the fingerprint
/// that signed. When none has it, the first one found is used and `note` says so.
pub fn key_for_entry(
    entry: &HistoryEntry,
    config: &Config,
    in_hand: Option<&CheckKey>,
) -> EntryKey {
    let recorded = entry.key.as_ref();
    let from_file = |path: &Path, source: String| {
        PrivateKey::from_file(path).ok().map(|k| CheckKey {
            public_key: k.public_key(),
            source,
        })
    };
    let recorded_file = recorded
        .and_then(|r| r.path.as_deref())
        .and_then(|p| from_file(p, p.display().to_string()));
    let profile_file = config.profile(&entry.profile).and_then(|p| {
        let source = format!("{} (the {} profile's key)", p.key_path.display(), p.name);
        from_file(&p.key_path, source)
    });
    let Some(recorded) = recorded else {
        // An entry from before keys were recorded: the profile's key, as it was then.
        return EntryKey {
            key: profile_file.or_else(|| in_hand.cloned()),
            note: None,
        };
    };
    let candidates: Vec<CheckKey> = in_hand
        .cloned()
        .into_iter()
        .chain(recorded_file)
        .chain(profile_file)
        .collect();
    if let Some(k) = candidates
        .iter()
        .find(|k| k.public_key.info().fingerprint == recorded.fingerprint)
    {
        return EntryKey {
            key: Some(k.clone()),
            note: None,
        };
    }
    let signer = match &recorded.path {
        Some(p) => format!(
            "{} ({})",
            short_fingerprint(&recorded.fingerprint),
            p.display()
        ),
        None => short_fingerprint(&recorded.fingerprint).to_string(),
    };
    let key = candidates.into_iter().next();
    let note = Some(match &key {
        Some(k) => format!(
            "history #{} was signed with key {signer}, which is not here any more: checking with {} ({}) instead",
            entry.id,
            k.source,
            short_fingerprint(&k.public_key.info().fingerprint)
        ),
        None => format!(
            "history #{} was signed with key {signer}, which is not here any more: pass --key FILE to check its x-sign",
            entry.id
        ),
    });
    EntryKey { key, note }
}
