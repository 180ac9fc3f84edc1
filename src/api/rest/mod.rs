//! REST compatibility with the two seed APIs. Thin: every route calls the same actions, job
//! service and graph reads as the GraphQL API (never the GraphQL schema itself), and only
//! reshapes their answers.
mod seed_skill;

use axum::body::Bytes;
use axum::extract::rejection::PathRejection;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::api::actions::StartError;
use crate::api::auth::{authorization, Identity, Role};
use crate::api::http::cross_site;
use crate::api::state::AppState;
use crate::graph::listing::PageAt;
use crate::ingest::file_load::s3::AwsCredentials;
use crate::ingest::file_load::{EntityType, FileLoadRequest, LoadMethod};
use crate::jobs::model::{Job, JobSpec, JobStatus};

pub fn routes(state: AppState) -> Router {
    Router::new()
        .route(
            "/skill-service/api/v1/import/credential-engine",
            post(import_credential_engine),
        )
        .route(
            "/skill-service/api/v1/jobs/{job_type}/{job_name}",
            get(get_job),
        )
        .route("/skill-service/api/v1/skills", get(list_skills))
        .route("/integrations/file-load-tasks", post(create_file_load_task))
        .route(
            "/integrations/file-load-tasks/{task_id}",
            get(get_file_load_task),
        )
        .route_layer(axum::middleware::from_fn(refuse_cross_site_posts))
        .with_state(state)
}

/// A POST a foreign page could send without a preflight is refused (400), as on `/graphql`.
async fn refuse_cross_site_posts(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    if req.method() == axum::http::Method::POST && !cross_site::post_is_safe(req.headers()) {
        return fail(StatusCode::BAD_REQUEST, cross_site::CSRF_MESSAGE);
    }
    next.run(req).await
}

/// The caller of a REST request: 401 (in the seed's JSON shape) without valid credentials.
struct Caller(Identity);

impl FromRequestParts<AppState> for Caller {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let bearer = authorization(&parts.headers);
        match state.auth.identify(bearer).await {
            Ok(who) => Ok(Caller(who)),
            Err(e) => Err(fail(StatusCode::UNAUTHORIZED, e.to_string())),
        }
    }
}

impl Caller {
    /// The caller if it has at least `role`; a 403 otherwise.
    fn at_least(&self, role: Role) -> Result<&Identity, RestError> {
        if self.0.role < role {
            let why = format!("{} may not do this: it needs the {role} role", self.0.name);
            return Err(RestError::new(StatusCode::FORBIDDEN, why));
        }
        Ok(&self.0)
    }
}

fn ok(message: &str, data: Value) -> Response {
    Json(json!({"success": true, "message": message, "data": data})).into_response()
}

/// Every REST refusal: its status, and the seed API's body `{"success": false, "message"}`.
#[derive(Debug)]
struct RestError {
    status: StatusCode,
    message: String,
    /// Seconds, for a refusal by a rate (`Retry-After`).
    retry_after: Option<u64>,
}

/// The body of a [`RestError`].
#[derive(Serialize)]
struct Refusal<'a> {
    success: bool,
    message: &'a str,
}

impl RestError {
    fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
            retry_after: None,
        }
    }

    /// A request the service understood but cannot take (422), with what is wrong.
    fn invalid(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, message)
    }
}

impl IntoResponse for RestError {
    fn into_response(self) -> Response {
        let body = Refusal {
            success: false,
            message: &self.message,
        };
        let mut out = (self.status, Json(body)).into_response();
        if let Some(secs) = self.retry_after {
            out.headers_mut().insert(header::RETRY_AFTER, secs.into());
        }
        out
    }
}

fn fail(status: StatusCode, message: impl Into<String>) -> Response {
    RestError::new(status, message).into_response()
}

/// A path that does not decode (`%ff`, say): 400 in the seed's shape, not axum's plain text.
fn bad_path(e: PathRejection) -> Response {
    fail(StatusCode::BAD_REQUEST, e.body_text())
}

fn invalid(message: impl Into<String>) -> Response {
    RestError::invalid(message).into_response()
}

fn unavailable(e: impl std::fmt::Display) -> Response {
    tracing::error!(error = %e, "REST request failed on the graph database");
    fail(
        StatusCode::SERVICE_UNAVAILABLE,
        "the graph database request failed; try again later",
    )
}

