//! Percent-encoding changes between a signed and a sent query or path: which escapes an
//! HTTP library rewrote (decoded `%2F`, `%7E` or `%26`, changed hex case, encoded a raw
//! `é`, `+` for a space), named one by one; and the rewritten forms of a sent query to try
//! when only the sent side is known. Pure and byte-exact: every form here is a string that
//! could have been signed, never a normalized one.

/// One unit of an encoded string: `%XX`, or one character as typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Token<'a> {
    raw: &'a str,
    /// What the server decodes it to: one byte for `%XX`, the UTF-8 bytes of a character.
    decoded: Decoded,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Decoded {
    Byte(u8),
    Char(char),
}

impl Decoded {
    fn push_to(self, out: &mut Vec<u8>, plus_is_space: bool) {
        match self {
            Decoded::Byte(b) => out.push(b),
            Decoded::Char('+') if plus_is_space => out.push(b' '),
            Decoded::Char(c) => {
                let mut buf = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
        }
    }
}

fn tokens(s: &str) -> Vec<Token<'_>> {
    let b = s.as_bytes();
    let hex = |c: u8| (c as char).to_digit(16);
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        if b[i] == b'%'
            && i + 2 < s.len()
            && let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2]))
        {
            let byte = u8::try_from(h * 16 + l).unwrap_or_default();
            out.push(Token {
                raw: &s[i..i + 3],
                decoded: Decoded::Byte(byte),
            });
            i += 3;
            continue;
        }
        let c = s[i..].chars().next().unwrap_or_default();
        let end = i + c.len_utf8();
        out.push(Token {
            raw: &s[i..end],
            decoded: Decoded::Char(c),
        });
        i = end;
    }
    out
}

fn decode(ts: &[Token<'_>], plus_is_space: bool) -> Vec<u8> {
    let mut out = Vec::new();
    for t in ts {
        t.decoded.push_to(&mut out, plus_is_space);
    }
    out
}

/// Each escape the sending side wrote another way, as one line a person reads
/// ("%2F was sent decoded, as /"). Empty when the two do not decode to the same bytes.
/// `query` says `+` means a space, as form encoding has it.
pub fn changes(signed: &str, sent: &str, query: bool) -> Vec<String> {
    let (a, b) = (tokens(signed), tokens(sent));
    if decode(&a, query) != decode(&b, query) {
        return Vec::new();
    }
    // Rewritten runs, as (signed, sent): adjacent rewritten groups make one run, so
    // `%c3%a9` against `%C3%A9` is named once.
    let mut runs: Vec<(String, String)> = Vec::new();
    let mut adjacent = false;
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        // Grow a group on each side until both decode to the same bytes: `é` against
        // `%C3%A9` is one group of one token and two.
        let (si, sj) = (i, j);
        let (mut da, mut db) = (Vec::new(), Vec::new());
        a[i].decoded.push_to(&mut da, query);
        b[j].decoded.push_to(&mut db, query);
        i += 1;
        j += 1;
        while da != db {
            if da.len() <= db.len() && i < a.len() {
                a[i].decoded.push_to(&mut da, query);
                i += 1;
            } else if j < b.len() {
                b[j].decoded.push_to(&mut db, query);
                j += 1;
            } else {
                break;
            }
        }
        let ra: String = a[si..i].iter().map(|t| t.raw).collect();
        let rb: String = b[sj..j].iter().map(|t| t.raw).collect();
        if ra == rb {
            adjacent = false;
            continue;
        }
        match runs.last_mut() {
            Some((x, y)) if adjacent => {
                x.push_str(&ra);
                y.push_str(&rb);
            }
            _ => runs.push((ra, rb)),
        }
        adjacent = true;
    }
    let mut out: Vec<String> = Vec::new();
    for (ra, rb) in runs {
        let line = describe(&ra, &rb, query);
        if !out.contains(&line) {
            out.push(line);
        }
    }
    out
}

