//! A graphql-transport-ws client over a real WebSocket.
#![allow(dead_code)]

use futures::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

/// Subscribes and collects every `next` payload until `complete` (or an `error`, returned as
/// the last item). Gives up after `timeout`.
pub async fn subscribe_all(
    addr: std::net::SocketAddr,
    query: &str,
    variables: Value,
    timeout: std::time::Duration,
) -> Vec<Value> {
    let mut req = format!("ws://{addr}/graphql")
        .into_client_request()
        .unwrap();
    req.headers_mut().insert(
        "Sec-WebSocket-Protocol",
        "graphql-transport-ws".parse().unwrap(),
    );
    let (mut ws, resp) = tokio_tungstenite::connect_async(req)
        .await
        .expect("websocket connects");
    assert_eq!(
        resp.headers().get("sec-websocket-protocol").unwrap(),
        "graphql-transport-ws"
    );
    let send = |v: Value| Message::Text(v.to_string().into());
    ws.send(send(json!({"type": "connection_init", "payload": {}})))
        .await
        .unwrap();
    let collect = async {
        let mut out = vec![];
        while let Some(msg) = ws.next().await {
            let Message::Text(text) = msg.unwrap() else {
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
                "next" => out.push(v["payload"].clone()),
                "error" => {
                    out.push(json!({"errors": v["payload"]}));
                    break;
                }
                "complete" => break,
                "ping" => ws.send(send(json!({"type": "pong"}))).await.unwrap(),
                _ => {}
            }
        }
        out
    };
    tokio::time::timeout(timeout, collect)
        .await
        .expect("subscription completes in time")
}
