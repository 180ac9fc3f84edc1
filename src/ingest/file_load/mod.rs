//! File load tasks: stream a CSV of skill events from S3, validate every row against the
//! entity's schema, and write the valid rows to the graph in batches.
pub mod learning;
pub mod s3;

use std::io::Read;

use futures::StreamExt;
use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;
use tokio_util::io::{ReaderStream, StreamReader, SyncIoBridge};
use tokio_util::sync::CancellationToken;

use crate::config::FileLoadConfig;
use crate::graph::{events, Graph};
use crate::ingest::report::{checkpoint, unless_cancelled};
use crate::ingest::{Counter, Problem, Report, Stop};
use s3::{AwsCredentials, S3Location};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntityType {
    Learning,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LoadMethod {
    /// An IAM user's access key (optionally with a session token).
    S3IamUser,
}

/// Why a file load request was refused.
#[derive(Debug, thiserror::Error)]
pub enum BadRequest {
    #[error(transparent)]
    Location(#[from] s3::BadLocation),
    #[error("credentials.awsAccessKeyId must not be empty")]
    NoAccessKeyId,
    #[error("credentials.awsSecretAccessKey must not be empty")]
    NoSecretAccessKey,
}

/// Why a file could not be read as a whole (bad rows are reported, not errors).
#[derive(Debug, thiserror::Error)]
enum FileError {
    #[error("could not read the CSV header: {0}")]
    Header(csv::Error),
    #[error("the file is empty or has no header row")]
    Empty,
    #[error(transparent)]
    Columns(#[from] learning::HeaderError),
    #[error("reading the file failed: {0}")]
    Read(csv::Error),
}

/// A validated request. Only `input_json()` is stored; the credentials stay in memory.
#[derive(Debug, Clone)]
pub struct FileLoadRequest {
    pub entity_type: EntityType,
    pub method: LoadMethod,
    pub location: S3Location,
    pub credentials: AwsCredentials,
}

impl FileLoadRequest {
    pub fn new(
        entity_type: EntityType,
        method: LoadMethod,
        uri: &str,
        credentials: AwsCredentials,
    ) -> Result<Self, BadRequest> {
        let location = S3Location::parse(uri.trim())?;
        if credentials.access_key_id.trim().is_empty() {
            return Err(BadRequest::NoAccessKeyId);
        }
        if credentials.secret_access_key.is_empty() {
            return Err(BadRequest::NoSecretAccessKey);
        }
        let credentials = AwsCredentials {
            session_token: credentials.session_token.filter(|t| !t.is_empty()),
            ..credentials
        };
        Ok(Self {
            entity_type,
            method,
            location,
            credentials,
        })
    }

    /// What the job stores as its input: everything but the credentials.
    pub fn input(&self) -> LoadInput {
        LoadInput {
            entity_type: self.entity_type,
            method: self.method,
            uri: self.location.to_string(),
        }
    }
}

/// A file load's persisted input: no credentials.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoadInput {
    pub entity_type: EntityType,
    pub method: LoadMethod,
    pub uri: String,
}

/// Rows parsed by the reader thread, handed to the writer.
struct Batch {
    valid: Vec<crate::graph::events::LearningEventRow>,
    rejected: Vec<Problem>,
    read: i64,
}

#[derive(Clone)]
pub struct FileLoader {
    graph: Graph,
    config: FileLoadConfig,
}

impl FileLoader {
    pub fn new(graph: Graph, config: &FileLoadConfig) -> Self {
        Self {
            graph,
            config: config.clone(),
        }
    }

    /// Loads the object at `location` with exactly `credentials`. Stops at once when `cancel`
    /// fires, even while an S3 read is waiting; every batch written before stays.
    pub async fn run(
        &self,
        location: &S3Location,
        credentials: &AwsCredentials,
        report: &dyn Report,
        cancel: &CancellationToken,
    ) -> Result<(), Stop> {
        let client = s3::client(
            credentials,
            &self.config.s3_region,
            self.config.s3_endpoint.as_deref(),
        );
        let body = unless_cancelled(cancel, s3::open(&client, location))
            .await?
            .map_err(|e| Stop::Failed(e.to_string()))?;
        // Once cancelled, the byte stream ends, so the reader thread cannot stay blocked on S3.
        let body = StreamReader::new(Box::pin(
            ReaderStream::new(body).take_until(cancel.clone().cancelled_owned()),
        ));

        // `csv` reads synchronously: it runs on a blocking thread over a bridge to the async
        // S3 stream, and hands batches to this task through a small bounded channel, so memory
        // stays flat however large the file is.
        let (tx, mut rx) = mpsc::channel::<Batch>(2);
        let bridge = SyncIoBridge::new(body);
        let batch_size = self.config.batch_size.max(1);
        let reader = tokio::task::spawn_blocking(move || parse(bridge, batch_size, tx));

        while let Some(batch) = unless_cancelled(cancel, rx.recv()).await? {
            checkpoint(cancel)?;
            events::upsert_learning_events(&self.graph, &batch.valid).await?;
            report.add(Counter::RowsRead, batch.read);
            report.add(Counter::RowsLoaded, batch.valid.len() as i64);
            report.add(Counter::RowsRejected, batch.rejected.len() as i64);
            for e in batch.rejected {
                report.problem(e);
            }
        }
        checkpoint(cancel)?;
        reader
            .await
            .map_err(|e| Stop::Failed(format!("CSV reader stopped: {e}")))?
            .map_err(|e| Stop::Failed(format!("{location}: {e}")))
    }
}

/// Reads the whole CSV, sending a batch every `batch_size` rows. Errors only for problems with
/// the file as a whole (unreadable, bad header); bad rows go into the batches.
fn parse(input: impl Read, batch_size: usize, tx: mpsc::Sender<Batch>) -> Result<(), FileError> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::Headers)
        .from_reader(input);
    let header = reader.headers().map_err(FileError::Header)?.clone();
    if header.iter().all(|h| h.trim().is_empty()) {
        return Err(FileError::Empty);
    }
    let mut validator = learning::Validator::new(learning::Columns::from_header(&header)?);
    let mut batch = Batch {
        valid: vec![],
        rejected: vec![],
        read: 0,
    };
    let mut record = csv::StringRecord::new();
    loop {
        let line = reader.position().line() + 1;
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                // Line of the record's start, as an editor shows it.
                let line = record.position().map_or(line, |p| p.line()) as i64;
                batch.read += 1;
                match validator.check(&record) {
                    Ok(row) => batch.valid.push(row),
                    Err(reason) => batch
                        .rejected
                        .push(Problem::at_line(line, reason.to_string())),
                }
            }
            Err(e) if e.is_io_error() => return Err(FileError::Read(e)),
            Err(e) => {
                batch.read += 1;
                let at = e.position().map_or(line, |p| p.line()) as i64;
                batch
                    .rejected
                    .push(Problem::at_line(at, format!("malformed CSV row: {e}")));
            }
        }
        if batch.read as usize >= batch_size {
            let full = std::mem::replace(
                &mut batch,
                Batch {
                    valid: vec![],
                    rejected: vec![],
                    read: 0,
                },
            );
            if tx.blocking_send(full).is_err() {
                return Ok(()); // the writer stopped (cancelled or failed) and said why
            }
        }
    }
    if batch.read > 0 {
        let _ = tx.blocking_send(batch);
    }
    Ok(())
}
