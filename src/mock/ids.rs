//! IDs that look like the real API's: KSUIDs (27 base62 characters, time-ordered) for
//! companies, funds, transactions and actions; 32-byte base58 strings for wallets and
//! core clients, as in the API's examples.

use crate::signing::now_unix;
use sha2::{Digest, Sha256};

const BASE62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const BASE58: &[u8] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
/// KSUID's epoch: 2014-05-13T16:53:20Z.
const KSUID_EPOCH: i64 = 1_400_000_000;

/// A KSUID: 4 bytes of seconds since the KSUID epoch, then 16 random bytes, in base62.
pub fn ksuid() -> String {
    ksuid_at(now_unix(), rand::random::<[u8; 16]>())
}

fn ksuid_at(unix: i64, random: [u8; 16]) -> String {
    let secs = (unix - KSUID_EPOCH).clamp(0, u32::MAX as i64) as u32;
    let mut raw = [0u8; 20];
    raw[..4].copy_from_slice(&secs.to_be_bytes());
    raw[4..].copy_from_slice(&random);
    let mut s = encode(&raw, BASE62);
    while s.len() < 27 {
        s.insert(0, '0');
    }
    s
}

/// 32 random bytes in base58 (43 or 44 characters).
pub fn base58_id() -> String {
    encode(&rand::random::<[u8; 32]>(), BASE58)
}

/// Names the owner of records without writing the API key to disk.
pub fn owner_tag(api_key: &str) -> String {
    hex::encode(&Sha256::digest(api_key.as_bytes())[..16])
}

/// Big-endian bytes in the given alphabet, leading zero bytes kept as leading zero digits
/// (base58 convention).
fn encode(bytes: &[u8], alphabet: &[u8]) -> String {
    let base = alphabet.len() as u32;
    let mut digits: Vec<u8> = Vec::with_capacity(bytes.len() * 2);
    let mut num: Vec<u8> = bytes.iter().copied().skip_while(|b| *b == 0).collect();
    while !num.is_empty() {
        let mut rem = 0u32;
        let mut next = Vec::with_capacity(num.len());
        for &b in &num {
            let acc = (rem << 8) | b as u32;
            let q = acc / base;
            rem = acc % base;
            if !(next.is_empty() && q == 0) {
                next.push(q as u8);
            }
        }
        digits.push(alphabet[rem as usize]);
        num = next;
    }
    let zeros = bytes.iter().take_while(|b| **b == 0).count();
    let mut out: String = std::iter::repeat_n(alphabet[0] as char, zeros).collect();
    out.extend(digits.iter().rev().map(|d| *d as char));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ksuid_matches_the_reference_encoding() {
        // From the KSUID spec: timestamp 107608047 with the payload below.
        let payload: [u8; 16] = hex::decode("B5A1CD34B5F99D1154FB6853345C9735")
            .unwrap()
            .try_into()
            .unwrap();
        assert_eq!(
            ksuid_at(KSUID_EPOCH + 107_608_047, payload),
            "0ujtsYcgvSTl8PAuAdqWYSMnLOv"
        );
    }

    #[test]
    fn ids_have_the_real_shapes() {
        let k = ksuid();
        assert_eq!(k.len(), 27);
        assert!(k.bytes().all(|b| BASE62.contains(&b)));
        let w = base58_id();
        assert!((43..=44).contains(&w.len()), "{w}");
        assert!(w.bytes().all(|b| BASE58.contains(&b)));
        assert_ne!(ksuid(), ksuid());
    }

    #[test]
    fn base58_keeps_leading_zeros() {
        assert_eq!(encode(&[0, 0, 1], BASE58), "112");
        assert_eq!(encode(&[0x00, 0x01, 0x09, 0x66, 0x77], BASE58), "12Y9Qz");
    }
}
