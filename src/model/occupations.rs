//! Occupations, and their O*NET-SOC levels: which major group, minor group and broad occupation an occupation code
//! belongs to. Both the GraphQL `occupations` field and the seed REST shape group by it.
use async_graphql::SimpleObject;
use serde::{Deserialize, Serialize};

/// An occupation a skill is aligned to.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, SimpleObject)]
#[serde(default)]
pub struct Occupation {
    pub code: String,
    pub name: Option<String>,
    /// The classification the code belongs to (e.g. O*NET-SOC).
    pub framework: Option<String>,
}

/// An occupation code at one level of the O*NET-SOC hierarchy.
#[derive(SimpleObject, Clone, PartialEq, Debug)]
pub struct OccupationGroup {
    pub code: String,
    /// Known only for the level the alignment was made at.
    pub name: Option<String>,
}

/// Occupations grouped by SOC level: `15-1252.00` is in major group `15-0000`, minor group
/// `15-1200`, broad occupation `15-1250` and detailed occupation `15-1252`.
#[derive(SimpleObject, Default, Debug)]
pub struct Occupations {
    pub occupations_major_group: Vec<OccupationGroup>,
    pub occupations_minor_group: Vec<OccupationGroup>,
    pub broad_occupation: Vec<OccupationGroup>,
    pub detailed_occupation: Vec<OccupationGroup>,
}

impl Occupations {
    pub fn from_codes(occupations: impl IntoIterator<Item = Occupation>) -> Self {
        fn add(list: &mut Vec<OccupationGroup>, code: String, name: Option<String>) {
            match list.iter_mut().find(|g| g.code == code) {
                Some(g) if g.name.is_none() => g.name = name,
                Some(_) => {}
                None => list.push(OccupationGroup { code, name }),
            }
        }
        let mut out = Occupations::default();
        for occ in occupations {
            let Some(soc) = SocCode::parse(&occ.code) else {
                // Not an SOC code: keep it as a detailed occupation rather than drop it.
                add(&mut out.detailed_occupation, occ.code, occ.name);
                continue;
            };
            // A code names its own level and the groups above it, never the levels below.
            let at = |level: u8| (soc.level == level).then(|| occ.name.clone()).flatten();
            add(&mut out.occupations_major_group, soc.major(), at(0));
            if soc.level >= 1 {
                add(&mut out.occupations_minor_group, soc.minor(), at(1));
            }
            if soc.level >= 2 {
                add(&mut out.broad_occupation, soc.broad(), at(2));
            }
            if soc.level == 3 {
                add(
                    &mut out.detailed_occupation,
                    soc.detailed(),
                    occ.name.clone(),
                );
            }
        }
        out
    }
}

/// What every code in the group `code` names starts with: `15-` for the major group `15-0000`,
/// `15-12` for the minor group `15-1200`, `15-125` for the broad occupation `15-1250`, the code
/// itself for a detailed one (`15-1252` covers `15-1252.00` and `15-1252.01`) or for a code that
/// is not SOC.
pub fn soc_prefix(code: &str) -> String {
    match SocCode::parse(code) {
        Some(soc) => {
            let digits = [0, 2, 3, 4][soc.level as usize];
            format!("{}-{}", soc.major, &soc.digits[..digits])
        }
        None => code.to_string(),
    }
}

/// `MM-NNNN` with an optional O*NET suffix `.NN`.
struct SocCode {
    major: String,
    digits: String,
    /// 0 major, 1 minor, 2 broad, 3 detailed: the most specific level the code names.
    level: u8,
}

impl SocCode {
    fn parse(code: &str) -> Option<Self> {
        let base = code.split('.').next()?;
        let (major, rest) = base.split_once('-')?;
        let valid = major.len() == 2
            && rest.len() == 4
            && major
                .chars()
                .chain(rest.chars())
                .all(|c| c.is_ascii_digit());
        if !valid {
            return None;
        }
        let level = if rest == "0000" {
            0
        } else if rest.ends_with("00") {
            1
        } else if rest.ends_with('0') {
            2
        } else {
            3
        };
        Some(Self {
            major: major.into(),
            digits: rest.into(),
            level,
        })
    }
    fn major(&self) -> String {
        format!("{}-0000", self.major)
    }
    fn minor(&self) -> String {
        format!("{}-{}00", self.major, &self.digits[..2])
    }
    fn broad(&self) -> String {
        format!("{}-{}0", self.major, &self.digits[..3])
    }
    fn detailed(&self) -> String {
        format!("{}-{}", self.major, self.digits)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn occ(code: &str, name: &str) -> Occupation {
        Occupation {
            code: code.into(),
            name: Some(name.into()),
            framework: None,
        }
    }

    #[test]
    fn soc_codes_expand_to_every_group_level() {
        let o = Occupations::from_codes([occ("15-1252.00", "Software Developers")]);
        assert_eq!(o.occupations_major_group[0].code, "15-0000");
        assert_eq!(o.occupations_minor_group[0].code, "15-1200");
        assert_eq!(o.broad_occupation[0].code, "15-1250");
        assert_eq!(o.detailed_occupation[0].code, "15-1252");
        assert_eq!(
            o.detailed_occupation[0].name.as_deref(),
            Some("Software Developers")
        );
        assert_eq!(o.broad_occupation[0].name, None);
    }

    #[test]
    fn group_level_codes_name_their_own_level_only() {
        let o = Occupations::from_codes([
            occ("15-1250", "Software Devs, QA, Testers"),
            occ("15-1252", "Software Developers"),
        ]);
        assert_eq!(o.broad_occupation.len(), 1);
        assert_eq!(
            o.broad_occupation[0].name.as_deref(),
            Some("Software Devs, QA, Testers")
        );
        assert_eq!(o.detailed_occupation.len(), 1);
    }

    #[test]
    fn group_codes_are_not_listed_at_the_levels_below_them() {
        let o = Occupations::from_codes([occ("11-0000", "Management"), occ("15-1200", "Computer")]);
        let codes = |l: &[OccupationGroup]| l.iter().map(|g| g.code.clone()).collect::<Vec<_>>();
        assert_eq!(codes(&o.occupations_major_group), ["11-0000", "15-0000"]);
        assert_eq!(codes(&o.occupations_minor_group), ["15-1200"]);
        assert!(o.broad_occupation.is_empty(), "{:?}", o.broad_occupation);
        assert!(o.detailed_occupation.is_empty());
    }

    #[test]
    fn a_group_code_names_the_prefix_of_every_code_below_it() {
        assert_eq!(soc_prefix("15-0000"), "15-");
        assert_eq!(soc_prefix("15-1200"), "15-12");
        assert_eq!(soc_prefix("15-1250"), "15-125");
        assert_eq!(soc_prefix("15-1252"), "15-1252");
        assert_eq!(soc_prefix("15-1252.00"), "15-1252");
        assert_eq!(soc_prefix("ISCO-2512"), "ISCO-2512");
    }

    #[test]
    fn non_soc_codes_are_kept_as_detailed() {
        let o = Occupations::from_codes([occ("ISCO-2512", "x")]);
        assert_eq!(o.detailed_occupation[0].code, "ISCO-2512");
        assert!(o.occupations_major_group.is_empty());
    }
}
