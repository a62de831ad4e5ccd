use crate::input_file::{self, ReadError};
use aws_lc_rs::signature::{ParsedPublicKey, RSA_PKCS1_2048_8192_SHA256, UnparsedPublicKey};
use pkcs1::der::Decode;
use pkcs1::{
    DecodeRsaPrivateKey, DecodeRsaPublicKey, EncodeRsaPrivateKey, EncodeRsaPublicKey, LineEnding,
};
use pkcs8::{DecodePublicKey, EncodePublicKey};
use rsa::traits::PublicKeyParts;
use sha2::{Digest, Sha256};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The smallest modulus the web app accepts; smaller keys are refused outright.
pub const MIN_BITS: usize = 2048;

const OID_RSA: &str = "1.2.840.113549.1.1.1";
const OID_EC: &str = "1.2.840.10045.2.1";
const OID_ED25519: &str = "1.3.101.112";
const OID_ED448: &str = "1.3.101.113";

/// Why a key file cannot be used. Each message names the fix.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error(
        "no key file at {0}: create one with `xsign keygen`, or point at yours with --key FILE"
    )]
    NotFound(PathBuf),
    #[error(transparent)]
    Read(#[from] ReadError),
    #[error(
        "{0} is empty: it should hold a PEM private key starting with -----BEGIN RSA PRIVATE KEY-----; create one with `xsign keygen`"
    )]
    Empty(PathBuf),
    #[error(
        "{0} is not a PEM file (no -----BEGIN ...----- line). If it is a DER key, convert it: `openssl pkey -inform DER -in {0} -out private.pem`"
    )]
    NotPem(PathBuf),
    /// `tool` is `pkey` for PKCS#8 (`ENCRYPTED PRIVATE KEY`, which xsign can decrypt with a
    /// passphrase) and `rsa` for the legacy `Proc-Type: 4,ENCRYPTED` form (which it cannot).
    #[error("{}", encrypted_message(path, tool))]
    Encrypted { path: PathBuf, tool: &'static str },
    #[error("wrong passphrase for {0}, or the file is damaged")]
    BadPassphrase(PathBuf),
    #[error(
        "{0} holds an EC key; the Partner API needs RSA. Create one with `xsign keygen` and upload its public key in the web app"
    )]
    Ec(PathBuf),
    #[error(
        "{0} holds an Ed25519/Ed448 key; the Partner API needs RSA. Create one with `xsign keygen` and upload its public key in the web app"
    )]
    Edwards(PathBuf),
    #[error(
        "{0} is an OpenSSH key. If it is RSA, convert a copy to PEM: `ssh-keygen -p -m PEM -f COPY`; otherwise create one with `xsign keygen`"
    )]
    OpenSsh(PathBuf),
    #[error(
        "{0} is a public key, but signing needs the private key (-----BEGIN RSA PRIVATE KEY-----). Use the private.pem that `xsign keygen` wrote next to it"
    )]
    PublicNotPrivate(PathBuf),
    #[error(
        "{path} is an RSA key of {bits} bits; at least {min} are required. Create a new one with `xsign keygen --bits 2048`",
        min = MIN_BITS
    )]
    TooSmall { path: PathBuf, bits: usize },
    #[error(
        "{path} holds a PEM block labelled \"{label}\", not an RSA private key. Create one with `xsign keygen`"
    )]
    UnsupportedLabel { path: PathBuf, label: String },
    #[error("{path} holds a key of another kind (algorithm {oid}); the Partner API needs RSA")]
    UnsupportedAlgorithm { path: PathBuf, oid: String },
    #[error(
        "{path} looks like an RSA key but cannot be parsed ({detail}). Check that the file was copied whole, or regenerate it with `xsign keygen`"
    )]
    Malformed { path: PathBuf, detail: String },
    #[error("{0} is not a public key PEM (-----BEGIN PUBLIC KEY-----)")]
    NotPublic(PathBuf),
    #[error(
        "{0} is an OpenSSH public key (ssh-…). If it is RSA, convert it to PEM: `ssh-keygen -e -m PKCS8 -f {0} > public.pem`; the Partner API needs RSA"
    )]
    OpenSshPublic(PathBuf),
}

