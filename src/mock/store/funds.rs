//! Funds and their wallets: create (with custody groups, addresses and short codes),
//! fetch and search.

use super::{Store, require};
use crate::mock::error::{ApiError, ApiResult};
use crate::mock::ids::{base58_id, ksuid};
use crate::mock::model::*;

impl Store {
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
                connected: w.connect.unwrap_or_default(),
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
