//! Credential Engine Registry ingestion: fetch CTDL-ASN competency frameworks and merge them into
//! the skill graph.
pub mod client;
pub mod ctdl;
mod document;

use std::collections::HashSet;

use futures::{stream, StreamExt};
use serde_json::Value;
use url::Url;

use tokio_util::sync::CancellationToken;

use crate::config::IngestConfig;
use crate::graph::writes::{self, ImportLog, SkillEdges};
use crate::graph::Graph;
use crate::ingest::report::{self, checkpoint};
use crate::ingest::{hierarchy, Counter, Problem, Report, Stop};
use client::{Budget, FetchError, HostAllowlist, RegistryClient};
use document::Document;

/// What an import job is asked to do (its persisted input).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ImportInput {
    pub competency_frameworks: Vec<String>,
}

/// Most frameworks one import job accepts.
pub const MAX_FRAMEWORKS_PER_JOB: usize = 100;
/// Longest URI an import accepts, in bytes (registry URIs are under 100). The URIs are the job's
/// stored input and its checkpoint: a hundred 19 KB URIs made a 3 MB job node whose every
/// progress write passed the statement deadline.
pub const MAX_URI_BYTES: usize = 2048;

/// Why an import request was refused; names the offending URI.
#[derive(Debug, thiserror::Error)]
pub enum BadImport {
    #[error("competencyFrameworks must list at least one framework URI")]
    Empty,
    #[error("at most {MAX_FRAMEWORKS_PER_JOB} frameworks per import, got {0}")]
    TooMany(usize),
    #[error("a URI of {0} bytes was given: at most {MAX_URI_BYTES}")]
    TooLong(usize),
    #[error("{0:?} is not a valid URI: {1}")]
    NotUri(String, url::ParseError),
    #[error("{0:?} must be an http(s) URI")]
    NotHttp(String),
    #[error("{0:?}: not allowed (allowed: {1})")]
    HostNotAllowed(String, String),
}

/// Checks the URIs a client asked to import.
pub fn validate(uris: &[String], allow: &HostAllowlist) -> Result<Vec<String>, BadImport> {
    if uris.is_empty() {
        return Err(BadImport::Empty);
    }
    if uris.len() > MAX_FRAMEWORKS_PER_JOB {
        return Err(BadImport::TooMany(uris.len()));
    }
    let mut out: Vec<String> = vec![];
    for raw in uris {
        if raw.len() > MAX_URI_BYTES {
            return Err(BadImport::TooLong(raw.len()));
        }
        let url = Url::parse(raw.trim()).map_err(|e| BadImport::NotUri(raw.clone(), e))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(BadImport::NotHttp(raw.clone()));
        }
        if !allow.allows(&url) {
            return Err(BadImport::HostNotAllowed(raw.clone(), allow.describe()));
        }
        let s = url.to_string();
        if !out.contains(&s) {
            out.push(s);
        }
    }
    Ok(out)
}

#[derive(Clone)]
pub struct Importer {
    client: RegistryClient,
    graph: Graph,
    language: String,
    batch: usize,
    concurrency: usize,
    max_bytes: usize,
    max_competencies: usize,
}

/// Why one framework was not imported: skip it (the job goes on with the next), or stop.
#[derive(Debug, thiserror::Error)]
pub enum FrameworkError {
    #[error("{0}")]
    Skip(String),
    #[error(transparent)]
    Stop(#[from] Stop),
}

impl From<FetchError> for FrameworkError {
    fn from(e: FetchError) -> Self {
        match e {
            FetchError::Interrupted => FrameworkError::Stop(Stop::Interrupted),
            e => FrameworkError::Skip(e.to_string()),
        }
    }
}

impl From<crate::graph::GraphError> for FrameworkError {
    fn from(e: crate::graph::GraphError) -> Self {
        FrameworkError::Stop(e.into())
    }
}

impl Importer {
    pub fn new(graph: Graph, cfg: &IngestConfig) -> Self {
        Self {
            client: RegistryClient::new(cfg),
            graph,
            language: cfg.ce_language.clone(),
            batch: cfg.write_batch_size.max(1),
            concurrency: cfg.fetch_concurrency.max(1),
            max_bytes: cfg.ce_max_framework_bytes,
            max_competencies: cfg.ce_max_competencies,
        }
    }

