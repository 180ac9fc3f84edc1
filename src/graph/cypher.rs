//! Every Cypher statement the service runs, compiled in from `cypher/*.cypher`, each with the
//! parameters the Rust code binds and the columns it may read; and the [`Part`]s the skill
//! listings are composed of at run time. A unit test holds each file to its declaration;
//! [`Bound`] and [`Record`] hold the code to it on every call.
use std::sync::Arc;

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
    SKILL_ANCESTOR_LINKS => ["skill_ancestor_links.cypher"] (uuids) -> (uuid, child, skill),
    FRAMEWORKS_PAGE => ["frameworks_page.cypher"] (after_name, after_uuid, skip, limit) -> (framework),
    FRAMEWORKS_COUNT => ["frameworks_count.cypher"] () -> (total),
    FRAMEWORK_BY_UUID => ["framework_by_uuid.cypher"] (uuid) -> (framework),
    FRAMEWORK_BY_ID => ["framework_by_id.cypher"] (id) -> (framework),
    CREDENTIAL_BY_URI => ["credential_by_uri.cypher"] (uri) -> (credential),
    UPSERT_FRAMEWORKS => ["upsert_frameworks.cypher"] (rows, now) -> (n),
    UPSERT_SKILLS => ["change_log_lock.cypher", "upsert_skills.cypher"] (rows, now) -> (written),
    SKILLS_AS_STORED => ["skills_as_stored.cypher"] (uris) -> (uri, skill),
    SKILLS_EDGES_AS_STORED => ["skills_edges_as_stored.cypher"] (uris)
        -> (uri, parents, removed_parents, alignments, rejected),
    CHANGES_PRUNE => ["changes_prune.cypher"] (uris, keep) -> (),
    JOB_CHANGES => ["job_changes.cypher"] (job, after_at, after_id, skip, limit) -> (change),
    SKILL_PARENT_CYCLE => ["skill_parent_cycle.cypher"] (parent, uuid) -> (path),
    CHANGE_RECORDED => ["change_recorded.cypher"] (id) -> (n),
    CURATE_CREATE_SKILL => ["change_log_lock.cypher", "curate_create_skill.cypher"]
        (framework, uuid, uri, set, curated, now, change) -> (skill),
    CURATE_UPDATE => ["change_log_lock.cypher", "curate_head.cypher", "curate_update.cypher"]
        (uuid, version, target, parent, now, change, keep, set, curated) -> (skill),
    CURATE_DELETE => ["change_log_lock.cypher", "curate_head.cypher", "curate_delete.cypher"]
        (uuid, version, target, parent, now, change, keep) -> (deleted),
    CURATE_ADD_PARENT => ["hierarchy_lock.cypher", "change_log_lock.cypher", "curate_head.cypher", "curate_add_parent.cypher"]
        (uuid, version, target, parent, now, change, keep, by) -> (skill),
    CURATE_REMOVE_PARENT => ["change_log_lock.cypher", "curate_head.cypher", "curate_remove_parent.cypher"]
        (uuid, version, target, parent, now, change, keep) -> (skill),
    CURATE_ADD_ALIGNMENT => ["change_log_lock.cypher", "curate_head.cypher", "curate_add_alignment.cypher"]
        (uuid, version, target, parent, now, change, keep, source, alignment_type, score, by) -> (skill),
    CURATE_REMOVE_ALIGNMENT => ["change_log_lock.cypher", "curate_head.cypher", "curate_remove_alignment.cypher"]
        (uuid, version, target, parent, now, change, keep, source, alignment_type) -> (skill),
    CURATE_ACCEPT_ALIGNMENT => ["change_log_lock.cypher", "curate_head.cypher", "curate_accept_alignment.cypher"]
        (uuid, version, target, parent, now, change, keep, source, alignment_type, by) -> (skill),
    SKILL_HISTORY => ["skill_history.cypher"] (uuid, before, limit) -> (change),
    CHANGES_AFTER => ["changes_after.cypher"] (after, limit) -> (change),
    CHANGE_LOG_POSITION => ["change_log_position.cypher"] () -> (seq, id),
    CHANGE_POSITION => ["change_position.cypher"] (id) -> (seq),
    CHANGES_OF_SKILLS => ["changes_of_skills.cypher"] (uuids) -> (change),
    SKILLS_VERSIONS => ["skills_versions.cypher"] (uuids) -> (uuid, version),
    REVERT_SKILLS => ["change_log_lock.cypher", "revert_skills.cypher"] (rows, now) -> (written),
    UPSERT_CHILD_EDGES => ["hierarchy_lock.cypher", "change_log_lock.cypher", "upsert_child_edges.cypher"] (rows, now) -> (child, closing),
    SET_ALIGNMENTS => ["change_log_lock.cypher", "set_alignments.cypher"] (rows, now) -> (n),
    SET_OCCUPATIONS => ["set_occupations.cypher"] (rows) -> (n),
    SET_CREDENTIAL_REQUIREMENTS => ["set_credential_requirements.cypher"]
        (uri, props, source, skills, frameworks) -> (missing),
    UPSERT_SKILL_EVENTS => ["upsert_skill_events.cypher"] (rows, now, load) -> (n),
    SKILL_EVENTS_LOADED => ["skill_events_loaded.cypher"] (ids, load) -> (external_id, line),
    EMPLOYEE_BY_EXTERNAL_ID => ["employee_by_external_id.cypher"] (external_id) -> (employee),
    SKILL_EVENTS_PAGE => ["skill_events_all_by_time.cypher", "skill_events_page.cypher"]
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
    JOBS_PAGE => ["jobs_all_by_time.cypher", "jobs_page.cypher"]
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

