//! Store tests: the people search and the duplicate check, on records written with raw
//! SQL (the registry's own writes are tested in people.rs) and indexed with
//! `rebuild_search_index`.

use haven_domain::person::{AgeBand, Category, NameInput, PersonNames, Sex};
use haven_store::testing::{self, TestStore};
use haven_store::{DuplicateProbe, Id, PeopleQuery, Reach};
use time::macros::date;
use time::Date;

const TODAY: Date = date!(2026 - 11 - 22);
const AT: &str = "2026-11-01T00:00:00.000000Z";

/// A person to write: names, sex, date of birth, phone key and facility.
#[derive(Clone, Default)]
struct P {
    family_km: &'static str,
    given_km: &'static str,
    family: &'static str,
    given: &'static str,
    nicknames: &'static str,
    sex: &'static str,
    born: &'static str,
    phone: &'static str,
    facility: Option<Id>,
}

fn latin(family: &'static str, given: &'static str) -> P {
    P {
        family,
        given,
        ..P::default()
    }
}

fn sql_id(id: Option<Id>) -> String {
    id.map_or("NULL".to_owned(), |id| format!("'{id}'"))
}

async fn raw(t: &TestStore, sql: &str) {
    t.execute_raw(sql)
        .await
        .unwrap_or_else(|e| panic!("{}: {sql}: {e:?}", t.label));
}

async fn insert(t: &TestStore, p: P) -> Id {
    let id = Id::new();
    let sex = if p.sex.is_empty() { "female" } else { p.sex };
    let born = if p.born.is_empty() {
        "1990-01-01"
    } else {
        p.born
    };
    raw(
        t,
        &format!(
            "INSERT INTO person (id, site_id, family_name_km, given_name_km, family_name_latin,
                 given_name_latin, nicknames, sex, birth_date, birth_date_precision, phone_key,
                 registered_facility_id, created_at, created_by, updated_at, updated_by, version)
             VALUES ('{id}', '{id}', '{}', '{}', '{}', '{}', '{}', '{sex}', '{born}', 'exact', '{}',
                 {}, '{AT}', '{id}', '{AT}', '{id}', 1)",
            p.family_km,
            p.given_km,
            p.family,
            p.given,
            p.nicknames,
            p.phone,
            sql_id(p.facility)
        ),
    )
    .await;
    id
}

async fn identifier(t: &TestStore, person: Id, kind: &str, value: &str, key: &str) {
    let id = Id::new();
    raw(
        t,
        &format!(
            "INSERT INTO person_identifier (id, site_id, person_id, kind, value, value_key,
                 created_at, created_by, updated_at, updated_by, version)
             VALUES ('{id}', '{id}', '{person}', '{kind}', '{value}', '{key}', '{AT}', '{id}', '{AT}', '{id}', 1)"
        ),
    )
    .await;
}

async fn category(t: &TestStore, person: Id, category: &str) {
    let id = Id::new();
    raw(
        t,
        &format!(
            "INSERT INTO person_category (id, site_id, person_id, category,
                 created_at, created_by, updated_at, updated_by, version)
             VALUES ('{id}', '{id}', '{person}', '{category}', '{AT}', '{id}', '{AT}', '{id}', 1)"
        ),
    )
    .await;
}

/// A country, a programme and two facilities; returns the facilities.
async fn places(t: &TestStore) -> (Id, Id) {
    let programme = Id::new();
    let (a, b) = (Id::new(), Id::new());
    raw(t, &format!(
        "INSERT INTO country (id, site_id, code, name, created_at, created_by, updated_at, updated_by)
         VALUES ('{programme}', '{programme}', 'KH', 'Cambodia', '{AT}', '{programme}', '{AT}', '{programme}');
         INSERT INTO programme (id, site_id, country_code, name, province_code, created_at, created_by, updated_at, updated_by)
         VALUES ('{programme}', '{programme}', 'KH', 'Phnom Penh', 'KH-12', '{AT}', '{programme}', '{AT}', '{programme}');
         INSERT INTO facility (id, site_id, programme_id, kind, name, created_at, created_by, updated_at, updated_by)
         VALUES ('{a}', '{a}', '{programme}', 'medical_centre', 'A', '{AT}', '{a}', '{AT}', '{a}'),
                ('{b}', '{b}', '{programme}', 'childrens_village', 'B', '{AT}', '{b}', '{AT}', '{b}');"
    )).await;
    (a, b)
}

fn query(text: &str) -> PeopleQuery {
    PeopleQuery {
        text: text.to_owned(),
        facility: None,
        category: None,
        sex: None,
        age_band: None,
        today: TODAY,
        reach: Reach::Everything,
        limit: 50,
        offset: 0,
    }
}

