//! Every Cypher statement the service runs, compiled in from `cypher/*.cypher`, each with the
//! parameters the Rust code binds and the columns it may read. A unit test holds each file to
//! its declaration; [`Bound`] and [`Record`] hold the code to it on every call.
use neo4rs::{BoltType, Query, Row};
use serde::de::DeserializeOwned;

use super::error::{GraphError, GraphResult};

/// One statement: its text, and the boundary it has with the Rust code.
#[derive(Debug)]
pub struct Statement {
    pub name: &'static str,
    /// The files the text is made of, in order.
    pub files: &'static [&'static str],
    pub text: &'static str,
    /// `$parameters`, every one of which must be bound.
    pub params: &'static [&'static str],
    /// Columns of the final `RETURN`.
    pub columns: &'static [&'static str],
}

macro_rules! cypher {
    ($($name:ident => [$($file:literal),+] ($($p:ident),*) -> ($($c:ident),*)),* $(,)?) => {
        $(pub const $name: Statement = Statement {
            name: stringify!($name),
            files: &[$($file),+],
            text: concat!($(include_str!(concat!("../../cypher/", $file))),+),
            params: &[$(stringify!($p)),*],
            columns: &[$(stringify!($c)),*],
        };)*
        /// Every statement, for the boundary test.
        pub const ALL: &[&Statement] = &[$(&$name),*];
    };
}