/// A piece of a statement composed at run time (see `graph::skill_filter`): an anchor, a
/// condition (whose `$value` is renamed for each use) or a tail.
#[derive(Debug)]
pub struct Part {
    pub name: &'static str,
    pub file: &'static str,
    pub text: &'static str,
    /// `$parameters` the part uses under these names (a condition's `$value` is renamed).
    pub params: &'static [&'static str],
    /// Columns of the final `RETURN` (tails only).
    pub columns: &'static [&'static str],
}

macro_rules! parts {
    ($($name:ident => $file:literal ($($p:ident),*) -> ($($c:ident),*)),* $(,)?) => {
        $(pub const $name: Part = Part {
            name: stringify!($name),
            file: $file,
            text: include_str!(concat!("../../cypher/", $file)),
            params: &[$(stringify!($p)),*],
            columns: &[$(stringify!($c)),*],
        };)*
        /// Every part, for the boundary test.
        pub const PARTS: &[&Part] = &[$(&$name),*];
    };
}

parts! {
    // Anchors: where the database starts; each ends inside a WHERE the conditions extend.
    ANCHOR_ALL => "skills_all.cypher" () -> (),
    ANCHOR_ALL_BY_NAME => "skills_all_by_name.cypher" () -> (),
    ANCHOR_FRAMEWORK => "skills_in_framework.cypher" (framework) -> (),
    ANCHOR_OCCUPATION => "skills_of_occupation.cypher" (prefix) -> (),
    ANCHOR_CREDENTIAL => "skills_of_credential.cypher" (credential) -> (),
    ANCHOR_FULLTEXT => "skills_text_fulltext.cypher" (text_query) -> (),
    // Conditions: one expression on `s` each.
    WHERE_TEXT => "where_text.cypher" (text) -> (),
    WHERE_SOURCE => "where_source.cypher" (value) -> (),
    WHERE_FRAMEWORK => "where_framework.cypher" (value) -> (),
    WHERE_OCCUPATION => "where_occupation.cypher" (value) -> (),
    WHERE_CREDENTIAL => "where_credential.cypher" (value) -> (),
    WHERE_EDUCATION_LEVEL => "where_education_level.cypher" (value) -> (),
    WHERE_COMPLEXITY_LEVEL => "where_complexity_level.cypher" (value) -> (),
    WHERE_INDUSTRY => "where_industry.cypher" (value) -> (),
    WHERE_KEYWORD => "where_keyword.cypher" (value) -> (),
    WHERE_TYPE => "where_type.cypher" (value) -> (),
    // Tails: what is returned.
    PAGE_BY_NAME => "skills_page.cypher" (after_key, after_uuid, skip, limit) -> (skill),
    PAGE_BY_LIST_ORDER => "skills_page_list_order.cypher" (after_key, after_uuid, skip, limit) -> (skill),
    PAGE_BY_DATE_MODIFIED => "skills_page_date_modified.cypher" (after_key, after_uuid, skip, limit) -> (skill),
    RANKED_FULLTEXT => "skills_ranked_fulltext.cypher" (text, skip, limit) -> (skill, score),
    RANKED_CONTAINS => "skills_ranked_contains.cypher" (text, skip, limit) -> (skill, score),
    COUNT => "skills_count.cypher" () -> (total),
    FACET_FRAMEWORK => "facet_framework.cypher" () -> (value, label, n),
    FACET_SOURCE => "facet_source.cypher" () -> (value, label, n),
    FACET_OCCUPATION => "facet_occupation_major_group.cypher" () -> (value, label, n),
    FACET_EDUCATION => "facet_education_level.cypher" () -> (value, label, n),
}