    pub fn allowlist(&self) -> &HostAllowlist {
        self.client.allowlist()
    }

    /// Imports what `uri` names: a competency framework, or a credential with the frameworks
    /// its requirements name. Idempotent: running it again (after a crash, say) updates the same
    /// nodes and edges.
    pub async fn import(
        &self,
        uri: &str,
        log: &ImportLog,
        report: &dyn Report,
        cancel: &CancellationToken,
    ) -> Result<(), FrameworkError> {
        let budget = Budget::new(self.max_bytes);
        let doc = self.fetch(uri, &budget, report, cancel).await?;
        match credential_node(doc) {
            Ok(credential) => {
                self.import_credential(uri, credential, log, report, cancel)
                    .await
            }
            Err(doc) => {
                self.import_framework(uri, doc, budget, log, report, cancel)
                    .await
            }
        }
    }

    /// Merges a credential and links it to the skills it requires, importing first the
    /// frameworks its requirements name (on allowed hosts).
    async fn import_credential(
        &self,
        uri: &str,
        credential: Value,
        log: &ImportLog,
        report: &dyn Report,
        cancel: &CancellationToken,
    ) -> Result<(), FrameworkError> {
        let row = ctdl::credential_row(&credential, uri, &self.language);
        let needs = ctdl::requirements(&credential);
        for fw in &needs.frameworks_named {
            checkpoint(cancel)?;
            if !Url::parse(fw).is_ok_and(|u| self.allowlist().allows(&u)) {
                let why = format!(
                    "not imported (host not allowed: {})",
                    self.allowlist().describe()
                );
                report.problem(Problem::about(fw, why));
                continue;
            }
            let budget = Budget::new(self.max_bytes);
            let imported = match self.fetch(fw, &budget, report, cancel).await {
                Ok(doc) => {
                    self.import_framework(fw, doc, budget, log, report, cancel)
                        .await
                }
                Err(e) => Err(e.into()),
            };
            match imported {
                Ok(()) => {}
                Err(FrameworkError::Skip(why)) => report.problem(Problem::about(fw, why)),
                Err(stop) => return Err(stop),
            }
        }
        let (skills, frameworks) = (&needs.competencies, &needs.whole_frameworks);
        let missing = writes::set_credential_requirements(
            &self.graph,
            &row,
            ctdl::SOURCE,
            skills,
            frameworks,
        )
        .await?;
        for m in missing {
            let why = format!("required by {} but not in the graph", row.uri);
            report.problem(Problem::about(m, why));
        }
        Ok(())
    }

    /// Merges the framework `doc` is (or holds), with its competencies.
    async fn import_framework(
        &self,
        uri: &str,
        doc: Value,
        budget: Budget,
        log: &ImportLog,
        report: &dyn Report,
        cancel: &CancellationToken,
    ) -> Result<(), FrameworkError> {
        let (framework, competencies) = self
            .fetch_framework(doc, &budget, uri, report, cancel)
            .await?;
        let competencies = ctdl::distinct(competencies);
        let fw = ctdl::framework_row(&framework, uri, &self.language);
        let publishers = ctdl::uris(framework.get("ceasn:publisher"));
        let mut mapped =
            ctdl::map_competencies(&fw.uri, &publishers, &competencies, &self.language);
        // The publisher's own cycles are broken here; those it closes with what the graph
        // holds, by the statement.
        for (child, why) in hierarchy::break_cycles(&mut mapped.parents) {
            report.problem(Problem::about(child, why));
        }
        report.add(Counter::CompetenciesTotal, competencies.len() as i64);
        report.add(Counter::CompetenciesDone, mapped.rejected.len() as i64);
        for (what, why) in &mapped.rejected {
            report.problem(Problem::about(what, why));
        }

        let g = &self.graph;
        writes::upsert_frameworks(g, std::slice::from_ref(&fw)).await?;
        for chunk in mapped.skills.chunks(self.batch) {
            checkpoint(cancel)?;
            report::written(report, writes::upsert_skills(g, log, chunk).await?);
            report.add(Counter::CompetenciesDone, chunk.len() as i64);
        }
        // Edges after all skills exist, so in-framework targets are never stubs.
        for chunk in mapped.parents.chunks(self.batch) {
            checkpoint(cancel)?;
            let (written, cycles) = writes::set_parents(g, log, chunk).await?;
            report::written(report, written);
            for c in cycles {
                let why = format!(
                    "parents not updated: {} descends from it, and linking it would close a cycle",
                    c.closing.join(", ")
                );
                report.problem(Problem::about(c.child, why));
            }
        }
        // Each skill's alignments and occupations are set exactly, so a re-import also drops
        // what the registry no longer asserts.
        let alignments = SkillEdges::alignments(&mapped.skills, ctdl::SOURCE, &mapped.alignments);
        for chunk in alignments.chunks(self.batch) {
            checkpoint(cancel)?;
            report::written(report, writes::set_alignments(g, log, chunk).await?);
        }
        let occupations =
            SkillEdges::occupations(&mapped.skills, ctdl::SOURCE, &mapped.occupations);
        for chunk in occupations.chunks(self.batch) {
            checkpoint(cancel)?;
            writes::set_occupations(g, chunk).await?;
        }
        Ok(())
    }

