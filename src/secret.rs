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

/// Headers whose values are credentials: the API key, and whatever else a pasted curl
/// command or a profile may carry (`Authorization: Bearer …`, cookies, tokens). One list,
/// so history, `-v`, the workbench and exports mask the same ones.
pub fn is_secret_header(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    matches!(
        n.as_str(),
        "x-api-key" | "authorization" | "proxy-authorization" | "cookie" | "set-cookie"
    ) || [
        "token", "secret", "password", "passwd", "api-key", "apikey", "session",
    ]
    .iter()
    .any(|w| n.contains(w))
}

/// A secret header's value as shown: masked as an API key is, the scheme word of an
/// `Authorization` value kept (`Bearer ****wxyz`), so one can still tell what it was.
pub fn mask_header_value(value: &str) -> String {
    match value.trim().split_once(' ') {
        Some((scheme, rest))
            if !rest.trim().is_empty() && scheme.chars().all(|c| c.is_ascii_alphabetic()) =>
        {
            format!("{scheme} {}", mask_api_key(rest.trim()))
        }
        _ => mask_api_key(value),
    }
}

/// `headers` with every secret value masked.
pub fn mask_headers(headers: &[(String, String)]) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(n, v)| {
            if is_secret_header(n) {
                (n.clone(), mask_header_value(v))
            } else {
                (n.clone(), v.clone())
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_tokens_cookies_and_api_keys_are_masked_alike() {
        let h = vec![
            (
                "Authorization".to_string(),
                "Bearer eyJhbGciOiJIUzI1NiJ9.abcdefgh".to_string(),
            ),
            ("Cookie".to_string(), "session=0123456789abcdef".to_string()),
            (
                "X-Auth-Token".to_string(),
                "tok-0123456789abcdef".to_string(),
            ),
            ("x-api-key".to_string(), "key-0123456789abcdef".to_string()),
            ("Content-Type".to_string(), "application/json".to_string()),
        ];
        let m = mask_headers(&h);
        assert_eq!(m[0].1, "Bearer ****efgh");
        assert_eq!(m[1].1, "****cdef");
        assert_eq!(m[2].1, "****cdef");
        assert_eq!(m[3].1, "****cdef");
        assert_eq!(m[4].1, "application/json");
    }

    #[test]
    fn long_keys_keep_a_prefix_short_ones_nothing() {
        assert_eq!(mask_api_key("abcdefghijklmnop"), "****mnop");
        assert_eq!(mask_api_key("short"), "****");
        assert!(!mask_api_key("abcdefghijklmnop").contains("abcd"));
    }
}