/// `ssh-rsa AAAA…`, `ecdsa-sha2-nistp256 AAAA…`: one line of an OpenSSH `.pub` file.
fn is_openssh_public(text: &str) -> bool {
    let t = text.trim_start();
    t.starts_with("ssh-") || t.starts_with("ecdsa-sha2-") || t.starts_with("sk-")
}

fn encrypted_message(path: &Path, tool: &str) -> String {
    let p = path.display();
    if tool == "rsa" {
        format!(
            "{p} is encrypted in the legacy OpenSSL form (Proc-Type: 4,ENCRYPTED), which xsign cannot decrypt. \
             Decrypt a copy: `openssl rsa -in {p} -out private-decrypted.pem && chmod 600 private-decrypted.pem`, \
             or convert it to encrypted PKCS#8, for which xsign asks the passphrase: \
             `openssl pkcs8 -topk8 -v2 aes-256-cbc -in {p} -out private-pkcs8.pem`"
        )
    } else {
        format!(
            "{p} is encrypted with a passphrase. Run xsign on a terminal to be asked for it, or decrypt a copy: \
             `openssl {tool} -in {p} -out private-decrypted.pem && chmod 600 private-decrypted.pem`"
        )
    }
}

/// Facts about a key that are safe to show: nothing secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyInfo {
    pub bits: usize,
    /// `sha256:` + hex SHA-256 of the public key's SubjectPublicKeyInfo DER.
    pub fingerprint: String,
}

impl KeyInfo {
    /// The first 16 hex digits, for headers and status bars.
    pub fn short_fingerprint(&self) -> &str {
        short_fingerprint(&self.fingerprint)
    }
}

/// `sha256:` and the first 16 hex digits of a fingerprint: enough to tell keys apart.
pub fn short_fingerprint(fingerprint: &str) -> &str {
    let end = "sha256:".len() + 16;
    fingerprint.get(..end).unwrap_or(fingerprint)
}

/// An RSA private key, parsed once and ready to sign.
///
/// aws-lc-rs signs, because it is several times faster than the `rsa` crate and both give the
/// same bytes (PKCS#1 v1.5 is deterministic). The key is kept as PKCS#1 DER for export and
/// for the `rsa` crate's cross-check, which parses it only when asked: its parse and
/// precomputation were a third of a `xsign sign` process.
pub struct PrivateKey {
    pkcs1: pkcs8::SecretDocument,
    public: rsa::PublicKey,
    signer: aws_lc_rs::signature::RsaKeyPair,
    info: KeyInfo,
}

impl fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PrivateKey")
            .field("bits", &self.info.bits)
            .field("fingerprint", &self.info.fingerprint)
            .finish_non_exhaustive()
    }
}

fn pem_label(text: &str) -> Option<&str> {
    let start = text.find("-----BEGIN ")? + "-----BEGIN ".len();
    let rest = &text[start..];
    let end = rest.find("-----")?;
    Some(&rest[..end])
}

fn fingerprint_of(public: &rsa::PublicKey) -> String {
    let der = public
        .to_public_key_der()
        .expect("an RSA public key always encodes");
    format!("sha256:{}", hex::encode(Sha256::digest(der.as_bytes())))
}

impl PrivateKey {
    /// Reads a key file. An encrypted key is refused with `KeyError::Encrypted`;
    /// callers on a terminal can ask for the passphrase and call `from_pem_with_passphrase`.
    pub fn from_file(path: &Path) -> Result<Self, KeyError> {
        let text = read_key_text(path, input_file::PRIVATE_KEY)?;
        Self::from_pem(&text, path)
    }

