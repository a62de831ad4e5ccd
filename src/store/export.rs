//! Request bytes shown on a terminal (`collection show`, `history show`).

use crate::lint::escape_into;

/// The bytes for a terminal, escaped as everywhere else ([`crate::lint::escape_invisibles`]) but with
/// each newline, shown as `\n`, also breaking the line so a body stays readable.
pub fn visible_bytes(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() + 16);
    for (i, line) in bytes.split(|&b| b == b'\n').enumerate() {
        if i > 0 {
            out.push_str("\\n\n");
        }
        escape_into(&mut out, line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn visible() {
        assert_eq!(visible_bytes(b"a\tb\r\n\xff"), "a\\tb\\r\\n\n\\xFF");
    }
}
