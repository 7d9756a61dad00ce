//! Places pages: the programme locations by province, a page per programme and per
//! facility (wards, beds, staff, people served), their forms, and the programme
//! locations CSV. Reading needs Read Place; the forms need Write Place.

use std::collections::{BTreeMap, HashMap};

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use axum::routing::{get, post, MethodRouter};
use axum::Form;
use haven_app::model::{Facility, Id, Programme};
use haven_app::AppError;
use haven_domain::places::{
    FacilityDetails, FacilityInput, FacilityKind, PlaceField, PlaceName, ProgrammeDetails,
    ProgrammeInput, Province,
};
use haven_domain::Language;
use serde::Deserialize;
use time::Date;

use crate::auth::Authenticated;
use crate::error::{see_other, WebError};
use crate::export::csv_response;
use crate::extract::Ids;
use crate::i18n::Tr;
use crate::pages::{respond, Layout, FORM_ERROR};
use crate::state::AppState;

/// The page routes of this part, added to the router by `page_routes`.
pub fn routes() -> Vec<(&'static str, MethodRouter<AppState>)> {
    vec![
        ("/places", get(list)),
        ("/places/export.csv", get(export)),
        ("/places/programmes", post(create_programme)),
        (
            "/places/programmes/{programme}",
            get(show_programme).post(update_programme),
        ),
        (
            "/places/programmes/{programme}/facilities",
            post(create_facility),
        ),
        (
            "/places/facilities/{facility}",
            get(show_facility).post(update_facility),
        ),
        ("/places/facilities/{facility}/wards", post(create_ward)),
        ("/places/facilities/{facility}/beds", post(create_bed)),
        (
            "/places/facilities/{facility}/beds/{bed}/close",
            post(close_bed),
        ),
    ]
}

pub use crate::form::FieldMessages;

/// A place's name in the reader's language: the Khmer name for Khmer readers where
/// there is one.
pub fn place_name(tr: &Tr, name: &str, name_km: &str) -> String {
    if tr.language() == Language::Khmer && !name_km.is_empty() {
        name_km.to_owned()
    } else {
        name.to_owned()
    }
}

pub fn province_name(tr: &Tr, code: &str) -> String {
    match Province::find(code) {
        Some(p) if tr.language() == Language::Khmer => p.name_km().to_owned(),
        Some(p) => p.name_en().to_owned(),
        None => code.to_owned(),
    }
}

pub fn kind_label(tr: &Tr, code: &str) -> String {
    FacilityKind::parse(code)
        .map(|kind| tr.t(&kind.label_key()))
        .unwrap_or_else(|| code.to_owned())
}

fn date_text(date: Option<Date>) -> String {
    date.map(|d| d.to_string()).unwrap_or_default()
}

/// The programme form as typed.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ProgrammeForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub name_km: String,
    #[serde(default)]
    pub province: String,
    #[serde(default)]
    pub district: String,
    #[serde(default)]
    pub commune: String,
    #[serde(default)]
    pub village: String,
    #[serde(default)]
    pub latitude: String,
    #[serde(default)]
    pub longitude: String,
    #[serde(default)]
    pub version: String,
}

impl ProgrammeForm {
    fn of(p: &Programme) -> ProgrammeForm {
        ProgrammeForm {
            name: p.name.clone(),
            name_km: p.name_km.clone(),
            province: p.province_code.clone(),
            district: p.district.clone(),
            commune: p.commune.clone(),
            village: p.village.clone(),
            latitude: p.latitude.map(|v| v.to_string()).unwrap_or_default(),
            longitude: p.longitude.map(|v| v.to_string()).unwrap_or_default(),
            version: p.version.to_string(),
        }
    }

    fn parse(&self, tr: &Tr) -> Result<ProgrammeDetails, FieldMessages> {
        ProgrammeDetails::parse(&ProgrammeInput {
            name: &self.name,
            name_km: &self.name_km,
            province: &self.province,
            district: &self.district,
            commune: &self.commune,
            village: &self.village,
            latitude: &self.latitude,
            longitude: &self.longitude,
        })
        .map_err(|errors| place_messages(tr, errors))
    }
}