    /// Parses PEM text; `path` is only used in messages.
    pub fn from_pem(text: &str, path: &Path) -> Result<Self, KeyError> {
        let p = || path.to_path_buf();
        if text.trim().is_empty() {
            return Err(KeyError::Empty(p()));
        }
        let Some(label) = pem_label(text) else {
            return Err(KeyError::NotPem(p()));
        };
        let pkcs1 = match label {
            "RSA PRIVATE KEY" => {
                if text.contains("Proc-Type: 4,ENCRYPTED") {
                    return Err(KeyError::Encrypted {
                        path: p(),
                        tool: "rsa",
                    });
                }
                let (_, doc) = pkcs8::SecretDocument::from_pem(pem_block(text))
                    .map_err(|e| malformed(path, e))?;
                doc
            }
            "PRIVATE KEY" => {
                let (_, doc) = pkcs8::SecretDocument::from_pem(pem_block(text))
                    .map_err(|e| malformed(path, e))?;
                pkcs1_of_pkcs8(doc.as_bytes(), path)?
            }
            "ENCRYPTED PRIVATE KEY" => {
                return Err(KeyError::Encrypted {
                    path: p(),
                    tool: "pkey",
                });
            }
            "EC PRIVATE KEY" | "EC PARAMETERS" => return Err(KeyError::Ec(p())),
            "OPENSSH PRIVATE KEY" => return Err(KeyError::OpenSsh(p())),
            "PUBLIC KEY" | "RSA PUBLIC KEY" | "CERTIFICATE" => {
                return Err(KeyError::PublicNotPrivate(p()));
            }
            other => {
                return Err(KeyError::UnsupportedLabel {
                    path: p(),
                    label: other.to_string(),
                });
            }
        };
        Self::from_pkcs1(pkcs1, path)
    }

    /// Decrypts an `ENCRYPTED PRIVATE KEY` (PKCS#8, as `openssl genpkey -aes256` writes).
    pub fn from_pem_with_passphrase(
        text: &str,
        passphrase: &str,
        path: &Path,
    ) -> Result<Self, KeyError> {
        if pem_label(text) != Some("ENCRYPTED PRIVATE KEY") {
            return Self::from_pem(text, path);
        }
        let (_, doc) =
            pkcs8::Document::from_pem(pem_block(text)).map_err(|e| malformed(path, e))?;
        let info = pkcs8::EncryptedPrivateKeyInfoRef::try_from(doc.as_bytes())
            .map_err(|e| malformed(path, e))?;
        let secret = info
            .decrypt(passphrase)
            .map_err(|_| KeyError::BadPassphrase(path.to_path_buf()))?;
        let pkcs1 = pkcs1_of_pkcs8(secret.as_bytes(), path)?;
        Self::from_pkcs1(pkcs1, path)
    }

    /// Checks and loads a PKCS#1 `RSAPrivateKey`: the public half is read for the size and
    /// fingerprint, and aws-lc validates the whole key as it loads it for signing.
    fn from_pkcs1(pkcs1: pkcs8::SecretDocument, path: &Path) -> Result<Self, KeyError> {
        let parsed =
            pkcs1::RsaPrivateKeyRef::from_der(pkcs1.as_bytes()).map_err(|e| malformed(path, e))?;
        if parsed.version() != pkcs1::Version::TwoPrime {
            return Err(malformed(path, "a multi-prime RSA key is not supported"));
        }
        let public =
            rsa::PublicKey::try_from(parsed.public_key()).map_err(|e| malformed(path, e))?;
        let bits = public.n_bits_precision() as usize;
        if bits < MIN_BITS {
            return Err(KeyError::TooSmall {
                path: path.to_path_buf(),
                bits,
            });
        }
        let signer = aws_lc_rs::signature::RsaKeyPair::from_der(pkcs1.as_bytes()).map_err(|e| {
            // aws-lc only says "InvalidEncoding"; the rsa crate says what is wrong.
            match rsa::PrivateKey::from_pkcs1_der(pkcs1.as_bytes()) {
                Err(detail) => malformed(path, detail),
                Ok(_) => malformed(path, format!("aws-lc refused it: {e}")),
            }
        })?;
        let info = KeyInfo {
            bits,
            fingerprint: fingerprint_of(&public),
        };
        Ok(PrivateKey {
            pkcs1,
            public,
            signer,
            info,
        })
    }

    pub fn info(&self) -> &KeyInfo {
        &self.info
    }

    pub fn public_key(&self) -> PublicKey {
        use aws_lc_rs::signature::KeyPair;
        let verifier = parse_verifier(self.signer.public_key().as_ref())
            .expect("aws-lc-rs took this key pair, so it takes its public half");
        PublicKey {
            key: self.public.clone(),
            verifier: Arc::new(verifier),
            info: self.info.clone(),
        }
    }

    pub(crate) fn aws_key(&self) -> &aws_lc_rs::signature::RsaKeyPair {
        &self.signer
    }

