//! How an API key appears on screen, in logs and in history: one rule everywhere.

/// `****mnop`: the last four characters of a long key, enough to tell keys apart and
/// useless to an onlooker; nothing at all of a short one.
pub fn mask_api_key(key: &str) -> String {
    let chars: Vec<char> = key.chars().collect();
    if chars.len() < 12 {
        return "****".to_string();
    }
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("****{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_keys_keep_a_prefix_short_ones_nothing() {
        assert_eq!(mask_api_key("abcdefghijklmnop"), "****mnop");
        assert_eq!(mask_api_key("short"), "****");
        assert!(!mask_api_key("abcdefghijklmnop").contains("abcd"));
    }
}
