//! A TCP proxy between the bot and PostgreSQL, on 127.0.0.1:0, that acts
//! out a database restart as the bot sees one, without touching the shared
//! server other tests use:
//!
//! - [`PgProxy::go_down`] ends every session the way PostgreSQL's fast
//!   shutdown does: `FATAL 57P01 terminating connection due to administrator
//!   command` (sent between two of the server's messages, never inside one),
//!   then the socket closes; and it stops listening, so new connections are
//!   refused (ECONNREFUSED), as while the server is down;
//! - [`PgProxy::come_back`] listens on the same port again and forwards
//!   new connections to the real server.
//!
//! Sessions are forwarded byte for byte otherwise. The proxy reads only the
//! framing of the server's messages (a type byte and a length), and the
//! client's SSLRequest, whose one-byte answer is not framed.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

/// The proxy's switches and what it saw.
struct Shared {
    upstream: SocketAddr,
    /// True while the database is "up".
    up: watch::Sender<bool>,
    /// True while the proxy listens.
    listening: watch::Sender<bool>,
    /// Sessions forwarding now.
    live: watch::Sender<usize>,
    /// Sessions ended by [`PgProxy::go_down`].
    cut: AtomicUsize,
    /// Of those, the ones told FATAL 57P01 first.
    told: AtomicUsize,
}

/// A running proxy; dropping it stops it.
pub struct PgProxy {
    pub addr: SocketAddr,
    shared: Arc<Shared>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for PgProxy {
    fn drop(&mut self) {
        self.task.abort();
        self.shared.up.send_replace(false);
    }
}

impl PgProxy {
    /// Starts forwarding 127.0.0.1:<free port> to `upstream`.
    pub async fn start(upstream: SocketAddr) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind proxy");
        let addr = listener.local_addr().unwrap();
        let shared = Arc::new(Shared {
            upstream,
            up: watch::Sender::new(true),
            listening: watch::Sender::new(true),
            live: watch::Sender::new(0),
            cut: AtomicUsize::new(0),
            told: AtomicUsize::new(0),
        });
        let task = tokio::spawn(serve(shared.clone(), addr, listener));
        Self { addr, shared, task }
    }

    /// `url` (a postgres:// URL without parameters) with its host and port
    /// replaced by the proxy's. TLS is turned off (`sslmode=disable`): the
    /// proxy must read the server's framing to end a session the way
    /// PostgreSQL does.
    pub fn url_for(&self, url: &str) -> String {
        let (scheme, rest) = url.split_once("://").expect("a URL");
        let (auth_host, path) = rest.split_once('/').unwrap_or((rest, ""));
        let auth = auth_host.rsplit_once('@').map(|(a, _)| format!("{a}@"));
        let auth = auth.unwrap_or_default();
        format!("{scheme}://{auth}{}/{path}?sslmode=disable", self.addr)
    }

    /// The restart begins: every session is ended and no new one accepted.
    /// Returns once nothing is forwarded any more.
    pub async fn go_down(&self) {
        self.shared.up.send_replace(false);
        let mut listening = self.shared.listening.subscribe();
        let _ = listening.wait_for(|l| !*l).await;
        let mut live = self.shared.live.subscribe();
        let _ = live.wait_for(|n| *n == 0).await;
    }

    /// The restart ends: the proxy listens on the same port again.
    pub async fn come_back(&self) {
        self.shared.up.send_replace(true);
        let mut listening = self.shared.listening.subscribe();
        let _ = listening.wait_for(|l| *l).await;
    }

    /// Sessions the restart ended, and how many of them were told why.
    pub fn cut(&self) -> (usize, usize) {
        (
            self.shared.cut.load(Ordering::SeqCst),
            self.shared.told.load(Ordering::SeqCst),
        )
    }
}

/// Accepts while up; while down, listens on nothing (connections are
/// refused), then binds the same address again.
async fn serve(shared: Arc<Shared>, addr: SocketAddr, first: TcpListener) {
    let mut up = shared.up.subscribe();
    let mut listener = Some(first);
    loop {
        let l = match listener.take() {
            Some(l) => l,
            None => bind_again(addr).await,
        };
        shared.listening.send_replace(true);
        loop {
            tokio::select! {
                _ = went_down(&mut up) => break,
                accepted = l.accept() => {
                    if let Ok((client, _)) = accepted {
                        shared.live.send_modify(|n| *n += 1);
                        tokio::spawn(session(shared.clone(), client));
                    }
                }
            }
        }
        drop(l);
        shared.listening.send_replace(false);
        let _ = up.wait_for(|u| *u).await;
    }
}

/// Returns once the proxy is down (at once if it is).
async fn went_down(up: &mut watch::Receiver<bool>) {
    let _ = up.wait_for(|u| !*u).await;
}

/// Binds `addr` again; another socket may hold the port for a moment.
async fn bind_again(addr: SocketAddr) -> TcpListener {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        match TcpListener::bind(addr).await {
            Ok(l) => return l,
            Err(e) if Instant::now() < deadline => {
                eprintln!("pg proxy: binding {addr} again: {e}; retrying");
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            Err(e) => panic!("pg proxy: cannot bind {addr} again: {e}"),
        }
    }
}