cypher! {
    SCHEMA => ["schema.cypher"] () -> (),
    PROPERTY_TYPES => ["property_types.cypher"] () -> (),
    RELABEL_LEARNING_EVENTS => ["relabel_learning_events.cypher"] () -> (n),
    FULLTEXT_INDEX => ["fulltext_index.cypher"] () -> (),
    FULLTEXT_PROBE => ["fulltext_probe.cypher"] () -> (n),
    INDEXES_ONLINE => ["indexes_online.cypher"] (seconds) -> (),
    HEALTH => ["health.cypher"] () -> (ok),
    GENERATION => ["generation.cypher"] () -> (value),
    GENERATION_BUMP => ["generation_bump.cypher"] () -> (value),
    SKILL_BY_UUID => ["skill_by_uuid.cypher"] (uuid) -> (skill),
    SKILL_PARENTS => ["skill_parents.cypher"] (uuids) -> (uuid, skill),
    SKILL_CHILDREN => ["skill_children.cypher"] (uuids) -> (uuid, skill),
    SKILL_FRAMEWORKS => ["skill_frameworks.cypher"] (uuids) -> (uuid, framework),
    SKILL_ALIGNMENTS => ["skill_alignments.cypher"] (uuids) -> (uuid, edge, skill),
    SKILL_OCCUPATIONS => ["skill_occupations.cypher"] (uuids) -> (uuid, edge, occupation),
    SKILL_CREDENTIALS => ["skill_credentials.cypher"] (uuids) -> (uuid, edge, credential),
    SKILL_ANCESTORS => ["skill_ancestors.cypher"] (uuids) -> (uuid, skill, depth),
    SKILL_DESCENDANTS => ["skill_descendants.cypher"] (uuids) -> (uuid, skill, depth),
    // The skill listings share one filter; page and count differ only in their tail.
    SKILLS_PAGE => ["skills_all.cypher", "skills_page.cypher"]
        (after_name, after_uuid, skip, limit) -> (skill),
    SKILLS_PAGE_S => ["skills_all.cypher", "skills_and_source.cypher", "skills_page.cypher"]
        (source, after_name, after_uuid, skip, limit) -> (skill),
    SKILLS_PAGE_F => ["skills_in_framework.cypher", "skills_page.cypher"]
        (framework, after_name, after_uuid, skip, limit) -> (skill),
    SKILLS_PAGE_FS => ["skills_in_framework.cypher", "skills_and_source.cypher", "skills_page.cypher"]
        (framework, source, after_name, after_uuid, skip, limit) -> (skill),
    SKILLS_PAGE_T => ["skills_all.cypher", "skills_and_text.cypher", "skills_page.cypher"]
        (text, after_name, after_uuid, skip, limit) -> (skill),
    SKILLS_PAGE_TS => ["skills_all.cypher", "skills_and_text.cypher", "skills_and_source.cypher", "skills_page.cypher"]
        (text, source, after_name, after_uuid, skip, limit) -> (skill),
    SKILLS_PAGE_TF => ["skills_in_framework.cypher", "skills_and_text.cypher", "skills_page.cypher"]
        (framework, text, after_name, after_uuid, skip, limit) -> (skill),
    SKILLS_PAGE_TFS => ["skills_in_framework.cypher", "skills_and_text.cypher", "skills_and_source.cypher", "skills_page.cypher"]
        (framework, text, source, after_name, after_uuid, skip, limit) -> (skill),
    SKILLS_PAGE_X => ["skills_text_fulltext.cypher", "skills_page.cypher"]
        (text_query, after_name, after_uuid, skip, limit) -> (skill),
    SKILLS_PAGE_XS => ["skills_text_fulltext.cypher", "skills_and_source.cypher", "skills_page.cypher"]
        (text_query, source, after_name, after_uuid, skip, limit) -> (skill),
    SKILLS_PAGE_XF => ["skills_text_fulltext.cypher", "skills_and_framework.cypher", "skills_page.cypher"]
        (text_query, framework, after_name, after_uuid, skip, limit) -> (skill),
    SKILLS_PAGE_XFS => ["skills_text_fulltext.cypher", "skills_and_framework.cypher", "skills_and_source.cypher", "skills_page.cypher"]
        (text_query, framework, source, after_name, after_uuid, skip, limit) -> (skill),
    SKILLS_COUNT => ["skills_all.cypher", "skills_count.cypher"]
        () -> (total),
    SKILLS_COUNT_S => ["skills_all.cypher", "skills_and_source.cypher", "skills_count.cypher"]
        (source) -> (total),
    SKILLS_COUNT_F => ["skills_in_framework.cypher", "skills_count.cypher"]
        (framework) -> (total),
    SKILLS_COUNT_FS => ["skills_in_framework.cypher", "skills_and_source.cypher", "skills_count.cypher"]
        (framework, source) -> (total),
    SKILLS_COUNT_T => ["skills_all.cypher", "skills_and_text.cypher", "skills_count.cypher"]
        (text) -> (total),
    SKILLS_COUNT_TS => ["skills_all.cypher", "skills_and_text.cypher", "skills_and_source.cypher", "skills_count.cypher"]
        (text, source) -> (total),
    SKILLS_COUNT_TF => ["skills_in_framework.cypher", "skills_and_text.cypher", "skills_count.cypher"]
        (framework, text) -> (total),
    SKILLS_COUNT_TFS => ["skills_in_framework.cypher", "skills_and_text.cypher", "skills_and_source.cypher", "skills_count.cypher"]
        (framework, text, source) -> (total),
    SKILLS_COUNT_X => ["skills_text_fulltext.cypher", "skills_count.cypher"]
        (text_query) -> (total),
    SKILLS_COUNT_XS => ["skills_text_fulltext.cypher", "skills_and_source.cypher", "skills_count.cypher"]
        (text_query, source) -> (total),
    SKILLS_COUNT_XF => ["skills_text_fulltext.cypher", "skills_and_framework.cypher", "skills_count.cypher"]
        (text_query, framework) -> (total),
    SKILLS_COUNT_XFS => ["skills_text_fulltext.cypher", "skills_and_framework.cypher", "skills_and_source.cypher", "skills_count.cypher"]
        (text_query, framework, source) -> (total),
    // Facets: every listing filter combination, counted per framework, source, occupation
    // major group and education level.
    FACET_FRAMEWORK => ["skills_all.cypher", "facet_framework.cypher"]
        () -> (value, label, n),
    FACET_SOURCE => ["skills_all.cypher", "facet_source.cypher"]
        () -> (value, label, n),
    FACET_OCCUPATION => ["skills_all.cypher", "facet_occupation_major_group.cypher"]
        () -> (value, label, n),
    FACET_EDUCATION => ["skills_all.cypher", "facet_education_level.cypher"]
        () -> (value, label, n),
    FACET_FRAMEWORK_S => ["skills_all.cypher", "skills_and_source.cypher", "facet_framework.cypher"]
        (source) -> (value, label, n),
    FACET_SOURCE_S => ["skills_all.cypher", "skills_and_source.cypher", "facet_source.cypher"]
        (source) -> (value, label, n),
    FACET_OCCUPATION_S => ["skills_all.cypher", "skills_and_source.cypher", "facet_occupation_major_group.cypher"]
        (source) -> (value, label, n),
    FACET_EDUCATION_S => ["skills_all.cypher", "skills_and_source.cypher", "facet_education_level.cypher"]
        (source) -> (value, label, n),
    FACET_FRAMEWORK_F => ["skills_in_framework.cypher", "facet_framework.cypher"]
        (framework) -> (value, label, n),
    FACET_SOURCE_F => ["skills_in_framework.cypher", "facet_source.cypher"]
        (framework) -> (value, label, n),
    FACET_OCCUPATION_F => ["skills_in_framework.cypher", "facet_occupation_major_group.cypher"]
        (framework) -> (value, label, n),
    FACET_EDUCATION_F => ["skills_in_framework.cypher", "facet_education_level.cypher"]
        (framework) -> (value, label, n),
    FACET_FRAMEWORK_FS => ["skills_in_framework.cypher", "skills_and_source.cypher", "facet_framework.cypher"]
        (framework, source) -> (value, label, n),
    FACET_SOURCE_FS => ["skills_in_framework.cypher", "skills_and_source.cypher", "facet_source.cypher"]
        (framework, source) -> (value, label, n),
    FACET_OCCUPATION_FS => ["skills_in_framework.cypher", "skills_and_source.cypher", "facet_occupation_major_group.cypher"]
        (framework, source) -> (value, label, n),
    FACET_EDUCATION_FS => ["skills_in_framework.cypher", "skills_and_source.cypher", "facet_education_level.cypher"]
        (framework, source) -> (value, label, n),
    FACET_FRAMEWORK_T => ["skills_all.cypher", "skills_and_text.cypher", "facet_framework.cypher"]
        (text) -> (value, label, n),
    FACET_SOURCE_T => ["skills_all.cypher", "skills_and_text.cypher", "facet_source.cypher"]
        (text) -> (value, label, n),
    FACET_OCCUPATION_T => ["skills_all.cypher", "skills_and_text.cypher", "facet_occupation_major_group.cypher"]
        (text) -> (value, label, n),
    FACET_EDUCATION_T => ["skills_all.cypher", "skills_and_text.cypher", "facet_education_level.cypher"]
        (text) -> (value, label, n),
    FACET_FRAMEWORK_TS => ["skills_all.cypher", "skills_and_text.cypher", "skills_and_source.cypher", "facet_framework.cypher"]
        (text, source) -> (value, label, n),
    FACET_SOURCE_TS => ["skills_all.cypher", "skills_and_text.cypher", "skills_and_source.cypher", "facet_source.cypher"]
        (text, source) -> (value, label, n),
    FACET_OCCUPATION_TS => ["skills_all.cypher", "skills_and_text.cypher", "skills_and_source.cypher", "facet_occupation_major_group.cypher"]
        (text, source) -> (value, label, n),
    FACET_EDUCATION_TS => ["skills_all.cypher", "skills_and_text.cypher", "skills_and_source.cypher", "facet_education_level.cypher"]
        (text, source) -> (value, label, n),
    FACET_FRAMEWORK_TF => ["skills_in_framework.cypher", "skills_and_text.cypher", "facet_framework.cypher"]
        (framework, text) -> (value, label, n),
    FACET_SOURCE_TF => ["skills_in_framework.cypher", "skills_and_text.cypher", "facet_source.cypher"]
        (framework, text) -> (value, label, n),
    FACET_OCCUPATION_TF => ["skills_in_framework.cypher", "skills_and_text.cypher", "facet_occupation_major_group.cypher"]
        (framework, text) -> (value, label, n),
    FACET_EDUCATION_TF => ["skills_in_framework.cypher", "skills_and_text.cypher", "facet_education_level.cypher"]
        (framework, text) -> (value, label, n),
    FACET_FRAMEWORK_TFS => ["skills_in_framework.cypher", "skills_and_text.cypher", "skills_and_source.cypher", "facet_framework.cypher"]
        (framework, text, source) -> (value, label, n),
    FACET_SOURCE_TFS => ["skills_in_framework.cypher", "skills_and_text.cypher", "skills_and_source.cypher", "facet_source.cypher"]
        (framework, text, source) -> (value, label, n),
    FACET_OCCUPATION_TFS => ["skills_in_framework.cypher", "skills_and_text.cypher", "skills_and_source.cypher", "facet_occupation_major_group.cypher"]
        (framework, text, source) -> (value, label, n),
    FACET_EDUCATION_TFS => ["skills_in_framework.cypher", "skills_and_text.cypher", "skills_and_source.cypher", "facet_education_level.cypher"]
        (framework, text, source) -> (value, label, n),
    FACET_FRAMEWORK_X => ["skills_text_fulltext.cypher", "facet_framework.cypher"]
        (text_query) -> (value, label, n),
    FACET_SOURCE_X => ["skills_text_fulltext.cypher", "facet_source.cypher"]
        (text_query) -> (value, label, n),
    FACET_OCCUPATION_X => ["skills_text_fulltext.cypher", "facet_occupation_major_group.cypher"]
        (text_query) -> (value, label, n),
    FACET_EDUCATION_X => ["skills_text_fulltext.cypher", "facet_education_level.cypher"]
        (text_query) -> (value, label, n),
    FACET_FRAMEWORK_XS => ["skills_text_fulltext.cypher", "skills_and_source.cypher", "facet_framework.cypher"]
        (text_query, source) -> (value, label, n),
    FACET_SOURCE_XS => ["skills_text_fulltext.cypher", "skills_and_source.cypher", "facet_source.cypher"]
        (text_query, source) -> (value, label, n),
    FACET_OCCUPATION_XS => ["skills_text_fulltext.cypher", "skills_and_source.cypher", "facet_occupation_major_group.cypher"]
        (text_query, source) -> (value, label, n),
    FACET_EDUCATION_XS => ["skills_text_fulltext.cypher", "skills_and_source.cypher", "facet_education_level.cypher"]
        (text_query, source) -> (value, label, n),
    FACET_FRAMEWORK_XF => ["skills_text_fulltext.cypher", "skills_and_framework.cypher", "facet_framework.cypher"]
        (text_query, framework) -> (value, label, n),
    FACET_SOURCE_XF => ["skills_text_fulltext.cypher", "skills_and_framework.cypher", "facet_source.cypher"]
        (text_query, framework) -> (value, label, n),
    FACET_OCCUPATION_XF => ["skills_text_fulltext.cypher", "skills_and_framework.cypher", "facet_occupation_major_group.cypher"]
        (text_query, framework) -> (value, label, n),
    FACET_EDUCATION_XF => ["skills_text_fulltext.cypher", "skills_and_framework.cypher", "facet_education_level.cypher"]
        (text_query, framework) -> (value, label, n),
    FACET_FRAMEWORK_XFS => ["skills_text_fulltext.cypher", "skills_and_framework.cypher", "skills_and_source.cypher", "facet_framework.cypher"]
        (text_query, framework, source) -> (value, label, n),
    FACET_SOURCE_XFS => ["skills_text_fulltext.cypher", "skills_and_framework.cypher", "skills_and_source.cypher", "facet_source.cypher"]
        (text_query, framework, source) -> (value, label, n),
    FACET_OCCUPATION_XFS => ["skills_text_fulltext.cypher", "skills_and_framework.cypher", "skills_and_source.cypher", "facet_occupation_major_group.cypher"]
        (text_query, framework, source) -> (value, label, n),
    FACET_EDUCATION_XFS => ["skills_text_fulltext.cypher", "skills_and_framework.cypher", "skills_and_source.cypher", "facet_education_level.cypher"]
        (text_query, framework, source) -> (value, label, n),
    // Ranked search (the counts are the text listings').
    SEARCH_FULLTEXT => ["search_fulltext.cypher"] (text_query, text, skip, limit) -> (skill, score),
    SEARCH_CONTAINS => ["search_contains.cypher"] (text, skip, limit) -> (skill, score),
    // Reverse lookups: the skills of an occupation group and of a credential.
    OCCUPATION_SKILLS_PAGE => ["occupation_skills.cypher", "skills_page.cypher"]
        (prefix, after_name, after_uuid, skip, limit) -> (skill),
    OCCUPATION_SKILLS_COUNT => ["occupation_skills.cypher", "skills_count.cypher"]
        (prefix) -> (total),
    CREDENTIAL_SKILLS_PAGE => ["credential_skills.cypher", "skills_page.cypher"]
        (credential, after_name, after_uuid, skip, limit) -> (skill),
    CREDENTIAL_SKILLS_COUNT => ["credential_skills.cypher", "skills_count.cypher"]
        (credential) -> (total),
    FRAMEWORKS_PAGE => ["frameworks_page.cypher"] (after_name, after_uuid, skip, limit) -> (framework),
    FRAMEWORKS_COUNT => ["frameworks_count.cypher"] () -> (total),
    FRAMEWORK_BY_UUID => ["framework_by_uuid.cypher"] (uuid) -> (framework),
    FRAMEWORK_BY_ID => ["framework_by_id.cypher"] (id) -> (framework),
    CREDENTIAL_BY_URI => ["credential_by_uri.cypher"] (uri) -> (credential),
    UPSERT_FRAMEWORKS => ["upsert_frameworks.cypher"] (rows, now) -> (n),
    UPSERT_SKILLS => ["upsert_skills.cypher"] (rows, now) -> (n),
    UPSERT_CHILD_EDGES => ["upsert_child_edges.cypher"] (rows) -> (n),
    SET_ALIGNMENTS => ["set_alignments.cypher"] (rows) -> (n),
    SET_OCCUPATIONS => ["set_occupations.cypher"] (rows) -> (n),
    SET_CREDENTIAL_REQUIREMENTS => ["set_credential_requirements.cypher"]
        (uri, props, source, skills, frameworks) -> (missing),
    UPSERT_SKILL_EVENTS => ["upsert_skill_events.cypher"] (rows, now, load) -> (n),
    SKILL_EVENTS_LOADED => ["skill_events_loaded.cypher"] (ids, load) -> (external_id, line),
    EMPLOYEE_BY_EXTERNAL_ID => ["employee_by_external_id.cypher"] (external_id) -> (employee),
    SKILL_EVENTS_PAGE => ["skill_events_all.cypher", "skill_events_page.cypher"]
        (after_time, after_id, skip, limit) -> (event),
    SKILL_EVENTS_PAGE_T => ["skill_events_all.cypher", "skill_events_and_type.cypher", "skill_events_page.cypher"]
        (event_type, after_time, after_id, skip, limit) -> (event),
    SKILL_EVENTS_PAGE_E => ["skill_events_all.cypher", "skill_events_and_employee.cypher", "skill_events_page.cypher"]
        (employee, after_time, after_id, skip, limit) -> (event),
    SKILL_EVENTS_PAGE_ET => ["skill_events_all.cypher", "skill_events_and_employee.cypher", "skill_events_and_type.cypher", "skill_events_page.cypher"]
        (employee, event_type, after_time, after_id, skip, limit) -> (event),
    SKILL_EVENTS_COUNT => ["skill_events_all.cypher", "skill_events_count.cypher"]
        () -> (total),
    SKILL_EVENTS_COUNT_T => ["skill_events_all.cypher", "skill_events_and_type.cypher", "skill_events_count.cypher"]
        (event_type) -> (total),
    SKILL_EVENTS_COUNT_E => ["skill_events_all.cypher", "skill_events_and_employee.cypher", "skill_events_count.cypher"]
        (employee) -> (total),
    SKILL_EVENTS_COUNT_ET => ["skill_events_all.cypher", "skill_events_and_employee.cypher", "skill_events_and_type.cypher", "skill_events_count.cypher"]
        (employee, event_type) -> (total),
    SKILL_EVENT_BY_EXTERNAL_ID => ["skill_event_by_external_id.cypher"] (external_id) -> (event),
    JOB_CREATE => ["job_create.cypher"] (props) -> (job),
    JOB_BY_NAME => ["job_by_name.cypher"] (name) -> (job),
    JOB_VERSION => ["job_version.cypher"] (name) -> (version),
    JOBS_PAGE => ["jobs_all.cypher", "jobs_page.cypher"]
        (after_time, after_name, skip, limit) -> (job),
    JOBS_PAGE_C => ["jobs_all.cypher", "jobs_and_created_by.cypher", "jobs_page.cypher"]
        (created_by, after_time, after_name, skip, limit) -> (job),
    JOBS_PAGE_S => ["jobs_all.cypher", "jobs_and_status.cypher", "jobs_page.cypher"]
        (status, after_time, after_name, skip, limit) -> (job),
    JOBS_PAGE_SC => ["jobs_all.cypher", "jobs_and_status.cypher", "jobs_and_created_by.cypher", "jobs_page.cypher"]
        (status, created_by, after_time, after_name, skip, limit) -> (job),
    JOBS_PAGE_T => ["jobs_all.cypher", "jobs_and_type.cypher", "jobs_page.cypher"]
        (type, after_time, after_name, skip, limit) -> (job),
    JOBS_PAGE_TC => ["jobs_all.cypher", "jobs_and_type.cypher", "jobs_and_created_by.cypher", "jobs_page.cypher"]
        (type, created_by, after_time, after_name, skip, limit) -> (job),
    JOBS_PAGE_TS => ["jobs_all.cypher", "jobs_and_type.cypher", "jobs_and_status.cypher", "jobs_page.cypher"]
        (type, status, after_time, after_name, skip, limit) -> (job),
    JOBS_PAGE_TSC => ["jobs_all.cypher", "jobs_and_type.cypher", "jobs_and_status.cypher", "jobs_and_created_by.cypher", "jobs_page.cypher"]
        (type, status, created_by, after_time, after_name, skip, limit) -> (job),
    JOBS_COUNT => ["jobs_all.cypher", "jobs_count.cypher"]
        () -> (total),
    JOBS_COUNT_C => ["jobs_all.cypher", "jobs_and_created_by.cypher", "jobs_count.cypher"]
        (created_by) -> (total),
    JOBS_COUNT_S => ["jobs_all.cypher", "jobs_and_status.cypher", "jobs_count.cypher"]
        (status) -> (total),
    JOBS_COUNT_SC => ["jobs_all.cypher", "jobs_and_status.cypher", "jobs_and_created_by.cypher", "jobs_count.cypher"]
        (status, created_by) -> (total),
    JOBS_COUNT_T => ["jobs_all.cypher", "jobs_and_type.cypher", "jobs_count.cypher"]
        (type) -> (total),
    JOBS_COUNT_TC => ["jobs_all.cypher", "jobs_and_type.cypher", "jobs_and_created_by.cypher", "jobs_count.cypher"]
        (type, created_by) -> (total),
    JOBS_COUNT_TS => ["jobs_all.cypher", "jobs_and_type.cypher", "jobs_and_status.cypher", "jobs_count.cypher"]
        (type, status) -> (total),
    JOBS_COUNT_TSC => ["jobs_all.cypher", "jobs_and_type.cypher", "jobs_and_status.cypher", "jobs_and_created_by.cypher", "jobs_count.cypher"]
        (type, status, created_by) -> (total),
    JOB_CLAIMABLE => ["job_claimable.cypher"] (owner, now_ms, running) -> (n),
    JOB_CLAIM => ["job_claim.cypher"] (owner, now_ms, now, lease_until, token, running) -> (job),
    JOBS_CRASHED => ["jobs_crashed.cypher"] (now_ms, now, max_attempts, running) -> (name),
    JOB_STORE => ["job_store.cypher"] (name, owner, now_ms, props, bump) -> (cancel_requested),
    JOB_CANCEL => ["job_cancel.cypher"] (name, message, now, now_ms) -> (job, was),
    JOBS_HOLD => ["jobs_hold.cypher"] (owner, lease_until) -> (n),
}

