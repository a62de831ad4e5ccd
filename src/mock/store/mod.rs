//! The mock's state: the records, the indexes rebuilt after loading, and the record limit.
//! No sockets, no locks: the server wraps a `Store` in a mutex and persists it after each
//! change. The changes live one resource a file, as `routes` does.

mod companies;
mod coreclients;
mod funds;
mod transfers;

use super::error::{ApiError, ApiResult};
use super::model::*;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct Store {
    #[serde(default)]
    pub companies: BTreeMap<String, Company>,
    #[serde(default)]
    pub funds: BTreeMap<String, Fund>,
    #[serde(default)]
    pub transfers: BTreeMap<String, Transfer>,
    #[serde(default)]
    pub coreclients: BTreeMap<String, CoreClient>,
    #[serde(default)]
    pub actions: BTreeMap<String, Action>,
    /// (owner, ref) -> company_id: refs are unique per API key.
    #[serde(skip)]
    refs: HashMap<(String, String), String>,
    /// wallet_id -> fund_id.
    #[serde(skip)]
    wallets: HashMap<String, String>,
    /// (company_id, partner_txID) -> tx_id: a repeated partner_txID answers the first transfer.
    #[serde(skip)]
    partner_txs: HashMap<(String, String), String>,
    #[serde(skip)]
    max_records: usize,
}

impl Store {
    #[cfg(test)]
    pub fn new(max_records: usize) -> Self {
        Store {
            max_records,
            ..Default::default()
        }
    }

    /// Rebuilds the indexes after loading, and sets the record limit.
    pub fn reindex(&mut self, max_records: usize) {
        self.max_records = max_records;
        self.refs = self
            .companies
            .values()
            .filter(|c| !c.reference.is_empty())
            .map(|c| ((c.owner.clone(), c.reference.clone()), c.company_id.clone()))
            .collect();
        self.wallets = self
            .funds
            .values()
            .flat_map(|f| {
                f.wallets
                    .iter()
                    .map(|w| (w.wallet_id.clone(), f.fund_id.clone()))
            })
            .collect();
        self.partner_txs = self
            .transfers
            .values()
            .filter(|t| !t.partner_tx_id.is_empty())
            .map(|t| {
                (
                    (t.company_id.clone(), t.partner_tx_id.clone()),
                    t.tx_id.clone(),
                )
            })
            .collect();
    }

    fn room(&self, len: usize, what: &str) -> ApiResult<()> {
        if len >= self.max_records {
            return Err(ApiError::full(format!(
                "the mock holds at most {} {what}; restart it without --data, or with a fresh --data dir",
                self.max_records
            )));
        }
        Ok(())
    }
}

fn require(value: &str, field: &str) -> ApiResult<()> {
    if value.trim().is_empty() {
        return Err(ApiError::bad_request(format!("{field} is required")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn company(name: &str, reference: Option<&str>) -> NewCompany {
        NewCompany {
            name: name.into(),
            city: "Paris".into(),
            country: "FR".into(),
            domain: String::new(),
            reference: reference.map(str::to_string),
        }
    }

    #[test]
    fn refs_are_unique_per_owner_only() {
        let mut s = Store::new(10);
        s.create_company("a", company("ACME", Some("r1")), 1)
            .unwrap();
        let e = s
            .create_company("a", company("Other", Some("r1")), 1)
            .unwrap_err();
        assert_eq!(e.status.as_u16(), 409);
        s.create_company("b", company("ACME", Some("r1")), 1)
            .unwrap();
        s.create_company("a", company("NoRef", None), 1).unwrap();
        s.create_company("a", company("NoRef2", None), 1).unwrap();
        assert_eq!(s.search_companies("a", "").len(), 3);
        assert_eq!(s.search_companies("a", "acme").len(), 1);
    }

    #[test]
    fn limit_is_enforced() {
        let mut s = Store::new(1);
        s.create_company("a", company("One", None), 1).unwrap();
        let e = s.create_company("a", company("Two", None), 1).unwrap_err();
        assert_eq!(e.status.as_u16(), 507);
    }

    #[test]
    fn transfer_creates_actions_and_approval_completes_it() {
        let mut s = Store::new(100);
        let c = s.create_company("a", company("ACME", None), 1).unwrap();
        let client = s
            .create_coreclient("a", NewCoreClient { name: "cc".into() }, 1)
            .unwrap();
        let body: NewFund =
            serde_json::from_str(r#"{"name":"F","wallets":[{"name":"w","asset":"BTC-TESTNET"}]}"#)
                .unwrap();
        let fund = s.create_fund("a", &c.company_id, body, 1).unwrap();
        let wallet = fund.wallets[0].wallet_id.clone();
        let t: NewTransfer = serde_json::from_value(serde_json::json!({
            "wallet_id": wallet, "counterparty_wallet_address": "x",
            "send": {"symbol": "BTC", "amount": 800}, "partner_txID": "p1"
        }))
        .unwrap();
        let out = s.create_transfer("a", &c.company_id, t, 10).unwrap();
        assert!(out.created);
        assert_eq!(out.actions.len(), 1);
        assert_eq!(out.actions[0].client_id, client.id);
        let again: NewTransfer =
            serde_json::from_value(serde_json::json!({"partner_txID": "p1"})).unwrap();
        let dup = s.create_transfer("a", &c.company_id, again, 11).unwrap();
        assert!(!dup.created);
        assert_eq!(dup.transfer.tx_id, out.transfer.tx_id);

        let (action, tx) = s
            .decide_action("a", &client.id, &out.actions[0].id, true, 12)
            .unwrap();
        assert_eq!(action.status, "approved");
        assert_eq!(tx.unwrap().status, "approved");
        let again = s.decide_action("a", &client.id, &out.actions[0].id, false, 13);
        assert_eq!(again.unwrap_err().status.as_u16(), 409);
    }

    #[test]
    fn pending_actions_expire() {
        let a = Action {
            id: "a".into(),
            client_id: "c".into(),
            kind: "ApproveTransfer".into(),
            tx_id: "t".into(),
            status: "pending".into(),
            timestamp: 0,
            expire_time: 10,
        };
        assert_eq!(a.status_at(10), "pending");
        assert_eq!(a.status_at(11), "expired");
    }
}
