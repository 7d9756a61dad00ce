//! The yearly figures without names: concerns by kind and by who caused harm,
//! outcomes, and response times, each for girls and boys (and the total), and the
//! children by age band.
//!
//! Children are counted once per report they appear in; a report naming two kinds
//! of concern counts its children under both, so the rows of a table may add up to
//! more than the total, as DHIS2's multi-select figures do.

use time::OffsetDateTime;

use super::report::{ConcernType, HarmBy};
use super::workflow::{Deadlines, Outcome, Step};
use crate::person::{AgeBand, Sex};

/// A child of a report, as the figures need them: sex, and age in whole years when
/// filed (`None` when nobody knows).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChildFacts {
    pub sex: Sex,
    pub age: Option<i32>,
}

/// One report, without names or text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportFacts {
    pub filed_at: OffsetDateTime,
    pub acknowledged_at: Option<OffsetDateTime>,
    pub closed_at: Option<OffsetDateTime>,
    pub concern_types: Vec<ConcernType>,
    pub harm_by: Vec<HarmBy>,
    pub outcome: Option<Outcome>,
    pub children: Vec<ChildFacts>,
}

/// Children by sex: girls, boys, other or unknown, and all.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SexCounts {
    pub girls: u32,
    pub boys: u32,
    pub other: u32,
    pub total: u32,
}

impl SexCounts {
    fn add(&mut self, sex: Sex) {
        match sex {
            Sex::Female => self.girls += 1,
            Sex::Male => self.boys += 1,
            Sex::Other | Sex::Unknown => self.other += 1,
        }
        self.total += 1;
    }
}

/// A row of a table: the translation key of its label, the reports, and their
/// children by sex.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CountRow {
    pub label_key: String,
    pub reports: u32,
    pub children: SexCounts,
}

/// The label key of the row of children whose age nobody knows.
pub const AGE_UNKNOWN: &str = "safeguarding-age-unknown";

/// A median duration in whole hours, over how many reports.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Median {
    pub hours: Option<i64>,
    pub reports: u32,
    /// How many of them took no longer than the deadline.
    pub within_deadline: u32,
}

/// A year's figures.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YearlyStatistics {
    pub year: i32,
    pub reports: u32,
    pub children: SexCounts,
    pub by_concern: Vec<CountRow>,
    pub by_harm_by: Vec<CountRow>,
    pub by_outcome: Vec<CountRow>,
    /// Reports not yet closed.
    pub open: CountRow,
    pub by_age_band: Vec<CountRow>,
    pub to_acknowledgement: Median,
    pub to_closure: Median,
}

impl YearlyStatistics {
    /// The figures of the reports filed in `year` (by the instants given, already in
    /// the site's time).
    pub fn compute(year: i32, facts: &[ReportFacts], deadlines: &Deadlines) -> YearlyStatistics {
        let facts: Vec<&ReportFacts> = facts.iter().filter(|f| f.filed_at.year() == year).collect();
        let mut children = SexCounts::default();
        for fact in &facts {
            for child in &fact.children {
                children.add(child.sex);
            }
        }
        let row = |label_key: String, matches: &dyn Fn(&ReportFacts) -> bool| {
            let mut row = CountRow {
                label_key,
                reports: 0,
                children: SexCounts::default(),
            };
            for fact in facts.iter().filter(|f| matches(f)) {
                row.reports += 1;
                for child in &fact.children {
                    row.children.add(child.sex);
                }
            }
            row
        };
        let by_concern = ConcernType::ALL
            .iter()
            .map(|kind| row(kind.label_key(), &|f| f.concern_types.contains(kind)))
            .collect();
        let by_harm_by = HarmBy::ALL
            .iter()
            .map(|who| {
                row(who.label_key(), &|f| {
                    f.harm_by.contains(who) || (*who == HarmBy::Unknown && f.harm_by.is_empty())
                })
            })
            .collect();
        let by_outcome = Outcome::ALL
            .iter()
            .map(|outcome| row(outcome.label_key(), &|f| f.outcome == Some(*outcome)))
            .collect();
        let open = row("safeguarding-open".to_owned(), &|f| f.closed_at.is_none());
        let mut by_age_band: Vec<CountRow> = AgeBand::ALL
            .iter()
            .map(|band| CountRow {
                label_key: band.label_key(),
                reports: 0,
                children: SexCounts::default(),
            })
            .collect();
        let mut unknown_age = CountRow {
            label_key: AGE_UNKNOWN.to_owned(),
            reports: 0,
            children: SexCounts::default(),
        };
        for fact in &facts {
            for child in &fact.children {
                let target = match child.age {
                    Some(age) => {
                        let band = AgeBand::of_age(age);
                        let index = AgeBand::ALL.iter().position(|b| *b == band).unwrap_or(0);
                        &mut by_age_band[index]
                    }
                    None => &mut unknown_age,
                };
                target.children.add(child.sex);
            }
        }
        // Reports per age band: those with at least one child in it.
        for (index, band) in AgeBand::ALL.iter().enumerate() {
            by_age_band[index].reports = facts
                .iter()
                .filter(|f| {
                    f.children
                        .iter()
                        .any(|c| c.age.map(AgeBand::of_age) == Some(*band))
                })
                .count() as u32;
        }
        unknown_age.reports = facts
            .iter()
            .filter(|f| f.children.iter().any(|c| c.age.is_none()))
            .count() as u32;
        by_age_band.push(unknown_age);
        let to_acknowledgement = median(
            facts
                .iter()
                .filter_map(|f| f.acknowledged_at.map(|at| hours_between(f.filed_at, at))),
            deadlines.after_filing(Step::Acknowledged).whole_hours(),
        );
        let to_closure = median(
            facts
                .iter()
                .filter_map(|f| f.closed_at.map(|at| hours_between(f.filed_at, at))),
            deadlines.after_filing(Step::Closed).whole_hours(),
        );
        YearlyStatistics {
            year,
            reports: facts.len() as u32,
            children,
            by_concern,
            by_harm_by,
            by_outcome,
            open,
            by_age_band,
            to_acknowledgement,
            to_closure,
        }
    }
}

