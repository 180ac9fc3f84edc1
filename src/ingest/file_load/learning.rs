//! The `learning` skill-event schema: which columns a CSV must have and what a valid row is.
use std::collections::HashSet;

use crate::graph::events::LearningEventRow;
use crate::model::LearningEventProps;

pub const REQUIRED: [&str; 4] = [
    "employee_external_id",
    "language",
    "external_id",
    "timestamp",
];

/// Positions of the known columns in the header; unknown columns are ignored.
#[derive(Debug, Clone)]
pub struct Columns {
    employee_external_id: usize,
    language: usize,
    external_id: usize,
    timestamp: usize,
    course_id: Option<usize>,
    learning_title: Option<usize>,
    learning_description: Option<usize>,
    source: Option<usize>,
}

/// Why a header cannot carry valid rows: every problem with it, named.
#[derive(Debug, thiserror::Error)]
#[error("invalid header: {}", .0.join("; "))]
pub struct HeaderError(Vec<String>);

/// Why one row was rejected.
#[derive(Debug, thiserror::Error)]
pub enum RowError {
    #[error("missing value for {0}")]
    Missing(&'static str),
    #[error("bad language code {0:?} (expected e.g. en or en-US)")]
    Language(String),
    #[error("bad timestamp {0:?}: {1} (expected RFC 3339)")]
    Timestamp(String, chrono::ParseError),
    #[error("needs course_id or both learning_title and learning_description")]
    NoCourseOrTitle,
    #[error("duplicate external_id {0:?} in the file")]
    Duplicate(String),
}

impl Columns {
    /// Fails with the missing column names when the header cannot carry valid rows.
    pub fn from_header(header: &csv::StringRecord) -> Result<Self, HeaderError> {
        let find = |name: &str| {
            header
                .iter()
                .position(|h| h.trim().eq_ignore_ascii_case(name))
        };
        let missing: Vec<&str> = REQUIRED
            .iter()
            .copied()
            .filter(|c| find(c).is_none())
            .collect();
        let course_id = find("course_id");
        let title = find("learning_title");
        let description = find("learning_description");
        let mut problems = vec![];
        if !missing.is_empty() {
            problems.push(format!(
                "missing required column(s): {}",
                missing.join(", ")
            ));
        }
        if course_id.is_none() && (title.is_none() || description.is_none()) {
            problems.push(
                "needs a course_id column or both learning_title and learning_description"
                    .to_string(),
            );
        }
        if !problems.is_empty() {
            return Err(HeaderError(problems));
        }
        Ok(Self {
            employee_external_id: find("employee_external_id").unwrap_or_default(),
            language: find("language").unwrap_or_default(),
            external_id: find("external_id").unwrap_or_default(),
            timestamp: find("timestamp").unwrap_or_default(),
            course_id,
            learning_title: title,
            learning_description: description,
            source: find("source"),
        })
    }
}

/// Validates rows one at a time; remembers external ids to catch duplicates within the file.
pub struct Validator {
    columns: Columns,
    seen: HashSet<String>,
}

impl Validator {
    pub fn new(columns: Columns) -> Self {
        Self {
            columns,
            seen: HashSet::new(),
        }
    }

    pub fn check(&mut self, record: &csv::StringRecord) -> Result<LearningEventRow, RowError> {
        let c = &self.columns;
        let get = |i: usize| record.get(i).map(str::trim).filter(|v| !v.is_empty());
        let opt = |i: Option<usize>| i.and_then(get).map(str::to_string);
        let required = |name: &'static str, i: usize| get(i).ok_or(RowError::Missing(name));

        let employee = required("employee_external_id", c.employee_external_id)?;
        let external_id = required("external_id", c.external_id)?;
        let language = required("language", c.language)?;
        if !is_language_code(language) {
            return Err(RowError::Language(language.into()));
        }
        let raw_ts = required("timestamp", c.timestamp)?;
        let timestamp = chrono::DateTime::parse_from_rfc3339(raw_ts)
            .map_err(|e| RowError::Timestamp(raw_ts.into(), e))?
            .with_timezone(&chrono::Utc)
            .to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true);
        let course_id = opt(c.course_id);
        let title = opt(c.learning_title);
        let description = opt(c.learning_description);
        if course_id.is_none() && (title.is_none() || description.is_none()) {
            return Err(RowError::NoCourseOrTitle);
        }
        if !self.seen.insert(external_id.to_string()) {
            return Err(RowError::Duplicate(external_id.into()));
        }
        Ok(LearningEventRow {
            employee_external_id: employee.into(),
            external_id: external_id.into(),
            course_id: course_id.clone(),
            props: LearningEventProps {
                language: Some(language.into()),
                timestamp: Some(timestamp),
                source: opt(c.source),
                course_id,
                learning_title: title,
                learning_description: description,
            },
        })
    }
}

