//! Transfers and the actions they ask core clients to approve.

use super::{Store, require};
use crate::mock::error::{ApiError, ApiResult};
use crate::mock::ids::ksuid;
use crate::mock::model::*;

/// Actions for transfers without `expires` stay open this long, as in the API's examples.
const ACTION_LIFETIME_SECS: i64 = 1000;

/// What a transfer request did.
pub struct TransferOutcome {
    pub transfer: Transfer,
    /// False when `partner_txID` named an existing transfer (`"status": "existing"`).
    pub created: bool,
    pub actions: Vec<Action>,
}

impl Store {
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
