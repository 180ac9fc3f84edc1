//! A graphql-transport-ws client over a real WebSocket.

use futures::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

/// How a subscription ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Ending {
    /// The server sent `complete`.
    Complete,
    /// The server sent `error`.
    Error,
    /// The connection closed or broke without either.
    Dropped,
}

/// Subscribes and collects every `next` payload until `complete` (or an `error`, returned as
/// the last item). Gives up after `timeout`.
pub async fn subscribe_all(
    addr: std::net::SocketAddr,
    query: &str,
    variables: Value,
    timeout: std::time::Duration,
) -> Vec<Value> {
    subscribe(addr, query, variables, timeout).await.0
}

/// Like [`subscribe_all`], also saying how the subscription ended.
pub async fn subscribe(
    addr: std::net::SocketAddr,
    query: &str,
    variables: Value,
    timeout: std::time::Duration,
) -> (Vec<Value>, Ending) {
    run(addr, query, variables, timeout, None, json!({})).await
}

/// Like [`subscribe`] with `payload` in `connection_init` (e.g. credentials).
pub async fn subscribe_with_payload(
    addr: std::net::SocketAddr,
    query: &str,
    payload: Value,
) -> (Vec<Value>, Ending) {
    let timeout = std::time::Duration::from_secs(30);
    run(addr, query, json!({}), timeout, None, payload).await
}

/// An upgrade request to the service's GraphQL endpoint, graphql-transport-ws.
fn request(
    addr: std::net::SocketAddr,
) -> tokio_tungstenite::tungstenite::handshake::client::Request {
    let mut req = format!("ws://{addr}/graphql")
        .into_client_request()
        .unwrap();
    req.headers_mut().insert(
        "Sec-WebSocket-Protocol",
        "graphql-transport-ws".parse().unwrap(),
    );
    req
}

/// Opens a connection with `payload` in `connection_init`: Ok once acknowledged, Err with what
/// the server did instead.
pub async fn connect_with_payload(
    addr: std::net::SocketAddr,
    payload: Value,
) -> Result<(), String> {
    let req = request(addr);
    let (mut ws, _) = tokio_tungstenite::connect_async(req).await.unwrap();
    let init = json!({"type": "connection_init", "payload": payload});
    ws.send(Message::Text(init.to_string().into()))
        .await
        .unwrap();
    let answer = tokio::time::timeout(std::time::Duration::from_secs(10), ws.next())
        .await
        .map_err(|_| "no answer".to_string())?;
    match answer {
        Some(Ok(Message::Text(t))) if t.contains("connection_ack") => Ok(()),
        other => Err(format!("{other:?}")),
    }
}

/// A subscription running in the background: `first` is its first `next` payload (so the
/// subscription is surely in place), `rest` ends with all payloads and how it ended.
pub struct Background {
    pub first: Value,
    pub rest: tokio::task::JoinHandle<(Vec<Value>, Ending)>,
}

pub async fn background(
    addr: std::net::SocketAddr,
    query: &str,
    variables: Value,
    timeout: std::time::Duration,
) -> Background {
    let (tx, mut rx) = mpsc::unbounded_channel();
    let query = query.to_string();
    let rest =
        tokio::spawn(
            async move { run(addr, &query, variables, timeout, Some(tx), json!({})).await },
        );
    let first = tokio::time::timeout(std::time::Duration::from_secs(30), rx.recv())
        .await
        .expect("first update in time")
        .expect("a first update");
    Background { first, rest }
}

/// One subscription: every `next` payload is collected (and sent to `each`, if given) until
/// the server completes it, reports an error (returned as the last item), or drops the socket.
async fn run(
    addr: std::net::SocketAddr,
    query: &str,
    variables: Value,
    timeout: std::time::Duration,
    each: Option<mpsc::UnboundedSender<Value>>,
    init: Value,
) -> (Vec<Value>, Ending) {
    let req = request(addr);
    let (mut ws, resp) = tokio_tungstenite::connect_async(req)
        .await
        .expect("websocket connects");
    assert_eq!(
        resp.headers().get("sec-websocket-protocol").unwrap(),
        "graphql-transport-ws"
    );
    let send = |v: Value| Message::Text(v.to_string().into());
    ws.send(send(json!({"type": "connection_init", "payload": init})))
        .await
        .unwrap();
    let collect = async {
        let mut out = vec![];
        while let Some(Ok(msg)) = ws.next().await {
            let Message::Text(text) = msg else {
                continue;
            };
            let v: Value = serde_json::from_str(&text).unwrap();
            match v["type"].as_str().unwrap() {
                "connection_ack" => {
                    ws.send(send(json!({
                        "id": "1",
                        "type": "subscribe",
                        "payload": {"query": query, "variables": variables}
                    })))
                    .await
                    .unwrap();
                }
                "next" => {
                    if let Some(each) = &each {
                        let _ = each.send(v["payload"].clone());
                    }
                    out.push(v["payload"].clone());
                }
                "error" => {
                    out.push(json!({"errors": v["payload"]}));
                    return (out, Ending::Error);
                }
                "complete" => return (out, Ending::Complete),
                "ping" => ws.send(send(json!({"type": "pong"}))).await.unwrap(),
                _ => {}
            }
        }
        (out, Ending::Dropped)
    };
    tokio::time::timeout(timeout, collect)
        .await
        .expect("subscription completes in time")
}

type Stream =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// One graphql-transport-ws connection carrying many subscriptions.
pub struct Connection(Stream);

impl Connection {
    /// Connects and waits for `connection_ack`.
    pub async fn open(addr: std::net::SocketAddr, payload: Value) -> Self {
        let req = request(addr);
        let (ws, _) = tokio_tungstenite::connect_async(req).await.unwrap();
        let mut c = Connection(ws);
        c.send(json!({"type": "connection_init", "payload": payload}))
            .await;
        let ack = c.next_message(std::time::Duration::from_secs(10)).await;
        assert_eq!(ack["type"], "connection_ack", "{ack}");
        c
    }

    async fn send(&mut self, v: Value) {
        self.0
            .send(Message::Text(v.to_string().into()))
            .await
            .unwrap();
    }

    /// Starts subscription `id`.
    pub async fn subscribe(&mut self, id: &str, query: &str) {
        self.send(json!({"id": id, "type": "subscribe", "payload": {"query": query}}))
            .await;
    }

    /// Ends subscription `id`.
    pub async fn complete(&mut self, id: &str) {
        self.send(json!({"id": id, "type": "complete"})).await;
    }

    /// The next protocol message other than `ping` (which is answered), within `timeout`.
    pub async fn next_message(&mut self, timeout: std::time::Duration) -> Value {
        let read = async {
            loop {
                match self.0.next().await {
                    Some(Ok(Message::Text(t))) => {
                        let v: Value = serde_json::from_str(&t).unwrap();
                        if v["type"] == "ping" {
                            self.send(json!({"type": "pong"})).await;
                            continue;
                        }
                        return v;
                    }
                    Some(Ok(_)) => continue,
                    other => panic!("connection ended: {other:?}"),
                }
            }
        };
        tokio::time::timeout(timeout, read)
            .await
            .expect("a message in time")
    }
}
