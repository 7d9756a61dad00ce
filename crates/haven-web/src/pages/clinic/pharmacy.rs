//! Pharmacy pages: the facilities' dispensaries, prescriptions to dispense (a refused
//! over-dispense says how much there is), stock by batch with expiry and low-stock
//! warnings, receipts, issues, adjustments with a reason, and counts.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::Form;
use haven_domain::clinic::medicines::{
    days_to_expiry, parse_quantity, AdjustmentReason, MovementKind, Receipt, StockChange,
    NEAR_EXPIRY_DAYS,
};
use haven_domain::{Action, Kind};
use haven_store::clinic::DispenseOutcome;
use haven_store::{Facility, StoreError};

use super::visits::{prescription_view, with_status, FacilityRow, PrescriptionView};
use super::{
    facility_name, field, medicine_label, medicine_options, medicine_unit, options, parse_id,
    token_of, version_of, when, FormState,
};
use crate::auth::Authenticated;
use crate::error::{see_other, WebError};
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
    let (_, reached) = state
        .app()
        .clinic_facilities(&auth.caller(), Kind::Medicines)
        .await?;
    let mut facilities = Vec::new();
    for f in reached {
        let waiting = state.store().prescriptions_to_dispense(f.id).await?.len() as i64;
        facilities.push(FacilityRow {
            id: f.id.to_string(),
            name: facility_name(auth.tr(), &f),
            waiting,
        });
    }
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

async fn warnings(
    state: &AppState,
    tr: &Tr,
    facility: &Facility,
) -> Result<(Vec<WarningRow>, Vec<WarningRow>), WebError> {
    let today = crate::pages::people::today(state);
    let warnings = state.store().stock_warnings(facility.id, today).await?;
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
    Ok((expiring, low))
}

async fn pharmacy_page(
    state: &AppState,
    auth: &Authenticated,
    facility: &Facility,
    refused: Option<(String, FormState)>,
) -> Result<PharmacyPage, WebError> {
    let tr = auth.tr();
    let store = state.store();
    let today = crate::pages::people::today(state);
    let mut rows = Vec::new();
    for p in store.prescriptions_to_dispense(facility.id).await? {
        let person = store.person(p.person_id).await?;
        let available = store
            .usable_stock(facility.id, &p.medicine_code, today)
            .await?;
        let form = match &refused {
            Some((id, form)) if *id == p.id.to_string() => form.clone(),
            _ => FormState::new().with("quantity", p.remaining().to_string()),
        };
        rows.push(ToDispense {
            view: prescription_view(tr, &p),
            patient: person.display_name(),
            prescribed: when(state, &p.prescribed_at),
            remaining: p.remaining(),
            available,
            unit: medicine_unit(tr, &p.medicine_code),
            form,
        });
    }
    let (expiring, low) = warnings(state, tr, facility).await?;
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
    Path(facility): Path<String>,
) -> Result<Response, WebError> {
    let (_, facility) = state
        .app()
        .clinic_facility(&auth.caller(), Kind::Medicines, parse_id(&facility)?)
        .await?;
    let page = pharmacy_page(&state, &auth, &facility, None).await?;
    render(&page).map(no_store)
}

pub async fn dispense(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(prescription): Path<String>,
    Form(pairs): Form<Pairs>,
) -> Result<Response, WebError> {
    let (viewer, prescription, facility) = state
        .app()
        .prescription_to_dispense(&auth.caller(), parse_id(&prescription)?)
        .await?;
    let store = state.store();
    let tr = auth.tr();
    let unit = medicine_unit(tr, &prescription.medicine_code);
    let refusal = match parse_quantity(field(&pairs, "quantity")) {
        Err(error) => FormState::sent(&pairs).refuse(tr, &[("quantity", error)]),
        Ok(quantity) => {
            let today = crate::pages::people::today(&state);
            match store
                .dispense(
                    &auth.actor(),
                    &viewer,
                    prescription.id,
                    quantity,
                    today,
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
        &facility,
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
    facility: &Facility,
    receive: FormState,
    change: Option<(String, FormState)>,
) -> Result<StockPage, WebError> {
    let tr = auth.tr();
    let store = state.store();
    let today = crate::pages::people::today(state);
    let batches = store
        .stock_of(facility.id, false)
        .await?
        .into_iter()
        .map(|b| {
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
    let movements = store
        .stock_movements(facility.id, 50)
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
    Path(facility): Path<String>,
) -> Result<Response, WebError> {
    let (_, facility) = state
        .app()
        .clinic_facility(&auth.caller(), Kind::Medicines, parse_id(&facility)?)
        .await?;
    let page = stock_page(&state, &auth, &facility, FormState::new(), None).await?;
    render(&page).map(no_store)
}

pub async fn receive(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(facility): Path<String>,
    Form(pairs): Form<Pairs>,
) -> Result<Response, WebError> {
    let (_, facility) = state
        .app()
        .pharmacy_to_write(&auth.caller(), parse_id(&facility)?)
        .await?;
    let tr = auth.tr();
    let today = crate::pages::people::today(&state);
    let parsed = Receipt::parse(
        field(&pairs, "medicine"),
        field(&pairs, "batch"),
        field(&pairs, "expires_on"),
        field(&pairs, "quantity"),
        today,
    );
    let form = match parsed {
        Ok(receipt) => match state
            .store()
            .receive_stock(
                &auth.actor(),
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
            Err(StoreError::Duplicate { .. }) => {
                let mut form = FormState::sent(&pairs);
                form.errors
                    .set("expires_on", tr.t("clinic-batch-other-expiry"));
                form
            }
            Err(other) => return Err(other.into()),
        },
        Err(errors) => FormState::sent(&pairs).refuse(tr, &errors),
    };
    let page = stock_page(&state, &auth, &facility, form, None).await?;
    with_status(&page, FORM_ERROR)
}

pub async fn change(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(batch): Path<String>,
    Form(pairs): Form<Pairs>,
) -> Result<Response, WebError> {
    let (batch, facility) = state
        .app()
        .stock_batch_to_change(&auth.caller(), parse_id(&batch)?)
        .await?;
    let store = state.store();
    let tr = auth.tr();
    let parsed = StockChange::parse(
        field(&pairs, "kind"),
        field(&pairs, "quantity"),
        field(&pairs, "reason"),
        field(&pairs, "note"),
    );
    let form = match parsed {
        Ok(change) => match store
            .change_stock(&auth.actor(), batch.id, version_of(&pairs), &change)
            .await
        {
            Ok(Ok(())) => {
                return Ok(see_other(&format!(
                    "/clinic/facilities/{}/stock",
                    facility.id
                )))
            }
            Ok(Err(shortfall)) => {
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
            Err(StoreError::Conflict { .. }) => {
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
        &facility,
        FormState::new(),
        Some((batch.id.to_string(), form)),
    )
    .await?;
    with_status(&page, FORM_ERROR)
}
