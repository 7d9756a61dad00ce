//! Store tests of the medical centre's daily work: outpatient visits, inpatient stays, the laboratory, medicines and the patient chart (issue 4).
//! Check-in counts a treatment; a form token records once; HIV orders are left out
//! of every read for viewers without the permission; a dispense never takes stock
//! below zero, even with two dispensers at once; beds hold one patient.

use haven_domain::clinic::lab::{catalogue, Flag, LabState};
use haven_domain::clinic::medicines::{Prescription, PrescriptionInput, Receipt, StockChange};
use haven_domain::clinic::vitals::{Vitals, VitalsInput};
use haven_domain::clinic::{Discharge, VisitType};
use haven_domain::places::PlaceName;
use haven_store::clinic::{ChartWindow, DispenseOutcome, Encounter, FormToken, NewResult, Viewer};
use haven_store::testing::{all, TestStore};
use haven_store::{Id, Reach, StoreError};
use time::macros::date;

use crate::places::{facility_details, insert_person, programme_details};
use crate::{admin, count};

const TODAY: time::Date = date!(2026 - 03 - 10);

async fn centre(t: &TestStore) -> Id {
    let programme = t
        .store
        .create_programme(&admin(), &programme_details("SOS Phnom Penh", "KH-12"))
        .await
        .unwrap();
    t.store
        .create_facility(
            &admin(),
            programme.id,
            &facility_details("medical_centre", "MC"),
        )
        .await
        .unwrap()
        .id
}

async fn visit(t: &TestStore, facility: Id) -> (Id, Id) {
    let person = insert_person(t, "Sok", "Dara", Some(facility)).await;
    let visit = t
        .store
        .check_in(&admin(), person, facility, VisitType::General, TODAY, None)
        .await
        .unwrap();
    (person, visit)
}

fn no_hiv(facility: Id) -> Viewer {
    Viewer {
        reach: Reach::Facilities {
            ids: vec![facility],
            include_unplaced: false,
        },
        hiv: false,
    }
}

#[tokio::test]
async fn a_check_in_counts_a_treatment_and_a_token_records_once() {
    for t in all().await {
        let facility = centre(&t).await;
        let person = insert_person(&t, "Sok", "Dara", Some(facility)).await;
        let token = FormToken::new();
        let first = t
            .store
            .check_in(
                &admin(),
                person,
                facility,
                VisitType::General,
                TODAY,
                Some(&token),
            )
            .await
            .unwrap();
        let second = t
            .store
            .check_in(
                &admin(),
                person,
                facility,
                VisitType::General,
                TODAY,
                Some(&token),
            )
            .await
            .unwrap();
        assert_eq!(
            first, second,
            "{}: the second submit leads to the first",
            t.label
        );
        assert_eq!(
            count(&t, "SELECT COUNT(*) FROM visit").await,
            1,
            "{}",
            t.label
        );
        let counts = t.store.treatment_counts(facility).await.unwrap();
        assert_eq!(counts.len(), 1, "{}", t.label);
        assert_eq!(
            (
                counts[0].month.as_str(),
                counts[0].kind.as_str(),
                counts[0].sex.as_str(),
                counts[0].age_band.as_str(),
                counts[0].total
            ),
            ("2026-03", "visit", "female", "18_59", 1),
            "{}",
            t.label
        );
        // Entered in error takes the count back.
        t.store
            .mark_visit_in_error(&admin(), first, 1, "wrong patient")
            .await
            .unwrap();
        assert!(
            t.store.treatment_counts(facility).await.unwrap().is_empty(),
            "{}",
            t.label
        );
        assert!(
            matches!(t.store.visit(first).await, Err(StoreError::NotFound { .. })),
            "{}",
            t.label
        );
        // Every write is audited and logged.
        assert!(
            count(&t, "SELECT COUNT(*) FROM change_log WHERE entity = 'visit'").await >= 2,
            "{}",
            t.label
        );
    }
}