    /// The key in the `rsa` crate's form, parsed on each call: for cross-checks only.
    pub(crate) fn rsa_key(&self) -> Result<rsa::PrivateKey, pkcs1::Error> {
        rsa::PrivateKey::from_pkcs1_der(self.pkcs1.as_bytes())
    }

    /// PKCS#1 PEM (`BEGIN RSA PRIVATE KEY`), the one form the reference client reads.
    pub fn to_pkcs1_pem(&self) -> String {
        self.pkcs1
            .to_pem("RSA PRIVATE KEY", LineEnding::LF)
            .expect("DER always encodes as PEM")
            .to_string()
    }
}

/// Generates a fresh RSA key with the `rsa` crate.
pub fn generate_key(bits: usize) -> Result<PrivateKey, KeyError> {
    let mut rng = rand::rng();
    let rsa = rsa::PrivateKey::new(&mut rng, bits).map_err(|e| KeyError::Malformed {
        path: PathBuf::from("<generated>"),
        detail: e.to_string(),
    })?;
    let path = Path::new("<generated>");
    let der = rsa.to_pkcs1_der().map_err(|e| malformed(path, e))?;
    PrivateKey::from_pkcs1(der, path)
}

/// An RSA public key, for verifying and for pasting into the web app.
///
/// Parsed once for each library: the `rsa` form encodes (PEM, fingerprint), the aws-lc-rs
/// form verifies, several times faster. Clones share the parsed aws-lc-rs key.
#[derive(Clone)]
pub struct PublicKey {
    key: rsa::PublicKey,
    verifier: Arc<ParsedPublicKey>,
    info: KeyInfo,
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PublicKey")
            .field("bits", &self.info.bits)
            .field("fingerprint", &self.info.fingerprint)
            .finish_non_exhaustive()
    }
}

/// The verifying form: PKCS#1 v1.5 with SHA-256, the one scheme x-sign uses, for moduli
/// of 2048 to 8192 bits (the `rsa` crate parses up to 8192 too; MIN_BITS refuses less).
fn parse_verifier(der: &[u8]) -> Result<ParsedPublicKey, aws_lc_rs::error::KeyRejected> {
    UnparsedPublicKey::new(&RSA_PKCS1_2048_8192_SHA256, der).parse()
}

impl PublicKey {
    pub fn from_file(path: &Path) -> Result<Self, KeyError> {
        let text = read_key_text(path, input_file::PUBLIC_KEY)?;
        Self::from_pem(&text, path)
    }

    /// Accepts `BEGIN PUBLIC KEY`, `BEGIN RSA PUBLIC KEY`, or a private key (its public half).
    pub fn from_pem(text: &str, path: &Path) -> Result<Self, KeyError> {
        let key = match pem_label(text) {
            None if text.trim().is_empty() => return Err(KeyError::Empty(path.to_path_buf())),
            None if is_openssh_public(text) => {
                return Err(KeyError::OpenSshPublic(path.to_path_buf()));
            }
            None => return Err(KeyError::NotPem(path.to_path_buf())),
            Some("PUBLIC KEY") => {
                check_spki_algorithm(text, path)?;
                rsa::PublicKey::from_public_key_pem(pem_block(text))
                    .map_err(|e| malformed(path, e))?
            }
            Some("RSA PUBLIC KEY") => {
                rsa::PublicKey::from_pkcs1_pem(pem_block(text)).map_err(|e| malformed(path, e))?
            }
            Some(label) if label.contains("PRIVATE KEY") => {
                return Ok(PrivateKey::from_pem(text, path)?.public_key());
            }
            Some(_) => return Err(KeyError::NotPublic(path.to_path_buf())),
        };
        let bits = key.n_bits_precision() as usize;
        // The signer refuses such a key; a checker that took it would accept what the
        // server refuses.
        if bits < MIN_BITS {
            return Err(KeyError::TooSmall {
                path: path.to_path_buf(),
                bits,
            });
        }
        let der = key.to_pkcs1_der().map_err(|e| malformed(path, e))?;
        let verifier = parse_verifier(der.as_bytes()).map_err(|e| malformed(path, e))?;
        let info = KeyInfo {
            bits,
            fingerprint: fingerprint_of(&key),
        };
        Ok(PublicKey {
            key,
            verifier: Arc::new(verifier),
            info,
        })
    }

    pub fn info(&self) -> &KeyInfo {
        &self.info
    }

