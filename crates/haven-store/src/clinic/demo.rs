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

impl Store {
    /// For `haven bench chart`: a medical centre with one ward and bed, and a person
    /// with `encounters` encounters (nine in ten visits, one in ten stays), each with
    /// vital signs, a diagnosis, a resulted lab order and a prescription, written
    /// through the same store calls as the pages. Returns the facility and the person.
    pub async fn load_bench_patient(&self, encounters: usize) -> Result<(Id, Id)> {
        use haven_domain::places::{
            FacilityDetails, FacilityInput, PlaceName, ProgrammeDetails, ProgrammeInput,
        };
        let actor = Actor::system();
        let today = time::OffsetDateTime::now_utc().date();
        let programme = self
            .create_programme(
                &actor,
                &ProgrammeDetails::parse(&ProgrammeInput {
                    name: "SOS Bench",
                    province: "KH-12",
                    ..ProgrammeInput::default()
                })
                .map_err(demo_error)?,
            )
            .await?;
        let facility = self
            .create_facility(
                &actor,
                programme.id,
                &FacilityDetails::parse(
                    &FacilityInput {
                        kind: "medical_centre",
                        name: "SOS Medical Centre Bench",
                        ..FacilityInput::default()
                    },
                    today,
                )
                .map_err(demo_error)?,
            )
            .await?;
        let ward = self
            .create_ward(
                &actor,
                facility.id,
                &PlaceName::parse("Bench ward").map_err(demo_error)?,
            )
            .await?;
        let bed = self
            .create_bed(
                &actor,
                ward.id,
                &PlaceName::parse("B1").map_err(demo_error)?,
            )
            .await?;
        let person = Id::new();
        let now = Timestamp::now();
        on_pool!(&self.pool, pool => {
            sqlx::query(
                "INSERT INTO person (id, site_id, family_name_km, given_name_km, family_name_latin,
                     given_name_latin, sex, birth_date, birth_date_precision, registered_facility_id,
                     created_at, created_by, updated_at, updated_by, version)
                 VALUES ($1, $2, 'សុខ', 'ដារា', 'Sok', 'Dara', 'female', $3, 'exact', $4, $5, $6, $5, $6, 1)",
            )
            .bind(person)
            .bind(self.site_id)
            .bind(today - time::Duration::days(30 * 365))
            .bind(facility.id)
            .bind(now)
            .bind(actor.id)
            .execute(pool)
            .await?;
        });
        let viewer = Viewer::everything();
        let hb = catalogue()
            .test("hb")
            .ok_or(StoreError::Unsupported("bench test"))?;
        let vitals = Vitals::parse(&VitalsInput {
            temperature: "38.1",
            pulse: "96",
            respiratory_rate: "20",
            systolic: "118",
            diastolic: "76",
            weight: "54",
            ..Default::default()
        })
        .map_err(demo_error)?;
        let diagnosis = DiagnosisDetails::parse("B50.9", "confirmed", "").map_err(demo_error)?;
        let prescription = Prescription::parse(&PrescriptionInput {
            medicine: "paracetamol_500_tab",
            dose: "1 tablet",
            route: "oral",
            frequency: "qds",
            duration_days: "3",
            quantity: "12",
            instructions: "",
        })
        .map_err(demo_error)?;
        for n in 0..encounters {
            let encounter = if n % 10 == 9 {
                Encounter::Stay(
                    self.admit(&actor, person, bed.id, None, "observation", today, None)
                        .await?,
                )
            } else {
                Encounter::Visit(
                    self.check_in(&actor, person, facility.id, VisitType::General, today, None)
                        .await?,
                )
            };
            self.record_vitals(&actor, encounter, &vitals, None).await?;
            self.add_diagnosis(&actor, encounter, &diagnosis, None)
                .await?;
            let order = self.order_lab_test(&actor, encounter, hb, "", None).await?;
            self.advance_lab_order(
                &actor,
                &viewer,
                order,
                1,
                haven_domain::clinic::lab::LabState::SampleTaken,
            )
            .await?;
            let result = NewResult {
                component_code: "hb",
                value_number: Some(10.5),
                value_code: "",
                unit: "g/dL",
                range_low: Some(12.0),
                range_high: Some(16.0),
                flag: haven_domain::clinic::lab::Flag::Low,
            };
            self.enter_lab_results(&actor, &viewer, order, 2, &[result])
                .await?;
            self.prescribe(&actor, encounter, &prescription, None)
                .await?;
            if let Encounter::Stay(stay) = encounter {
                let discharge = haven_domain::clinic::Discharge::parse("recovered", "well", "")
                    .map_err(demo_error)?;
                self.discharge(&actor, stay, 1, &discharge).await?;
            }
        }
        self.bench_mother_and_child(&actor, person, facility.id, today, encounters / 10)
            .await?;
        Ok((facility.id, person))
    }

    /// The bench patient's records of issue 5, so the chart reads every kind: a
    /// pregnancy with five antenatal contacts, two Td doses, and `measurements` growth
    /// measurements.
    async fn bench_mother_and_child(
        &self,
        actor: &Actor,
        person: Id,
        facility: Id,
        today: time::Date,
        measurements: usize,
    ) -> Result<()> {
        use haven_domain::mch::pregnancy::{
            AncContactDetails, AncContactInput, PregnancyDetails, PregnancyInput,
        };
        let lmp = today - time::Duration::weeks(20);
        let registered = lmp + time::Duration::weeks(10);
        let details = PregnancyDetails::parse(
            &PregnancyInput {
                registered_on: &registered.to_string(),
                lmp: &lmp.to_string(),
                gravida: "2",
                para: "1",
                ..PregnancyInput::default()
            },
            today,
        )
        .map_err(|_| StoreError::Unsupported("the bench pregnancy does not parse"))?;
        let pregnancy = self
            .register_pregnancy(actor, person, facility, &details)
            .await?;
        for week in [10, 14, 16, 18, 20] {
            let on = lmp + time::Duration::weeks(week);
            let contact = AncContactDetails::parse(
                &AncContactInput {
                    contact_on: &on.to_string(),
                    blood_pressure: "110/70",
                    weight_kg: "55",
                    syphilis: if week == 10 { "negative" } else { "" },
                    ..AncContactInput::default()
                },
                today,
                registered,
                lmp,
            )
            .map_err(|_| StoreError::Unsupported("a bench contact does not parse"))?;
            self.record_anc_contact(actor, pregnancy.id, facility, &contact, None)
                .await?;
        }
        let schedule = haven_domain::mch::immunisation::Schedule::builtin("kh")
            .map_err(|_| StoreError::Unsupported("the bench schedule does not parse"))?;
        let doses: Vec<crate::mch::NewDose> = [registered, registered + time::Duration::weeks(4)]
            .into_iter()
            .enumerate()
            .map(|(n, on)| crate::mch::NewDose {
                person_id: person,
                facility_id: facility,
                antigen: "td".to_owned(),
                dose_number: n as i64 + 1,
                cvx: schedule.cvx_of("td").unwrap_or("").to_owned(),
                given_on: on,
                lot: "TD-BENCH".to_owned(),
                given_by: "Bench midwife".to_owned(),
                anc_contact_id: None,
            })
            .collect();
        self.record_doses(actor, &doses, schedule).await?;
        for n in 0..measurements {
            let values = haven_domain::growth::Measurements::from_stored(
                Some(54.0 + (n % 5) as f64 / 10.0),
                Some(158.0),
                Some(haven_domain::growth::Position::Standing),
                None,
                Some(250.0),
                None,
                None,
                false,
            );
            let new = crate::growth::NewMeasurement {
                person_id: person,
                facility_id: Some(facility),
                visit_id: None,
                measured_on: today - time::Duration::days(n as i64),
                values,
                note: String::new(),
            };
            self.record_measurement(actor, &new).await?;
        }
        Ok(())
    }
}
