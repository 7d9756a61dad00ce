//! Persistence of the medical centre's daily work: outpatient visits, inpatient stays, the laboratory, medicines and the patient chart (issue 4).
//!
//! Every clinical record belongs to the facility where it was made. Reads take a
//! [`Viewer`]: the facilities the reader's roles reach for that kind of record, and
//! whether they may read HIV results. Records out of reach are `NotFound` and left
//! out of lists; HIV orders are left out in SQL for viewers without the permission,
//! so no list, count or page can show them by mistake.
//!
//! Every write appends the change log and the audit chain in its own transaction;
//! create forms carry a one-time token ([`once`]) recorded in that same transaction.

mod chart;
mod counts;
mod demo;
mod lab;
mod medicines;
pub mod once;
mod stays;
mod visits;

pub use chart::{
    ChartAntenatalContact, ChartData, ChartDiagnosis, ChartDispense, ChartLabOrder,
    ChartPrescription, ChartWindow,
};
pub use counts::TreatmentCount;
pub use lab::{LabOrder, LabResult, NewResult, WorklistRow};
pub use medicines::{DispenseOutcome, MovementRow, PrescriptionRow, StockBatch, StockWarnings};
pub use once::FormToken;
pub use stays::{AdministrationRow, BedBoardRow, ProgressNote, Stay, WardStatistics};
pub use visits::{Diagnosis, QueueRow, Referral, Visit, VitalSigns};

/// The audit actions of this part (recorded here or by its pages), for the audit
/// trail's filter and labels.
pub const CLINIC_AUDIT_ACTIONS: &[&str] = &[
    "visit_check_in",
    "visit_call_in",
    "visit_read",
    "visit_notes",
    "visit_entered_in_error",
    "vitals_record",
    "diagnosis_add",
    "diagnosis_entered_in_error",
    "referral_add",
    "referral_read",
    "referral_print",
    "chart_read",
    "lab_order",
    "lab_order_read",
    "lab_order_state",
    "lab_order_cancel",
    "lab_results_enter",
    "lab_result_seen",
    "lab_result_print",
    "prescribe",
    "dispense",
    "stock_receive",
    "stock_change",
    "stay_admit",
    "stay_read",
    "stay_transfer",
    "bed_board_read",
    "progress_note_add",
    "medication_administer",
    "stay_discharge",
    "discharge_summary_print",
];

use crate::{Id, Reach};

/// Who reads: how far their roles reach for the kind of record read, and whether
/// they hold the HIV result permission.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Viewer {
    pub reach: Reach,
    pub hiv: bool,
}

impl Viewer {
    /// A viewer who reaches everything and reads HIV results (tests, the command line).
    pub fn everything() -> Viewer {
        Viewer {
            reach: Reach::Everything,
            hiv: true,
        }
    }

    pub fn reaches(&self, facility: Id) -> bool {
        self.reach.holds(Some(facility))
    }

    /// The HIV permission as a query parameter: `1` lets HIV orders through.
    pub(crate) fn hiv_flag(&self) -> i64 {
        i64::from(self.hiv)
    }
}

/// The encounter a record hangs on: an outpatient visit or an inpatient stay.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encounter {
    Visit(Id),
    Stay(Id),
}

impl Encounter {
    pub fn visit_id(self) -> Option<Id> {
        match self {
            Encounter::Visit(id) => Some(id),
            Encounter::Stay(_) => None,
        }
    }
    pub fn stay_id(self) -> Option<Id> {
        match self {
            Encounter::Stay(id) => Some(id),
            Encounter::Visit(_) => None,
        }
    }
    /// The entity name of the change log and audit trail.
    pub fn entity(self) -> &'static str {
        match self {
            Encounter::Visit(_) => "visit",
            Encounter::Stay(_) => "stay",
        }
    }
    pub fn id(self) -> Id {
        match self {
            Encounter::Visit(id) | Encounter::Stay(id) => id,
        }
    }
}

/// Placeholders `$first, $first+1, ...` for an IN list.
pub(crate) fn placeholders(count: usize, first: usize) -> String {
    (first..first + count)
        .map(|n| format!("${n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The person and facility an encounter belongs to, read inside a transaction.
macro_rules! encounter_owner {
    ($tx:expr, $encounter:expr) => {{
        let sql = match $encounter {
            $crate::clinic::Encounter::Visit(_) => {
                "SELECT person_id, facility_id FROM visit WHERE id = $1 AND entered_in_error_at IS NULL"
            }
            $crate::clinic::Encounter::Stay(_) => {
                "SELECT person_id, facility_id FROM stay WHERE id = $1 AND entered_in_error_at IS NULL"
            }
        };
        let owner: Option<($crate::Id, $crate::Id)> = sqlx::query_as(sql)
            .bind($encounter.id())
            .fetch_optional(&mut *$tx)
            .await?;
        match owner {
            Some(owner) => owner,
            None => {
                return Err($crate::StoreError::NotFound {
                    entity: $encounter.entity(),
                })
            }
        }
    }};
}
pub(crate) use encounter_owner;