#[tokio::test]
async fn the_queue_moves_from_waiting_to_done_and_stale_versions_conflict() {
    for t in all().await {
        let facility = centre(&t).await;
        let (_, visit) = visit(&t, facility).await;
        let since = haven_store::Timestamp::now().plus_seconds(-3600);
        let queue = t.store.queue(facility, since).await.unwrap();
        assert_eq!(queue[0].queue_state, "waiting", "{}", t.label);
        t.store.call_in(&admin(), visit, 1).await.unwrap();
        assert!(
            matches!(
                t.store.call_in(&admin(), visit, 1).await,
                Err(StoreError::Conflict { .. })
            ),
            "{}",
            t.label
        );
        let notes = haven_domain::clinic::VisitNotes::parse(
            &haven_domain::clinic::VisitNotesInput {
                complaint: "cough",
                outcome: "sent_home",
                ..Default::default()
            },
            TODAY,
        )
        .unwrap();
        t.store
            .save_visit_notes(&admin(), visit, 2, &notes)
            .await
            .unwrap();
        let saved = t.store.visit(visit).await.unwrap();
        assert_eq!(
            (saved.queue_state.as_str(), saved.complaint.as_str()),
            ("done", "cough"),
            "{}",
            t.label
        );
        assert!(saved.ended_at.is_some(), "{}", t.label);
    }
}

#[tokio::test]
async fn hiv_orders_are_left_out_for_viewers_without_the_permission() {
    for t in all().await {
        let facility = centre(&t).await;
        let (person, visit) = visit(&t, facility).await;
        let encounter = Encounter::Visit(visit);
        let hiv = catalogue().test("hiv_rapid").unwrap();
        let hb = catalogue().test("hb").unwrap();
        let hiv_order = t
            .store
            .order_lab_test(&admin(), encounter, hiv, "", None)
            .await
            .unwrap();
        t.store
            .order_lab_test(&admin(), encounter, hb, "", None)
            .await
            .unwrap();
        let blind = no_hiv(facility);
        let sees = Viewer {
            hiv: true,
            ..blind.clone()
        };
        let tests = |rows: Vec<String>| rows;
        let worklist = |v: Viewer| {
            let store = t.store.clone();
            async move {
                store
                    .worklist(&v, facility, &[])
                    .await
                    .unwrap()
                    .into_iter()
                    .map(|r| r.test_code)
                    .collect::<Vec<_>>()
            }
        };
        assert_eq!(
            tests(worklist(blind.clone()).await),
            vec!["hb"],
            "{}",
            t.label
        );
        assert_eq!(
            tests(worklist(sees.clone()).await),
            vec!["hiv_rapid", "hb"],
            "{}",
            t.label
        );
        let counted: i64 = t
            .store
            .worklist_counts(&blind, facility)
            .await
            .unwrap()
            .iter()
            .map(|(_, n)| n)
            .sum();
        assert_eq!(counted, 1, "{}", t.label);
        assert!(
            matches!(
                t.store.lab_order(&blind, hiv_order).await,
                Err(StoreError::NotFound { .. })
            ),
            "{}",
            t.label
        );
        assert!(
            t.store.lab_order(&sees, hiv_order).await.is_ok(),
            "{}",
            t.label
        );
        assert_eq!(
            t.store
                .lab_orders_of(&blind, encounter)
                .await
                .unwrap()
                .len(),
            1,
            "{}",
            t.label
        );
        // Both orders resulted, so that the chart (which shows results) has them.
        let all = Viewer::everything();
        let hb_order = t
            .store
            .lab_orders_of(&all, encounter)
            .await
            .unwrap()
            .into_iter()
            .find(|o| o.test_code == "hb")
            .unwrap()
            .id;
        for (order, component, code, number) in [
            (hiv_order, "hiv_rapid", "non_reactive", None),
            (hb_order, "hb", "", Some(13.0)),
        ] {
            t.store
                .advance_lab_order(&admin(), &all, order, 1, LabState::SampleTaken)
                .await
                .unwrap();
            let result = NewResult {
                component_code: component,
                value_number: number,
                value_code: code,
                unit: "",
                range_low: None,
                range_high: None,
                flag: Flag::Normal,
            };
            t.store
                .enter_lab_results(&admin(), &all, order, 2, &[result])
                .await
                .unwrap();
        }
        let chart = t
            .store
            .chart(&blind, &[person], &ChartWindow::newest(100))
            .await
            .unwrap();
        assert_eq!(chart.lab_orders.len(), 1, "{}", t.label);
        assert_eq!(
            t.store
                .chart(&sees, &[person], &ChartWindow::newest(100))
                .await
                .unwrap()
                .lab_orders
                .len(),
            2,
            "{}",
            t.label
        );
        // A viewer whose reach misses the facility sees nothing of it.
        let elsewhere = Viewer {
            reach: Reach::Facilities {
                ids: vec![Id::new()],
                include_unplaced: true,
            },
            hiv: true,
        };
        assert!(
            t.store
                .chart(&elsewhere, &[person], &ChartWindow::newest(100))
                .await
                .unwrap()
                .is_empty(),
            "{}",
            t.label
        );
        assert!(
            matches!(
                t.store.worklist(&elsewhere, facility, &[]).await,
                Err(StoreError::NotFound { .. })
            ),
            "{}",
            t.label
        );
        // The audit trail does not name the HIV test.
        let details = count(
            &t,
            "SELECT COUNT(*) FROM audit_event WHERE detail LIKE '%hiv%'",
        )
        .await;
        assert_eq!(details, 0, "{}", t.label);
    }
}

