//! People pages: find a person (one box, both scripts, spelling variants), register
//! one (possible duplicates shown before saving), the person page with identifiers,
//! categories and relationships both ways, corrections with the version read,
//! death, merging two records and undoing it, and the printable identity card.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::{get, post, MethodRouter};
use axum::Form;
use haven_app::model::{
    Address, DuplicateProbe, Id, NewPerson, Person, PersonDetails, PersonIdentifier,
};
use haven_app::people::{refusals, ListedPerson, PeopleSearch, PersonRecord};
use haven_domain::person::{
    age_in_years, display_name, AgeBand, BirthDate, BirthDateInput, BirthDatePrecision, Category,
    Identifier, IdentifierKind, NameField, NameInput, PersonError, PersonNames, Phone,
    RelationshipKind, Sex,
};
use haven_domain::{Action, Kind};
use serde::Deserialize;
use time::Date;

use crate::auth::Authenticated;
use crate::error::{see_other, WebError};
use crate::extract::Ids;
use crate::i18n::Tr;
use crate::pages::audit::format_instant;
use crate::pages::places::place_name;
use crate::pages::staff::facility_options;
use crate::pages::{no_store, render, Layout, FORM_ERROR};
use crate::state::AppState;
use haven_app::AppError;

/// The page routes of this part, added to the router by `page_routes`.
pub fn routes() -> Vec<(&'static str, MethodRouter<AppState>)> {
    vec![
        ("/people", get(search)),
        ("/people/new", get(new_person).post(register)),
        ("/people/{person}", get(show)),
        ("/people/{person}/edit", get(edit).post(update)),
        ("/people/{person}/identifiers", post(add_identifier)),
        (
            "/people/{person}/identifiers/{identifier}/retire",
            post(retire_identifier),
        ),
        ("/people/{person}/categories", post(set_categories)),
        ("/people/{person}/relationships", post(add_relationship)),
        (
            "/people/{person}/relationships/{relationship}/end",
            post(end_relationship),
        ),
        ("/people/{person}/death", post(record_death)),
        ("/people/{person}/merge", get(merge_form).post(merge)),
        ("/people/{person}/merges/{merge}/undo", post(undo_merge)),
        ("/people/{person}/card", get(card)),
    ]
}

/// A person the user may change (`Write Person`), for a form's page: haven-app
/// answers 404 out of read reach, 403 out of write reach.
async fn writable_person(
    state: &AppState,
    auth: &Authenticated,
    id: Id,
) -> Result<Person, WebError> {
    Ok(state
        .app()
        .person_to_write(&auth.caller(), id, Kind::Person)
        .await?)
}

// ---------------------------------------------------------------------------
// Search

/// The search box and its filters, as typed.
#[derive(Debug, Default, Deserialize)]
pub struct SearchForm {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub facility: String,
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub sex: String,
    #[serde(default)]
    pub age_band: String,
    #[serde(default)]
    pub page: Option<i64>,
}

/// A person in a list.
pub struct PersonRow {
    pub id: String,
    pub name: String,
    pub sex: String,
    pub born: String,
    pub age: String,
    pub haven_number: String,
    pub died: bool,
}