async fn search(t: &TestStore, q: &PeopleQuery) -> Vec<Id> {
    t.store
        .search_people(q)
        .await
        .unwrap_or_else(|e| panic!("{}: searching {:?}: {e:?}", t.label, q.text))
}

async fn index(t: &TestStore) {
    t.store.rebuild_search_index().await.unwrap();
}

#[tokio::test]
async fn spelling_variants_of_romanised_names_find_each_other() {
    for t in testing::all().await {
        let sokha = insert(&t, latin("Chan", "Sokha")).await;
        let sokhar = insert(&t, latin("Keo", "Sokhar")).await;
        let chanthy = insert(&t, latin("Meas", "Chanthy")).await;
        let srey_pov = insert(&t, latin("Sok", "Srey Pov")).await;
        let sreypov = insert(&t, latin("Ly", "Sreypov")).await;
        let dara = insert(&t, latin("Sok", "Dara")).await;
        let _other = insert(&t, latin("Kim", "Vanna")).await;
        index(&t).await;

        let check = |mut found: Vec<Id>, mut expected: Vec<Id>, what: &str| {
            found.sort();
            expected.sort();
            assert_eq!(found, expected, "{}: {what}", t.label);
        };
        for spelling in ["Sokha", "sokhar", "Sokah", "SOKHA"] {
            check(
                search(&t, &query(spelling)).await,
                vec![sokha, sokhar],
                spelling,
            );
        }
        for spelling in ["Chanthi", "Chanthy", "chanth"] {
            check(search(&t, &query(spelling)).await, vec![chanthy], spelling);
        }
        for spelling in ["Sreypov", "Srey Pov", "srei pov", "Sreypo"] {
            check(
                search(&t, &query(spelling)).await,
                vec![srey_pov, sreypov],
                spelling,
            );
        }
        check(search(&t, &query("Sok Dara")).await, vec![dara], "Sok Dara");
        check(search(&t, &query("Dara Sok")).await, vec![dara], "Dara Sok");
        check(search(&t, &query("sokdara")).await, vec![dara], "sokdara");
        check(search(&t, &query("Sok Da")).await, vec![dara], "Sok Da");
        check(
            search(&t, &query("Sok")).await,
            vec![srey_pov, dara, sokha, sokhar],
            "Sok is a family name and the start of Sokha",
        );
        check(search(&t, &query("Sok Vanna")).await, vec![], "Sok Vanna");

        // The exact key comes first: Sok before Sokha.
        let sok = search(&t, &query("Sok")).await;
        assert!(
            sok[..2].contains(&srey_pov) && sok[..2].contains(&dara),
            "{}: {sok:?}",
            t.label
        );
        // Paging walks the same order.
        let mut page = query("Sok");
        page.limit = 2;
        page.offset = 2;
        assert_eq!(search(&t, &page).await, sok[2..4].to_vec(), "{}", t.label);
    }
}

#[tokio::test]
async fn khmer_fragments_identifiers_and_phones_find_people() {
    for t in testing::all().await {
        let sokha = insert(
            &t,
            P {
                family_km: "ចាន់",
                given_km: "សុខា",
                family: "Chan",
                given: "Sokha",
                phone: "012345678",
                ..P::default()
            },
        )
        .await;
        let sreypov = insert(
            &t,
            P {
                family_km: "សុខ",
                given_km: "ស្រីពៅ",
                nicknames: "អាពៅ",
                ..P::default()
            },
        )
        .await;
        identifier(&t, sokha, "haven", "1234-5678-90", "1234567890").await;
        identifier(&t, sreypov, "national_id", "kh-0042 19", "KH004219").await;
        index(&t).await;

        let check = |found: Vec<Id>, expected: Vec<Id>, what: &str| {
            assert_eq!(found, expected, "{}: {what}", t.label);
        };
        check(search(&t, &query("សុខា")).await, vec![sokha], "សុខា");
        check(search(&t, &query("ស្រី")).await, vec![sreypov], "ស្រី");
        check(
            search(&t, &query("សុខ ស្រីពៅ")).await,
            vec![sreypov],
            "family and given",
        );
        check(
            search(&t, &query("ស្រីពៅ\u{200B}សុខ")).await,
            vec![sreypov],
            "given and family written together, with a zero-width space",
        );
        check(search(&t, &query("អាពៅ")).await, vec![sreypov], "nickname");
        check(search(&t, &query("ចាន់ Sokha")).await, vec![sokha], "mixed");
        check(
            search(&t, &query("1234-5678-90")).await,
            vec![sokha],
            "Haven number",
        );
        check(
            search(&t, &query("1234567890")).await,
            vec![sokha],
            "without dashes",
        );
        check(
            search(&t, &query("KH 0042-19")).await,
            vec![sreypov],
            "national id",
        );
        check(search(&t, &query("KH 0042")).await, vec![], "not a prefix");
        check(
            search(&t, &query("+855 12 345 678")).await,
            vec![sokha],
            "international phone",
        );
        check(
            search(&t, &query("012 345")).await,
            vec![sokha],
            "phone prefix",
        );
        check(search(&t, &query("012 999")).await, vec![], "other phone");
    }
}

