//! The body a command signs or sends: read byte-exact from a file or stdin, within a bound
//! (`--max-body`, 1 MiB by default: what the API takes), so `--body-file /dev/zero` is an
//! error and not gigabytes of memory.

use crate::input_file::{self, Kind, ReadError, StreamError};
use std::io::IsTerminal;
use std::path::Path;

/// The most `--max-body` accepts: beyond any body the API or the mock would read.
pub const MAX_BODY_FLAG: u64 = 4 * 1024 * 1024 * 1024;

/// The shared `--max-body` flag of every command that reads a body.
#[derive(clap::Args, Debug, Clone, Copy)]
pub struct BodyLimit {
    /// The largest body read from a file or stdin: bytes, or with KiB/MiB/GiB (the API refuses
    /// bodies over 1 MiB; raise this to try that on purpose)
    #[arg(long, value_name = "SIZE", default_value = "1MiB", value_parser = parse_size)]
    pub max_body: u64,
}

impl Default for BodyLimit {
    fn default() -> Self {
        BodyLimit {
            max_body: input_file::BODY.max,
        }
    }
}

impl BodyLimit {
    pub fn kind(self) -> Kind {
        input_file::BODY.with_max(self.max_body)
    }
}

/// Value parser of `--max-body SIZE`: a byte count, optionally with K/KiB, M/MiB or G/GiB
/// (binary multiples either way), above 0 and at most 4 GiB.
pub fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (digits, unit) = t.split_at(split);
    let unit_bytes: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kib" | "kb" => 1024,
        "m" | "mib" | "mb" => 1024 * 1024,
        "g" | "gib" | "gb" => 1024 * 1024 * 1024,
        _ => {
            return Err(format!(
                "`{s}` is not a size: give bytes, or e.g. 512KiB, 1MiB, 2GiB"
            ));
        }
    };
    let n: u64 = digits
        .parse()
        .map_err(|_| format!("`{s}` is not a size: give bytes, or e.g. 512KiB, 1MiB, 2GiB"))?;
    match n.checked_mul(unit_bytes) {
        Some(v) if v > 0 && v <= MAX_BODY_FLAG => Ok(v),
        _ => Err("give a size above 0 and at most 4GiB".into()),
    }
}

/// The body, byte-exact: from a file, or from stdin when `file` is None or `-`.
/// On a terminal, says how to end the input, as the reference client does.
pub fn read_body(file: Option<&Path>, limit: BodyLimit) -> anyhow::Result<Vec<u8>> {
    let kind = limit.kind();
    let over = || {
        anyhow::anyhow!(
            "the body is over --max-body {} (the API refuses over 1 MiB): raise --max-body to send it anyway",
            crate::time::bytes_text(usize::try_from(kind.max).unwrap_or(usize::MAX))
        )
    };
    match file {
        Some(p) if p != Path::new("-") => input_file::read(p, kind).map_err(|e| match e {
            ReadError::NotFound { .. } => anyhow::anyhow!(
                "no body file at {}: check the path, or pass `-` to read the body from stdin",
                p.display()
            ),
            ReadError::TooLarge { .. } => anyhow::anyhow!("{}: {}", p.display(), over()),
            other => other.into(),
        }),
        _ => {
            let stdin = std::io::stdin();
            if stdin.is_terminal() {
                errln!("body (end with Ctrl-D on a new line; nothing for no body):");
            }
            input_file::read_stream(stdin.lock(), kind).map_err(|e| match e {
                StreamError::TooLarge => anyhow::anyhow!("stdin: {}", over()),
                StreamError::Io(e) => anyhow::anyhow!("cannot read the body from stdin: {e}"),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_with_binary_units() {
        assert_eq!(parse_size("1MiB"), Ok(1_048_576));
        assert_eq!(parse_size("512k"), Ok(524_288));
        assert_eq!(parse_size("100 MB"), Ok(104_857_600));
        assert_eq!(parse_size("7"), Ok(7));
        for bad in [
            "",
            "0",
            "1.5M",
            "5TiB",
            "-1",
            "99999999999999999999",
            "5GiB",
        ] {
            assert!(parse_size(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_body_over_the_bound_is_refused_with_the_flag_to_raise_it() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("big.json");
        std::fs::write(&p, vec![b' '; 2048]).unwrap();
        let e = read_body(Some(&p), BodyLimit { max_body: 1024 })
            .unwrap_err()
            .to_string();
        assert!(e.contains("raise --max-body"), "{e}");
        assert_eq!(
            read_body(Some(&p), BodyLimit { max_body: 2048 })
                .unwrap()
                .len(),
            2048
        );
        let e = read_body(Some(Path::new("/dev/zero")), BodyLimit::default())
            .unwrap_err()
            .to_string();
        assert!(e.contains("character device"), "{e}");
    }
}
