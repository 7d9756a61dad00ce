//! Pharmacy pages: the facilities' dispensaries, prescriptions to dispense (a refused
//! over-dispense says how much there is), stock by batch with expiry and low-stock
//! warnings, receipts, issues, adjustments with a reason, and counts.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use axum::Form;
use haven_app::clinic::{Dispensary, StockChanged};
use haven_app::model::clinic::{DispenseOutcome, StockBatch, StockWarnings};
use haven_app::model::{Facility, Id};
use haven_app::AppError;
use haven_domain::clinic::medicines::{
    days_to_expiry, parse_quantity, AdjustmentReason, MovementKind, Receipt, StockChange,
    NEAR_EXPIRY_DAYS,
};
use haven_domain::{Action, Kind};

use super::visits::{prescription_view, with_status, FacilityRow, PrescriptionView};
use super::{
    facility_name, field, medicine_label, medicine_options, medicine_unit, options, token_of,
    version_of, when, FormState,
};
use crate::auth::Authenticated;
use crate::error::{see_other, WebError};
use crate::extract::Ids;
use crate::i18n::Tr;
use crate::pages::{no_store, render, Layout, FORM_ERROR};
use crate::state::AppState;

type Pairs = Vec<(String, String)>;

#[derive(Template)]
#[template(path = "clinic_pharmacy_home.html")]
struct PharmacyHome {
    layout: Layout,
    facilities: Vec<FacilityRow>,
}

pub async fn home(
    State(state): State<AppState>,
    auth: Authenticated,
) -> Result<Response, WebError> {
    let facilities = state
        .app()
        .pharmacy_home(&auth.caller())
        .await?
        .into_iter()
        .map(|(f, waiting)| FacilityRow {
            id: f.id.to_string(),
            name: facility_name(auth.tr(), &f),
            waiting,
        })
        .collect();
    let page = PharmacyHome {
        layout: Layout::new(&auth.visitor, "clinic-pharmacy-title"),
        facilities,
    };
    render(&page).map(no_store)
}

pub struct ToDispense {
    pub view: PrescriptionView,
    pub patient: String,
    pub prescribed: String,
    pub remaining: i64,
    pub available: i64,
    pub unit: String,
    pub form: FormState,
}

pub struct WarningRow {
    pub medicine: String,
    pub text: String,
}

#[derive(Template)]
#[template(path = "clinic_pharmacy.html")]
struct PharmacyPage {
    layout: Layout,
    facility_id: String,
    facility: String,
    rows: Vec<ToDispense>,
    expiring: Vec<WarningRow>,
    low: Vec<WarningRow>,
    can_write: bool,
}

fn warning_rows(
    tr: &Tr,
    warnings: &StockWarnings,
    today: time::Date,
) -> (Vec<WarningRow>, Vec<WarningRow>) {
    let expiring = warnings
        .near_expiry
        .iter()
        .map(|b| {
            let days = days_to_expiry(b.expires_on, today);
            WarningRow {
                medicine: format!(
                    "{} · {} {}",
                    medicine_label(tr, &b.medicine_code),
                    tr.t("clinic-batch"),
                    b.batch_number
                ),
                text: if days < 0 {
                    tr.t1("clinic-expired-days-ago", "days", -days)
                } else {
                    format!(
                        "{} · {} {}",
                        tr.t1("clinic-expires-in-days", "days", days),
                        b.on_hand,
                        medicine_unit(tr, &b.medicine_code)
                    )
                },
            }
        })
        .collect();
    let low = warnings
        .low_stock
        .iter()
        .map(|(code, left)| WarningRow {
            medicine: medicine_label(tr, code),
            text: tr.t1(
                "clinic-units-left",
                "count",
                format!("{left} {}", medicine_unit(tr, code)),
            ),
        })
        .collect();
    (expiring, low)
}

async fn pharmacy_page(
    state: &AppState,
    auth: &Authenticated,
    facility: Id,
    refused: Option<(String, FormState)>,
) -> Result<PharmacyPage, WebError> {
    let tr = auth.tr();
    let today = state.today();
    let Dispensary {
        facility,
        waiting,
        warnings,
    } = state
        .app()
        .dispensary(&auth.caller(), facility, today)
        .await?;
    let facility = &facility;
    let mut rows = Vec::new();
    for waiting in waiting {
        let (p, person, available) = (&waiting.prescription, &waiting.patient, waiting.available);
        let form = match &refused {
            Some((id, form)) if *id == p.id.to_string() => form.clone(),
            _ => FormState::new().with("quantity", p.remaining().to_string()),
        };
        rows.push(ToDispense {
            view: prescription_view(tr, p),
            patient: person.display_name(),
            prescribed: when(state, &p.prescribed_at),
            remaining: p.remaining(),
            available,
            unit: medicine_unit(tr, &p.medicine_code),
            form,
        });
    }
    let (expiring, low) = warning_rows(tr, &warnings, today);
    Ok(PharmacyPage {
        layout: Layout::new(&auth.visitor, "clinic-pharmacy-title"),
        facility_id: facility.id.to_string(),
        facility: facility_name(tr, facility),
        rows,
        expiring,
        low,
        can_write: auth.me.can(Action::Write, Kind::Medicines),
    })
}

