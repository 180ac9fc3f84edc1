//! The records of the skill graph, each concept written once: `graph/` reads and writes them,
//! `ingest/` produces them, `api/` serves them. The GraphQL derives live here so that a field is
//! declared in one place; the nested, database-backed fields are `ComplexObject`s in `api/`.
mod alignments;
mod breadcrumbs;
mod changes;
mod jobs;
mod occupations;

use async_graphql::{SimpleObject, ID};
use serde::{Deserialize, Serialize};

pub use alignments::{by_source, AlignmentEdge, AlignmentKind, SourceGroup};
pub use breadcrumbs::breadcrumb;
pub use changes::{
    field_changes, same, Actor, ChangeOperation, EdgeChange, EdgeKind, FieldChange, NewChange,
    SkillChange, StoredChange,
};
pub use jobs::{JobStatus, JobType};
pub use occupations::{soc_prefix, Occupation, OccupationGroup, Occupations};

/// What a source asserts about a skill: the properties an import writes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, SimpleObject)]
#[serde(default)]
pub struct SkillProps {
    /// Credential Engine Registry CTID, where the skill came from there.
    pub ctid: Option<String>,
    pub name: Option<String>,
    pub description: Option<String>,
    pub keywords: Vec<String>,
    pub author: Option<String>,
    pub creator: Option<String>,
    /// Coded notation of the skill in its framework (CTDL `ceasn:codedNotation`).
    pub reference_id: Option<String>,
    pub source_name: Option<String>,
    /// Served together as `type { id name }`.
    #[graphql(skip)]
    pub type_id: Option<String>,
    #[graphql(skip)]
    pub type_name: Option<String>,
    /// Organizations behind the skill: its publisher, or its framework's.
    pub organizations: Vec<String>,
    pub language: Option<String>,
    /// Position in the publisher's list (CTDL `ceasn:listID`), as published.
    pub list_id: Option<String>,
    /// `list_id` with its numbers zero-padded, so that string order is list order.
    #[graphql(skip)]
    pub list_order: Option<String>,
    /// When the source created the skill (CTDL `ceasn:dateCreated`), not when it was imported.
    pub date_created: Option<String>,
    /// When the source last changed the skill (CTDL `ceasn:dateModified`).
    pub date_modified: Option<String>,
    /// Education levels the skill is for (CTDL `ceasn:educationLevelType`).
    pub education_levels: Vec<String>,
    /// Proficiency or complexity levels (CTDL `ceasn:complexityLevel`).
    pub complexity_levels: Vec<String>,
    /// Relative weight in its framework, e.g. an exam domain's share (CTDL `ceasn:weight`).
    pub weight: Option<f64>,
    /// The publisher's notes (CTDL `ceasn:comment`).
    pub comments: Vec<String>,
    /// Industries the skill belongs to (CTDL `ceterms:industryType`).
    pub industries: Vec<String>,
}

impl SkillProps {
    /// Every property name a skill's props are stored under, in declaration order.
    pub const FIELDS: &'static [&'static str] = &[
        "ctid",
        "name",
        "description",
        "keywords",
        "author",
        "creator",
        "reference_id",
        "source_name",
        "type_id",
        "type_name",
        "organizations",
        "language",
        "list_id",
        "list_order",
        "date_created",
        "date_modified",
        "education_levels",
        "complexity_levels",
        "weight",
        "comments",
        "industries",
    ];
}

/// What every node imported from a source has: our uuid, its identity at the source, and when
/// this service wrote it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, SimpleObject)]
#[serde(default)]
pub struct Stored {
    pub uuid: ID,
    /// Identity at the source, e.g. the Credential Engine Registry URI.
    #[graphql(name = "sourceUri")]
    pub uri: Option<String>,
    pub created_time: Option<String>,
    pub modified_time: Option<String>,
}

/// What people have done to a skill, beside what imports write.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, SimpleObject)]
#[serde(default)]
pub struct Curation {
    /// Counts every change to the skill; a curation mutation names the version it read and is
    /// refused with `CONFLICT` when the skill has changed since.
    pub version: i64,
    /// A curator's note.
    pub note: Option<String>,
    /// The fields a curator has set: imports leave them as the curator left them.
    #[graphql(name = "curatedFields")]
    pub curated: Vec<String>,
}

