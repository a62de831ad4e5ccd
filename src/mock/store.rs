//! The mock's state and every change to it. No sockets, no locks: the server wraps a
//! `Store` in a mutex and persists it after each change.

use super::error::{ApiError, ApiResult};
use super::ids::{base58_id, ksuid};
use super::model::*;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// Actions for transfers without `expires` stay open this long, as in the API's examples.
const ACTION_LIFETIME_SECS: i64 = 1000;

#[derive(Debug, Default, Serialize, Deserialize)]
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

/// What a transfer request did.
pub struct TransferOutcome {
    pub transfer: Transfer,
    /// False when `partner_txID` named an existing transfer (`"status": "existing"`).
    pub created: bool,
    pub actions: Vec<Action>,
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

    // Companies.

    pub fn create_company(
        &mut self,
        owner: &str,
        body: NewCompany,
        now: i64,
    ) -> ApiResult<Company> {
        require(&body.name, "name")?;
        self.room(self.companies.len(), "companies")?;
        let reference = body.reference.unwrap_or_default();
        self.check_ref(owner, &reference, None)?;
        let company = Company {
            company_id: ksuid(),
            owner: owner.to_string(),
            name: body.name,
            city: body.city,
            country: body.country,
            domain: body.domain,
            reference,
            created: now,
        };
        if !company.reference.is_empty() {
            self.refs.insert(
                (owner.to_string(), company.reference.clone()),
                company.company_id.clone(),
            );
        }
        self.companies
            .insert(company.company_id.clone(), company.clone());
        Ok(company)
    }

    fn check_ref(&self, owner: &str, reference: &str, except: Option<&str>) -> ApiResult<()> {
        if reference.is_empty() {
            return Ok(());
        }
        match self.refs.get(&(owner.to_string(), reference.to_string())) {
            Some(id) if Some(id.as_str()) != except => Err(ApiError::conflict(format!(
                "ref {reference:?} is already used by company {id}: each company needs its own ref"
            ))),
            _ => Ok(()),
        }
    }

    /// PUT replaces the company's fields; a `ref` left out keeps the current one.
    pub fn update_company(
        &mut self,
        owner: &str,
        company_id: &str,
        body: NewCompany,
    ) -> ApiResult<Company> {
        self.company(owner, company_id)?;
        require(&body.name, "name")?;
        let new_ref = body.reference;
        if let Some(r) = &new_ref {
            self.check_ref(owner, r, Some(company_id))?;
        }
        let company = self.companies.get_mut(company_id).expect("checked above");
        if let Some(r) = new_ref
            && r != company.reference
        {
            self.refs
                .remove(&(owner.to_string(), company.reference.clone()));
            if !r.is_empty() {
                self.refs
                    .insert((owner.to_string(), r.clone()), company_id.to_string());
            }
            company.reference = r;
        }
        company.name = body.name;
        company.city = body.city;
        company.country = body.country;
        company.domain = body.domain;
        Ok(company.clone())
    }

    pub fn company(&self, owner: &str, company_id: &str) -> ApiResult<&Company> {
        match self.companies.get(company_id) {
            Some(c) if c.owner == owner => Ok(c),
            _ => Err(ApiError::not_found(format!(
                "no company {company_id} for this API key"
            ))),
        }
    }

    /// Companies whose name or domain contains `query` (any case); all of them for "".
    pub fn search_companies(&self, owner: &str, query: &str) -> Vec<&Company> {
        let q = query.to_lowercase();
        self.companies
            .values()
            .filter(|c| c.owner == owner)
            .filter(|c| {
                q.is_empty()
                    || c.name.to_lowercase().contains(&q)
                    || c.domain.to_lowercase().contains(&q)
            })
            .collect()
    }

    // Funds and wallets.