#[tokio::test]
async fn results_walk_the_worklist_and_flag_the_worst_value() {
    for t in all().await {
        let facility = centre(&t).await;
        let (_, visit) = visit(&t, facility).await;
        let viewer = Viewer::everything();
        let fbc = catalogue().test("fbc").unwrap();
        let order = t
            .store
            .order_lab_test(&admin(), Encounter::Visit(visit), fbc, "", None)
            .await
            .unwrap();
        // Results cannot be entered before the sample is taken.
        assert!(
            matches!(
                t.store
                    .enter_lab_results(&admin(), &viewer, order, 1, &[])
                    .await,
                Err(StoreError::Conflict { .. })
            ),
            "{}",
            t.label
        );
        assert!(
            matches!(
                t.store
                    .advance_lab_order(&admin(), &viewer, order, 1, LabState::Verified)
                    .await,
                Err(StoreError::Conflict { .. })
            ),
            "{}",
            t.label
        );
        t.store
            .advance_lab_order(&admin(), &viewer, order, 1, LabState::SampleTaken)
            .await
            .unwrap();
        let results: Vec<NewResult> = fbc
            .components()
            .iter()
            .map(|c| NewResult {
                component_code: c.code(),
                value_number: Some(if c.code() == "fbc.hb" { 6.5 } else { 100.0 }),
                value_code: "",
                unit: c.unit(),
                range_low: None,
                range_high: None,
                flag: if c.code() == "fbc.hb" {
                    Flag::CriticalLow
                } else {
                    Flag::Normal
                },
            })
            .collect();
        t.store
            .enter_lab_results(&admin(), &viewer, order, 2, &results)
            .await
            .unwrap();
        let stored = t.store.lab_order(&viewer, order).await.unwrap();
        assert_eq!(
            (stored.state.as_str(), stored.flag.as_str()),
            ("resulted", "critical_low"),
            "{}",
            t.label
        );
        assert_eq!(
            t.store.lab_results(&[order]).await.unwrap().len(),
            4,
            "{}",
            t.label
        );
        let to_see = t.store.results_to_see(&viewer, admin().id).await.unwrap();
        assert!(
            to_see.is_empty(),
            "{}: another admin() id ordered it",
            t.label
        );
        let orderer = t.store.lab_order(&viewer, order).await.unwrap().ordered_by;
        assert_eq!(
            t.store
                .results_to_see(&viewer, orderer)
                .await
                .unwrap()
                .len(),
            1,
            "{}",
            t.label
        );
    }
}

fn receipt(medicine: &str, batch: &str, expires: &str, quantity: &str) -> Receipt {
    Receipt::parse(medicine, batch, expires, quantity, TODAY).unwrap()
}

fn prescription(quantity: &str) -> Prescription {
    Prescription::parse(&PrescriptionInput {
        medicine: "paracetamol_500_tab",
        dose: "1 tablet",
        route: "oral",
        frequency: "qds",
        duration_days: "3",
        quantity,
        instructions: "",
    })
    .unwrap()
}

