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

/// Checks `x_sign` over `payload`, the way the server does.
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
    key.rsa_key()
        .verify(
            rsa::Pkcs1v15Sign::new::<sha2::Sha256>(),
            &payload.sha256(),
            &raw,
        )
        .map_err(|_| VerifyError::Mismatch)
}
