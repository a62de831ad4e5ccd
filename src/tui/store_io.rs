//! The library's file work, done by the runtime for `update`: collections and history read
//! and written through `crate::store` (atomic, locked, set aside when unreadable), and a
//! history entry diagnosed for the inspector.

use super::app::Message;
use super::errors::{InspectError, OnboardError};
use super::inspector::InspectorView;
use super::onboarding::{OnboardMessage, OnboardOp};
use super::profiles::ProfileItem;
use super::response::{ResponseView, SentRequest};
use super::session::Session;
use super::sidebar::{HISTORY_SHOWN, HistoryNotes, LibraryMessage, StoreAction, StoreOp};
use super::stores::Stores;
use crate::atomic_file::write_atomic;
use crate::credentials::{EntryKey, key_for_entry};
use crate::diagnose::{self, CheckKey, Evidence};
use crate::signing::{PrivateKey, generate_key};
use crate::store::History;
use crate::store::history::HistoryEntry;
use crate::store::profile::{ApiKeySource, PRODUCTION_URL};
use crate::store::{ConfigStore, Profile};
use std::path::PathBuf;
use std::sync::Arc;

/// One library operation on the injected stores. Runs off the UI thread.
pub fn perform(stores: &Stores, op: StoreOp) -> Message {
    let store = &stores.collections;
    let failed = |action, e| LibraryMessage::Failed {
        action,
        error: Arc::new(e),
    };
    let msg = match op {
        StoreOp::Load => load(stores),
        StoreOp::Save {
            collection,
            request,
            new_only,
        } => {
            let saved = if new_only {
                store.save_request_new(&collection, &request)
            } else {
                store.save_request(&collection, &request)
            };
            match saved {
                Ok(_) => LibraryMessage::Saved {
                    collection,
                    request,
                },
                Err(e) => failed(StoreAction::Save, e),
            }
        }
        StoreOp::Rename {
            collection,
            from,
            to,
        } => match store.rename_request(&collection, &from, &to) {
            Ok(_) => LibraryMessage::Renamed {
                collection,
                from,
                to,
            },
            Err(e) => failed(StoreAction::Rename, e),
        },
        StoreOp::Duplicate { collection, name } => {
            match store.duplicate_request(&collection, &name, None) {
                Ok(out) => {
                    LibraryMessage::Done(format!("duplicated {collection}/{name} as {}", out.name))
                }
                Err(e) => failed(StoreAction::Duplicate, e),
            }
        }
        StoreOp::Delete { collection, name } => match store.delete_request(&collection, &name) {
            Ok(_) => LibraryMessage::Deleted { collection, name },
            Err(e) => failed(StoreAction::Delete, e),
        },
    };
    Message::Library(msg)
}

fn load(stores: &Stores) -> LibraryMessage {
    let mut warnings = Vec::new();
    let collections = match stores.collections.load_all() {
        Ok(l) => {
            warnings.extend(l.moved_aside.iter().map(|m| m.to_string()));
            warnings.extend(l.unreadable.iter().cloned());
            l.value
        }
        Err(e) => {
            warnings.push(format!("cannot read the collections: {e}"));
            Vec::new()
        }
    };
    let history = match stores.history.recent(HISTORY_SHOWN) {
        Ok(h) => h,
        Err(e) => {
            warnings.push(format!("cannot read the history: {e}"));
            Vec::new()
        }
    };
    let in_project = collections
        .iter()
        .filter(|c| {
            stores.collections.origin_of(&c.name) == Some(crate::store::collection::Origin::Project)
        })
        .map(|c| c.name.clone())
        .collect();
    LibraryMessage::Loaded {
        notes: history_notes(&history, &stores.config),
        collections,
        in_project,
        history,
        warnings,
        scenarios: super::scenario_run::list(&stores.scenarios),
    }
}

/// The newest history, for the list to follow what another process records.
pub fn history(stores: &Stores) -> Option<Message> {
    let history = stores.history.recent(HISTORY_SHOWN).ok()?;
    Some(Message::Library(LibraryMessage::History {
        notes: history_notes(&history, &stores.config),
        history,
    }))
}

