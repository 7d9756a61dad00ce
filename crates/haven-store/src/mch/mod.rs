//! Persistence of mother and child health: pregnancies and antenatal contacts,
//! deliveries and postnatal contacts, family planning and immunisation (issue 5).
//! Growth and nutrition are their own part (`crate::growth`).
//!
//! Every record carries its facility (a record belongs to the facility where it was
//! made; readers see it when their reach holds that facility), its own date and
//! person, and a nullable `visit_id` for linking to an outpatient visit later.

mod birth;
mod corrections;
mod family_planning;
mod immunisation;
mod pregnancy;

use haven_domain::mch::birth::{BabyInput, DeliveryDetails, DeliveryInput, MotherNames};
use haven_domain::mch::family_planning::{FpVisitDetails, FpVisitInput};
use haven_domain::mch::immunisation::{catch_up_plan, Group, Schedule, Subject};
use haven_domain::mch::postnatal::{PncContactDetails, PncContactInput};
use haven_domain::mch::pregnancy::{
    AncContactDetails, AncContactInput, PregnancyDetails, PregnancyInput,
};
use time::{Date, Duration};

pub use birth::{Delivery, DeliveryBaby, PncContact};
pub use corrections::{Correctable, CorrectableRecord};
pub use family_planning::FpVisit;
pub use immunisation::{CoverageCount, Dose, NewDose};
pub use pregnancy::{
    AncContact, HivScreening, OpenPregnancy, Pregnancy, SyphilisScreening, TdGiven,
};

/// The audit actions of this part (recorded here or by its pages), for the audit
/// trail's filter and labels.
pub const MCH_AUDIT_ACTIONS: &[&str] = &[
    "pregnancy_register",
    "pregnancy_read",
    "pregnancy_correct",
    "pregnancy_end",
    "pregnancy_entered_in_error",
    "anc_contact_record",
    "anc_contact_entered_in_error",
    "delivery_record",
    "delivery_read",
    "pnc_contact_record",
    "pnc_contact_entered_in_error",
    "fp_visit_record",
    "fp_visit_entered_in_error",
    "family_planning_read",
    "immunisation_dose_record",
    "immunisation_dose_entered_in_error",
    "immunisation_read",
];

use crate::db::on_pool;
use crate::ledger::Actor;
use crate::{Id, Result, Store, StoreError};

/// The schedule demo data is written against: Cambodia's.
const DEMO_SCHEDULE: &str = "kh";

impl Store {
    /// Adds this part's demo records to a database that holds the demo registry:
    /// pregnant women at each medical centre and mother-and-child clinic at various
    /// weeks (some overdue for a contact, one with a danger sign), recent births
    /// with their babies in the registry, children with partial vaccination records
    /// (some overdue, some arriving late and needing catch-up), and family planning
    /// clients with follow-ups due. Loads nothing when pregnancies exist already.
    pub async fn load_demo_mch(&self) -> Result<()> {
        let existing: i64 = on_pool!(&self.pool, pool => {
            sqlx::query_scalar("SELECT COUNT(*) FROM pregnancy").fetch_one(pool).await?
        });
        if existing > 0 {
            return Ok(());
        }
        let schedule = Schedule::builtin(DEMO_SCHEDULE).map_err(|_| {
            StoreError::Unsupported("the demo immunisation schedule does not parse")
        })?;
        let actor = Actor::system();
        let today = time::OffsetDateTime::now_utc().date();
        let facilities: Vec<Id> = on_pool!(&self.pool, pool => {
            sqlx::query_scalar(
                "SELECT id FROM facility WHERE kind IN ('medical_centre', 'mother_child_clinic')
                     AND closed_at IS NULL ORDER BY name",
            )
            .fetch_all(pool)
            .await?
        });
        for (index, facility) in facilities.iter().enumerate() {
            self.demo_pregnancies(&actor, *facility, today, index)
                .await?;
            self.demo_children(&actor, *facility, today, schedule)
                .await?;
            self.demo_family_planning(&actor, *facility, today).await?;
        }
        Ok(())
    }