    /// The `rsa` crate's form: kept to cross-check aws-lc-rs's verdicts in tests.
    #[cfg(test)]
    pub(crate) fn rsa_key(&self) -> &rsa::PublicKey {
        &self.key
    }

    pub(crate) fn verifier(&self) -> &ParsedPublicKey {
        &self.verifier
    }

    /// SubjectPublicKeyInfo PEM (`BEGIN PUBLIC KEY`), what the web app takes.
    pub fn to_pem(&self) -> String {
        self.key
            .to_public_key_pem(LineEnding::LF)
            .expect("an RSA public key always encodes")
    }
}

/// A key file's text, read within the bound of its kind (`--key /dev/zero` is refused, not
/// read until memory runs out).
pub(crate) fn read_key_text(path: &Path, kind: input_file::Kind) -> Result<String, KeyError> {
    let bytes = input_file::read(path, kind).map_err(|e| match e {
        ReadError::NotFound { .. } => KeyError::NotFound(path.to_path_buf()),
        other => KeyError::Read(other),
    })?;
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(KeyError::Empty(path.to_path_buf()));
    }
    // A DER file or other binary is not PEM; say so rather than "invalid UTF-8".
    String::from_utf8(bytes).map_err(|_| KeyError::NotPem(path.to_path_buf()))
}

/// The first PEM block, so text around it (comments, a second block) does not break parsing.
fn pem_block(text: &str) -> &str {
    let start = text.find("-----BEGIN ").unwrap_or(0);
    let rest = &text[start..];
    match rest.find("-----END ") {
        Some(end_at) => {
            let after = &rest[end_at + "-----END ".len()..];
            let close = after.find("-----").map(|i| i + 5).unwrap_or(after.len());
            &rest[..end_at + "-----END ".len() + close]
        }
        None => rest,
    }
}

/// The PKCS#1 key inside a PKCS#8 `PrivateKeyInfo`, once its algorithm is known to be RSA.
fn pkcs1_of_pkcs8(der: &[u8], path: &Path) -> Result<pkcs8::SecretDocument, KeyError> {
    let info = pkcs8::PrivateKeyInfoRef::try_from(der).map_err(|e| malformed(path, e))?;
    check_algorithm(info.algorithm.oid.to_string(), path)?;
    pkcs8::SecretDocument::try_from(info.private_key.as_bytes()).map_err(|e| malformed(path, e))
}

/// A `BEGIN PUBLIC KEY` block names its algorithm: an EC or Ed25519 key is named as such
/// rather than failing to parse as RSA ("looks like an RSA key … unknown OID").
fn check_spki_algorithm(text: &str, path: &Path) -> Result<(), KeyError> {
    let (_, doc) = pkcs8::Document::from_pem(pem_block(text)).map_err(|e| malformed(path, e))?;
    let info = pkcs8::spki::SubjectPublicKeyInfoRef::try_from(doc.as_bytes())
        .map_err(|e| malformed(path, e))?;
    check_algorithm(info.algorithm.oid.to_string(), path)
}

fn check_algorithm(oid: String, path: &Path) -> Result<(), KeyError> {
    match oid.as_str() {
        OID_RSA => Ok(()),
        OID_EC => Err(KeyError::Ec(path.to_path_buf())),
        OID_ED25519 | OID_ED448 => Err(KeyError::Edwards(path.to_path_buf())),
        _ => Err(KeyError::UnsupportedAlgorithm {
            path: path.to_path_buf(),
            oid,
        }),
    }
}

fn malformed(path: &Path, e: impl fmt::Display) -> KeyError {
    KeyError::Malformed {
        path: path.to_path_buf(),
        detail: e.to_string(),
    }
}

/// Like ssh: a private key readable by group or others deserves a warning.
/// Returns the warning text, if any.
#[cfg(unix)]
pub fn check_key_file_mode(path: &Path) -> Option<String> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path).ok()?.permissions().mode();
    (mode & 0o077 != 0).then(|| {
        format!(
            "warning: {} is readable by other users (mode {:o}); anyone in its group or beyond can sign as you. Run `chmod 600 {}`",
            path.display(),
            mode & 0o777,
            path.display()
        )
    })
}

#[cfg(not(unix))]
pub fn check_key_file_mode(_path: &Path) -> Option<String> {
    None
}
