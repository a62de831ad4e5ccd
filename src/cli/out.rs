//! The CLI's one way to stdout: a closed pipe (`xsign … | head -1`) ends the process quietly.
//!
//! `println!` panics when stdout is gone ("failed printing to stdout: Broken pipe"). Every
//! command prints through [`outln!`]/[`out!`], and every error a command returns passes
//! [`is_closed_pipe`] in `cli::main`, so a reader that stops early is not a failure: the
//! output it wanted was written, the rest has nobody to read it (exit 0, as `head` expects).

use std::io::{self, Write};

/// Writes `args` to stdout; on a closed pipe ends the process with exit 0 (nothing to tell
/// anyone: the reader left), on any other write error says so on stderr and exits 1.
pub fn print(args: std::fmt::Arguments) {
    let mut out = io::stdout().lock();
    if let Err(e) = out.write_fmt(args) {
        if e.kind() == io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("error: could not write to stdout: {e}");
        std::process::exit(1);
    }
}

/// Whether a command's error is stdout having been closed by its reader.
pub fn is_closed_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        let kind = match (
            cause.downcast_ref::<io::Error>(),
            cause.downcast_ref::<serde_json::Error>(),
        ) {
            (Some(io), _) => Some(io.kind()),
            (None, Some(json)) => json.io_error_kind(),
            (None, None) => None,
        };
        kind == Some(io::ErrorKind::BrokenPipe)
    })
}

/// `println!` that cannot panic on a closed stdout.
macro_rules! outln {
    () => { $crate::cli::out::print(format_args!("\n")) };
    ($($arg:tt)*) => {
        $crate::cli::out::print(format_args!("{}\n", format_args!($($arg)*)))
    };
}

/// `print!` that cannot panic on a closed stdout.
macro_rules! out {
    ($($arg:tt)*) => { $crate::cli::out::print(format_args!($($arg)*)) };
}
