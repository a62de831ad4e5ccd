//! The CLI's one way to stdout: a closed pipe (`xsign … | head -1`) ends the process quietly.
//!
//! `println!` panics when stdout is gone ("failed printing to stdout: Broken pipe"). Every
//! command prints through [`outln!`]/[`out!`], and every error a command returns passes
//! [`is_closed_pipe`] in `cli::main`, so a reader that stops early is not a failure: the
//! output it wanted was written, the rest has nobody to read it (exit 0, as `head` expects).

use std::io::{self, Write};

/// Writes `args` to stdout; on a closed pipe ends the process with exit 0 (nothing to tell
/// anyone: the reader left), on any other write error says so on stderr and exits 1.
///
/// On a terminal, control characters other than newline and tab are shown as stand-ins
/// (`crate::visible`): a URL or header holding `ESC ] 0;…` must not retitle the window. To a
/// pipe or file the bytes go unchanged, so scripts get exactly what was signed.
pub fn print(args: std::fmt::Arguments) {
    use std::io::IsTerminal;
    let mut out = io::stdout().lock();
    let written = if out.is_terminal() {
        out.write_all(crate::visible::visible(&args.to_string()).as_bytes())
    } else {
        out.write_fmt(args)
    };
    if let Err(e) = written {
        if e.kind() == io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("error: could not write to stdout: {e}");
        std::process::exit(1);
    }
}

/// Writes `args` to stderr, every control character but newline and tab shown as a
/// stand-in: messages quote URLs, headers and servers' words, which a terminal would obey.
pub fn eprint(args: std::fmt::Arguments) {
    let _ = stderr().write_fmt(args);
}

/// A writer that shows control characters as stand-ins on the way through (see
/// [`crate::visible`]): for text a command writes piece by piece to stderr, or to stdout
/// when that is a terminal. Each piece `write!` hands it is whole text, so no character is
/// split between two writes.
pub struct Visible<W: Write> {
    inner: W,
    active: bool,
}

/// Stderr for messages: always shown visibly.
pub fn stderr() -> Visible<io::StderrLock<'static>> {
    Visible {
        inner: io::stderr().lock(),
        active: true,
    }
}

/// Stdout for text (not bodies): shown visibly on a terminal, unchanged into a pipe.
pub fn stdout_text() -> Visible<io::StdoutLock<'static>> {
    use std::io::IsTerminal;
    let inner = io::stdout().lock();
    let active = inner.is_terminal();
    Visible { inner, active }
}

impl<W: Write> Write for Visible<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if !self.active {
            return self.inner.write(buf);
        }
        match std::str::from_utf8(buf) {
            Ok(text) => self
                .inner
                .write_all(crate::visible::visible(text).as_bytes())?,
            // Not text: only the control bytes are replaced.
            Err(_) => {
                for &b in buf {
                    match crate::visible::stand_in(char::from(b)) {
                        Some(s) if b < 0x80 && b != b'\n' && b != b'\t' => {
                            self.inner.write_all(s.as_bytes())?;
                        }
                        _ => self.inner.write_all(&[b])?,
                    }
                }
            }
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
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

/// `eprintln!` whose text cannot drive the terminal (see [`eprint`]).
macro_rules! errln {
    () => { $crate::cli::out::eprint(format_args!("\n")) };
    ($($arg:tt)*) => {
        $crate::cli::out::eprint(format_args!("{}\n", format_args!($($arg)*)))
    };
}

/// `print!` that cannot panic on a closed stdout.
macro_rules! out {
    ($($arg:tt)*) => { $crate::cli::out::print(format_args!($($arg)*)) };
}
