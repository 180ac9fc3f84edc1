//! Each Skill Event type's `content` as its own GraphQL object, built from the stored columns.
use std::collections::BTreeMap;

use async_graphql::{SimpleObject, Union};
use serde::Deserialize;

use crate::ingest::file_load::EntityType;

macro_rules! contents {
    ($($variant:ident => $name:ident { $($field:ident),* })*) => {
        $(
            #[derive(SimpleObject, Deserialize, Default, Debug, PartialEq)]
            #[serde(default)]
            pub struct $name {
                $(pub $field: Option<String>,)*
            }

            impl $name {
                #[cfg(test)]
                const FIELDS: &'static [&'static str] = &[$(stringify!($field)),*];
            }
        )*

        /// What the event says, typed by its event type. Dates and times are ISO 8601 UTC in
        /// one fixed width (`2025-05-02T00:00:00.000Z`).
        #[derive(Union, Debug, PartialEq)]
        pub enum SkillEventContent {
            $($variant($name),)*
        }

        impl SkillEventContent {
            /// The content of the stored columns; an error when a column holds what the type
            /// cannot (not an empty object, which would hide it).
            pub fn new(
                entity: EntityType,
                stored: &BTreeMap<String, serde_json::Value>,
            ) -> Result<Self, serde_json::Error> {
                // Only the type's own columns are stored, so unknown keys cannot occur.
                let value = serde_json::Value::Object(stored.clone().into_iter().collect());
                Ok(match entity {
                    $(EntityType::$variant => Self::$variant(serde_json::from_value(value)?),)*
                })
            }
        }

        #[cfg(test)]
        fn fields(entity: EntityType) -> &'static [&'static str] {
            match entity {
                $(EntityType::$variant => $name::FIELDS,)*
            }
        }
    };
}

contents! {
    WorkingHistory => WorkingHistoryContent { job_title, job_description, company, start_date, end_date }
    EducationHistory => EducationHistoryContent { degree_name, degree_description, institution, start_date, end_date }
    ResumeDocument => ResumeDocumentContent { resume_text }
    Learning => LearningContent { course_id, learning_title, learning_description }
    Feedback => FeedbackContent { feedback_description }
    Goal => GoalContent { goal_title, goal_description }
    Project => ProjectContent { project_title, project_description, start_date, end_date }
    Ticket => TicketContent { ticket_title, ticket_description }
    Certificate => CertificateContent { certificate_name, certificate_description, issuer }
    SkillNotes => SkillNotesContent { skill_notes }
    SkillProfileFeedback => SkillProfileFeedbackContent { skill_name, feedback_description }
}

#[cfg(test)]
mod tests {
    use super::*;
    use strum::IntoEnumIterator;

    #[test]
    fn every_content_object_has_exactly_its_types_columns() {
        for entity in EntityType::iter() {
            let columns: Vec<&str> = entity.schema().content.iter().map(|c| c.name).collect();
            assert_eq!(fields(entity), columns.as_slice(), "{entity:?}");
        }
    }

    #[test]
    fn content_is_read_from_the_stored_columns() {
        let stored: BTreeMap<String, serde_json::Value> = [
            ("job_title", "HR Manager"),
            ("start_date", "2018-09-05T00:00:00.000Z"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.into()))
        .collect();
        let SkillEventContent::WorkingHistory(c) =
            SkillEventContent::new(EntityType::WorkingHistory, &stored).unwrap()
        else {
            panic!("not working history")
        };
        assert_eq!(c.job_title.as_deref(), Some("HR Manager"));
        assert_eq!(c.start_date.as_deref(), Some("2018-09-05T00:00:00.000Z"));
        assert_eq!(c.company, None);
    }

    #[test]
    fn content_that_does_not_decode_is_an_error_not_an_empty_object() {
        let stored: BTreeMap<String, serde_json::Value> = [(
            "job_title".to_string(),
            serde_json::json!(["not", "a", "string"]),
        )]
        .into();
        assert!(SkillEventContent::new(EntityType::WorkingHistory, &stored).is_err());
    }
}
