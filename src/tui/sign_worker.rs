//! Live signing off the draw loop. The app asks for a signature of a body snapshot; a
//! worker thread signs the newest request it has (older ones are dropped unsigned) and
//! reports a `SignOutcome` small enough to draw without touching the body again.

use super::lint_view::{self, LintInput, LintNote};
use super::session::Session;
use crate::lint::escape::char_escape;
use crate::lint::is_invisible;
use crate::signing::{AuthValue, Payload, RequestSigner};
use std::fmt::Write as _;
use std::sync::Arc;
use std::sync::mpsc;
use std::time::Instant;

/// Bytes of the payload shown before and after the elided middle.
pub const HEAD_BYTES: usize = 1536;
pub const TAIL_BYTES: usize = 384;

/// One request to sign: everything is a snapshot, so the worker never reads app state.
#[derive(Debug, Clone)]
pub struct SignJob {
    pub seq: u64,
    pub method: String,
    /// The absolute URL as typed, and as it goes on the wire (signed); or why there is none.
    pub url: Result<super::target::Target, String>,
    pub body: Arc<[u8]>,
    /// The body as last saved with the request, to warn when it was reformatted.
    pub saved_body: Option<Arc<[u8]>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PieceKind {
    Value,
    Url,
    Body,
    /// An escaped invisible byte, e.g. `\t`.
    Escape,
    /// `\n`, after which the preview breaks the line.
    Newline,
}

/// A run of the payload as shown: `text` stands for `bytes` bytes of the payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece {
    pub text: String,
    pub kind: PieceKind,
    pub bytes: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PayloadPreview {
    pub head: Vec<Piece>,
    /// Bytes between head and tail that are not in the preview.
    pub elided: usize,
    pub tail: Vec<Piece>,
    pub total: usize,
}

/// What the signature pane shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignOutcome {
    pub seq: u64,
    pub method: String,
    pub value: Option<AuthValue>,
    pub preview: PayloadPreview,
    pub hash_hex: Option<String>,
    pub x_sign: Option<String>,
    /// Why there is no x-sign (no URL yet, no key...).
    pub problem: Option<String>,
    pub findings: Vec<LintNote>,
    /// A large body's lint still running: `findings` are the previous ones until a
    /// [`SignReport::Linted`] brings this job's.
    pub lint_pending: bool,
    pub micros: u64,
    /// Which scheme signed: the pane names its headers.
    pub scheme: crate::signing::Scheme,
    /// A `qredo-v2` call carries a token, so what is signed is the token request.
    pub token_request: bool,
}

/// What the worker reports for one job: the signature, and for a large body its lint
/// after it, so a keystroke's new x-sign is drawn without waiting for the lint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignReport {
    Signed(SignOutcome),
    Linted { seq: u64, findings: Vec<LintNote> },
}

/// Bodies above this size are linted on a second thread while the first one signs.
const PARALLEL_LINT: usize = 64 * 1024;

/// Signs and lints one job, in one outcome. Pure apart from reading the clock and the nonce
/// store through `session`.
pub fn sign(session: &Session, job: &SignJob) -> SignOutcome {
    let mut signed = None;
    sign_in_steps(session, job, &mut |r| match r {
        SignReport::Signed(o) => signed = Some(o),
        SignReport::Linted { findings, .. } => {
            if let Some(o) = &mut signed {
                o.findings = findings;
                o.lint_pending = false;
            }
        }
    });
    signed.expect("sign_in_steps always reports the signature")
}

/// Signs one job and reports it; a body over [`PARALLEL_LINT`] is linted on a second
/// thread meanwhile, and its findings follow in their own report once the signature is out.
pub fn sign_in_steps(session: &Session, job: &SignJob, report: &mut dyn FnMut(SignReport)) {
    let started = Instant::now();
    let now = session.clock.now().unix;
    let lint = || match &job.url {
        Ok(t) => lint_view::check(&LintInput {
            method: &job.method,
            url: &t.typed,
            signed_url: &t.wire,
            body: &job.body,
            saved_body: job.saved_body.as_deref(),
            now_unix: now,
            scheme: session.view.scheme,
        }),
        Err(_) => Vec::new(),
    };
    if job.body.len() <= PARALLEL_LINT {
        let mut out = sign_only(session, job);
        out.findings = lint();
        out.micros = started.elapsed().as_micros() as u64;
        report(SignReport::Signed(out));
        return;
    }
    std::thread::scope(|scope| {
        let linting = scope.spawn(lint);
        let mut out = sign_only(session, job);
        out.lint_pending = true;
        out.micros = started.elapsed().as_micros() as u64;
        report(SignReport::Signed(out));
        report(SignReport::Linted {
            seq: job.seq,
            findings: linting.join().unwrap_or_default(),
        });
    });
}

