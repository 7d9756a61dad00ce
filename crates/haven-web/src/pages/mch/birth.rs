//! Birth pages: recording a delivery (each live-born baby becomes a person of the
//! registry linked to the mother), a delivery's page with postnatal contacts for
//! mother and babies, and the facility's postnatal list of who is due and overdue.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::Form;
use haven_app::mch::{DeliveryRecord, NewPncContact, PncDelivery, PREGNANCY_CLOSED};
use haven_app::model::mch::{Delivery, Pregnancy};
use haven_app::model::Id;
use haven_app::AppError;
use haven_domain::mch::birth::{
    Attendant, BabyInput, BirthOutcome, Complication, DeliveryInput, DeliveryMode, DeliveryPlace,
    BABY_FIELDS,
};
use haven_domain::mch::postnatal::{
    pnc_status, PncContactInput, PncDangerSign, PncState, POSTNATAL_DAYS,
};
use haven_domain::mch::split_codes;
use haven_domain::person::Sex;
use haven_domain::{Action, Kind};

use super::{
    choices, choose_facility, facility_name, field_messages, FacilityChoice, Fields, ListQuery,
};
use crate::auth::Authenticated;
use crate::error::{see_other, WebError};
use crate::extract::Ids;
use crate::i18n::Tr;
use crate::pages::places::FieldMessages;
use crate::pages::{no_store, render, Layout, FORM_ERROR};
use crate::state::AppState;

/// A baby's row of the form: its field names.
pub struct BabyFields {
    pub number: usize,
    pub outcome: &'static str,
    pub sex: &'static str,
    pub weight: &'static str,
    pub given_km: &'static str,
    pub given_latin: &'static str,
}

fn baby_fields() -> Vec<BabyFields> {
    BABY_FIELDS
        .iter()
        .enumerate()
        .map(
            |(i, [outcome, sex, weight, given_km, given_latin])| BabyFields {
                number: i + 1,
                outcome,
                sex,
                weight,
                given_km,
                given_latin,
            },
        )
        .collect()
}

