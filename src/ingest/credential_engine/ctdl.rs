//! Reading CTDL-ASN JSON-LD: language maps, URI lists, and the mapping of a framework and its
//! competencies onto graph rows.
use std::collections::{BTreeSet, HashMap};

use serde_json::Value;

use crate::graph::writes::{
    AlignmentRow, ChildEdges, CredentialRow, FrameworkRow, OccupationRow, SkillRow,
};
use crate::ingest::text;
use crate::model::{AlignmentKind, CredentialProps, FrameworkProps, SkillProps};

pub const SOURCE: &str = "credential_engine";
pub const FRAMEWORK_TYPE: &str = "ceasn:CompetencyFramework";
pub const COMPETENCY_TYPE: &str = "ceasn:Competency";

/// Every property the mapping reads on a framework or competency node; a registry document
/// is parsed keeping only these (see `document.rs`).
pub const PROPERTIES: &[&str] = &[
    "@id",
    "@type",
    "ceasn:alignTo",
    "ceasn:author",
    "ceasn:broadAlignment",
    "ceasn:codedNotation",
    "ceasn:competencyCategory",
    "ceasn:competencyLabel",
    "ceasn:comment",
    "ceasn:competencyText",
    "ceasn:complexityLevel",
    "ceasn:conceptKeyword",
    "ceasn:creator",
    "ceasn:dateCopyright",
    "ceasn:dateCreated",
    "ceasn:dateModified",
    "ceasn:description",
    "ceasn:educationLevelType",
    "ceasn:exactAlignment",
    "ceasn:hasChild",
    "ceasn:hasTopChild",
    "ceasn:inLanguage",
    "ceasn:isChildOf",
    "ceasn:license",
    "ceasn:listID",
    "ceasn:majorAlignment",
    "ceasn:minorAlignment",
    "ceasn:name",
    "ceasn:narrowAlignment",
    "ceasn:prerequisiteAlignment",
    "ceasn:publicationStatusType",
    "ceasn:publisher",
    "ceasn:publisherName",
    "ceasn:source",
    "ceasn:weight",
    "ceterms:ctid",
    "ceterms:description",
    "ceterms:industryType",
    "ceterms:name",
    "ceterms:occupationType",
    "ceterms:requires",
];

/// CTDL credential classes an import accepts (`ceterms:Credential` and its subclasses).
pub const CREDENTIAL_TYPES: &[&str] = &[
    "ceterms:Credential",
    "ceterms:AcademicCertificate",
    "ceterms:ApprenticeshipCertificate",
    "ceterms:AssociateDegree",
    "ceterms:BachelorDegree",
    "ceterms:Badge",
    "ceterms:BasicTechnicalCertificate",
    "ceterms:Certificate",
    "ceterms:CertificateOfCompletion",
    "ceterms:CertificateOfParticipation",
    "ceterms:Certification",
    "ceterms:Degree",
    "ceterms:DigitalBadge",
    "ceterms:Diploma",
    "ceterms:DoctoralDegree",
    "ceterms:GeneralEducationDevelopment",
    "ceterms:JourneymanCertificate",
    "ceterms:License",
    "ceterms:MasterCertificate",
    "ceterms:MasterDegree",
    "ceterms:MicroCredential",
    "ceterms:OpenBadge",
    "ceterms:PreApprenticeshipCertificate",
    "ceterms:ProfessionalCertificate",
    "ceterms:ProfessionalDoctorate",
    "ceterms:ProficiencyCertificate",
    "ceterms:QualityAssuranceCredential",
    "ceterms:ResearchDoctorate",
    "ceterms:SecondarySchoolDiploma",
];

/// CTDL-ASN alignment properties and the alignment type each one asserts.
const ALIGNMENTS: [(&str, &str); 7] = [
    ("ceasn:exactAlignment", "exact"),
    ("ceasn:majorAlignment", "major"),
    ("ceasn:minorAlignment", "minor"),
    ("ceasn:broadAlignment", "broad"),
    ("ceasn:narrowAlignment", "narrow"),
    ("ceasn:prerequisiteAlignment", "prerequisite"),
    ("ceasn:alignTo", "align_to"),
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

/// The credential class of a document (`Certification`, `BachelorDegree`, ...), if it is one.
pub fn credential_type(doc: &Value) -> Option<&'static str> {
    let ty = CREDENTIAL_TYPES.iter().find(|t| has_type(doc, t))?;
    Some(ty.trim_start_matches("ceterms:"))
}

