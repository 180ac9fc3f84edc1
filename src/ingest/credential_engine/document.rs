//! Registry documents parsed keeping only the properties the mapping reads ([`ctdl::PROPERTIES`]):
//! everything else is skipped as it is parsed, so a large document costs what it contributes,
//! not what it weighs (a `serde_json::Value` of a whole document takes many times its size).
//! What is kept is bounded too, whatever the document's shape: a list keeps each distinct
//! string once and at most [`MAX_ITEMS`] items, a string is at most [`MAX_STRING_BYTES`], a
//! document keeps at most [`MAX_KEPT_BYTES`] and [`MAX_NODES`] nodes. A 60 MiB list of `"a"`
//! took 2.4 GiB as a `Value`; over a limit, the document is refused with the reason.
use std::collections::HashSet;
use std::hash::{Hash, Hasher};

use serde::de::{DeserializeSeed, Deserializer, Error, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::{Map, Value};

use super::ctdl;
use crate::ingest::text::is_unsafe;

/// Items one kept list or object may hold (distinct strings count once).
pub const MAX_ITEMS: usize = 20_000;
/// Longest kept string, in bytes.
pub const MAX_STRING_BYTES: usize = 64 * 1024;
/// What one document may keep, counted as string bytes plus a word per value.
pub const MAX_KEPT_BYTES: usize = 64 * 1024 * 1024;
/// Node objects one document's `@graph` may hold.
pub const MAX_NODES: usize = 100_000;
/// Deepest nesting of a kept value (language maps and profiles are a few levels deep).
const MAX_DEPTH: usize = 16;
/// What a value costs besides its text.
const VALUE_BYTES: usize = 32;

/// A JSON-LD node (or `@graph` document) with only the properties in [`ctdl::PROPERTIES`].
#[derive(Debug, Default)]
pub struct Document {
    pub value: Value,
    /// Unsafe characters ([`crate::ingest::text::is_unsafe`]) removed from its kept strings.
    pub stripped: usize,
}

impl<'de> Deserialize<'de> for Document {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let mut budget = Budget::default();
        let node = d.deserialize_any(Nodes(&mut budget))?;
        Ok(Document {
            value: node.unwrap_or(Value::Null),
            stripped: budget.stripped,
        })
    }
}

/// What a document has kept so far.
#[derive(Default)]
struct Budget {
    kept: usize,
    nodes: usize,
    stripped: usize,
}

impl Budget {
    fn charge<E: Error>(&mut self, bytes: usize) -> Result<(), E> {
        self.kept += bytes + VALUE_BYTES;
        if self.kept > MAX_KEPT_BYTES {
            return Err(E::custom(format!(
                "the document holds more than {} MiB of the properties read",
                MAX_KEPT_BYTES >> 20
            )));
        }
        Ok(())
    }
}

/// Keeps a node object of a document; anything else (a bare reference in `@graph`, say) is
/// read past and becomes `None`.
struct Nodes<'b>(&'b mut Budget);

impl<'de> DeserializeSeed<'de> for Nodes<'_> {
    type Value = Option<Value>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

/// The nodes of `@graph`, objects only.
struct Graph<'b>(&'b mut Budget);

impl<'de> DeserializeSeed<'de> for Graph<'_> {
    type Value = Vec<Value>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Graph<'_> {
    type Value = Vec<Value>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a list of JSON-LD nodes")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<Value>, A::Error> {
        let mut out = vec![];
        while let Some(node) = seq.next_element_seed(Nodes(&mut *self.0))? {
            let Some(node) = node else { continue };
            self.0.nodes += 1;
            if self.0.nodes > MAX_NODES {
                return Err(A::Error::custom(format!(
                    "@graph holds more than {MAX_NODES} nodes"
                )));
            }
            out.push(node);
        }
        Ok(out)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Vec<Value>, A::Error> {
        Ok(Nodes(self.0).visit_map(map)?.into_iter().collect())
    }
}

impl<'de> Visitor<'de> for Nodes<'_> {
    type Value = Option<Value>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON-LD node object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Option<Value>, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            // The registry's envelope carries the document under `decoded_resource`.
            if key == "@graph" {
                let nodes = map.next_value_seed(Graph(&mut *self.0))?;
                out.insert(key, Value::Array(nodes));
            } else if key == "decoded_resource" {
                let node = map.next_value_seed(Nodes(&mut *self.0))?;
                out.insert(key, node.unwrap_or(Value::Null));
            } else if ctdl::PROPERTIES.contains(&key.as_str()) {
                let value = map.next_value_seed(Bounded {
                    budget: &mut *self.0,
                    property: ctdl_name(&key),
                    depth: 0,
                })?;
                out.insert(key, value);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(Some(Value::Object(out)))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Option<Value>, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(None)
    }

    fn visit_str<E>(self, _: &str) -> Result<Option<Value>, E> {
        Ok(None)
    }
    fn visit_bool<E>(self, _: bool) -> Result<Option<Value>, E> {
        Ok(None)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Option<Value>, E> {
        Ok(None)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Option<Value>, E> {
        Ok(None)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Option<Value>, E> {
        Ok(None)
    }
    fn visit_unit<E>(self) -> Result<Option<Value>, E> {
        Ok(None)
    }
}

/// The kept property's name as `ctdl::PROPERTIES` spells it (a `'static` for error messages).
fn ctdl_name(key: &str) -> &'static str {
    ctdl::PROPERTIES
        .iter()
        .find(|p| **p == key)
        .copied()
        .unwrap_or("a property")
}

/// A kept property's value, within the limits.
struct Bounded<'b> {
    budget: &'b mut Budget,
    property: &'static str,
    depth: usize,
}

