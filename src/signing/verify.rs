use super::key::PublicKey;
use super::payload::Payload;
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};

/// Why an x-sign does not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    #[error(
        "x-sign is standard base64 ('+', '/' or '=' padding); the API wants base64url without padding"
    )]
    WrongAlphabet,
    #[error("x-sign is not base64url text")]
    NotBase64,
    #[error(
        "x-sign decodes to {got} bytes but a {bits}-bit key signs {want} bytes: it was made by another key size or was cut short"
    )]
    WrongLength {
        got: usize,
        want: usize,
        bits: usize,
    },
    #[error(
        "x-sign does not match this payload under this public key: the bytes signed differ from these, or another key signed them"
    )]
    Mismatch,
}

/// Checks `x_sign` over `payload`, the way the server does: RSA PKCS#1 v1.5 over the
/// payload's SHA-256, with aws-lc-rs and the key parsed when it was loaded.
pub fn verify_x_sign(key: &PublicKey, payload: &Payload, x_sign: &str) -> Result<(), VerifyError> {
    let Ok(raw) = URL_SAFE_NO_PAD.decode(x_sign.as_bytes()) else {
        let other = [STANDARD, STANDARD_NO_PAD, URL_SAFE]
            .iter()
            .any(|e| e.decode(x_sign.as_bytes()).is_ok());
        return Err(if other {
            VerifyError::WrongAlphabet
        } else {
            VerifyError::NotBase64
        });
    };
    let want = key.info().bits.div_ceil(8);
    if raw.len() != want {
        return Err(VerifyError::WrongLength {
            got: raw.len(),
            want,
            bits: key.info().bits,
        });
    }
    key.verifier()
        .verify_sig(payload.as_bytes(), &raw)
        .map_err(|_| VerifyError::Mismatch)
}

#[cfg(test)]
mod tests {
    //! aws-lc-rs judges; the pure-Rust `rsa` crate, an independent implementation, must
    //! reach the same verdict on every signature, good or bad.
    use super::*;
    use crate::signing::{AuthValue, PrivateKey, RsaSigner};
    use proptest::prelude::*;
    use rsa::Pkcs1v15Sign;
    use std::path::Path;
    use std::sync::LazyLock;

    fn fixture(bits: usize) -> RsaSigner {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(format!("tests/fixtures/test-rsa{bits}.pkcs1.pem"));
        RsaSigner::new(PrivateKey::from_file(&path).unwrap())
    }

    static KEYS: LazyLock<[(RsaSigner, PublicKey); 2]> = LazyLock::new(|| {
        [2048, 4096].map(|bits| {
            let signer = fixture(bits);
            let public = signer.key().public_key();
            (signer, public)
        })
    });

    fn rsa_crate_accepts(key: &PublicKey, payload: &Payload, raw: &[u8]) -> bool {
        key.rsa_key()
            .verify(Pkcs1v15Sign::new::<sha2::Sha256>(), &payload.sha256(), raw)
            .is_ok()
    }

    /// Both verdicts on raw signature bytes (of the key's length), which must agree.
    fn both(key: &PublicKey, payload: &Payload, raw: &[u8]) -> bool {
        let x_sign = URL_SAFE_NO_PAD.encode(raw);
        let aws = match verify_x_sign(key, payload, &x_sign) {
            Ok(()) => true,
            Err(VerifyError::Mismatch) => false,
            Err(other) => panic!("{other} for a {}-byte signature", raw.len()),
        };
        assert_eq!(
            aws,
            rsa_crate_accepts(key, payload, raw),
            "aws-lc-rs and the rsa crate disagree on {x_sign} over {payload:?}"
        );
        aws
    }

    /// Signatures that are well formed RSA but sign something else: another digest's
    /// DigestInfo, a bare digest, another payload.
    fn near_misses(signer: &RsaSigner, payload: &Payload) -> Vec<Vec<u8>> {
        use sha2::Digest;
        let key = signer.key().rsa_key().expect("the fixture key parses");
        let bytes = payload.as_bytes();
        vec![
            key.sign(
                Pkcs1v15Sign::new::<sha2::Sha512>(),
                &sha2::Sha512::digest(bytes),
            )
            .unwrap(),
            key.sign(
                Pkcs1v15Sign::new::<sha2::Sha384>(),
                &sha2::Sha384::digest(bytes),
            )
            .unwrap(),
            key.sign(
                Pkcs1v15Sign::new::<sha2::Sha224>(),
                &sha2::Sha224::digest(bytes),
            )
            .unwrap(),
            key.sign(Pkcs1v15Sign::new_unprefixed(), &payload.sha256())
                .unwrap(),
            signer.sign_payload(&Payload::new(
                AuthValue::Nonce(1),
                "http://other.example/",
                bytes,
            )),
        ]
    }

    #[test]
    fn both_libraries_refuse_well_formed_signatures_of_something_else() {
        for (signer, public) in KEYS.iter() {
            let payload = Payload::new(AuthValue::Timestamp(1_700_000_000), "http://h/x", b"{}");
            assert!(both(public, &payload, &signer.sign_payload(&payload)));
            for (i, raw) in near_misses(signer, &payload).iter().enumerate() {
                assert!(!both(public, &payload, raw), "near miss {i}");
            }
            let len = public.info().bits / 8;
            let mut one = vec![0u8; len];
            one[len - 1] = 1;
            for raw in [vec![0u8; len], one, vec![0xff; len]] {
                assert!(!both(public, &payload, &raw), "{raw:?}");
            }
        }
    }

    #[test]
    fn the_error_cases_come_before_any_rsa() {
        let (_, public) = &KEYS[0];
        let payload = Payload::new(AuthValue::Nonce(7), "http://h/x", b"");
        assert_eq!(
            verify_x_sign(public, &payload, "ab+/"),
            Err(VerifyError::WrongAlphabet)
        );
        assert_eq!(
            verify_x_sign(public, &payload, "a b"),
            Err(VerifyError::NotBase64)
        );
        assert_eq!(
            verify_x_sign(public, &payload, "AAAA"),
            Err(VerifyError::WrongLength {
                got: 3,
                want: 256,
                bits: 2048
            })
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]

        #[test]
        fn both_libraries_agree_on_signed_and_tampered_requests(
            which in 0..2usize,
            nonce in any::<u64>(),
            path in "[a-z/%0-9?=&]{0,40}",
            body in proptest::collection::vec(any::<u8>(), 0..300),
            flip in any::<proptest::sample::Index>(),
            bit in 0..8u8,
        ) {
            let (signer, public) = &KEYS[which];
            let payload = Payload::new(AuthValue::Nonce(nonce), &format!("http://h/{path}"), &body);
            let good = signer.sign_payload(&payload);
            prop_assert!(both(public, &payload, &good));

            let mut flipped = good.clone();
            flipped[flip.index(good.len())] ^= 1 << bit;
            prop_assert!(!both(public, &payload, &flipped));

            let other = Payload::new(AuthValue::Nonce(nonce ^ 1), &format!("http://h/{path}"), &body);
            prop_assert!(!both(public, &other, &good));
        }

        #[test]
        fn both_libraries_agree_on_random_bytes(
            which in 0..2usize,
            seed in proptest::collection::vec(any::<u8>(), 64),
        ) {
            let (_, public) = &KEYS[which];
            let len = public.info().bits / 8;
            let raw: Vec<u8> = seed.iter().cycle().take(len).copied().collect();
            let payload = Payload::new(AuthValue::Timestamp(1), "http://h/", b"");
            prop_assert!(!both(public, &payload, &raw));
        }
    }
}