    pub fn create_fund(
        &mut self,
        owner: &str,
        company_id: &str,
        body: NewFund,
        now: i64,
    ) -> ApiResult<Fund> {
        self.company(owner, company_id)?;
        require(&body.name, "name")?;
        self.room(self.funds.len(), "funds")?;
        let withdraw = custody_group(body.custodygroup_withdraw, "custodygroup_withdraw")?;
        let tx = custody_group(body.custodygroup_tx, "custodygroup_tx")?;
        let mut wallets = Vec::with_capacity(body.wallets.len());
        for (i, w) in body.wallets.into_iter().enumerate() {
            let Some(asset) = asset(&w.asset) else {
                let known: Vec<&str> = ASSETS.iter().map(|a| a.code).collect();
                return Err(ApiError::bad_request(format!(
                    "wallets[{i}].asset {:?} is not an asset the mock knows (GET /assets): {}",
                    w.asset,
                    known.join(", ")
                )));
            };
            let wallet_withdraw = w
                .custodygroup_withdraw
                .map(|g| custody_group(Some(g), &format!("wallets[{i}].custodygroup_withdraw")))
                .transpose()?;
            let wallet_tx = w
                .custodygroup_tx
                .map(|g| custody_group(Some(g), &format!("wallets[{i}].custodygroup_tx")))
                .transpose()?;
            wallets.push(Wallet {
                wallet_id: base58_id(),
                name: w.name,
                asset: asset.code.to_string(),
                kind: w.kind,
                address: fake_address(asset.code),
                short_code: short_code(),
                balance: 0,
                custodygroup_withdraw: wallet_withdraw,
                custodygroup_tx: wallet_tx,
            });
        }
        let fund = Fund {
            fund_id: ksuid(),
            company_id: company_id.to_string(),
            name: body.name,
            description: body.description,
            custodygroup_withdraw: withdraw,
            custodygroup_tx: tx,
            wallets,
            created: now,
        };
        for w in &fund.wallets {
            self.wallets
                .insert(w.wallet_id.clone(), fund.fund_id.clone());
        }
        self.funds.insert(fund.fund_id.clone(), fund.clone());
        Ok(fund)
    }

    pub fn fund(&self, owner: &str, company_id: &str, fund_id: &str) -> ApiResult<&Fund> {
        self.company(owner, company_id)?;
        match self.funds.get(fund_id) {
            Some(f) if f.company_id == company_id => Ok(f),
            _ => Err(ApiError::not_found(format!(
                "no fund {fund_id} in company {company_id}"
            ))),
        }
    }

    pub fn search_funds(
        &self,
        owner: &str,
        company_id: &str,
        query: &str,
    ) -> ApiResult<Vec<&Fund>> {
        self.company(owner, company_id)?;
        let q = query.to_lowercase();
        Ok(self
            .funds
            .values()
            .filter(|f| f.company_id == company_id)
            .filter(|f| q.is_empty() || f.name.to_lowercase().contains(&q))
            .collect())
    }

    // Transfers and the actions they ask core clients to approve.