pub fn credential_row(doc: &Value, uri: &str, lang: &str) -> CredentialRow {
    CredentialRow {
        uri: id(doc).unwrap_or(uri).to_string(),
        props: CredentialProps {
            ctid: text(doc.get("ceterms:ctid"), lang),
            name: text(doc.get("ceterms:name"), lang),
            description: text(doc.get("ceterms:description"), lang),
            credential_type: credential_type(doc).map(str::to_string),
            source_name: Some(SOURCE.into()),
        },
    }
}

/// What a credential requires, as its condition profiles say (`ceterms:requires`, with their
/// `ceterms:alternativeCondition`s): the competencies its `ceterms:targetCompetency` alignment
/// objects name (`ceterms:targetNode`), and the frameworks it requires as a whole (an alignment
/// object naming only a `ceterms:framework`). `frameworks_named` is every framework named, to be
/// imported first so the competencies are in the graph.
#[derive(Debug, Default, PartialEq)]
pub struct Requirements {
    pub competencies: Vec<String>,
    pub whole_frameworks: Vec<String>,
    pub frameworks_named: Vec<String>,
}

pub fn requirements(doc: &Value) -> Requirements {
    fn profiles<'a>(v: Option<&'a Value>, out: &mut Vec<&'a Value>) {
        match v {
            Some(Value::Array(items)) => items.iter().for_each(|i| profiles(Some(i), out)),
            Some(p @ Value::Object(o)) => {
                out.push(p);
                profiles(o.get("ceterms:alternativeCondition"), out);
            }
            _ => {}
        }
    }
    let mut found = vec![];
    profiles(doc.get("ceterms:requires"), &mut found);
    let mut r = Requirements::default();
    let alignments = found
        .iter()
        .flat_map(|p| match p.get("ceterms:targetCompetency") {
            Some(Value::Array(a)) => a.iter().collect(),
            Some(o @ Value::Object(_)) => vec![o],
            _ => vec![],
        });
    for a in alignments {
        let targets = uris(a.get("ceterms:targetNode"));
        let frameworks = uris(a.get("ceterms:framework"));
        if targets.is_empty() {
            r.whole_frameworks.extend(frameworks.iter().cloned());
        }
        r.competencies.extend(targets);
        r.frameworks_named.extend(frameworks);
    }
    for list in [
        &mut r.competencies,
        &mut r.whole_frameworks,
        &mut r.frameworks_named,
    ] {
        let mut seen = BTreeSet::new();
        list.retain(|u| seen.insert(u.clone()));
    }
    r
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
            publication_status: uris(doc.get("ceasn:publicationStatusType"))
                .first()
                .map(|u| last_segment(u)),
            license: uris(doc.get("ceasn:license")).into_iter().next(),
            sources: uris(doc.get("ceasn:source")),
            date_copyright: text(doc.get("ceasn:dateCopyright"), lang),
            date_created: text(doc.get("ceasn:dateCreated"), lang),
            date_modified: text(doc.get("ceasn:dateModified"), lang),
        },
    }
}

/// The term a vocabulary URI names: `.../publicationStatus/Published` is `Published`.
fn last_segment(uri: &str) -> String {
    let term = uri.trim_end_matches('/').rsplit(['/', '#', ':']).next();
    term.filter(|t| !t.is_empty()).unwrap_or(uri).to_string()
}

/// Labels of concept or alignment values (`ceasn:educationLevelType`, `ceterms:industryType`,
/// ...): an alignment object gives its name, else its code, else its target; a bare URI is kept.
pub fn terms(v: Option<&Value>, lang: &str) -> Vec<String> {
    match v {
        Some(Value::Array(items)) => items.iter().flat_map(|i| terms(Some(i), lang)).collect(),
        Some(Value::Object(o)) if o.contains_key("@value") || o.contains_key("@language") => {
            texts(v, lang)
        }
        Some(Value::Object(o)) => text(o.get("ceterms:targetNodeName"), lang)
            .or_else(|| text(o.get("ceterms:codedNotation"), lang))
            .or_else(|| uris(o.get("ceterms:targetNode")).into_iter().next())
            .or_else(|| uris(o.get("@id")).into_iter().next())
            .into_iter()
            .collect(),
        other => texts(other, lang),
    }
}

