//! The seed API's skill shape (`GET /skill-service/api/v1/skills`), built from the same typed
//! reads the GraphQL resolvers use: one page statement and one batched statement per nested
//! part, all for the whole page.
use std::collections::BTreeMap;

use serde::Serialize;

use crate::graph::listing::PageAt;
use crate::graph::skill_filter::{SkillFilter, Sort};
use crate::graph::skills;
use crate::graph::{Graph, GraphResult};
use crate::model::{by_source, AlignmentEdge, OccupationGroup, Occupations, Skill};

#[derive(Serialize)]
pub struct SeedSkill {
    name: String,
    description: String,
    keywords: Vec<String>,
    author: String,
    creator: String,
    alignments: SeedAlignments,
    organizations: Vec<String>,
    certifications: Vec<Option<String>>,
    occupations: SeedOccupations,
    onet_job: String,
    #[serde(rename = "type")]
    skill_type: SeedType,
    /// Source URIs of the parents (uuid where a parent has none).
    parent_nodes: Vec<String>,
    reference_id: String,
    source_uri: String,
    source_name: String,
    uuid: String,
}

#[derive(Serialize)]
struct SeedType {
    id: String,
    name: String,
}

/// The seed API groups alignments by source, each with `aligned` and `suggested` items.
type BySource = BTreeMap<String, Aligned>;

#[derive(Serialize, Default)]
struct Aligned {
    aligned: Vec<SeedItem>,
    suggested: Vec<SeedItem>,
}

#[derive(Serialize)]
struct SeedItem {
    id: String,
    name: Option<String>,
    score: Option<f64>,
}

#[derive(Serialize)]
struct SeedAlignments {
    standard_alignment: BTreeMap<String, Aligned>,
    credential_alignment: BySource,
    skill_alignment: BySource,
    knowledge_alignment: KnowledgeAlignment,
    role_alignment: RoleAlignment,
    organizational_alignment: BTreeMap<String, Aligned>,
}

/// Kept for the seed shape; this service holds no knowledge alignments.
#[derive(Serialize, Default)]
struct KnowledgeAlignment {
    knowledge_nodes: BTreeMap<String, String>,
    learning_content_ids: BTreeMap<String, String>,
    learning_unit_ids: BTreeMap<String, String>,
}

#[derive(Serialize)]
struct RoleAlignment {
    onet: BySource,
}

#[derive(Serialize)]
struct SeedOccupations {
    occupations_major_group: Vec<String>,
    occupations_minor_group: Vec<String>,
    broad_occupation: Vec<String>,
    detailed_occupation: Vec<String>,
}

/// Adds an asserted item under its source (`unknown` where the edge names none).
fn add(groups: &mut BySource, source: Option<String>, item: SeedItem) {
    let source = source.unwrap_or_else(|| "unknown".into());
    groups.entry(source).or_default().aligned.push(item);
}

fn seed_items(items: Vec<(AlignmentEdge, Skill)>) -> Vec<SeedItem> {
    items
        .into_iter()
        .map(|(edge, skill)| SeedItem {
            id: skill.stored.uuid.to_string(),
            name: skill.props.name,
            score: edge.score,
        })
        .collect()
}

/// One page of skills ordered by name, in the seed shape.
pub async fn page(graph: &Graph, at: &PageAt) -> GraphResult<Vec<SeedSkill>> {
    let page = skills::page(graph, &SkillFilter::default(), Sort::Name, at).await?;
    if page.is_empty() {
        return Ok(vec![]);
    }
    let uuids: Vec<String> = page.iter().map(|s| s.stored.uuid.to_string()).collect();
    let (mut parents, mut alignments, mut credentials, mut occupations) = tokio::try_join!(
        skills::parents(graph, &uuids),
        skills::alignments(graph, &uuids),
        skills::credentials(graph, &uuids),
        skills::occupations(graph, &uuids),
    )?;
    Ok(page
        .into_iter()
        .map(|skill| {
            let uuid = skill.stored.uuid.as_str();
            let parents = parents.remove(uuid).unwrap_or_default();
            let mut skill_alignment = BySource::new();
            for group in by_source(alignments.remove(uuid).unwrap_or_default()) {
                skill_alignment.insert(
                    group.source,
                    Aligned {
                        aligned: seed_items(group.aligned),
                        suggested: seed_items(group.suggested),
                    },
                );
            }
            let mut credential_alignment = BySource::new();
            let mut certifications = vec![];
            for (edge, c) in credentials.remove(uuid).unwrap_or_default() {
                certifications.push(c.props.name.clone());
                let item = SeedItem {
                    id: c.uri,
                    name: c.props.name,
                    score: edge.score,
                };
                add(&mut credential_alignment, edge.source, item);
            }
            let occupied = occupations.remove(uuid).unwrap_or_default();
            let mut onet = BySource::new();
            for (edge, o) in &occupied {
                let item = SeedItem {
                    id: o.code.clone(),
                    name: o.name.clone(),
                    score: edge.score,
                };
                add(&mut onet, edge.source.clone(), item);
            }
            let groups = Occupations::from_codes(occupied.into_iter().map(|(_, o)| o));
            seed_skill(
                skill,
                parents,
                SeedAlignments {
                    standard_alignment: BTreeMap::new(),
                    credential_alignment,
                    skill_alignment,
                    knowledge_alignment: KnowledgeAlignment::default(),
                    role_alignment: RoleAlignment { onet },
                    organizational_alignment: BTreeMap::new(),
                },
                certifications,
                groups,
            )
        })
        .collect())
}

fn seed_skill(
    skill: Skill,
    parents: Vec<Skill>,
    alignments: SeedAlignments,
    certifications: Vec<Option<String>>,
    groups: Occupations,
) -> SeedSkill {
    let codes =
        |list: &[OccupationGroup]| -> Vec<String> { list.iter().map(|g| g.code.clone()).collect() };
    let p = skill.props;
    SeedSkill {
        name: p.name.unwrap_or_default(),
        description: p.description.unwrap_or_default(),
        keywords: p.keywords,
        author: p.author.unwrap_or_default(),
        creator: p.creator.unwrap_or_default(),
        alignments,
        organizations: p.organizations,
        certifications,
        onet_job: groups
            .detailed_occupation
            .first()
            .and_then(|d| d.name.clone())
            .unwrap_or_default(),
        occupations: SeedOccupations {
            occupations_major_group: codes(&groups.occupations_major_group),
            occupations_minor_group: codes(&groups.occupations_minor_group),
            broad_occupation: codes(&groups.broad_occupation),
            detailed_occupation: codes(&groups.detailed_occupation),
        },
        skill_type: SeedType {
            id: p.type_id.unwrap_or_default(),
            name: p.type_name.unwrap_or_default(),
        },
        parent_nodes: parents
            .into_iter()
            .map(|parent| {
                parent
                    .stored
                    .uri
                    .unwrap_or_else(|| parent.stored.uuid.to_string())
            })
            .collect(),
        reference_id: p.reference_id.unwrap_or_default(),
        source_uri: skill.stored.uri.unwrap_or_default(),
        source_name: p.source_name.unwrap_or_default(),
        uuid: skill.stored.uuid.to_string(),
    }
}