#[tokio::test]
async fn dispensing_takes_first_expiry_first_and_refuses_more_than_the_stock() {
    for t in all().await {
        let facility = centre(&t).await;
        let (_, visit) = visit(&t, facility).await;
        let viewer = Viewer::everything();
        let later = t
            .store
            .receive_stock(
                &admin(),
                facility,
                &receipt("paracetamol_500_tab", "L", "2027-06-01", "10"),
                None,
            )
            .await
            .unwrap();
        let sooner = t
            .store
            .receive_stock(
                &admin(),
                facility,
                &receipt("paracetamol_500_tab", "S", "2026-06-01", "4"),
                None,
            )
            .await
            .unwrap();
        let rx = t
            .store
            .prescribe(&admin(), Encounter::Visit(visit), &prescription("20"), None)
            .await
            .unwrap();
        let over = t
            .store
            .dispense(&admin(), &viewer, rx, 15, TODAY, None)
            .await
            .unwrap();
        assert_eq!(
            over,
            DispenseOutcome::NotEnoughStock(haven_domain::clinic::medicines::Shortfall {
                available: 14
            }),
            "{}",
            t.label
        );
        let done = t
            .store
            .dispense(&admin(), &viewer, rx, 6, TODAY, None)
            .await
            .unwrap();
        assert!(
            matches!(done, DispenseOutcome::Dispensed(ref m) if m.len() == 2),
            "{}: {done:?}",
            t.label
        );
        assert_eq!(
            t.store.stock_batch(sooner).await.unwrap().on_hand,
            0,
            "{}",
            t.label
        );
        assert_eq!(
            t.store.stock_batch(later).await.unwrap().on_hand,
            8,
            "{}",
            t.label
        );
        // Every change of stock is a movement whose balance follows the batch.
        assert_eq!(
            count(&t, "SELECT COUNT(*) FROM stock_movement").await,
            4,
            "{}",
            t.label
        );
        let sum = count(
            &t,
            "SELECT CAST(SUM(quantity) AS BIGINT) FROM stock_movement",
        )
        .await;
        assert_eq!(sum, 8, "{}", t.label);
        // A count that finds fewer writes an adjustment-like movement; none goes below zero.
        let batch = t.store.stock_batch(later).await.unwrap();
        let issue = StockChange::parse("issue", "9", "", "").unwrap();
        assert_eq!(
            t.store
                .change_stock(&admin(), later, batch.version, &issue)
                .await
                .unwrap(),
            Err(haven_domain::clinic::medicines::Shortfall { available: 8 }),
            "{}",
            t.label
        );
        let counted = StockChange::parse("count", "7", "", "monthly count").unwrap();
        t.store
            .change_stock(&admin(), later, batch.version, &counted)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            t.store.stock_batch(later).await.unwrap().on_hand,
            7,
            "{}",
            t.label
        );
        let warnings = t.store.stock_warnings(facility, TODAY).await.unwrap();
        assert_eq!(
            warnings.low_stock,
            vec![("paracetamol_500_tab".to_owned(), 7)],
            "{}",
            t.label
        );
    }
}

#[tokio::test]
async fn two_dispensers_at_once_never_take_stock_below_zero() {
    for t in all().await {
        let facility = centre(&t).await;
        let (_, visit) = visit(&t, facility).await;
        t.store
            .receive_stock(
                &admin(),
                facility,
                &receipt("paracetamol_500_tab", "ONE", "2027-01-01", "10"),
                None,
            )
            .await
            .unwrap();
        let mut prescriptions = Vec::new();
        for _ in 0..4 {
            prescriptions.push(
                t.store
                    .prescribe(&admin(), Encounter::Visit(visit), &prescription("4"), None)
                    .await
                    .unwrap(),
            );
        }
        let viewer = Viewer::everything();
        let tasks: Vec<_> = prescriptions
            .into_iter()
            .map(|rx| {
                let store = t.store.clone();
                let viewer = viewer.clone();
                tokio::spawn(
                    async move { store.dispense(&admin(), &viewer, rx, 4, TODAY, None).await },
                )
            })
            .collect();
        let mut dispensed = 0;
        for task in tasks {
            match task.await.unwrap().unwrap() {
                DispenseOutcome::Dispensed(_) => dispensed += 1,
                DispenseOutcome::NotEnoughStock(s) => {
                    assert!(s.available < 4, "{}: {s:?}", t.label)
                }
                other => panic!("{}: {other:?}", t.label),
            }
        }
        assert_eq!(
            dispensed, 2,
            "{}: 10 units serve two dispenses of 4",
            t.label
        );
        assert_eq!(
            count(&t, "SELECT on_hand FROM stock_batch").await,
            2,
            "{}",
            t.label
        );
        assert_eq!(
            count(&t, "SELECT MIN(balance) FROM stock_movement").await,
            2,
            "{}",
            t.label
        );
    }
}

