//! Where the published Partner API spec (v1.1.2) contradicts its own examples, the API and
//! the reference clients, and how xsign reads it instead. Applied to the embedded copy only
//! (`Spec::partner`); `xsign import openapi` reads any document as it is written. Each entry
//! is listed in the README and the catalog's notes.

use serde_json::{Value, json};

/// One correction: a JSON pointer into the document, what changes, and why.
pub struct Erratum {
    pub at: &'static str,
    pub why: &'static str,
    fix: Fix,
}

enum Fix {
    /// Drops names from a `required` list.
    Unrequire(&'static [&'static str]),
    /// Declares a property (the pointer is the `properties` map).
    Declare(&'static str, &'static str),
    /// Replaces a property's `type`.
    Retype(&'static str),
    /// Lets a property be any of these types.
    Types(&'static [&'static str]),
    /// Makes a property a list of what it was.
    ListOf,
    /// Reads a `oneOf` as `anyOf`: its alternatives overlap, so a value matching one
    /// matches several and `oneOf` refuses it.
    AnyOf,
}

const OVERLAP: &str = "a oneOf whose alternatives overlap (each state's schema accepts the others' values): read as anyOf, or no answer could match";

pub const PARTNER: &[Erratum] = &[
    Erratum {
        at: "/components/schemas/TxInfo/properties/tx_status",
        why: OVERLAP,
        fix: Fix::AnyOf,
    },
    Erratum {
        at: "/components/schemas/WithdrawalInfo/properties/tx_status",
        why: OVERLAP,
        fix: Fix::AnyOf,
    },
    Erratum {
        at: "/components/schemas/ActionDetails/properties/details",
        why: OVERLAP,
        fix: Fix::AnyOf,
    },
    Erratum {
        at: "/components/schemas/Assets/properties/assets",
        why: "GET /assets types `assets` as one asset object, but the API (and the mock) return a list of them",
        fix: Fix::ListOf,
    },
    Erratum {
        at: "/components/schemas/Error/properties/code",
        why: "the error `code` is typed as a string, but the guide and the API send a number (1020, 401)",
        fix: Fix::Types(&["integer", "string"]),
    },
    Erratum {
        at: "/components/schemas/AtomicSwapTake/properties",
        why: "AtomicSwapTake requires swap_id but does not declare it; its example sends it",
        fix: Fix::Declare("swap_id", "string"),
    },
    Erratum {
        at: "/components/schemas/Transfer/required",
        why: "Transfer requires counterparty_wallet_id and amount, which it does not declare; \
              its example (and the API) send counterparty_wallet_address and send.amount",
        fix: Fix::Unrequire(&["counterparty_wallet_id", "amount"]),
    },
    Erratum {
        at: "/components/schemas/Withdrawal/required",
        why: "Withdrawal requires amount, which it does not declare; the amount is send.amount",
        fix: Fix::Unrequire(&["amount"]),
    },
    Erratum {
        at: "/components/schemas/Holding/required",
        why: "Holding requires code, which it does not declare",
        fix: Fix::Unrequire(&["code"]),
    },
    Erratum {
        at: "/components/schemas/Transfer/properties/expires",
        why: "expires is typed as a string, but the examples and the API use epoch seconds as a number",
        fix: Fix::Retype("integer"),
    },
    Erratum {
        at: "/components/schemas/Withdrawal/properties/expires",
        why: "expires is typed as a string, but the examples and the API use epoch seconds as a number",
        fix: Fix::Retype("integer"),
    },
    Erratum {
        at: "/components/schemas/AtomicSwapMake/properties/expires",
        why: "expires is typed as a string, but the examples and the API use epoch seconds as a number",
        fix: Fix::Retype("integer"),
    },
    Erratum {
        at: "/components/schemas/Sweep/properties/expires",
        why: "expires is typed as a string, but the examples and the API use epoch seconds as a number",
        fix: Fix::Retype("integer"),
    },
];

/// Applies `errata` to `doc`; an entry whose pointer names nothing is an error, so a new
/// spec version that fixed (or moved) it is noticed by the tests.
pub fn apply(doc: &mut Value, errata: &[Erratum]) -> Result<(), String> {
    for e in errata {
        let Some(target) = doc.pointer_mut(e.at) else {
            return Err(format!("erratum {}: nothing there", e.at));
        };
        match &e.fix {
            Fix::Unrequire(names) => {
                let Value::Array(list) = target else {
                    return Err(format!("erratum {}: not a list", e.at));
                };
                list.retain(|n| !n.as_str().is_some_and(|n| names.contains(&n)));
            }
            Fix::Declare(name, ty) => {
                let Value::Object(props) = target else {
                    return Err(format!("erratum {}: not a mapping", e.at));
                };
                props.insert((*name).into(), json!({"type": ty}));
            }
            Fix::Types(tys) => {
                let Value::Object(schema) = target else {
                    return Err(format!("erratum {}: not a schema", e.at));
                };
                schema.insert("type".into(), json!(tys));
            }
            Fix::AnyOf => {
                let Value::Object(schema) = target else {
                    return Err(format!("erratum {}: not a schema", e.at));
                };
                let Some(alternatives) = schema.remove("oneOf") else {
                    return Err(format!("erratum {}: no oneOf", e.at));
                };
                schema.insert("anyOf".into(), alternatives);
            }
            Fix::ListOf => {
                let items = target.take();
                *target = json!({"type": "array", "items": items});
            }
            Fix::Retype(ty) => {
                let Value::Object(schema) = target else {
                    return Err(format!("erratum {}: not a schema", e.at));
                };
                schema.insert("type".into(), json!(ty));
            }
        }
    }
    Ok(())
}