pub async fn facility(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(facility): Ids<Id>,
) -> Result<Response, WebError> {
    let page = pharmacy_page(&state, &auth, facility, None).await?;
    render(&page).map(no_store)
}

pub async fn dispense(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(prescription): Ids<Id>,
    Form(pairs): Form<Pairs>,
) -> Result<Response, WebError> {
    let (_, prescription, facility) = state
        .app()
        .prescription_to_dispense(&auth.caller(), prescription)
        .await?;
    let tr = auth.tr();
    let unit = medicine_unit(tr, &prescription.medicine_code);
    let refusal = match parse_quantity(field(&pairs, "quantity")) {
        Err(error) => FormState::sent(&pairs).refuse(tr, &[("quantity", error)]),
        Ok(quantity) => {
            match state
                .app()
                .dispense(
                    &auth.caller(),
                    prescription.id,
                    quantity,
                    state.today(),
                    token_of(&pairs).as_ref(),
                )
                .await?
            {
                DispenseOutcome::Dispensed(_) => {
                    return Ok(see_other(&format!(
                        "/clinic/facilities/{}/pharmacy?dispensed=1",
                        facility.id
                    )))
                }
                DispenseOutcome::NotEnoughStock(shortfall) => {
                    let mut form = FormState::sent(&pairs);
                    form.errors.set(
                        "quantity",
                        tr.t1(
                            "clinic-not-enough-stock",
                            "available",
                            format!("{} {unit}", shortfall.available),
                        ),
                    );
                    form
                }
                DispenseOutcome::MoreThanPrescribed { remaining } => {
                    let mut form = FormState::sent(&pairs);
                    form.errors.set(
                        "quantity",
                        tr.t1(
                            "clinic-more-than-prescribed",
                            "remaining",
                            format!("{remaining} {unit}"),
                        ),
                    );
                    form
                }
            }
        }
    };
    let page = pharmacy_page(
        &state,
        &auth,
        facility.id,
        Some((prescription.id.to_string(), refusal)),
    )
    .await?;
    with_status(&page, FORM_ERROR)
}

pub struct BatchView {
    pub id: String,
    pub medicine: String,
    pub batch: String,
    pub expires: String,
    pub on_hand: i64,
    pub unit: String,
    pub warn: bool,
    pub expired: bool,
    pub version: i64,
}

pub struct MovementView {
    pub when: String,
    pub medicine: String,
    pub batch: String,
    pub kind: String,
    pub quantity: String,
    pub balance: i64,
    pub reason: String,
}

