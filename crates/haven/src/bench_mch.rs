//! `haven bench mch`: builds one mother-and-child clinic with a realistic load (by
//! default 5,000 children born in the last five years with vaccination histories
//! that drop out and run late, and 500 pregnancies with their antenatal contacts),
//! written through the store's own write paths, then times the lists the clinic's
//! staff open every day: a session's immunisation due list (with the stored due
//! windows, and the full evaluation of every child it replaced), the antenatal
//! worklist and the coverage of last year's birth cohort.

use std::time::{Duration, Instant};

use anyhow::Context;
use haven_domain::mch::immunisation::{catch_up_plan, evaluate, GivenDose, Group, Schedule};
use haven_domain::mch::pregnancy::{
    anc_status, AncContactDetails, AncContactInput, PregnancyDetails, PregnancyInput,
    ANC_CONTACT_WEEKS,
};
use haven_domain::person::{BirthDate, BirthDatePrecision, NameInput, PersonNames, Sex};
use haven_domain::places::{FacilityDetails, FacilityInput, ProgrammeDetails, ProgrammeInput};
use haven_store::mch::NewDose;
use haven_store::{Actor, Address, Id, NewPerson, Person, PersonDetails, Store};
use time::Date;

/// A small deterministic generator (SplitMix64): the same seed builds the same clinic.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

const FAMILY: [&str; 8] = ["Sok", "Chan", "Kim", "Meas", "Heng", "Ouk", "Keo", "Thach"];
const GIVEN: [&str; 8] = [
    "Dara", "Sophea", "Visal", "Chanthy", "Rithy", "Bopha", "Pisey", "Vanna",
];

async fn person(
    store: &Store,
    actor: &Actor,
    random: &mut Random,
    facility: Id,
    sex: Sex,
    born: Date,
) -> anyhow::Result<Person> {
    let names = PersonNames::parse(&NameInput {
        family_latin: FAMILY[random.below(8) as usize],
        given_latin: GIVEN[random.below(8) as usize],
        ..NameInput::default()
    })
    .map_err(|_| anyhow::anyhow!("a bench name does not parse"))?;
    Ok(store
        .create_person(
            actor,
            &NewPerson {
                details: PersonDetails {
                    names,
                    sex,
                    birth_date: BirthDate::from_parts(born, BirthDatePrecision::Exact),
                    phone: None,
                    address: Address::default(),
                    registered_facility: Some(facility),
                },
                identifiers: Vec::new(),
                categories: Vec::new(),
            },
        )
        .await?)
}

