//! Body and URL checks that predict a failed signature before sending. Pure.

pub mod escape;

pub use escape::{escape_into, escape_invisibles, is_invisible};