/// The facility form as typed.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct FacilityForm {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub name_km: String,
    #[serde(default)]
    pub opened_on: String,
    #[serde(default)]
    pub catchment_population: String,
    #[serde(default)]
    pub version: String,
}

impl FacilityForm {
    fn of(f: &Facility) -> FacilityForm {
        FacilityForm {
            kind: f.kind.clone(),
            name: f.name.clone(),
            name_km: f.name_km.clone(),
            opened_on: date_text(f.opened_on),
            catchment_population: f
                .catchment_population
                .map(|n| n.to_string())
                .unwrap_or_default(),
            version: f.version.to_string(),
        }
    }

    fn parse(&self, tr: &Tr, today: Date) -> Result<FacilityDetails, FieldMessages> {
        FacilityDetails::parse(
            &FacilityInput {
                kind: &self.kind,
                name: &self.name,
                name_km: &self.name_km,
                opened_on: &self.opened_on,
                catchment_population: &self.catchment_population,
            },
            today,
        )
        .map_err(|errors| place_messages(tr, errors))
    }
}

fn place_messages(
    tr: &Tr,
    errors: Vec<(PlaceField, haven_domain::places::PlaceError)>,
) -> FieldMessages {
    let mut messages = FieldMessages::default();
    for (field, error) in errors {
        messages.set(field.name(), tr.t(error.code()));
    }
    messages
}

/// A version as sent back by a form: anything that is not a number is a version no
/// record has, so the update is refused as stale.
fn version_of(raw: &str) -> i64 {
    raw.trim().parse().unwrap_or(-1)
}

/// A facility in a list, ready to show.
pub struct FacilityRow {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub served: i64,
    pub closed: bool,
}

/// A programme in the list, ready to show.
pub struct ProgrammeRow {
    pub id: String,
    pub name: String,
    pub place: String,
    pub closed: bool,
    pub facilities: Vec<FacilityRow>,
}

/// The programmes of one province.
pub struct ProvinceGroup {
    pub name: String,
    pub programmes: Vec<ProgrammeRow>,
}

