//! GraphQL over WebSocket, both protocols (`graphql-transport-ws`, and the legacy
//! `subscriptions-transport-ws`) on `/graphql`. async-graphql answers a subscription that fails
//! to parse or validate with `next` + `complete`; the graphql-transport-ws protocol says `error`,
//! and clients such as graphql-ws report it only then, so those two messages are rewritten.
use std::collections::HashSet;

use async_graphql_axum::{GraphQLProtocol, GraphQLWebSocket};
use axum::extract::ws::{Message, WebSocket};
use futures::{stream, SinkExt, StreamExt};
use serde_json::{json, Value};

use crate::api::caller_limits::ConnectionSubscriptions;
use crate::api::errors::ErrorCode;

use crate::api::graphql::batch::Scope;
use crate::api::graphql::loaders;
use crate::api::graphql::operations::executor::Executor;
use crate::api::state::AppState;

/// How long a WebSocket may stay open once its subscriptions ended at shutdown.
const SOCKET_GRACE: std::time::Duration = std::time::Duration::from_secs(1);

pub async fn serve(
    socket: WebSocket,
    executor: Executor,
    state: AppState,
    protocol: GraphQLProtocol,
    legacy: bool,
    upgrade_authorization: Option<String>,
) {
    let (sink, source) = socket.split();
    let mut rewrite = ErrorMessages::default();
    let sink = sink.with_flat_map(move |msg: Message| {
        let out = if legacy {
            Some(msg)
        } else {
            rewrite.message(msg)
        };
        stream::iter(out.map(Ok))
    });
    let (graph, auth) = (state.graph.clone(), state.auth.clone());
    // The connection's operations share its loaders; their batches close whenever the
    // connection's future goes idle.
    let scope = Scope::default();
    let loaders = std::sync::Arc::new(loaders::Loaders::new(&graph, &scope));
    let subscriptions =
        ConnectionSubscriptions::new(state.config.limits.max_subscriptions_per_connection);
    let serve = GraphQLWebSocket::new_with_pair(sink, source, executor, protocol)
        .on_connection_init(move |payload| async move {
            // Browsers cannot set headers on a WebSocket: credentials come in the payload
            // (`{"Authorization": "Bearer ..."}`), or else on the upgrade request.
            let from_payload = ["Authorization", "authorization"]
                .iter()
                .find_map(|k| payload[*k].as_str().map(String::from));
            let who = auth
                .identify(from_payload.or(upgrade_authorization).as_deref())
                .await
                .map_err(|e| async_graphql::Error::new(e.to_string()))?;
            let mut data = async_graphql::Data::default();
            data.insert(loaders);
            data.insert(who);
            data.insert(subscriptions);
            Ok(data)
        })
        .serve();
    let serve = scope.run(serve);
    // At shutdown, subscriptions send their last state and complete; a client that keeps the
    // socket open after that is let go after a short grace.
    tokio::select! {
        _ = serve => {}
        _ = async {
            state.jobs.closed().await;
            tokio::time::sleep(SOCKET_GRACE).await;
        } => {}
    }
}

/// A protocol message without its payload.
#[derive(serde::Deserialize)]
struct Head<'a> {
    #[serde(rename = "type", borrow)]
    kind: std::borrow::Cow<'a, str>,
    #[serde(borrow)]
    id: Option<std::borrow::Cow<'a, str>>,
}

/// Turns a first `next` that only carries request errors into the protocol's `error`, and drops
/// the `complete` that follows it.
#[derive(Default)]
struct ErrorMessages {
    started: HashSet<String>,
    errored: HashSet<String>,
}

impl ErrorMessages {
    fn message(&mut self, msg: Message) -> Option<Message> {
        let Message::Text(text) = &msg else {
            return Some(msg);
        };
        // Only these two kinds need a look; most messages are skipped without parsing.
        if !text.contains(r#""type":"next""#) && !text.contains(r#""type":"complete""#) {
            return Some(msg);
        }
        // The message's kind and id only: the payload is scanned past, not built (every update
        // of every subscription passes here).
        let Ok(head) = serde_json::from_str::<Head>(text) else {
            return Some(msg);
        };
        let id = head.id.unwrap_or_default().into_owned();
        match head.kind.as_ref() {
            "complete" => {
                self.started.remove(&id);
                return (!self.errored.remove(&id)).then_some(msg);
            }
            "next" if self.started.insert(id.clone()) => {}
            _ => return Some(msg),
        }
        let Ok(value) = serde_json::from_str::<Value>(text) else {
            return Some(msg);
        };
        let payload = &value["payload"];
        let request_error = |e: &Value| {
            let code = e["extensions"]["code"]
                .as_str()
                .and_then(|c| c.parse().ok());
            matches!(
                code,
                Some(ErrorCode::GraphqlValidationFailed | ErrorCode::GraphqlParseFailed)
            )
        };
        let errors = payload["errors"].as_array();
        let rejected = payload["data"].is_null()
            && errors.is_some_and(|errs| !errs.is_empty() && errs.iter().all(request_error));
        if !rejected {
            return Some(msg);
        }
        self.errored.insert(id.clone());
        let error = json!({"type": "error", "id": id, "payload": payload["errors"]});
        Some(Message::Text(error.to_string().into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(v: Value) -> Message {
        Message::Text(v.to_string().into())
    }

    fn as_json(m: Option<Message>) -> Option<Value> {
        m.map(|m| match m {
            Message::Text(t) => serde_json::from_str(&t).unwrap(),
            other => panic!("{other:?}"),
        })
    }

    #[test]
    fn a_rejected_subscription_is_an_error_without_complete() {
        let mut r = ErrorMessages::default();
        let err = json!({"message": "Unknown field", "extensions": {"code": ErrorCode::GraphqlValidationFailed}});
        let next = json!({"type": "next", "id": "1", "payload": {"data": null, "errors": [err]}});
        assert_eq!(
            as_json(r.message(text(next))),
            Some(json!({"type": "error", "id": "1", "payload": [err]}))
        );
        assert_eq!(
            as_json(r.message(text(json!({"type": "complete", "id": "1"})))),
            None
        );
    }

    #[test]
    fn data_and_execution_errors_pass_unchanged() {
        let mut r = ErrorMessages::default();
        let failed = json!({"type": "next", "id": "2", "payload": {"data": null,
            "errors": [{"message": "no job", "extensions": {"code": "NOT_FOUND"}}]}});
        assert_eq!(as_json(r.message(text(failed.clone()))), Some(failed));
        let later = json!({"type": "next", "id": "3", "payload": {"data": {"a": 1}}});
        assert_eq!(as_json(r.message(text(later.clone()))), Some(later));
        let done = json!({"type": "complete", "id": "3"});
        assert_eq!(as_json(r.message(text(done.clone()))), Some(done));
    }
}