/// What the list shows beside each proxied entry: the lint codes the proxy put in
/// `x-xsign-lint` and, on a 1020, the doctor's headline it put in `x-xsign-doctor` (the same
/// checks on the same record, with the key that signed it).
pub fn history_notes(entries: &[HistoryEntry], config: &ConfigStore) -> HistoryNotes {
    let proxied = entries
        .iter()
        .filter(|e| e.source.as_deref() == Some(crate::proxy::SOURCE));
    let mut config_read = None;
    let now = crate::signing::now_unix();
    let mut notes = HistoryNotes::new();
    for e in proxied {
        let mut parts: Vec<String> = Vec::new();
        if let Some(body) = e.whole_body() {
            let findings =
                crate::lint::check(&crate::lint::LintInput::new(&e.method, &e.url, body, now));
            let codes: Vec<&str> = findings
                .iter()
                .filter(|f| f.severity >= crate::lint::Severity::Warning)
                .map(|f| f.kind.code())
                .collect();
            if !codes.is_empty() {
                parts.push(codes.join(","));
            }
        }
        let refused = e
            .response
            .as_ref()
            .is_some_and(|r| diagnose::ApiError::partner_auth(r.status, &r.body).is_some());
        if refused {
            let config = config_read
                .get_or_insert_with(|| config.load().map(|l| l.value).unwrap_or_default());
            let EntryKey { key, .. } = key_for_entry(e, config, None);
            let report = diagnose::diagnose(&Evidence::from_history(e, key, now));
            parts.push(diagnose::render::headline(&report));
        }
        if !parts.is_empty() {
            notes.insert(e.id, parts.join(" · "));
        }
    }
    notes
}

/// Every profile, for the switcher.
pub fn profiles(config: &ConfigStore) -> Message {
    let config = config.load().map(|l| l.value).unwrap_or_default();
    let items = config
        .profiles()
        .into_iter()
        .map(|(p, _)| {
            let mut notes = Vec::new();
            if !p.signing {
                notes.push("signing off");
            }
            if p.auth_mode == crate::signing::AuthMode::Nonce {
                notes.push("nonce");
            }
            if p.http.insecure {
                notes.push("certificate not checked");
            }
            if p.http.proxy.is_some() {
                notes.push("via proxy");
            }
            if p.http.client_cert.is_some() {
                notes.push("client cert");
            }
            if p.http.http_version == crate::store::profile::HttpVersion::Http2 {
                notes.push("HTTP/2");
            }
            ProfileItem {
                name: p.name,
                base_url: p.base_url,
                note: notes.join(", "),
            }
        })
        .collect();
    Message::Profiles(items)
}

/// A history entry as a response with the doctor's report on it.
/// History entry `id` (a scenario step's exchange), diagnosed for the inspector.
pub fn inspect_id(session: &Session, config: &ConfigStore, history: &History, id: u64) -> Message {
    match history.get(id) {
        Ok(Some(entry)) => inspect(session, config, &entry),
        Ok(None) => Message::Inspected(Err(InspectError::NotFound {
            id,
            why: "no entry with that id".into(),
        })),
        Err(e) => Message::Inspected(Err(InspectError::NotFound {
            id,
            why: e.to_string(),
        })),
    }
}