#[derive(Template)]
#[template(path = "mch_delivery_form.html")]
struct DeliveryFormPage {
    layout: Layout,
    p: Pregnancy,
    name: String,
    f: Fields,
    errors: FieldMessages,
    babies: Vec<BabyFields>,
    places: Vec<(&'static str, String)>,
    attendants: Vec<(&'static str, String)>,
    modes: Vec<(&'static str, String)>,
    outcomes: Vec<(&'static str, String)>,
    mother_outcomes: Vec<(&'static str, String)>,
    complications: Vec<(&'static str, String)>,
    sexes: Vec<(&'static str, String)>,
}

/// haven-app's refusal as these pages answer it: a closed pregnancy is the conflict
/// page.
fn refusal(error: AppError) -> WebError {
    match error {
        AppError::Refused(PREGNANCY_CLOSED) => WebError::Conflict,
        other => other.into(),
    }
}

fn delivery_form_page(
    auth: &Authenticated,
    p: Pregnancy,
    f: Fields,
    errors: FieldMessages,
) -> DeliveryFormPage {
    let tr = auth.tr();
    let sexes = [Sex::Female, Sex::Male, Sex::Other]
        .iter()
        .map(|s| (s.code(), tr.t(&s.label_key())))
        .collect();
    DeliveryFormPage {
        layout: Layout::new(&auth.visitor, "mch-delivery-new-title"),
        name: p.display_name(),
        p,
        f,
        errors,
        babies: baby_fields(),
        places: choices(
            tr,
            DeliveryPlace::ALL,
            DeliveryPlace::code,
            DeliveryPlace::label_key,
        ),
        attendants: choices(tr, Attendant::ALL, Attendant::code, Attendant::label_key),
        modes: choices(
            tr,
            DeliveryMode::ALL,
            DeliveryMode::code,
            DeliveryMode::label_key,
        ),
        outcomes: choices(
            tr,
            BirthOutcome::ALL,
            BirthOutcome::code,
            BirthOutcome::label_key,
        ),
        mother_outcomes: choices(
            tr,
            haven_domain::mch::birth::MotherOutcome::ALL,
            haven_domain::mch::birth::MotherOutcome::code,
            haven_domain::mch::birth::MotherOutcome::label_key,
        ),
        complications: choices(
            tr,
            Complication::ALL,
            Complication::code,
            Complication::label_key,
        ),
        sexes,
    }
}

pub async fn delivery_form(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(id): Ids<Id>,
) -> Result<Response, WebError> {
    let pregnancy = match state
        .app()
        .delivery_form(&auth.caller(), id)
        .await
        .map_err(refusal)?
    {
        Ok(pregnancy) => pregnancy,
        Err(delivery) => return Ok(see_other(&format!("/mch/deliveries/{}", delivery.id))),
    };
    let mut f = Fields::default();
    f.set("delivered_on", state.today().to_string());
    f.set("place", "facility");
    f.set("attendant", "midwife");
    f.set("mode", "vaginal");
    f.set("mother_outcome", "well");
    f.set("baby1_outcome", "live_birth");
    f.set("version", pregnancy.version.to_string());
    render(&delivery_form_page(
        &auth,
        pregnancy,
        f,
        FieldMessages::default(),
    ))
    .map(no_store)
}

/// The delivery form's fields for the domain.
pub fn delivery_input<'a>(f: &'a Fields, complications: &'a [String]) -> DeliveryInput<'a> {
    DeliveryInput {
        delivered_on: f.get("delivered_on"),
        delivered_time: f.get("delivered_time"),
        place: f.get("place"),
        attendant: f.get("attendant"),
        mode: f.get("mode"),
        complications,
        mother_outcome: f.get("mother_outcome"),
        notes: f.get("notes"),
        babies: BABY_FIELDS
            .iter()
            .map(|[outcome, sex, weight, km, latin]| BabyInput {
                outcome: f.get(outcome),
                sex: f.get(sex),
                weight_g: f.get(weight),
                given_name_km: f.get(km),
                given_name_latin: f.get(latin),
            })
            .collect(),
    }
}

pub async fn record_delivery(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(id): Ids<Id>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let f = Fields::new(pairs);
    let complications = f.all("complications");
    let version: Option<i64> = f.get("version").parse().ok();
    let caller = auth.caller();
    let recorded = state
        .app()
        .record_delivery(
            &caller,
            id,
            version,
            &delivery_input(&f, &complications),
            state.today(),
        )
        .await;
    match recorded {
        Ok(delivery) => Ok(see_other(&format!("/mch/deliveries/{}", delivery.id))),
        Err(AppError::Invalid(fields)) => {
            let errors = field_messages(auth.tr(), &fields);
            let pregnancy = state.app().pregnancy_to_write(&caller, id).await?;
            let mut response = render(&delivery_form_page(&auth, pregnancy, f, errors))?;
            *response.status_mut() = FORM_ERROR;
            Ok(no_store(response))
        }
        Err(other) => Err(refusal(other)),
    }
}

/// Mother or baby on the delivery page, with their postnatal schedule.
pub struct PncPerson {
    pub person_id: String,
    pub label: String,
    pub name: String,
    pub state: String,
    pub contact: String,
    pub window: String,
    pub overdue: bool,
    /// Each contact as text, with its id and version for marking it in error.
    pub contacts: Vec<(String, String, i64)>,
}

pub struct BabyRow {
    pub number: i64,
    pub outcome: String,
    pub sex: String,
    pub weight: String,
    pub low_birth_weight: bool,
    pub person_id: Option<String>,
}

#[derive(Template)]
#[template(path = "mch_delivery.html")]
struct DeliveryPage {
    layout: Layout,
    d: Delivery,
    name: String,
    facility: String,
    gestational_age: String,
    place: String,
    attendant: String,
    mode: String,
    mother_outcome: String,
    complications: Vec<String>,
    babies: Vec<BabyRow>,
    people: Vec<PncPerson>,
    can_write: bool,
    f: Fields,
    errors: FieldMessages,
    danger_choices: Vec<(&'static str, String)>,
}

fn label(tr: &Tr, key: Option<String>, code: &str) -> String {
    key.map(|k| tr.t(&k)).unwrap_or_else(|| code.to_owned())
}

async fn delivery_page(
    state: &AppState,
    auth: &Authenticated,
    record: DeliveryRecord,
    f: Fields,
    errors: FieldMessages,
) -> Result<DeliveryPage, WebError> {
    let tr = auth.tr();
    let on = state.today();
    let DeliveryRecord {
        delivery: d,
        babies,
        pnc: contacts,
        baby_names,
    } = record;
    let mut people = vec![(d.person_id, tr.t("mch-mother"), d.display_name())];
    for baby in &babies {
        if let Some(person_id) = baby.person_id {
            let name = baby_names
                .iter()
                .find(|(id, _)| *id == person_id)
                .map(|(_, name)| name.clone())
                .unwrap_or_default();
            people.push((
                person_id,
                tr.t1("mch-baby-number", "number", baby.position),
                name,
            ));
        }
    }
    let people = people
        .into_iter()
        .map(|(person_id, label, name)| {
            let mine: Vec<_> = contacts
                .iter()
                .filter(|c| c.person_id == person_id)
                .collect();
            let days: Vec<time::Date> = mine.iter().map(|c| c.contact_on).collect();
            let status = pnc_status(d.delivered_on, &days, on);
            PncPerson {
                person_id: person_id.to_string(),
                label,
                name,
                state: tr.t(&status.state.label_key()),
                contact: status.contact.map(|c| c.to_string()).unwrap_or_default(),
                window: status
                    .window
                    .map(|(a, b)| format!("{a} – {b}"))
                    .unwrap_or_default(),
                overdue: status.state == PncState::Overdue,
                contacts: mine
                    .iter()
                    .map(|c| {
                        let mut text = format!(
                            "{} ({} {})",
                            c.contact_on,
                            tr.t("mch-contact-number"),
                            c.contact_number
                        );
                        let signs: Vec<String> = split_codes(&c.danger_signs, PncDangerSign::parse)
                            .into_iter()
                            .map(|s| tr.t(&s.label_key()))
                            .collect();
                        if !signs.is_empty() {
                            text.push_str(&format!(
                                " · {}: {}",
                                tr.t("mch-urgent"),
                                signs.join(", ")
                            ));
                        }
                        (text, c.id.to_string(), c.version)
                    })
                    .collect(),
            }
        })
        .collect();
    let code_label = |code: &str, key: Option<String>| label(tr, key, code);
    Ok(DeliveryPage {
        layout: Layout::new(&auth.visitor, "mch-delivery-title"),
        name: d.display_name(),
        facility: facility_name(state, tr, d.facility_id).await,
        gestational_age: haven_domain::mch::pregnancy::GestationalAge::from_days(
            d.gestational_age_days,
        )
        .text(),
        place: code_label(
            &d.place,
            DeliveryPlace::parse(&d.place).map(|v| v.label_key()),
        ),
        attendant: code_label(
            &d.attendant,
            Attendant::parse(&d.attendant).map(|v| v.label_key()),
        ),
        mode: code_label(&d.mode, DeliveryMode::parse(&d.mode).map(|v| v.label_key())),
        mother_outcome: code_label(
            &d.mother_outcome,
            haven_domain::mch::birth::MotherOutcome::parse(&d.mother_outcome)
                .map(|v| v.label_key()),
        ),
        complications: split_codes(&d.complications, Complication::parse)
            .into_iter()
            .map(|c| tr.t(&c.label_key()))
            .collect(),
        babies: babies
            .iter()
            .map(|b| BabyRow {
                number: b.position,
                outcome: code_label(
                    &b.outcome,
                    BirthOutcome::parse(&b.outcome).map(|v| v.label_key()),
                ),
                sex: tr.t(&Sex::parse(&b.sex).unwrap_or(Sex::Unknown).label_key()),
                weight: b.weight_g.map(|w| format!("{w} g")).unwrap_or_default(),
                low_birth_weight: b.low_birth_weight,
                person_id: b.person_id.map(|p| p.to_string()),
            })
            .collect(),
        people,
        can_write: auth.me.can(Action::Write, Kind::Clinical)
            && (on - d.delivered_on).whole_days() <= POSTNATAL_DAYS,
        f,
        errors,
        danger_choices: choices(
            tr,
            PncDangerSign::ALL,
            PncDangerSign::code,
            PncDangerSign::label_key,
        ),
        d,
    })
}

pub async fn show(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(id): Ids<Id>,
) -> Result<Response, WebError> {
    let record = state.app().read_delivery(&auth.caller(), id).await?;
    let mut f = Fields::default();
    f.set("contact_on", state.today().to_string());
    let page = delivery_page(&state, &auth, record, f, FieldMessages::default()).await?;
    render(&page).map(no_store)
}

pub async fn add_pnc(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(id): Ids<Id>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let f = Fields::new(pairs);
    let signs = f.all("danger_signs");
    let contact = NewPncContact {
        person: f.get("person").parse().ok(),
        input: PncContactInput {
            contact_on: f.get("contact_on"),
            temperature_c: f.get("temperature_c"),
            weight_g: f.get("weight_g"),
            breastfeeding: f.flag("breastfeeding"),
            danger_signs: &signs,
            notes: f.get("notes"),
        },
    };
    let caller = auth.caller();
    let app = state.app();
    let errors = match app
        .record_pnc_contact(&caller, id, &contact, "person", state.today())
        .await
    {
        Ok(_) => return Ok(see_other(&format!("/mch/deliveries/{id}#pnc"))),
        Err(AppError::Invalid(fields)) => field_messages(auth.tr(), &fields),
        Err(other) => return Err(other.into()),
    };
    let record = app.delivery_record(&caller, id).await?;
    let page = delivery_page(&state, &auth, record, f, errors).await?;
    let mut response = render(&page)?;
    *response.status_mut() = FORM_ERROR;
    Ok(no_store(response))
}

/// A mother or baby on the postnatal list.
pub struct PncRow {
    pub delivery_id: String,
    pub label: String,
    pub name: String,
    pub delivered_on: String,
    pub day: i64,
    pub contact: String,
    pub window: String,
}

#[derive(Template)]
#[template(path = "mch_pnc_list.html")]
struct PncListPage {
    layout: Layout,
    facility: FacilityChoice,
    date: String,
    due: Vec<PncRow>,
    overdue: Vec<PncRow>,
}

/// A mother or live-born baby due or overdue for a postnatal contact.
pub struct PncEntry {
    pub delivery_id: Id,
    pub person_id: Id,
    /// `None` for the mother; the baby's position in the delivery otherwise.
    pub baby: Option<i64>,
    pub name: String,
    pub delivered_on: time::Date,
    pub status: haven_domain::mch::postnatal::PncStatus,
}

/// Who of these deliveries' people is due or overdue for a postnatal contact on a
/// day.
pub fn pnc_due_of(due: Vec<haven_app::mch::PncDelivery>, on: time::Date) -> Vec<PncEntry> {
    let mut entries = Vec::new();
    for PncDelivery {
        delivery: d,
        contacts,
        people,
    } in due
    {
        for (person_id, baby, name) in people {
            let days: Vec<time::Date> = contacts
                .iter()
                .filter(|c| c.person_id == person_id)
                .map(|c| c.contact_on)
                .collect();
            let status = pnc_status(d.delivered_on, &days, on);
            if matches!(status.state, PncState::Due | PncState::Overdue) {
                entries.push(PncEntry {
                    delivery_id: d.id,
                    person_id,
                    baby,
                    name,
                    delivered_on: d.delivered_on,
                    status,
                });
            }
        }
    }
    entries
}

/// Who is due and overdue for a postnatal contact at a facility on a day: the
/// mothers and live-born babies of its deliveries of the last 42 days.
pub async fn pnc_list(
    State(state): State<AppState>,
    auth: Authenticated,
    Query(query): Query<ListQuery>,
) -> Result<Response, WebError> {
    let tr = auth.tr();
    let on = query.day(&state);
    let facility = choose_facility(&state, &auth, &query.facility).await?;
    let (mut due, mut overdue) = (Vec::new(), Vec::new());
    if let Some(facility_id) = facility.id {
        for entry in pnc_due_of(
            state.app().pnc_due(&auth.caller(), facility_id, on).await?,
            on,
        ) {
            let row = PncRow {
                delivery_id: entry.delivery_id.to_string(),
                label: match entry.baby {
                    None => tr.t("mch-mother"),
                    Some(position) => tr.t1("mch-baby-number", "number", position),
                },
                name: entry.name,
                delivered_on: entry.delivered_on.to_string(),
                day: entry.status.day,
                contact: entry
                    .status
                    .contact
                    .map(|c| c.to_string())
                    .unwrap_or_default(),
                window: entry
                    .status
                    .window
                    .map(|(a, b)| format!("{a} – {b}"))
                    .unwrap_or_default(),
            };
            match entry.status.state {
                PncState::Due => due.push(row),
                _ => overdue.push(row),
            }
        }
    }
    let page = PncListPage {
        layout: Layout::new(&auth.visitor, "mch-pnc-title"),
        facility,
        date: on.to_string(),
        due,
        overdue,
    };
    render(&page).map(no_store)
}
