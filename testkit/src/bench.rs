//! What the benchmarks share: the skills they read, and the raw Bolt client's page of them.
use std::time::Instant;

use skillgraph::graph::listing::PageAt;
use skillgraph::graph::skill_filter::{SkillFilter, Sort};
use skillgraph::graph::skills;
use skillgraph::graph::writes::{self, *};
use skillgraph::graph::Graph;
use skillgraph::model::{FrameworkProps, SkillProps};

const BATCH: usize = 1_000;

/// `n` skills (`Skill 0000000`, ...) in one framework, source `bench`: 100 roots, every other
/// skill the child of one and aligned to its neighbour.
pub async fn seed_skills(g: &Graph, n: usize) {
    let fw = FrameworkRow {
        uri: "urn:bench:fw".into(),
        props: FrameworkProps {
            name: Some("Bench".into()),
            ..Default::default()
        },
    };
    writes::upsert_frameworks(g, &[fw]).await.unwrap();
    let uri = |i: usize| format!("urn:bench:s:{i}");
    let t = Instant::now();
    for start in (0..n).step_by(BATCH) {
        let rows: Vec<SkillRow> = (start..(start + BATCH).min(n))
            .map(|i| SkillRow {
                uri: uri(i),
                framework_uri: Some("urn:bench:fw".into()),
                props: SkillProps {
                    name: Some(format!("Skill {i:07}")),
                    description: Some(format!("Benchmark skill {i}")),
                    source_name: Some("bench".into()),
                    ..Default::default()
                },
            })
            .collect();
        writes::upsert_skills(g, &writes::ImportLog::unrecorded(), &rows)
            .await
            .unwrap();
        // 100 roots; every other skill is a child of one and aligned to its neighbour.
        let parents: Vec<ChildEdges> = (rows.iter().enumerate())
            .filter(|(k, _)| start + k >= 100)
            .map(|(k, _)| ChildEdges {
                child: uri(start + k),
                parents: vec![uri((start + k) % 100)],
            })
            .collect();
        writes::set_parents(g, &writes::ImportLog::unrecorded(), &parents)
            .await
            .unwrap();
        let aligns: Vec<AlignmentRow> = (start..(start + rows.len()))
            .map(|i| AlignmentRow {
                from: uri(i),
                to: uri((i + 1) % n),
                source: "bench".into(),
                kind: skillgraph::model::AlignmentKind::Aligned,
                alignment_type: "exact".into(),
                score: Some(0.5),
            })
            .collect();
        let edges = SkillEdges::alignments(&rows, "bench", &aligns);
        writes::set_alignments(g, &writes::ImportLog::unrecorded(), &edges)
            .await
            .unwrap();
    }
    println!(
        "seeded {n} skills with parents and alignments in {:.1}s",
        t.elapsed().as_secs_f64()
    );
}

/// What the service does for one page, straight over Bolt: the page, then its parents and
/// alignments, batched (the same three statements).
pub async fn raw_page(g: &Graph, filter: &SkillFilter, at: &PageAt) -> Result<(), String> {
    let page = skills::page(g, filter, Sort::Name, at)
        .await
        .map_err(|e| e.to_string())?;
    let uuids: Vec<String> = page.iter().map(|s| s.stored.uuid.to_string()).collect();
    let (p, a) = tokio::join!(skills::parents(g, &uuids), skills::alignments(g, &uuids));
    p.map_err(|e| e.to_string())?;
    a.map_err(|e| e.to_string())?;
    Ok(())
}
