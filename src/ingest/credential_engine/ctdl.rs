//! Reading CTDL-ASN JSON-LD: language maps, URI lists, and the mapping of a framework and its
//! competencies onto graph rows.
use std::collections::{BTreeSet, HashMap};

use serde_json::Value;

use crate::graph::writes::{AlignmentRow, ChildEdges, FrameworkRow, OccupationRow, SkillRow};
use crate::model::{FrameworkProps, SkillProps};

pub const SOURCE: &str = "credential_engine";
pub const FRAMEWORK_TYPE: &str = "ceasn:CompetencyFramework";
pub const COMPETENCY_TYPE: &str = "ceasn:Competency";

/// Every property the mapping reads on a framework or competency node; a registry document
/// is parsed keeping only these (see `document.rs`).
pub const PROPERTIES: &[&str] = &[
    "@id",
    "@type",
    "ceasn:author",
    "ceasn:broadAlignment",
    "ceasn:codedNotation",
    "ceasn:competencyCategory",
    "ceasn:competencyLabel",
    "ceasn:competencyText",
    "ceasn:conceptKeyword",
    "ceasn:creator",
    "ceasn:description",
    "ceasn:exactAlignment",
    "ceasn:hasChild",
    "ceasn:hasTopChild",
    "ceasn:inLanguage",
    "ceasn:isChildOf",
    "ceasn:majorAlignment",
    "ceasn:minorAlignment",
    "ceasn:name",
    "ceasn:narrowAlignment",
    "ceasn:publisher",
    "ceasn:publisherName",
    "ceterms:ctid",
    "ceterms:occupationType",
];

/// CTDL-ASN alignment properties and the strength each one asserts.
const ALIGNMENTS: [(&str, &str); 5] = [
    ("ceasn:exactAlignment", "exact"),
    ("ceasn:majorAlignment", "major"),
    ("ceasn:minorAlignment", "minor"),
    ("ceasn:broadAlignment", "broad"),
    ("ceasn:narrowAlignment", "narrow"),
];

pub fn has_type(doc: &Value, ty: &str) -> bool {
    match doc.get("@type") {
        Some(Value::String(s)) => s == ty,
        Some(Value::Array(a)) => a.iter().any(|t| t.as_str() == Some(ty)),
        _ => false,
    }
}

pub fn id(doc: &Value) -> Option<&str> {
    doc.get("@id").and_then(Value::as_str)
}

/// Picks one string from a plain string, a language map (`{"en-US": "..."}`), a JSON-LD value
/// object or a list of those. Preference: the configured language, the same primary language
/// (`en-US` → `en`, `en-GB`), English, then the first value in key order.
pub fn text(v: Option<&Value>, lang: &str) -> Option<String> {
    texts(v, lang).into_iter().next()
}

/// Like [`text`] but keeps every value of the chosen language (e.g. `ceasn:conceptKeyword`).
pub fn texts(v: Option<&Value>, lang: &str) -> Vec<String> {
    let clean = |s: &str| {
        let t = s.trim();
        (!t.is_empty()).then(|| t.to_string())
    };
    match v {
        None | Some(Value::Null) => vec![],
        Some(Value::String(s)) => clean(s).into_iter().collect(),
        Some(Value::Array(items)) => {
            // A list of JSON-LD value objects in several languages is itself a language map.
            if items.iter().all(|i| i.get("@language").is_some()) && !items.is_empty() {
                let mut map = serde_json::Map::new();
                for i in items {
                    let key = i["@language"].as_str().unwrap_or_default().to_string();
                    let entry = map.entry(key).or_insert_with(|| Value::Array(vec![]));
                    if let (Value::Array(list), Some(val)) = (entry, i.get("@value")) {
                        list.push(val.clone());
                    }
                }
                return texts(Some(&Value::Object(map)), lang);
            }
            items.iter().flat_map(|i| texts(Some(i), lang)).collect()
        }
        Some(Value::Object(map)) => {
            if let Some(val) = map.get("@value") {
                return texts(Some(val), lang);
            }
            let primary = |l: &str| l.split(['-', '_']).next().unwrap_or(l).to_ascii_lowercase();
            let want = primary(lang);
            let pick = map
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(lang))
                .or_else(|| map.iter().find(|(k, _)| primary(k) == want))
                .or_else(|| map.iter().find(|(k, _)| primary(k) == "en"))
                .or_else(|| map.iter().next());
            pick.map(|(_, v)| texts(Some(v), lang)).unwrap_or_default()
        }
        Some(other) => vec![other.to_string()],
    }
}