fn start_failed(e: StartError) -> Response {
    match e {
        StartError::BadInput(msg) => invalid(msg),
        StartError::Limited(e) => RestError {
            retry_after: Some(e.retry_after_secs()),
            ..RestError::new(StatusCode::TOO_MANY_REQUESTS, e.to_string())
        }
        .into_response(),
        StartError::Graph(e) => unavailable(e),
    }
}

/// A JSON body decoded into `T`, or a message naming the field that is wrong (answered as 422).
fn body<T: DeserializeOwned>(bytes: &Bytes) -> Result<T, RestError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        RestError::invalid(if inner.is_syntax() || inner.is_eof() {
            format!("request body is not valid JSON: {inner}")
        } else if path == "." {
            format!("request body: {inner}")
        } else {
            format!("field '{path}': {inner}")
        })
    })
}

/// What both starting routes check first: a readable body, an editor, and a body of shape `T`.
fn editor_request<T: DeserializeOwned>(
    caller: &Caller,
    bytes: Result<Bytes, BytesRejection>,
) -> Result<(&Identity, T), Box<Response>> {
    let bytes = bytes.map_err(|e| Box::new(fail(e.status(), e.body_text())))?;
    let who = caller
        .at_least(Role::Editor)
        .map_err(|denied| Box::new(denied.into_response()))?;
    let body = body::<T>(&bytes).map_err(|e| Box::new(e.into_response()))?;
    Ok((who, body))
}

#[derive(Deserialize)]
struct ImportBody {
    competency_frameworks: Vec<String>,
}

#[derive(Deserialize)]
struct FileLoadBody {
    entity_type: EntityType,
    method: LoadMethod,
    uri: String,
    credentials: CredentialsBody,
}

#[derive(Deserialize)]
struct CredentialsBody {
    aws_access_key_id: String,
    aws_secret_access_key: String,
    aws_session_token: Option<String>,
}

async fn import_credential_engine(
    State(state): State<AppState>,
    caller: Caller,
    bytes: Result<Bytes, BytesRejection>,
) -> Response {
    let (who, body) = match editor_request::<ImportBody>(&caller, bytes) {
        Ok(r) => r,
        Err(refused) => return *refused,
    };
    let uris = body.competency_frameworks;
    match state.start_credential_engine_import(who, &uris).await {
        Ok(job) => ok(
            "Successfully initiated the job with type 'credential_engine_ingestion'. Please use the job name to track the job status",
            json!({"job_name": job.name, "status": seed_status(job.status)}),
        ),
        Err(e) => start_failed(e),
    }
}

async fn get_job(
    State(state): State<AppState>,
    caller: Caller,
    path: Result<Path<(String, String)>, PathRejection>,
) -> Response {
    let Path((job_type, job_name)) = match path {
        Ok(p) => p,
        Err(e) => return bad_path(e),
    };
    let found = match state.visible_job(&caller.0, &job_name).await {
        Ok(found) => found,
        Err(e) => return unavailable(e),
    };
    match found {
        Some(job) if job.job_type().as_str() == job_type => {
            ok("Successfully fetched the batch job", seed_job(&job))
        }
        _ => fail(
            StatusCode::NOT_FOUND,
            format!("no job of type '{job_type}' named '{job_name}'"),
        ),
    }
}

/// The seed API knows three statuses: a queued job is reported active, a cancelled one failed
/// (with the reason in `errors`).
fn seed_status(status: JobStatus) -> &'static str {
    match status {
        JobStatus::Queued | JobStatus::Active => "active",
        JobStatus::Succeeded => "succeeded",
        JobStatus::Failed | JobStatus::Cancelled => "failed",
    }
}

/// `2022-05-26 11:53:49.900549+00:00`, as the seed API prints times.
fn seed_time(rfc3339: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(rfc3339)
        .map(|t| {
            t.with_timezone(&chrono::Utc)
                .format("%Y-%m-%d %H:%M:%S%.6f+00:00")
                .to_string()
        })
        .unwrap_or_else(|_| rfc3339.to_string())
}

