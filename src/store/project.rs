//! A project folder: `xsign/` beside a project's code, found by walking up from the current
//! directory (as git finds `.git`). It holds that project's collections (one folder per
//! request, the body in its own file) and scenarios, so they are committed and reviewed with
//! the code. It never holds a secret: profiles, keys, API keys and history stay in the
//! user's own directories.

use std::path::{Path, PathBuf};

/// The folder's name, and the file that marks it as xsign's.
pub const DIR: &str = "xsign";
pub const MARKER: &str = "project.toml";
const FORMAT: &str = "xsign-project/1";
/// The reference client's folder of requests, at a project's root.
const REFERENCE: &str = "requests";

/// `XSIGN_PROJECT_DIR` names the project's root instead of walking up; set empty, it turns
/// project discovery off (tests and scripts that must see only the user's collections).
pub const ENV: &str = "XSIGN_PROJECT_DIR";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Project {
    /// The folder holding `xsign/` (canonical).
    root: PathBuf,
}

#[derive(Debug, thiserror::Error)]
pub enum ProjectError {
    #[error(
        "{} is already an xsign project: its collections are in {}/collections",
        root.display(),
        root.join(DIR).display()
    )]
    Exists { root: PathBuf },
    #[error(
        "{} exists and is not an xsign project (it has no {MARKER}): run `xsign init` in another folder, or move that folder",
        path.display()
    )]
    Taken { path: PathBuf },
    #[error("cannot {what} {}: {source}", path.display())]
    Io {
        what: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
}

/// What `init` made.
#[derive(Debug, Clone)]
pub struct Init {
    pub project: Project,
    pub created: Vec<PathBuf>,
    /// A project further up that this one now sits inside.
    pub enclosing: Option<Project>,
}

impl Project {
    /// The project the current directory is in, if any (see [`ENV`]).
    pub fn discover() -> Option<Project> {
        match std::env::var_os(ENV) {
            Some(v) if v.is_empty() => None,
            Some(v) => Project::at(Path::new(&v)),
            None => Project::find_from(&std::env::current_dir().ok()?),
        }
    }

    /// The nearest folder at or above `start` holding `xsign/project.toml`.
    pub fn find_from(start: &Path) -> Option<Project> {
        start.ancestors().find_map(Project::at)
    }

