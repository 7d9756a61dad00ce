//! Store tests: places. Programmes, facilities, wards and beds with their versions,
//! the change log and audit of every write, people served, reach, and exports.

use haven_domain::places::{
    FacilityDetails, FacilityInput, PlaceName, ProgrammeDetails, ProgrammeInput,
};
use haven_domain::Scope;
use haven_store::testing::{all, TestStore};
use haven_store::{Actor, ChainReport, Id, PlaceKind, Reach, StoreError};
use time::macros::date;

use crate::{admin, all_events, assert_v7, count, verify};

pub fn programme_details(name: &str, province: &str) -> ProgrammeDetails {
    ProgrammeDetails::parse(&ProgrammeInput {
        name,
        name_km: "ភូមិកុមារ",
        province,
        district: "Daun Penh",
        latitude: "11.5564",
        longitude: "104.9282",
        ..ProgrammeInput::default()
    })
    .unwrap()
}

pub fn facility_details(kind: &str, name: &str) -> FacilityDetails {
    FacilityDetails::parse(
        &FacilityInput {
            kind,
            name,
            name_km: "",
            opened_on: "2001-06-01",
            catchment_population: "45000",
        },
        date!(2026 - 01 - 01),
    )
    .unwrap()
}

/// Puts a person row straight into the table, as the people part will.
pub async fn insert_person(t: &TestStore, family: &str, given: &str, facility: Option<Id>) -> Id {
    let id = Id::new();
    let facility = facility.map_or("NULL".to_owned(), |f| format!("'{f}'"));
    t.execute_raw(&format!(
        "INSERT INTO person (id, site_id, family_name_latin, given_name_latin, sex, birth_date,
             birth_date_precision, registered_facility_id, created_at, created_by, updated_at,
             updated_by, version)
         VALUES ('{id}', '{id}', '{family}', '{given}', 'female', '1990-01-01', 'exact', {facility},
             '2026-01-01T00:00:00.000000Z', '{id}', '2026-01-01T00:00:00.000000Z', '{id}', 1)"
    ))
    .await
    .unwrap_or_else(|e| panic!("{}: inserting a person: {e:?}", t.label));
    id
}

#[tokio::test]
async fn a_first_programme_creates_cambodia_and_both_are_logged_and_audited() {
    for t in all().await {
        let store = &t.store;
        assert!(store.countries().await.unwrap().is_empty(), "{}", t.label);
        let programme = store
            .create_programme(&admin(), &programme_details("SOS Phnom Penh", "KH-12"))
            .await
            .unwrap();
        assert_v7(&t, "a programme", programme.id);
        assert_eq!(programme.province_code, "KH-12", "{}", t.label);
        assert_eq!(programme.latitude, Some(11.5564), "{}", t.label);
        assert_eq!(programme.name_km, "ភូមិកុមារ", "{}", t.label);
        store
            .create_programme(&admin(), &programme_details("SOS Siem Reap", "KH-17"))
            .await
            .unwrap();
        let countries = store.countries().await.unwrap();
        assert_eq!(countries.len(), 1, "{}", t.label);
        assert_eq!(countries[0].code, "KH", "{}", t.label);
        assert_eq!(
            count(
                &t,
                "SELECT COUNT(*) FROM change_log WHERE entity IN ('country', 'programme')"
            )
            .await,
            3,
            "{}",
            t.label
        );
        let actions: Vec<String> = all_events(&t).await.into_iter().map(|e| e.action).collect();
        assert_eq!(
            actions.iter().filter(|a| *a == "programme_create").count(),
            2,
            "{}: {actions:?}",
            t.label
        );
        assert!(
            actions.contains(&"country_create".to_owned()),
            "{}",
            t.label
        );
        let names: Vec<String> = store
            .programmes()
            .await
            .unwrap()
            .into_iter()
            .map(|p| p.name)
            .collect();
        assert_eq!(names, ["SOS Phnom Penh", "SOS Siem Reap"], "{}", t.label);
        assert!(
            matches!(verify(&t).await, ChainReport::Intact { .. }),
            "{}",
            t.label
        );
    }
}