/// A number given as a JSON number or a string (`"25"`, `"12.5"`).
fn number(v: Option<&Value>) -> Option<f64> {
    match v? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        Value::Array(a) => number(a.first()),
        _ => None,
    }
}

/// Whether `t` is an alignment type CTDL-ASN asserts (`exact`, `major`, ...).
pub fn is_alignment_type(t: &str) -> bool {
    ALIGNMENTS.iter().any(|(_, known)| *known == t)
}

/// `listID` with every run of digits padded to ten, so `"1.10"` sorts after `"1.2"`.
pub fn list_order(list_id: &str) -> String {
    let mut out = String::new();
    let mut digits = String::new();
    for ch in list_id.chars().chain(std::iter::once('\0')) {
        if ch.is_ascii_digit() {
            digits.push(ch);
            continue;
        }
        if !digits.is_empty() {
            out.push_str(&format!("{digits:0>10}"));
            digits.clear();
        }
        if ch != '\0' {
            out.push(ch.to_ascii_lowercase());
        }
    }
    out
}

/// One node per `@id`: a competency listed twice (some publishers do) is kept once, with the
/// `ceasn:hasChild` lists of both.
pub fn distinct(competencies: Vec<Value>) -> Vec<Value> {
    let mut out: Vec<Value> = Vec::with_capacity(competencies.len());
    let mut at: HashMap<String, usize> = HashMap::new();
    for c in competencies {
        let Some(key) = id(&c).map(str::to_string) else {
            out.push(c);
            continue;
        };
        match at.get(&key) {
            Some(&i) => {
                let mut children = uris(out[i].get("ceasn:hasChild"));
                for child in uris(c.get("ceasn:hasChild")) {
                    if !children.contains(&child) {
                        children.push(child);
                    }
                }
                out[i]["ceasn:hasChild"] = Value::from(children);
            }
            None => {
                at.insert(key, out.len());
                out.push(c);
            }
        }
    }
    out
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
/// and `ceasn:hasChild` on the parent, whichever the publisher filled in; a parent that is the
/// framework itself makes a top-level skill. Skills without a publisher of their own carry the
/// framework's (`publishers`).
pub fn map_competencies(
    framework_uri: &str,
    publishers: &[String],
    competencies: &[Value],
    lang: &str,
) -> Mapped {
    let mut out = Mapped::default();
    let mut parents: HashMap<String, BTreeSet<String>> = HashMap::new();
    let mut kept: Vec<String> = vec![];
    for c in competencies {
        let row = match competency(c, framework_uri, publishers, lang) {
            Ok(row) => row,
            Err(rejected) => {
                out.rejected.push(rejected);
                continue;
            }
        };
        let uri = row.uri.clone();
        out.skills.push(row);
        parents
            .entry(uri.clone())
            .or_default()
            .extend(uris(c.get("ceasn:isChildOf")));
        for child in uris(c.get("ceasn:hasChild")) {
            parents.entry(child).or_default().insert(uri.clone());
        }
        out.alignments.extend(alignments(c, &uri));
        out.occupations.extend(occupations(c, &uri, lang));
        kept.push(uri);
    }
    out.parents = parent_edges(framework_uri, kept, parents);
    out
}

/// One competency as a skill row, or why it is left out: (URI, message).
fn competency(
    c: &Value,
    framework_uri: &str,
    publishers: &[String],
    lang: &str,
) -> Result<SkillRow, (String, String)> {
    let Some(uri) = id(c) else {
        return Err(("(no @id)".into(), "competency without @id".into()));
    };
    let Some(full_text) = text(c.get("ceasn:competencyText"), lang) else {
        let why = "competency has no ceasn:competencyText";
        return Err((uri.into(), why.into()));
    };
    // The text is always the description; the label, where there is one, is the name.
    let name = text(c.get("ceasn:competencyLabel"), lang).unwrap_or_else(|| full_text.clone());
    let list_id = text(c.get("ceasn:listID"), lang);
    let organizations = match uris(c.get("ceasn:publisher")) {
        own if !own.is_empty() => own,
        _ => publishers.to_vec(),
    };
    let row = SkillRow {
        uri: uri.into(),
        framework_uri: Some(framework_uri.into()),
        props: SkillProps {
            ctid: text(c.get("ceterms:ctid"), lang),
            name: Some(name),
            description: Some(full_text),
            keywords: texts(c.get("ceasn:conceptKeyword"), lang),
            author: Some(texts(c.get("ceasn:author"), lang).join(", ")).filter(|s| !s.is_empty()),
            creator: uris(c.get("ceasn:creator")).into_iter().next(),
            reference_id: text(c.get("ceasn:codedNotation"), lang),
            source_name: Some(SOURCE.into()),
            type_id: Some(COMPETENCY_TYPE.into()),
            type_name: text(c.get("ceasn:competencyCategory"), lang),
            organizations,
            language: text(c.get("ceasn:inLanguage"), lang),
            list_order: list_id.as_deref().map(list_order),
            list_id,
            date_created: text(c.get("ceasn:dateCreated"), lang),
            date_modified: text(c.get("ceasn:dateModified"), lang),
            education_levels: terms(c.get("ceasn:educationLevelType"), lang),
            complexity_levels: terms(c.get("ceasn:complexityLevel"), lang),
            weight: number(c.get("ceasn:weight")),
            comments: texts(c.get("ceasn:comment"), lang),
            industries: terms(c.get("ceterms:industryType"), lang),
        },
    };
    within_limits(&row).map_err(|e| (uri.to_string(), e.to_string()))?;
    Ok(row)
}

/// The length limits every entry path applies (`ingest/text.rs`), to each text of a row: one
/// over them is that competency's error, never its framework's batch's.
fn within_limits(row: &SkillRow) -> Result<(), text::TextError> {
    text::check("uri", &row.uri)?;
    let props = serde_json::to_value(&row.props).unwrap_or_default();
    for (field, value) in props.as_object().into_iter().flatten() {
        let texts: Vec<&str> = match value {
            Value::String(s) => vec![s.as_str()],
            Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
            _ => vec![],
        };
        for t in texts {
            text::check(field, t)?;
        }
    }
    Ok(())
}

/// The competency's alignments to other competencies, asserted by the registry.
fn alignments<'a>(c: &'a Value, uri: &'a str) -> impl Iterator<Item = AlignmentRow> + 'a {
    ALIGNMENTS.iter().flat_map(move |(prop, alignment_type)| {
        uris(c.get(*prop)).into_iter().map(move |to| AlignmentRow {
            from: uri.into(),
            to,
            source: SOURCE.into(),
            kind: AlignmentKind::Aligned,
            alignment_type: (*alignment_type).into(),
            score: None,
        })
    })
}

/// The parent set of each competency written (only those get theirs replaced). The framework
/// itself is never a parent: its top children have none.
fn parent_edges(
    framework_uri: &str,
    kept: Vec<String>,
    mut parents: HashMap<String, BTreeSet<String>>,
) -> Vec<ChildEdges> {
    let is_framework = |p: &str| p.trim_end_matches('/') == framework_uri.trim_end_matches('/');
    kept.into_iter()
        .map(|child| {
            let ps = parents.remove(&child).unwrap_or_default();
            ChildEdges {
                parents: ps
                    .into_iter()
                    .filter(|p| !is_framework(p) && *p != child)
                    .collect(),
                child,
            }
        })
        .collect()
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
            // A code, or the SOC code in an O*NET target URL, or the target itself.
            let target = uris(o.get("ceterms:targetNode")).into_iter().next();
            let code = text(o.get("ceterms:codedNotation"), lang)
                .or_else(|| target.as_deref().and_then(soc_in))
                .or(target)?;
            Some(OccupationRow {
                from: uri.into(),
                code,
                name: text(o.get("ceterms:targetNodeName"), lang),
                framework: text(o.get("ceterms:frameworkName"), lang)
                    .or_else(|| uris(o.get("ceterms:framework")).into_iter().next()),
                source: SOURCE.into(),
                kind: AlignmentKind::Aligned,
                score: None,
            })
        })
        .collect()
}

