//! Key files: the two PEM forms load, every unusable file is refused with a message that
//! names the fix, an encrypted PKCS#8 key decrypts with its passphrase, loose modes warn.

use std::path::{Path, PathBuf};
use xsign::signing::{KeyError, PrivateKey, PublicKey, check_key_file_mode};

/// `openssl pkey -pubin -in tests/fixtures/test-rsa2048.pub.pem -outform DER | sha256sum`
const FINGERPRINT_2048: &str =
    "sha256:8b79f8954a2657c12bcb99e9eacc2afe41c79c9eb8f4e526e4d4ca5b3e9f9d62";
/// `openssl pkey -pubin -in tests/fixtures/test-rsa4096.pub.pem -outform DER | sha256sum`
const FINGERPRINT_4096: &str =
    "sha256:b43705e26d8bb6716b6ac90e20a9294530cb04c818bba5f1bf45aec253ddc2f5";

const PASSPHRASE: &str = "xsign-test-passphrase";

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn refusal(name: &str) -> PathBuf {
    fixture("refusals").join(name)
}

/// Loads `name` as a private key, expecting a refusal; returns it and its message.
fn refuse(name: &str) -> (KeyError, String) {
    let err = PrivateKey::from_file(&refusal(name)).expect_err(name);
    let msg = err.to_string();
    (err, msg)
}

fn assert_names(msg: &str, needles: &[&str]) {
    for n in needles {
        assert!(msg.contains(n), "message lacks {n:?}: {msg}");
    }
}

#[test]
fn not_pem_is_refused_with_the_conversion_command() {
    for name in ["not-pem.txt", "rsa2048.der"] {
        let (err, msg) = refuse(name);
        assert!(matches!(err, KeyError::NotPem(_)), "{name}: {err:?}");
        assert_names(&msg, &["not a PEM file", "openssl pkey -inform DER"]);
    }
}

#[test]
fn encrypted_pkcs8_is_refused_then_decrypts_with_the_passphrase() {
    let (err, msg) = refuse("encrypted-pkcs8.pem");
    assert!(matches!(err, KeyError::Encrypted { tool: "pkey", .. }));
    assert_names(&msg, &["passphrase", "terminal", "openssl pkey -in"]);

    let path = refusal("encrypted-pkcs8.pem");
    let text = std::fs::read_to_string(&path).unwrap();
    let key = PrivateKey::from_pem_with_passphrase(&text, PASSPHRASE, &path).unwrap();
    assert_eq!(key.info().bits, 2048);
    assert_eq!(key.info().fingerprint, FINGERPRINT_2048);

    let wrong = PrivateKey::from_pem_with_passphrase(&text, "not it", &path).unwrap_err();
    assert!(matches!(wrong, KeyError::BadPassphrase(_)), "{wrong:?}");
    assert_names(&wrong.to_string(), &["wrong passphrase"]);
}

#[test]
fn encrypted_legacy_pem_is_refused_with_both_ways_out() {
    let (err, msg) = refuse("encrypted-legacy.pem");
    assert!(matches!(err, KeyError::Encrypted { tool: "rsa", .. }));
    assert_names(
        &msg,
        &[
            "Proc-Type: 4,ENCRYPTED",
            "openssl rsa -in",
            "chmod 600",
            "openssl pkcs8 -topk8",
        ],
    );
    // A passphrase does not help here: the legacy form is still refused, not mis-parsed.
    let path = refusal("encrypted-legacy.pem");
    let text = std::fs::read_to_string(&path).unwrap();
    let again = PrivateKey::from_pem_with_passphrase(&text, PASSPHRASE, &path).unwrap_err();
    assert!(matches!(again, KeyError::Encrypted { tool: "rsa", .. }));
}