impl Statement {
    /// The statement, ready for its parameters.
    pub fn bind(&'static self) -> Bound {
        Bound {
            statement: self,
            query: neo4rs::query(self.text),
            error: None,
        }
    }
}

/// A statement with (some of) its parameters bound.
#[derive(Clone)]
pub struct Bound {
    pub(super) statement: &'static Statement,
    query: Query,
    /// A parameter the statement does not take; reported when it runs.
    error: Option<String>,
}

impl Bound {
    pub fn param<T: Into<BoltType>>(mut self, key: &str, value: T) -> Self {
        if !self.statement.params.contains(&key) {
            self.error = Some(format!("{} takes no ${key}", self.statement.name));
        }
        self.query = self.query.param(key, value);
        self
    }

    /// The driver's query, once every parameter the statement uses is bound.
    pub(super) fn checked(self) -> GraphResult<Query> {
        if let Some(e) = self.error {
            return Err(GraphError::Encode(e));
        }
        match (self.statement.params.iter()).find(|p| !self.query.has_param_key(p)) {
            Some(p) => Err(GraphError::Encode(format!(
                "{} needs ${p}",
                self.statement.name
            ))),
            None => Ok(self.query),
        }
    }
}

/// One result row, read only by the columns its statement returns.
pub struct Record {
    pub(super) statement: &'static Statement,
    pub(super) row: Row,
}

