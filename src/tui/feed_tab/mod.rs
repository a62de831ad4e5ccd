//! The feed tab's state: connect to a coreclient, wallets or liquidityhub feed, list what
//! arrives with its arrival time, show one message pretty-printed, and approve or reject a
//! coreclient action through the API. Keys in `keys.rs`, drawing in `view.rs`.

mod keys;
mod view;

pub use super::errors::DecideFailure;
pub use keys::FeedKey;

use super::clock::Moment;
use super::errors::{DecideFailure as Failure, FeedFailure};
use super::json;
use super::widgets::text_input::TextInput;
use crate::feed::Action;
use crate::signing::Scheme;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FeedKind {
    #[default]
    CoreClient,
    Wallets,
    LiquidityHub,
    /// The Qredo API v1's `/transactions/feed`.
    Transactions,
}

impl FeedKind {
    /// The Partner API's feeds.
    pub const PARTNER: [FeedKind; 3] = [
        FeedKind::CoreClient,
        FeedKind::Wallets,
        FeedKind::LiquidityHub,
    ];

    /// The feeds the API a scheme signs for publishes (the Qredo API v2 has none).
    pub fn offered(scheme: Scheme) -> &'static [FeedKind] {
        match scheme {
            Scheme::PartnerRsa => &FeedKind::PARTNER,
            Scheme::QredoV1 => &[FeedKind::Transactions],
            Scheme::QredoV2 => &[],
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            FeedKind::CoreClient => "coreclient",
            FeedKind::Wallets => "wallets",
            FeedKind::LiquidityHub => "liquidityhub",
            FeedKind::Transactions => "transactions",
        }
    }

    /// The feed client's name for this feed.
    pub fn feed(self, client_id: &str) -> crate::feed::FeedKind {
        match self {
            FeedKind::CoreClient => crate::feed::FeedKind::CoreClient(client_id.to_string()),
            FeedKind::Wallets => crate::feed::FeedKind::Wallets,
            FeedKind::LiquidityHub => crate::feed::FeedKind::LiquidityHub,
            FeedKind::Transactions => crate::feed::FeedKind::Transactions,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct FeedItem {
    pub arrived: Moment,
    pub text: String,
    pub lines: Vec<String>,
    pub is_json: bool,
    pub summary: String,
    /// A coreclient action (read by `feed::Action`, the one parser of them), with its
    /// client ID filled in from the connection when the message does not carry one.
    pub action: Option<Action>,
    /// What happened when the user approved or rejected it.
    pub outcome: Option<String>,
    /// Which line of the list this is (numbered as lines arrive): a decision's answer
    /// labels the line it was made on, not every line of the same action.
    pub line: u64,
}

impl FeedItem {
    pub fn new(arrived: Moment, text: String, client_id: &str) -> Self {
        let (is_json, pretty) = match json::pretty(text.as_bytes()) {
            Ok(p) => (true, String::from_utf8_lossy(&p).into_owned()),
            Err(_) => (false, text.clone()),
        };
        let value: Option<serde_json::Value> = serde_json::from_str(&text).ok();
        let field = |k: &str| {
            value.as_ref().and_then(|v| v.get(k)).and_then(|v| {
                v.as_str()
                    .map(str::to_string)
                    .or_else(|| Some(v.to_string()))
            })
        };
        let action = value.as_ref().and_then(Action::from_json).map(|mut a| {
            if a.client_id.is_none() && !client_id.is_empty() {
                a.client_id = Some(client_id.to_string());
            }
            a
        });
        let summary = match (&action, field("txID")) {
            (Some(a), _) => format!(
                "action {} {} {}",
                a.id,
                a.kind.as_deref().unwrap_or_default(),
                a.status.as_deref().unwrap_or_default()
            ),
            (None, Some(tx)) => format!("tx {tx} {}", field("status").unwrap_or_default()),
            (None, None) if field("event").is_some() => {
                let id = ["wallet_id", "tx_id", "fund_id", "company_id"]
                    .iter()
                    .find_map(|k| field(k).map(|v| format!("{k} {v}")))
                    .unwrap_or_default();
                format!("{} {id}", field("event").unwrap_or_default())
            }
            _ => text.chars().take(200).collect(),
        };
        FeedItem {
            arrived,
            lines: pretty.split('\n').map(str::to_string).collect(),
            text,
            is_json,
            summary,
            action,
            outcome: None,
            line: 0,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Connection {
    #[default]
    Disconnected,
    Connecting {
        id: u64,
        url: String,
    },
    Connected {
        id: u64,
        url: String,
    },
    Failed(String),
    Closed(String),
}

#[derive(Debug, Clone, PartialEq)]
pub enum FeedMessage {
    Connecting {
        id: u64,
        attempt: u32,
        url: String,
    },
    Connected {
        id: u64,
        url: String,
    },
    Received {
        id: u64,
        at: Moment,
        text: String,
    },
    /// The connection dropped; `retry_in_ms` when the client reconnects by itself.
    Dropped {
        id: u64,
        reason: String,
        retry_in_ms: Option<u64>,
    },
    Failed {
        id: u64,
        error: FeedFailure,
    },
    ActionDone {
        action_id: String,
        /// The `FeedItem::line` the decision was made on.
        line: u64,
        approve: bool,
        result: Result<String, Failure>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FeedCommand {
    Connect {
        id: u64,
        feed: crate::feed::FeedKind,
    },
    Disconnect {
        id: u64,
    },
    Decide {
        client_id: String,
        action_id: String,
        /// The `FeedItem::line` acted on, handed back with the answer.
        line: u64,
        approve: bool,
    },
}

#[derive(Debug, Clone, Default)]
pub struct FeedPane {
    pub kind: FeedKind,
    /// The active profile's scheme: which API's feeds the tab offers.
    pub scheme: Scheme,
    pub client_id: TextInput,
    pub editing_client: bool,
    pub connection: Connection,
    pub items: Vec<FeedItem>,
    pub selected: usize,
    /// Showing the selected message pretty-printed.
    pub open: bool,
    pub scroll: usize,
    pub next_id: u64,
    /// The client ID the open connection was made with (the field may be retyped since):
    /// actions that do not name their client belong to it.
    pub connected_client: String,
    /// The number the next line gets (`FeedItem::line`).
    pub next_line: u64,
}

/// Keeps memory bounded on a busy feed.
pub const MAX_ITEMS: usize = 1000;

impl FeedPane {
    /// The profile changed: offer its API's feeds (the connection was closed by the switch).
    pub fn set_scheme(&mut self, scheme: Scheme) {
        self.scheme = scheme;
        let offered = FeedKind::offered(scheme);
        if !offered.contains(&self.kind)
            && let Some(first) = offered.first()
        {
            self.kind = *first;
        }
        self.editing_client = false;
    }

    pub fn is_typing(&self) -> bool {
        self.editing_client
    }

    pub(super) fn conn_id(&self) -> Option<u64> {
        match self.connection {
            Connection::Connecting { id, .. } | Connection::Connected { id, .. } => Some(id),
            _ => None,
        }
    }

    pub fn selected_item(&self) -> Option<&FeedItem> {
        self.items.get(self.selected)
    }

    /// Applies news from the feed task. Returns a notice for the status bar, if any.
    pub fn apply(&mut self, msg: FeedMessage) -> Option<String> {
        let current = self.conn_id();
        match msg {
            FeedMessage::Connecting { id, attempt, url } if Some(id) == current => {
                self.connection = Connection::Connecting { id, url };
                (attempt > 1).then(|| format!("feed: reconnecting (attempt {attempt})"))
            }
            FeedMessage::Connected { id, url } if Some(id) == current => {
                self.connection = Connection::Connected { id, url };
                None
            }
            FeedMessage::Received { id, at, text } if Some(id) == current => {
                let follow = self.selected + 1 >= self.items.len();
                let mut item = FeedItem::new(at, text, &self.connected_client);
                item.line = self.next_line;
                self.next_line += 1;
                self.items.push(item);
                if self.items.len() > MAX_ITEMS {
                    self.items.remove(0);
                    self.selected = self.selected.saturating_sub(1);
                }
                if follow && !self.open {
                    self.selected = self.items.len() - 1;
                }
                None
            }
            FeedMessage::Dropped {
                id,
                reason,
                retry_in_ms,
            } if Some(id) == current => match retry_in_ms {
                Some(ms) => Some(format!(
                    "feed dropped ({reason}); reconnecting in {}",
                    crate::time::elapsed_ms_text(ms)
                )),
                None => {
                    self.connection = Connection::Closed(reason.clone());
                    Some(format!("feed closed: {reason}"))
                }
            },
            FeedMessage::Failed { id, error } if Some(id) == current => {
                let message = error.to_string();
                self.connection = Connection::Failed(message.clone());
                Some(message)
            }
            FeedMessage::ActionDone {
                action_id,
                line,
                approve,
                result,
            } => {
                let verb = if approve { "approved" } else { "rejected" };
                let text = match &result {
                    Ok(status) => format!("{verb} ({status})"),
                    Err(e) => format!("could not be {verb}: {e}"),
                };
                // Only the line acted on: other lines of the action are other moments of
                // it (pushed pending, then approved), and keep what they said.
                if let Some(item) = self.items.iter_mut().find(|i| i.line == line) {
                    item.outcome = Some(text.clone());
                }
                Some(format!("action {action_id} {text}"))
            }
            _ => None,
        }
    }
}
