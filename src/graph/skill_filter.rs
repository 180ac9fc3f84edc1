//! The skill listings' filter, and how a filter becomes one statement: conditions on fields,
//! combined with AND/OR/NOT, composed from the parts in `cypher/` (an anchor, the conditions, a
//! tail) by [`SkillFilter::compose`]. The text of a composed statement depends only on the
//! filter's shape, never on its values.
use super::cypher::{self, Bound, Compose, Part};
use super::listing::{fulltext_query, TextSearch};
use crate::model::soc_prefix;

/// How deep the condition tree may be, and how many conditions a filter may hold: a filter is
/// one statement, and its text grows with both.
pub const MAX_DEPTH: usize = 12;
pub const MAX_CONDITIONS: usize = 20;

/// What a condition compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// Exact source name.
    Source,
    /// Framework uuid or URI.
    Framework,
    /// O*NET-SOC code at any level (`15-0000`, `15-1200`, `15-1250`, `15-1252`, `15-1252.00`):
    /// skills aligned to it or to a code below it.
    Occupation,
    /// Credential URI.
    Credential,
    EducationLevel,
    ComplexityLevel,
    Industry,
    /// One of the skill's keywords, case aside.
    Keyword,
    /// The skill's type name or id.
    Type,
}

impl Field {
    fn part(self) -> &'static Part {
        use cypher::*;
        match self {
            Field::Source => &WHERE_SOURCE,
            Field::Framework => &WHERE_FRAMEWORK,
            Field::Occupation => &WHERE_OCCUPATION,
            Field::Credential => &WHERE_CREDENTIAL,
            Field::EducationLevel => &WHERE_EDUCATION_LEVEL,
            Field::ComplexityLevel => &WHERE_COMPLEXITY_LEVEL,
            Field::Industry => &WHERE_INDUSTRY,
            Field::Keyword => &WHERE_KEYWORD,
            Field::Type => &WHERE_TYPE,
        }
    }

    /// The value as the statement compares it.
    fn stored(self, value: &str) -> String {
        match self {
            Field::Occupation => soc_prefix(value.trim()),
            Field::Keyword => value.to_lowercase(),
            _ => value.to_string(),
        }
    }

    /// An anchor that starts from this field's node through a unique index, with its
    /// parameter: the database reads only the matching skills.
    fn anchor(self) -> Option<(&'static Part, &'static str)> {
        use cypher::*;
        match self {
            Field::Credential => Some((&ANCHOR_CREDENTIAL, "credential")),
            Field::Framework => Some((&ANCHOR_FRAMEWORK, "framework")),
            Field::Occupation => Some((&ANCHOR_OCCUPATION, "prefix")),
            _ => None,
        }
    }
}

/// A condition on a skill.
#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    Is(Field, String),
    All(Vec<Condition>),
    Any(Vec<Condition>),
    Not(Box<Condition>),
}

impl Condition {
    fn depth(&self) -> usize {
        match self {
            Condition::Is(..) => 1,
            Condition::All(cs) | Condition::Any(cs) => {
                1 + cs.iter().map(Condition::depth).max().unwrap_or(0)
            }
            Condition::Not(c) => 1 + c.depth(),
        }
    }

    fn count(&self) -> usize {
        match self {
            Condition::Is(..) => 1,
            Condition::All(cs) | Condition::Any(cs) => cs.iter().map(Condition::count).sum(),
            Condition::Not(c) => c.count(),
        }
    }

    /// Appends the condition as one parenthesised expression.
    fn write(&self, c: &mut Compose) {
        let join = |c: &mut Compose, cs: &[Condition], op: &str, empty: &str| {
            if cs.is_empty() {
                c.code(empty);
                return;
            }
            c.code("(");
            for (i, cond) in cs.iter().enumerate() {
                if i > 0 {
                    c.code(op);
                }
                cond.write(c);
            }
            c.code(")");
        };
        match self {
            Condition::Is(field, value) => c.condition(field.part(), field.stored(value)),
            Condition::All(cs) => join(c, cs, " AND ", "true"),
            Condition::Any(cs) => join(c, cs, " OR ", "false"),
            Condition::Not(inner) => {
                c.code("(NOT ");
                inner.write(c);
                c.code(")");
            }
        }
    }
}