fn sign_only(session: &Session, job: &SignJob) -> SignOutcome {
    let mut out = SignOutcome {
        seq: job.seq,
        method: job.method.clone(),
        value: None,
        preview: PayloadPreview::default(),
        hash_hex: None,
        x_sign: None,
        problem: None,
        findings: Vec::new(),
        lint_pending: false,
        micros: 0,
        scheme: crate::signing::Scheme::PartnerRsa,
        token_request: false,
    };
    let url = match &job.url {
        Ok(t) => &t.wire,
        Err(e) => {
            out.problem = Some(e.clone());
            out.preview = preview(b"", b"", &job.body);
            return out;
        }
    };
    let value = session.preview_value();
    if let Some(hmac) = &session.hmac {
        // A v2 call is not signed: the token request is (ts + GET + its URL), and the
        // call carries the token it returns. Shown so, as `http::TokenSource` signs it.
        let token_url = match session.token_source(url) {
            Ok(source) => source.map(|s| s.token_url()),
            Err(problem) => {
                out.problem = Some(problem);
                None
            }
        };
        let (method, url, body) = match &token_url {
            Some(t) => ("GET", t.as_str(), &b""[..]),
            None => (job.method.as_str(), url.as_str(), &job.body[..]),
        };
        out.token_request = token_url.is_some();
        // ts + METHOD + URL + body: the method shown with the value it follows.
        let signed = hmac.sign(method, url, body, value);
        let payload = signed.payload(method, url, body);
        let head = [payload.value_part(), payload.method_part()].concat();
        out.value = Some(value);
        out.preview = preview(&head, payload.url_part(), payload.body_part());
        out.hash_hex = Some(signed.hash_hex);
        out.x_sign = Some(signed.x_sign.to_string());
        out.scheme = signed.scheme;
        return out;
    }
    out.value = Some(value);
    // Shown from its three parts and signed in place: a 1 MB body is neither copied into
    // a payload nor hashed twice (once for the Hash line, once by the signature).
    out.preview = preview(value.to_string().as_bytes(), url.as_bytes(), &job.body);
    match (&session.signer, session.view.signing) {
        (Some(signer), _) => {
            let signed = signer.sign(&job.method, url, &job.body, value);
            out.hash_hex = Some(signed.hash_hex);
            out.x_sign = Some(signed.x_sign.to_string());
        }
        (None, false) => {
            out.hash_hex = Some(Payload::hash_hex_of(value, url, &job.body));
            out.problem = Some(format!(
                "signing is off for the {} profile: requests go without x-sign",
                session.view.name
            ))
        }
        (None, true) => {
            out.hash_hex = Some(Payload::hash_hex_of(value, url, &job.body));
            out.problem = Some(
                session
                    .view
                    .problems
                    .first()
                    .cloned()
                    .unwrap_or_else(|| "no private key: add one to the profile".into()),
            )
        }
    }
    out
}

/// The payload with invisibles escaped; a long body keeps only its head and tail.
pub fn preview(value: &[u8], url: &[u8], body: &[u8]) -> PayloadPreview {
    let mut head = Vec::new();
    push_pieces(&mut head, value, PieceKind::Value);
    push_pieces(&mut head, url, PieceKind::Url);
    let total = value.len() + url.len() + body.len();
    if body.len() <= HEAD_BYTES + TAIL_BYTES {
        push_pieces(&mut head, body, PieceKind::Body);
        return PayloadPreview {
            head,
            elided: 0,
            tail: Vec::new(),
            total,
        };
    }
    let head_end = floor_char_boundary(body, HEAD_BYTES);
    let tail_start = ceil_char_boundary(body, body.len() - TAIL_BYTES);
    push_pieces(&mut head, &body[..head_end], PieceKind::Body);
    let mut tail = Vec::new();
    push_pieces(&mut tail, &body[tail_start..], PieceKind::Body);
    PayloadPreview {
        head,
        elided: tail_start - head_end,
        tail,
        total,
    }
}

fn floor_char_boundary(b: &[u8], mut i: usize) -> usize {
    while i > 0 && i < b.len() && (b[i] & 0xC0) == 0x80 {
        i -= 1;
    }
    i
}

fn ceil_char_boundary(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && (b[i] & 0xC0) == 0x80 {
        i += 1;
    }
    i
}

fn push_pieces(out: &mut Vec<Piece>, bytes: &[u8], plain: PieceKind) {
    let mut push = |text: &str, kind: PieceKind, n: usize| match out.last_mut() {
        Some(last) if last.kind == kind && kind == plain => {
            last.text.push_str(text);
            last.bytes += n;
        }
        _ => out.push(Piece {
            text: text.to_string(),
            kind,
            bytes: n,
        }),
    };
    for chunk in bytes.utf8_chunks() {
        let s = chunk.valid();
        let mut plain_from = 0;
        for (i, c) in s.char_indices() {
            if c != '\\' && !is_invisible(c) {
                continue;
            }
            if plain_from < i {
                push(&s[plain_from..i], plain, i - plain_from);
            }
            let n = c.len_utf8();
            match (c, char_escape(c)) {
                // As everywhere in xsign: a backslash shows doubled, so a JSON escape
                // such as `\n` never looks like a real newline.
                ('\\', _) => push("\\\\", plain, 1),
                ('\n', Some(e)) => push(e, PieceKind::Newline, n),
                (_, Some(e)) => push(e, PieceKind::Escape, n),
                (_, None) => {
                    let mut e = String::new();
                    let _ = write!(e, "\\u{{{:x}}}", c as u32);
                    push(&e, PieceKind::Escape, n);
                }
            }
            plain_from = i + n;
        }
        if plain_from < s.len() {
            push(&s[plain_from..], plain, s.len() - plain_from);
        }
        for b in chunk.invalid() {
            push(&format!("\\x{b:02X}"), PieceKind::Escape, 1);
        }
    }
}

