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
    if matches!(
        n.as_str(),
        "x-api-key" | "authorization" | "proxy-authorization" | "cookie" | "set-cookie"
    ) {
        return true;
    }
    // By whole words of the name (`X-Auth-Token`, `X-Session-Id`, `Api_Key`), so that
    // `X-Tokenizer-Mode` or `X-Secretary` are not taken for secrets.
    let words: Vec<&str> = n.split(['-', '_']).collect();
    let secret_word = |w: &&str| {
        matches!(
            *w,
            "token" | "secret" | "password" | "passwd" | "apikey" | "session" | "jwt" | "bearer"
        )
    };
    words.iter().any(secret_word) || words.windows(2).any(|p| p == ["api", "key"])
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

/// A Qredo API secret (v1 and v2): the base64url text the web app shows, and the HMAC key
/// it decodes to. Never printed: `Debug` and `masked` show what `mask_api_key` shows.
#[derive(Clone, PartialEq, Eq)]
pub struct QredoSecret {
    text: String,
    key: Vec<u8>,
}

/// Why a secret is refused. Each message says what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecretError {
    #[error("the API secret is empty: paste the secret from the web app (or `xsign secret new`)")]
    Empty,
    #[error(
        "the API secret holds `{found}`, which is standard base64; Qredo secrets are base64url (`-` and `_`): copy the secret again from the web app"
    )]
    StandardAlphabet { found: char },
    #[error("the API secret is not base64url ({reason}): copy the secret again from the web app")]
    NotBase64 { reason: String },
}

impl QredoSecret {
    /// Decodes `text` (whitespace around it trimmed) as Qredo's tool does: padded URL-safe
    /// base64; unpadded is accepted too, since the padding carries no bits.
    pub fn parse(text: &str) -> Result<QredoSecret, SecretError> {
        use base64::Engine;
        use base64::engine::general_purpose::{URL_SAFE, URL_SAFE_NO_PAD};
        let text = text.trim();
        if text.is_empty() {
            return Err(SecretError::Empty);
        }
        if let Some(found) = text.chars().find(|c| matches!(c, '+' | '/')) {
            return Err(SecretError::StandardAlphabet { found });
        }
        let key = if text.ends_with('=') {
            URL_SAFE.decode(text)
        } else {
            URL_SAFE_NO_PAD.decode(text)
        }
        .map_err(|e| SecretError::NotBase64 {
            reason: e.to_string(),
        })?;
        if key.is_empty() {
            return Err(SecretError::Empty);
        }
        Ok(QredoSecret {
            text: text.to_string(),
            key,
        })
    }

    /// A new random secret of 32 bytes, as padded base64url. It is drawn again until its
    /// text holds a `-` or `_`, so a client decoding it with the wrong alphabet fails at
    /// once on the mock rather than by luck in production.
    pub fn generate() -> QredoSecret {
        use base64::Engine;
        use base64::engine::general_purpose::URL_SAFE;
        loop {
            let mut key = vec![0u8; 32];
            aws_lc_rs::rand::fill(&mut key).expect("the system RNG is available");
            let text = URL_SAFE.encode(&key);
            if text.contains(['-', '_']) {
                return QredoSecret { text, key };
            }
        }
    }

    /// The HMAC key: the decoded bytes.
    pub fn key(&self) -> &[u8] {
        &self.key
    }

    /// The base64url text, for writing the secret file only.
    pub fn expose_text(&self) -> &str {
        &self.text
    }

    pub fn masked(&self) -> String {
        mask_api_key(&self.text)
    }

    /// The key a client gets by decoding the text with standard base64 the lenient way
    /// (Python's `base64.b64decode`): `-` and `_` are silently dropped. `None` when the
    /// text has neither (both decodings agree) or what is left does not decode.
    pub fn misdecoded_standard(&self) -> Option<Vec<u8>> {
        use base64::Engine;
        use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
        if !self.text.contains(['-', '_']) {
            return None;
        }
        let kept: String = self
            .text
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '/'))
            .collect();
        // Python insists on whole quads; the base64 crate's indifferent padding does not.
        if kept.len() % 4 == 1 || (!kept.len().is_multiple_of(4) && !self.text.ends_with('=')) {
            return None;
        }
        let engine = GeneralPurpose::new(
            &base64::alphabet::STANDARD,
            GeneralPurposeConfig::new()
                .with_decode_padding_mode(DecodePaddingMode::Indifferent)
                .with_decode_allow_trailing_bits(true),
        );
        engine.decode(kept).ok().filter(|k| *k != self.key)
    }
}

impl std::fmt::Debug for QredoSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "QredoSecret({})", self.masked())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_headers_are_told_by_whole_words_of_their_name() {
        for secret in [
            "Authorization",
            "X-Auth-Token",
            "x-access-token",
            "X-Session-Id",
            "X-Client-Secret",
            "x-api-key",
            "Api_Key",
            "X-Apikey",
            "qredo-api-key",
            "X-Password",
            "Cookie",
        ] {
            assert!(is_secret_header(secret), "{secret}");
        }
        // Seen refused in a trial: a name that merely contains a secret word.
        for plain in [
            "X-Tokenizer-Mode",
            "X-Secretary",
            "X-Request-Id",
            "Accept",
            "Content-Type",
            "Idempotency-Key",
            "X-Correlation-Id",
            "x-keyboard",
        ] {
            assert!(!is_secret_header(plain), "{plain}");
        }
    }

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
    fn qredo_secrets_decode_padded_or_not_and_refuse_the_standard_alphabet() {
        let padded =
            QredoSecret::parse("q-_8AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n").unwrap();
        let bare = QredoSecret::parse("q-_8AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8").unwrap();
        assert_eq!(padded.key(), bare.key());
        assert_eq!(&padded.key()[..3], &[0xab, 0xef, 0xfc]);
        let err =
            QredoSecret::parse("q+/8AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=").unwrap_err();
        assert!(err.to_string().contains("`+`"), "{err}");
        assert_eq!(QredoSecret::parse("  "), Err(SecretError::Empty));
        assert!(!format!("{padded:?}").contains("q-_8"));
    }

    #[test]
    fn the_standard_misdecoding_drops_dash_and_underscore() {
        // Four of them dropped leave whole quads, so Python decodes without complaint.
        let s = QredoSecret::parse("ab-_cd-_efgh").unwrap();
        let wrong = s.misdecoded_standard().unwrap();
        use base64::Engine;
        assert_eq!(
            wrong,
            base64::engine::general_purpose::STANDARD
                .decode("abcdefgh")
                .unwrap()
        );
        let g = QredoSecret::generate();
        assert!(g.expose_text().contains(['-', '_']));
        assert_eq!(QredoSecret::parse(g.expose_text()).unwrap(), g);
    }

    #[test]
    fn long_keys_keep_a_prefix_short_ones_nothing() {
        assert_eq!(mask_api_key("abcdefghijklmnop"), "****mnop");
        assert_eq!(mask_api_key("short"), "****");
        assert!(!mask_api_key("abcdefghijklmnop").contains("abcd"));
    }
}