/// A skill (competency) of the graph.
// Read through `SkillRecord`: serde's `flatten` buffered every property of every row before
// reading it again, a tenth of an uncached page's instructions.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, SimpleObject)]
#[graphql(complex)]
#[serde(default, from = "SkillRecord")]
pub struct Skill {
    #[serde(flatten)]
    #[graphql(flatten)]
    pub stored: Stored,
    #[serde(flatten)]
    #[graphql(flatten)]
    pub props: SkillProps,
    #[serde(flatten)]
    #[graphql(flatten)]
    pub curation: Curation,
}

/// A skill as stored: one flat map of properties (see [`Skill`]).
#[derive(Deserialize)]
#[serde(default)]
#[derive(Default)]
struct SkillRecord {
    uuid: ID,
    uri: Option<String>,
    created_time: Option<String>,
    modified_time: Option<String>,
    ctid: Option<String>,
    name: Option<String>,
    description: Option<String>,
    keywords: Vec<String>,
    author: Option<String>,
    creator: Option<String>,
    reference_id: Option<String>,
    source_name: Option<String>,
    type_id: Option<String>,
    type_name: Option<String>,
    organizations: Vec<String>,
    language: Option<String>,
    list_id: Option<String>,
    list_order: Option<String>,
    date_created: Option<String>,
    date_modified: Option<String>,
    education_levels: Vec<String>,
    complexity_levels: Vec<String>,
    weight: Option<f64>,
    comments: Vec<String>,
    industries: Vec<String>,
    version: i64,
    note: Option<String>,
    curated: Vec<String>,
}

impl From<SkillRecord> for Skill {
    fn from(r: SkillRecord) -> Self {
        Skill {
            stored: Stored {
                uuid: r.uuid,
                uri: r.uri,
                created_time: r.created_time,
                modified_time: r.modified_time,
            },
            props: SkillProps {
                ctid: r.ctid,
                name: r.name,
                description: r.description,
                keywords: r.keywords,
                author: r.author,
                creator: r.creator,
                reference_id: r.reference_id,
                source_name: r.source_name,
                type_id: r.type_id,
                type_name: r.type_name,
                organizations: r.organizations,
                language: r.language,
                list_id: r.list_id,
                list_order: r.list_order,
                date_created: r.date_created,
                date_modified: r.date_modified,
                education_levels: r.education_levels,
                complexity_levels: r.complexity_levels,
                weight: r.weight,
                comments: r.comments,
                industries: r.industries,
            },
            curation: Curation {
                version: r.version,
                note: r.note,
                curated: r.curated,
            },
        }
    }
}

/// A skill at some depth below or above another (1: a child or a parent).
#[derive(Debug, Clone, PartialEq, SimpleObject)]
pub struct SkillInTree {
    pub depth: i32,
    pub skill: Skill,
}

/// A credential (certification, badge, degree) a skill is aligned to.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, SimpleObject)]
#[serde(default)]
pub struct Credential {
    /// URI of the credential.
    pub uri: String,
    #[serde(flatten)]
    #[graphql(flatten)]
    pub props: CredentialProps,
}

/// What a source asserts about a credential.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, SimpleObject)]
#[serde(default)]
pub struct CredentialProps {
    pub name: Option<String>,
    /// The credential's class, e.g. `Certification`, `BachelorDegree` (CTDL `ceterms:`).
    pub credential_type: Option<String>,
    /// Credential Engine Registry CTID, where the credential came from there.
    pub ctid: Option<String>,
    pub description: Option<String>,
    pub source_name: Option<String>,
}

/// What a source asserts about a competency framework.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, SimpleObject)]
#[serde(default)]
pub struct FrameworkProps {
    pub ctid: Option<String>,
    pub name: Option<String>,
    pub description: Option<String>,
    pub publisher: Option<String>,
    pub source_name: Option<String>,
    pub language: Option<String>,
    /// Publication status, e.g. `Published` or `Draft` (CTDL `ceasn:publicationStatusType`).
    pub publication_status: Option<String>,
    /// License URI (CTDL `ceasn:license`).
    pub license: Option<String>,
    /// Where the framework comes from (CTDL `ceasn:source`).
    pub sources: Vec<String>,
    /// Copyright year or date (CTDL `ceasn:dateCopyright`).
    pub date_copyright: Option<String>,
    /// When the source created and last changed the framework (`ceasn:dateCreated`,
    /// `ceasn:dateModified`).
    pub date_created: Option<String>,
    pub date_modified: Option<String>,
}