fn describe(signed: &str, sent: &str, query: bool) -> String {
    let encoded = |s: &str| s.starts_with('%');
    if encoded(signed) && encoded(sent) && signed.eq_ignore_ascii_case(sent) {
        return format!(
            "{signed} was sent as {sent}: the same bytes, with hex digits in the other case"
        );
    }
    if query && (signed == "+" || sent == "+") {
        return format!("a space signed as {signed} was sent as {sent}");
    }
    match (encoded(signed), encoded(sent)) {
        (true, false) => {
            let note = match sent {
                "&" if query => ", which splits one parameter in two",
                "=" if query => ", which the server may read as a second '='",
                "/" | "?" | "#" | ":" | "@" | "," | ";" => ", a reserved character",
                _ if sent
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-._~".contains(c)) =>
                {
                    ", an unreserved character that never needs escaping"
                }
                _ => "",
            };
            format!("{signed} was sent decoded, as {sent}{note}")
        }
        (false, true) => {
            if signed.is_ascii() {
                format!("{signed} was sent percent-encoded, as {sent}")
            } else {
                format!("{signed} was signed raw and sent percent-encoded (UTF-8), as {sent}")
            }
        }
        _ => format!("{signed} was sent as {sent}"),
    }
}

/// The parameters of a query in another order, when the order is the only difference.
pub fn reordered(signed: &str, sent: &str) -> bool {
    if signed == sent {
        return false;
    }
    let mut a: Vec<&str> = signed.split('&').collect();
    let mut b: Vec<&str> = sent.split('&').collect();
    a.sort_unstable();
    b.sort_unstable();
    a == b
}

/// Up to this many parameters, every order is tried; beyond, only the sorted one.
const PERMUTE_MAX_PARAMS: usize = 4;

/// Forms of a sent query that a signer may have signed while the HTTP library sent this
/// one: each escape's hex digits in the other case, `%7E` and `~` swapped, raw characters
/// percent-encoded, a reserved character percent-encoded where it sits inside a value, and
/// the parameters in another order. Labels say what changed, for the doctor's finding.
pub fn query_variants(q: &str) -> Vec<(&'static str, String)> {
    let mut out: Vec<(&'static str, String)> = Vec::new();
    let mut push = |label: &'static str, v: String| {
        if v != q && !out.iter().any(|(_, o)| *o == v) {
            out.push((label, v));
        }
    };
    let ts = tokens(q);
    let map = |f: &dyn Fn(&Token<'_>) -> Option<String>| -> String {
        ts.iter()
            .map(|t| f(t).unwrap_or_else(|| t.raw.to_string()))
            .collect()
    };
    push(
        "with the query's escapes in lowercase hex",
        map(&|t| encoded(t).then(|| t.raw.to_ascii_lowercase())),
    );
    push(
        "with the query's escapes in uppercase hex",
        map(&|t| encoded(t).then(|| t.raw.to_ascii_uppercase())),
    );
    push(
        "with ~ written %7E in the query",
        map(&|t| (t.raw == "~").then(|| "%7E".to_string())),
    );
    push(
        "with %7E written ~ in the query",
        map(&|t| t.raw.eq_ignore_ascii_case("%7E").then(|| "~".to_string())),
    );
    push(
        "with the query's non-ASCII characters percent-encoded",
        map(&|t| match t.decoded {
            Decoded::Char(c) if !c.is_ascii() => Some(percent_encode(c)),
            _ => None,
        }),
    );
    // Inside a value (after the parameter's first '='), '/', ':', ',', '=' and '?' are
    // often escaped by a signer's URL encoder and sent bare.
    let mut in_value = false;
    let escaped_in_values: String = ts
        .iter()
        .map(|t| {
            let raw = t.raw;
            match raw {
                "&" => {
                    in_value = false;
                    raw.to_string()
                }
                "=" if !in_value => {
                    in_value = true;
                    raw.to_string()
                }
                "/" | ":" | "," | "=" | "?" | "@" if in_value => {
                    percent_encode(raw.chars().next().unwrap_or_default())
                }
                _ => raw.to_string(),
            }
        })
        .collect();
    push(
        "with '/', ':', ',' and '=' escaped in the query's values",
        escaped_in_values,
    );
    // A '&' that was %26 inside a value splits it; try each one escaped.
    let amps: Vec<usize> = q.match_indices('&').map(|(i, _)| i).collect();
    for &at in amps.iter().take(8) {
        push(
            "with one '&' in the query escaped as %26",
            format!("{}%26{}", &q[..at], &q[at + 1..]),
        );
    }
    let params: Vec<&str> = q.split('&').collect();
    if params.len() > 1 {
        if params.len() <= PERMUTE_MAX_PARAMS {
            for order in permutations(params.len()) {
                let v: Vec<&str> = order.iter().map(|&k| params[k]).collect();
                push("with the query's parameters in another order", v.join("&"));
            }
        } else {
            let mut sorted = params.clone();
            sorted.sort_unstable();
            push("with the query's parameters sorted", sorted.join("&"));
        }
    }
    out
}