impl Record {
    pub fn get<T: DeserializeOwned>(&self, column: &str) -> GraphResult<T> {
        if !self.statement.columns.contains(&column) {
            return Err(GraphError::Decode(format!(
                "{} returns no column {column}",
                self.statement.name
            )));
        }
        self.row
            .get::<T>(column)
            .map_err(|e| GraphError::Decode(format!("{}.{column}: {e}", self.statement.name)))
    }
}

/// Which part of a Cypher text a character belongs to.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Part {
    Code,
    /// A string literal, quotes included.
    Text,
    /// A backtick-quoted name, backticks included.
    Name,
    /// A `//` or `/* */` comment.
    Comment,
}

/// Labels every character of a Cypher text with the part it belongs to.
fn parts(text: &str) -> Vec<(char, Part)> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::with_capacity(chars.len());
    let mut i = 0;
    while i < chars.len() {
        let rest = &chars[i..];
        let (part, len) = match rest {
            ['/', '/', ..] => (
                Part::Comment,
                rest.iter().position(|&c| c == '\n').unwrap_or(rest.len()),
            ),
            ['/', '*', ..] => (
                Part::Comment,
                rest.windows(2)
                    .skip(2)
                    .position(|w| w == ['*', '/'])
                    .map_or(rest.len(), |p| p + 4),
            ),
            [q @ ('\'' | '"'), ..] => {
                // Up to the closing quote; a backslash escapes the next character.
                let mut j = 1;
                while j < rest.len() && rest[j] != *q {
                    j += if rest[j] == '\\' { 2 } else { 1 };
                }
                (Part::Text, (j + 1).min(rest.len()))
            }
            ['`', ..] => {
                // A doubled backtick inside the name stands for one.
                let mut j = 1;
                while j < rest.len() && !(rest[j] == '`' && rest.get(j + 1) != Some(&'`')) {
                    j += if rest[j] == '`' { 2 } else { 1 };
                }
                (Part::Name, (j + 1).min(rest.len()))
            }
            _ => (Part::Code, 1),
        };
        out.extend(rest[..len].iter().map(|&c| (c, part)));
        i += len;
    }
    out
}

