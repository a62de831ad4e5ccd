//! How the workbench draws characters that would otherwise be invisible or misleading,
//! in the body editor, the text inputs and whatever came from outside (a response).

/// The glyph drawn for a character that would otherwise be invisible or misleading.
pub fn marker(c: char) -> Option<char> {
    match c {
        '\t' => Some('→'),
        // A control as its picture (CR ␍, ESC ␛); any other invisible as ¤.
        c => crate::visible::control_picture(c)
            .or_else(|| crate::lint::is_invisible(c).then_some('¤')),
    }
}

/// `text` with each character [`marker`] knows drawn as its marker: what any pane shows of
/// text from outside (a response, a header, a URL), one character for one, so an `ESC` a
/// server sent is seen as `␛`, not dropped by the terminal library.
pub fn shown(text: &str) -> String {
    text.chars().map(|c| marker(c).unwrap_or(c)).collect()
}