/// URIs from a string, `{"@id": ...}`, or a list of either.
pub fn uris(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::String(s)) if !s.trim().is_empty() => vec![s.trim().to_string()],
        Some(Value::Array(a)) => a.iter().flat_map(|x| uris(Some(x))).collect(),
        Some(Value::Object(o)) => uris(o.get("@id")),
        _ => vec![],
    }
}

pub fn framework_row(doc: &Value, uri: &str, lang: &str) -> FrameworkRow {
    FrameworkRow {
        uri: id(doc).unwrap_or(uri).to_string(),
        props: FrameworkProps {
            ctid: text(doc.get("ceterms:ctid"), lang),
            name: text(doc.get("ceasn:name"), lang),
            description: text(doc.get("ceasn:description"), lang),
            publisher: text(doc.get("ceasn:publisherName"), lang)
                .or_else(|| uris(doc.get("ceasn:publisher")).into_iter().next()),
            source_name: Some(SOURCE.into()),
            language: text(doc.get("ceasn:inLanguage"), lang),
        },
    }
}

/// Everything one framework import writes.
#[derive(Debug, Default)]
pub struct Mapped {
    pub skills: Vec<SkillRow>,
    pub parents: Vec<ChildEdges>,
    pub alignments: Vec<AlignmentRow>,
    pub occupations: Vec<OccupationRow>,
    /// Competencies left out, with the reason: (URI, message).
    pub rejected: Vec<(String, String)>,
}

/// Maps the competencies of one framework. Hierarchy comes from `ceasn:isChildOf` on the child
/// and `ceasn:hasChild` on the parent, whichever the publisher filled in.
pub fn map_competencies(framework_uri: &str, competencies: &[Value], lang: &str) -> Mapped {
    let mut out = Mapped::default();
    let mut parents: HashMap<String, BTreeSet<String>> = HashMap::new();
    let mut kept: Vec<String> = vec![];
    for c in competencies {
        let Some(uri) = id(c) else {
            out.rejected
                .push(("(no @id)".into(), "competency without @id".into()));
            continue;
        };
        let Some(full_text) = text(c.get("ceasn:competencyText"), lang) else {
            out.rejected
                .push((uri.into(), "competency has no ceasn:competencyText".into()));
            continue;
        };
        let label = text(c.get("ceasn:competencyLabel"), lang);
        let (name, description) = match label {
            Some(label) => (label, Some(full_text)),
            None => (full_text, None),
        };
        out.skills.push(SkillRow {
            uri: uri.into(),
            framework_uri: Some(framework_uri.into()),
            props: SkillProps {
                ctid: text(c.get("ceterms:ctid"), lang),
                name: Some(name),
                description,
                keywords: texts(c.get("ceasn:conceptKeyword"), lang),
                author: Some(texts(c.get("ceasn:author"), lang).join(", "))
                    .filter(|s| !s.is_empty()),
                creator: uris(c.get("ceasn:creator")).into_iter().next(),
                reference_id: text(c.get("ceasn:codedNotation"), lang),
                source_name: Some(SOURCE.into()),
                type_id: Some(COMPETENCY_TYPE.into()),
                type_name: text(c.get("ceasn:competencyCategory"), lang),
                organizations: uris(c.get("ceasn:publisher")),
                language: text(c.get("ceasn:inLanguage"), lang),
            },
        });
        kept.push(uri.to_string());
        parents
            .entry(uri.into())
            .or_default()
            .extend(uris(c.get("ceasn:isChildOf")));
        for child in uris(c.get("ceasn:hasChild")) {
            parents.entry(child).or_default().insert(uri.into());
        }
        for (prop, strength) in ALIGNMENTS {
            for to in uris(c.get(prop)) {
                out.alignments.push(AlignmentRow {
                    from: uri.into(),
                    to,
                    source: SOURCE.into(),
                    kind: "aligned".into(),
                    alignment_type: strength.into(),
                    score: None,
                });
            }
        }
        out.occupations.extend(occupations(c, uri, lang));
    }
    // Only competencies being written get their parent set replaced; the framework itself is
    // never a parent (top children have none).
    out.parents = kept
        .into_iter()
        .map(|child| {
            let ps = parents.remove(&child).unwrap_or_default();
            ChildEdges {
                parents: ps
                    .into_iter()
                    .filter(|p| p != framework_uri && *p != child)
                    .collect(),
                child,
            }
        })
        .collect();
    out
}

