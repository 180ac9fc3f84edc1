//! The Skill Event API's eleven event types: each one's CSV columns, and what a valid row is.
use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::graph::events::EventRow;
use crate::ingest::text;

/// A kind of skill event; a file holds one kind, named by the task.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    strum::EnumIter,
    strum::IntoStaticStr,
    strum::EnumString,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum EntityType {
    WorkingHistory,
    EducationHistory,
    ResumeDocument,
    Learning,
    Feedback,
    Goal,
    Project,
    Ticket,
    Certificate,
    SkillNotes,
    SkillProfileFeedback,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    /// An ISO 8601 date or date-time, stored like the event's timestamp.
    Date,
}

#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub name: &'static str,
    pub kind: Kind,
}

const fn text(name: &'static str) -> Column {
    Column {
        name,
        kind: Kind::Text,
    }
}

const fn date(name: &'static str) -> Column {
    Column {
        name,
        kind: Kind::Date,
    }
}

/// One event type's `content` columns.
#[derive(Debug)]
pub struct Schema {
    pub content: &'static [Column],
    /// Alternatives: a row is valid when every column of one of them has a value.
    pub required: &'static [&'static [&'static str]],
}

/// Columns every event type has, all required but `source`.
pub const COMMON: [&str; 4] = [
    "employee_external_id",
    "external_id",
    "language",
    "timestamp",
];
pub const SOURCE: &str = "source";

/// The Skill Event API's `language` values.
pub const LANGUAGES: [&str; 5] = ["auto", "nl", "fr", "en", "de"];

impl EntityType {
    pub fn name(self) -> &'static str {
        self.into()
    }

    pub fn schema(self) -> &'static Schema {
        use EntityType as E;
        const START: Column = date("start_date");
        const END: Column = date("end_date");
        match self {
            E::WorkingHistory => {
                const S: Schema = Schema {
                    content: &[
                        text("job_title"),
                        text("job_description"),
                        text("company"),
                        START,
                        END,
                    ],
                    required: &[&["job_title"]],
                };
                &S
            }
            E::EducationHistory => {
                const S: Schema = Schema {
                    content: &[
                        text("degree_name"),
                        text("degree_description"),
                        text("institution"),
                        START,
                        END,
                    ],
                    required: &[&["degree_name"]],
                };
                &S
            }
            E::ResumeDocument => {
                const S: Schema = Schema {
                    content: &[text("resume_text")],
                    required: &[&["resume_text"]],
                };
                &S
            }
            E::Learning => {
                const S: Schema = Schema {
                    content: &[
                        text("course_id"),
                        text("learning_title"),
                        text("learning_description"),
                    ],
                    required: &[&["course_id"], &["learning_title", "learning_description"]],
                };
                &S
            }
            E::Feedback => {
                const S: Schema = Schema {
                    content: &[text("feedback_description")],
                    required: &[&["feedback_description"]],
                };
                &S
            }
            E::Goal => {
                const S: Schema = Schema {
                    content: &[text("goal_title"), text("goal_description")],
                    required: &[&["goal_title"]],
                };
                &S
            }
            E::Project => {
                const S: Schema = Schema {
                    content: &[
                        text("project_title"),
                        text("project_description"),
                        START,
                        END,
                    ],
                    required: &[&["project_title"]],
                };
                &S
            }
            E::Ticket => {
                const S: Schema = Schema {
                    content: &[text("ticket_title"), text("ticket_description")],
                    required: &[&["ticket_title"]],
                };
                &S
            }
            E::Certificate => {
                const S: Schema = Schema {
                    content: &[
                        text("certificate_name"),
                        text("certificate_description"),
                        text("issuer"),
                    ],
                    required: &[&["certificate_name"]],
                };
                &S
            }
            E::SkillNotes => {
                const S: Schema = Schema {
                    content: &[text("skill_notes")],
                    required: &[&["skill_notes"]],
                };
                &S
            }
            E::SkillProfileFeedback => {
                const S: Schema = Schema {
                    content: &[text("skill_name"), text("feedback_description")],
                    required: &[&["skill_name"]],
                };
                &S
            }
        }
    }
}

fn alternatives(schema: &Schema) -> String {
    let alts: Vec<String> = schema.required.iter().map(|a| a.join(" and ")).collect();
    alts.join(", or ")
}

/// Positions of the known columns in the header; unknown columns are ignored.
#[derive(Debug, Clone)]
pub struct Columns {
    entity: EntityType,
    /// In the order of [`COMMON`].
    common: [usize; 4],
    source: Option<usize>,
    content: Vec<(Column, Option<usize>)>,
}

