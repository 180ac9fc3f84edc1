//! File load tasks: stream a CSV of skill events from S3, validate every row against the
//! entity's schema, and write the valid rows to the graph in batches.
pub mod records;
pub mod s3;
pub mod schema;

use std::collections::HashMap;
use std::future::Future;
use std::io::BufRead;
use std::pin::Pin;

use futures::StreamExt;
use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;
use tokio_util::io::{ReaderStream, StreamReader, SyncIoBridge};
use tokio_util::sync::CancellationToken;

use crate::config::FileLoadConfig;
use crate::graph::events::EventRow;
use crate::graph::{events, Graph, GraphError};
use crate::ingest::report::{checkpoint, unless_cancelled};
use crate::ingest::{Counter, Problem, Report, Stop};
use records::{Caps, Item, Records};
use s3::{AwsCredentials, S3Location};
pub use schema::EntityType;

/// A batch is sent when it holds this many bytes of fields, whatever its row count, so large
/// rows do not make statements of gigabytes.
const MAX_BATCH_BYTES: usize = 16 << 20;

/// Ids of earlier batches are remembered in a Bloom filter of fixed size (16 MiB, about 1%
/// false positives at 10 million ids, more beyond): memory does not grow with the file, and an
/// id the filter may have seen is checked exactly against the graph.
const SEEN_FILTER_BITS: usize = 128 << 20;
const SEEN_FILTER_ITEMS: usize = 10_000_000;

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
    /// The SDK puts these in HTTP headers and signatures: anything but visible ASCII, or more
    /// than AWS ever issues, made it panic inside the job.
    #[error(
        "credentials.{0} must be at most {1} visible ASCII characters (no spaces or line breaks)"
    )]
    Credential(&'static str, usize),
}

/// Longest access key id AWS issues (IAM: 16 to 128).
const MAX_ACCESS_KEY_ID: usize = 128;
/// Secret keys are 40 characters; S3-compatible stores allow more, none this many.
const MAX_SECRET_ACCESS_KEY: usize = 512;
/// STS session tokens run to a few KiB.
const MAX_SESSION_TOKEN: usize = 8192;

/// A credential the SDK can put in a header as it is.
fn header_safe(value: &str, max: usize) -> bool {
    value.len() <= max && value.bytes().all(|b| b.is_ascii_graphic())
}

