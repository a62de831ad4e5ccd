//! The accept loop, shared by the mock and the signing proxy: at most `total` connections
//! at once, at most `per_ip` of them from one address, and once three quarters are taken,
//! a short time to send headers, so idle clients cannot hold the server from real work.
//! Past either limit a new connection is on probation: if it sends within
//! [`PROBATION_TIMEOUT`] it takes the place of the oldest connection that has sent
//! nothing, else it is closed. A flood of idle connections (1,100 reconnecting as soon as
//! dropped, from one host or many) thus displaces no one, and a real client, which sends
//! its request at once, is served.

use super::limits::{
    CONN_READ_BUFFER, CROWDED_HEADER_TIMEOUT, EVICTABLE_AFTER, HEADER_READ_TIMEOUT, MIN_PROBATION,
    PROBATION_TIMEOUT, SHUTDOWN_GRACE,
};
use super::shared::stopped;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::{Notify, Semaphore, watch};

/// How connections are shared out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnLimits {
    /// Open connections at most; past it, see the module's note on probation.
    pub total: usize,
    /// Open connections from one IP address at most, so one client (or one flooding host)
    /// never holds every slot; past it, see the module's note on probation.
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

/// Connections open per address, each released by its [`PeerSlot`], those of them that
/// have not sent a byte yet (oldest first), and how many wait on probation.
#[derive(Default)]
struct Peers(Mutex<PeerBook>);

#[derive(Default)]
struct PeerBook {
    open: HashMap<IpAddr, usize>,
    silent: VecDeque<Silent>,
    /// Connections on probation, oldest first (every one of them silent so far).
    on_probation: VecDeque<Silent>,
}

struct Silent {
    id: u64,
    ip: IpAddr,
    /// On probation: its request was already there at accept (so it is not closed for a
    /// newer one while its task gets to it).
    spoke: bool,
    since: std::time::Instant,
    evicted: Arc<Notify>,
}

/// A connection's place. `counted` ones hold one of their address's share; one on
/// probation (accepted over a limit) holds none until it sends its first bytes.
struct PeerSlot {
    peers: Arc<Peers>,
    ip: IpAddr,
    id: u64,
    counted: bool,
    /// Whether it was listed as silent (a counted one that had not spoken at accept).
    listed_silent: bool,
    /// Notified when a connection that spoke takes this silent one's place.
    evicted: Arc<Notify>,
}

/// What a connection on probation that spoke found at its address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Promotion {
    /// Under its share: it takes a free place.
    Room,
    /// At its share: the oldest silent connection there was closed for it.
    Evicted,
    /// At its share, and every one of those is talking.
    Full,
}

static NEXT_SLOT: AtomicU64 = AtomicU64::new(0);

impl Peers {
    fn book(&self) -> std::sync::MutexGuard<'_, PeerBook> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A place for a new connection from `ip` (`spoke`: its request is already here):
    /// counted while `ip` is under `max` and a connection is free (`room`), else on
    /// probation. Past `max_probation` of those, the oldest on probation that had not
    /// spoken at accept is closed for it; `None` (refused) when every one of them had.
    fn take(
        self: &Arc<Self>,
        ip: IpAddr,
        max: usize,
        room: bool,
        max_probation: usize,
        spoke: bool,
    ) -> Option<PeerSlot> {
        let mut book = self.book();
        let id = NEXT_SLOT.fetch_add(1, Ordering::Relaxed);
        let evicted = Arc::new(Notify::new());
        let counted = room && book.open.get(&ip).copied().unwrap_or(0) < max;
        let entry = Silent {
            id,
            ip,
            spoke,
            since: std::time::Instant::now(),
            evicted: evicted.clone(),
        };
        if counted {
            *book.open.entry(ip).or_default() += 1;
            // One whose request is already here is not one to close for a newer one,
            // even before its task first runs.
            if !spoke {
                book.silent.push_back(entry);
            }
        } else {
            if book.on_probation.len() >= max_probation.max(1) {
                // The one that has waited longest without a word goes. A flood that sends
                // a byte and stalls is bounded here too: then the newcomer is refused.
                let i = book.on_probation.iter().position(|s| !s.spoke)?;
                if let Some(oldest) = book.on_probation.remove(i) {
                    oldest.evicted.notify_one();
                }
            }
            book.on_probation.push_back(entry);
        }
        Some(PeerSlot {
            peers: self.clone(),
            ip,
            id,
            counted,
            listed_silent: counted && !spoke,
            evicted,
        })
    }