/// A statement put together from [`Part`]s: an anchor, conditions joined by `AND`/`OR`/`NOT`
/// (each condition's `$value` renamed `$v0`, `$v1`, ...), a tail. Its text depends only on the
/// filter's shape, never on a value, so the database plans each shape once.
pub struct Compose {
    name: &'static str,
    text: String,
    params: Vec<String>,
    values: Vec<(String, BoltType)>,
    /// Conditions appended so far (the next one's value is `$v<n>`).
    conditions: usize,
}

impl Compose {
    pub fn new(name: &'static str, anchor: &'static Part) -> Self {
        let mut c = Self {
            name,
            text: String::new(),
            params: vec![],
            values: vec![],
            conditions: 0,
        };
        c.part(anchor);
        c
    }

    /// Appends a part as written (an anchor's or a tail's parameters keep their names).
    pub fn part(&mut self, part: &'static Part) {
        self.text.push_str(part.text);
        if !self.text.ends_with('\n') {
            self.text.push('\n');
        }
        self.uses(part);
    }

    /// Takes the parameters `part` uses under their own names (each once).
    fn uses(&mut self, part: &'static Part) {
        for p in part.params {
            if !self.params.iter().any(|q| q == p) {
                self.params.push(p.to_string());
            }
        }
    }

    /// Appends code between conditions (`AND`, `(`, `NOT`...).
    pub fn code(&mut self, code: &str) {
        self.text.push_str(code);
    }

    /// Appends a part's expression as written, parenthesised (its parameters keep their names).
    pub fn expression(&mut self, part: &'static Part) {
        self.text.push('(');
        self.text.push_str(&statements(part.text).join(" "));
        self.text.push(')');
        self.uses(part);
    }

    /// Appends a condition's expression with its `$value` renamed to a fresh parameter, bound
    /// to `value`.
    pub fn condition(&mut self, part: &'static Part, value: impl Into<BoltType>) {
        let name = format!("v{}", self.conditions);
        self.conditions += 1;
        let expression = statements(part.text).join(" ");
        self.text.push('(');
        self.text.push_str(&rename_value(&expression, &name));
        self.text.push(')');
        self.params.push(name.clone());
        self.values.push((name, value.into()));
    }

    /// Binds a parameter of an anchor or a tail.
    pub fn value(&mut self, key: &str, value: impl Into<BoltType>) {
        self.values.push((key.to_string(), value.into()));
    }

    /// The statement, ending with `tail`, with the values given so far bound.
    pub fn finish(mut self, tail: &'static Part) -> Bound {
        self.part(tail);
        let shape = Arc::new(Composed {
            name: self.name,
            text: self.text,
            params: self.params,
            columns: tail.columns,
        });
        let mut bound = Bound {
            query: neo4rs::query(&shape.text),
            shape: Shape::Composed(shape),
            error: None,
        };
        for (k, v) in self.values {
            bound = bound.param(&k, v);
        }
        bound
    }
}

/// `$value` in the code of `expression` (not in a string or a quoted name) renamed `$name`.
fn rename_value(expression: &str, name: &str) -> String {
    let code = code_only(expression);
    let mut out = String::with_capacity(expression.len() + 8);
    let mut last = 0;
    for (at, _) in code.match_indices("$value") {
        let end = at + "$value".len();
        let more = code[end..].chars().next();
        if more.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        out.push_str(&expression[last..at]);
        out.push('$');
        out.push_str(name);
        last = end;
    }
    out.push_str(&expression[last..]);
    out
}

/// A composed statement's text and boundary.
#[derive(Debug)]
pub struct Composed {
    pub name: &'static str,
    pub text: String,
    pub params: Vec<String>,
    pub columns: &'static [&'static str],
}