/// `ceterms:occupationType` credential alignment objects, e.g. O*NET-SOC codes.
fn occupations(c: &Value, uri: &str, lang: &str) -> Vec<OccupationRow> {
    let list = match c.get("ceterms:occupationType") {
        Some(Value::Array(a)) => a.clone(),
        Some(o @ Value::Object(_)) => vec![o.clone()],
        _ => return vec![],
    };
    list.iter()
        .filter_map(|o| {
            let code = text(o.get("ceterms:codedNotation"), lang)?;
            Some(OccupationRow {
                from: uri.into(),
                code,
                name: text(o.get("ceterms:targetNodeName"), lang),
                framework: text(o.get("ceterms:frameworkName"), lang)
                    .or_else(|| uris(o.get("ceterms:framework")).into_iter().next()),
                source: SOURCE.into(),
                kind: "aligned".into(),
                score: None,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn language_maps_prefer_configured_then_primary_then_english() {
        let v = json!({"fr": "Bonjour", "en": "Hello", "en-US": "Howdy"});
        assert_eq!(text(Some(&v), "en-US").as_deref(), Some("Howdy"));
        assert_eq!(text(Some(&v), "fr-CA").as_deref(), Some("Bonjour"));
        assert_eq!(text(Some(&v), "de").as_deref(), Some("Hello"));
        assert_eq!(
            text(Some(&json!({"es": "Hola"})), "en-US").as_deref(),
            Some("Hola")
        );
        assert_eq!(text(Some(&json!("plain")), "en").as_deref(), Some("plain"));
        assert_eq!(text(Some(&json!({"en": "  "})), "en"), None);
        let objs =
            json!([{"@language": "de", "@value": "Hallo"}, {"@language": "en", "@value": "Hi"}]);
        assert_eq!(text(Some(&objs), "en-US").as_deref(), Some("Hi"));
        assert_eq!(
            texts(Some(&json!({"en-US": ["a", "b"]})), "en-US"),
            vec!["a", "b"]
        );
    }

    #[test]
    fn uris_accept_strings_ids_and_lists() {
        assert_eq!(uris(Some(&json!(["a", {"@id": "b"}]))), vec!["a", "b"]);
        assert_eq!(uris(Some(&json!("c"))), vec!["c"]);
        assert!(uris(None).is_empty());
    }

    #[test]
    fn hierarchy_merges_is_child_of_and_has_child_and_skips_the_framework() {
        let comps = vec![
            json!({"@id": "p", "ceasn:competencyText": {"en": "P"}, "ceasn:hasChild": ["c1"], "ceasn:isChildOf": "F"}),
            json!({"@id": "c1", "ceasn:competencyText": "C1"}),
            json!({"@id": "c2", "ceasn:competencyText": "C2", "ceasn:isChildOf": ["p"]}),
            json!({"@id": "bad", "ceasn:competencyLabel": "no text"}),
        ];
        let m = map_competencies("F", &comps, "en");
        let parents: HashMap<_, _> = m
            .parents
            .iter()
            .map(|e| (e.child.as_str(), e.parents.clone()))
            .collect();
        assert_eq!(parents["p"], Vec::<String>::new());
        assert_eq!(parents["c1"], vec!["p"]);
        assert_eq!(parents["c2"], vec!["p"]);
        assert_eq!(m.skills.len(), 3);
        assert_eq!(
            m.rejected,
            vec![(
                "bad".to_string(),
                "competency has no ceasn:competencyText".to_string()
            )]
        );
    }
}
