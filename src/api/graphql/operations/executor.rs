//! How every GraphQL operation runs, whatever the transport (POST, GET, Server-Sent Events,
//! WebSocket). async-graphql passes every field of an answer through every schema extension
//! registered, whether or not the extension looks at fields: with one extension, an uncached
//! page of skills spent 13% of its instructions on that, an introspection query 46%. So the two
//! schemas built from the same types share the work: the checking one validates (its one
//! extension reads the cost and stops the operation), the running one executes with no
//! extension. Around them, in order:
//! 1. a persisted query's hash becomes its text;
//! 2. the document rules, on the kept parse of the text;
//! 3. validation, on the checking schema; the cost against the limit, then charged to the
//!    caller's rate;
//! 4. a slot of the caller's while the operation runs on the running schema, the cost told
//!    beside the answer, metrics, and a code on every error.
use std::any::{Any, TypeId};
use std::sync::Arc;
use std::time::Instant;

use async_graphql::futures_util::stream::{self, BoxStream, StreamExt};
use async_graphql::parser::types::{DocumentOperations, ExecutableDocument, OperationType};
use async_graphql::{Data, Request, Response, SchemaBuilder, ServerError, ValidationMode};

use super::caller_limits;
use super::cost;
use super::document_rules::{DocumentRules, ViaGet};
use super::metrics;
use super::persisted_queries::PersistedQueries;
use super::validation::{ValidateOnly, Validated};
use crate::api::auth::Identity;
use crate::api::caller_limits::CallerLimits;
use crate::api::graphql::documents::Documents;
use crate::api::graphql::errors::{ensure_code, ErrorCode};
use crate::api::graphql::{schema_builder, AppSchema, MutationRoot, QueryRoot, SubscriptionRoot};
use crate::api::state::AppState;

/// What the transports run operations with: the checking and the running schema, both with the
/// service's state, and the limits from its configuration.
pub fn build(state: AppState) -> Executor {
    let limits = &state.config.limits;
    let finish = |builder: SchemaBuilder<QueryRoot, MutationRoot, SubscriptionRoot>| {
        let builder = if limits.disable_introspection {
            builder.disable_introspection()
        } else {
            builder
        };
        builder.data(state.clone()).finish()
    };
    Executor::new(Operations {
        checking: finish(schema_builder().extension(ValidateOnly)),
        // Validated on the checking schema already: the running schema only works out what
        // execution needs.
        running: finish(schema_builder().validation_mode(ValidationMode::Fast)),
        documents: state.documents.clone(),
        rules: DocumentRules {
            max_depth: limits.max_query_depth,
            max_root_fields: limits.max_root_fields,
            max_fields: limits.max_query_fields,
            max_tokens: limits.max_query_tokens,
        },
        max_cost: limits.max_query_complexity,
        limits: Some(state.caller_limits.clone()),
        persisted: Default::default(),
    })
}

/// Everything an operation is held to, and the two schemas.
pub struct Operations {
    /// Validates; never executes (it has the `validation` extension).
    pub checking: AppSchema,
    /// Executes; has no extension.
    pub running: AppSchema,
    pub documents: Arc<Documents>,
    pub rules: DocumentRules,
    /// The most an operation may cost.
    pub max_cost: usize,
    /// The caller limits; none in the schema's own tests.
    pub limits: Option<Arc<CallerLimits>>,
    pub persisted: PersistedQueries,
}

#[derive(Clone)]
pub struct Executor(Arc<Operations>);

/// An operation that passed every check: its document (for the running schema) and cost.
struct Checked {
    doc: ExecutableDocument,
    cost: usize,
    kind: OperationType,
}

impl Executor {
    pub fn new(operations: Operations) -> Self {
        Self(Arc::new(operations))
    }

    /// Gives a request naming a persisted query its text (the HTTP transport does this before
    /// it looks in the read cache; doing it again changes nothing).
    pub fn resolve_persisted(&self, request: &mut Request) -> Result<(), ServerError> {
        self.0.persisted.resolve(request)
    }

    /// Steps 1 to 3 for `request` of a caller known from its data or its connection's.
    async fn check(
        &self,
        request: &mut Request,
        who: Option<&Identity>,
    ) -> Result<Checked, Vec<ServerError>> {
        let ops = &self.0;
        ops.persisted.resolve(request).map_err(|e| vec![e])?;
        let via_get = data::<ViaGet>(&request.data).is_some();
        let parsed = ops.documents.get(&request.query);
        ops.rules.check(&parsed, via_get).map_err(|e| vec![e])?;
        let doc = match &parsed.doc {
            Some(doc) => doc.clone(),
            None => async_graphql::parser::parse_query(&request.query)
                .map_err(|e| vec![ensure_code(e.into(), ErrorCode::GraphqlParseFailed)])?,
        };
        let cost = self.validate(request, &doc).await?;
        cost::check(cost, ops.max_cost).map_err(|e| vec![e])?;
        if let Some(limits) = &ops.limits {
            caller_limits::charge(limits, who, cost).map_err(|e| vec![e])?;
        }
        let kind =
            operation_type(&doc, request.operation_name.as_deref()).unwrap_or(OperationType::Query);
        Ok(Checked { doc, cost, kind })
    }