pub async fn mch(
    store: &Store,
    children: usize,
    pregnancies: usize,
    runs: usize,
    seed: u64,
) -> anyhow::Result<()> {
    let actor = Actor::system();
    let today = time::OffsetDateTime::now_utc().date();
    let schedule = Schedule::builtin("kh").context("the kh immunisation schedule")?;
    let mut random = Random(seed);
    let programme = store
        .create_programme(
            &actor,
            &ProgrammeDetails::parse(&ProgrammeInput {
                name: &format!("Bench programme {seed}"),
                province: "KH-12",
                ..ProgrammeInput::default()
            })
            .map_err(|e| anyhow::anyhow!("the bench programme: {e:?}"))?,
        )
        .await?;
    let facility = store
        .create_facility(
            &actor,
            programme.id,
            &FacilityDetails::parse(
                &FacilityInput {
                    kind: "mother_child_clinic",
                    name: &format!("Bench clinic {seed}"),
                    ..FacilityInput::default()
                },
                today,
            )
            .map_err(|e| anyhow::anyhow!("the bench facility: {e:?}"))?,
        )
        .await?
        .id;

    // Children: each dose of the ideal schedule is given up to 3 weeks late; one
    // child in seven drops out at some dose and gets nothing more, and one dose in
    // fifty is missed (it stays overdue), roughly Cambodia's reported coverage.
    let started = Instant::now();
    let mut writes = Vec::new();
    let mut dose_count = 0;
    for _ in 0..children {
        let born = today - time::Duration::days(random.below(5 * 365) as i64);
        let sex = if random.chance(50) {
            Sex::Female
        } else {
            Sex::Male
        };
        let child = person(store, &actor, &mut random, facility, sex, born).await?;
        let subject = haven_domain::mch::immunisation::Subject { born, sex };
        let mut stopped: Vec<String> = Vec::new();
        let mut doses = Vec::new();
        let plan = catch_up_plan(schedule, Group::Child, subject, &[], born);
        let drop_out_at = if random.chance(14) {
            random.below(plan.len() as u64 + 1) as usize
        } else {
            usize::MAX
        };
        // One lateness per child keeps the intervals of the plan.
        let late = time::Duration::days(random.below(21) as i64);
        for (index, planned) in plan.into_iter().enumerate() {
            if index >= drop_out_at {
                break;
            }
            if stopped.contains(&planned.antigen) {
                continue;
            }
            let on = planned.on + late;
            if on > today {
                continue;
            }
            if random.chance(2) {
                stopped.push(planned.antigen.clone());
                continue;
            }
            doses.push(NewDose {
                person_id: child.id,
                facility_id: facility,
                antigen: planned.antigen.clone(),
                dose_number: i64::from(planned.dose),
                cvx: planned.cvx.clone(),
                given_on: on,
                lot: "BENCH".to_owned(),
                given_by: "Bench".to_owned(),
                anc_contact_id: None,
            });
        }
        if !doses.is_empty() {
            dose_count += doses.len();
            let took = Instant::now();
            store.record_doses(&actor, &doses, schedule).await?;
            writes.push(took.elapsed());
        }
    }
    // Pregnancies at 4 to 41 weeks, each contact of the schedule attended with 80%.
    for _ in 0..pregnancies {
        let born = haven_domain::person::years_before(today, 18 + random.below(22) as i32);
        let woman = person(store, &actor, &mut random, facility, Sex::Female, born).await?;
        let lmp = today - time::Duration::days(28 + random.below(260) as i64);
        let weeks: Vec<i64> = ANC_CONTACT_WEEKS
            .iter()
            .copied()
            .filter(|w| lmp + time::Duration::weeks(*w) <= today)
            .filter(|_| random.chance(80))
            .collect();
        let registered = weeks
            .first()
            .map_or(today, |w| lmp + time::Duration::weeks(*w));
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
        .map_err(|e| anyhow::anyhow!("a bench pregnancy: {e:?}"))?;
        let pregnancy = store
            .register_pregnancy(&actor, woman.id, facility, &details)
            .await?;
        for week in weeks {
            let on = (lmp + time::Duration::weeks(week)).to_string();
            let signs = if random.chance(3) {
                vec!["fever".to_owned()]
            } else {
                vec![]
            };
            let contact = AncContactDetails::parse(
                &AncContactInput {
                    contact_on: &on,
                    blood_pressure: "112/72",
                    danger_signs: &signs,
                    iron_folic_acid: true,
                    ..AncContactInput::default()
                },
                today,
                registered,
                lmp,
            )
            .map_err(|e| anyhow::anyhow!("a bench contact: {e:?}"))?;
            store
                .record_anc_contact(&actor, pregnancy.id, facility, &contact, None)
                .await?;
        }
    }
    println!(
        "built a clinic of {children} children ({dose_count} doses) and {pregnancies} pregnancies in {:.1} s\n",
        started.elapsed().as_secs_f64()
    );
    println!("| what | runs | p50 | p95 | p99 | max |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: |");
    crate::bench::print_row("record a child's doses (one transaction)", &writes);

    let born_since = haven_domain::person::years_before(today, 16);
    let listed = |rows: Vec<(Person, Vec<haven_store::mch::Dose>)>| -> usize {
        rows.iter()
            .filter(|(person, doses)| {
                let given: Vec<GivenDose> = doses.iter().map(|d| d.given()).collect();
                let subject = haven_domain::mch::immunisation::Subject {
                    born: person.birth_date,
                    sex: person.sex(),
                };
                evaluate(schedule, Group::Child, subject, &given, today)
                    .due()
                    .any(|a| a.next.as_ref().is_some_and(|n| n.earliest <= today))
            })
            .count()
    };
    let mut due_times = Vec::new();
    let mut full_times = Vec::new();
    let (mut due_count, mut full_count) = (0, 0);
    for run in 0..=runs {
        let took = Instant::now();
        let rows = store
            .immunisation_children_due(facility, born_since, today, schedule)
            .await?;
        due_count = listed(rows);
        let windowed = took.elapsed();
        let took = Instant::now();
        let rows = store.immunisation_children(facility, born_since).await?;
        full_count = listed(rows);
        let full = took.elapsed();
        // The first run warms the caches.
        if run > 0 {
            due_times.push(windowed);
            full_times.push(full);
        }
    }
    anyhow::ensure!(
        due_count == full_count,
        "the due windows left children out: {due_count} listed, {full_count} due"
    );
    crate::bench::print_row(
        &format!("session due list, stored due windows ({due_count} children due)"),
        &due_times,
    );
    crate::bench::print_row(
        "session due list, every child evaluated (before)",
        &full_times,
    );

    let mut anc_times = Vec::new();
    for run in 0..=runs {
        let took = Instant::now();
        let open = store.open_pregnancies(facility).await?;
        let overdue = open
            .iter()
            .filter(|o| {
                anc_status(o.pregnancy.dating_lmp, &o.contacts, today).state
                    == haven_domain::mch::pregnancy::AncState::Overdue
            })
            .count();
        std::hint::black_box(overdue);
        if run > 0 {
            anc_times.push(took.elapsed());
        }
    }
    crate::bench::print_row(
        &format!("antenatal worklist ({pregnancies} open pregnancies)"),
        &anc_times,
    );

    let year = today.year() - 1;
    let from = Date::from_calendar_date(year, time::Month::January, 1)?;
    let to = Date::from_calendar_date(year, time::Month::December, 31)?;
    let mut coverage_times: Vec<Duration> = Vec::new();
    for run in 0..=runs {
        let took = Instant::now();
        let (cohort, counts) = store.immunisation_coverage(facility, from, to).await?;
        std::hint::black_box((cohort, counts));
        if run > 0 {
            coverage_times.push(took.elapsed());
        }
    }
    crate::bench::print_row(
        &format!("coverage of the {year} birth cohort"),
        &coverage_times,
    );
    Ok(())
}
