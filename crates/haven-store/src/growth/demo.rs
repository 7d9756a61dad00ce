//! Demo growth records: monthly measurements of some young children at the medical centre
//! with the most of them (most growing well, a few wasted, one with SAM in the outpatient
//! therapeutic programme with weekly follow-ups), and yearly ones of older children.

use haven_domain::growth::nutrition::{AppetiteTest, Programme, Wasting};
use haven_domain::growth::tables::{GrowthTables, Table};
use haven_domain::growth::{GrowthSex, Measurements, Position};
use time::{Date, Duration, OffsetDateTime};

use super::{growth_sex, NewAdmission, NewFollowUp, NewMeasurement};
use crate::db::on_pool;
use crate::{Actor, Id, Person, Result, Store};

/// How each demo child grows: weight-for-length/height and length-for-age z-scores, and
/// MUAC in mm at the latest visit.
#[derive(Clone, Copy)]
struct Course {
    whz: f64,
    haz: f64,
    muac_mm: f64,
}

// The wasted children first, so that even a small demo registry shows them.
const COURSES: &[Course] = &[
    Course {
        whz: -3.4,
        haz: -2.1,
        muac_mm: 109.0,
    }, // SAM: admitted to OTP
    Course {
        whz: -2.4,
        haz: -1.8,
        muac_mm: 121.0,
    }, // MAM
    Course {
        whz: 0.3,
        haz: 0.1,
        muac_mm: 148.0,
    },
    Course {
        whz: -1.6,
        haz: -0.9,
        muac_mm: 119.0,
    }, // MAM by MUAC only
    Course {
        whz: -0.6,
        haz: -1.4,
        muac_mm: 139.0,
    },
    Course {
        whz: 0.9,
        haz: 0.4,
        muac_mm: 152.0,
    },
    Course {
        whz: -1.1,
        haz: -2.6,
        muac_mm: 133.0,
    }, // stunted
    Course {
        whz: -2.2,
        haz: -1.2,
        muac_mm: 127.0,
    }, // MAM by WHZ only
    Course {
        whz: 0.0,
        haz: -0.3,
        muac_mm: 143.0,
    },
    Course {
        whz: 0.5,
        haz: 0.8,
        muac_mm: 150.0,
    },
];

impl Store {
    /// Adds this part's demo records to a database that holds the demo registry.
    pub async fn load_demo_growth(&self) -> Result<()> {
        let today = OffsetDateTime::now_utc().date();
        let five_years_ago = today - Duration::days(1826);
        let busiest: Option<(Id,)> = on_pool!(&self.pool, pool => {
            sqlx::query_as(
                "SELECT p.registered_facility_id FROM person p
                 JOIN facility f ON f.id = p.registered_facility_id
                 WHERE f.kind = 'medical_centre' AND p.birth_date >= $1 AND p.birth_date <= $2
                   AND p.sex IN ('female', 'male') AND p.merged_into IS NULL
                 GROUP BY p.registered_facility_id
                 ORDER BY COUNT(*) DESC, p.registered_facility_id LIMIT 1",
            )
            .bind(five_years_ago + Duration::days(200))
            .bind(today - Duration::days(240))
            .fetch_optional(pool)
            .await?
        });
        let Some((facility,)) = busiest else {
            return Ok(());
        };
        let young: Vec<Id> = on_pool!(&self.pool, pool => {
            sqlx::query_scalar(
                "SELECT id FROM person WHERE registered_facility_id = $1 AND birth_date >= $2
                   AND birth_date <= $3 AND sex IN ('female', 'male') AND merged_into IS NULL
                   AND died_on IS NULL
                 ORDER BY family_name_latin, given_name_latin, id LIMIT 10",
            )
            .bind(facility)
            .bind(five_years_ago + Duration::days(200))
            .bind(today - Duration::days(240))
            .fetch_all(pool)
            .await?
        });
        let actor = Actor::system();
        for (person, course) in self.people(&young).await?.iter().zip(COURSES) {
            self.demo_child(&actor, person, facility, *course, today)
                .await?;
        }
        // Older children of the villages: a yearly measurement for the 2007 reference.
        let older: Vec<Id> = on_pool!(&self.pool, pool => {
            sqlx::query_scalar(
                "SELECT id FROM person WHERE birth_date >= $1 AND birth_date <= $2
                   AND sex IN ('female', 'male') AND merged_into IS NULL AND died_on IS NULL
                 ORDER BY family_name_latin, given_name_latin, id LIMIT 6",
            )
            .bind(today - Duration::days(15 * 365))
            .bind(today - Duration::days(7 * 365))
            .fetch_all(pool)
            .await?
        });
        for (index, person) in self.people(&older).await?.iter().enumerate() {
            let Some(sex) = growth_sex(person) else {
                continue;
            };
            for years_ago in [2_i64, 1, 0] {
                let on = today - Duration::days(years_ago * 365 + 20);
                let z = [-0.4, -1.3, 0.6, -2.2, 0.1, -0.8][index % 6];
                let Some(values) = older_values(sex, (on - person.birth_date).whole_days(), z)
                else {
                    continue;
                };
                let new = NewMeasurement {
                    person_id: person.id,
                    facility_id: person.registered_facility_id,
                    visit_id: None,
                    measured_on: on,
                    values,
                    note: String::new(),
                };
                self.record_measurement(&actor, &new).await?;
            }
        }
        Ok(())
    }

