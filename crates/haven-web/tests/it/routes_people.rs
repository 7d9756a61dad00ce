//! The role-by-route cases of the people routes, and the records their paths name.

use haven_domain::person::{
    BirthDate, Identifier, IdentifierKind, NameInput, PersonNames, RelationshipKind, Sex,
};
use haven_domain::{Action, Kind};
use haven_store::{Actor, Address, NewPerson, PersonDetails};
use time::macros::date;

use crate::routes::{page, Case, Need};
use crate::support::App;

const READ: Need = Need::Permission(Action::Read, Kind::Person);
const WRITE: Need = Need::Permission(Action::Write, Kind::Person);
const MERGE: Need = Need::Permission(Action::Write, Kind::PersonMerge);

pub(crate) const CASES: &[Case] = &[
    page("GET", "/people", READ, ""),
    page("GET", "/people/new", WRITE, ""),
    page(
        "POST",
        "/people/new",
        WRITE,
        "given_name_latin=+&sex=female",
    ),
    page("GET", "/people/{person}", READ, ""),
    page("GET", "/people/{person}/edit", WRITE, ""),
    page(
        "POST",
        "/people/{person}/edit",
        WRITE,
        "given_name_latin=+&version=999",
    ),
    page(
        "POST",
        "/people/{person}/identifiers",
        WRITE,
        "kind=national_id&value=",
    ),
    page(
        "POST",
        "/people/{person}/identifiers/{identifier}/retire",
        WRITE,
        "version=999",
    ),
    page(
        "POST",
        "/people/{person}/categories",
        WRITE,
        "category=sos_child",
    ),
    page(
        "POST",
        "/people/{person}/relationships",
        WRITE,
        "kind=mother&other=nobody",
    ),
    page(
        "POST",
        "/people/{person}/relationships/{relationship}/end",
        WRITE,
        "version=999",
    ),
    page(
        "POST",
        "/people/{person}/death",
        WRITE,
        "died_on=2999-01-01&version=1",
    ),
    page("GET", "/people/{person}/merge", MERGE, ""),
    page("POST", "/people/{person}/merge", MERGE, "other=nobody"),
    page(
        "POST",
        "/people/{person}/merges/{merge}/undo",
        MERGE,
        "version=999",
    ),
    page("GET", "/people/{person}/card", READ, ""),
];

fn details(given: &str) -> PersonDetails {
    PersonDetails {
        names: PersonNames::parse(&NameInput {
            family_latin: "Route",
            given_latin: given,
            ..NameInput::default()
        })
        .expect("names"),
        sex: Sex::Male,
        birth_date: BirthDate::exact(date!(2010 - 01 - 01), date!(2026 - 01 - 01)).expect("date"),
        phone: None,
        address: Address::default(),
        registered_facility: None,
    }
}

async fn person(app: &App, given: &str) -> haven_store::Person {
    let new = NewPerson {
        details: details(given),
        identifiers: Vec::new(),
        categories: Vec::new(),
    };
    app.store
        .create_person(&Actor::system(), &new)
        .await
        .expect("a person")
}

/// The placeholders of these routes' paths and the ids that fill them.
pub(crate) async fn targets(app: &App) -> Vec<(&'static str, String)> {
    let actor = Actor::system();
    let target = person(app, "Target").await;
    let mother = person(app, "Mother").await;
    let twin = person(app, "Twin").await;
    let identifier = Identifier::parse(IdentifierKind::IdPoor, "ROUTE-1").expect("an id");
    app.store
        .add_identifier(&actor, target.id, &identifier, None)
        .await
        .expect("an identifier");
    let identifier_id = app
        .store
        .identifiers_of(&[target.id])
        .await
        .expect("identifiers")
        .into_iter()
        .find(|i| i.kind == "id_poor")
        .expect("the id-poor number")
        .id;
    let relationship = app
        .store
        .add_relationship(&actor, target.id, mother.id, RelationshipKind::Mother)
        .await
        .expect("a relationship");
    let merge = app
        .store
        .merge_people(&actor, target.id, twin.id, "route test")
        .await
        .expect("a merge");
    vec![
        ("{person}", target.id.to_string()),
        ("{identifier}", identifier_id.to_string()),
        ("{relationship}", relationship.to_string()),
        ("{merge}", merge.id.to_string()),
    ]
}
