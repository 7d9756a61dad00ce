//! The clinic's demo records, on top of the demo registry: stock at every medical
//! centre (some batches near expiry, some medicines low), a morning's queue, finished
//! visits with vitals, diagnoses, results and dispensed prescriptions, and a stay
//! with days of vital signs, so that every screen has something to show.

use haven_domain::clinic::icd10::Icd10Code;
use haven_domain::clinic::lab::{catalogue, ResultValue};
use haven_domain::clinic::medicines::{Prescription, PrescriptionInput, Receipt};
use haven_domain::clinic::vitals::{Vitals, VitalsInput};
use haven_domain::clinic::{DiagnosisDetails, VisitNotes, VisitNotesInput, VisitType};
use haven_domain::person::Sex;
use time::Date;

use super::{Encounter, NewResult, Viewer};
use crate::db::on_pool;
use crate::ledger::Actor;
use crate::{Id, Result, Store, StoreError, Timestamp};

/// Stock each centre receives: medicine, quantity, days to expiry.
const DEMO_STOCK: &[(&str, i64, i64)] = &[
    ("paracetamol_500_tab", 2000, 400),
    ("paracetamol_120_syr", 80, 300),
    ("amoxicillin_250_dt", 600, 45),
    ("amoxicillin_250_dt", 400, 500),
    ("amoxicillin_500_cap", 300, 20),
    ("ors_sachet", 500, 600),
    ("zinc_20_dt", 120, 365),
    ("artesunate_mefloquine_tab", 40, 200),
    ("dihydroartemisinin_piperaquine_tab", 180, 250),
    ("primaquine_15_tab", 150, 60),
    ("albendazole_400_tab", 300, 700),
    ("ferrous_folic_tab", 1500, 365),
    ("metformin_500_tab", 200, 30),
    ("amlodipine_5_tab", 400, 400),
    ("ceftriaxone_1g_inj", 30, 180),
    ("sodium_chloride_09_inf", 25, 365),
];

fn demo_error(_: impl std::fmt::Debug) -> StoreError {
    StoreError::Unsupported("the clinic's demo data does not parse")
}

