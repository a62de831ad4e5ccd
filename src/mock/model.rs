//! The records the mock keeps, and the request bodies that create them. Field names follow
//! the public OpenAPI description (v1.1.2) of the Partner API.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Company {
    pub company_id: String,
    /// `owner_tag` of the API key that created it: other keys do not see it.
    pub owner: String,
    pub name: String,
    pub city: String,
    pub country: String,
    pub domain: String,
    #[serde(rename = "ref")]
    pub reference: String,
    pub created: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CustodyGroup {
    pub id: String,
    pub threshold: u32,
    pub members: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Wallet {
    pub wallet_id: String,
    pub name: String,
    pub asset: String,
    #[serde(rename = "type")]
    pub kind: i64,
    pub address: String,
    pub short_code: String,
    pub balance: i64,
    pub custodygroup_withdraw: Option<CustodyGroup>,
    pub custodygroup_tx: Option<CustodyGroup>,
    /// The external counterparties the wallet was created connected to (`wallets[].connect`),
    /// shown as `connected`. Default: state saved before this field existed loads.
    #[serde(default)]
    pub connected: Vec<ConnectAccount>,
}

/// An external counterparty a wallet connects to, as `POST .../fund` gives it.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ConnectAccount {
    #[serde(default)]
    pub counterparty_id: String,
    #[serde(default)]
    pub client_id: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Fund {
    pub fund_id: String,
    pub company_id: String,
    pub name: String,
    pub description: String,
    pub custodygroup_withdraw: CustodyGroup,
    pub custodygroup_tx: CustodyGroup,
    pub wallets: Vec<Wallet>,
    pub created: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Transfer {
    pub tx_id: String,
    pub company_id: String,
    pub fund_id: String,
    pub wallet_id: String,
    pub counterparty_wallet_address: String,
    pub asset: String,
    pub amount: u64,
    pub reference: String,
    pub benefit_of: String,
    pub account_no: String,
    pub partner_tx_id: String,
    /// The core client asked to authorize it first (`authorize_id`), if any.
    pub authorize_id: Option<String>,
    pub expires: i64,
    pub initiated: i64,
    /// Stored status; `pending` reads as `expired` once `expires` has passed.
    pub status: String,
    pub threshold_required: u32,
    pub approver_count: u32,
    pub initiator_authorized: bool,
    pub action_ids: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CoreClient {
    pub id: String,
    pub owner: String,
    pub name: String,
    pub created: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Action {
    pub id: String,
    pub client_id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub tx_id: String,
    /// Stored status; `pending` reads as `expired` once `expire_time` has passed.
    pub status: String,
    pub timestamp: i64,
    pub expire_time: i64,
}

impl Action {
    pub fn status_at(&self, now: i64) -> &str {
        if self.status == "pending" && now > self.expire_time {
            "expired"
        } else {
            &self.status
        }
    }
}

impl Transfer {
    pub fn status_at(&self, now: i64) -> &str {
        if self.status == "pending" && self.expires > 0 && now > self.expires {
            "expired"
        } else {
            &self.status
        }
    }
}

// Request bodies. Unknown fields are ignored, as the API does.

#[derive(Debug, Deserialize)]
pub struct NewCompany {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub city: String,
    #[serde(default)]
    pub country: String,
    #[serde(default)]
    pub domain: String,
    #[serde(default, rename = "ref")]
    pub reference: Option<String>,
}

#[derive(Debug, Deserialize, Default)]
pub struct NewCustodyGroup {
    #[serde(default)]
    pub threshold: Option<u32>,
    #[serde(default)]
    pub members: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub struct NewWallet {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub asset: String,
    #[serde(default, rename = "type")]
    pub kind: i64,
    #[serde(default)]
    pub custodygroup_withdraw: Option<NewCustodyGroup>,
    #[serde(default)]
    pub custodygroup_tx: Option<NewCustodyGroup>,
    /// `null` or absent: no connection.
    #[serde(default)]
    pub connect: Option<Vec<ConnectAccount>>,
}

#[derive(Debug, Deserialize)]
pub struct NewFund {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub custodygroup_withdraw: Option<NewCustodyGroup>,
    #[serde(default)]
    pub custodygroup_tx: Option<NewCustodyGroup>,
    #[serde(default)]
    pub wallets: Vec<NewWallet>,
}

#[derive(Debug, Deserialize)]
pub struct AssetAmount {
    #[serde(default)]
    pub symbol: String,
    pub amount: serde_json::Value,
}

#[derive(Debug, Deserialize)]
pub struct NewTransfer {
    #[serde(default)]
    pub wallet_id: String,
    #[serde(default)]
    pub counterparty_wallet_address: String,
    pub send: Option<AssetAmount>,
    /// Epoch seconds, as a number or a string (the schema says string, examples use numbers).
    #[serde(default)]
    pub expires: Option<serde_json::Value>,
    #[serde(default)]
    pub reference: String,
    #[serde(default)]
    pub benefit_of: String,
    #[serde(default)]
    pub account_no: String,
    #[serde(default, rename = "partner_txID")]
    pub partner_tx_id: String,
    #[serde(default)]
    pub authorize_id: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct NewCoreClient {
    #[serde(default)]
    pub name: String,
}

/// An asset the mock knows, as `GET /assets` lists it.
pub struct Asset {
    pub code: &'static str,
    pub name: &'static str,
    pub unit_code: &'static str,
    pub scale: u64,
}

pub const ASSETS: &[Asset] = &[
    Asset {
        code: "BTC",
        name: "Bitcoin",
        unit_code: "BTC",
        scale: 100_000_000,
    },
    Asset {
        code: "BTC-TESTNET",
        name: "Bitcoin Testnet",
        unit_code: "BTC-TEST",
        scale: 100_000_000,
    },
    Asset {
        code: "ETH",
        name: "Ethereum",
        unit_code: "ETH",
        scale: 1_000_000_000,
    },
    Asset {
        code: "ETH-GOERLI",
        name: "Ethereum Goerli",
        unit_code: "ETH-GOERLI",
        scale: 1_000_000_000,
    },
    Asset {
        code: "ETH-TESTNET",
        name: "Ethereum Testnet",
        unit_code: "ETH-TEST",
        scale: 1_000_000_000,
    },
    Asset {
        code: "USDT",
        name: "Tether USD",
        unit_code: "USDT",
        scale: 1_000_000,
    },
    Asset {
        code: "USDC",
        name: "USD Coin",
        unit_code: "USDC",
        scale: 1_000_000,
    },
];

pub fn asset(code: &str) -> Option<&'static Asset> {
    ASSETS.iter().find(|a| a.code == code)
}