    async fn demo_child(
        &self,
        actor: &Actor,
        person: &Person,
        facility: Id,
        course: Course,
        today: Date,
    ) -> Result<()> {
        let Some(sex) = growth_sex(person) else {
            return Ok(());
        };
        // Monthly visits over half a year, the child's z-scores drifting to today's.
        let mut latest = None;
        for months_ago in (0..6).rev() {
            let on = today - Duration::days(months_ago * 30 + 7);
            let days = (on - person.birth_date).whole_days();
            let drift = months_ago as f64 * 0.12;
            let (whz, haz) = if course.whz < -2.0 {
                (course.whz + drift, course.haz + drift / 2.0)
            } else {
                (course.whz - drift / 3.0, course.haz)
            };
            let muac = course.muac_mm + months_ago as f64 * 2.0;
            let Some(values) = young_values(sex, days, whz, haz, muac, false) else {
                continue;
            };
            let new = NewMeasurement {
                person_id: person.id,
                facility_id: Some(facility),
                visit_id: None,
                measured_on: on,
                values,
                note: String::new(),
            };
            latest = Some(self.record_measurement(actor, &new).await?);
        }
        // The SAM child was admitted to OTP at the last visit, and followed up weekly since.
        if course.whz < -3.0 {
            let Some(admitting) = latest else {
                return Ok(());
            };
            let admission = self
                .admit_to_programme(
                    actor,
                    &NewAdmission {
                        person_id: person.id,
                        facility_id: facility,
                        programme: Programme::Otp,
                        admitted_on: admitting.measured_on,
                        admitted_by: Wasting::WeightForHeightAndMuac,
                        measurement_id: Some(admitting.id),
                        complications: false,
                        appetite_test: AppetiteTest::Passed,
                    },
                )
                .await?;
            for week in 1..=1 {
                let on = admitting.measured_on + Duration::days(7 * week);
                if on > today {
                    break;
                }
                let days = (on - person.birth_date).whole_days();
                let Some(values) = young_values(
                    sex,
                    days,
                    course.whz + 0.2,
                    course.haz,
                    course.muac_mm + 2.0,
                    false,
                ) else {
                    continue;
                };
                let follow_up = NewFollowUp {
                    measurement: NewMeasurement {
                        person_id: person.id,
                        facility_id: Some(facility),
                        visit_id: None,
                        measured_on: on,
                        values,
                        note: String::new(),
                    },
                    appetite_test: AppetiteTest::Passed,
                    note: String::new(),
                };
                self.record_follow_up(actor, admission.id, &follow_up)
                    .await?;
            }
        }
        Ok(())
    }
}

/// The weight, length and MUAC of a child under 5 with these z-scores (to the precision a
/// scale and a board give: 0.1 kg, 0.1 cm, 1 mm).
fn young_values(
    sex: GrowthSex,
    days: i64,
    whz: f64,
    haz: f64,
    muac_mm: f64,
    oedema: bool,
) -> Option<Measurements> {
    let tables = GrowthTables::get();
    let days = u32::try_from(days).ok()?;
    let length = tables
        .rows(Table::LengthHeightForAge, sex)
        .get(days)?
        .value_at(haz);
    let (table, position) = if days < 731 {
        (Table::WeightForLength, Position::Lying)
    } else {
        (Table::WeightForHeight, Position::Standing)
    };
    let length = (length * 10.0).round() / 10.0;
    let weight = tables
        .rows(table, sex)
        .between(length * 10.0)?
        .value_at(whz);
    Some(Measurements::from_stored(
        Some((weight * 10.0).round() / 10.0),
        Some(length),
        Some(position),
        None,
        Some(muac_mm.round()),
        None,
        None,
        oedema,
    ))
}

/// The weight (to 10 years) and height of an older child with this z-score.
fn older_values(sex: GrowthSex, days: i64, z: f64) -> Option<Measurements> {
    let tables = GrowthTables::get();
    let months = days as f64 / 30.4375;
    let height = tables
        .rows(Table::Reference2007HeightForAge, sex)
        .between(months)?
        .value_at(z);
    let bmi = tables
        .rows(Table::Reference2007BmiForAge, sex)
        .between(months)?
        .value_at(z * 0.8);
    let height = (height * 10.0).round() / 10.0;
    let weight = bmi * (height / 100.0).powi(2);
    Some(Measurements::from_stored(
        Some((weight * 10.0).round() / 10.0),
        Some(height),
        Some(Position::Standing),
        None,
        None,
        None,
        None,
        false,
    ))
}