/// What a bound statement is: declared, or composed at run time.
#[derive(Clone, Debug)]
pub enum Shape {
    Declared(&'static Statement),
    Composed(Arc<Composed>),
}

impl Shape {
    pub fn name(&self) -> &'static str {
        match self {
            Shape::Declared(s) => s.name,
            Shape::Composed(c) => c.name,
        }
    }

    pub fn text(&self) -> &str {
        match self {
            Shape::Declared(s) => s.text,
            Shape::Composed(c) => &c.text,
        }
    }

    fn takes(&self, param: &str) -> bool {
        match self {
            Shape::Declared(s) => s.params.contains(&param),
            Shape::Composed(c) => c.params.iter().any(|p| p == param),
        }
    }

    fn params(&self) -> Vec<&str> {
        match self {
            Shape::Declared(s) => s.params.to_vec(),
            Shape::Composed(c) => c.params.iter().map(String::as_str).collect(),
        }
    }

    fn returns(&self, column: &str) -> bool {
        let columns = match self {
            Shape::Declared(s) => s.columns,
            Shape::Composed(c) => c.columns,
        };
        columns.contains(&column)
    }
}

impl Statement {
    /// The statement, ready for its parameters.
    pub fn bind(&'static self) -> Bound {
        Bound {
            shape: Shape::Declared(self),
            query: neo4rs::query(self.text),
            error: None,
        }
    }
}

/// A statement with (some of) its parameters bound.
#[derive(Clone)]
pub struct Bound {
    pub(super) shape: Shape,
    query: Query,
    /// A parameter the statement does not take; reported when it runs.
    error: Option<String>,
}

impl Bound {
    /// The statement's name and text (tests and tools look at its plan).
    pub fn statement(&self) -> (&'static str, &str) {
        (self.shape.name(), self.shape.text())
    }

    pub fn param<T: Into<BoltType>>(mut self, key: &str, value: T) -> Self {
        if !self.shape.takes(key) {
            self.error = Some(format!("{} takes no ${key}", self.shape.name()));
        }
        self.query = self.query.param(key, value);
        self
    }

    /// The driver's query, once every parameter the statement uses is bound.
    pub(super) fn checked(self) -> GraphResult<Query> {
        if let Some(e) = self.error {
            return Err(GraphError::Encode(e));
        }
        let params = self.shape.params();
        match params.iter().find(|p| !self.query.has_param_key(p)) {
            Some(p) => Err(GraphError::Encode(format!(
                "{} needs ${p}",
                self.shape.name()
            ))),
            None => Ok(self.query),
        }
    }
}

/// One result row, read only by the columns its statement returns.
pub struct Record {
    pub(super) shape: Shape,
    pub(super) row: Row,
}

impl Record {
    pub fn get<T: DeserializeOwned>(&self, column: &str) -> GraphResult<T> {
        if !self.shape.returns(column) {
            return Err(GraphError::Decode(format!(
                "{} returns no column {column}",
                self.shape.name()
            )));
        }
        self.row
            .get::<T>(column)
            .map_err(|e| GraphError::Decode(format!("{}.{column}: {e}", self.shape.name())))
    }
}

/// Which part of a Cypher text a character belongs to.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Region {
    Code,
    /// A string literal, quotes included.
    Text,
    /// A backtick-quoted name, backticks included.
    Name,
    /// A `//` or `/* */` comment.
    Comment,
}

/// Labels every character of a Cypher text with the part it belongs to.
fn parts(text: &str) -> Vec<(char, Region)> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::with_capacity(chars.len());
    let mut i = 0;
    while i < chars.len() {
        let rest = &chars[i..];
        let (part, len) = match rest {
            ['/', '/', ..] => (
                Region::Comment,
                rest.iter().position(|&c| c == '\n').unwrap_or(rest.len()),
            ),
            ['/', '*', ..] => (
                Region::Comment,
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
                (Region::Text, (j + 1).min(rest.len()))
            }
            ['`', ..] => {
                // A doubled backtick inside the name stands for one.
                let mut j = 1;
                while j < rest.len() && !(rest[j] == '`' && rest.get(j + 1) != Some(&'`')) {
                    j += if rest[j] == '`' { 2 } else { 1 };
                }
                (Region::Name, (j + 1).min(rest.len()))
            }
            _ => (Region::Code, 1),
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
            (Region::Code, c) | (_, c @ '\n') => c.to_string(),
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
            (Region::Code, ';') => out.push(std::mem::take(&mut current)),
            (Region::Comment, _) => {}
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
