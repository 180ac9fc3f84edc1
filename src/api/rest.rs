//! REST compatibility with the two seed APIs. Thin: every route calls the same actions, job
//! service and GraphQL resolvers as the GraphQL API, and only reshapes their answers.
use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Map, Value};

use super::actions::StartError;
use super::{loaders, Http};
use crate::ingest::file_load::s3::AwsCredentials;
use crate::ingest::file_load::{EntityType, FileLoadRequest, LoadMethod};
use crate::jobs::model::{Job, JobSpec, JobStatus, JobType};

pub fn routes() -> Router<Http> {
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
}

fn ok(message: &str, data: Value) -> Response {
    Json(json!({"success": true, "message": message, "data": data})).into_response()
}

fn fail(status: StatusCode, message: impl Into<String>) -> Response {
    (
        status,
        Json(json!({"success": false, "message": message.into()})),
    )
        .into_response()
}

fn invalid(message: impl Into<String>) -> Response {
    fail(StatusCode::UNPROCESSABLE_ENTITY, message)
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
        StartError::Graph(e) => unavailable(e),
    }
}

/// A JSON object body, or what is wrong with it (answered as 422).
fn body_object(body: &Bytes) -> Result<Map<String, Value>, String> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err("request body must be a JSON object".into()),
        Err(e) => Err(format!("request body is not valid JSON: {e}")),
    }
}

fn string_field(obj: &Map<String, Value>, path: &str, name: &str) -> Result<String, String> {
    match obj.get(name) {
        Some(Value::String(s)) => Ok(s.clone()),
        None | Some(Value::Null) => Err(format!("field '{path}{name}' is required")),
        Some(_) => Err(format!("field '{path}{name}' must be a string")),
    }
}

async fn import_credential_engine(State(http): State<Http>, body: Bytes) -> Response {
    let obj = match body_object(&body) {
        Ok(o) => o,
        Err(msg) => return invalid(msg),
    };
    let uris: Vec<String> = match obj.get("competency_frameworks") {
        Some(Value::Array(items)) if items.iter().all(Value::is_string) => items
            .iter()
            .filter_map(|v| v.as_str().map(String::from))
            .collect(),
        Some(_) => return invalid("field 'competency_frameworks' must be a list of URI strings"),
        None => return invalid("field 'competency_frameworks' is required"),
    };
    match http.state.start_credential_engine_import(&uris).await {
        Ok(job) => ok(
            "Successfully initiated the job with type 'credential_engine_ingestion'. Please use the job name to track the job status",
            json!({"job_name": job.name, "status": seed_status(job.status)}),
        ),
        Err(e) => start_failed(e),
    }
}

async fn get_job(
    State(http): State<Http>,
    Path((job_type, job_name)): Path<(String, String)>,
) -> Response {
    let found = match http.state.jobs.get(&job_name).await {
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

/// The fields the seed skill shape needs, resolved by the GraphQL resolvers themselves.
const SKILLS_QUERY: &str = "query($skip: Int!, $limit: Int!) { skills(skip: $skip, limit: $limit) {
    uuid name description keywords author creator referenceId sourceUri sourceName organizations
    type { id name }
    parentNodes { uuid sourceUri }
    alignments {
      skillAlignment { source aligned { id name score } suggested { id name score } }
      credentialAlignment { id name source score }
      roleAlignment { onet { code name source score } }
    }
    certifications { name }
    occupations { occupationsMajorGroup { code } occupationsMinorGroup { code } broadOccupation { code } detailedOccupation { code name } }
} }";

