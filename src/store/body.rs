//! Byte-exact bodies in JSON: a JSON string when the bytes are UTF-8 (escapes keep
//! `\r`, `\t` and a trailing newline exact), `{"base64": "..."}` otherwise.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum StoredBody {
    Text(String),
    Binary { base64: String },
}

pub fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
    match std::str::from_utf8(bytes) {
        Ok(text) => StoredBody::Text(text.to_string()),
        Err(_) => StoredBody::Binary {
            base64: STANDARD.encode(bytes),
        },
    }
    .serialize(s)
}

/// Reads a body into a `Vec<u8>` (collections) or a shared `Bytes` (history).
pub fn deserialize<'de, D: Deserializer<'de>, T: From<Vec<u8>>>(d: D) -> Result<T, D::Error> {
    match StoredBody::deserialize(d)? {
        StoredBody::Text(text) => Ok(text.into_bytes().into()),
        StoredBody::Binary { base64 } => STANDARD
            .decode(base64.as_bytes())
            .map(T::from)
            .map_err(|e| serde::de::Error::custom(format!("body is not valid base64: {e}"))),
    }
}

#[cfg(test)]
mod tests {
    #[derive(serde::Serialize, serde::Deserialize, PartialEq, Debug)]
    struct B(#[serde(with = "super")] Vec<u8>);

    fn round_trip(bytes: &[u8]) -> String {
        let json = serde_json::to_string_pretty(&B(bytes.to_vec())).unwrap();
        let back: B = serde_json::from_str(&json).unwrap();
        assert_eq!(back.0, bytes, "round trip of {json}");
        json
    }

    #[test]
    fn text_and_binary_survive() {
        assert!(round_trip(b"{\r\n\t\"a\": 1\r\n}\n").starts_with('"'));
        round_trip("caf\u{e9} \u{1F600}\n".as_bytes());
        round_trip(b"");
        assert!(round_trip(&[0xff, 0xfe, b'\n', 0x00]).contains("base64"));
    }
}
