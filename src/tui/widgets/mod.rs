//! Widgets the panes are built from: the body editor, the one-line text input and the one
//! soft-wrap rule.

pub mod editor;
pub mod text_input;
pub mod wrap;
