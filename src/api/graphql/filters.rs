//! The skill listings' filter and sort as GraphQL inputs, and what they add to a query's cost.
use async_graphql::{Enum, InputObject, Result};

use super::errors::bad_input;
use super::pagination::TEXT_FILTER_COST;
use crate::graph::skill_filter::{Condition, Field, SkillFilter, Sort};

/// Complexity one condition adds to a listing: a predicate tested on each skill read.
const CONDITION_COST: usize = 5;

/// Which skills a listing holds. Every field given must hold (AND); `AND`, `OR` and `NOT`
/// combine further filters. Each condition is an indexable predicate on Neo4j; `text` is
/// matched through the full-text index there, so it may only be given at the top level.
#[derive(InputObject, Default, Clone)]
pub struct SkillFilterInput {
    /// Words of the name or description. On Neo4j every word is matched as a word prefix, in
    /// any order, through the full-text index (`lit data` finds "Data literacy"); on ArcadeDB,
    /// and for a text with no letter or digit, the text is matched as a case-insensitive
    /// substring. Top level only.
    pub text: Option<String>,
    /// Exact source name, e.g. `credential_engine`.
    pub source: Option<String>,
    /// Framework uuid or source URI.
    pub framework: Option<String>,
    /// An O*NET-SOC code at any level: `15-0000` (major group), `15-1200` (minor), `15-1250`
    /// (broad), `15-1252` or `15-1252.00` (detailed); skills aligned to it or to a code below.
    pub occupation: Option<String>,
    /// Credential URI: skills aligned to it.
    pub credential: Option<String>,
    /// An education level exactly as the publisher gave it (see `skillFacets.educationLevels`).
    pub education_level: Option<String>,
    /// A complexity level exactly as the publisher gave it.
    pub complexity_level: Option<String>,
    /// An industry exactly as the publisher gave it.
    pub industry: Option<String>,
    /// One of the skill's keywords, case aside.
    pub keyword: Option<String>,
    /// The skill's type, by name or id.
    pub r#type: Option<String>,
    /// Every one of these filters holds.
    #[graphql(name = "AND")]
    pub and: Option<Vec<SkillFilterInput>>,
    /// At least one of these filters holds.
    #[graphql(name = "OR")]
    pub or: Option<Vec<SkillFilterInput>>,
    /// This filter does not hold.
    #[graphql(name = "NOT")]
    pub not: Option<Box<SkillFilterInput>>,
}

/// How a skill listing is ordered.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Default)]
pub enum SkillSort {
    /// By name (read in order from an index).
    #[default]
    Name,
    /// The publisher's list order (`listID`) within a framework; needs a `framework` filter.
    ListOrder,
    /// The publisher's date modified, newest first; skills without one last.
    DateModified,
}

impl From<SkillSort> for Sort {
    fn from(s: SkillSort) -> Self {
        match s {
            SkillSort::Name => Sort::Name,
            SkillSort::ListOrder => Sort::ListOrder,
            SkillSort::DateModified => Sort::DateModified,
        }
    }
}

impl SkillFilterInput {
    /// Each field a condition can be on, with its value if given.
    fn fields(&self) -> [(Field, &Option<String>); 9] {
        [
            (Field::Source, &self.source),
            (Field::Framework, &self.framework),
            (Field::Occupation, &self.occupation),
            (Field::Credential, &self.credential),
            (Field::EducationLevel, &self.education_level),
            (Field::ComplexityLevel, &self.complexity_level),
            (Field::Industry, &self.industry),
            (Field::Keyword, &self.keyword),
            (Field::Type, &self.r#type),
        ]
    }

    /// The fields given, as conditions (blank values are no condition).
    fn conditions(self, top: bool) -> Result<Vec<Condition>> {
        if !top && self.text.as_deref().is_some_and(|t| !t.trim().is_empty()) {
            return Err(bad_input(
                "text filters the top level only: it is matched through the full-text index, which AND, OR and NOT cannot nest",
            ));
        }
        let mut out: Vec<Condition> = (self.fields().into_iter())
            .filter_map(|(f, v)| non_empty(v.clone()).map(|v| Condition::Is(f, v)))
            .collect();
        for f in self.and.unwrap_or_default() {
            out.push(f.condition()?);
        }
        if let Some(any) = self.or {
            let any = any.into_iter().map(SkillFilterInput::condition);
            out.push(Condition::Any(any.collect::<Result<_>>()?));
        }
        if let Some(not) = self.not {
            out.push(Condition::Not(Box::new(not.condition()?)));
        }
        Ok(out)
    }

    /// A nested filter as one condition (all of its own).
    fn condition(self) -> Result<Condition> {
        let mut all = self.conditions(false)?;
        Ok(match all.len() {
            1 => all.remove(0),
            _ => Condition::All(all),
        })
    }

    /// How deep `AND`, `OR` and `NOT` nest in this filter (0 when they are not used).
    fn nesting(&self) -> usize {
        let nested = (self.and.iter().chain(self.or.iter()).flatten()).chain(self.not.as_deref());
        nested.map(|f| 1 + f.nesting()).max().unwrap_or(0)
    }
}

/// How deep `AND`, `OR` and `NOT` may nest: a filter is one statement, and its text grows with
/// its conditions.
pub const MAX_NESTING: usize = 4;

fn non_empty(s: Option<String>) -> Option<String> {
    s.filter(|s| !s.trim().is_empty())
}

/// The filter a listing's input asks for, refused with `BAD_USER_INPUT` when a text is nested
/// or the filter is too large.
pub fn skill_filter(input: Option<SkillFilterInput>) -> Result<SkillFilter> {
    let input = input.unwrap_or_default();
    if input.nesting() > MAX_NESTING {
        return Err(bad_input(format!(
            "AND, OR and NOT nest at most {MAX_NESTING} deep in a filter"
        )));
    }
    let text = non_empty(input.text.clone());
    let filter = SkillFilter {
        text,
        conditions: input.conditions(true)?,
    };
    filter.check().map_err(|e| bad_input(e.to_string()))?;
    Ok(filter)
}

/// The listing's filter and sort, the sort checked against the filter.
pub fn sorted_filter(
    input: Option<SkillFilterInput>,
    sort: SkillSort,
) -> Result<(SkillFilter, Sort)> {
    let filter = skill_filter(input)?;
    if sort == SkillSort::ListOrder && !filter.requires(Field::Framework) {
        return Err(bad_input(
            "LIST_ORDER is the order within a framework: filter by one",
        ));
    }
    Ok((filter, sort.into()))
}

/// What a listing's filter adds to its complexity: a text looks words up (or scans names and
/// descriptions), each condition is tested on every skill read.
pub fn filter_cost(filter: &Option<SkillFilterInput>) -> usize {
    fn conditions(f: &SkillFilterInput) -> usize {
        let own = f.fields().iter().filter(|(_, v)| v.is_some()).count();
        let nested = (f.and.iter().chain(f.or.iter()).flatten())
            .chain(f.not.as_deref())
            .map(conditions)
            .fold(0usize, usize::saturating_add);
        own.saturating_add(nested)
    }
    let Some(f) = filter else { return 0 };
    let text = match f.text.as_deref() {
        Some(t) if !t.trim().is_empty() => TEXT_FILTER_COST,
        _ => 0,
    };
    text.saturating_add(conditions(f).saturating_mul(CONDITION_COST))
}
