//! Every Cypher statement the service runs, compiled in from `cypher/*.cypher`.
macro_rules! cypher {
    ($($name:ident => $file:literal),* $(,)?) => {
        $(pub const $name: &str = include_str!(concat!("../../cypher/", $file));)*
    };
}

cypher! {
    SCHEMA => "schema.cypher",
    HEALTH => "health.cypher",
    SKILL_BY_UUID => "skill_by_uuid.cypher",
    SKILL_PARENTS => "skill_parents.cypher",
    SKILL_CHILDREN => "skill_children.cypher",
    SKILL_FRAMEWORKS => "skill_frameworks.cypher",
    SKILL_ALIGNMENTS => "skill_alignments.cypher",
    SKILL_OCCUPATIONS => "skill_occupations.cypher",
    SKILL_CREDENTIALS => "skill_credentials.cypher",
    FRAMEWORKS => "frameworks.cypher",
    UPSERT_FRAMEWORKS => "upsert_frameworks.cypher",
    UPSERT_SKILLS => "upsert_skills.cypher",
    UPSERT_CHILD_EDGES => "upsert_child_edges.cypher",
    UPSERT_ALIGNMENTS => "upsert_alignments.cypher",
    UPSERT_CREDENTIALS => "upsert_credentials.cypher",
    SET_ALIGNMENTS => "set_alignments.cypher",
    SET_OCCUPATIONS => "set_occupations.cypher",
    UPSERT_LEARNING_EVENTS => "upsert_learning_events.cypher",
    EMPLOYEE_BY_EXTERNAL_ID => "employee_by_external_id.cypher",
    SKILL_EVENTS_PAGE => "skill_events_page.cypher",
    SKILL_EVENTS_COUNT => "skill_events_count.cypher",
    JOB_CREATE => "job_create.cypher",
    JOB_BY_NAME => "job_by_name.cypher",
    JOB_VERSION => "job_version.cypher",
    JOBS_PAGE => "jobs_page.cypher",
    JOB_CLAIMABLE => "job_claimable.cypher",
    JOB_CLAIM => "job_claim.cypher",
    JOB_STORE => "job_store.cypher",
    JOB_CANCEL => "job_cancel.cypher",
    JOBS_HOLD => "jobs_hold.cypher",
}

/// The skill listings share one filter; page and count differ only in their tail.
pub const SKILLS_PAGE: &str = concat!(
    include_str!("../../cypher/skill_filter.cypher"),
    include_str!("../../cypher/skills_page.cypher")
);
pub const SKILLS_COUNT: &str = concat!(
    include_str!("../../cypher/skill_filter.cypher"),
    include_str!("../../cypher/skills_count.cypher")
);

/// Splits a file of several statements (`;` at line end) into single statements.
pub fn statements(file: &str) -> impl Iterator<Item = String> + '_ {
    file.split(";\n")
        .map(|stmt| {
            stmt.lines()
                .filter(|l| !l.trim_start().starts_with("//"))
                .collect::<Vec<_>>()
                .join("\n")
        })
        .filter(|stmt| !stmt.trim().is_empty())
}

#[cfg(test)]
mod tests {
    #[test]
    fn schema_splits_into_statements_without_comments() {
        let stmts: Vec<_> = super::statements(super::SCHEMA).collect();
        assert!(stmts.len() >= 8);
        assert!(stmts.iter().all(|s| s.trim_start().starts_with("CREATE")));
        assert!(stmts.iter().all(|s| !s.contains(';')));
    }
}