/// Why a file could not be read as a whole (bad rows are reported, not errors).
#[derive(Debug, thiserror::Error)]
enum FileError {
    #[error("could not read the CSV header: {0}")]
    Header(String),
    #[error("the file is empty or has no header row")]
    Empty,
    #[error(transparent)]
    Columns(#[from] schema::HeaderError),
    #[error("reading the file failed: {0}")]
    Read(#[from] std::io::Error),
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
        if !header_safe(credentials.access_key_id.trim(), MAX_ACCESS_KEY_ID) {
            return Err(BadRequest::Credential("awsAccessKeyId", MAX_ACCESS_KEY_ID));
        }
        if !header_safe(&credentials.secret_access_key, MAX_SECRET_ACCESS_KEY) {
            return Err(BadRequest::Credential(
                "awsSecretAccessKey",
                MAX_SECRET_ACCESS_KEY,
            ));
        }
        let token = credentials.session_token.as_deref().unwrap_or_default();
        if !header_safe(token, MAX_SESSION_TOKEN) {
            return Err(BadRequest::Credential("awsSessionToken", MAX_SESSION_TOKEN));
        }
        let credentials = AwsCredentials {
            access_key_id: credentials.access_key_id.trim().to_string(),
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
#[derive(Default)]
struct Batch {
    valid: Vec<EventRow>,
    /// Ids of `valid` rows that an earlier batch may have held (to check in the graph).
    recheck: Vec<String>,
    rejected: Vec<Problem>,
    read: i64,
    bytes: usize,
}

impl Batch {
    /// Moves rows an earlier batch of this load already wrote (`earlier`: id to its first line)
    /// from `valid` to `rejected`, as duplicates naming that line.
    fn reject_earlier(&mut self, earlier: &HashMap<String, i64>) {
        if earlier.is_empty() {
            return;
        }
        let (repeated, fresh): (Vec<_>, Vec<_>) = std::mem::take(&mut self.valid)
            .into_iter()
            .partition(|r| earlier.contains_key(&r.external_id));
        self.valid = fresh;
        for r in repeated {
            let first = earlier[&r.external_id];
            let why = schema::RowError::Duplicate(r.external_id, first);
            self.rejected
                .push(Problem::at_line(r.line, why.to_string()));
        }
        self.rejected.sort_by_key(|p| p.line);
    }
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

    /// Loads the object at `location` with exactly `credentials`, as the load `load` (an
    /// opaque id, unique per load: the events remember it, so that an id repeated anywhere in
    /// the file is reported with the line that came first). Stops at once when `cancel` fires,
    /// even while an S3 read is waiting; every batch written before stays.
    pub async fn run(
        &self,
        load: &str,
        entity: EntityType,
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
        let bridge = std::io::BufReader::new(SyncIoBridge::new(body));
        let batch_size = self.config.batch_size.max(1);
        let caps = Caps {
            field_bytes: self.config.max_field_bytes,
            record_bytes: self.config.max_record_bytes,
        };
        let reader =
            tokio::task::spawn_blocking(move || parse(entity, bridge, caps, batch_size, tx));

        while let Some(batch) = unless_cancelled(cancel, rx.recv()).await? {
            checkpoint(cancel)?;
            self.write_batch(load, batch, report, cancel).await?;
        }
        checkpoint(cancel)?;
        reader
            .await
            .map_err(|e| Stop::Failed(format!("CSV reader stopped: {e}")))?
            .map_err(|e| Stop::Failed(format!("{location}: {e}")))
    }

    /// Writes one batch and reports it: rows already loaded by an earlier batch are rejected as
    /// duplicates, the rest written. An unreachable database is waited for (each statement here
    /// is safe to repeat), so an outage delays the load instead of failing it, and a batch is
    /// counted once it is committed.
    async fn write_batch(
        &self,
        load: &str,
        mut batch: Batch,
        report: &dyn Report,
        cancel: &CancellationToken,
    ) -> Result<(), Stop> {
        let stop = || cancel.is_cancelled();
        // Ids repeated from earlier batches: this load wrote them already.
        let ids = std::mem::take(&mut batch.recheck);
        let earlier = (self.graph)
            .waiting_out(stop, || events::loaded(&self.graph, load, ids.clone()))
            .await?;
        batch.reject_earlier(&earlier);
        let write = |rows| events::upsert(&self.graph, load, rows);
        let refused = (self.graph)
            .waiting_out(stop, || write_splitting(&batch.valid, &write))
            .await?;
        report.add(Counter::RowsRead, batch.read);
        report.add(
            Counter::RowsLoaded,
            (batch.valid.len() - refused.len()) as i64,
        );
        report.add(
            Counter::RowsRejected,
            (batch.rejected.len() + refused.len()) as i64,
        );
        for e in batch.rejected.into_iter().chain(refused) {
            report.problem(e);
        }
        Ok(())
    }
}

type Written<'a> = Pin<Box<dyn Future<Output = Result<Vec<Problem>, GraphError>> + Send + 'a>>;

/// Writes `rows`; when the database refuses the batch (not when it is unreachable), writes each
/// half on its own, down to single rows, so every row it accepts is loaded and each one it
/// refuses is returned with its line.
fn write_splitting<'a, W, F>(rows: &'a [EventRow], write: &'a W) -> Written<'a>
where
    W: Fn(&'a [EventRow]) -> F + Sync,
    F: Future<Output = Result<(), GraphError>> + Send + 'a,
{
    Box::pin(async move {
        match write(rows).await {
            Ok(()) => Ok(vec![]),
            Err(e) if e.is_unavailable() || rows.is_empty() => Err(e),
            Err(e) if rows.len() == 1 => {
                tracing::warn!(line = rows[0].line, error = %e, "the database refused a row");
                Ok(vec![Problem::at_line(
                    rows[0].line,
                    format!("the database refused this row: {}", e.public_message()),
                )])
            }
            Err(_) => {
                let (a, b) = rows.split_at(rows.len() / 2);
                let mut refused = write_splitting(a, write).await?;
                refused.extend(write_splitting(b, write).await?);
                Ok(refused)
            }
        }
    })
}

/// Reads the whole CSV, sending a batch every `batch_size` rows (or [`MAX_BATCH_BYTES`]).
/// Errors only for problems with the file as a whole (unreadable, bad header); bad rows go into
/// the batches.
fn parse(
    entity: EntityType,
    input: impl BufRead,
    caps: Caps,
    batch_size: usize,
    tx: mpsc::Sender<Batch>,
) -> Result<(), FileError> {
    let mut records = Records::new(input, caps);
    let header = match records.header()? {
        None => return Err(FileError::Empty),
        Some(Item::Rejected { reason, .. }) => return Err(FileError::Header(reason)),
        Some(Item::Record { fields, .. }) => fields,
    };
    if header.iter().all(|h| h.trim().is_empty()) {
        return Err(FileError::Empty);
    }
    let validator = schema::Validator::new(schema::Columns::from_header(entity, &header)?);
    let mut batch = Batch::default();
    // Ids of this batch, with their lines; ids of earlier batches in the filter.
    let mut firsts: HashMap<String, i64> = HashMap::new();
    let mut earlier =
        fastbloom::BloomFilter::with_num_bits(SEEN_FILTER_BITS).expected_items(SEEN_FILTER_ITEMS);
    while let Some(item) = records.next_item()? {
        batch.read += 1;
        match item {
            Item::Record {
                line,
                fields,
                bytes,
            } => match validator.check(line, &fields) {
                Ok(row) => match firsts.get(&row.external_id) {
                    Some(&first) => {
                        let why = schema::RowError::Duplicate(row.external_id, first);
                        batch
                            .rejected
                            .push(Problem::at_line(row.line, why.to_string()));
                    }
                    None => {
                        if earlier.contains(&row.external_id) {
                            batch.recheck.push(row.external_id.clone());
                        }
                        firsts.insert(row.external_id.clone(), row.line);
                        batch.bytes += bytes;
                        batch.valid.push(row);
                    }
                },
                Err(reason) => batch
                    .rejected
                    .push(Problem::at_line(line as i64, reason.to_string())),
            },
            Item::Rejected { line, reason } => {
                batch.rejected.push(Problem::at_line(line as i64, reason))
            }
        }
        let full = batch.read as usize >= batch_size || batch.bytes >= MAX_BATCH_BYTES;
        if full {
            for (id, _) in firsts.drain() {
                earlier.insert(&id);
            }
            if tx.blocking_send(std::mem::take(&mut batch)).is_err() {
                return Ok(()); // the writer stopped (cancelled or failed) and said why
            }
        }
    }
    if batch.read > 0 {
        let _ = tx.blocking_send(batch);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn rows(ids: &[&str]) -> Vec<EventRow> {
        (ids.iter().enumerate())
            .map(|(i, id)| EventRow {
                employee_external_id: "e".into(),
                external_id: id.to_string(),
                course_id: None,
                props: Default::default(),
                line: i as i64 + 2,
            })
            .collect()
    }

    #[tokio::test]
    async fn a_refused_batch_is_split_until_only_the_refused_rows_are_left() {
        let batch = rows(&["a", "b", "bad", "c", "d", "e", "bad2", "f", "g"]);
        let written = std::sync::Mutex::new(vec![]);
        let write = |rows: &[EventRow]| {
            let rows = rows.to_vec();
            let written = &written;
            async move {
                if rows.iter().any(|r| r.external_id.starts_with("bad")) {
                    return Err(GraphError::Decode("refused".into()));
                }
                written
                    .lock()
                    .unwrap()
                    .extend(rows.into_iter().map(|r| r.external_id));
                Ok(())
            }
        };
        let refused = write_splitting(&batch, &write).await.unwrap();
        let lines: Vec<i64> = refused.iter().map(|p| p.line.unwrap()).collect();
        assert_eq!(lines, [4, 8]);
        assert!(refused[0].message.contains("the database refused this row"));
        let mut loaded = written.into_inner().unwrap();
        loaded.sort();
        assert_eq!(loaded, ["a", "b", "c", "d", "e", "f", "g"]);
    }

    #[tokio::test]
    async fn an_unreachable_database_is_not_split_row_by_row() {
        let batch = rows(&["a", "b", "c", "d"]);
        let calls = AtomicUsize::new(0);
        let write = |_: &[EventRow]| {
            calls.fetch_add(1, Ordering::SeqCst);
            async { Err(GraphError::Unavailable("down".into())) }
        };
        let err = write_splitting(&batch, &write).await.unwrap_err();
        assert!(err.is_unavailable());
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }
}