    async fn demo_pregnancies(
        &self,
        actor: &Actor,
        facility: Id,
        today: Date,
        index: usize,
    ) -> Result<()> {
        let women = self
            .demo_people(facility, "female", today, 18, 40, 8)
            .await?;
        // Weeks of pregnancy today, and the weeks at which she came.
        let plans: [(i64, &[i64]); 8] = [
            (9, &[]),
            (19, &[10]),
            (24, &[11]),
            (28, &[12, 20]),
            (35, &[10, 20, 26, 30, 34]),
            (33, &[12, 19]),
            (40, &[10, 20, 26, 30, 34, 36, 38]),
            (39, &[11, 20, 26, 30, 34, 36]),
        ];
        for (position, (woman, (weeks, contacts))) in women.iter().zip(plans.iter()).enumerate() {
            let lmp = today - Duration::weeks(*weeks) - Duration::days(position as i64 % 5);
            let registered = contacts
                .first()
                .map_or(today, |w| lmp + Duration::weeks(*w));
            let risks: Vec<String> = if position == 3 {
                vec!["previous_caesarean".to_owned()]
            } else {
                vec![]
            };
            let details = PregnancyDetails::parse(
                &PregnancyInput {
                    registered_on: &registered.to_string(),
                    lmp: &lmp.to_string(),
                    gravida: &(1 + position % 4).to_string(),
                    para: &(position % 4).to_string(),
                    risk_factors: &risks,
                    ..PregnancyInput::default()
                },
                today,
            )
            .map_err(|_| StoreError::Unsupported("a demo pregnancy does not parse"))?;
            let pregnancy = match self
                .register_pregnancy(actor, *woman, facility, &details)
                .await
            {
                Ok(pregnancy) => pregnancy,
                Err(StoreError::Duplicate { .. }) => continue,
                Err(other) => return Err(other),
            };
            for (n, week) in contacts.iter().enumerate() {
                let on = lmp + Duration::weeks(*week);
                let signs: Vec<String> = if position == 5 && n == 1 {
                    vec!["severe_headache".to_owned()]
                } else {
                    vec![]
                };
                let contact = AncContactDetails::parse(
                    &AncContactInput {
                        contact_on: &on.to_string(),
                        blood_pressure: if position == 5 { "150/100" } else { "110/70" },
                        weight_kg: &format!("{}", 52 + week / 4),
                        fundal_height_cm: if *week >= 20 { "24" } else { "" },
                        fetal_heart_bpm: if *week >= 20 { "140" } else { "" },
                        haemoglobin_g_dl: if n == 0 { "11.4" } else { "" },
                        syphilis: if n == 0 { "negative" } else { "" },
                        hiv: if n == 0 { "negative" } else { "" },
                        iron_folic_acid: true,
                        danger_signs: &signs,
                        ..AncContactInput::default()
                    },
                    today,
                    registered,
                    lmp,
                )
                .map_err(|_| StoreError::Unsupported("a demo antenatal contact does not parse"))?;
                self.record_anc_contact(actor, pregnancy.id, facility, &contact, None)
                    .await?;
            }
            // The two at term at the first facilities gave birth a few days ago.
            if position >= 6 && index < 3 {
                let born = today - Duration::days(2 + position as i64);
                let mother = self.person(*woman).await?;
                let babies = vec![BabyInput {
                    outcome: "live_birth",
                    sex: if position == 6 { "female" } else { "male" },
                    weight_g: if position == 6 { "3100" } else { "2350" },
                    ..BabyInput::default()
                }];
                let delivery = DeliveryDetails::parse(
                    &DeliveryInput {
                        delivered_on: &born.to_string(),
                        delivered_time: "04:20",
                        place: "facility",
                        attendant: "midwife",
                        mode: "vaginal",
                        mother_outcome: "well",
                        babies,
                        ..DeliveryInput::default()
                    },
                    today,
                    registered,
                    MotherNames {
                        family_km: &mother.family_name_km,
                        family_latin: &mother.family_name_latin,
                    },
                )
                .map_err(|_| StoreError::Unsupported("a demo delivery does not parse"))?;
                let pregnancy = self.pregnancy(pregnancy.id).await?;
                let delivery = self
                    .record_delivery(actor, pregnancy.id, pregnancy.version, &delivery)
                    .await?;
                let first = PncContactDetails::parse(
                    &PncContactInput {
                        contact_on: &born.to_string(),
                        temperature_c: "36.8",
                        breastfeeding: true,
                        ..PncContactInput::default()
                    },
                    today,
                    born,
                )
                .map_err(|_| StoreError::Unsupported("a demo postnatal contact does not parse"))?;
                self.record_pnc_contact(actor, delivery.id, *woman, facility, &first)
                    .await?;
            }
        }
        Ok(())
    }