fn encoded(t: &Token<'_>) -> bool {
    matches!(t.decoded, Decoded::Byte(_))
}

fn percent_encode(c: char) -> String {
    let mut buf = [0u8; 4];
    c.encode_utf8(&mut buf)
        .bytes()
        .map(|b| format!("%{b:02X}"))
        .collect()
}

/// Every order of `0..n`, by Heap's algorithm; n is at most `PERMUTE_MAX_PARAMS`.
fn permutations(n: usize) -> Vec<Vec<usize>> {
    fn heap(k: usize, a: &mut Vec<usize>, out: &mut Vec<Vec<usize>>) {
        if k <= 1 {
            out.push(a.clone());
            return;
        }
        for i in 0..k {
            heap(k - 1, a, out);
            let swap = if k.is_multiple_of(2) { i } else { 0 };
            a.swap(swap, k - 1);
        }
    }
    let mut out = Vec::new();
    heap(n, &mut (0..n).collect(), &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(signed: &str, sent: &str) -> String {
        let c = changes(signed, sent, true);
        assert_eq!(c.len(), 1, "{signed} / {sent}: {c:?}");
        c.into_iter().next().unwrap()
    }

    #[test]
    fn names_each_rewritten_escape() {
        assert!(one("address=a%2Fb", "address=a/b").contains("%2F was sent decoded, as /"));
        assert!(one("q=a%3Db", "q=a=b").contains("%3D was sent decoded, as ="));
        assert!(one("q=a%26b", "q=a&b").contains("splits one parameter in two"));
        assert!(one("q=caf%c3%a9", "q=caf%C3%A9").contains("hex digits in the other case"));
        assert!(one("q=a%7Eb", "q=a~b").contains("unreserved character"));
        assert!(one("q=café", "q=caf%C3%A9").contains("é was signed raw and sent percent-encoded"));
        assert!(one("q=a b", "q=a%20b").contains("percent-encoded, as %20"));
        assert!(one("q=a+b", "q=a%20b").contains("a space signed as +"));
        assert!(changes("q=a", "q=b", true).is_empty());
    }

    #[test]
    fn a_reordered_query_is_told_from_a_changed_one() {
        assert!(reordered("b=2&a=1", "a=1&b=2"));
        assert!(!reordered("a=1&b=2", "a=1&b=2"));
        assert!(!reordered("a=1&b=3", "a=1&b=2"));
    }

    #[test]
    fn variants_hold_the_form_each_slip_signed() {
        let has = |sent: &str, signed: &str| {
            let v = query_variants(sent);
            assert!(
                v.iter().any(|(_, q)| q == signed),
                "{sent} -> {signed}: {v:?}"
            );
        };
        has("address=a/b", "address=a%2Fb");
        has("q=a=b", "q=a%3Db");
        has("q=a&b", "q=a%26b");
        has("q=caf%C3%A9", "q=caf%c3%a9");
        has("q=a~b", "q=a%7Eb");
        has("q=a%7Eb", "q=a~b");
        has("q=café", "q=caf%C3%A9");
        has("a=1&b=2&c=3", "c=3&a=1&b=2");
        has("e=5&d=4&c=3&b=2&a=1", "a=1&b=2&c=3&d=4&e=5");
        assert_eq!(permutations(4).len(), 24);
    }
}