impl Store {
    /// Adds this part's demo records to a database that holds the demo registry.
    /// Does nothing if there is no medical centre, or if visits exist already.
    pub async fn load_demo_clinic(&self) -> Result<()> {
        let (visits, centres): (i64, Vec<Id>) = on_pool!(&self.pool, pool => {
            let visits: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM visit").fetch_one(pool).await?;
            let centres: Vec<Id> = sqlx::query_scalar(
                "SELECT id FROM facility WHERE kind = 'medical_centre' AND closed_at IS NULL ORDER BY name",
            )
            .fetch_all(pool)
            .await?;
            (visits, centres)
        });
        if visits > 0 || centres.is_empty() {
            return Ok(());
        }
        let doctor = self.demo_actor("doctor").await?;
        let labtech = self.demo_actor("labtech").await?;
        let pharmacist = self.demo_actor("pharmacist").await?;
        let today = time::OffsetDateTime::now_utc().date();
        for centre in &centres {
            for (medicine, quantity, days) in DEMO_STOCK {
                let receipt = Receipt::parse(
                    medicine,
                    &format!("DEMO-{}-{days}", &medicine[..3].to_ascii_uppercase()),
                    &(today + time::Duration::days(*days)).to_string(),
                    &quantity.to_string(),
                    today,
                )
                .map_err(demo_error)?;
                self.receive_stock(&pharmacist, *centre, &receipt, None)
                    .await?;
            }
        }
        // The first centre gets the patients: the one the demo accounts see first.
        let centre = centres[0];
        let people: Vec<(Id, String, Date)> = on_pool!(&self.pool, pool => {
            sqlx::query_as(
                "SELECT id, sex, birth_date FROM person
                 WHERE registered_facility_id = $1 AND merged_into IS NULL AND died_on IS NULL
                 ORDER BY family_name_latin, given_name_latin, id LIMIT 8",
            )
            .bind(centre)
            .fetch_all(pool)
            .await?
        });
        let viewer = Viewer::everything();
        for (index, (person, sex, born)) in people.iter().enumerate() {
            let visit_type = if index % 3 == 2 {
                VisitType::MotherAndChild
            } else {
                VisitType::General
            };
            let visit = self
                .check_in(&doctor, *person, centre, visit_type, today, None)
                .await?;
            if index >= 5 {
                // The rest of the morning's queue is still waiting.
                continue;
            }
            let encounter = Encounter::Visit(visit);
            let vitals = Vitals::parse(&VitalsInput {
                temperature: if index == 0 { "39.2" } else { "37.1" },
                pulse: "96",
                respiratory_rate: "22",
                weight: "24.5",
                muac: if index == 1 { "128" } else { "" },
                ..Default::default()
            })
            .map_err(demo_error)?;
            self.record_vitals(&doctor, encounter, &vitals, None)
                .await?;
            if index == 4 {
                // One patient is with the clinician now.
                let version = self.visit(visit).await?.version;
                self.call_in(&doctor, visit, version).await?;
                continue;
            }
            let (code, test, value) = match index {
                0 => ("B50.9", "malaria_rdt", ResultValue::Coded("p_falciparum")),
                1 => ("A09", "hb", ResultValue::Number(9.8)),
                2 => ("J06.9", "glucose", ResultValue::Number(5.6)),
                _ => ("J18.9", "fbc", ResultValue::Number(14.2)),
            };
            let code = Icd10Code::parse(code).map_err(demo_error)?;
            let diagnosis =
                DiagnosisDetails::parse(code.code(), "confirmed", "").map_err(demo_error)?;
            self.add_diagnosis(&doctor, encounter, &diagnosis, None)
                .await?;
            let test = catalogue()
                .test(test)
                .ok_or(StoreError::Unsupported("demo test"))?;
            let order = self
                .order_lab_test(&doctor, encounter, test, "", None)
                .await?;
            let sex = Sex::parse(sex).unwrap_or(Sex::Unknown);
            let age_days = (today - *born).whole_days();
            self.advance_lab_order(
                &labtech,
                &viewer,
                order,
                1,
                haven_domain::clinic::lab::LabState::SampleTaken,
            )
            .await?;
            let results: Vec<NewResult> = test
                .components()
                .iter()
                .map(|component| {
                    let value = match (&value, component.kind()) {
                        (
                            ResultValue::Number(_),
                            haven_domain::clinic::lab::ComponentKind::Coded,
                        ) => ResultValue::Coded(component.choices()[0].code()),
                        (v, _) => v.clone(),
                    };
                    let range = component.range_for(sex, age_days);
                    NewResult {
                        component_code: component.code(),
                        value_number: match value {
                            ResultValue::Number(n) => Some(n),
                            ResultValue::Coded(_) => None,
                        },
                        value_code: match value {
                            ResultValue::Coded(c) => c,
                            ResultValue::Number(_) => "",
                        },
                        unit: component.unit(),
                        range_low: range.map(|r| r.low()),
                        range_high: range.map(|r| r.high()),
                        flag: component.flag(&value, sex, age_days),
                    }
                })
                .collect();
            self.enter_lab_results(&labtech, &viewer, order, 2, &results)
                .await?;
            let medicine = if index == 0 {
                "artesunate_mefloquine_tab"
            } else {
                "paracetamol_500_tab"
            };
            let prescription = Prescription::parse(&PrescriptionInput {
                medicine,
                dose: "1 tablet",
                route: "oral",
                frequency: if index == 0 { "od" } else { "qds" },
                duration_days: "3",
                quantity: if index == 0 { "6" } else { "12" },
                instructions: "",
            })
            .map_err(demo_error)?;
            let prescribed = self
                .prescribe(&doctor, encounter, &prescription, None)
                .await?;
            if index != 2 {
                self.dispense(
                    &pharmacist,
                    &viewer,
                    prescribed,
                    prescription.quantity(),
                    today,
                    None,
                )
                .await?;
            }
            let notes = VisitNotes::parse(
                &VisitNotesInput {
                    complaint: "Fever and headache for three days",
                    examination: "Alert, no neck stiffness",
                    plan: "Treat and review",
                    follow_up_on: &(today + time::Duration::days(7)).to_string(),
                    outcome: "follow_up",
                    ..Default::default()
                },
                today,
            )
            .map_err(demo_error)?;
            let version = self.visit(visit).await?.version;
            self.save_visit_notes(&doctor, visit, version, &notes)
                .await?;
        }
        // A child admitted three days ago, with vital signs twice a day.
        if let Some((person, _, _)) = people.get(5) {
            let bed: Option<Id> = on_pool!(&self.pool, pool => {
                sqlx::query_scalar(
                    "SELECT b.id FROM bed b JOIN ward w ON w.id = b.ward_id
                     WHERE w.facility_id = $1 ORDER BY w.name, b.label LIMIT 1",
                )
                .bind(centre)
                .fetch_optional(pool)
                .await?
            });
            if let Some(bed) = bed {
                let stay = self
                    .admit(
                        &doctor,
                        *person,
                        bed,
                        None,
                        "Severe malaria, unable to keep oral medicines down",
                        today,
                        None,
                    )
                    .await?;
                let readings = [
                    ("39.8", "128", "34"),
                    ("39.1", "120", "30"),
                    ("38.4", "112", "28"),
                    ("37.9", "104", "26"),
                    ("37.4", "98", "24"),
                    ("37.0", "92", "22"),
                ];
                let start = Timestamp::now().plus_seconds(-3 * 24 * 3600);
                for (n, (t, p, r)) in readings.iter().enumerate() {
                    let vitals = Vitals::parse(&VitalsInput {
                        temperature: t,
                        pulse: p,
                        respiratory_rate: r,
                        ..Default::default()
                    })
                    .map_err(demo_error)?;
                    let id = self
                        .record_vitals(&doctor, Encounter::Stay(stay), &vitals, None)
                        .await?;
                    let at = start.plus_seconds(n as i64 * 12 * 3600);
                    // Demo readings are spread over the stay; nothing else may move a reading's time.
                    on_pool!(&self.pool, pool => {
                        sqlx::query("UPDATE vital_signs SET taken_at = $1 WHERE id = $2")
                            .bind(at)
                            .bind(id)
                            .execute(pool)
                            .await?;
                    });
                }
                on_pool!(&self.pool, pool => {
                    sqlx::query("UPDATE stay SET admitted_at = $1 WHERE id = $2")
                        .bind(start)
                        .bind(stay)
                        .execute(pool)
                        .await?;
                });
                self.add_progress_note(
                    &doctor,
                    stay,
                    "Day 2: fever settling on IV artesunate; drinking.",
                    None,
                )
                .await?;
            }
        }
        Ok(())
    }

    async fn demo_actor(&self, username: &str) -> Result<Actor> {
        Ok(match self.user_by_username(username).await {
            Ok(user) => Actor {
                id: user.id,
                username: user.username,
                address: "demo".to_owned(),
            },
            Err(StoreError::NotFound { .. }) => Actor::system(),
            Err(other) => return Err(other),
        })
    }
}
