//! Widgets the panes are built from: the body editor and the one-line text input.

pub mod editor;
pub mod text_input;
