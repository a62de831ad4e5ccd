//! Websocket feeds as broadcast channels: one per core client, one per API key for wallets,
//! one for the liquidity hub. Channels are bounded: a subscriber that falls behind loses its
//! oldest messages (`RecvError::Lagged`) and nobody else waits for it.

use axum::extract::ws::Utf8Bytes;
use std::collections::HashMap;
use std::sync::Mutex;
use tokio::sync::broadcast;

/// The three feeds of the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Feed {
    /// `/coreclient/{client_id}/feed`: actions awaiting that client's approval.
    CoreClient,
    /// `/wallets/feed`: wallet updates for the API key.
    Wallets,
    /// `/liquidityhub/feed`: `{"txID","status"}` for every API key.
    LiquidityHub,
    /// The Qredo API v1's `/transactions/feed`: `{"txID","status","timestamps"}` of the
    /// API key's transactions (under `/qapi/v1`, signed with qredo-v1).
    QapiTransactions,
}

impl Feed {
    /// The path under the base URL (`client_id` is used by `CoreClient` only).
    pub fn path(&self, client_id: &str) -> String {
        match self {
            Feed::CoreClient => format!("/coreclient/{client_id}/feed"),
            Feed::Wallets => "/wallets/feed".into(),
            Feed::LiquidityHub => "/liquidityhub/feed".into(),
            Feed::QapiTransactions => "/transactions/feed".into(),
        }
    }
}

type Tx = broadcast::Sender<Utf8Bytes>;

pub(crate) struct Feeds {
    capacity: usize,
    coreclient: Mutex<HashMap<String, Tx>>,
    wallets: Mutex<HashMap<String, Tx>>,
    transactions: Mutex<HashMap<String, Tx>>,
    liquidityhub: Tx,
}

impl Feeds {
    pub fn new(capacity: usize) -> Self {
        let capacity = capacity.max(1);
        Feeds {
            capacity,
            coreclient: Mutex::new(HashMap::new()),
            wallets: Mutex::new(HashMap::new()),
            transactions: Mutex::new(HashMap::new()),
            liquidityhub: broadcast::channel(capacity).0,
        }
    }

    fn map(&self, feed: Feed) -> Option<&Mutex<HashMap<String, Tx>>> {
        match feed {
            Feed::CoreClient => Some(&self.coreclient),
            Feed::Wallets => Some(&self.wallets),
            Feed::QapiTransactions => Some(&self.transactions),
            Feed::LiquidityHub => None,
        }
    }

    /// Sends to the current subscribers of `feed` for `key` (a client id, or an owner tag
    /// for wallets). Nobody listening: the message is dropped, as on a live feed.
    pub fn publish(&self, feed: Feed, key: &str, message: &serde_json::Value) {
        let text = Utf8Bytes::from(message.to_string());
        match self.map(feed) {
            None => {
                let _ = self.liquidityhub.send(text);
            }
            Some(map) => {
                let map = map.lock().unwrap_or_else(|e| e.into_inner());
                if let Some(tx) = map.get(key) {
                    let _ = tx.send(text);
                }
            }
        }
    }

    pub fn subscribe(&self, feed: Feed, key: &str) -> broadcast::Receiver<Utf8Bytes> {
        match self.map(feed) {
            None => self.liquidityhub.subscribe(),
            Some(map) => {
                let mut map = map.lock().unwrap_or_else(|e| e.into_inner());
                map.entry(key.to_string())
                    .or_insert_with(|| broadcast::channel(self.capacity).0)
                    .subscribe()
            }
        }
    }

    /// Forgets a channel nobody listens to any more, so the map stays as small as the
    /// set of live subscribers. Call after dropping the receiver.
    pub fn release(&self, feed: Feed, key: &str) {
        if let Some(map) = self.map(feed) {
            let mut map = map.lock().unwrap_or_else(|e| e.into_inner());
            if map.get(key).is_some_and(|tx| tx.receiver_count() == 0) {
                map.remove(key);
            }
        }
    }

    #[cfg(test)]
    fn channels(&self, feed: Feed) -> usize {
        self.map(feed).map(|m| m.lock().unwrap().len()).unwrap_or(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use tokio::sync::broadcast::error::TryRecvError;

    #[test]
    fn slow_subscriber_loses_oldest_and_blocks_nobody() {
        let feeds = Feeds::new(2);
        let mut slow = feeds.subscribe(Feed::CoreClient, "c");
        let mut fast = feeds.subscribe(Feed::CoreClient, "c");
        for i in 0..3 {
            feeds.publish(Feed::CoreClient, "c", &json!({ "n": i }));
            assert_eq!(fast.try_recv().unwrap().as_str(), format!("{{\"n\":{i}}}"));
        }
        assert!(matches!(slow.try_recv(), Err(TryRecvError::Lagged(1))));
        assert_eq!(slow.try_recv().unwrap().as_str(), "{\"n\":1}");
        assert_eq!(slow.try_recv().unwrap().as_str(), "{\"n\":2}");
    }

    #[test]
    fn channels_are_forgotten_when_unused() {
        let feeds = Feeds::new(4);
        let rx = feeds.subscribe(Feed::Wallets, "owner");
        feeds.release(Feed::Wallets, "owner");
        assert_eq!(feeds.channels(Feed::Wallets), 1);
        drop(rx);
        feeds.release(Feed::Wallets, "owner");
        assert_eq!(feeds.channels(Feed::Wallets), 0);
        // Publishing with nobody listening is not an error.
        feeds.publish(Feed::Wallets, "owner", &json!({}));
        feeds.publish(Feed::LiquidityHub, "", &json!({}));
    }
}