fn seed_errors(job: &Job) -> Value {
    let mut errors = Map::new();
    if let Some(msg) = &job.message {
        errors.insert("message".into(), json!(msg));
    }
    if !job.errors.is_empty() {
        errors.insert("items".into(), json!(job.errors));
    }
    Value::Object(errors)
}

fn seed_job(job: &Job) -> Value {
    let mut input = job.spec.input_json();
    if let JobSpec::CredentialEngine(i) = &job.spec {
        // The seed API named the list `links`.
        if let Some(obj) = input.as_object_mut() {
            obj.insert("links".into(), json!(i.competency_frameworks));
        }
    }
    json!({
        "job_name": job.name,
        "created_by": job.created_by,
        "created_time": seed_time(&job.created_time),
        "last_modified_by": job.created_by,
        "last_modified_time": seed_time(&job.last_modified_time),
        "input_data": input,
        "status": seed_status(job.status),
        "errors": seed_errors(job),
        "type": job.job_type().as_str(),
    })
}

/// Query parameters of the seed skills listing.
#[derive(Deserialize)]
struct SkillsPage {
    #[serde(default)]
    skip: u32,
    #[serde(default = "default_limit")]
    limit: u32,
}

fn default_limit() -> u32 {
    10
}

async fn list_skills(
    State(state): State<AppState>,
    _caller: Caller,
    params: Result<Query<SkillsPage>, QueryRejection>,
) -> Response {
    let Query(params) = match params {
        Ok(p) => p,
        Err(e) => return invalid(format!("query parameters: {}", e.body_text())),
    };
    // The same bounds as the GraphQL listing.
    let limits = &state.config.limits;
    let clamp = |n: u32| i32::try_from(n).unwrap_or(i32::MAX);
    let (skip, limit) = (clamp(params.skip), clamp(params.limit));
    let at = match PageAt::offset(skip, limit, limits.max_page_size, limits.max_offset) {
        Ok(at) => at,
        Err(e) => return invalid(e.to_string()),
    };
    match seed_skill::page(&state.graph, &at).await {
        Ok(skills) => ok("Data fetched successfully", json!(skills)),
        Err(e) => unavailable(e),
    }
}

async fn create_file_load_task(
    State(state): State<AppState>,
    caller: Caller,
    bytes: Result<Bytes, BytesRejection>,
) -> Response {
    let (who, b) = match editor_request::<FileLoadBody>(&caller, bytes) {
        Ok(r) => r,
        Err(refused) => return *refused,
    };
    let c = b.credentials;
    let credentials = AwsCredentials {
        access_key_id: c.aws_access_key_id,
        secret_access_key: c.aws_secret_access_key,
        session_token: c.aws_session_token,
    };
    let req = match FileLoadRequest::new(b.entity_type, b.method, &b.uri, credentials) {
        Ok(r) => r,
        Err(e) => return invalid(e.to_string()),
    };
    match state.start_file_load(who, req).await {
        Ok(job) => ok(
            "Successfully created the file load task",
            json!({"task_id": job.name, "status": seed_status(job.status)}),
        ),
        Err(e) => start_failed(e),
    }
}

async fn get_file_load_task(
    State(state): State<AppState>,
    caller: Caller,
    path: Result<Path<String>, PathRejection>,
) -> Response {
    let Path(task_id) = match path {
        Ok(p) => p,
        Err(e) => return bad_path(e),
    };
    let job = match state.visible_job(&caller.0, &task_id).await {
        Err(e) => return unavailable(e),
        Ok(job) => job,
    };
    let Some((job, input)) = job.as_ref().and_then(|j| match &j.spec {
        JobSpec::FileLoad(input) => Some((j, input)),
        _ => None,
    }) else {
        return fail(
            StatusCode::NOT_FOUND,
            format!("no file load task '{task_id}'"),
        );
    };
    let p = &job.progress;
    ok(
        "Successfully fetched the file load task",
        json!({
            "task_id": job.name,
            "status": seed_status(job.status),
            "entity_type": input.entity_type,
            "method": input.method,
            "uri": input.uri,
            "created_time": seed_time(&job.created_time),
            "last_modified_time": seed_time(&job.last_modified_time),
            "rows_read": p.rows_read,
            "rows_loaded": p.rows_loaded,
            "rows_rejected": p.rows_rejected,
            "message": job.message,
            "errors": job.errors,
        }),
    )
}
