//! The programme's figures about children, for girls, boys and in total.
//!
//! Counted from the programme's own records when asked: one query reads one row per
//! child whose care the facilities hold (a few hundred in a programme), each with
//! indexed sub-counts (placements, plans, enrolments, terms by `child_id`), and the
//! sums are made in Rust. A programme's care records are small, unlike the clinic's
//! encounters, so nothing is kept up to date separately; see docs/benchmarks.md.

use haven_domain::care::figures::BySex;
use haven_domain::care::{is_school_age, review_overdue};
use haven_domain::person::Sex;
use time::Date;

use super::marks;
use crate::db::on_pool;
use crate::{Id, Result, Store};

/// One child's facts the figures are made of.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ChildRow {
    pub id: Id,
    pub person_id: Id,
    pub facility_id: Id,
    pub family_name_km: String,
    pub given_name_km: String,
    pub family_name_latin: String,
    pub given_name_latin: String,
    pub sex: String,
    pub birth_date: Date,
    pub left_on: Option<Date>,
    pub first_placed: Option<Date>,
    pub placed_now: i64,
    pub review_on: Option<Date>,
    pub enrolments: i64,
    pub terms: i64,
    pub passed_terms: i64,
}

impl ChildRow {
    pub fn sex(&self) -> Sex {
        Sex::parse(&self.sex).unwrap_or(Sex::Unknown)
    }

    pub fn display_name(&self) -> String {
        haven_domain::person::display_name(
            &self.family_name_km,
            &self.given_name_km,
            &self.family_name_latin,
            &self.given_name_latin,
        )
    }

    /// Living in a house now.
    pub fn in_care(&self) -> bool {
        self.left_on.is_none() && self.placed_now > 0
    }

    /// Enrolled in the school year that began this calendar year or the last (a
    /// Cambodian school year spans two).
    pub fn enrolled(&self) -> bool {
        self.enrolments > 0
    }
}

/// The figures of a programme (or any set of facilities) in a year.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CareFigures {
    pub year: i32,
    /// Living in an SOS family or youth house now.
    pub in_care: BySex,
    /// First placed in the year.
    pub admissions: BySex,
    /// Left care in the year.
    pub leavers: BySex,
    /// In care with a plan whose review is not overdue.
    pub plans_up_to_date: BySex,
    /// In care and of school age.
    pub school_age: BySex,
    /// Of those, enrolled this school year.
    pub enrolled: BySex,
    /// In care with a term's results this school year.
    pub with_results: BySex,
    /// Of those, who passed every term recorded.
    pub passed: BySex,
}

impl CareFigures {
    /// Adds up the figures from the children's rows (pure, so tests can give rows).
    pub fn from_rows(rows: &[ChildRow], today: Date) -> CareFigures {
        let year = today.year();
        let mut f = CareFigures {
            year,
            ..CareFigures::default()
        };
        for row in rows {
            let sex = row.sex();
            if row.first_placed.is_some_and(|d| d.year() == year) {
                f.admissions.add(sex, 1);
            }
            if row.left_on.is_some_and(|d| d.year() == year) {
                f.leavers.add(sex, 1);
            }
            if !row.in_care() {
                continue;
            }
            f.in_care.add(sex, 1);
            if row.review_on.is_some_and(|r| !review_overdue(r, today)) {
                f.plans_up_to_date.add(sex, 1);
            }
            if is_school_age(row.birth_date, today) {
                f.school_age.add(sex, 1);
                if row.enrolled() {
                    f.enrolled.add(sex, 1);
                }
            }
            if row.terms > 0 {
                f.with_results.add(sex, 1);
                if row.passed_terms == row.terms {
                    f.passed.add(sex, 1);
                }
            }
        }
        f
    }
}

impl Store {
    /// One row per child whose care these facilities hold, with the sub-counts the
    /// figures need.
    pub async fn care_child_rows(&self, facility_ids: &[Id], today: Date) -> Result<Vec<ChildRow>> {
        if facility_ids.is_empty() {
            return Ok(Vec::new());
        }
        let first_year = i64::from(today.year()) - 1;
        let sql = format!(
            "SELECT c.id, c.person_id, c.facility_id, p.family_name_km, p.given_name_km,
                 p.family_name_latin, p.given_name_latin, p.sex, p.birth_date, c.left_on,
                 (SELECT MIN(pl.started_on) FROM care_placement pl
                     WHERE pl.child_id = c.id AND pl.entered_in_error_at IS NULL) AS first_placed,
                 (SELECT COUNT(*) FROM care_placement pl WHERE pl.child_id = c.id
                     AND pl.ended_on IS NULL AND pl.entered_in_error_at IS NULL) AS placed_now,
                 (SELECT pn.review_on FROM care_plan pn WHERE pn.child_id = c.id
                     ORDER BY pn.made_on DESC, pn.id DESC LIMIT 1) AS review_on,
                 (SELECT COUNT(*) FROM care_enrolment e WHERE e.child_id = c.id
                     AND e.school_year >= $1) AS enrolments,
                 (SELECT COUNT(*) FROM care_term t JOIN care_enrolment e ON e.id = t.enrolment_id
                     WHERE e.child_id = c.id AND e.school_year >= $1) AS terms,
                 (SELECT COUNT(*) FROM care_term t JOIN care_enrolment e ON e.id = t.enrolment_id
                     WHERE e.child_id = c.id AND e.school_year >= $1 AND t.passed = 1) AS passed_terms
             FROM care_child c JOIN person p ON p.id = c.person_id
             WHERE c.facility_id IN ({})
             ORDER BY p.family_name_latin, p.given_name_latin, c.id",
            marks(facility_ids.len(), 2)
        );
        on_pool!(&self.pool, pool => {
            let mut query = sqlx::query_as::<_, ChildRow>(&sql).bind(first_year);
            for id in facility_ids {
                query = query.bind(*id);
            }
            Ok(query.fetch_all(pool).await?)
        })
    }

    pub async fn care_figures(&self, facility_ids: &[Id], today: Date) -> Result<CareFigures> {
        let rows = self.care_child_rows(facility_ids, today).await?;
        Ok(CareFigures::from_rows(&rows, today))
    }
}