#[test]
fn ec_keys_are_refused_in_both_forms() {
    for name in ["ec-sec1.pem", "ec-pkcs8.pem"] {
        let (err, msg) = refuse(name);
        assert!(matches!(err, KeyError::Ec(_)), "{name}: {err:?}");
        assert_names(&msg, &["EC key", "needs RSA", "xsign keygen"]);
    }
}

#[test]
fn ed25519_is_refused() {
    let (err, msg) = refuse("ed25519.pem");
    assert!(matches!(err, KeyError::Edwards(_)), "{err:?}");
    assert_names(&msg, &["Ed25519", "needs RSA", "xsign keygen"]);
}

#[test]
fn openssh_key_is_refused_with_the_conversion_command() {
    let (err, msg) = refuse("openssh-ed25519.key");
    assert!(matches!(err, KeyError::OpenSsh(_)), "{err:?}");
    assert_names(&msg, &["OpenSSH", "ssh-keygen -p -m PEM", "xsign keygen"]);
}

#[test]
fn a_key_under_2048_bits_is_refused() {
    let (err, msg) = refuse("rsa1024.pem");
    assert!(
        matches!(err, KeyError::TooSmall { bits: 1024, .. }),
        "{err:?}"
    );
    assert_names(
        &msg,
        &["1024 bits", "at least 2048", "xsign keygen --bits 2048"],
    );
}

#[test]
fn a_public_key_where_the_private_one_is_needed_is_refused() {
    for name in ["public-key.pem", "rsa-public-key.pem"] {
        let (err, msg) = refuse(name);
        assert!(
            matches!(err, KeyError::PublicNotPrivate(_)),
            "{name}: {err:?}"
        );
        assert_names(&msg, &["public key", "private.pem"]);
    }
}

#[test]
fn an_empty_file_is_refused() {
    for name in ["empty.pem", "blank.pem"] {
        let (err, msg) = refuse(name);
        assert!(matches!(err, KeyError::Empty(_)), "{name}: {err:?}");
        assert_names(&msg, &["is empty", "BEGIN RSA PRIVATE KEY", "xsign keygen"]);
    }
}

#[test]
fn a_missing_file_says_how_to_make_one() {
    let (err, msg) = refuse("no-such-file.pem");
    assert!(matches!(err, KeyError::NotFound(_)), "{err:?}");
    assert_names(&msg, &["xsign keygen", "--key FILE"]);
}

#[test]
fn both_pem_forms_and_4096_load_with_openssl_fingerprints() {
    for name in ["test-rsa2048.pkcs1.pem", "test-rsa2048.pkcs8.pem"] {
        let key = PrivateKey::from_file(&fixture(name)).unwrap();
        assert_eq!(key.info().bits, 2048, "{name}");
        assert_eq!(key.info().fingerprint, FINGERPRINT_2048, "{name}");
    }
    let big = PrivateKey::from_file(&fixture("test-rsa4096.pkcs1.pem")).unwrap();
    assert_eq!(big.info().bits, 4096);
    assert_eq!(big.info().fingerprint, FINGERPRINT_4096);
}

#[test]
fn public_keys_in_both_forms_have_the_openssl_fingerprint() {
    for name in ["public-key.pem", "rsa-public-key.pem"] {
        let key = PublicKey::from_file(&refusal(name)).unwrap();
        assert_eq!(key.info().fingerprint, FINGERPRINT_2048, "{name}");
    }
    let big = PublicKey::from_file(&fixture("test-rsa4096.pub.pem")).unwrap();
    assert_eq!(big.info().fingerprint, FINGERPRINT_4096);
    // The public PEM we print is the one openssl wrote (the web app takes this form).
    let ours = PublicKey::from_file(&fixture("test-rsa2048.pub.pem")).unwrap();
    let theirs = std::fs::read_to_string(fixture("test-rsa2048.pub.pem")).unwrap();
    assert_eq!(ours.to_pem(), theirs);
}