/// Filter of the skill listings: a text (matched as the listings' text filter is, see
/// [`TextMatch`]) and conditions that must all hold. Empty matches every named skill.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SkillFilter {
    pub text: Option<String>,
    pub conditions: Vec<Condition>,
}

/// Why a filter was refused: the caller's to fix, said in words.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct BadFilter(String);

impl SkillFilter {
    /// Only the skills of one framework (uuid or URI).
    pub fn framework(id: &str) -> Self {
        Self::only(Field::Framework, id)
    }

    /// Only the skills with `field` equal to `value`.
    pub fn only(field: Field, value: &str) -> Self {
        Self {
            text: None,
            conditions: vec![Condition::Is(field, value.to_string())],
        }
    }

    /// Refuses a filter whose statement would be too large to plan cheaply.
    pub fn check(&self) -> Result<(), BadFilter> {
        let all = Condition::All(self.conditions.clone());
        if all.depth() > MAX_DEPTH {
            return Err(BadFilter(format!(
                "filter conditions nest at most {MAX_DEPTH} deep"
            )));
        }
        if all.count() > MAX_CONDITIONS {
            return Err(BadFilter(format!(
                "a filter holds at most {MAX_CONDITIONS} conditions, this one {}",
                all.count()
            )));
        }
        Ok(())
    }

    /// Whether the filter has a condition on `field` that every match must meet.
    pub fn requires(&self, field: Field) -> bool {
        self.required().any(|(f, _)| f == field)
    }

    /// The conditions every match must meet on a field (`AND`s flattened).
    fn required(&self) -> impl Iterator<Item = (Field, &str)> {
        fn flat<'a>(cs: &'a [Condition], out: &mut Vec<(Field, &'a str)>) {
            for c in cs {
                match c {
                    Condition::Is(f, v) => out.push((*f, v.as_str())),
                    Condition::All(inner) => flat(inner, out),
                    _ => {}
                }
            }
        }
        let mut out = vec![];
        flat(&self.conditions, &mut out);
        out.into_iter()
    }