/// The text with string literals, quoted names and comments blanked out (byte offsets and line
/// breaks kept),
/// so that what is left is code: a `;` or `$x` there is one the parser sees.
pub fn code_only(text: &str) -> String {
    parts(text)
        .into_iter()
        .map(|(c, part)| match (part, c) {
            (Part::Code, c) | (_, c @ '\n') => c.to_string(),
            // As many bytes as the character, so offsets match the original text.
            _ => " ".repeat(c.len_utf8()),
        })
        .collect()
}

/// Splits a file of several statements at the `;` the parser sees (not one inside a string,
/// a quoted name or a comment), and drops the comments.
pub fn statements(file: &str) -> Vec<String> {
    let mut out = vec![];
    let mut current = String::new();
    for (c, part) in parts(file) {
        match (part, c) {
            (Part::Code, ';') => out.push(std::mem::take(&mut current)),
            (Part::Comment, _) => {}
            _ => current.push(c),
        }
    }
    out.push(current);
    out.into_iter()
        .map(|s| {
            let lines: Vec<&str> = s
                .lines()
                .map(str::trim_end)
                .filter(|l| !l.trim().is_empty())
                .collect();
            lines.join("\n").trim().to_string()
        })
        .filter(|s| !s.is_empty())
        .collect()
}

#[cfg(test)]
mod tests;