#[tokio::test]
async fn filters_and_reach_narrow_a_search() {
    for t in testing::all().await {
        let (clinic, village) = places(&t).await;
        let girl = insert(
            &t,
            P {
                family: "Sok",
                given: "Bopha",
                sex: "female",
                born: "2019-05-01",
                facility: Some(village),
                ..P::default()
            },
        )
        .await;
        let boy = insert(
            &t,
            P {
                family: "Sok",
                given: "Visal",
                sex: "male",
                born: "2012-05-01",
                facility: Some(clinic),
                ..P::default()
            },
        )
        .await;
        let elder = insert(
            &t,
            P {
                family: "Sok",
                given: "Samnang",
                sex: "male",
                born: "1950-05-01",
                ..P::default()
            },
        )
        .await;
        category(&t, girl, "sos_child").await;
        index(&t).await;

        for text in ["Sok", ""] {
            let all = |q: PeopleQuery| PeopleQuery {
                text: text.to_owned(),
                ..q
            };
            let sorted = |mut ids: Vec<Id>| {
                ids.sort();
                ids
            };
            let check = |found: Vec<Id>, expected: Vec<Id>, what: &str| {
                assert_eq!(
                    sorted(found),
                    sorted(expected),
                    "{}: {text:?} {what}",
                    t.label
                );
            };
            check(
                search(&t, &all(query(""))).await,
                vec![girl, boy, elder],
                "all",
            );
            let mut q = all(query(""));
            q.facility = Some(village);
            check(search(&t, &q).await, vec![girl], "facility");
            let mut q = all(query(""));
            q.category = Some(Category::SosChild);
            check(search(&t, &q).await, vec![girl], "category");
            let mut q = all(query(""));
            q.sex = Some(Sex::Male);
            check(search(&t, &q).await, vec![boy, elder], "sex");
            let mut q = all(query(""));
            q.age_band = Some(AgeBand::From5To9);
            check(search(&t, &q).await, vec![girl], "5 to 9");
            q.age_band = Some(AgeBand::From10To14);
            check(search(&t, &q).await, vec![boy], "10 to 14");
            q.age_band = Some(AgeBand::From60);
            check(search(&t, &q).await, vec![elder], "60 and over");
            let mut q = all(query(""));
            q.reach = Reach::Facilities {
                ids: vec![clinic],
                include_unplaced: false,
            };
            check(search(&t, &q).await, vec![boy], "reach of the clinic");
            q.reach = Reach::Facilities {
                ids: vec![clinic],
                include_unplaced: true,
            };
            check(
                search(&t, &q).await,
                vec![boy, elder],
                "reach with unplaced",
            );
            q.reach = Reach::Facilities {
                ids: vec![],
                include_unplaced: false,
            };
            check(search(&t, &q).await, vec![], "reach of nothing");
        }
        // With nothing typed, people come by name.
        assert_eq!(
            search(&t, &query("")).await,
            vec![girl, elder, boy],
            "{}",
            t.label
        );
    }
}

#[tokio::test]
async fn merged_records_answer_as_their_survivor_and_errors_never_appear() {
    for t in testing::all().await {
        let survivor = insert(&t, latin("Sok", "Dara")).await;
        let merged = insert(&t, latin("Sokh", "Darah")).await;
        let merged_twice = insert(&t, latin("Sok", "Dareth")).await;
        let error = insert(&t, latin("Sok", "Davy")).await;
        let survivor_in_error = insert(&t, latin("Kim", "Thida")).await;
        let merged_into_error = insert(&t, latin("Kim", "Thyda")).await;
        raw(
            &t,
            &format!(
                "UPDATE person SET merged_into = '{survivor}' WHERE id = '{merged}';
                 UPDATE person SET merged_into = '{merged}' WHERE id = '{merged_twice}';
                 UPDATE person SET entered_in_error_at = '{AT}' WHERE id IN ('{error}', '{survivor_in_error}');
                 UPDATE person SET merged_into = '{survivor_in_error}' WHERE id = '{merged_into_error}';"
            ),
        )
        .await;
        index(&t).await;
        assert_eq!(
            search(&t, &query("Sok Da")).await,
            vec![survivor],
            "{}",
            t.label
        );
        assert_eq!(
            search(&t, &query("Dareth")).await,
            vec![survivor],
            "{}: merged twice",
            t.label
        );
        assert_eq!(search(&t, &query("Davy")).await, vec![], "{}", t.label);
        assert_eq!(search(&t, &query("Thida")).await, vec![], "{}", t.label);
        assert_eq!(
            search(&t, &query("")).await,
            vec![survivor],
            "{}: the list by name",
            t.label
        );
        assert_eq!(
            t.store.search_people_like_baseline("da", 10).await.unwrap(),
            vec![survivor],
            "{}: the baseline",
            t.label
        );
    }
}