    /// `dir` as a project, if it holds `xsign/project.toml`.
    pub fn at(dir: &Path) -> Option<Project> {
        if !dir.join(DIR).join(MARKER).is_file() {
            return None;
        }
        Some(Project {
            root: std::fs::canonicalize(dir).ok()?,
        })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// `ROOT/xsign`.
    pub fn dir(&self) -> PathBuf {
        self.root.join(DIR)
    }

    pub fn collections_dir(&self) -> PathBuf {
        self.dir().join("collections")
    }

    pub fn scenarios_dir(&self) -> PathBuf {
        self.dir().join("scenarios")
    }

    /// `requests`, when the project's root holds the reference client's
    /// `requests/<name>/uri` folders: they are read (and saved) in place as that collection.
    pub fn reference_requests(&self) -> Option<String> {
        let dir = self.root.join(REFERENCE);
        let has_uri = std::fs::read_dir(&dir)
            .ok()?
            .flatten()
            .any(|e| e.path().join("uri").is_file());
        has_uri.then(|| REFERENCE.to_string())
    }

    /// Makes `at/xsign/` with its marker, `collections/`, `scenarios/` (with the shipped
    /// custody scenario as an example), a `.gitignore` for xsign's lock and temp files, and
    /// a README saying what the folder holds. Nothing is overwritten.
    pub fn init(at: &Path) -> Result<Init, ProjectError> {
        let io = |what, path: &Path| {
            let path = path.to_path_buf();
            move |source| ProjectError::Io { what, path, source }
        };
        let dir = at.join(DIR);
        if dir.join(MARKER).exists() {
            return Err(ProjectError::Exists {
                root: std::fs::canonicalize(at).unwrap_or_else(|_| at.to_path_buf()),
            });
        }
        if dir.exists() {
            return Err(ProjectError::Taken { path: dir });
        }
        let enclosing = at
            .canonicalize()
            .ok()
            .and_then(|a| a.parent().and_then(Project::find_from));
        let mut created = Vec::new();
        for sub in ["collections", "scenarios"] {
            let p = dir.join(sub);
            std::fs::create_dir_all(&p).map_err(io("create", &p))?;
            created.push(p);
        }
        let marker = marker();
        let files: [(&str, &[u8]); 4] = [
            ("scenarios/custody.toml", CUSTODY),
            (".gitignore", GITIGNORE.as_bytes()),
            ("README.md", README.as_bytes()),
            // The marker last: a project is only found once it is whole.
            (MARKER, marker.as_bytes()),
        ];
        for (name, bytes) in files {
            let p = dir.join(name);
            crate::atomic_file::write_atomic(&p, bytes, super::collection::folder::FILE_MODE)
                .map_err(io("write", &p))?;
            created.push(p);
        }
        let project = Project::at(at).ok_or_else(|| ProjectError::Io {
            what: "read back",
            path: dir.join(MARKER),
            source: std::io::ErrorKind::NotFound.into(),
        })?;
        Ok(Init {
            project,
            created,
            enclosing,
        })
    }
}

fn marker() -> String {
    format!(
        "# An xsign project: this folder's collections and scenarios, committed with the code.\n\
         # Profiles, keys, API keys and history are never kept here; they stay in your own\n\
         # config and data directories (`xsign profile list`).\n\
         format = \"{FORMAT}\"\n"
    )
}

const CUSTODY: &[u8] = include_bytes!("../../assets/scenarios/custody.toml");

const GITIGNORE: &str =
    "# xsign's lock files and the temp files of an interrupted save\n.*.lock\n.*.tmp-*\n";

const README: &str = "\
# xsign project

Made by `xsign init`. xsign finds this folder from anywhere below it, as git finds `.git`.

- `collections/NAME/REQUEST/`: one folder per saved request. `uri` holds `METHOD URL`
  (the URL relative to the profile's base URL, or absolute), `body` the body byte for byte
  (what is signed is exactly this file), `headers` extra `Name: value` lines, `notes` text,
  and `name` the request's name when it cannot be the folder's.
- `scenarios/*.toml`: chained requests for `xsign run` (`xsign run xsign/scenarios/custody.toml --mock`).

Secrets never go here: a request with a secret header is refused. API keys, private keys and
profiles stay in your own directories (`xsign profile list`).
";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn init_then_found_from_below_and_never_twice() {
        let tmp = tempfile::tempdir().unwrap();
        let init = Project::init(tmp.path()).unwrap();
        assert!(init.enclosing.is_none());
        let below = tmp.path().join("src/deep");
        std::fs::create_dir_all(&below).unwrap();
        let found = Project::find_from(&below).unwrap();
        assert_eq!(found, init.project);
        assert!(found.collections_dir().is_dir());
        assert!(found.scenarios_dir().join("custody.toml").is_file());
        assert!(matches!(
            Project::init(tmp.path()),
            Err(ProjectError::Exists { .. })
        ));
        // A nested project says which one it sits in.
        let inner = Project::init(&below).unwrap();
        assert_eq!(inner.enclosing, Some(found));
    }

    #[test]
    fn a_folder_named_xsign_that_is_not_a_project_is_left_alone() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir(tmp.path().join(DIR)).unwrap();
        std::fs::write(tmp.path().join(DIR).join("main.rs"), "fn main() {}").unwrap();
        assert!(Project::find_from(tmp.path()).is_none());
        let e = Project::init(tmp.path()).unwrap_err();
        assert!(matches!(e, ProjectError::Taken { .. }), "{e}");
        assert_eq!(std::fs::read_dir(tmp.path().join(DIR)).unwrap().count(), 1);
    }
}