/// A competency framework.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, SimpleObject)]
#[graphql(complex)]
#[serde(default)]
pub struct Framework {
    #[serde(flatten)]
    #[graphql(flatten)]
    pub stored: Stored,
    #[serde(flatten)]
    #[graphql(flatten)]
    pub props: FrameworkProps,
    /// Number of skills in the framework (only on the `frameworks` listing).
    pub skill_count: Option<i64>,
}

/// Something an employee did that evidences skills: one of the Skill Event API's types.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, SimpleObject)]
#[graphql(complex)]
#[serde(default)]
pub struct SkillEvent {
    pub external_id: String,
    /// The load task's entity type (`learning`, `working_history`, ...), not read from the file.
    pub event_type: Option<String>,
    pub employee_external_id: Option<String>,
    /// One of the API's values: auto, nl, fr, en, de.
    pub language: Option<String>,
    /// ISO 8601 UTC in one fixed width (`2025-05-02T00:00:00.000Z`), so text order is time order.
    pub timestamp: Option<String>,
    pub source: Option<String>,
    #[graphql(skip)]
    pub created_time: Option<String>,
    #[graphql(skip)]
    pub modified_time: Option<String>,
    /// The type's content columns, as stored; typed per event type by the API.
    #[graphql(skip)]
    #[serde(flatten)]
    pub content: std::collections::BTreeMap<String, serde_json::Value>,
}

/// An employee, known by the external id the skill events name.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, SimpleObject)]
#[graphql(complex)]
#[serde(default)]
pub struct Employee {
    pub external_id: String,
    #[graphql(skip)]
    pub created_time: Option<String>,
}

/// Counters a job advances as it goes; each kind of job uses the ones that fit it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, SimpleObject)]
#[serde(default)]
pub struct Progress {
    pub frameworks_total: i64,
    pub frameworks_done: i64,
    pub competencies_total: i64,
    pub competencies_done: i64,
    pub rows_read: i64,
    pub rows_loaded: i64,
    pub rows_rejected: i64,
    /// Values and edges an import left as they were because a person had made them (a
    /// curated field, a removed parent, a rejected or accepted alignment).
    pub changes_kept: i64,
    /// What an import (or a revert) did to the graph: skills it created, changed and deleted,
    /// edges (parents and alignments) it added, changed and removed.
    pub skills_added: i64,
    pub skills_changed: i64,
    pub skills_removed: i64,
    pub edges_added: i64,
    pub edges_changed: i64,
    pub edges_removed: i64,
    /// Changes the import made but did not record in its history (it records at most 100,000;
    /// such an import cannot be reverted).
    pub changes_unrecorded: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_skill_reads_back_every_property_it_writes() {
        let text = |s: &str| Some(s.to_string());
        let list = |s: &str| vec![s.to_string()];
        let skill = Skill {
            stored: Stored {
                uuid: ID::from("u"),
                uri: text("urn:s"),
                created_time: text("c"),
                modified_time: text("m"),
            },
            props: SkillProps {
                ctid: text("ce-1"),
                name: text("Name"),
                description: text("D"),
                keywords: list("k"),
                author: text("a"),
                creator: text("cr"),
                reference_id: text("1.2"),
                source_name: text("s"),
                type_id: text("t"),
                type_name: text("T"),
                organizations: list("o"),
                language: text("en"),
                list_id: text("1"),
                list_order: text("0000000001"),
                date_created: text("2020"),
                date_modified: text("2021"),
                education_levels: list("e"),
                complexity_levels: list("x"),
                weight: Some(0.5),
                comments: list("note"),
                industries: list("i"),
            },
            curation: Curation {
                version: 4,
                note: text("checked"),
                curated: list("name"),
            },
        };
        let props = serde_json::to_value(&skill.props).unwrap();
        let mut keys: Vec<_> = props.as_object().unwrap().keys().cloned().collect();
        keys.sort();
        let mut fields: Vec<_> = SkillProps::FIELDS.iter().map(|f| f.to_string()).collect();
        fields.sort();
        assert_eq!(
            keys, fields,
            "SkillProps::FIELDS names every stored property"
        );
        let stored = serde_json::to_value(&skill).unwrap();
        assert!(stored.get("industries").is_some(), "one flat map: {stored}");
        assert_eq!(serde_json::from_value::<Skill>(stored).unwrap(), skill);
    }
}
