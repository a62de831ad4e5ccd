//! Text from outside (a URL, a header, a server's error) made safe to show: a control
//! character is drawn as a visible stand-in, never handed to a terminal, where
//! `ESC ] 0;… BEL` would retitle the window and `ESC [ 2 J` would clear it.

use std::borrow::Cow;

/// The stand-in for a control character: the Unicode control picture for C0 and DEL
/// (`␛` for ESC, `␇` for BEL), `\u{9b}`-style for C1. `None` for any other character.
pub fn stand_in(c: char) -> Option<String> {
    match c {
        '\u{80}'..='\u{9f}' => Some(format!("\\u{{{:x}}}", c as u32)),
        c => control_picture(c).map(String::from),
    }
}

/// The Unicode control picture of a C0 control or DEL (`␉`, `␍`, `␛`, `␡`): the one
/// mapping the CLI's messages and the workbench's markers share.
pub fn control_picture(c: char) -> Option<char> {
    match c {
        '\u{0}'..='\u{1f}' => char::from_u32(0x2400 + c as u32),
        '\u{7f}' => Some('␡'),
        _ => None,
    }
}

/// `text` with every control character but newline and tab as its stand-in. Borrowed when
/// there is none, which is nearly always.
pub fn visible(text: &str) -> Cow<'_, str> {
    let keep = |c: char| c == '\n' || c == '\t';
    if !text.chars().any(|c| !keep(c) && stand_in(c).is_some()) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match stand_in(c) {
            Some(s) if !keep(c) => out.push_str(&s),
            _ => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// The most of a quoted value (a URL, a header) a message shows.
pub const QUOTE_MAX: usize = 160;

/// `text` for quoting in a message: visible, and when longer than `QUOTE_MAX` characters its
/// head and tail with the length between (a 100 KB URL is not printed whole).
pub fn quoted(text: &str) -> String {
    let n = text.chars().count();
    if n <= QUOTE_MAX {
        return visible(text).into_owned();
    }
    let head: String = text.chars().take(QUOTE_MAX - 40).collect();
    let tail: String = text.chars().skip(n - 30).collect();
    format!(
        "{}…({} characters in all)…{}",
        visible(&head),
        n,
        visible(&tail)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_escape_sequence_is_shown_not_obeyed() {
        let url = "https://x.test/\u{1b}]0;PWNED\u{7}/a";
        assert_eq!(visible(url), "https://x.test/␛]0;PWNED␇/a");
        assert_eq!(visible("csi \u{9b}2J"), "csi \\u{9b}2J");
        assert_eq!(visible("cr\r del\u{7f}"), "cr␍ del␡");
    }

    #[test]
    fn a_long_value_is_quoted_by_its_ends() {
        let url = format!("https://x.test/{}", "a".repeat(100_000));
        let q = quoted(&url);
        assert!(q.len() < 300, "{q}");
        assert!(
            q.starts_with("https://x.test/aaa") && q.ends_with("aaa"),
            "{q}"
        );
        assert!(q.contains("(100015 characters in all)"), "{q}");
        assert_eq!(quoted("/assets"), "/assets");
    }

    #[test]
    fn plain_text_newlines_and_tabs_are_untouched_and_borrowed() {
        let text = "line one\n\tindented: Zürich 東京 😀";
        assert!(matches!(visible(text), Cow::Borrowed(t) if t == text));
    }
}