/// Why a header cannot carry valid rows: every problem with it, named.
#[derive(Debug, thiserror::Error)]
#[error("invalid header: {}", .0.join("; "))]
pub struct HeaderError(Vec<String>);

/// Why one row was rejected; each names the rule it broke.
#[derive(Debug, thiserror::Error)]
pub enum RowError {
    #[error("missing value for {0}")]
    Missing(&'static str),
    #[error("{column} {value:?} must be 1-100 letters, digits, '-' or '_'")]
    Id { column: &'static str, value: String },
    #[error("bad language {0:?} (expected one of auto, nl, fr, en, de)")]
    Language(String),
    #[error("bad {column} {value:?} (expected an ISO 8601 date or date-time)")]
    Date { column: &'static str, value: String },
    #[error("end_date is before start_date")]
    EndBeforeStart,
    #[error("needs {0}")]
    Content(String),
    #[error("control character U+{code:04X} in column {column}")]
    Control { column: String, code: u32 },
    #[error(transparent)]
    Text(text::TextError),
    #[error("duplicate external_id {0:?} in the file (first at line {1})")]
    Duplicate(String, i64),
}

impl Columns {
    /// Fails with every problem of the header: missing columns, or a column named twice.
    pub fn from_header(entity: EntityType, header: &[String]) -> Result<Self, HeaderError> {
        let names: Vec<String> = header.iter().map(|h| h.trim().to_lowercase()).collect();
        let find = |name: &str| names.iter().position(|h| h == name);
        let schema = entity.schema();
        let mut problems = vec![];
        let mut seen = HashSet::new();
        let twice: Vec<&str> = (names.iter())
            .filter(|n| !n.is_empty() && !seen.insert(n.as_str()))
            .map(String::as_str)
            .collect();
        if !twice.is_empty() {
            problems.push(format!("column(s) named twice: {}", twice.join(", ")));
        }
        let missing: Vec<&str> = COMMON.into_iter().filter(|c| find(c).is_none()).collect();
        if !missing.is_empty() {
            problems.push(format!(
                "missing required column(s): {}",
                missing.join(", ")
            ));
        }
        if !(schema.required.iter()).any(|alt| alt.iter().all(|c| find(c).is_some())) {
            problems.push(format!(
                "a {} file needs the column(s) {}",
                entity.name(),
                alternatives(schema)
            ));
        }
        if !problems.is_empty() {
            return Err(HeaderError(problems));
        }
        Ok(Self {
            entity,
            common: COMMON.map(|c| find(c).unwrap_or_default()),
            source: find(SOURCE),
            content: (schema.content.iter())
                .map(|c| (*c, find(c.name)))
                .collect(),
        })
    }
}

/// Validates rows one at a time. Duplicates across the file are found by the loader, batch by
/// batch, without remembering every id (see `file_load::Duplicates`).
pub struct Validator {
    columns: Columns,
}

impl Validator {
    pub fn new(columns: Columns) -> Self {
        Self { columns }
    }

    pub fn check(&self, line: u64, fields: &[String]) -> Result<EventRow, RowError> {
        let c = &self.columns;
        if let Some((i, code)) = control_character(fields) {
            let column = c.name_of(i).unwrap_or_else(|| format!("{}", i + 1));
            return Err(RowError::Control { column, code });
        }
        // The length limits of every entry path (`ingest/text.rs`), on the columns stored
        // (a column the schema does not read is never stored, whatever its size).
        for (i, f) in fields.iter().enumerate() {
            let Some(column) = c.name_of(i) else { continue };
            if let Err(e @ text::TextError::TooLong { .. }) = text::check(&column, f) {
                return Err(RowError::Text(e));
            }
        }
        let get = |i: usize| fields.get(i).map(|v| v.trim()).filter(|v| !v.is_empty());
        let [employee, external_id, language, timestamp] = {
            let mut values = [""; 4];
            for (k, name) in COMMON.iter().enumerate() {
                values[k] = get(c.common[k]).ok_or(RowError::Missing(name))?;
            }
            values
        };
        for (column, value) in [
            ("employee_external_id", employee),
            ("external_id", external_id),
        ] {
            if !is_external_id(value) {
                return Err(RowError::Id {
                    column,
                    value: value.into(),
                });
            }
        }
        let language = language.to_ascii_lowercase();
        if !LANGUAGES.contains(&language.as_str()) {
            return Err(RowError::Language(language));
        }
        let timestamp = instant(timestamp).ok_or_else(|| RowError::Date {
            column: "timestamp",
            value: timestamp.into(),
        })?;

        // Every column of the type, null when empty: a reload then clears what the row left out.
        let mut props: BTreeMap<&'static str, Option<String>> = BTreeMap::new();
        props.insert("event_type", Some(c.entity.name().to_string()));
        props.insert("language", Some(language));
        props.insert("timestamp", Some(timestamp));
        props.insert(SOURCE, c.source.and_then(get).map(str::to_string));
        for (column, at) in &c.content {
            let value = match (at.and_then(get), column.kind) {
                (None, _) => None,
                (Some(v), Kind::Text) => Some(v.to_string()),
                (Some(v), Kind::Date) => Some(instant(v).ok_or_else(|| RowError::Date {
                    column: column.name,
                    value: v.into(),
                })?),
            };
            props.insert(column.name, value);
        }
        let given = |k: &str| props.get(k).and_then(Option::as_deref);
        if let (Some(start), Some(end)) = (given("start_date"), given("end_date")) {
            // One fixed format, so text order is time order.
            if end < start {
                return Err(RowError::EndBeforeStart);
            }
        }
        let schema = c.entity.schema();
        if !(schema.required.iter()).any(|alt| alt.iter().all(|k| given(k).is_some())) {
            return Err(RowError::Content(alternatives(schema)));
        }
        Ok(EventRow {
            employee_external_id: employee.into(),
            external_id: external_id.into(),
            course_id: given("course_id").map(str::to_string),
            props,
            line: line as i64,
        })
    }
}

impl Columns {
    fn name_of(&self, index: usize) -> Option<String> {
        let common = (COMMON.iter().zip(self.common)).find(|(_, i)| *i == index);
        if let Some((name, _)) = common {
            return Some(name.to_string());
        }
        if self.source == Some(index) {
            return Some(SOURCE.to_string());
        }
        (self.content.iter())
            .find(|(_, i)| *i == Some(index))
            .map(|(c, _)| c.name.to_string())
    }
}

/// The first control character (or bidirectional override) of any field.
fn control_character(fields: &[String]) -> Option<(usize, u32)> {
    fields.iter().enumerate().find_map(|(i, f)| {
        f.chars()
            .find(|ch| text::is_unsafe(*ch))
            .map(|ch| (i, ch as u32))
    })
}

/// The Skill Event API's external id: 1-100 of `[A-Za-z0-9_-]`.
pub fn is_external_id(id: &str) -> bool {
    (1..=100).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// An ISO 8601 date or date-time as one fixed-width UTC format (`2025-05-02T00:00:00.000Z`):
/// a date is the start of that day, a date-time without offset is taken as UTC. Years 0001 to
/// 9999 only: others do not print in four digits, and stored text order is time order.
pub fn instant(raw: &str) -> Option<String> {
    use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, Utc};
    let utc = if let Ok(t) = DateTime::parse_from_rfc3339(raw) {
        t.with_timezone(&Utc)
    } else if let Ok(t) = NaiveDateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M:%S%.f") {
        t.and_utc()
    } else {
        NaiveDate::parse_from_str(raw, "%Y-%m-%d")
            .ok()?
            .and_hms_opt(0, 0, 0)?
            .and_utc()
    };
    if !(1..=9999).contains(&utc.year()) {
        return None;
    }
    Some(utc.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use strum::IntoEnumIterator;

    fn rec(fields: &[&str]) -> Vec<String> {
        fields.iter().map(|f| f.to_string()).collect()
    }

    const HEAD: [&str; 5] = [
        "employee_external_id",
        "language",
        "external_id",
        "timestamp",
        "source",
    ];

    fn header(content: &[&str]) -> Vec<String> {
        rec(&[&HEAD[..], content].concat())
    }

    #[test]
    fn every_type_names_its_columns_once_and_requires_columns_it_has() {
        for entity in EntityType::iter() {
            let schema = entity.schema();
            let names: Vec<&str> = schema.content.iter().map(|c| c.name).collect();
            let unique: HashSet<&&str> = names.iter().collect();
            assert_eq!(unique.len(), names.len(), "{entity:?}");
            for alt in schema.required {
                assert!(alt.iter().all(|c| names.contains(c)), "{entity:?}");
            }
            assert_eq!(entity.name().parse::<EntityType>().unwrap(), entity);
        }
    }

    #[test]
    fn headers_need_the_common_columns_a_required_alternative_and_no_repeats() {
        let ok = header(&["course_id", "extra"]);
        assert!(Columns::from_header(EntityType::Learning, &ok).is_ok());
        let titles = header(&["learning_title", "learning_description"]);
        assert!(Columns::from_header(EntityType::Learning, &titles).is_ok());
        let err = |entity, h: &[&str]| {
            Columns::from_header(entity, &rec(h))
                .unwrap_err()
                .to_string()
        };
        let e = err(
            EntityType::Learning,
            &["employee_external_id", "language", "course_id"],
        );
        assert!(e.contains("external_id, timestamp"), "{e}");
        let e = err(
            EntityType::Learning,
            &[&HEAD[..], &["learning_title"]].concat(),
        );
        assert!(
            e.contains("course_id, or learning_title and learning_description"),
            "{e}"
        );
        let e = err(
            EntityType::Goal,
            &[&HEAD[..], &["goal_title", "Language"]].concat(),
        );
        assert!(e.contains("named twice: language"), "{e}");
        let e = err(
            EntityType::WorkingHistory,
            &[&HEAD[..], &["course_id"]].concat(),
        );
        assert!(
            e.contains("a working_history file needs the column(s) job_title"),
            "{e}"
        );
    }

    #[test]
    fn rows_are_validated_with_the_rule_they_break() {
        let h = header(&["job_title", "start_date", "end_date", "notes"]);
        let cols = Columns::from_header(EntityType::WorkingHistory, &h).unwrap();
        let check = |fields: &[&str]| Validator::new(cols.clone()).check(7, &rec(fields));
        let ok = check(&[
            "e1",
            "EN",
            "w-1",
            "2025-05-02",
            "hr",
            "Manager",
            "2018-09-05",
            "",
            "x",
        ])
        .unwrap();
        assert_eq!(ok.line, 7);
        let prop = |k: &str| ok.props[k].as_deref();
        assert_eq!(prop("timestamp"), Some("2025-05-02T00:00:00.000Z"));
        assert_eq!(prop("start_date"), Some("2018-09-05T00:00:00.000Z"));
        assert_eq!(prop("language"), Some("en"));
        assert_eq!(prop("event_type"), Some("working_history"));
        // Empty columns of the type are sent as null (so a reload clears them); others never.
        assert_eq!(prop("end_date"), None);
        assert!(ok.props.contains_key("company") && !ok.props.contains_key("notes"));
        let err = |fields: &[&str]| check(fields).unwrap_err().to_string();
        let base = ["e1", "en", "w-1", "2025-05-02", "", "Manager", "", "", ""];
        let with = |i: usize, v: &'static str| {
            let mut f = base;
            f[i] = v;
            err(&f)
        };
        assert!(with(0, "e 1").contains("employee_external_id \"e 1\" must be 1-100"));
        assert!(with(2, &"x".repeat(101).leak()[..]).contains("external_id"));
        assert!(with(2, "ev/1").contains("must be 1-100 letters"));
        assert!(with(1, "en-US").contains("auto, nl, fr, en, de"));
        assert!(with(3, "02/05/2025").contains("bad timestamp"));
        assert!(with(5, "").contains("needs job_title"));
        assert!(with(6, "2018-13-01").contains("bad start_date"));
        assert!(with(5, "Man\u{0}ager").contains("U+0000 in column job_title"));
        assert!(with(8, "bell\u{7}").contains("U+0007 in column 9"));
        let mut f = base;
        f[6] = "2020-01-01";
        f[7] = "2019-12-31T23:00:00Z";
        assert!(err(&f).contains("end_date is before start_date"));
        // Tabs and line breaks are text.
        assert!(check(&["e1", "en", "w-1", "2025-05-02", "", "a\tb\r\nc", "", "", ""]).is_ok());
    }

    #[test]
    fn instants_have_one_fixed_width_format() {
        for (raw, stored) in [
            ("2025-05-02", "2025-05-02T00:00:00.000Z"),
            ("2024-05-01T10:00:00+02:00", "2024-05-01T08:00:00.000Z"),
            ("2024-05-01T10:00:00.5Z", "2024-05-01T10:00:00.500Z"),
            ("2024-05-01T10:00:00.123456Z", "2024-05-01T10:00:00.123Z"),
            ("2024-05-01T10:00:00", "2024-05-01T10:00:00.000Z"),
        ] {
            assert_eq!(instant(raw).as_deref(), Some(stored), "{raw}");
        }
        assert_eq!(
            instant("0001-01-01").as_deref(),
            Some("0001-01-01T00:00:00.000Z")
        );
        assert_eq!(
            instant("9999-12-31T23:59:59Z").as_deref(),
            Some("9999-12-31T23:59:59.000Z")
        );
        // Year 0, negative and five-digit years would break "text order is time order".
        for bad in [
            "",
            "yesterday",
            "2025-5-2x",
            "2025-02-30",
            "10:00",
            "0000-01-01",
            "-0001-01-01",
            "0000-06-01T00:00:00Z",
            "0001-01-01T00:00:00+01:00",
            "+10000-01-01",
        ] {
            assert_eq!(instant(bad), None, "{bad}");
        }
    }
}