/// The worker thread: signs the newest job it has, reports through `report`.
pub struct SignWorker {
    tx: mpsc::Sender<(Arc<Session>, SignJob)>,
}

impl SignWorker {
    pub fn spawn(mut report: impl FnMut(SignReport) + Send + 'static) -> Self {
        let (tx, rx) = mpsc::channel::<(Arc<Session>, SignJob)>();
        std::thread::Builder::new()
            .name("xsign-signer".into())
            .spawn(move || {
                while let Ok(mut next) = rx.recv() {
                    // Only the newest snapshot matters: skip the ones typed past.
                    while let Ok(newer) = rx.try_recv() {
                        next = newer;
                    }
                    let (session, job) = next;
                    sign_in_steps(&session, &job, &mut report);
                }
            })
            .expect("spawning the signer thread");
        SignWorker { tx }
    }

    pub fn submit(&self, session: Arc<Session>, job: SignJob) {
        let _ = self.tx.send((session, job));
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_qredo_v1_profile_signs_with_hmac_and_shows_the_method() {
        use crate::secret::QredoSecret;
        use crate::signing::{HmacV1Signer, PrivateKey};
        let dir = std::env::temp_dir().join(format!("xsign-sw-{}", std::process::id()));
        let stores = crate::tui::stores::Stores::in_dirs(&dir, &dir);
        let key = PrivateKey::from_file(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures/test-rsa2048.pkcs1.pem"),
        )
        .unwrap();
        let url = "https://api.qredo.network/qapi/v1/balance";
        let mut session = Session::for_key(
            "qredo-v1",
            "https://api.qredo.network/qapi/v1",
            key,
            "k",
            crate::signing::AuthMode::Timestamp,
            crate::tui::clock::FixedClock::shared(1_700_000_000),
            &stores,
        );
        session.signer = None;
        session.hmac = Some(Arc::new(HmacV1Signer::new(
            QredoSecret::parse("q-_8AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=").unwrap(),
        )));
        let job = SignJob {
            seq: 1,
            method: "GET".into(),
            url: Ok(super::super::target::Target {
                typed: url.into(),
                wire: url.into(),
            }),
            body: Arc::from(&b""[..]),
            saved_body: None,
        };
        let out = sign_only(&session, &job);
        // The `get` row of tests/vectors/qredo-v1.tsv (openssl and Python).
        assert_eq!(
            out.x_sign.as_deref(),
            Some("72dxicKE2PJfQ0bJn6_GMiCpE7xYjj5xqxMQXjgSg-8")
        );
        assert_eq!(out.scheme, crate::signing::Scheme::QredoV1);
        assert!(
            text(&out.preview.head).starts_with("1700000000GEThttps://"),
            "{}",
            text(&out.preview.head)
        );
    }

    use super::*;

    fn text(pieces: &[Piece]) -> String {
        pieces.iter().map(|p| p.text.as_str()).collect()
    }

    #[test]
    fn preview_escapes_invisibles_and_counts_bytes() {
        let p = preview(b"1639490495", b"https://x/company", b"{\"a\":\t1}\r\n\xff");
        assert_eq!(
            text(&p.head),
            "1639490495https://x/company{\"a\":\\t1}\\r\\n\\xFF"
        );
        assert_eq!(p.elided, 0);
        let bytes: usize = p.head.iter().map(|p| p.bytes).sum();
        assert_eq!(bytes, p.total);
        assert!(p.head.iter().any(|p| p.kind == PieceKind::Newline));
    }

    #[test]
    fn a_json_escape_is_not_a_newline() {
        let p = preview(b"", b"", br#"{"a":"x\ny"}"#);
        assert_eq!(text(&p.head), r#"{"a":"x\\ny"}"#);
        assert!(p.head.iter().all(|p| p.kind != PieceKind::Newline));
    }

    #[test]
    fn long_payloads_keep_head_and_tail() {
        let mut body = vec![b'a'; 10_000];
        body[HEAD_BYTES - 1..HEAD_BYTES + 1].copy_from_slice("é".as_bytes());
        let p = preview(b"1", b"u", &body);
        let shown: usize = p.head.iter().chain(&p.tail).map(|p| p.bytes).sum();
        assert_eq!(shown + p.elided, p.total);
        assert!(!text(&p.head).contains("\\x"));
        assert!(p.elided > 8_000);
    }
}