#[tokio::test]
async fn a_bed_holds_one_patient_and_discharge_frees_it() {
    for t in all().await {
        let facility = centre(&t).await;
        let ward = t
            .store
            .create_ward(&admin(), facility, &PlaceName::parse("General").unwrap())
            .await
            .unwrap();
        let bed = t
            .store
            .create_bed(&admin(), ward.id, &PlaceName::parse("G1").unwrap())
            .await
            .unwrap();
        let other = t
            .store
            .create_bed(&admin(), ward.id, &PlaceName::parse("G2").unwrap())
            .await
            .unwrap();
        let (person, _) = visit(&t, facility).await;
        let second = insert_person(&t, "Chan", "Sophea", Some(facility)).await;
        let stay = t
            .store
            .admit(&admin(), person, bed.id, None, "malaria", TODAY, None)
            .await
            .unwrap();
        let taken = t
            .store
            .admit(&admin(), second, bed.id, None, "malaria", TODAY, None)
            .await;
        assert!(
            matches!(taken, Err(StoreError::Duplicate { field: "bed" })),
            "{}: {taken:?}",
            t.label
        );
        let again = t
            .store
            .admit(&admin(), person, other.id, None, "malaria", TODAY, None)
            .await;
        assert!(
            matches!(again, Err(StoreError::Duplicate { field: "person" })),
            "{}: {again:?}",
            t.label
        );
        t.store.transfer(&admin(), stay, 1, other.id).await.unwrap();
        let board = t.store.bed_board(ward.id).await.unwrap();
        assert_eq!(
            board
                .iter()
                .filter(|b| b.stay_id.is_some())
                .map(|b| b.label.as_str())
                .collect::<Vec<_>>(),
            vec!["G2"],
            "{}",
            t.label
        );
        let vitals = Vitals::parse(&VitalsInput {
            temperature: "38.5",
            pulse: "110",
            ..Default::default()
        })
        .unwrap();
        t.store
            .record_vitals(&admin(), Encounter::Stay(stay), &vitals, None)
            .await
            .unwrap();
        let discharge = Discharge::parse("recovered", "Treated with artesunate", "").unwrap();
        t.store
            .discharge(&admin(), stay, 2, &discharge)
            .await
            .unwrap();
        assert!(
            t.store
                .bed_board(ward.id)
                .await
                .unwrap()
                .iter()
                .all(|b| b.stay_id.is_none()),
            "{}",
            t.label
        );
        assert!(
            matches!(
                t.store.discharge(&admin(), stay, 3, &discharge).await,
                Err(StoreError::Conflict { .. })
            ),
            "{}",
            t.label
        );
        let counts = t.store.treatment_counts(facility).await.unwrap();
        assert_eq!(
            counts
                .iter()
                .filter(|c| c.kind == "stay")
                .map(|c| c.total)
                .sum::<i64>(),
            1,
            "{}",
            t.label
        );
        let stats = t
            .store
            .ward_statistics(facility, 2026, time::Month::March)
            .await
            .unwrap();
        assert_eq!(stats.len(), 1, "{}", t.label);
        assert_eq!(stats[0].beds, 2, "{}", t.label);
    }
}