    /// Closes the oldest connection that has sent nothing, from `ip` or from any address.
    /// False when there is none: every connection is talking.
    fn evict_oldest_silent(&self, ip: Option<IpAddr>) -> bool {
        evict_from(&mut self.book(), ip)
    }
}

/// Closes the oldest silent connection (from `ip`, or any) that has been silent for
/// [`EVICTABLE_AFTER`]: a younger one may be a client whose request is in flight, or
/// already here but not yet looked at (a burst of real clients must not evict each other).
fn evict_from(book: &mut PeerBook, ip: Option<IpAddr>) -> bool {
    let Some(i) = book
        .silent
        .iter()
        .position(|s| ip.is_none_or(|ip| s.ip == ip) && s.since.elapsed() >= EVICTABLE_AFTER)
    else {
        return false;
    };
    if let Some(oldest) = book.silent.remove(i) {
        oldest.evicted.notify_one();
    }
    true
}

impl PeerSlot {
    /// A counted client sent its first bytes: it is no longer one to close for a newer one.
    /// If a newer one chose it in the same instant, another silent one (its address's
    /// first) is closed instead, so that one still finds its place.
    fn spoke(&self) {
        let mut book = self.peers.book();
        let before = book.silent.len();
        book.silent.retain(|s| s.id != self.id);
        if self.listed_silent && book.silent.len() == before {
            let _ = evict_from(&mut book, Some(self.ip)) || evict_from(&mut book, None);
        }
    }

    /// A connection on probation spoke: it is counted now, in the place of its address's
    /// oldest silent connection when its address is at `max`.
    fn promote(&mut self, max: usize) -> Promotion {
        let mut book = self.peers.book();
        let promotion = if book.open.get(&self.ip).copied().unwrap_or(0) < max {
            Promotion::Room
        } else if evict_from(&mut book, Some(self.ip)) {
            // It closes and gives its count back; until then the address is one over.
            Promotion::Evicted
        } else {
            Promotion::Full
        };
        book.on_probation.retain(|s| s.id != self.id);
        *book.open.entry(self.ip).or_default() += 1;
        self.counted = true;
        promotion
    }
}

impl Drop for PeerSlot {
    fn drop(&mut self) {
        let mut book = self.peers.book();
        if !self.counted {
            book.on_probation.retain(|s| s.id != self.id);
            return;
        }
        book.silent.retain(|s| s.id != self.id);
        if let Some(n) = book.open.get_mut(&self.ip) {
            *n -= 1;
            if *n == 0 {
                book.open.remove(&self.ip);
            }
        }
    }
}

/// The accepted stream, and whether its client has already sent something: a look at the
/// socket without waiting (tokio's streams are non-blocking) and without taking the bytes.
/// `None` when the socket cannot be handed back to the runtime (it is then closed).
fn already_spoke(stream: tokio::net::TcpStream) -> Option<(tokio::net::TcpStream, bool)> {
    let std = stream.into_std().ok()?;
    let spoke = matches!(std.peek(&mut [0u8; 1]), Ok(n) if n > 0);
    let stream = tokio::net::TcpStream::from_std(std).ok()?;
    Some((stream, spoke))
}