    /// The framework document and all its competencies. The registry serves a framework with
    /// its competencies as one `@graph` document under `/graph/`; that is tried first, then the
    /// competencies are crawled one by one from `ceasn:hasTopChild` / `ceasn:hasChild`. All the
    /// documents together are bounded in bytes and in competencies.
    async fn fetch_framework(
        &self,
        doc: Value,
        budget: &Budget,
        uri: &str,
        report: &dyn Report,
        cancel: &CancellationToken,
    ) -> Result<(Value, Vec<Value>), FrameworkError> {
        if doc.get("@graph").is_some() {
            return self.split_graph(doc, uri);
        }
        if !ctdl::has_type(&doc, ctdl::FRAMEWORK_TYPE) {
            return Err(FrameworkError::Skip(format!(
                "{uri}: neither a {} nor a ceterms: credential",
                ctdl::FRAMEWORK_TYPE
            )));
        }
        if let Some(graph_uri) = graph_uri(uri) {
            match self.fetch(&graph_uri, budget, report, cancel).await {
                Ok(g) if g.get("@graph").is_some() => return self.split_graph(g, uri),
                Ok(_) => {}
                Err(e) if e.ends_framework() => return Err(e.into()),
                Err(e) => tracing::debug!(error = %e, "no @graph document; crawling competencies"),
            }
        }
        let competencies = self.crawl(&doc, budget, uri, report, cancel).await?;
        Ok((doc, competencies))
    }

    /// Breadth-first fetch of the hierarchy, `concurrency` requests at a time; refused before
    /// fetching once the framework names more competencies than allowed.
    async fn crawl(
        &self,
        framework: &Value,
        budget: &Budget,
        uri: &str,
        report: &dyn Report,
        cancel: &CancellationToken,
    ) -> Result<Vec<Value>, FrameworkError> {
        let mut seen: HashSet<String> = HashSet::new();
        let mut frontier: Vec<String> = ctdl::uris(framework.get("ceasn:hasTopChild"))
            .into_iter()
            .chain(ctdl::uris(framework.get("ceasn:hasChild")))
            .filter(|u| seen.insert(u.clone()))
            .collect();
        let mut found = vec![];
        while !frontier.is_empty() {
            checkpoint(cancel)?;
            self.within_limit(uri, seen.len())?;
            let results: Vec<(String, Result<Value, FetchError>)> =
                stream::iter(std::mem::take(&mut frontier))
                    .map(|u| async move {
                        let r = self.fetch(&u, budget, report, cancel).await;
                        (u, r)
                    })
                    .buffer_unordered(self.concurrency)
                    .collect()
                    .await;
            for (u, result) in results {
                match result {
                    Ok(c) => {
                        for child in ctdl::uris(c.get("ceasn:hasChild")) {
                            if seen.insert(child.clone()) {
                                frontier.push(child);
                            }
                        }
                        found.push(c);
                    }
                    Err(e) if e.ends_framework() => return Err(e.into()),
                    Err(e) => report.problem(Problem::about(u, e.to_string())),
                }
            }
        }
        Ok(found)
    }