async fn list_skills(
    State(http): State<Http>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let int = |name: &str, default: i64| -> Result<i64, String> {
        match params.get(name) {
            None => Ok(default),
            Some(v) => v
                .parse::<i64>()
                .ok()
                .filter(|n| (0..=i32::MAX as i64).contains(n))
                .ok_or_else(|| {
                    format!("query parameter '{name}' must be a non-negative integer, got {v:?}")
                }),
        }
    };
    let (skip, limit) = match (int("skip", 0), int("limit", 10)) {
        (Ok(s), Ok(l)) => (s, l),
        (Err(msg), _) | (_, Err(msg)) => return invalid(msg),
    };
    // The same bounds as the GraphQL listing, checked before the query's complexity is.
    let max = http.state.config.limits.max_page_size;
    if let Err(e) = super::pagination::page_bounds(skip as i32, limit as i32, max) {
        return invalid(e.message);
    }
    let req = async_graphql::Request::new(SKILLS_QUERY)
        .variables(async_graphql::Variables::from_json(
            json!({"skip": skip, "limit": limit}),
        ))
        .data(loaders::Loaders::new(&http.state.graph));
    let resp = http.schema.execute(req).await;
    if let Some(err) = resp.errors.first() {
        let bad_input = err
            .extensions
            .as_ref()
            .and_then(|e| e.get("code"))
            .is_some_and(|c| c == &async_graphql::Value::from(super::errors::BAD_USER_INPUT));
        return if bad_input {
            invalid(err.message.clone())
        } else {
            unavailable(&err.message)
        };
    }
    let data = resp.data.into_json().unwrap_or(Value::Null);
    let skills: Vec<Value> = data["skills"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(seed_skill)
        .collect();
    ok("Data fetched successfully", Value::Array(skills))
}

fn str_or_empty(v: &Value) -> Value {
    json!(v.as_str().unwrap_or(""))
}

/// `{source: {aligned: [...], suggested: [...]}}` from a list of items carrying `source`.
fn by_source(items: &[Value], item: impl Fn(&Value) -> Value) -> Value {
    let mut out = Map::new();
    for it in items {
        let source = it["source"].as_str().unwrap_or("unknown").to_string();
        let entry = out
            .entry(source)
            .or_insert_with(|| json!({"aligned": [], "suggested": []}));
        entry["aligned"].as_array_mut().unwrap().push(item(it));
    }
    Value::Object(out)
}

fn seed_skill(s: &Value) -> Value {
    let a = &s["alignments"];
    let mut skill_alignment = Map::new();
    for group in a["skillAlignment"].as_array().into_iter().flatten() {
        let pick = |list: &Value| -> Vec<Value> {
            list.as_array()
                .into_iter()
                .flatten()
                .map(|x| json!({"id": x["id"], "name": x["name"], "score": x["score"]}))
                .collect()
        };
        skill_alignment.insert(
            group["source"].as_str().unwrap_or("unknown").to_string(),
            json!({"aligned": pick(&group["aligned"]), "suggested": pick(&group["suggested"])}),
        );
    }
    let creds = a["credentialAlignment"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let onet = a["roleAlignment"]["onet"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let occ = &s["occupations"];
    let codes = |level: &str| -> Vec<Value> {
        occ[level]
            .as_array()
            .into_iter()
            .flatten()
            .map(|o| o["code"].clone())
            .collect()
    };
    let onet_job = occ["detailedOccupation"]
        .as_array()
        .and_then(|d| d.first())
        .map(|d| str_or_empty(&d["name"]))
        .unwrap_or(json!(""));
    json!({
        "name": str_or_empty(&s["name"]),
        "description": str_or_empty(&s["description"]),
        "keywords": s["keywords"],
        "author": str_or_empty(&s["author"]),
        "creator": str_or_empty(&s["creator"]),
        "alignments": {
            "standard_alignment": {},
            "credential_alignment": by_source(&creds, |c| json!({"id": c["id"], "name": c["name"], "score": c["score"]})),
            "skill_alignment": Value::Object(skill_alignment),
            "knowledge_alignment": {"knowledge_nodes": {}, "learning_content_ids": {}, "learning_unit_ids": {}},
            "role_alignment": {"onet": by_source(&onet, |o| json!({"id": o["code"], "name": o["name"], "score": o["score"]}))},
            "organizational_alignment": {},
        },
        "organizations": s["organizations"],
        "certifications": s["certifications"].as_array().into_iter().flatten().map(|c| c["name"].clone()).collect::<Vec<_>>(),
        "occupations": {
            "occupations_major_group": codes("occupationsMajorGroup"),
            "occupations_minor_group": codes("occupationsMinorGroup"),
            "broad_occupation": codes("broadOccupation"),
            "detailed_occupation": codes("detailedOccupation"),
        },
        "onet_job": onet_job,
        "type": {"id": str_or_empty(&s["type"]["id"]), "name": str_or_empty(&s["type"]["name"])},
        "parent_nodes": s["parentNodes"].as_array().into_iter().flatten()
            .map(|p| if p["sourceUri"].is_string() { p["sourceUri"].clone() } else { p["uuid"].clone() })
            .collect::<Vec<_>>(),
        "reference_id": str_or_empty(&s["referenceId"]),
        "source_uri": str_or_empty(&s["sourceUri"]),
        "source_name": str_or_empty(&s["sourceName"]),
        "uuid": s["uuid"],
    })
}

async fn create_file_load_task(State(http): State<Http>, body: Bytes) -> Response {
    let obj = match body_object(&body) {
        Ok(o) => o,
        Err(msg) => return invalid(msg),
    };
    let parsed = (|| {
        let entity = string_field(&obj, "", "entity_type")?;
        let entity_type = match entity.as_str() {
            "learning" => EntityType::Learning,
            other => {
                return Err(format!(
                    "field 'entity_type': unsupported value {other:?} (supported: learning)"
                ))
            }
        };
        let method = string_field(&obj, "", "method")?;
        let method = match method.as_str() {
            "s3_iam_user" => LoadMethod::S3IamUser,
            other => {
                return Err(format!(
                    "field 'method': unsupported value {other:?} (supported: s3_iam_user)"
                ))
            }
        };
        let uri = string_field(&obj, "", "uri")?;
        let creds = match obj.get("credentials") {
            Some(Value::Object(c)) => c,
            Some(_) => return Err("field 'credentials' must be an object".into()),
            None => return Err("field 'credentials' is required".into()),
        };
        let session_token = match creds.get("aws_session_token") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(_) => return Err("field 'credentials.aws_session_token' must be a string".into()),
        };
        let credentials = AwsCredentials {
            access_key_id: string_field(creds, "credentials.", "aws_access_key_id")?,
            secret_access_key: string_field(creds, "credentials.", "aws_secret_access_key")?,
            session_token,
        };
        FileLoadRequest::new(entity_type, method, &uri, credentials)
    })();
    let req = match parsed {
        Ok(r) => r,
        Err(msg) => return invalid(msg),
    };
    match http.state.start_file_load(req).await {
        Ok(job) => ok(
            "Successfully created the file load task",
            json!({"task_id": job.name, "status": seed_status(job.status)}),
        ),
        Err(e) => start_failed(e),
    }
}

async fn get_file_load_task(State(http): State<Http>, Path(task_id): Path<String>) -> Response {
    match http.state.jobs.get(&task_id).await {
        Err(e) => unavailable(e),
        Ok(Some(job)) if job.job_type() == JobType::FileLoad => {
            let p = &job.progress;
            let input = job.spec.input_json();
            ok(
                "Successfully fetched the file load task",
                json!({
                    "task_id": job.name,
                    "status": seed_status(job.status),
                    "entity_type": input["entity_type"],
                    "method": input["method"],
                    "uri": input["uri"],
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
        Ok(_) => fail(
            StatusCode::NOT_FOUND,
            format!("no file load task '{task_id}'"),
        ),
    }
}