fn names(family_km: &str, given_km: &str, family: &str, given: &str) -> PersonNames {
    PersonNames::parse(&NameInput {
        family_km,
        given_km,
        family_latin: family,
        given_latin: given,
        ..NameInput::default()
    })
    .unwrap()
}

#[tokio::test]
async fn possible_duplicates_share_an_identifier_or_a_name_and_a_year() {
    for t in testing::all().await {
        let sokha = insert(
            &t,
            P {
                family: "Chan",
                given: "Sokha",
                born: "2015-03-01",
                ..P::default()
            },
        )
        .await;
        let khmer = insert(
            &t,
            P {
                family_km: "ចាន់",
                given_km: "សុខា",
                born: "2015-09-01",
                ..P::default()
            },
        )
        .await;
        let older = insert(
            &t,
            P {
                family: "Chan",
                given: "Sokha",
                born: "1990-03-01",
                ..P::default()
            },
        )
        .await;
        let card = insert(&t, latin("Meas", "Rithy")).await;
        let gone = insert(
            &t,
            P {
                family: "Chan",
                given: "Sokhar",
                born: "2015-01-01",
                ..P::default()
            },
        )
        .await;
        identifier(&t, card, "national_id", "0101", "0101").await;
        raw(
            &t,
            &format!("UPDATE person SET entered_in_error_at = '{AT}' WHERE id = '{gone}'"),
        )
        .await;
        index(&t).await;

        let probe =
            |names: PersonNames, born: Option<Date>, keys: &[&str], exclude| DuplicateProbe {
                names,
                birth_date: born,
                identifier_keys: keys.iter().map(|k| (*k).to_owned()).collect(),
                exclude,
            };
        let check = |mut found: Vec<Id>, mut expected: Vec<Id>, what: &str| {
            found.sort();
            expected.sort();
            assert_eq!(found, expected, "{}: {what}", t.label);
        };
        let dupes = |p: DuplicateProbe| {
            let store = t.store.clone();
            async move { store.possible_duplicates(&p).await.unwrap() }
        };
        check(
            dupes(probe(
                names("ចាន់", "សុខា", "Sokhar", "Chan"),
                Some(date!(2016 - 01 - 01)),
                &[],
                None,
            ))
            .await,
            vec![sokha, khmer],
            "both scripts, either order, within a year",
        );
        check(
            dupes(probe(
                names("", "", "Chan", "Sokha"),
                Some(date!(2016 - 01 - 01)),
                &[],
                Some(sokha),
            ))
            .await,
            vec![],
            "excluding the record itself",
        );
        check(
            dupes(probe(names("", "", "Chan", "Sokha"), None, &[], None)).await,
            vec![sokha, older],
            "no date of birth: names alone",
        );
        check(
            dupes(probe(
                names("", "", "Keo", "Dara"),
                Some(date!(2016 - 01 - 01)),
                &["01-01"],
                None,
            ))
            .await,
            vec![card],
            "an identifier key",
        );
        check(
            dupes(probe(
                names("", "", "Chan", "Dara"),
                Some(date!(2015 - 03 - 01)),
                &[],
                None,
            ))
            .await,
            vec![],
            "another given name",
        );
    }
}

#[tokio::test]
async fn demo_people_carry_the_tokens_reindexing_makes() {
    for t in testing::all().await {
        let options = haven_store::DemoRegistryOptions {
            people: 300,
            seed: 3,
            today: TODAY,
        };
        let summary = t.store.load_demo_registry(&options).await.unwrap().unwrap();
        assert_eq!(summary.people, 300, "{}", t.label);
        assert!(
            t.store
                .load_demo_registry(&options)
                .await
                .unwrap()
                .is_none(),
            "{}: a second load",
            t.label
        );
        let tokens = "SELECT COUNT(*) FROM person_search_token";
        let sum = "SELECT COUNT(DISTINCT token || ' ' || CAST(person_id AS TEXT)) FROM person_search_token";
        let (before, distinct) = (
            t.scalar(tokens).await.unwrap(),
            t.scalar(sum).await.unwrap(),
        );
        assert_eq!(
            before,
            i64::try_from(summary.tokens).unwrap(),
            "{}",
            t.label
        );
        index(&t).await;
        assert_eq!(t.scalar(tokens).await.unwrap(), before, "{}", t.label);
        assert_eq!(t.scalar(sum).await.unwrap(), distinct, "{}", t.label);
        assert!(!search(&t, &query("So")).await.is_empty(), "{}", t.label);
    }
}