fn hours_between(from: OffsetDateTime, to: OffsetDateTime) -> i64 {
    (to - from).whole_hours().max(0)
}

/// The median (the lower middle of an even count) and how many are within `deadline`.
fn median(hours: impl Iterator<Item = i64>, deadline_hours: i64) -> Median {
    let mut hours: Vec<i64> = hours.collect();
    hours.sort_unstable();
    Median {
        hours: (!hours.is_empty()).then(|| hours[(hours.len() - 1) / 2]),
        reports: hours.len() as u32,
        within_deadline: hours.iter().filter(|h| **h <= deadline_hours).count() as u32,
    }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    fn fact(
        filed: OffsetDateTime,
        types: &[ConcernType],
        children: &[(Sex, Option<i32>)],
    ) -> ReportFacts {
        ReportFacts {
            filed_at: filed,
            acknowledged_at: None,
            closed_at: None,
            concern_types: types.to_vec(),
            harm_by: Vec::new(),
            outcome: None,
            children: children
                .iter()
                .map(|(sex, age)| ChildFacts {
                    sex: *sex,
                    age: *age,
                })
                .collect(),
        }
    }

    fn find<'a>(rows: &'a [CountRow], key: &str) -> &'a CountRow {
        rows.iter().find(|r| r.label_key == key).unwrap()
    }

    #[test]
    fn a_years_figures_count_children_by_sex_and_age_band() {
        use ConcernType::*;
        let mut closed = fact(
            datetime!(2026-02-01 08:00 UTC),
            &[Neglect, PhysicalAbuse],
            &[(Sex::Female, Some(7)), (Sex::Male, Some(9))],
        );
        closed.acknowledged_at = Some(datetime!(2026-02-01 20:00 UTC));
        closed.closed_at = Some(datetime!(2026-03-01 08:00 UTC));
        closed.outcome = Some(Outcome::Substantiated);
        closed.harm_by = vec![HarmBy::Caregiver];
        let mut late = fact(
            datetime!(2026-05-01 08:00 UTC),
            &[Bullying],
            &[(Sex::Female, None)],
        );
        late.acknowledged_at = Some(datetime!(2026-05-03 08:00 UTC));
        let other_year = fact(
            datetime!(2025-12-31 23:00 UTC),
            &[Neglect],
            &[(Sex::Male, Some(3))],
        );
        let stats =
            YearlyStatistics::compute(2026, &[closed, late, other_year], &Deadlines::default());
        assert_eq!(stats.reports, 2);
        assert_eq!(
            stats.children,
            SexCounts {
                girls: 2,
                boys: 1,
                other: 0,
                total: 3
            }
        );
        let neglect = find(&stats.by_concern, "concerntype-neglect");
        assert_eq!(
            (
                neglect.reports,
                neglect.children.girls,
                neglect.children.boys
            ),
            (1, 1, 1)
        );
        assert_eq!(
            find(&stats.by_concern, "concerntype-bullying")
                .children
                .girls,
            1
        );
        assert_eq!(find(&stats.by_concern, "concerntype-self-harm").reports, 0);
        assert_eq!(find(&stats.by_harm_by, "harmby-caregiver").reports, 1);
        // A report that names nobody counts under "unknown".
        assert_eq!(find(&stats.by_harm_by, "harmby-unknown").reports, 1);
        assert_eq!(find(&stats.by_outcome, "outcome-substantiated").reports, 1);
        assert_eq!(stats.open.reports, 1);
        let band = find(&stats.by_age_band, "ageband-5-9");
        assert_eq!((band.reports, band.children.total), (1, 2));
        assert_eq!(find(&stats.by_age_band, AGE_UNKNOWN).children.girls, 1);
        assert_eq!(find(&stats.by_age_band, "ageband-1-4").children.total, 0);
        // 12 hours and 48 hours: the lower middle is 12; one within 24 hours.
        assert_eq!(
            stats.to_acknowledgement,
            Median {
                hours: Some(12),
                reports: 2,
                within_deadline: 1
            }
        );
        assert_eq!(
            stats.to_closure,
            Median {
                hours: Some(28 * 24),
                reports: 1,
                within_deadline: 1
            }
        );
    }

    #[test]
    fn an_empty_year_has_no_median() {
        let stats = YearlyStatistics::compute(2030, &[], &Deadlines::default());
        assert_eq!(stats.reports, 0);
        assert_eq!(stats.to_acknowledgement.hours, None);
        assert_eq!(stats.by_age_band.len(), AgeBand::ALL.len() + 1);
    }
}
