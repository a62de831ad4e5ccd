//! Profiles, collections and history on disk. Pure apart from file I/O.