#[tokio::test]
async fn updates_name_the_version_read_and_a_stale_one_changes_nothing() {
    for t in all().await {
        let store = &t.store;
        let programme = store
            .create_programme(&admin(), &programme_details("SOS Battambang", "KH-2"))
            .await
            .unwrap();
        let updated = store
            .update_programme(
                &admin(),
                programme.id,
                1,
                &programme_details("SOS Battambang Village", "KH-2"),
            )
            .await
            .unwrap();
        assert_eq!(
            (updated.version, updated.name.as_str()),
            (2, "SOS Battambang Village"),
            "{}",
            t.label
        );
        let stale = store
            .update_programme(
                &admin(),
                programme.id,
                1,
                &programme_details("Lost edit", "KH-2"),
            )
            .await;
        assert!(
            matches!(stale, Err(StoreError::Conflict { .. })),
            "{}: {stale:?}",
            t.label
        );
        assert_eq!(
            store.programme(programme.id).await.unwrap().name,
            "SOS Battambang Village",
            "{}",
            t.label
        );
        let missing = store
            .update_programme(
                &admin(),
                Id::new(),
                1,
                &programme_details("Nowhere", "KH-2"),
            )
            .await;
        assert!(
            matches!(missing, Err(StoreError::NotFound { .. })),
            "{}: {missing:?}",
            t.label
        );

        let facility = store
            .create_facility(
                &admin(),
                programme.id,
                &facility_details("medical_centre", "SOS Medical Centre"),
            )
            .await
            .unwrap();
        assert_eq!(
            facility.opened_on,
            Some(date!(2001 - 06 - 01)),
            "{}",
            t.label
        );
        assert_eq!(facility.catchment_population, Some(45000), "{}", t.label);
        let changed = store
            .update_facility(
                &admin(),
                facility.id,
                1,
                &facility_details("mother_child_clinic", "SOS MCH Clinic"),
            )
            .await
            .unwrap();
        assert_eq!(changed.kind, "mother_child_clinic", "{}", t.label);
        let stale = store
            .update_facility(
                &admin(),
                facility.id,
                1,
                &facility_details("medical_centre", "Lost"),
            )
            .await;
        assert!(
            matches!(stale, Err(StoreError::Conflict { .. })),
            "{}: {stale:?}",
            t.label
        );
        let orphan = store
            .create_facility(
                &admin(),
                Id::new(),
                &facility_details("medical_centre", "Orphan"),
            )
            .await;
        assert!(
            matches!(
                orphan,
                Err(StoreError::NotFound {
                    entity: "programme"
                })
            ),
            "{}: {orphan:?}",
            t.label
        );
        assert_eq!(
            count(
                &t,
                "SELECT COUNT(*) FROM change_log WHERE entity = 'facility'"
            )
            .await,
            2,
            "{}",
            t.label
        );
    }
}

#[tokio::test]
async fn wards_and_beds_are_added_and_beds_closed_not_deleted() {
    for t in all().await {
        let store = &t.store;
        let programme = store
            .create_programme(&admin(), &programme_details("SOS Kampot", "KH-7"))
            .await
            .unwrap();
        let facility = store
            .create_facility(
                &admin(),
                programme.id,
                &facility_details("medical_centre", "Clinic"),
            )
            .await
            .unwrap();
        let ward = store
            .create_ward(
                &admin(),
                facility.id,
                &PlaceName::parse("Paediatrics").unwrap(),
            )
            .await
            .unwrap();
        let bed = store
            .create_bed(&admin(), ward.id, &PlaceName::parse("P-1").unwrap())
            .await
            .unwrap();
        store
            .create_bed(&admin(), ward.id, &PlaceName::parse("P-2").unwrap())
            .await
            .unwrap();
        assert_eq!(
            store.wards_of(facility.id).await.unwrap().len(),
            1,
            "{}",
            t.label
        );
        store
            .close_place(&admin(), PlaceKind::Bed, bed.id, 1)
            .await
            .unwrap();
        let beds = store.beds_of_facility(facility.id).await.unwrap();
        assert_eq!(beds.len(), 2, "{}: closed beds stay", t.label);
        assert!(
            beds[0].closed_at.is_some() && beds[1].closed_at.is_none(),
            "{}",
            t.label
        );
        let again = store.close_place(&admin(), PlaceKind::Bed, bed.id, 2).await;
        assert!(
            matches!(again, Err(StoreError::Conflict { .. })),
            "{}: {again:?}",
            t.label
        );
        let nowhere = store
            .create_bed(&admin(), Id::new(), &PlaceName::parse("X").unwrap())
            .await;
        assert!(
            matches!(nowhere, Err(StoreError::NotFound { entity: "ward" })),
            "{}",
            t.label
        );
        let actions: Vec<String> = all_events(&t).await.into_iter().map(|e| e.action).collect();
        for action in ["ward_create", "bed_create", "bed_close"] {
            assert!(
                actions.contains(&action.to_owned()),
                "{}: {action} in {actions:?}",
                t.label
            );
        }
        assert!(
            matches!(verify(&t).await, ChainReport::Intact { .. }),
            "{}",
            t.label
        );
    }
}