#[test]
fn a_pkcs1_export_reloads_as_the_same_key() {
    let key = PrivateKey::from_file(&fixture("test-rsa2048.pkcs8.pem")).unwrap();
    let pem = key.to_pkcs1_pem();
    assert!(pem.starts_with("-----BEGIN RSA PRIVATE KEY-----"));
    let again = PrivateKey::from_pem(&pem, Path::new("mem")).unwrap();
    assert_eq!(again.info(), key.info());
}

#[test]
fn a_pkcs8_key_exports_the_pkcs1_text_openssl_wrote() {
    let key = PrivateKey::from_file(&fixture("test-rsa2048.pkcs8.pem")).unwrap();
    let openssl = std::fs::read_to_string(fixture("test-rsa2048.pkcs1.pem")).unwrap();
    assert_eq!(key.to_pkcs1_pem(), openssl);
}

/// Well-formed DER whose numbers do not make a key (a prime changed): refused as damaged,
/// before anything is signed with it.
#[test]
fn a_key_whose_numbers_disagree_is_refused() {
    use base64::Engine;
    let text = std::fs::read_to_string(fixture("test-rsa2048.pkcs1.pem")).unwrap();
    let b64: String = text.lines().filter(|l| !l.starts_with("-----")).collect();
    let mut der = base64::engine::general_purpose::STANDARD
        .decode(b64)
        .unwrap();
    // Past the version, modulus, exponents and into the first prime.
    let at = der.len() - 400;
    der[at] ^= 0x5a;
    let body = base64::engine::general_purpose::STANDARD.encode(&der);
    let pem = format!("-----BEGIN RSA PRIVATE KEY-----\n{body}\n-----END RSA PRIVATE KEY-----\n");
    let err = PrivateKey::from_pem(&pem, Path::new("damaged.pem")).unwrap_err();
    assert!(matches!(err, KeyError::Malformed { .. }), "{err:?}");
    assert_names(
        &err.to_string(),
        &["damaged.pem", "copied whole", "xsign keygen"],
    );
}

#[cfg(unix)]
#[test]
fn a_group_readable_key_warns_and_a_private_one_does_not() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("private.pem");
    std::fs::copy(fixture("test-rsa2048.pkcs1.pem"), &path).unwrap();

    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
    let warning = check_key_file_mode(&path).expect("mode 640 warns");
    assert_names(&warning, &["readable by other users", "640", "chmod 600"]);

    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o604)).unwrap();
    assert!(check_key_file_mode(&path).is_some(), "world-readable warns");

    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    assert_eq!(check_key_file_mode(&path), None);
    // The warning never stops the key from loading.
    assert!(PrivateKey::from_file(&path).is_ok());
}

/// `mock --pubkey` and `verify --pubkey` name what a public key file holds: an EC or
/// Ed25519 key was "an RSA key that cannot be parsed (unknown OID)", an OpenSSH `.pub`
/// was told to convert from DER, and a 1024-bit key was taken silently.
#[test]
fn public_keys_of_another_kind_or_too_small_are_named() {
    let load = |name: &str| {
        PublicKey::from_file(&refusal(name))
            .map(|_| ())
            .expect_err(name)
            .to_string()
    };
    let ec = load("ec-public.pem");
    assert_names(&ec, &["holds an EC key", "needs RSA"]);
    assert!(!ec.contains("looks like an RSA key"), "{ec}");
    assert_names(&load("ed25519-public.pem"), &["Ed25519", "needs RSA"]);
    let ssh = load("openssh-rsa.pub");
    assert_names(&ssh, &["OpenSSH public key", "ssh-keygen -e -m PKCS8"]);
    assert!(!ssh.contains("DER"), "{ssh}");
    assert_names(&load("rsa1024-public.pem"), &["1024 bits", "at least 2048"]);
    // The good ones still load.
    PublicKey::from_file(&refusal("public-key.pem")).unwrap();
    PublicKey::from_file(&refusal("rsa-public-key.pem")).unwrap();
}