    /// One registry document, kept lean and out of its envelope, spent from `budget`. Unsafe
    /// characters removed from its text are reported against it.
    async fn fetch(
        &self,
        url: &str,
        budget: &Budget,
        report: &dyn Report,
        cancel: &CancellationToken,
    ) -> Result<Value, FetchError> {
        let doc: Document = self.client.get_json(url, budget, cancel).await?;
        if doc.stripped > 0 {
            let why = format!(
                "{} control or bidirectional-override characters were removed from its text",
                doc.stripped
            );
            report.problem(Problem::about(url, why));
        }
        Ok(unwrap_envelope(doc.value))
    }

    fn within_limit(&self, uri: &str, competencies: usize) -> Result<(), FrameworkError> {
        if competencies > self.max_competencies {
            return Err(FrameworkError::Skip(format!(
                "{uri}: the framework has more than {} competencies \
                 (SKILLGRAPH_CE_MAX_COMPETENCIES)",
                self.max_competencies
            )));
        }
        Ok(())
    }

    /// The framework and competency nodes of a `@graph` document, moved out of it.
    fn split_graph(
        &self,
        mut doc: Value,
        uri: &str,
    ) -> Result<(Value, Vec<Value>), FrameworkError> {
        let items = match doc["@graph"].take() {
            Value::Array(items) => items,
            _ => vec![],
        };
        let (frameworks, competencies): (Vec<Value>, Vec<Value>) = items
            .into_iter()
            .filter(|i| {
                ctdl::has_type(i, ctdl::FRAMEWORK_TYPE) || ctdl::has_type(i, ctdl::COMPETENCY_TYPE)
            })
            .partition(|i| ctdl::has_type(i, ctdl::FRAMEWORK_TYPE));
        self.within_limit(uri, competencies.len())?;
        let wanted = |f: &&Value| {
            ctdl::id(f).is_some_and(|id| {
                graph_uri(id).as_deref() == graph_uri(uri).as_deref() || id == uri
            })
        };
        // The framework the URI names, else the first one.
        let at = frameworks.iter().position(|f| wanted(&f)).unwrap_or(0);
        let framework = frameworks.into_iter().nth(at).ok_or_else(|| {
            FrameworkError::Skip(format!("{uri}: @graph holds no {}", ctdl::FRAMEWORK_TYPE))
        })?;
        Ok((framework, competencies))
    }
}

/// The credential a document is (or its `@graph` holds); else the document, unchanged.
fn credential_node(mut doc: Value) -> Result<Value, Value> {
    if ctdl::credential_type(&doc).is_some() {
        return Ok(doc);
    }
    let found = match doc.get_mut("@graph") {
        Some(Value::Array(items)) => (items.iter_mut())
            .find(|i| ctdl::credential_type(i).is_some())
            .map(Value::take),
        _ => None,
    };
    found.ok_or(doc)
}

/// The resource inside a registry envelope (`{"envelope_type": ..., "decoded_resource": {...}}`),
/// or the document itself.
fn unwrap_envelope(mut doc: Value) -> Value {
    match doc.get_mut("decoded_resource").map(Value::take) {
        Some(inner @ Value::Object(_)) => inner,
        _ => doc,
    }
}

fn graph_uri(uri: &str) -> Option<String> {
    uri.contains("/resources/")
        .then(|| uri.replacen("/resources/", "/graph/", 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_rejects_empty_non_uri_and_foreign_hosts() {
        let allow = HostAllowlist::new(&["credentialengineregistry.org".into()]);
        assert!(matches!(validate(&[], &allow), Err(BadImport::Empty)));
        assert!(matches!(
            validate(&["not a uri".into()], &allow),
            Err(BadImport::NotUri(..))
        ));
        assert!(matches!(
            validate(&["https://example.com/x".into()], &allow),
            Err(BadImport::HostNotAllowed(..))
        ));
        let ok = validate(
            &[
                "https://credentialengineregistry.org/resources/ce-1".into(),
                "https://credentialengineregistry.org/resources/ce-1".into(),
            ],
            &allow,
        )
        .unwrap();
        assert_eq!(ok.len(), 1, "duplicates are imported once");
    }

    #[test]
    fn graph_uri_swaps_the_resources_segment() {
        assert_eq!(
            graph_uri("https://credentialengineregistry.org/resources/ce-1").as_deref(),
            Some("https://credentialengineregistry.org/graph/ce-1")
        );
        assert_eq!(graph_uri("https://x/other/ce-1"), None);
    }
}