    /// The cost of `doc` as `request` asks for it, once the checking schema has validated it.
    async fn validate(
        &self,
        request: &Request,
        doc: &ExecutableDocument,
    ) -> Result<usize, Vec<ServerError>> {
        let validated = Validated::default();
        let mut check = Request::new(String::new())
            .variables(request.variables.clone())
            .data(validated.clone());
        check.operation_name = request.operation_name.clone();
        check.set_parsed_query(doc.clone());
        let response = self.0.checking.execute(check).await;
        if !response.errors.is_empty() {
            return Err(coded(response, ErrorCode::GraphqlValidationFailed).errors);
        }
        Ok(validated.0.get().copied().unwrap_or_default())
    }

    /// Step 4 for a query or mutation: `answer` run in a slot of the caller's.
    async fn run(
        &self,
        operation: Option<(&'static str, String)>,
        cost: usize,
        who: Option<&Identity>,
        answer: impl std::future::Future<Output = Response>,
    ) -> Response {
        let started = Instant::now();
        let slot = match &self.0.limits {
            Some(limits) => caller_limits::enter(limits, who).await,
            None => Ok(None),
        };
        let resp = match slot {
            Ok(_slot) => cost::told(answer.await, cost, self.0.max_cost),
            Err(e) => Response::from_errors(vec![e]),
        };
        metrics::record(operation, started, &resp);
        coded(resp, ErrorCode::InternalServerError)
    }
}

impl async_graphql::Executor for Executor {
    async fn execute(&self, mut request: Request) -> Response {
        let who = data::<Identity>(&request.data).cloned();
        let checked = match self.check(&mut request, who.as_ref()).await {
            Ok(c) => c,
            Err(errors) => return Response::from_errors(errors),
        };
        let operation = metrics::operation_of(&checked.doc);
        request.set_parsed_query(checked.doc);
        let answer = self.0.running.execute(request);
        self.run(operation, checked.cost, who.as_ref(), answer)
            .await
    }

    fn execute_stream(
        &self,
        mut request: Request,
        session: Option<Arc<Data>>,
    ) -> BoxStream<'static, Response> {
        let this = self.clone();
        stream::once(async move {
            let session = session.unwrap_or_default();
            let who = (data::<Identity>(&request.data))
                .or_else(|| data::<Identity>(&session))
                .cloned();
            let checked = match this.check(&mut request, who.as_ref()).await {
                Ok(c) => c,
                Err(errors) => {
                    return stream::once(async { Response::from_errors(errors) }).boxed()
                }
            };
            let operation = metrics::operation_of(&checked.doc);
            request.set_parsed_query(checked.doc);
            let mut answers = (this.0.running).execute_stream_with_session_data(request, session);
            if checked.kind == OperationType::Subscription {
                return answers
                    .map(|r| coded(r, ErrorCode::InternalServerError))
                    .boxed();
            }
            // A query or mutation over a stream: one answer, run like any other.
            stream::once(async move {
                let answer = async { answers.next().await.unwrap_or_default() };
                this.run(operation, checked.cost, who.as_ref(), answer)
                    .await
            })
            .boxed()
        })
        .flatten()
        .boxed()
    }
}

/// `resp` with `code` on each error that has none.
fn coded(mut resp: Response, code: ErrorCode) -> Response {
    resp.errors = (resp.errors.into_iter())
        .map(|e| ensure_code(e, code))
        .collect();
    resp
}

/// The type of the operation a request runs (by name, or the document's only one).
fn operation_type(doc: &ExecutableDocument, name: Option<&str>) -> Option<OperationType> {
    match (&doc.operations, name) {
        (DocumentOperations::Single(op), _) => Some(op.node.ty),
        (DocumentOperations::Multiple(ops), Some(name)) => ops.get(name).map(|op| op.node.ty),
        (DocumentOperations::Multiple(ops), None) => ops.values().next().map(|op| op.node.ty),
    }
}

/// A value of type `T` in request or session data.
fn data<T: Any>(data: &Data) -> Option<&T> {
    data.get(&TypeId::of::<T>())?.downcast_ref()
}
