//! How a skill is read from a row: as the list of its property values in the order of
//! [`SKILL_PROPERTIES`] (`[s.uuid, s.uri, ...] AS skill`), or as a map of them (`s {.*}`, and
//! JSON). The driver builds a hash map twice for each map it decodes (once decoding, once
//! converting), keys included: for an uncached page of skills with their parents and aligned
//! skills that was a fifth of the service's instructions. A list of values is decoded into a
//! vector.
use async_graphql::ID;
use serde::de::{self, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};

/// Declares the record, the order of its properties in statements, and how a list of values
/// fills it: all from one list, so the three cannot disagree.
macro_rules! skill_record {
    ($($field:ident: $ty:ty),* $(,)?) => {
        /// A skill as stored: its properties, flat (see `Skill`).
        #[derive(Default, Deserialize)]
        #[serde(default)]
        pub(super) struct SkillRecord {
            $(pub(super) $field: $ty,)*
        }

        /// A skill's properties in the order the statements list them. `cypher_lists_skills_in_order`
        /// checks every statement that returns a skill against it.
        pub const SKILL_PROPERTIES: &[&str] = &[$(stringify!($field)),*];

        impl SkillRecord {
            /// From the values in [`SKILL_PROPERTIES`] order; a null or missing value is the
            /// property's default (absent, or an empty list).
            fn from_values<'de, A: SeqAccess<'de>>(mut seq: A) -> Result<Self, A::Error> {
                Ok(Self {
                    $($field: seq.next_element::<Option<$ty>>()?.flatten().unwrap_or_default(),)*
                })
            }
        }
    };
}

skill_record! {
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
}

/// Reads a skill from either form.
pub(super) struct Either;

impl<'de> Visitor<'de> for Either {
    type Value = SkillRecord;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a skill's property values in SKILL_PROPERTIES order, or a map of them")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<SkillRecord, A::Error> {
        SkillRecord::from_values(seq)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<SkillRecord, A::Error> {
        SkillRecord::deserialize(de::value::MapAccessDeserializer::new(map))
    }
}

/// `Skill` is deserialised through this (`#[serde(from)]`) and this through [`Either`].
pub(super) struct AnySkill(pub(super) SkillRecord);

impl<'de> Deserialize<'de> for AnySkill {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(Either).map(AnySkill)
    }
}

#[cfg(test)]
mod tests {
    use super::super::Skill;
    use serde_json::json;

    #[test]
    fn a_skill_reads_the_same_from_its_values_and_from_its_map() {
        let map = json!({"uuid": "u1", "name": "Welding", "keywords": ["metal"], "weight": 2.5});
        let mut values = vec![serde_json::Value::Null; super::SKILL_PROPERTIES.len()];
        let at = |p: &str| {
            super::SKILL_PROPERTIES
                .iter()
                .position(|x| *x == p)
                .unwrap()
        };
        values[at("uuid")] = json!("u1");
        values[at("name")] = json!("Welding");
        values[at("keywords")] = json!(["metal"]);
        values[at("weight")] = json!(2.5);
        let from_map: Skill = serde_json::from_value(map).unwrap();
        let from_values: Skill = serde_json::from_value(json!(values)).unwrap();
        assert_eq!(from_map, from_values);
        assert_eq!(from_values.props.name.as_deref(), Some("Welding"));
        assert_eq!(from_values.props.keywords, ["metal"]);
        assert!(
            from_values.props.comments.is_empty(),
            "a null list is empty"
        );
    }
}