#[tokio::test]
async fn people_served_counts_living_unmerged_records_only() {
    for t in all().await {
        let store = &t.store;
        let programme = store
            .create_programme(&admin(), &programme_details("SOS Takeo", "KH-21"))
            .await
            .unwrap();
        let clinic = store
            .create_facility(
                &admin(),
                programme.id,
                &facility_details("medical_centre", "Clinic"),
            )
            .await
            .unwrap();
        let village = store
            .create_facility(
                &admin(),
                programme.id,
                &facility_details("childrens_village", "Village"),
            )
            .await
            .unwrap();
        let kept = insert_person(&t, "Sok", "Dara", Some(clinic.id)).await;
        insert_person(&t, "Chan", "Sophea", Some(clinic.id)).await;
        let merged = insert_person(&t, "Chan", "Sopheap", Some(clinic.id)).await;
        let in_error = insert_person(&t, "Keo", "Mony", Some(clinic.id)).await;
        insert_person(&t, "Lim", "Vanna", None).await;
        t.execute_raw(&format!(
            "UPDATE person SET merged_into = '{kept}' WHERE id = '{merged}'"
        ))
        .await
        .unwrap();
        t.execute_raw(&format!(
            "UPDATE person SET entered_in_error_at = '2026-01-02T00:00:00.000000Z' WHERE id = '{in_error}'"
        ))
        .await
        .unwrap();
        let served = store.people_served().await.unwrap();
        assert_eq!(served.get(&clinic.id), Some(&2), "{}", t.label);
        assert_eq!(served.get(&village.id), None, "{}", t.label);
        assert_eq!(
            store.people_served_at(clinic.id).await.unwrap(),
            2,
            "{}",
            t.label
        );
        assert_eq!(
            store.people_served_at(village.id).await.unwrap(),
            0,
            "{}",
            t.label
        );
    }
}

#[tokio::test]
async fn scopes_resolve_to_the_facilities_they_reach() {
    for t in all().await {
        let store = &t.store;
        let pp = store
            .create_programme(&admin(), &programme_details("SOS Phnom Penh", "KH-12"))
            .await
            .unwrap();
        let sr = store
            .create_programme(&admin(), &programme_details("SOS Siem Reap", "KH-17"))
            .await
            .unwrap();
        let pp_clinic = store
            .create_facility(
                &admin(),
                pp.id,
                &facility_details("medical_centre", "PP clinic"),
            )
            .await
            .unwrap();
        let pp_village = store
            .create_facility(
                &admin(),
                pp.id,
                &facility_details("childrens_village", "PP village"),
            )
            .await
            .unwrap();
        let sr_clinic = store
            .create_facility(
                &admin(),
                sr.id,
                &facility_details("medical_centre", "SR clinic"),
            )
            .await
            .unwrap();
        let sorted = |mut ids: Vec<Id>| {
            ids.sort();
            ids
        };
        let check = |scopes: Vec<Scope>, expected: Reach| async move {
            let got = store.reach_of(&scopes).await.unwrap();
            assert_eq!(got, expected, "{}: {scopes:?}", t.label);
        };
        check(
            vec![Scope::All, Scope::Facility(pp_clinic.id.to_string())],
            Reach::Everything,
        )
        .await;
        check(
            vec![Scope::Country("KH".to_owned())],
            Reach::Facilities {
                ids: sorted(vec![pp_clinic.id, pp_village.id, sr_clinic.id]),
                include_unplaced: true,
            },
        )
        .await;
        check(
            vec![Scope::Programme(pp.id.to_string())],
            Reach::Facilities {
                ids: sorted(vec![pp_clinic.id, pp_village.id]),
                include_unplaced: false,
            },
        )
        .await;
        check(
            vec![
                Scope::Facility(sr_clinic.id.to_string()),
                Scope::Programme(pp.id.to_string()),
            ],
            Reach::Facilities {
                ids: sorted(vec![pp_clinic.id, pp_village.id, sr_clinic.id]),
                include_unplaced: false,
            },
        )
        .await;
        check(
            vec![Scope::Country("TH".to_owned())],
            Reach::Facilities {
                ids: vec![],
                include_unplaced: true,
            },
        )
        .await;
        check(
            vec![Scope::Programme("not-an-id".to_owned())],
            Reach::Facilities {
                ids: vec![],
                include_unplaced: false,
            },
        )
        .await;
        check(
            vec![],
            Reach::Facilities {
                ids: vec![],
                include_unplaced: false,
            },
        )
        .await;
    }
}

#[tokio::test]
async fn an_export_is_audited_with_its_row_count() {
    for t in all().await {
        let actor = Actor {
            id: Id::new(),
            username: "me.officer".to_owned(),
            address: "192.0.2.7".to_owned(),
        };
        t.store.record_export(&actor, "staff", 42).await.unwrap();
        let events = all_events(&t).await;
        let export = events
            .iter()
            .find(|e| e.action == "export")
            .expect("an export event");
        assert_eq!(export.entity, "staff", "{}", t.label);
        assert_eq!(export.detail, "rows=42", "{}", t.label);
        assert_eq!(export.actor_username, "me.officer", "{}", t.label);
        assert!(
            matches!(verify(&t).await, ChainReport::Intact { .. }),
            "{}",
            t.label
        );
    }
}