    pub fn create_transfer(
        &mut self,
        owner: &str,
        company_id: &str,
        body: NewTransfer,
        now: i64,
    ) -> ApiResult<TransferOutcome> {
        self.company(owner, company_id)?;
        if !body.partner_tx_id.is_empty()
            && let Some(tx_id) = self
                .partner_txs
                .get(&(company_id.to_string(), body.partner_tx_id.clone()))
        {
            let transfer = self.transfers[tx_id].clone();
            return Ok(TransferOutcome {
                transfer,
                created: false,
                actions: Vec::new(),
            });
        }
        require(&body.wallet_id, "wallet_id")?;
        require(
            &body.counterparty_wallet_address,
            "counterparty_wallet_address",
        )?;
        let Some(send) = body.send else {
            return Err(ApiError::bad_request(
                "send is required: {\"symbol\": \"BTC\", \"amount\": 800} (amount in the asset's smallest unit)",
            ));
        };
        let amount = positive_integer(&send.amount).ok_or_else(|| {
            ApiError::bad_request(format!(
                "send.amount {} must be a whole number above 0, in the asset's smallest unit",
                send.amount
            ))
        })?;
        let fund = self
            .wallets
            .get(&body.wallet_id)
            .and_then(|fid| self.funds.get(fid))
            .filter(|f| f.company_id == company_id)
            .ok_or_else(|| {
                ApiError::not_found(format!(
                    "wallet {} is not in any fund of company {company_id}: create one with POST /company/{company_id}/fund",
                    body.wallet_id
                ))
            })?;
        let wallet = fund
            .wallets
            .iter()
            .find(|w| w.wallet_id == body.wallet_id)
            .expect("indexed wallet");
        let base = wallet.asset.split('-').next().unwrap_or_default();
        if !send.symbol.is_empty() && send.symbol != wallet.asset && send.symbol != base {
            return Err(ApiError::bad_request(format!(
                "send.symbol {:?} does not match the wallet's asset {}",
                send.symbol, wallet.asset
            )));
        }
        let expires = match &body.expires {
            None => 0,
            Some(v) => epoch(v).ok_or_else(|| {
                ApiError::bad_request(format!("expires {v} is not an epoch time in seconds"))
            })?,
        };
        if expires != 0 && expires <= now {
            return Err(ApiError::bad_request(format!(
                "expires {expires} is in the past (server clock {now})"
            )));
        }
        let approvers: Vec<String> = match body.authorize_id.as_deref().filter(|s| !s.is_empty()) {
            Some(id) => vec![self.coreclient(owner, id)?.id.clone()],
            None => self
                .coreclients
                .values()
                .filter(|c| c.owner == owner)
                .map(|c| c.id.clone())
                .collect(),
        };
        self.room(self.transfers.len(), "transfers")?;
        if !approvers.is_empty() {
            self.room(self.actions.len() + approvers.len() - 1, "actions")?;
        }

        let group = wallet
            .custodygroup_tx
            .as_ref()
            .unwrap_or(&fund.custodygroup_tx);
        let threshold_required = if body.authorize_id.is_some() {
            1
        } else {
            group.threshold.clamp(1, approvers.len().max(1) as u32)
        };
        let tx_id = ksuid();
        let expire_time = if expires != 0 {
            expires
        } else {
            now + ACTION_LIFETIME_SECS
        };
        let actions: Vec<Action> = approvers
            .into_iter()
            .map(|client_id| Action {
                id: ksuid(),
                client_id,
                kind: "ApproveTransfer".into(),
                tx_id: tx_id.clone(),
                status: "pending".into(),
                timestamp: now,
                expire_time,
            })
            .collect();
        let transfer = Transfer {
            tx_id: tx_id.clone(),
            company_id: company_id.to_string(),
            fund_id: fund.fund_id.clone(),
            wallet_id: wallet.wallet_id.clone(),
            counterparty_wallet_address: body.counterparty_wallet_address,
            asset: wallet.asset.clone(),
            amount,
            reference: body.reference,
            benefit_of: body.benefit_of,
            account_no: body.account_no,
            partner_tx_id: body.partner_tx_id,
            authorize_id: body.authorize_id.filter(|s| !s.is_empty()),
            expires,
            initiated: now,
            status: "pending".into(),
            threshold_required,
            approver_count: 0,
            initiator_authorized: false,
            action_ids: actions.iter().map(|a| a.id.clone()).collect(),
        };
        if !transfer.partner_tx_id.is_empty() {
            self.partner_txs.insert(
                (company_id.to_string(), transfer.partner_tx_id.clone()),
                tx_id.clone(),
            );
        }
        for a in &actions {
            self.actions.insert(a.id.clone(), a.clone());
        }
        self.transfers.insert(tx_id, transfer.clone());
        Ok(TransferOutcome {
            transfer,
            created: true,
            actions,
        })
    }

    pub fn transfer(&self, owner: &str, company_id: &str, tx_id: &str) -> ApiResult<&Transfer> {
        self.company(owner, company_id)?;
        match self.transfers.get(tx_id) {
            Some(t) if t.company_id == company_id => Ok(t),
            _ => Err(ApiError::not_found(format!(
                "no transfer {tx_id} in company {company_id}"
            ))),
        }
    }

    // Core clients.

    pub fn create_coreclient(
        &mut self,
        owner: &str,
        body: NewCoreClient,
        now: i64,
    ) -> ApiResult<CoreClient> {
        require(&body.name, "name")?;
        self.room(self.coreclients.len(), "core clients")?;
        let client = CoreClient {
            id: base58_id(),
            owner: owner.to_string(),
            name: body.name,
            created: now,
        };
        self.coreclients.insert(client.id.clone(), client.clone());
        Ok(client)
    }

    pub fn coreclients(&self, owner: &str) -> Vec<&CoreClient> {
        self.coreclients
            .values()
            .filter(|c| c.owner == owner)
            .collect()
    }

    pub fn coreclient(&self, owner: &str, client_id: &str) -> ApiResult<&CoreClient> {
        match self.coreclients.get(client_id) {
            Some(c) if c.owner == owner => Ok(c),
            _ => Err(ApiError::not_found(format!(
                "no core client {client_id} for this API key: create one with POST /coreclient"
            ))),
        }
    }

    /// Actions still waiting for this client, oldest first.
    pub fn pending_actions(
        &self,
        owner: &str,
        client_id: &str,
        now: i64,
    ) -> ApiResult<Vec<&Action>> {
        self.coreclient(owner, client_id)?;
        Ok(self
            .actions
            .values()
            .filter(|a| a.client_id == client_id && a.status_at(now) == "pending")
            .collect())
    }

