//! Where xsign keeps its files. `XSIGN_CONFIG_DIR` and `XSIGN_DATA_DIR` override the
//! platform directories (tests and CI use them to stay out of the user's home).

use std::path::PathBuf;

fn project_dirs() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("network", "qredo", "xsign")
}

/// Profiles (config file) and collections.
pub fn config_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("XSIGN_CONFIG_DIR") {
        return PathBuf::from(dir);
    }
    project_dirs()
        .map(|d| d.config_dir().to_path_buf())
        .unwrap_or_else(|| PathBuf::from(".xsign/config"))
}

/// History, nonce store, demo keys.
pub fn data_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("XSIGN_DATA_DIR") {
        return PathBuf::from(dir);
    }
    project_dirs()
        .map(|d| d.data_dir().to_path_buf())
        .unwrap_or_else(|| PathBuf::from(".xsign/data"))
}

pub fn nonce_dir() -> PathBuf {
    data_dir().join("nonces")
}