impl Bounded<'_> {
    fn inner(&mut self) -> Bounded<'_> {
        Bounded {
            budget: &mut *self.budget,
            property: self.property,
            depth: self.depth + 1,
        }
    }

    fn too_many<E: Error>(&self) -> E {
        E::custom(format!(
            "{} lists more than {MAX_ITEMS} distinct items",
            self.property
        ))
    }
}

impl<'de> DeserializeSeed<'de> for Bounded<'_> {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        if self.depth > MAX_DEPTH {
            return Err(D::Error::custom(format!(
                "{} is nested more than {MAX_DEPTH} levels deep",
                self.property
            )));
        }
        d.deserialize_any(self)
    }
}

/// A string's fingerprint, to keep each distinct string of a list once without a second copy.
fn fingerprint(s: &str) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    s.hash(&mut h);
    h.finish()
}

impl<'de> Visitor<'de> for Bounded<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_str<E: Error>(self, v: &str) -> Result<Value, E> {
        if v.len() > MAX_STRING_BYTES {
            return Err(E::custom(format!(
                "a value of {} is {} bytes long (at most {MAX_STRING_BYTES})",
                self.property,
                v.len()
            )));
        }
        self.budget.charge(v.len())?;
        if !v.chars().any(is_unsafe) {
            return Ok(Value::String(v.to_string()));
        }
        let kept: String = v.chars().filter(|c| !is_unsafe(*c)).collect();
        self.budget.stripped += v.chars().count() - kept.chars().count();
        Ok(Value::String(kept))
    }

    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<Value, A::Error> {
        let (mut out, mut seen) = (vec![], HashSet::new());
        while let Some(item) = seq.next_element_seed(self.inner())? {
            // Repeats of a string are read past: they add nothing to the mapping.
            if let Value::String(s) = &item {
                if !seen.insert(fingerprint(s)) {
                    // Not kept: not charged.
                    self.budget.kept -= s.len() + VALUE_BYTES;
                    continue;
                }
            }
            if out.len() == MAX_ITEMS {
                return Err(self.too_many());
            }
            out.push(item);
        }
        Ok(Value::Array(out))
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if out.len() == MAX_ITEMS {
                return Err(self.too_many());
            }
            self.budget.charge(key.len().min(MAX_STRING_BYTES))?;
            let value = map.next_value_seed(self.inner())?;
            out.insert(key, value);
        }
        Ok(Value::Object(out))
    }

    fn visit_bool<E: Error>(self, v: bool) -> Result<Value, E> {
        self.budget.charge(0)?;
        Ok(Value::Bool(v))
    }
    fn visit_i64<E: Error>(self, v: i64) -> Result<Value, E> {
        self.budget.charge(0)?;
        Ok(Value::from(v))
    }
    fn visit_u64<E: Error>(self, v: u64) -> Result<Value, E> {
        self.budget.charge(0)?;
        Ok(Value::from(v))
    }
    fn visit_f64<E: Error>(self, v: f64) -> Result<Value, E> {
        self.budget.charge(0)?;
        Ok(Value::from(v))
    }
    fn visit_unit<E: Error>(self) -> Result<Value, E> {
        self.budget.charge(0)?;
        Ok(Value::Null)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slim(json: &str) -> Value {
        serde_json::from_str::<Document>(json).unwrap().value
    }

    #[test]
    fn control_characters_and_overrides_are_removed_and_counted() {
        let doc: Document = serde_json::from_str(
            r#"{"ceasn:competencyText": "Evil\u0000 na\u202eme", "x": "\u0000"}"#,
        )
        .unwrap();
        assert_eq!(doc.value["ceasn:competencyText"], "Evil name");
        assert_eq!(doc.stripped, 2);
    }

    #[test]
    fn kept_values_are_bounded_and_repeats_kept_once() {
        let repeated = format!(
            r#"{{"ceasn:hasTopChild": [{}"b"]}}"#,
            r#""a","#.repeat(100_000)
        );
        assert_eq!(
            slim(&repeated),
            serde_json::json!({"ceasn:hasTopChild": ["a", "b"]})
        );
        let distinct: Vec<String> = (0..=MAX_ITEMS).map(|i| format!("k{i}")).collect();
        let doc = serde_json::json!({"ceasn:conceptKeyword": distinct}).to_string();
        let err = serde_json::from_str::<Document>(&doc)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("ceasn:conceptKeyword lists more than 20000"),
            "{err}"
        );
        let long = serde_json::json!({"ceasn:competencyText": "x".repeat(MAX_STRING_BYTES + 1)});
        let err = serde_json::from_str::<Document>(&long.to_string()).unwrap_err();
        assert!(err.to_string().contains("65537 bytes"), "{err}");
        let deep = format!(r#"{{"ceasn:name": {}1{}}}"#, "[".repeat(40), "]".repeat(40));
        assert!(serde_json::from_str::<Document>(&deep).is_err());
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