/// Forwards one client's session until either side closes or the proxy
/// goes down.
async fn session(shared: Arc<Shared>, client: TcpStream) {
    let _ = client.set_nodelay(true);
    if let Ok(server) = TcpStream::connect(shared.upstream).await {
        let _ = server.set_nodelay(true);
        let (client_read, client_write) = client.into_split();
        let (server_read, server_write) = server.into_split();
        let ssl_asked = Arc::new(AtomicBool::new(false));
        let up = shared.up.subscribe();
        let requests = to_server(client_read, server_write, ssl_asked.clone(), up.clone());
        let answers = to_client(server_read, client_write, ssl_asked, up);
        let (_, ended) = tokio::join!(requests, answers);
        if let Some(told) = ended {
            shared.cut.fetch_add(1, Ordering::SeqCst);
            shared.told.fetch_add(usize::from(told), Ordering::SeqCst);
        }
    }
    shared.live.send_modify(|n| *n -= 1);
}

/// The SSLRequest code (PostgreSQL protocol, "Message Formats").
const SSL_REQUEST: [u8; 8] = [0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f];

/// Client to server, noting whether the session began with an SSLRequest.
async fn to_server(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    ssl_asked: Arc<AtomicBool>,
    mut up: watch::Receiver<bool>,
) {
    let mut buf = vec![0u8; 16 * 1024];
    let mut first = true;
    loop {
        let n = tokio::select! {
            _ = went_down(&mut up) => return,
            n = from.read(&mut buf) => match n { Ok(0) | Err(_) => return, Ok(n) => n },
        };
        if first && buf[..n].starts_with(&SSL_REQUEST) {
            ssl_asked.store(true, Ordering::SeqCst);
        }
        first = false;
        if to.write_all(&buf[..n]).await.is_err() {
            return;
        }
    }
}

/// Server to client. Returns `Some(told)` when the proxy went down: the
/// session was cut, and `told` says whether the client got FATAL 57P01.
async fn to_client(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    ssl_asked: Arc<AtomicBool>,
    mut up: watch::Receiver<bool>,
) -> Option<bool> {
    let mut buf = vec![0u8; 16 * 1024];
    let mut frames = Frames::default();
    loop {
        let n = tokio::select! {
            _ = went_down(&mut up) => {
                let told = frames.at_boundary() && to.write_all(&admin_shutdown()).await.is_ok();
                let _ = to.shutdown().await;
                return Some(told);
            }
            n = from.read(&mut buf) => match n { Ok(0) | Err(_) => return None, Ok(n) => n },
        };
        frames.feed(&buf[..n], ssl_asked.load(Ordering::SeqCst));
        if to.write_all(&buf[..n]).await.is_err() {
            return None;
        }
    }
}

/// Where the server's byte stream is: between messages or inside one.
#[derive(Default)]
pub struct Frames {
    /// The one-byte answer to an SSLRequest has been seen (or none is due).
    started: bool,
    /// The server switched to TLS: its bytes are opaque from here on.
    opaque: bool,
    /// Bytes of the current message's 5-byte header seen so far.
    header: Vec<u8>,
    /// Body bytes of the current message still to come.
    left: usize,
}

impl Frames {
    /// Follows `bytes` from the server; `ssl_asked`: the client began with
    /// an SSLRequest, so the first byte is its unframed answer.
    pub fn feed(&mut self, mut bytes: &[u8], ssl_asked: bool) {
        if !self.started && !bytes.is_empty() {
            self.started = true;
            if ssl_asked {
                self.opaque = bytes[0] == b'S';
                bytes = &bytes[1..];
            }
        }
        while !bytes.is_empty() && !self.opaque {
            if self.left > 0 {
                let take = self.left.min(bytes.len());
                self.left -= take;
                bytes = &bytes[take..];
                continue;
            }
            self.header.push(bytes[0]);
            bytes = &bytes[1..];
            if self.header.len() == 5 {
                let len = u32::from_be_bytes(self.header[1..5].try_into().unwrap());
                self.left = (len as usize).saturating_sub(4);
                self.header.clear();
            }
        }
    }

    /// Whether a message may be put in here without splitting one.
    pub fn at_boundary(&self) -> bool {
        self.started && !self.opaque && self.left == 0 && self.header.is_empty()
    }
}

/// ErrorResponse: FATAL 57P01, what a fast shutdown tells every session.
pub fn admin_shutdown() -> Vec<u8> {
    let mut fields = Vec::new();
    for (code, value) in [
        (b'S', "FATAL"),
        (b'V', "FATAL"),
        (b'C', "57P01"),
        (b'M', "terminating connection due to administrator command"),
    ] {
        fields.push(code);
        fields.extend_from_slice(value.as_bytes());
        fields.push(0);
    }
    fields.push(0);
    let mut message = vec![b'E'];
    message.extend_from_slice(&(fields.len() as u32 + 4).to_be_bytes());
    message.extend_from_slice(&fields);
    message
}
