//! Every shared vector, reproduced byte for byte by the library.

mod common;

use common::{Vector, fixtures, vectors};
use xsign::signing::{
    AuthValue, Payload, PrivateKey, RequestSigner, RsaSigner, encode_signature, verify_x_sign,
};

fn value(v: &Vector) -> AuthValue {
    match v.mode.as_str() {
        "timestamp" => AuthValue::Timestamp(v.value.parse().unwrap()),
        "nonce" => AuthValue::Nonce(v.value.parse().unwrap()),
        other => panic!("unknown mode {other}"),
    }
}

#[test]
fn every_vector_reproduces_hash_and_x_sign() {
    let all = vectors();
    assert!(all.len() >= 10);
    for v in &all {
        let key = PrivateKey::from_file(&fixtures().join(&v.key)).unwrap();
        let signer = RsaSigner::new(key);
        let signed = signer.sign("POST", &v.url, v.body.as_bytes(), value(v));
        assert_eq!(signed.hash_hex, v.payload_sha256_hex, "hash of {}", v.name);
        assert_eq!(signed.x_sign.as_str(), v.x_sign, "x-sign of {}", v.name);
    }
}

#[test]
fn aws_lc_and_rsa_crate_give_identical_signatures() {
    for v in &vectors() {
        let signer = RsaSigner::new(PrivateKey::from_file(&fixtures().join(&v.key)).unwrap());
        let payload = Payload::new(value(v), &v.url, v.body.as_bytes());
        let fast = signer.sign_payload(&payload);
        let pure = signer.sign_payload_with_rsa_crate(&payload);
        assert_eq!(fast, pure, "{}", v.name);
        assert_eq!(encode_signature(&pure).as_str(), v.x_sign);
    }
}

#[test]
fn every_vector_verifies_with_the_public_key_and_tampering_fails() {
    for v in &vectors() {
        let pub_name = v
            .key
            .replace(".pkcs1.pem", ".pub.pem")
            .replace(".pkcs8.pem", ".pub.pem");
        let public = xsign::signing::PublicKey::from_file(&fixtures().join(pub_name)).unwrap();
        let payload = Payload::new(value(v), &v.url, v.body.as_bytes());
        verify_x_sign(&public, &payload, &v.x_sign).unwrap();
        let tampered = Payload::new(value(v), &v.url, format!("{} ", v.body).as_bytes());
        assert!(
            verify_x_sign(&public, &tampered, &v.x_sign).is_err(),
            "{}",
            v.name
        );
    }
}

#[test]
fn both_pem_forms_are_the_same_key() {
    let a = PrivateKey::from_file(&fixtures().join("test-rsa2048.pkcs1.pem")).unwrap();
    let b = PrivateKey::from_file(&fixtures().join("test-rsa2048.pkcs8.pem")).unwrap();
    assert_eq!(a.info(), b.info());
    assert_eq!(a.info().bits, 2048);
    let big = PrivateKey::from_file(&fixtures().join("test-rsa4096.pkcs1.pem")).unwrap();
    assert_eq!(big.info().bits, 4096);
}