/// Whether the client opens with HTTP/2's connection preface (`PRI * HTTP/2.0`: h2c by
/// prior knowledge, `--http-version 2`), peeked so the bytes stay for the server. Three
/// bytes tell it: no API method starts with `PRI`. Waits for them (the caller bounds it);
/// `None` when the client closed without a word (it has not spoken, and is gone).
async fn speaks_h2(stream: &tokio::net::TcpStream) -> Option<bool> {
    let mut head = [0u8; 3];
    loop {
        match stream.peek(&mut head).await {
            Ok(n) if n >= head.len() => return Some(head == *b"PRI"),
            Ok(0) | Err(_) => return None,
            // Part of it: wait for the rest rather than spin on the same bytes.
            Ok(_) => tokio::time::sleep(Duration::from_millis(5)).await,
        }
    }
}

/// A connection on probation spoke: it is counted at its address and given a connection,
/// or `None` (closed). Every one of its address's connections talking refuses it, unless
/// the address limit is the total one (the proxy), where it waits its turn as it would
/// have in the kernel's backlog.
async fn admit(
    slot: &mut PeerSlot,
    per_ip: usize,
    total: usize,
    connections: &Arc<Semaphore>,
    peers: &Peers,
) -> Option<tokio::sync::OwnedSemaphorePermit> {
    let promotion = slot.promote(per_ip);
    if promotion == Promotion::Full && per_ip < total {
        return None;
    }
    if let Ok(p) = connections.clone().try_acquire_owned() {
        return Some(p);
    }
    // The connection closed for it gives its permit back; otherwise the oldest idle one
    // anywhere makes room.
    if promotion != Promotion::Evicted {
        peers.evict_oldest_silent(None);
    }
    tokio::time::timeout(HEADER_READ_TIMEOUT, connections.clone().acquire_owned())
        .await
        .ok()?
        .ok()
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
        // Over a limit, a connection is accepted on probation: it must send within
        // PROBATION_TIMEOUT, and only then takes the place of an idle one. An idle flood
        // thus never displaces anyone, and a real client, which sends at once, is served.
        let permit = match connections.clone().try_acquire_owned() {
            Ok(p) => Some(p),
            Err(tokio::sync::TryAcquireError::Closed) => return,
            Err(tokio::sync::TryAcquireError::NoPermits) => None,
        };
        let Some((stream, spoke)) = already_spoke(stream) else {
            continue;
        };
        let max_probation = limits.total.max(MIN_PROBATION);
        let Some(slot) = peers.take(
            peer.ip(),
            limits.per_ip,
            permit.is_some(),
            max_probation,
            spoke,
        ) else {
            drop(stream);
            continue;
        };
        // One on probation holds no connection until it has spoken.
        let permit = permit.filter(|_| slot.counted);
        let crowded = connections.available_permits() < limits.total / 4;
        let _ = stream.set_nodelay(true);
        let service = TowerToHyperService::new(app.clone());
        let mut stop = stop.clone();
        let connections = connections.clone();
        let peers = peers.clone();
        let (per_ip, total) = (limits.per_ip, limits.total);
        tokio::spawn(async move {
            let mut permit = permit;
            let mut slot = slot;
            let header_timeout = if !slot.counted {
                PROBATION_TIMEOUT
            } else if crowded {
                CROWDED_HEADER_TIMEOUT
            } else {
                HEADER_READ_TIMEOUT
            };
            // A client that sends nothing is dropped as a slow HTTP/1.1 one is, or sooner
            // when a client that spoke needs its place.
            let h2 = tokio::select! {
                r = tokio::time::timeout(header_timeout, speaks_h2(&stream)) => match r {
                    Ok(Some(h2)) => h2,
                    // Silent past its time, or gone: either way it has nothing to serve.
                    Ok(None) | Err(_) => return,
                },
                _ = slot.evicted.notified() => return,
            };
            let header_timeout = if slot.counted {
                slot.spoke();
                header_timeout
            } else {
                let Some(p) = admit(&mut slot, per_ip, total, &connections, &peers).await else {
                    return;
                };
                permit = Some(p);
                // Its request is arriving: the usual time for the rest of its headers.
                CROWDED_HEADER_TIMEOUT
            };
            let _permit = permit;
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