#[derive(Template)]
#[template(path = "clinic_stock.html")]
struct StockPage {
    layout: Layout,
    facility_id: String,
    facility: String,
    batches: Vec<BatchView>,
    movements: Vec<MovementView>,
    receive: FormState,
    change: FormState,
    change_batch: String,
    /// The empty form of every batch but the one sent back.
    blank: FormState,
    medicines: Vec<(&'static str, String)>,
    kinds: Vec<(&'static str, String)>,
    reasons: Vec<(&'static str, String)>,
    can_write: bool,
}

async fn stock_page(
    state: &AppState,
    auth: &Authenticated,
    facility: Id,
    receive: FormState,
    change: Option<(String, FormState)>,
) -> Result<StockPage, WebError> {
    let tr = auth.tr();
    let caller = auth.caller();
    let today = state.today();
    let (facility, batches) = state.app().facility_stock(&caller, facility).await?;
    let facility: &Facility = &facility;
    let batches = batches
        .into_iter()
        .map(|b: StockBatch| {
            let days = days_to_expiry(b.expires_on, today);
            BatchView {
                id: b.id.to_string(),
                medicine: medicine_label(tr, &b.medicine_code),
                batch: b.batch_number.clone(),
                expires: b.expires_on.to_string(),
                on_hand: b.on_hand,
                unit: medicine_unit(tr, &b.medicine_code),
                warn: days <= NEAR_EXPIRY_DAYS,
                expired: days < 0,
                version: b.version,
            }
        })
        .collect();
    let movements = state
        .app()
        .stock_movements(&caller, facility.id, 50)
        .await?
        .into_iter()
        .map(|m| MovementView {
            when: when(state, &m.moved_at),
            medicine: medicine_label(tr, &m.medicine_code),
            batch: m.batch_number.clone(),
            kind: MovementKind::parse(&m.kind)
                .map(|k| tr.t(&k.label_key()))
                .unwrap_or_default(),
            quantity: format!("{:+}", m.quantity),
            balance: m.balance,
            reason: AdjustmentReason::parse(&m.reason)
                .map(|r| tr.t(&r.label_key()))
                .into_iter()
                .chain(Some(m.note.clone()).filter(|n| !n.is_empty()))
                .collect::<Vec<_>>()
                .join(" — "),
        })
        .collect();
    let (change_batch, change) = change.unwrap_or_else(|| (String::new(), FormState::new()));
    Ok(StockPage {
        layout: Layout::new(&auth.visitor, "clinic-stock-title"),
        facility_id: facility.id.to_string(),
        facility: facility_name(tr, facility),
        batches,
        movements,
        receive,
        change,
        change_batch,
        blank: FormState::default(),
        medicines: medicine_options(tr),
        kinds: [
            MovementKind::Issue,
            MovementKind::Adjustment,
            MovementKind::Count,
        ]
        .iter()
        .map(|k| (k.code(), tr.t(&k.label_key())))
        .collect(),
        reasons: options(
            tr,
            AdjustmentReason::ALL,
            AdjustmentReason::code,
            AdjustmentReason::label_key,
        ),
        can_write: auth.me.can(Action::Write, Kind::Medicines),
    })
}

pub async fn stock(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(facility): Ids<Id>,
) -> Result<Response, WebError> {
    let page = stock_page(&state, &auth, facility, FormState::new(), None).await?;
    render(&page).map(no_store)
}

pub async fn receive(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(facility): Ids<Id>,
    Form(pairs): Form<Pairs>,
) -> Result<Response, WebError> {
    let (_, facility) = state
        .app()
        .pharmacy_to_write(&auth.caller(), facility)
        .await?;
    let tr = auth.tr();
    let today = state.today();
    let parsed = Receipt::parse(
        field(&pairs, "medicine"),
        field(&pairs, "batch"),
        field(&pairs, "expires_on"),
        field(&pairs, "quantity"),
        today,
    );
    let form = match parsed {
        Ok(receipt) => match state
            .app()
            .receive_stock(
                &auth.caller(),
                facility.id,
                &receipt,
                token_of(&pairs).as_ref(),
            )
            .await
        {
            Ok(_) => {
                return Ok(see_other(&format!(
                    "/clinic/facilities/{}/stock",
                    facility.id
                )))
            }
            Err(AppError::Duplicate { .. }) => {
                let mut form = FormState::sent(&pairs);
                form.errors
                    .set("expires_on", tr.t("clinic-batch-other-expiry"));
                form
            }
            Err(other) => return Err(other.into()),
        },
        Err(errors) => FormState::sent(&pairs).refuse(tr, &errors),
    };
    let page = stock_page(&state, &auth, facility.id, form, None).await?;
    with_status(&page, FORM_ERROR)
}

pub async fn change(
    State(state): State<AppState>,
    auth: Authenticated,
    Ids(batch): Ids<Id>,
    Form(pairs): Form<Pairs>,
) -> Result<Response, WebError> {
    let (batch, facility) = state
        .app()
        .stock_batch_to_change(&auth.caller(), batch)
        .await?;
    let tr = auth.tr();
    let parsed = StockChange::parse(
        field(&pairs, "kind"),
        field(&pairs, "quantity"),
        field(&pairs, "reason"),
        field(&pairs, "note"),
    );
    let form = match parsed {
        Ok(change) => match state
            .app()
            .change_stock(&auth.caller(), batch.id, version_of(&pairs), &change)
            .await
        {
            Ok(StockChanged::Changed(_)) => {
                return Ok(see_other(&format!(
                    "/clinic/facilities/{}/stock",
                    facility.id
                )))
            }
            Ok(StockChanged::NotEnough(shortfall)) => {
                let mut form = FormState::sent(&pairs);
                form.errors.set(
                    "quantity",
                    tr.t1(
                        "clinic-not-enough-stock",
                        "available",
                        format!(
                            "{} {}",
                            shortfall.available,
                            medicine_unit(tr, &batch.medicine_code)
                        ),
                    ),
                );
                form
            }
            Err(AppError::Conflict { .. }) => {
                let mut form = FormState::sent(&pairs);
                form.notice = Some(tr.t("error-conflict"));
                form
            }
            Err(other) => return Err(other.into()),
        },
        Err(errors) => FormState::sent(&pairs).refuse(tr, &errors),
    };
    let page = stock_page(
        &state,
        &auth,
        facility.id,
        FormState::new(),
        Some((batch.id.to_string(), form)),
    )
    .await?;
    with_status(&page, FORM_ERROR)
}