#[tokio::test]
async fn the_demo_gives_every_screen_something_and_loads_once() {
    for t in all().await {
        let options = haven_store::DemoRegistryOptions {
            people: 200,
            seed: 5,
            today: TODAY,
        };
        t.store.load_demo().await.unwrap();
        t.store.load_demo_registry(&options).await.unwrap().unwrap();
        t.store.load_demo_clinic().await.unwrap();
        let visits = count(&t, "SELECT COUNT(*) FROM visit").await;
        assert!(visits >= 5, "{}: {visits} visits", t.label);
        assert_eq!(
            count(&t, "SELECT COUNT(*) FROM stay WHERE discharged_at IS NULL").await,
            1,
            "{}",
            t.label
        );
        assert!(
            count(
                &t,
                "SELECT COUNT(*) FROM vital_signs WHERE stay_id IS NOT NULL"
            )
            .await
                >= 6,
            "{}",
            t.label
        );
        assert!(
            count(
                &t,
                "SELECT COUNT(*) FROM lab_order WHERE state = 'resulted'"
            )
            .await
                >= 3,
            "{}",
            t.label
        );
        let centres = count(
            &t,
            "SELECT COUNT(*) FROM facility WHERE kind = 'medical_centre'",
        )
        .await;
        assert_eq!(
            count(&t, "SELECT COUNT(DISTINCT facility_id) FROM stock_batch").await,
            centres,
            "{}",
            t.label
        );
        // Near-expiry and low-stock warnings at every centre.
        let centre: Id = {
            let rows = t.store.facilities().await.unwrap();
            rows.into_iter()
                .find(|f| f.kind == "medical_centre")
                .unwrap()
                .id
        };
        let today = time::OffsetDateTime::now_utc().date();
        let warnings = t.store.stock_warnings(centre, today).await.unwrap();
        assert!(
            !warnings.near_expiry.is_empty() && !warnings.low_stock.is_empty(),
            "{}: {warnings:?}",
            t.label
        );
        // Loading again adds nothing.
        t.store.load_demo_clinic().await.unwrap();
        assert_eq!(
            count(&t, "SELECT COUNT(*) FROM visit").await,
            visits,
            "{}",
            t.label
        );
        assert!(
            matches!(
                t.store.verify_audit_chain().await.unwrap(),
                haven_store::ChainReport::Intact { .. }
            ),
            "{}",
            t.label
        );
    }
}

#[tokio::test]
async fn a_chart_window_reads_the_newest_of_each_kind_and_counts_them_all() {
    use haven_domain::clinic::chart::EntryKind;
    for t in all().await {
        let facility = centre(&t).await;
        let person = insert_person(&t, "Sok", "Dara", Some(facility)).await;
        for _ in 0..3 {
            let visit = t
                .store
                .check_in(&admin(), person, facility, VisitType::General, TODAY, None)
                .await
                .unwrap();
            let vitals = Vitals::parse(&VitalsInput {
                pulse: "80",
                ..Default::default()
            })
            .unwrap();
            t.store
                .record_vitals(&admin(), Encounter::Visit(visit), &vitals, None)
                .await
                .unwrap();
        }
        let viewer = Viewer::everything();
        let window = ChartWindow::newest(2);
        let data = t.store.chart(&viewer, &[person], &window).await.unwrap();
        assert_eq!(
            (data.visits.len(), data.vitals.len(), data.total),
            (2, 2, 6),
            "{}",
            t.label
        );
        assert!(
            data.visits[0].checked_in_at >= data.visits[1].checked_in_at,
            "{}: newest first",
            t.label
        );
        let visits_only = ChartWindow {
            kinds: vec![EntryKind::Visit],
            ..ChartWindow::newest(10)
        };
        let data = t
            .store
            .chart(&viewer, &[person], &visits_only)
            .await
            .unwrap();
        assert_eq!(
            (data.visits.len(), data.vitals.len(), data.total),
            (3, 0, 3),
            "{}",
            t.label
        );
        let future = ChartWindow {
            from: Some(haven_store::Timestamp::now().plus_seconds(3600)),
            ..ChartWindow::newest(10)
        };
        assert_eq!(
            t.store
                .chart(&viewer, &[person], &future)
                .await
                .unwrap()
                .total,
            0,
            "{}",
            t.label
        );
    }
}
