//! Helpers shared by commands: reading keys, API keys and bodies the same way everywhere.