#[derive(Template)]
#[template(path = "places.html")]
struct PlacesPage {
    layout: Layout,
    provinces: Vec<ProvinceGroup>,
    can_write: bool,
    pform: ProgrammeForm,
    perrors: FieldMessages,
    province_options: Vec<(&'static str, String)>,
    pnotice: Option<String>,
}

fn province_options(tr: &Tr) -> Vec<(&'static str, String)> {
    Province::all()
        .iter()
        .map(|p| (p.code(), province_name(tr, p.code())))
        .collect()
}

fn kind_options(tr: &Tr) -> Vec<(&'static str, String)> {
    FacilityKind::ALL
        .iter()
        .map(|k| (k.code(), tr.t(&k.label_key())))
        .collect()
}

fn facility_row(tr: &Tr, facility: &Facility, served: &HashMap<Id, i64>) -> FacilityRow {
    FacilityRow {
        id: facility.id.to_string(),
        name: place_name(tr, &facility.name, &facility.name_km),
        kind: kind_label(tr, &facility.kind),
        served: served.get(&facility.id).copied().unwrap_or(0),
        closed: facility.closed_at.is_some(),
    }
}

fn place_of(programme: &Programme) -> String {
    [
        programme.village.as_str(),
        programme.commune.as_str(),
        programme.district.as_str(),
    ]
    .iter()
    .filter(|s| !s.is_empty())
    .copied()
    .collect::<Vec<_>>()
    .join(", ")
}

async fn places_page(
    state: &AppState,
    auth: &Authenticated,
    pform: ProgrammeForm,
    perrors: FieldMessages,
) -> Result<PlacesPage, WebError> {
    let tr = auth.tr();
    let overview = state.app().places_overview(&auth.caller()).await?;
    let served = &overview.served;
    // Provinces in code order (KH-1 .. KH-25), not text order.
    let mut groups: BTreeMap<(usize, String), Vec<ProgrammeRow>> = BTreeMap::new();
    for (programme, list) in &overview.programmes {
        let order = Province::all()
            .iter()
            .position(|p| p.code() == programme.province_code)
            .unwrap_or(usize::MAX);
        let facilities = list.iter().map(|f| facility_row(tr, f, served)).collect();
        groups
            .entry((order, programme.province_code.clone()))
            .or_default()
            .push(ProgrammeRow {
                id: programme.id.to_string(),
                name: place_name(tr, &programme.name, &programme.name_km),
                place: place_of(programme),
                closed: programme.closed_at.is_some(),
                facilities,
            });
    }
    Ok(PlacesPage {
        layout: Layout::new(&auth.visitor, "places-title"),
        provinces: groups
            .into_iter()
            .map(|((_, code), programmes)| ProvinceGroup {
                name: province_name(tr, &code),
                programmes,
            })
            .collect(),
        can_write: overview.can_write,
        pform,
        perrors,
        province_options: province_options(tr),
        pnotice: None,
    })
}

pub async fn list(
    State(state): State<AppState>,
    auth: Authenticated,
) -> Result<Response, WebError> {
    let page = places_page(
        &state,
        &auth,
        ProgrammeForm::default(),
        FieldMessages::default(),
    )
    .await?;
    respond(&page, axum::http::StatusCode::OK)
}

pub async fn create_programme(
    State(state): State<AppState>,
    auth: Authenticated,
    Form(form): Form<ProgrammeForm>,
) -> Result<Response, WebError> {
    let caller = auth.caller();
    state.app().may_change_places(&caller)?;
    match form.parse(auth.tr()) {
        Ok(details) => {
            let created = state.app().create_programme(&caller, &details).await?;
            Ok(see_other(&format!(
                "/places/programmes/{}",
                created.programme.id
            )))
        }
        Err(errors) => {
            let page = places_page(&state, &auth, form, errors).await?;
            respond(&page, FORM_ERROR)
        }
    }
}

/// The programme locations as CSV: one row per facility (or per programme without
/// one). Read Place, and audited.
pub async fn export(
    State(state): State<AppState>,
    auth: Authenticated,
) -> Result<Response, WebError> {
    let overview = state.app().export_places(&auth.caller()).await?;
    let mut rows = Vec::new();
    for (programme, mine) in &overview.programmes {
        let province = Province::find(&programme.province_code);
        let programme_cells = vec![
            programme.id.to_string(),
            programme.name.clone(),
            programme.name_km.clone(),
            programme.province_code.clone(),
            province.map(|p| p.name_en().to_owned()).unwrap_or_default(),
            province.map(|p| p.name_km().to_owned()).unwrap_or_default(),
            programme.district.clone(),
            programme.commune.clone(),
            programme.village.clone(),
            programme
                .latitude
                .map(|v| v.to_string())
                .unwrap_or_default(),
            programme
                .longitude
                .map(|v| v.to_string())
                .unwrap_or_default(),
        ];
        if mine.is_empty() {
            let mut row = programme_cells.clone();
            row.extend(std::iter::repeat_n(String::new(), 8));
            rows.push(row);
        }
        for facility in mine {
            let mut row = programme_cells.clone();
            row.extend([
                facility.id.to_string(),
                facility.kind.clone(),
                facility.name.clone(),
                facility.name_km.clone(),
                date_text(facility.opened_on),
                facility
                    .catchment_population
                    .map(|n| n.to_string())
                    .unwrap_or_default(),
                overview.served_at(facility.id).to_string(),
                facility
                    .closed_at
                    .map(|at| at.to_text())
                    .unwrap_or_default(),
            ]);
            rows.push(row);
        }
    }
    let header: Vec<String> = [
        "programme_id",
        "programme",
        "programme_km",
        "province_code",
        "province",
        "province_km",
        "district",
        "commune",
        "village",
        "latitude",
        "longitude",
        "facility_id",
        "facility_kind",
        "facility",
        "facility_km",
        "opened_on",
        "catchment_population",
        "people_served",
        "facility_closed_at",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    Ok(csv_response("programme-locations.csv", &header, rows))
}

#[derive(Template)]
#[template(path = "programme.html")]
struct ProgrammePage {
    layout: Layout,
    programme: Programme,
    edit_action: String,
    facility_action: String,
    name: String,
    province: String,
    place: String,
    point: Option<(String, String)>,
    facilities: Vec<FacilityRow>,
    can_write: bool,
    pform: ProgrammeForm,
    perrors: FieldMessages,
    pnotice: Option<String>,
    province_options: Vec<(&'static str, String)>,
    fform: FacilityForm,
    ferrors: FieldMessages,
    fnotice: Option<String>,
    kind_options: Vec<(&'static str, String)>,
    /// The programme's care page (villages, family strengthening), for readers of care.
    care_page: Option<String>,
}

/// A GPS point as text, and a link that any map application on the device opens.
fn point_of(latitude: Option<f64>, longitude: Option<f64>) -> Option<(String, String)> {
    let (latitude, longitude) = (latitude?, longitude?);
    Some((
        format!("{latitude:.5}, {longitude:.5}"),
        format!("geo:{latitude},{longitude}"),
    ))
}

async fn programme_page(
    state: &AppState,
    auth: &Authenticated,
    id: Id,
) -> Result<ProgrammePage, WebError> {
    let tr = auth.tr();
    let view = state.app().programme_view(&auth.caller(), id).await?;
    let (programme, programme_facilities, served) = (view.programme, view.facilities, view.served);
    let care_page = (view.can_read_care
        && programme_facilities
            .iter()
            .any(|f| haven_app::model::care::CARE_FACILITY_KINDS.contains(&f.kind.as_str())))
    .then(|| format!("/care/programmes/{id}"));
    let facilities = programme_facilities
        .iter()
        .map(|f| facility_row(tr, f, &served))
        .collect();
    Ok(ProgrammePage {
        care_page,
        layout: Layout::new(&auth.visitor, "programme-title"),
        edit_action: format!("/places/programmes/{id}"),
        facility_action: format!("/places/programmes/{id}/facilities"),
        name: place_name(tr, &programme.name, &programme.name_km),
        province: province_name(tr, &programme.province_code),
        place: place_of(&programme),
        point: point_of(programme.latitude, programme.longitude),
        facilities,
        can_write: view.can_write,
        pform: ProgrammeForm::of(&programme),
        perrors: FieldMessages::default(),
        pnotice: None,
        province_options: province_options(tr),
        fform: FacilityForm::default(),
        ferrors: FieldMessages::default(),
        fnotice: None,
        kind_options: kind_options(tr),
        programme,
    })
}

pub async fn show_programme(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(id): Ids<Id>,
) -> Result<Response, WebError> {
    let page = programme_page(&state, &auth, id).await?;
    respond(&page, axum::http::StatusCode::OK)
}

pub async fn update_programme(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(id): Ids<Id>,
    Form(form): Form<ProgrammeForm>,
) -> Result<Response, WebError> {
    let caller = auth.caller();
    state.app().may_change_places(&caller)?;
    let tr = auth.tr().clone();
    let result: Result<(), Option<FieldMessages>> = match form.parse(&tr) {
        Ok(details) => {
            match state
                .app()
                .update_programme(&caller, id, version_of(&form.version), &details)
                .await
            {
                Ok(_) => return Ok(see_other(&format!("/places/programmes/{id}"))),
                Err(AppError::Conflict { .. }) => Err(None),
                Err(other) => return Err(other.into()),
            }
        }
        Err(errors) => Err(Some(errors)),
    };
    let mut page = programme_page(&state, &auth, id).await?;
    let conflict = !matches!(result, Err(Some(_)));
    match result {
        Err(Some(errors)) => page.perrors = errors,
        _ => page.pnotice = Some(tr.t("error-conflict")),
    }
    // What was typed stays; a conflict keeps the version read so the user sees why.
    page.pform = form;
    conflict_or_form_error(&page, conflict)
}

pub async fn create_facility(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(id): Ids<Id>,
    Form(form): Form<FacilityForm>,
) -> Result<Response, WebError> {
    let caller = auth.caller();
    state.app().may_change_places(&caller)?;
    match form.parse(auth.tr(), state.today()) {
        Ok(details) => {
            let facility = state.app().create_facility(&caller, id, &details).await?;
            Ok(see_other(&format!("/places/facilities/{}", facility.id)))
        }
        Err(errors) => {
            let mut page = programme_page(&state, &auth, id).await?;
            page.fform = form;
            page.ferrors = errors;
            respond(&page, FORM_ERROR)
        }
    }
}

/// A ward with its beds, ready to show.
pub struct WardRow {
    pub id: String,
    pub name: String,
    pub closed: bool,
    pub beds: Vec<BedRow>,
}

pub struct BedRow {
    pub id: String,
    pub label: String,
    pub closed: bool,
    pub version: i64,
}

/// A staff member working at a facility, ready to show.
pub struct StaffRow {
    pub id: String,
    pub name: String,
    pub profession: String,
}

#[derive(Template)]
#[template(path = "facility.html")]
struct FacilityPage {
    layout: Layout,
    facility: Facility,
    edit_action: String,
    name: String,
    kind: String,
    programme_id: String,
    programme_name: String,
    opened_on: String,
    served: i64,
    wards: Vec<WardRow>,
    staff: Option<Vec<StaffRow>>,
    can_write: bool,
    fform: FacilityForm,
    ferrors: FieldMessages,
    fnotice: Option<String>,
    kind_options: Vec<(&'static str, String)>,
    ward_name: String,
    ward_error: Option<String>,
    bed_form: BedForm,
    bed_error: Option<String>,
    /// The facility's care page (a village's houses, an office's households).
    care_page: Option<String>,
    /// Treatments provided (the clinic part), for readers of clinical records or reports.
    clinic_counts: Option<crate::pages::clinic::counts::CountsSection>,
}

async fn facility_page(
    state: &AppState,
    auth: &Authenticated,
    id: Id,
) -> Result<FacilityPage, WebError> {
    let tr = auth.tr();
    let view = state.app().facility_view(&auth.caller(), id).await?;
    let (facility, programme, beds) = (view.facility, view.programme, view.beds);
    let wards = view
        .wards
        .into_iter()
        .map(|ward| WardRow {
            id: ward.id.to_string(),
            beds: beds
                .iter()
                .filter(|bed| bed.ward_id == ward.id)
                .map(|bed| BedRow {
                    id: bed.id.to_string(),
                    label: bed.label.clone(),
                    closed: bed.closed_at.is_some(),
                    version: bed.version,
                })
                .collect(),
            name: ward.name,
            closed: ward.closed_at.is_some(),
        })
        .collect();
    // Who works here is staff information: shown only to those who may read it.
    let staff = view.staff.map(|staff| {
        staff
            .into_iter()
            .map(|s| StaffRow {
                id: s.id.to_string(),
                name: s.display_name(),
                profession: crate::pages::staff::profession_label(tr, &s.profession),
            })
            .collect()
    });
    let care_page = if !view.can_read_care {
        None
    } else {
        match facility.kind.as_str() {
            "childrens_village" | "youth_facility" => Some(format!("/care/villages/{id}")),
            "family_strengthening_office" => Some(format!("/care/households?facility={id}")),
            _ => None,
        }
    };
    Ok(FacilityPage {
        care_page,
        layout: Layout::new(&auth.visitor, "facility-title"),
        edit_action: format!("/places/facilities/{id}"),
        name: place_name(tr, &facility.name, &facility.name_km),
        kind: kind_label(tr, &facility.kind),
        programme_id: programme.id.to_string(),
        programme_name: place_name(tr, &programme.name, &programme.name_km),
        opened_on: date_text(facility.opened_on),
        served: view.served,
        wards,
        staff,
        can_write: view.can_write,
        fform: FacilityForm::of(&facility),
        ferrors: FieldMessages::default(),
        fnotice: None,
        kind_options: kind_options(tr),
        ward_name: String::new(),
        ward_error: None,
        bed_form: BedForm::default(),
        bed_error: None,
        clinic_counts: if view.can_read_clinic_counts {
            crate::pages::clinic::counts::section(state, auth, id).await?
        } else {
            None
        },
        facility,
    })
}

pub async fn show_facility(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(id): Ids<Id>,
) -> Result<Response, WebError> {
    let page = facility_page(&state, &auth, id).await?;
    respond(&page, axum::http::StatusCode::OK)
}

pub async fn update_facility(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(id): Ids<Id>,
    Form(form): Form<FacilityForm>,
) -> Result<Response, WebError> {
    let caller = auth.caller();
    state.app().may_change_places(&caller)?;
    let tr = auth.tr().clone();
    let result: Result<(), Option<FieldMessages>> = match form.parse(&tr, state.today()) {
        Ok(details) => {
            match state
                .app()
                .update_facility(&caller, id, version_of(&form.version), &details)
                .await
            {
                Ok(_) => return Ok(see_other(&format!("/places/facilities/{id}"))),
                Err(AppError::Conflict { .. }) => Err(None),
                Err(other) => return Err(other.into()),
            }
        }
        Err(errors) => Err(Some(errors)),
    };
    let mut page = facility_page(&state, &auth, id).await?;
    let conflict = !matches!(result, Err(Some(_)));
    match result {
        Err(Some(errors)) => page.ferrors = errors,
        _ => page.fnotice = Some(tr.t("error-conflict")),
    }
    page.fform = form;
    conflict_or_form_error(&page, conflict)
}

/// A form sent back: 409 when the record changed since it was read, 422 otherwise.
fn conflict_or_form_error(page: &impl Template, conflict: bool) -> Result<Response, WebError> {
    let mut response = respond(page, FORM_ERROR)?;
    if conflict {
        *response.status_mut() = axum::http::StatusCode::CONFLICT;
    }
    Ok(response)
}

#[derive(Debug, Default, Deserialize)]
pub struct WardForm {
    #[serde(default)]
    name: String,
}

pub async fn create_ward(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(id): Ids<Id>,
    Form(form): Form<WardForm>,
) -> Result<Response, WebError> {
    let caller = auth.caller();
    state.app().may_change_places(&caller)?;
    match PlaceName::parse(&form.name) {
        Ok(name) => {
            state.app().create_ward(&caller, id, &name).await?;
            Ok(see_other(&format!("/places/facilities/{id}")))
        }
        Err(error) => {
            let mut page = facility_page(&state, &auth, id).await?;
            page.ward_error = Some(auth.tr().t(error.code()));
            page.ward_name = form.name;
            respond(&page, FORM_ERROR)
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct BedForm {
    #[serde(default)]
    pub ward: String,
    #[serde(default)]
    pub label: String,
}

pub async fn create_bed(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(id): Ids<Id>,
    Form(form): Form<BedForm>,
) -> Result<Response, WebError> {
    let caller = auth.caller();
    state.app().may_change_places(&caller)?;
    let ward = form.ward.parse::<Id>().ok();
    match state.app().create_bed(&caller, id, ward, &form.label).await {
        Ok(_) => Ok(see_other(&format!("/places/facilities/{id}"))),
        Err(AppError::Invalid(fields)) => {
            let mut page = facility_page(&state, &auth, id).await?;
            page.bed_error = fields.first().map(|field| auth.tr().t(field.code));
            page.bed_form = form;
            respond(&page, FORM_ERROR)
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Debug, Deserialize)]
pub struct VersionForm {
    #[serde(default)]
    version: String,
}

pub async fn close_bed(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids((id, bed)): Ids<(Id, Id)>,
    Form(form): Form<VersionForm>,
) -> Result<Response, WebError> {
    let caller = auth.caller();
    state.app().may_change_places(&caller)?;
    state
        .app()
        .close_bed(&caller, id, bed, version_of(&form.version))
        .await?;
    Ok(see_other(&format!("/places/facilities/{id}")))
}
