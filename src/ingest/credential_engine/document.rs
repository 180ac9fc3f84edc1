//! Registry documents parsed keeping only the properties the mapping reads ([`ctdl::PROPERTIES`]):
//! everything else is skipped as it is parsed, so a large document costs what it contributes,
//! not what it weighs (a `serde_json::Value` of a whole document takes many times its size).
use serde::de::{Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::{Map, Value};

use super::ctdl;

/// A JSON-LD node (or `@graph` document) with only the properties in [`ctdl::PROPERTIES`].
#[derive(Debug, Default)]
pub struct Document(pub Value);

impl<'de> Deserialize<'de> for Document {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(Nodes)
    }
}

/// Keeps the node objects of a document; anything else (a bare reference in `@graph`, say) is
/// read past and becomes `null`.
struct Nodes;

impl<'de> Visitor<'de> for Nodes {
    type Value = Document;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON-LD node object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Document, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            // The registry's envelope carries the document under `decoded_resource`.
            if key == "@graph" || key == "decoded_resource" {
                if key == "@graph" {
                    let nodes: Vec<Document> = map.next_value()?;
                    let nodes = nodes.into_iter().map(|d| d.0).filter(Value::is_object);
                    out.insert(key, Value::Array(nodes.collect()));
                } else {
                    out.insert(key, map.next_value::<Document>()?.0);
                }
            } else if ctdl::PROPERTIES.contains(&key.as_str()) {
                out.insert(key, map.next_value()?);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(Document(Value::Object(out)))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Document, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Document::default())
    }

    fn visit_str<E>(self, _: &str) -> Result<Document, E> {
        Ok(Document::default())
    }
    fn visit_bool<E>(self, _: bool) -> Result<Document, E> {
        Ok(Document::default())
    }
    fn visit_i64<E>(self, _: i64) -> Result<Document, E> {
        Ok(Document::default())
    }
    fn visit_u64<E>(self, _: u64) -> Result<Document, E> {
        Ok(Document::default())
    }
    fn visit_f64<E>(self, _: f64) -> Result<Document, E> {
        Ok(Document::default())
    }
    fn visit_unit<E>(self) -> Result<Document, E> {
        Ok(Document::default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slim(json: &str) -> Value {
        serde_json::from_str::<Document>(json).unwrap().0
    }

    #[test]
    fn unread_properties_are_dropped_at_every_level_of_a_graph() {
        let doc = slim(
            r#"{"@context": {"big": "x"}, "@id": "f", "ceasn:name": {"en": "F"}, "junk": [1,2,3],
               "@graph": [{"@id": "c", "ceasn:competencyText": "T", "x-notes": "long"}, "ref", 7]}"#,
        );
        assert_eq!(
            doc,
            serde_json::json!({"@id": "f", "ceasn:name": {"en": "F"},
                "@graph": [{"@id": "c", "ceasn:competencyText": "T"}]})
        );
    }

    /// The mapping reads the same from a slim document as from the whole one, for every
    /// recorded registry document: a property read but not kept would show here.
    #[test]
    fn the_mapping_sees_the_same_rows_in_every_recorded_document() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/ce");
        let mut checked = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            let whole: Value = serde_json::from_str(&text).unwrap();
            let kept = slim(&text);
            let nodes = |v: &Value| match v.get("@graph") {
                Some(Value::Array(items)) => items.clone(),
                _ => vec![v.clone()],
            };
            let (a, b) = (nodes(&whole), nodes(&kept));
            let map = |n: &[Value]| format!("{:?}", ctdl::map_competencies("fw", &[], n, "en-US"));
            assert_eq!(map(&a), map(&b));
            let fw = |n: &[Value]| format!("{:?}", ctdl::framework_row(&n[0], "fw", "en-US"));
            assert_eq!(fw(&a), fw(&b));
            checked += 1;
        }
        assert!(checked >= 5, "only {checked} documents");
    }
}
