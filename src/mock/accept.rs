//! The accept loop, shared by the mock and the signing proxy: at most `total` connections
//! at once, at most `per_ip` of them from one address, and once three quarters are taken,
//! a short time to send headers, so idle clients cannot hold the server from real work.

use super::limits::{
    CONN_READ_BUFFER, CROWDED_HEADER_TIMEOUT, HEADER_READ_TIMEOUT, SHUTDOWN_GRACE,
};
use super::shared::stopped;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};

/// How connections are shared out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnLimits {
    /// Open connections at most; more wait in the kernel's backlog.
    pub total: usize,
    /// Open connections from one IP address at most; more are closed at once, so one
    /// client (or one flooding host) never holds every slot.
    pub per_ip: usize,
}

impl ConnLimits {
    /// One limit for all, none per address.
    pub fn total(total: usize) -> ConnLimits {
        ConnLimits {
            total,
            per_ip: total,
        }
    }
}

/// Connections open per address, each released by its [`PeerSlot`].
#[derive(Default)]
struct Peers(Mutex<HashMap<IpAddr, usize>>);

struct PeerSlot {
    peers: Arc<Peers>,
    ip: IpAddr,
}

impl Peers {
    fn take(self: &Arc<Self>, ip: IpAddr, max: usize) -> Option<PeerSlot> {
        let mut open = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let n = open.entry(ip).or_default();
        if *n >= max {
            return None;
        }
        *n += 1;
        Some(PeerSlot {
            peers: self.clone(),
            ip,
        })
    }
}

impl Drop for PeerSlot {
    fn drop(&mut self) {
        let mut open = self.peers.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(n) = open.get_mut(&self.ip) {
            *n -= 1;
            if *n == 0 {
                open.remove(&self.ip);
            }
        }
    }
}

/// Whether the client opens with HTTP/2's connection preface (`PRI * HTTP/2.0`: h2c by
/// prior knowledge, `--http-version 2`), peeked so the bytes stay for the server. Three
/// bytes tell it: no API method starts with `PRI`. Waits for them (the caller bounds it);
/// a closed connection is HTTP/1.1's to handle.
async fn speaks_h2(stream: &tokio::net::TcpStream) -> bool {
    let mut head = [0u8; 3];
    loop {
        match stream.peek(&mut head).await {
            Ok(n) if n >= head.len() => return head == *b"PRI",
            Ok(0) | Err(_) => return false,
            // Part of it: wait for the rest rather than spin on the same bytes.
            Ok(_) => tokio::time::sleep(Duration::from_millis(5)).await,
        }
    }
}

/// Serves `app` on `listener` until `stop` turns true: HTTP/1.1 with upgrades or HTTP/2
/// (h2c by prior knowledge), within
/// `limits` (see [`ConnLimits`]), headers within [`HEADER_READ_TIMEOUT`] or, once three
/// quarters of the connections are open, [`CROWDED_HEADER_TIMEOUT`]; open connections are
/// given [`SHUTDOWN_GRACE`] at the stop.
pub async fn serve(
    listener: TcpListener,
    app: axum::Router,
    connections: Arc<Semaphore>,
    limits: ConnLimits,
    mut stop: watch::Receiver<bool>,
) {
    let peers = Arc::new(Peers::default());
    loop {
        let permit = tokio::select! {
            p = connections.clone().acquire_owned() => match p {
                Ok(p) => p,
                Err(_) => return,
            },
            _ = stopped(&mut stop) => return,
        };
        let (stream, peer) = tokio::select! {
            r = listener.accept() => match r {
                Ok(accepted) => accepted,
                // Out of file descriptors and the like: back off instead of spinning.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = stopped(&mut stop) => return,
        };
        // Over its share: closed at once, the slot goes back for others.
        let Some(slot) = peers.take(peer.ip(), limits.per_ip) else {
            drop(stream);
            continue;
        };
        let crowded = connections.available_permits() < limits.total / 4;
        let _ = stream.set_nodelay(true);
        let service = TowerToHyperService::new(app.clone());
        let mut stop = stop.clone();
        tokio::spawn(async move {
            let _permit = permit;
            let _slot = slot;
            let header_timeout = if crowded {
                CROWDED_HEADER_TIMEOUT
            } else {
                HEADER_READ_TIMEOUT
            };
            // A client that sends nothing is dropped as a slow HTTP/1.1 one is.
            let Ok(h2) = tokio::time::timeout(header_timeout, speaks_h2(&stream)).await else {
                return;
            };
            let io = TokioIo::new(stream);
            if h2 {
                let mut builder =
                    hyper::server::conn::http2::Builder::new(hyper_util::rt::TokioExecutor::new());
                builder.timer(TokioTimer::new());
                let conn = builder.serve_connection(io, service);
                tokio::pin!(conn);
                tokio::select! {
                    _ = conn.as_mut() => {}
                    _ = stopped(&mut stop) => {
                        conn.as_mut().graceful_shutdown();
                        let _ = tokio::time::timeout(SHUTDOWN_GRACE, conn).await;
                    }
                }
                return;
            }
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder
                .timer(TokioTimer::new())
                .header_read_timeout(header_timeout)
                .max_buf_size(CONN_READ_BUFFER);
            let conn = builder.serve_connection(io, service).with_upgrades();
            tokio::pin!(conn);
            tokio::select! {
                _ = conn.as_mut() => {}
                _ = stopped(&mut stop) => {
                    conn.as_mut().graceful_shutdown();
                    let _ = tokio::time::timeout(SHUTDOWN_GRACE, conn).await;
                }
            }
        });
    }
}