pub fn inspect(session: &Session, config: &ConfigStore, entry: &HistoryEntry) -> Message {
    let Some(response) = &entry.response else {
        return Message::Inspected(Err(InspectError::NoResponse {
            id: entry.id,
            why: entry.error.clone().unwrap_or_else(|| "no answer".into()),
        }));
    };
    let value = entry.auth.as_ref().and_then(|a| a.to_value());
    // The key that signed the entry, which may not be this profile's (another profile, or
    // `send --key`); the note says when it is not here any more.
    let in_hand = session.signer.as_ref().map(|s| CheckKey {
        public_key: s.key().public_key(),
        source: format!("the {} profile's key", session.view.name),
    });
    let config = config.load().map(|l| l.value).unwrap_or_default();
    let EntryKey { key, note } = key_for_entry(entry, &config, in_hand.as_ref());
    let evidence = Evidence::from_history(entry, key, session.clock.now().unix);
    let reason = evidence.server_reason.clone();
    let report = diagnose::diagnose(&evidence);
    let reason_text = reqwest::StatusCode::from_u16(response.status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("");
    let mut view = ResponseView::new(
        response.status,
        reason_text,
        response.headers.clone(),
        response.body.clone(),
        entry.duration_ms,
        SentRequest {
            method: entry.method.clone(),
            url: entry.url.clone(),
            value,
            hash_hex: entry.payload_hash.clone(),
            x_sign: entry.x_sign.clone(),
            body_len: usize::try_from(entry.sent_body_len()).unwrap_or(usize::MAX),
        },
    );
    view.note = note;
    let refused = view.is_partner_auth_error();
    view.inspector = Some(InspectorView::from_report(
        &report,
        reason.as_deref(),
        refused,
    ));
    Message::Inspected(Ok(Box::new(view)))
}

/// First-run set-up: a new key pair, or existing files, written into the production profile.
pub fn onboard(stores: &Stores, op: OnboardOp) -> OnboardMessage {
    match onboard_inner(stores, op) {
        Ok(m) => m,
        Err(e) => OnboardMessage::Failed(e),
    }
}

fn onboard_inner(stores: &Stores, op: OnboardOp) -> Result<OnboardMessage, OnboardError> {
    let write = |path: &std::path::Path, bytes: &[u8], mode| {
        write_atomic(path, bytes, mode).map_err(|e| OnboardError::Write {
            path: path.to_path_buf(),
            source: Arc::new(e),
        })
    };
    let dir = stores.keys_dir.clone();
    match op {
        OnboardOp::GenerateKey => {
            crate::atomic_file::ensure_private_dir(&dir).map_err(|e| OnboardError::CreateDir {
                path: dir.clone(),
                source: Arc::new(e),
            })?;
            // Never replace a key that exists: pick the next free name.
            let (key_path, public_path) = (1..)
                .map(|i| {
                    let stem = if i == 1 {
                        "private".to_string()
                    } else {
                        format!("private-{i}")
                    };
                    (
                        dir.join(format!("{stem}.pem")),
                        dir.join(format!("{}.pem", stem.replace("private", "public"))),
                    )
                })
                .find(|(k, _)| !k.exists())
                .expect("a free name");
            let key = generate_key(2048).map_err(|e| OnboardError::Key(Arc::new(e)))?;
            write(&key_path, key.to_pkcs1_pem().as_bytes(), 0o600)?;
            write(&public_path, key.public_key().to_pem().as_bytes(), 0o644)?;
            Ok(OnboardMessage::Generated {
                key_path,
                public_path,
            })
        }
        OnboardOp::SaveApiKey { key_path, api_key } => {
            let apikey = key_path.with_file_name(
                key_path
                    .file_stem()
                    .map(|s| s.to_string_lossy().replace("private", "apikey"))
                    .unwrap_or_else(|| "apikey".into()),
            );
            write(&apikey, api_key.as_bytes(), 0o600)?;
            write_profile(&stores.config, key_path, apikey)
        }
        OnboardOp::UsePaths { key, apikey } => {
            PrivateKey::from_file(&key).map_err(|e| OnboardError::Key(Arc::new(e)))?;
            crate::credentials::read_api_key(&apikey)
                .map_err(|e| OnboardError::ApiKey(format!("{e:#}")))?;
            write_profile(&stores.config, key, apikey)
        }
    }
}

fn write_profile(
    config: &ConfigStore,
    key_path: PathBuf,
    apikey: PathBuf,
) -> Result<OnboardMessage, OnboardError> {
    let name = super::onboarding::PROFILE;
    let saved = config
        .update(|c| {
            let mut p = c
                .profile(name)
                .unwrap_or_else(|| Profile::new(name, PRODUCTION_URL));
            p.key_path = key_path.clone();
            p.api_key = ApiKeySource::File(apikey.clone());
            c.upsert_profile(p);
            c.default_profile = Some(name.to_string());
            Ok(())
        })
        .map_err(|e| OnboardError::Profile(Arc::new(e)))?;
    let mut note = format!(
        "profile {name} set up with {} and {}; `xsign profile edit` changes them",
        key_path.display(),
        apikey.display()
    );
    // A damaged config looks like a first run: say where the old one was kept.
    for w in saved.warnings() {
        note.push_str(". ");
        note.push_str(&w);
    }
    Ok(OnboardMessage::Ready {
        profile: name.to_string(),
        note,
    })
}
