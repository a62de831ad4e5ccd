//! The signing core: what is signed (payload), with what (key) and how (signer).
//! Pure: no terminal, no sockets. Everything that signs goes through here.

pub mod jwt;
mod key;
mod nonce;
mod payload;
mod scheme;
mod signer;
mod verify;
mod wire_url;

pub use key::{
    KeyError, KeyInfo, PrivateKey, PublicKey, check_key_file_mode, generate_key, short_fingerprint,
};
pub use nonce::{NonceError, NonceStore};
pub use payload::{AuthMode, AuthValue, Payload, now_unix};
pub use scheme::{
    Scheme, TOKEN_HEADER, UnknownScheme, is_v2_token_path, path_is_under, v2_token_path,
};
pub use signer::{
    HmacV1Signer, RequestSigner, RsaSigner, SignedRequest, XSign, encode_signature,
    hmac_sha256_b64url,
};
pub use verify::{VerifyError, verify_x_sign};
pub use wire_url::{SCHEMES, UrlChange, UrlError, WireUrl, wire_url};