    /// The statement of this filter ending in `tail`, its values bound.
    pub fn compose(&self, text_search: TextSearch, tail: Tail) -> Bound {
        let text = (self.text.as_deref()).map(|t| TextMatch::of(t, text_search));
        // Where to start: the full-text index for a text, else the first required condition
        // that has a node to start from (credential, framework, occupation), else every skill.
        // The anchor's condition is not written again.
        let anchored = match &text {
            Some(TextMatch::FullText(_)) => None,
            _ => (self.required()).find_map(|(f, v)| f.anchor().map(|a| (f, v, a))),
        };
        let mut c = match (&text, anchored) {
            (Some(TextMatch::FullText(query)), _) => {
                let mut c = Compose::new("SKILLS", &cypher::ANCHOR_FULLTEXT);
                c.value("text_query", query.as_str());
                c
            }
            (_, Some((field, value, (part, key)))) => {
                let mut c = Compose::new("SKILLS", part);
                c.value(key, field.stored(value));
                c
            }
            // Unfiltered, in name order: the one statement whose index is named.
            (None, None)
                if self.conditions.is_empty() && matches!(tail, Tail::Page(Sort::Name)) =>
            {
                Compose::new("SKILLS", &cypher::ANCHOR_ALL_BY_NAME)
            }
            _ => Compose::new("SKILLS", &cypher::ANCHOR_ALL),
        };
        if let Some(TextMatch::Contains) = &text {
            c.code("  AND ");
            c.expression(&cypher::WHERE_TEXT);
            c.code("\n");
        }
        let mut skipped = anchored.map(|(f, v, _)| (f, v));
        for cond in &self.conditions {
            if let (Condition::Is(f, v), Some((af, av))) = (cond, skipped) {
                if *f == af && v == av {
                    skipped = None;
                    continue;
                }
            }
            c.code("  AND ");
            cond.write(&mut c);
            c.code("\n");
        }
        // `$text` (lower-cased): the substring condition's, and a ranking's exact-name test.
        let contains = matches!(text, Some(TextMatch::Contains));
        if let Some(t) = (self.text.as_ref()).filter(|_| contains || matches!(tail, Tail::Ranked)) {
            c.value("text", t.to_lowercase());
        }
        let tail = match (tail, &text) {
            (Tail::Page(Sort::Name), _) => &cypher::PAGE_BY_NAME,
            (Tail::Page(Sort::ListOrder), _) => &cypher::PAGE_BY_LIST_ORDER,
            (Tail::Page(Sort::DateModified), _) => &cypher::PAGE_BY_DATE_MODIFIED,
            (Tail::Ranked, Some(TextMatch::FullText(_))) => &cypher::RANKED_FULLTEXT,
            (Tail::Ranked, _) => &cypher::RANKED_CONTAINS,
            (Tail::Count, _) => &cypher::COUNT,
            (Tail::Facet(Facet::Framework), _) => &cypher::FACET_FRAMEWORK,
            (Tail::Facet(Facet::Source), _) => &cypher::FACET_SOURCE,
            (Tail::Facet(Facet::OccupationMajorGroup), _) => &cypher::FACET_OCCUPATION,
            (Tail::Facet(Facet::EducationLevel), _) => &cypher::FACET_EDUCATION,
        };
        c.finish(tail)
    }
}

/// How a listing is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    /// By name, then uuid: read in order from the index `skill_name_uuid`.
    #[default]
    Name,
    /// The publisher's list order within a framework, then uuid.
    ListOrder,
    /// The publisher's date modified, newest first, then uuid descending.
    DateModified,
}

/// What the matching skills of a listing can be counted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Facet {
    Framework,
    Source,
    OccupationMajorGroup,
    EducationLevel,
}

/// What a composed listing statement returns.
#[derive(Debug, Clone, Copy)]
pub enum Tail {
    Page(Sort),
    /// Most relevant first (a text filter's ranking), at an offset.
    Ranked,
    Count,
    Facet(Facet),
}

/// How a text is matched: through Neo4j's full-text index (the query it is given), or as a
/// lower-cased substring where the database has no such index or the text has no word to look
/// up in it. One decision for the listings, their counts and ranked search, so a search's hits
/// and its count are the same matches.
enum TextMatch {
    FullText(String),
    Contains,
}

impl TextMatch {
    fn of(text: &str, text_search: TextSearch) -> Self {
        let full = (text_search == TextSearch::FullText).then(|| fulltext_query(text));
        match full.flatten() {
            Some(query) => TextMatch::FullText(query),
            None => TextMatch::Contains,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A filter of one condition under `n` NOTs.
    fn under_nots(n: usize) -> SkillFilter {
        let leaf = Condition::Is(Field::Source, "s".into());
        let cond = (0..n).fold(leaf, |c, _| Condition::Not(Box::new(c)));
        SkillFilter {
            text: None,
            conditions: vec![cond],
        }
    }

    #[test]
    fn filters_deeper_or_larger_than_the_bounds_are_refused() {
        // The conditions sit under the filter's own AND: ten NOTs are 12 levels, eleven 13.
        assert!(under_nots(10).check().is_ok());
        assert!(under_nots(11).check().is_err());
        let many = |n: usize| SkillFilter {
            text: None,
            conditions: (0..n)
                .map(|i| Condition::Is(Field::Keyword, format!("k{i}")))
                .collect(),
        };
        assert!(many(MAX_CONDITIONS).check().is_ok());
        assert!(many(MAX_CONDITIONS + 1).check().is_err());
    }
}
