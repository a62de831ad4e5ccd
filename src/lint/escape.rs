//! Bytes rendered so nothing that changes a signature is invisible.
//!
//! Used by `xsign sign`'s stderr notes, the TUI payload view and the doctor. One pass over
//! the input, plain runs copied as slices, so a 1 MB body costs one allocation.

use std::fmt::Write as _;

/// Renders `bytes` with invisibles escaped:
/// `\t`, `\r`, `\n`; a BOM as `\u{feff}`, a no-break space as `\u{a0}`; other control,
/// zero-width and line-separator characters as `\u{..}`; bytes that are not UTF-8 as `\xNN`.
/// A backslash becomes `\\`, so a JSON escape such as `\n` (two bytes) never looks like a
/// real newline.
pub fn escape_invisibles(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() + bytes.len() / 16 + 8);
    escape_into(&mut out, bytes);
    out
}

/// Like [`escape_invisibles`], appending to `out` (lets callers reuse a buffer).
pub fn escape_into(out: &mut String, bytes: &[u8]) {
    for chunk in bytes.utf8_chunks() {
        escape_str_into(out, chunk.valid());
        for b in chunk.invalid() {
            let _ = write!(out, "\\x{b:02X}");
        }
    }
}

/// The escape for one character, or None when it is shown as itself.
pub fn char_escape(c: char) -> Option<&'static str> {
    Some(match c {
        '\t' => "\\t",
        '\r' => "\\r",
        '\n' => "\\n",
        '\\' => "\\\\",
        '\u{feff}' => "\\u{feff}",
        '\u{a0}' => "\\u{a0}",
        _ => return None,
    })
}

/// True for characters that render as nothing or as something else: controls, zero-width
/// characters, unusual spaces and line separators.
pub fn is_invisible(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{a0}'
                | '\u{ad}'
                | '\u{115f}'
                | '\u{1160}'
                | '\u{180e}'
                | '\u{2000}'..='\u{200f}'
                | '\u{2028}'..='\u{202f}'
                | '\u{205f}'..='\u{2064}'
                | '\u{3000}'
                | '\u{feff}'
        )
}

fn escape_str_into(out: &mut String, s: &str) {
    let bytes = s.as_bytes();
    let mut plain_from = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        // Fast path: printable ASCII other than backslash is copied in runs, byte by byte
        // without decoding.
        if (b' '..=b'~').contains(&b) && b != b'\\' {
            i += 1;
            continue;
        }
        let c = if b < 0x80 {
            b as char
        } else {
            s[i..].chars().next().expect("i is on a char boundary")
        };
        let len = c.len_utf8();
        if c == '\\' || is_invisible(c) {
            out.push_str(&s[plain_from..i]);
            match char_escape(c) {
                Some(e) => out.push_str(e),
                None => {
                    let _ = write!(out, "\\u{{{:x}}}", c as u32);
                }
            }
            plain_from = i + len;
        }
        i += len;
    }
    out.push_str(&s[plain_from..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invisibles_are_named() {
        assert_eq!(
            escape_invisibles("{\n\t\"a\": 1\r\n}".as_bytes()),
            "{\\n\\t\"a\": 1\\r\\n}"
        );
        assert_eq!(escape_invisibles("\u{feff}{}".as_bytes()), "\\u{feff}{}");
        assert_eq!(escape_invisibles("a\u{a0}b".as_bytes()), "a\\u{a0}b");
        assert_eq!(escape_invisibles("a\u{200b}b".as_bytes()), "a\\u{200b}b");
        assert_eq!(escape_invisibles(b"\x00\x1b"), "\\u{0}\\u{1b}");
    }

    #[test]
    fn visible_text_and_unicode_are_kept() {
        assert_eq!(
            escape_invisibles("Zürich ✓ {\"a\":1}".as_bytes()),
            "Zürich ✓ {\"a\":1}"
        );
        assert_eq!(escape_invisibles(b""), "");
    }

    #[test]
    fn a_backslash_is_doubled_so_json_escapes_stay_distinct() {
        assert_eq!(escape_invisibles(br#""a\nb""#), r#""a\\nb""#);
        assert_ne!(escape_invisibles(b"\\n"), escape_invisibles(b"\n"));
    }

    #[test]
    fn invalid_utf8_is_shown_as_hex_and_the_rest_survives() {
        assert_eq!(escape_invisibles(b"ab\xffc\xc3"), "ab\\xFFc\\xC3");
    }

    #[test]
    fn escape_into_appends() {
        let mut s = String::from(">");
        escape_into(&mut s, b"\t");
        assert_eq!(s, ">\\t");
    }
}