#[derive(Template)]
#[template(path = "people.html")]
struct SearchPage {
    layout: Layout,
    form: SearchForm,
    searched: bool,
    rows: Vec<PersonRow>,
    facilities: Vec<(String, String)>,
    categories: Vec<(&'static str, String)>,
    sexes: Vec<(&'static str, String)>,
    age_bands: Vec<(&'static str, String)>,
    can_write: bool,
    page: i64,
    has_more: bool,
    export_query: String,
}

const PAGE_SIZE: i64 = 25;

pub fn category_options(tr: &Tr) -> Vec<(&'static str, String)> {
    Category::ALL
        .iter()
        .map(|c| (c.code(), tr.t(&c.label_key())))
        .collect()
}

fn sex_options(tr: &Tr) -> Vec<(&'static str, String)> {
    Sex::ALL
        .iter()
        .map(|s| (s.code(), tr.t(&s.label_key())))
        .collect()
}

fn age_band_options(tr: &Tr) -> Vec<(&'static str, String)> {
    AgeBand::ALL
        .iter()
        .map(|b| (b.code(), tr.t(&b.label_key())))
        .collect()
}

/// Turns the search form into a search (unknown filter values are ignored).
pub fn people_search(form: &SearchForm, today: Date, limit: i64) -> PeopleSearch {
    PeopleSearch {
        text: form.q.chars().take(200).collect(),
        facility: form.facility.parse().ok(),
        category: Category::parse(&form.category),
        sex: Sex::parse(&form.sex),
        age_band: AgeBand::parse(&form.age_band),
        today,
        limit,
        offset: (form.page.unwrap_or(1).clamp(1, 10_000) - 1) * limit,
    }
}

/// A row of a list of people.
pub fn person_row(tr: &Tr, listed: &ListedPerson, today: Date) -> PersonRow {
    let person = &listed.person;
    PersonRow {
        id: person.id.to_string(),
        name: person.display_name(),
        sex: tr.t(&person.sex().label_key()),
        born: birth_date_text(tr, &person.birth_date()),
        age: age_text(tr, person, today),
        haven_number: listed.haven_number.clone().unwrap_or_default(),
        died: person.is_dead(),
    }
}

pub async fn search(
    State(state): State<AppState>,
    auth: Authenticated,
    Query(form): Query<SearchForm>,
) -> Result<Response, WebError> {
    let caller = auth.caller();
    state.app().may_read_people(&caller)?;
    let tr = auth.tr().clone();
    let today = state.today();
    let searched = !form.q.trim().is_empty()
        || !form.facility.is_empty()
        || !form.category.is_empty()
        || !form.sex.is_empty()
        || !form.age_band.is_empty();
    let mut rows = Vec::new();
    let mut has_more = false;
    if searched {
        let search = people_search(&form, today, PAGE_SIZE + 1);
        let mut found = state.app().search_people(&caller, &search).await?;
        has_more = found.len() as i64 > PAGE_SIZE;
        found.truncate(PAGE_SIZE as usize);
        rows = found.iter().map(|p| person_row(&tr, p, today)).collect();
    }
    let export_query = form_urlencoded::Serializer::new(String::new())
        .append_pair("q", &form.q)
        .append_pair("facility", &form.facility)
        .append_pair("category", &form.category)
        .append_pair("sex", &form.sex)
        .append_pair("age_band", &form.age_band)
        .finish();
    let page = SearchPage {
        layout: Layout::new(&auth.visitor, "people-title"),
        searched,
        rows,
        facilities: facility_options(&state, &tr).await?,
        categories: category_options(&tr),
        sexes: sex_options(&tr),
        age_bands: age_band_options(&tr),
        can_write: auth.me.can(Action::Write, Kind::Person),
        page: form.page.unwrap_or(1).clamp(1, 10_000),
        has_more,
        export_query,
        form,
    };
    render(&page).map(no_store)
}

// ---------------------------------------------------------------------------
// Registration and correction

/// The person form as typed: registration and correction share it.
#[derive(Clone, Debug, Default)]
pub struct PersonForm {
    pub family_name_km: String,
    pub given_name_km: String,
    pub family_name_latin: String,
    pub given_name_latin: String,
    pub other_names: String,
    pub nicknames: String,
    pub sex: String,
    pub precision: String,
    pub year: String,
    pub month: String,
    pub day: String,
    pub age_years: String,
    pub age_months: String,
    pub phone: String,
    pub province_code: String,
    pub district: String,
    pub commune: String,
    pub village: String,
    pub facility: String,
    pub national_id: String,
    pub birth_certificate: String,
    pub sos_child_number: String,
    pub id_poor: String,
    pub categories: Vec<String>,
    pub version: String,
    /// The clerk has seen the possible duplicates and registers anyway.
    pub not_a_duplicate: bool,
}

impl PersonForm {
    /// Reads the fields from a form body; a repeated `category` field is a list.
    pub fn from_pairs(pairs: Vec<(String, String)>) -> PersonForm {
        let mut form = PersonForm::default();
        for (key, value) in pairs {
            let slot = match key.as_str() {
                "family_name_km" => &mut form.family_name_km,
                "given_name_km" => &mut form.given_name_km,
                "family_name_latin" => &mut form.family_name_latin,
                "given_name_latin" => &mut form.given_name_latin,
                "other_names" => &mut form.other_names,
                "nicknames" => &mut form.nicknames,
                "sex" => &mut form.sex,
                "precision" => &mut form.precision,
                "year" => &mut form.year,
                "month" => &mut form.month,
                "day" => &mut form.day,
                "age_years" => &mut form.age_years,
                "age_months" => &mut form.age_months,
                "phone" => &mut form.phone,
                "province_code" => &mut form.province_code,
                "district" => &mut form.district,
                "commune" => &mut form.commune,
                "village" => &mut form.village,
                "facility" => &mut form.facility,
                "national_id" => &mut form.national_id,
                "birth_certificate" => &mut form.birth_certificate,
                "sos_child_number" => &mut form.sos_child_number,
                "id_poor" => &mut form.id_poor,
                "version" => &mut form.version,
                "category" => {
                    form.categories.push(value);
                    continue;
                }
                "not_a_duplicate" => {
                    form.not_a_duplicate = !value.is_empty();
                    continue;
                }
                _ => continue,
            };
            *slot = value;
        }
        form
    }

    /// The form filled from a stored person, for a correction.
    fn of_person(person: &Person, categories: &[Category]) -> PersonForm {
        let born = person.birth_date();
        let date = born.date();
        PersonForm {
            family_name_km: person.family_name_km.clone(),
            given_name_km: person.given_name_km.clone(),
            family_name_latin: person.family_name_latin.clone(),
            given_name_latin: person.given_name_latin.clone(),
            other_names: person.other_names.clone(),
            nicknames: person.nicknames.clone(),
            sex: person.sex.clone(),
            // An estimate is shown as the year it stands for: the age it was made
            // from has moved on since.
            precision: match born.precision() {
                BirthDatePrecision::Estimated => "year".to_owned(),
                other => other.code().to_owned(),
            },
            year: date.year().to_string(),
            month: (date.month() as u8).to_string(),
            day: date.day().to_string(),
            phone: person.phone.clone(),
            province_code: person.province_code.clone(),
            district: person.district.clone(),
            commune: person.commune.clone(),
            village: person.village.clone(),
            facility: person
                .registered_facility_id
                .map(|id| id.to_string())
                .unwrap_or_default(),
            categories: categories.iter().map(|c| c.code().to_owned()).collect(),
            version: person.version.to_string(),
            ..PersonForm::default()
        }
    }

    pub fn has_category(&self, code: &&str) -> bool {
        self.categories.iter().any(|c| c == *code)
    }
}

/// A message at each wrong field of the person form.
#[derive(Debug, Default)]
pub struct PersonErrors {
    pub family_name_km: Option<String>,
    pub given_name_km: Option<String>,
    pub family_name_latin: Option<String>,
    pub given_name_latin: Option<String>,
    pub other_names: Option<String>,
    pub nicknames: Option<String>,
    pub sex: Option<String>,
    pub birth_date: Option<String>,
    pub phone: Option<String>,
    pub province_code: Option<String>,
    pub facility: Option<String>,
    pub national_id: Option<String>,
    pub birth_certificate: Option<String>,
    pub sos_child_number: Option<String>,
    pub id_poor: Option<String>,
    pub form: Option<String>,
}

impl PersonErrors {
    fn any(&self) -> bool {
        [
            &self.family_name_km,
            &self.given_name_km,
            &self.family_name_latin,
            &self.given_name_latin,
            &self.other_names,
            &self.nicknames,
            &self.sex,
            &self.birth_date,
            &self.phone,
            &self.province_code,
            &self.facility,
            &self.national_id,
            &self.birth_certificate,
            &self.sos_child_number,
            &self.id_poor,
            &self.form,
        ]
        .iter()
        .any(|e| e.is_some())
    }

    fn identifier_slot(&mut self, kind: IdentifierKind) -> &mut Option<String> {
        match kind {
            IdentifierKind::BirthCertificate => &mut self.birth_certificate,
            IdentifierKind::SosChildNumber => &mut self.sos_child_number,
            IdentifierKind::IdPoor => &mut self.id_poor,
            _ => &mut self.national_id,
        }
    }
}

/// The parsed form, or the errors at its fields.
struct ParsedPerson {
    details: PersonDetails,
    identifiers: Vec<Identifier>,
    categories: Vec<Category>,
}

const FORM_IDENTIFIERS: [IdentifierKind; 4] = [
    IdentifierKind::NationalId,
    IdentifierKind::BirthCertificate,
    IdentifierKind::SosChildNumber,
    IdentifierKind::IdPoor,
];

impl PersonForm {
    fn identifier_field(&self, kind: IdentifierKind) -> &str {
        match kind {
            IdentifierKind::BirthCertificate => &self.birth_certificate,
            IdentifierKind::SosChildNumber => &self.sos_child_number,
            IdentifierKind::IdPoor => &self.id_poor,
            _ => &self.national_id,
        }
    }
}

fn parse_person_form(
    form: &PersonForm,
    tr: &Tr,
    today: Date,
    facilities: &[(String, String)],
    errors: &mut PersonErrors,
) -> Option<ParsedPerson> {
    let names = PersonNames::parse(&NameInput {
        family_km: &form.family_name_km,
        given_km: &form.given_name_km,
        family_latin: &form.family_name_latin,
        given_latin: &form.given_name_latin,
        other_names: &form.other_names,
        nicknames: &form.nicknames,
    });
    let names = match names {
        Ok(names) => Some(names),
        Err(field_errors) => {
            for (field, error) in field_errors {
                let slot = match field {
                    NameField::FamilyKm => &mut errors.family_name_km,
                    NameField::GivenKm => &mut errors.given_name_km,
                    NameField::FamilyLatin => &mut errors.family_name_latin,
                    NameField::GivenLatin => &mut errors.given_name_latin,
                    NameField::OtherNames => &mut errors.other_names,
                    NameField::Nicknames => &mut errors.nicknames,
                };
                slot.get_or_insert_with(|| tr.t(error.code()));
            }
            None
        }
    };
    let sex = Sex::parse(&form.sex);
    if sex.is_none() {
        errors.sex = Some(tr.t(PersonError::SexRequired.code()));
    }
    let birth_date = BirthDate::parse(
        &BirthDateInput {
            precision: &form.precision,
            year: &form.year,
            month: &form.month,
            day: &form.day,
            age_years: &form.age_years,
            age_months: &form.age_months,
        },
        today,
    )
    .map_err(|e| errors.birth_date = Some(tr.t(e.code())))
    .ok();
    let phone = Phone::parse(&form.phone)
        .map_err(|e| errors.phone = Some(tr.t(e.code())))
        .ok();
    let province = form.province_code.trim().to_owned();
    if !province.is_empty() && !crate::pages::people::is_province(&province) {
        errors.province_code = Some(tr.t("person-error-province"));
    }
    let facility = form.facility.trim();
    let registered_facility = if facility.is_empty() {
        None
    } else if facilities.iter().any(|(id, _)| id == facility) {
        facility.parse().ok()
    } else {
        errors.facility = Some(tr.t("person-error-facility"));
        None
    };
    let mut identifiers = Vec::new();
    for kind in FORM_IDENTIFIERS {
        let raw = form.identifier_field(kind);
        if raw.trim().is_empty() {
            continue;
        }
        match Identifier::parse(kind, raw) {
            Ok(identifier) => identifiers.push(identifier),
            Err(e) => *errors.identifier_slot(kind) = Some(tr.t(e.code())),
        }
    }
    let categories: Vec<Category> = form
        .categories
        .iter()
        .filter_map(|c| Category::parse(c))
        .collect();
    let (Some(names), Some(sex), Some(birth_date), Some(phone)) = (names, sex, birth_date, phone)
    else {
        return None;
    };
    if errors.any() {
        return None;
    }
    Some(ParsedPerson {
        details: PersonDetails {
            names,
            sex,
            birth_date,
            phone,
            address: Address {
                province_code: province,
                district: clean(&form.district),
                commune: clean(&form.commune),
                village: clean(&form.village),
            },
            registered_facility,
        },
        identifiers,
        categories,
    })
}

fn clean(raw: &str) -> String {
    haven_domain::text::normalise(raw)
        .chars()
        .take(100)
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// True when `code` is one of Cambodia's provinces.
pub fn is_province(code: &str) -> bool {
    haven_domain::places::Province::find(code).is_some()
}

/// The provinces for a select: code and name in the reader's language.
pub fn province_options(tr: &Tr) -> Vec<(String, String)> {
    haven_domain::places::Province::all()
        .iter()
        .map(|p| {
            let name = match tr.language() {
                haven_domain::Language::Khmer => p.name_km(),
                _ => p.name_en(),
            };
            (p.code().to_owned(), name.to_owned())
        })
        .collect()
}

/// A possible duplicate shown before saving.
pub struct DuplicateRow {
    pub id: String,
    pub name: String,
    pub born: String,
    pub haven_number: String,
}

#[derive(Template)]
#[template(path = "person_form.html")]
struct PersonFormPage {
    layout: Layout,
    form: PersonForm,
    errors: PersonErrors,
    /// `None` when registering; the person's id when correcting.
    person_id: Option<String>,
    duplicates: Vec<DuplicateRow>,
    facilities: Vec<(String, String)>,
    provinces: Vec<(String, String)>,
    categories: Vec<(&'static str, String)>,
    sexes: Vec<(&'static str, String)>,
    precisions: Vec<(&'static str, String)>,
}

async fn form_page(
    state: &AppState,
    auth: &Authenticated,
    form: PersonForm,
    errors: PersonErrors,
    person_id: Option<String>,
    duplicates: Vec<DuplicateRow>,
) -> Result<PersonFormPage, WebError> {
    let tr = auth.tr();
    Ok(PersonFormPage {
        layout: Layout::new(
            &auth.visitor,
            if person_id.is_some() {
                "person-edit-title"
            } else {
                "person-new-title"
            },
        ),
        form,
        errors,
        person_id,
        duplicates,
        facilities: facility_options(state, tr).await?,
        provinces: province_options(tr),
        categories: category_options(tr),
        sexes: sex_options(tr),
        precisions: BirthDatePrecision::ALL
            .iter()
            .map(|p| (p.code(), tr.t(&p.label_key())))
            .collect(),
    })
}

pub async fn new_person(
    State(state): State<AppState>,
    auth: Authenticated,
) -> Result<Response, WebError> {
    state.app().may_register_people(&auth.caller())?;
    let form = PersonForm {
        precision: "exact".to_owned(),
        ..PersonForm::default()
    };
    let page = form_page(
        &state,
        &auth,
        form,
        PersonErrors::default(),
        None,
        Vec::new(),
    )
    .await?;
    render(&page).map(no_store)
}

fn with_status(response: Result<Response, WebError>) -> Result<Response, WebError> {
    response.map(|mut r| {
        *r.status_mut() = FORM_ERROR;
        no_store(r)
    })
}

pub async fn register(
    State(state): State<AppState>,
    auth: Authenticated,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let caller = auth.caller();
    state.app().may_register_people(&caller)?;
    let tr = auth.tr().clone();
    let form = PersonForm::from_pairs(pairs);
    let mut errors = PersonErrors::default();
    let facilities = facility_options(&state, &tr).await?;
    let Some(parsed) = parse_person_form(&form, &tr, state.today(), &facilities, &mut errors)
    else {
        let page = form_page(&state, &auth, form, errors, None, Vec::new()).await?;
        return with_status(render(&page));
    };
    // A facility beyond the user's write scope is refused at its field.
    match state
        .app()
        .may_place(&caller, parsed.details.registered_facility)
        .await
    {
        Ok(()) => {}
        Err(AppError::ScopeBeyondYours) => {
            errors.facility = Some(tr.t("person-error-facility-beyond-yours"));
        }
        Err(other) => return Err(other.into()),
    }
    // An identifier someone holds is refused at its field, before anything else.
    let new = NewPerson {
        details: parsed.details,
        identifiers: parsed.identifiers.into_iter().map(|i| (i, None)).collect(),
        categories: parsed.categories,
    };
    let conflicts = state
        .app()
        .registration_conflicts(&caller, &new, None)
        .await?;
    for index in conflicts.taken_identifiers {
        if let Some((identifier, _)) = new.identifiers.get(index) {
            *errors.identifier_slot(identifier.kind()) =
                Some(tr.t("person-error-identifier-taken"));
        }
    }
    if errors.any() {
        let page = form_page(&state, &auth, form, errors, None, Vec::new()).await?;
        return with_status(render(&page));
    }
    if !form.not_a_duplicate {
        let probe = DuplicateProbe {
            names: new.details.names.clone(),
            birth_date: Some(new.details.birth_date.date()),
            identifier_keys: new
                .identifiers
                .iter()
                .map(|(i, _)| i.key().to_owned())
                .collect(),
            exclude: None,
        };
        let found = state.app().possible_duplicates(&caller, &probe).await?;
        if !found.is_empty() {
            let duplicates = found.iter().map(|p| duplicate_row(&tr, p)).collect();
            let page = form_page(&state, &auth, form, errors, None, duplicates).await?;
            return render(&page).map(no_store);
        }
    }
    match state.app().register_person(&caller, &new).await {
        Ok(person) => Ok(see_other(&format!("/people/{}?registered=1", person.id))),
        Err(AppError::Duplicate { .. }) => {
            errors.form = Some(tr.t("person-error-identifier-taken"));
            let page = form_page(&state, &auth, form, errors, None, Vec::new()).await?;
            with_status(render(&page))
        }
        Err(AppError::ScopeBeyondYours) => {
            errors.facility = Some(tr.t("person-error-facility-beyond-yours"));
            let page = form_page(&state, &auth, form, errors, None, Vec::new()).await?;
            with_status(render(&page))
        }
        Err(other) => Err(other.into()),
    }
}

fn duplicate_row(tr: &Tr, listed: &ListedPerson) -> DuplicateRow {
    let p = &listed.person;
    DuplicateRow {
        id: p.id.to_string(),
        name: p.display_name(),
        born: birth_date_text(tr, &p.birth_date()),
        haven_number: listed.haven_number.clone().unwrap_or_default(),
    }
}

pub async fn edit(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(person): Ids<Id>,
) -> Result<Response, WebError> {
    let (person, categories) = state.app().person_to_edit(&auth.caller(), person).await?;
    if let Some(survivor) = person.merged_into {
        return Ok(see_other(&format!("/people/{survivor}/edit")));
    }
    let form = PersonForm::of_person(&person, &categories);
    let page = form_page(
        &state,
        &auth,
        form,
        PersonErrors::default(),
        Some(person.id.to_string()),
        Vec::new(),
    )
    .await?;
    render(&page).map(no_store)
}

pub async fn update(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(person): Ids<Id>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let person = writable_person(&state, &auth, person).await?;
    let tr = auth.tr().clone();
    let form = PersonForm::from_pairs(pairs);
    let mut errors = PersonErrors::default();
    let facilities = facility_options(&state, &tr).await?;
    let id = Some(person.id.to_string());
    let Some(parsed) = parse_person_form(&form, &tr, state.today(), &facilities, &mut errors)
    else {
        let page = form_page(&state, &auth, form, errors, id, Vec::new()).await?;
        return with_status(render(&page));
    };
    let version: i64 = form.version.trim().parse().unwrap_or(-1);
    match state
        .app()
        .update_person(
            &auth.caller(),
            person.id,
            version,
            &parsed.details,
            Some(&parsed.categories),
        )
        .await
    {
        Ok(_) => Ok(see_other(&format!("/people/{}?saved=1", person.id))),
        Err(AppError::Conflict { .. }) => {
            errors.form = Some(tr.t("person-error-conflict"));
            let page = form_page(&state, &auth, form, errors, id, Vec::new()).await?;
            let mut response = render(&page)?;
            *response.status_mut() = axum::http::StatusCode::CONFLICT;
            Ok(no_store(response))
        }
        Err(AppError::ScopeBeyondYours) => {
            errors.facility = Some(tr.t("person-error-facility-beyond-yours"));
            let page = form_page(&state, &auth, form, errors, id, Vec::new()).await?;
            with_status(render(&page))
        }
        Err(other) => Err(other.into()),
    }
}

// ---------------------------------------------------------------------------
// The person page

/// An identifier on the person page.
pub struct IdentifierRow {
    pub id: String,
    pub kind: String,
    pub value: String,
    pub version: i64,
    pub retirable: bool,
}

/// A relationship on the person page.
pub struct RelationshipRow {
    pub id: String,
    pub label: String,
    pub other_id: String,
    pub other_name: String,
    pub version: i64,
}

/// A merge on the person page.
pub struct MergeRow {
    pub id: String,
    pub other_id: String,
    pub other_name: String,
    pub this_survived: bool,
    pub when: String,
    pub reason: String,
    pub undone: bool,
    pub version: i64,
}

/// The small forms of the person page, as typed, with their errors.
#[derive(Debug, Default)]
pub struct PersonPageForms {
    pub identifier_kind: String,
    pub identifier_value: String,
    pub identifier_error: Option<String>,
    pub relationship_kind: String,
    pub relationship_other: String,
    pub relationship_error: Option<String>,
    pub death_date: String,
    pub death_cause: String,
    pub death_error: Option<String>,
    pub notice: Option<String>,
}

#[derive(Template)]
#[template(path = "person.html")]
struct PersonPage {
    layout: Layout,
    person: Person,
    name: String,
    sex: String,
    born: String,
    age: String,
    province: String,
    facility: String,
    died_on: String,
    haven_number: String,
    identifiers: Vec<IdentifierRow>,
    relationships: Vec<RelationshipRow>,
    categories: Vec<String>,
    category_choices: Vec<(&'static str, String, bool)>,
    merges: Vec<MergeRow>,
    merged_records: usize,
    forms: PersonPageForms,
    identifier_kinds: Vec<(&'static str, String)>,
    relationship_kinds: Vec<(&'static str, String)>,
    can_write: bool,
    can_merge: bool,
    can_staff: bool,
    /// The person's staff record, for readers of staff.
    staff_id: Option<String>,
    /// Links to the person's mother-and-child records (href, label).
    mch_summary: Vec<(String, String)>,
    /// The person's care page, or the way to admit them (care part): href and label.
    care_link: Option<(String, String)>,
    /// Growth monitoring's summary (pages/growth), for readers of clinical records.
    growth: Option<crate::pages::growth::GrowthSummary>,
    /// The clinic's part of the summary: chart, check-in, current stay.
    clinic_summary: crate::pages::clinic::chart::PersonSummary,
}

async fn person_page(
    state: &AppState,
    auth: &Authenticated,
    record: PersonRecord,
    forms: PersonPageForms,
) -> Result<PersonPage, WebError> {
    let tr = auth.tr();
    let today = state.today();
    let haven_number = record.haven_number().unwrap_or_default().to_owned();
    let identifier_rows = record
        .identifiers
        .iter()
        .map(|i| IdentifierRow {
            id: i.id.to_string(),
            kind: i
                .kind()
                .map(|k| tr.t(&k.label_key()))
                .unwrap_or_else(|| i.kind.clone()),
            value: i.value.clone(),
            version: i.version,
            retirable: i.kind() != Some(IdentifierKind::Haven),
        })
        .collect();
    let relationships = record
        .relationships
        .iter()
        .map(|r| RelationshipRow {
            id: r.id.to_string(),
            label: if r.inverse {
                tr.t(r.kind.inverse_label_key())
            } else {
                tr.t(&r.kind.label_key())
            },
            other_id: r.other_id.to_string(),
            other_name: r.other_name.clone(),
            version: r.version,
        })
        .collect();
    let categories = &record.categories;
    let merges = record
        .merges
        .iter()
        .map(|seen| MergeRow {
            id: seen.merge.id.to_string(),
            other_id: seen.other_id.to_string(),
            other_name: seen.other_name.clone(),
            this_survived: seen.this_survived,
            when: format_instant(&seen.merge.created_at, state.config().time_offset),
            reason: seen.merge.reason.clone(),
            undone: seen.merge.undone_at.is_some(),
            version: seen.merge.version,
        })
        .collect();
    let facility = record
        .facility
        .as_ref()
        .map(|f| place_name(tr, &f.name, &f.name_km))
        .unwrap_or_default();
    let person = record.person;
    let province = province_options(tr)
        .into_iter()
        .find(|(code, _)| *code == person.province_code)
        .map(|(_, name)| name)
        .unwrap_or_default();
    Ok(PersonPage {
        layout: Layout::new(&auth.visitor, "person-title"),
        name: person.display_name(),
        sex: tr.t(&person.sex().label_key()),
        born: birth_date_text(tr, &person.birth_date()),
        age: age_text(tr, &person, today),
        province,
        facility,
        died_on: person.died_on.map(|d| d.to_string()).unwrap_or_default(),
        haven_number,
        identifiers: identifier_rows,
        relationships,
        category_choices: Category::ALL
            .iter()
            .map(|c| (c.code(), tr.t(&c.label_key()), categories.contains(c)))
            .collect(),
        categories: categories.iter().map(|c| tr.t(&c.label_key())).collect(),
        merges,
        merged_records: record.records.len() - 1,
        forms,
        identifier_kinds: IdentifierKind::ALL
            .iter()
            .filter(|k| **k != IdentifierKind::Haven)
            .map(|k| (k.code(), tr.t(&k.label_key())))
            .collect(),
        relationship_kinds: RelationshipKind::ALL
            .iter()
            .map(|k| (k.code(), tr.t(&k.label_key())))
            .collect(),
        can_write: auth.me.can(Action::Write, Kind::Person),
        can_merge: auth.me.can(Action::Write, Kind::PersonMerge),
        can_staff: auth.me.can(Action::Write, Kind::Staff),
        staff_id: record.staff_member.map(|id| id.to_string()),
        // Mother and child health: links only, kept apart for the merge.
        mch_summary: crate::pages::mch::person_summary(state, auth, &person).await?,
        care_link: crate::pages::care::care_link_of_person(state, auth, &person).await?,
        growth: crate::pages::growth::person_summary(state, auth, &person).await?,
        clinic_summary: crate::pages::clinic::chart::person_summary(state, auth, &person).await?,
        person,
    })
}

#[derive(Debug, Default, Deserialize)]
pub struct ShowQuery {
    #[serde(default)]
    registered: Option<String>,
    #[serde(default)]
    saved: Option<String>,
    #[serde(default)]
    from: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(person): Ids<Id>,
    Query(query): Query<ShowQuery>,
) -> Result<Response, WebError> {
    let caller = auth.caller();
    if let Some(survivor) = state.app().merged_survivor(&caller, person).await? {
        return Ok(see_other(&format!("/people/{survivor}?from={person}")));
    }
    let tr = auth.tr();
    let record = state.app().read_person(&caller, person).await?;
    let notice = if query.registered.is_some() {
        Some(tr.t("person-registered"))
    } else if query.saved.is_some() {
        Some(tr.t("person-saved"))
    } else if query.from.is_some() {
        Some(tr.t("person-merged-notice"))
    } else {
        None
    };
    let forms = PersonPageForms {
        notice,
        ..PersonPageForms::default()
    };
    let page = person_page(&state, &auth, record, forms).await?;
    render(&page).map(no_store)
}

/// The person page again, with a small form's errors (its read is not audited
/// again).
async fn page_with_errors(
    state: &AppState,
    auth: &Authenticated,
    person: Id,
    forms: PersonPageForms,
) -> Result<Response, WebError> {
    let record = state.app().person_record(&auth.caller(), person).await?;
    let page = person_page(state, auth, record, forms).await?;
    with_status(render(&page))
}

#[derive(Debug, Default, Deserialize)]
pub struct IdentifierForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    value: String,
}

pub async fn add_identifier(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(person): Ids<Id>,
    Form(form): Form<IdentifierForm>,
) -> Result<Response, WebError> {
    let person = writable_person(&state, &auth, person).await?.id;
    let tr = auth.tr().clone();
    let mut forms = PersonPageForms {
        identifier_kind: form.kind.clone(),
        identifier_value: form.value.clone(),
        ..PersonPageForms::default()
    };
    let kind = IdentifierKind::parse(&form.kind).filter(|k| *k != IdentifierKind::Haven);
    let Some(kind) = kind else {
        forms.identifier_error = Some(tr.t("person-error-identifier-kind"));
        return page_with_errors(&state, &auth, person, forms).await;
    };
    let identifier = match Identifier::parse(kind, &form.value) {
        Ok(identifier) => identifier,
        Err(e) => {
            forms.identifier_error = Some(tr.t(e.code()));
            return page_with_errors(&state, &auth, person, forms).await;
        }
    };
    match state
        .app()
        .add_identifier(&auth.caller(), person, &identifier)
        .await
    {
        Ok(()) => Ok(see_other(&format!("/people/{person}"))),
        Err(AppError::Duplicate { .. }) => {
            forms.identifier_error = Some(tr.t("person-error-identifier-taken"));
            page_with_errors(&state, &auth, person, forms).await
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct VersionForm {
    #[serde(default)]
    version: String,
}

impl VersionForm {
    /// The version read; one no record has when the field is not a number.
    fn version(&self) -> i64 {
        self.version.trim().parse().unwrap_or(-1)
    }
}

pub async fn retire_identifier(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids((person, identifier)): Ids<(Id, Id)>,
    Form(form): Form<VersionForm>,
) -> Result<Response, WebError> {
    state
        .app()
        .retire_identifier(&auth.caller(), person, identifier, form.version())
        .await?;
    Ok(see_other(&format!("/people/{person}")))
}

pub async fn set_categories(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(person): Ids<Id>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let categories: Vec<Category> = pairs
        .iter()
        .filter(|(k, _)| k == "category")
        .filter_map(|(_, v)| Category::parse(v))
        .collect();
    state
        .app()
        .set_person_categories(&auth.caller(), person, &categories)
        .await?;
    Ok(see_other(&format!("/people/{person}")))
}

#[derive(Debug, Default, Deserialize)]
pub struct RelationshipForm {
    #[serde(default)]
    kind: String,
    /// The other person's Haven number or another identifier of theirs.
    #[serde(default)]
    other: String,
}

pub async fn add_relationship(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(person): Ids<Id>,
    Form(form): Form<RelationshipForm>,
) -> Result<Response, WebError> {
    let person = writable_person(&state, &auth, person).await?.id;
    let tr = auth.tr().clone();
    let mut forms = PersonPageForms {
        relationship_kind: form.kind.clone(),
        relationship_other: form.other.clone(),
        ..PersonPageForms::default()
    };
    let Some(kind) = RelationshipKind::parse(&form.kind) else {
        forms.relationship_error = Some(tr.t("person-error-relationship-kind"));
        return page_with_errors(&state, &auth, person, forms).await;
    };
    match state
        .app()
        .add_relationship(&auth.caller(), person, kind, &form.other)
        .await
    {
        Ok(_) => Ok(see_other(&format!("/people/{person}"))),
        Err(AppError::Invalid(fields)) => {
            forms.relationship_error = fields.first().map(|f| tr.t(f.code));
            page_with_errors(&state, &auth, person, forms).await
        }
        Err(other) => Err(other.into()),
    }
}

pub async fn end_relationship(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids((person, relationship)): Ids<(Id, Id)>,
    Form(form): Form<VersionForm>,
) -> Result<Response, WebError> {
    state
        .app()
        .end_relationship(&auth.caller(), person, relationship, form.version())
        .await?;
    Ok(see_other(&format!("/people/{person}")))
}

#[derive(Debug, Default, Deserialize)]
pub struct DeathForm {
    #[serde(default)]
    died_on: String,
    #[serde(default)]
    cause: String,
    #[serde(default)]
    version: String,
}

pub async fn record_death(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(person): Ids<Id>,
    Form(form): Form<DeathForm>,
) -> Result<Response, WebError> {
    let person = writable_person(&state, &auth, person).await?.id;
    let tr = auth.tr().clone();
    let mut forms = PersonPageForms {
        death_date: form.died_on.clone(),
        death_cause: form.cause.clone(),
        ..PersonPageForms::default()
    };
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let Ok(died_on) = Date::parse(form.died_on.trim(), &format) else {
        forms.death_error = Some(tr.t(PersonError::BirthDateNoSuchDay.code()));
        return page_with_errors(&state, &auth, person, forms).await;
    };
    let version = form.version.trim().parse().unwrap_or(-1);
    match state
        .app()
        .record_death(
            &auth.caller(),
            person,
            version,
            died_on,
            &clean(&form.cause),
            state.today(),
        )
        .await
    {
        Ok(_) => Ok(see_other(&format!("/people/{person}"))),
        Err(AppError::Invalid(fields)) => {
            forms.death_error = fields.first().map(|f| tr.t(f.code));
            page_with_errors(&state, &auth, person, forms).await
        }
        Err(AppError::Conflict { .. }) => {
            forms.death_error = Some(tr.t("person-error-conflict"));
            page_with_errors(&state, &auth, person, forms).await
        }
        Err(other) => Err(other.into()),
    }
}

// ---------------------------------------------------------------------------
// Merging

#[derive(Debug, Default, Deserialize)]
pub struct MergeForm {
    /// The other record: its Haven number or another identifier.
    #[serde(default)]
    other: String,
    #[serde(default)]
    reason: String,
    /// Set on the confirmation step.
    #[serde(default)]
    confirm: String,
}

/// One side of a merge, side by side with the other.
pub struct MergeSide {
    pub id: String,
    pub name: String,
    pub sex: String,
    pub born: String,
    pub identifiers: Vec<String>,
}

#[derive(Template)]
#[template(path = "person_merge.html")]
struct MergePage {
    layout: Layout,
    person_id: String,
    form: MergeForm,
    error: Option<String>,
    /// The record kept, then the one merged into it; empty before the comparison.
    sides: Vec<MergeSide>,
}

fn merge_side(tr: &Tr, person: &Person, identifiers: &[PersonIdentifier]) -> MergeSide {
    MergeSide {
        id: person.id.to_string(),
        name: person.display_name(),
        sex: tr.t(&person.sex().label_key()),
        born: birth_date_text(tr, &person.birth_date()),
        identifiers: identifiers
            .iter()
            .map(|i| {
                let kind = i
                    .kind()
                    .map(|k| tr.t(&k.label_key()))
                    .unwrap_or_else(|| i.kind.clone());
                format!("{kind}: {}", i.value)
            })
            .collect(),
    }
}

pub async fn merge_form(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(person): Ids<Id>,
    Query(form): Query<MergeForm>,
) -> Result<Response, WebError> {
    let person = state
        .app()
        .person_to_merge_into(&auth.caller(), person)
        .await?;
    let page = MergePage {
        layout: Layout::new(&auth.visitor, "merge-title"),
        person_id: person.id.to_string(),
        form,
        error: None,
        sides: Vec::new(),
    };
    render(&page).map(no_store)
}

pub async fn merge(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(person): Ids<Id>,
    Form(form): Form<MergeForm>,
) -> Result<Response, WebError> {
    let caller = auth.caller();
    let tr = auth.tr().clone();
    let mut page = MergePage {
        layout: Layout::new(&auth.visitor, "merge-title"),
        person_id: person.to_string(),
        error: None,
        sides: Vec::new(),
        form,
    };
    if page.form.confirm.is_empty() {
        match state
            .app()
            .merge_candidates(&caller, person, &page.form.other)
            .await
        {
            Ok(pair) => {
                page.sides = vec![
                    merge_side(&tr, &pair.kept.0, &pair.kept.1),
                    merge_side(&tr, &pair.merged.0, &pair.merged.1),
                ];
                return render(&page).map(no_store);
            }
            Err(error) => return merge_refused(page, &tr, error),
        }
    }
    let reason = clean(&page.form.reason);
    match state
        .app()
        .merge_people(&caller, person, &page.form.other, &reason)
        .await
    {
        Ok(_) => Ok(see_other(&format!("/people/{person}"))),
        Err(error) => merge_refused(page, &tr, error),
    }
}

/// The merge form again with the rule the merge broke, or the error's own page.
fn merge_refused(mut page: MergePage, tr: &Tr, error: AppError) -> Result<Response, WebError> {
    let code = match error {
        AppError::Refused(
            code @ (refusals::ALREADY_MERGED | refusals::OTHER_NOT_FOUND | refusals::MERGE_SAME),
        ) => code,
        AppError::Conflict { .. } => "person-error-conflict",
        other => return Err(other.into()),
    };
    page.error = Some(tr.t(code));
    with_status(render(&page))
}

pub async fn undo_merge(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids((person, merge)): Ids<(Id, Id)>,
    Form(form): Form<VersionForm>,
) -> Result<Response, WebError> {
    state
        .app()
        .undo_merge(&auth.caller(), person, merge, form.version())
        .await?;
    Ok(see_other(&format!("/people/{person}")))
}

// ---------------------------------------------------------------------------
// The identity card

#[derive(Template)]
#[template(path = "person_card.html")]
struct CardPage {
    layout: Layout,
    person_id: String,
    name_km: String,
    name_latin: String,
    sex: String,
    born: String,
    haven_number: String,
    qr_svg: String,
}

pub async fn card(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(person): Ids<Id>,
) -> Result<Response, WebError> {
    let caller = auth.caller();
    let person = state.app().person_to_read(&caller, person).await?;
    if let Some(survivor) = person.merged_into {
        return Ok(see_other(&format!("/people/{survivor}/card")));
    }
    let tr = auth.tr();
    let card = state.app().print_person_card(&caller, person.id).await?;
    let (person, haven_number) = (card.person, card.haven_number);
    let qr_svg = qr_svg(&haven_number);
    let page = CardPage {
        layout: Layout::new(&auth.visitor, "card-title"),
        person_id: person.id.to_string(),
        name_km: display_name(&person.family_name_km, &person.given_name_km, "", ""),
        name_latin: display_name("", "", &person.family_name_latin, &person.given_name_latin),
        sex: tr.t(&person.sex().label_key()),
        born: birth_date_text(tr, &person.birth_date()),
        haven_number,
        qr_svg,
    };
    render(&page).map(no_store)
}

/// The Haven number as a QR code, an SVG drawn on the server.
pub fn qr_svg(number: &str) -> String {
    let digits: String = number.chars().filter(char::is_ascii_digit).collect();
    match qrcode::QrCode::with_error_correction_level(digits.as_bytes(), qrcode::EcLevel::M) {
        Ok(code) => code
            .render::<qrcode::render::svg::Color<'_>>()
            .min_dimensions(160, 160)
            .quiet_zone(true)
            .build(),
        Err(_) => String::new(),
    }
}

// ---------------------------------------------------------------------------
// Shared wording

/// The date of birth as much as it is known: "4 March 2019", "March 2019", "2019",
/// or "about 2019" for an estimate.
pub fn birth_date_text(tr: &Tr, born: &BirthDate) -> String {
    let date = born.date();
    let month = tr.t(&format!("month-{}", date.month() as u8));
    match born.precision() {
        BirthDatePrecision::Exact => format!("{} {month} {}", date.day(), date.year()),
        BirthDatePrecision::Month => format!("{month} {}", date.year()),
        BirthDatePrecision::Year => date.year().to_string(),
        BirthDatePrecision::Estimated => tr.t1("person-born-about", "year", date.year()),
    }
}

/// The age today: years, or months for a baby; "died" for the dead.
pub fn age_text(tr: &Tr, person: &Person, today: Date) -> String {
    let until = person.died_on.unwrap_or(today);
    let years = age_in_years(person.birth_date, until);
    if years >= 2 {
        tr.t1("person-age-years", "years", years)
    } else {
        let months = (until.year() - person.birth_date.year()) * 12
            + (until.month() as i32 - person.birth_date.month() as i32)
            - i32::from(until.day() < person.birth_date.day());
        tr.t1("person-age-months", "months", months.max(0))
    }
}