/// A well-formed BCP 47 tag (`en`, `en-US`, `zh-Hant-TW`) whose language is an ISO 639 code
/// (2 or 3 letters): BCP 47 also allows 5-8 letter languages, but none is registered.
pub fn is_language_code(code: &str) -> bool {
    oxilangtag::LanguageTag::parse(code)
        .is_ok_and(|tag| (2..=3).contains(&tag.primary_language().len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(fields: &[&str]) -> csv::StringRecord {
        csv::StringRecord::from(fields.to_vec())
    }

    #[test]
    fn header_needs_required_columns_and_a_course_or_title_pair() {
        let ok = rec(&[
            "employee_external_id",
            "language",
            "external_id",
            "timestamp",
            "course_id",
            "extra",
        ]);
        assert!(Columns::from_header(&ok).is_ok());
        let titles = rec(&[
            "employee_external_id",
            "language",
            "external_id",
            "timestamp",
            "learning_title",
            "learning_description",
        ]);
        assert!(Columns::from_header(&titles).is_ok());
        let err = Columns::from_header(&rec(&["employee_external_id", "language", "course_id"]))
            .unwrap_err()
            .to_string();
        assert!(err.contains("external_id, timestamp"), "{err}");
        let err = Columns::from_header(&rec(&[
            "employee_external_id",
            "language",
            "external_id",
            "timestamp",
            "learning_title",
        ]))
        .unwrap_err()
        .to_string();
        assert!(err.contains("course_id"), "{err}");
    }

    #[test]
    fn rows_are_validated_with_reasons() {
        let header = rec(&[
            "employee_external_id",
            "language",
            "external_id",
            "timestamp",
            "course_id",
            "learning_title",
            "learning_description",
            "source",
        ]);
        let mut v = Validator::new(Columns::from_header(&header).unwrap());
        let ok = v
            .check(&rec(&[
                "e1",
                "en-US",
                "x1",
                "2024-05-01T10:00:00+02:00",
                "c1",
                "",
                "",
                "lms",
            ]))
            .unwrap();
        assert_eq!(ok.props.timestamp.as_deref(), Some("2024-05-01T08:00:00Z"));
        assert_eq!(ok.props.source.as_deref(), Some("lms"));
        let err = |fields: &[&str]| {
            Validator::new(Columns::from_header(&header).unwrap())
                .check(&rec(fields))
                .unwrap_err()
                .to_string()
        };
        assert!(
            err(&["", "en", "x", "2024-05-01T10:00:00Z", "c", "", "", ""])
                .contains("employee_external_id")
        );
        assert!(err(&[
            "e",
            "english!",
            "x",
            "2024-05-01T10:00:00Z",
            "c",
            "",
            "",
            ""
        ])
        .contains("language"));
        assert!(err(&["e", "en", "x", "yesterday", "c", "", "", ""]).contains("timestamp"));
        assert!(err(&[
            "e",
            "en",
            "x",
            "2024-05-01T10:00:00Z",
            "",
            "title only",
            "",
            ""
        ])
        .contains("course_id"));
        assert!(v
            .check(&rec(&[
                "e2",
                "en",
                "x1",
                "2024-05-01T10:00:00Z",
                "c",
                "",
                "",
                ""
            ]))
            .unwrap_err()
            .to_string()
            .contains("duplicate"));
    }

    #[test]
    fn language_codes() {
        for ok in ["en", "en-US", "zh-Hant-TW", "fil"] {
            assert!(is_language_code(ok), "{ok}");
        }
        for bad in ["", "e", "english", "en-", "12", "en US", "en-US-US-x"] {
            assert!(!is_language_code(bad), "{bad}");
        }
    }
}