    async fn demo_children(
        &self,
        actor: &Actor,
        facility: Id,
        today: Date,
        schedule: &Schedule,
    ) -> Result<()> {
        let children = self.demo_people(facility, "", today, 0, 4, 12).await?;
        for (position, child) in children.iter().enumerate() {
            let person = self.person(*child).await?;
            let subject = Subject {
                born: person.birth_date,
                sex: person.sex(),
            };
            // Give what was due by an earlier day: on time for some, stopped early
            // for others (overdue), nothing for the late arrivals (catch-up).
            let stopped_at = match position % 4 {
                0 => today,
                1 => person.birth_date + Duration::weeks(7),
                2 => person.birth_date + Duration::weeks(11),
                _ => continue,
            };
            let plan = catch_up_plan(schedule, Group::Child, subject, &[], person.birth_date);
            let doses: Vec<NewDose> = plan
                .iter()
                .filter(|p| p.on <= stopped_at && p.on <= today)
                .map(|p| NewDose {
                    person_id: *child,
                    facility_id: facility,
                    antigen: p.antigen.clone(),
                    dose_number: i64::from(p.dose),
                    cvx: p.cvx.clone(),
                    given_on: p.on,
                    lot: format!("DEMO-{}", p.antigen.to_ascii_uppercase()),
                    given_by: "Demo vaccinator".to_owned(),
                    anc_contact_id: None,
                })
                .collect();
            if !doses.is_empty() {
                self.record_doses(actor, &doses, schedule).await?;
            }
        }
        Ok(())
    }

    async fn demo_family_planning(&self, actor: &Actor, facility: Id, today: Date) -> Result<()> {
        let women = self
            .demo_people(facility, "female", today, 20, 45, 20)
            .await?;
        let methods = ["injectable", "pill", "implant", "condoms", "iud"];
        for (position, woman) in women.iter().skip(10).take(5).enumerate() {
            let visit_on = today - Duration::days(30 + 25 * position as i64);
            let details = FpVisitDetails::parse(
                &FpVisitInput {
                    visit_on: &visit_on.to_string(),
                    counselled: true,
                    method: methods[position],
                    quantity: if methods[position] == "pill" { "3" } else { "" },
                    ..FpVisitInput::default()
                },
                today,
                None,
            )
            .map_err(|_| StoreError::Unsupported("a demo family planning visit does not parse"))?;
            self.record_fp_visit(actor, *woman, facility, &details)
                .await?;
        }
        Ok(())
    }

    /// Up to `limit` people registered at a facility, of a sex (`""`: any), aged
    /// `from` to `to` years today, alive and not merged, in a stable order.
    async fn demo_people(
        &self,
        facility: Id,
        sex: &str,
        today: Date,
        from: i32,
        to: i32,
        limit: i64,
    ) -> Result<Vec<Id>> {
        let youngest = haven_domain::person::years_before(today, from);
        let oldest = haven_domain::person::years_before(today, to + 1);
        on_pool!(&self.pool, pool => {
            Ok(sqlx::query_scalar(
                "SELECT id FROM person WHERE registered_facility_id = $1 AND ($2 = '' OR sex = $2)
                     AND birth_date <= $3 AND birth_date > $4 AND died_on IS NULL
                     AND merged_into IS NULL AND entered_in_error_at IS NULL
                 ORDER BY id LIMIT $5",
            )
            .bind(facility)
            .bind(sex)
            .bind(youngest)
            .bind(oldest)
            .bind(limit)
            .fetch_all(pool)
            .await?)
        })
    }
}