    pub fn action(&self, owner: &str, client_id: &str, action_id: &str) -> ApiResult<&Action> {
        self.coreclient(owner, client_id)?;
        match self.actions.get(action_id) {
            Some(a) if a.client_id == client_id => Ok(a),
            _ => Err(ApiError::not_found(format!(
                "no action {action_id} for core client {client_id}"
            ))),
        }
    }

    /// Approves or rejects a pending action, and moves its transfer along.
    pub fn decide_action(
        &mut self,
        owner: &str,
        client_id: &str,
        action_id: &str,
        approve: bool,
        now: i64,
    ) -> ApiResult<(Action, Option<Transfer>)> {
        let status = self
            .action(owner, client_id, action_id)?
            .status_at(now)
            .to_string();
        if status != "pending" {
            return Err(ApiError::conflict(format!(
                "action {action_id} is already {status}: only pending actions can be approved or rejected"
            )));
        }
        let action = self.actions.get_mut(action_id).expect("checked above");
        action.status = if approve { "approved" } else { "rejected" }.into();
        let action = action.clone();
        let transfer = self.transfers.get_mut(&action.tx_id).map(|tx| {
            if tx.status_at(now) == "pending" {
                let by_initiator = tx.authorize_id.as_deref() == Some(client_id);
                if approve {
                    tx.approver_count += 1;
                    tx.initiator_authorized |= by_initiator;
                    if tx.approver_count >= tx.threshold_required {
                        tx.status = "approved".into();
                    }
                } else {
                    tx.status = if by_initiator {
                        "initiate_rejected"
                    } else {
                        "custody_rejected"
                    }
                    .into();
                }
            }
            tx.clone()
        });
        Ok((action, transfer))
    }
}

fn require(value: &str, field: &str) -> ApiResult<()> {
    if value.trim().is_empty() {
        return Err(ApiError::bad_request(format!("{field} is required")));
    }
    Ok(())
}

fn custody_group(group: Option<NewCustodyGroup>, field: &str) -> ApiResult<CustodyGroup> {
    let group = group.unwrap_or_default();
    let threshold = group.threshold.unwrap_or(1);
    if !group.members.is_empty() && threshold as usize > group.members.len() {
        return Err(ApiError::bad_request(format!(
            "{field}.threshold {threshold} is more than its {} members",
            group.members.len()
        )));
    }
    Ok(CustodyGroup {
        id: ksuid(),
        threshold,
        members: group.members,
    })
}

fn positive_integer(v: &serde_json::Value) -> Option<u64> {
    match v {
        serde_json::Value::Number(n) => n.as_u64().filter(|n| *n > 0),
        serde_json::Value::String(s) => s.parse::<u64>().ok().filter(|n| *n > 0),
        _ => None,
    }
}

fn epoch(v: &serde_json::Value) -> Option<i64> {
    match v {
        serde_json::Value::Number(n) => n.as_i64().filter(|n| *n >= 0),
        serde_json::Value::String(s) if s.is_empty() => Some(0),
        serde_json::Value::String(s) => s.parse::<i64>().ok().filter(|n| *n >= 0),
        _ => None,
    }
}

fn fake_address(asset: &str) -> String {
    const BECH32: &[u8] = b"qpzry9x8gf2tvdw0s3jn54khce6mua7l";
    let random: [u8; 38] = rand::random();
    let tail = |alphabet: &[u8], n: usize| -> String {
        random[..n]
            .iter()
            .map(|b| alphabet[*b as usize % alphabet.len()] as char)
            .collect()
    };
    match asset {
        "BTC" => format!("bc1q{}", tail(BECH32, 38)),
        "BTC-TESTNET" => format!("tb1q{}", tail(BECH32, 38)),
        _ => format!("0x{}", tail(b"0123456789abcdef", 38) + "00"),
    }
}

fn short_code() -> String {
    const WORDS: &[&str] = &[
        "amber", "buddy", "canyon", "delta", "ember", "fatigue", "harsh", "infant", "jolly",
        "kettle", "lunar", "maple", "noble", "orbit", "pepper", "quartz", "river", "stick",
        "timber", "umbra", "velvet", "willow", "conduct", "zephyr",
    ];
    let picks: [u8; 3] = rand::random();
    picks
        .iter()
        .map(|p| WORDS[*p as usize % WORDS.len()])
        .collect::<Vec<_>>()
        .join(" ")
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