/// The O*NET-SOC code a URL ends with: `.../summary/15-1252.00` gives `15-1252.00`, a BLS
/// page `.../oes/current/oes25-2031.htm` or `.../25-2031.htm` gives `25-2031` (a file extension
/// is not part of the code).
fn soc_in(url: &str) -> Option<String> {
    let last = url.trim_end_matches('/').rsplit('/').next()?;
    let last = last.strip_prefix("oes").unwrap_or(last);
    let b = last.as_bytes();
    let soc = b.len() >= 7 && b[2] == b'-' && b[..2].iter().chain(&b[3..7]).all(u8::is_ascii_digit);
    if !soc {
        return None;
    }
    // The O*NET suffix `.NN`, if it is one (not `.htm`).
    let onet = b.len() == 10 && b[7] == b'.' && b[8..10].iter().all(u8::is_ascii_digit);
    Some(last[..if onet { 10 } else { 7 }].to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn soc_codes_are_read_from_onet_and_bls_urls_without_file_extensions() {
        let cases = [
            (
                "https://www.onetonline.org/link/summary/15-1252.00",
                Some("15-1252.00"),
            ),
            ("https://www.bls.gov/ooh/25-2031.htm", Some("25-2031")),
            (
                "https://www.bls.gov/oes/current/oes25-2031.htm",
                Some("25-2031"),
            ),
            ("https://www.bls.gov/soc/2018/major_groups.htm", None),
            ("https://example.org/15-12x2", None),
        ];
        for (url, code) in cases {
            assert_eq!(soc_in(url).as_deref(), code, "{url}");
        }
    }

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
        let m = map_competencies("F", &[], &comps, "en");
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

    #[test]
    fn a_map_without_the_language_falls_back_to_the_documents_first() {
        let v: Value = serde_json::from_str(r#"{"fr": "Bonjour", "de": "Hallo"}"#).unwrap();
        assert_eq!(text(Some(&v), "es").as_deref(), Some("Bonjour"));
    }

    #[test]
    fn the_publishers_terms_are_kept() {
        let c = json!({"@id": "c", "ceasn:competencyText": {"en": "Do it"}, "ceasn:listID": "1.10",
            "ceasn:isChildOf": "F/", "ceasn:weight": "12.5", "ceasn:comment": {"en": ["a", "b"]},
            "ceasn:dateCreated": "2019-05-01", "ceasn:educationLevelType": [{"ceterms:targetNodeName": {"en": "Grade 9"}}],
            "ceasn:complexityLevel": ["https://x/levels/Advanced"],
            "ceterms:industryType": [{"ceterms:codedNotation": "5415", "ceterms:targetNodeName": "Computer Systems Design"}],
            "ceasn:prerequisiteAlignment": ["p"], "ceasn:alignTo": {"@id": "t"},
            "ceterms:occupationType": [{"ceterms:targetNode": "https://www.onetonline.org/link/summary/15-1252.00"}]});
        let m = map_competencies("F", &["org".to_string()], &[c], "en");
        let s = &m.skills[0].props;
        assert_eq!(
            (s.name.as_deref(), s.description.as_deref()),
            (Some("Do it"), Some("Do it"))
        );
        assert_eq!(s.list_id.as_deref(), Some("1.10"));
        assert_eq!(s.weight, Some(12.5));
        assert_eq!(s.comments, ["a", "b"]);
        assert_eq!(s.date_created.as_deref(), Some("2019-05-01"));
        assert_eq!(s.education_levels, ["Grade 9"]);
        assert_eq!(s.complexity_levels, ["https://x/levels/Advanced"]);
        assert_eq!(s.industries, ["Computer Systems Design"]);
        assert_eq!(s.organizations, ["org"], "the framework's publisher");
        assert!(
            m.parents[0].parents.is_empty(),
            "the framework (with a slash) is no parent"
        );
        let types: Vec<_> = m
            .alignments
            .iter()
            .map(|a| (a.to.as_str(), a.alignment_type.as_str()))
            .collect();
        assert_eq!(types, [("p", "prerequisite"), ("t", "align_to")]);
        assert_eq!(m.occupations[0].code, "15-1252.00");
    }

    #[test]
    fn list_ids_sort_as_numbers_and_duplicates_merge_their_children() {
        let mut ids = vec!["1.10", "1.2", "10", "2", "A.1"];
        ids.sort_by_key(|i| list_order(i));
        assert_eq!(ids, ["1.2", "1.10", "2", "10", "A.1"]);
        let d = distinct(vec![
            json!({"@id": "x", "ceasn:hasChild": ["a"]}),
            json!({"@id": "y"}),
            json!({"@id": "x", "ceasn:hasChild": ["b", "a"]}),
        ]);
        assert_eq!(d.len(), 2);
        assert_eq!(uris(d[0].get("ceasn:hasChild")), ["a", "b"]);
        assert_eq!(
            last_segment("https://credreg.net/ctdlasn/vocabs/publicationStatus/Published"),
            "Published"
        );
    }
}
