//! Reading the clinic's records: a facility's queue and worklists, a visit or a
//! stay with what was recorded on it, a referral letter, a lab order's page, the
//! results a clinician has to see, and the clinic's part of a person's page.
//!
//! Each read checks the permission and the caller's read reach here, and the reads
//! that show a patient's records are audited here, so that a page and its API twin
//! audit alike.

use std::collections::BTreeMap;

use haven_domain::clinic::lab::LabState;
use haven_domain::{Action, Kind};
use haven_store::clinic::{
    AdministrationRow, Diagnosis, Encounter, LabOrder, LabResult, PrescriptionRow, ProgressNote,
    QueueRow, Referral, Stay, Viewer, Visit, VitalSigns, WorklistRow,
};
use haven_store::{Bed, Facility, Id, Person, StoreError, Timestamp, Ward};

use crate::{App, AppError, Caller, Result};

/// What was recorded on a visit or a stay, with its patient and facility.
#[derive(Clone, Debug)]
pub struct EncounterRecords {
    pub viewer: Viewer,
    pub person: Person,
    pub facility: Facility,
    pub vitals: Vec<VitalSigns>,
    pub diagnoses: Vec<Diagnosis>,
    /// Lab orders (HIV ones only for callers who read HIV results).
    pub orders: Vec<LabOrder>,
    pub results: Vec<LabResult>,
    pub prescriptions: Vec<PrescriptionRow>,
    pub referrals: Vec<Referral>,
    /// The facilities of Haven the referrals go to (those that still exist).
    pub destinations: Vec<Facility>,
}

impl EncounterRecords {
    /// The facility of Haven a referral goes to, if it names one that exists.
    pub fn destination(&self, referral: &Referral) -> Option<&Facility> {
        let id = referral.to_facility_id?;
        self.destinations.iter().find(|f| f.id == id)
    }
}

/// A stay's own records beyond an encounter's: its ward and bed, progress notes
/// with their authors' names, and the medication administration record.
#[derive(Clone, Debug)]
pub struct StayDetails {
    pub ward: Ward,
    pub bed: Bed,
    pub notes: Vec<ProgressNote>,
    pub administrations: Vec<AdministrationRow>,
    /// Display names of the notes' authors, by account id.
    pub authors: BTreeMap<Id, String>,
}

/// A printable referral letter.
#[derive(Clone, Debug)]
pub struct ReferralLetter {
    pub referral: Referral,
    /// The facility of Haven it goes to (none when it goes to a partner).
    pub to: Option<Facility>,
    /// The visit it comes from, for its complaint and examination.
    pub visit: Option<Visit>,
    /// Who referred, by display name.
    pub referred_by: String,
    pub records: EncounterRecords,
}

/// A lab order with what its page shows: its results, patient, facility and who
/// ordered it.
#[derive(Clone, Debug)]
pub struct LabOrderDetails {
    pub order: LabOrder,
    pub results: Vec<LabResult>,
    pub viewer: Viewer,
    pub person: Person,
    pub facility: Facility,
    /// The ordering clinician's display name.
    pub ordered_by: String,
}

/// The results of the caller's orders not yet seen, with their patients.
#[derive(Clone, Debug)]
pub struct ResultsToSee {
    pub orders: Vec<LabOrder>,
    pub results: Vec<LabResult>,
    /// The patients of the orders, by id.
    pub patients: BTreeMap<Id, Person>,
}

/// The clinic's part of a person's page: their last visit and current stay in the
/// caller's clinical reach.
#[derive(Clone, Debug, Default)]
pub struct ClinicSummary {
    pub last_visit: Option<Timestamp>,
    pub current_stay: Option<Id>,
}

impl App {
    // ---------------------------------------------------------------------------
    // Lists of facilities with their work waiting

    /// The open clinical facilities where the caller reads check-ins, each with how
    /// many patients wait in its queue (visits since `since`).
    pub async fn clinic_home(
        &self,
        caller: &Caller,
        since: Timestamp,
    ) -> Result<Vec<(Facility, i64)>> {
        let (_, facilities) = self.clinic_facilities(caller, Kind::CheckIn).await?;
        let mut out = Vec::new();
        for facility in facilities {
            let waiting = self
                .store()
                .queue(facility.id, since)
                .await?
                .iter()
                .filter(|v| v.queue_state == "waiting")
                .count() as i64;
            out.push((facility, waiting));
        }
        Ok(out)
    }

    /// A facility's queue of visits since `since`, for a caller who reads
    /// check-ins there (out of read reach: not found).
    pub async fn facility_queue(
        &self,
        caller: &Caller,
        facility: Id,
        since: Timestamp,
    ) -> Result<(Facility, Vec<QueueRow>)> {
        let (_, facility) = self
            .clinic_facility(caller, Kind::CheckIn, facility)
            .await?;
        let rows = self.store().queue(facility.id, since).await?;
        Ok((facility, rows))
    }

    /// The open clinical facilities whose laboratory the caller reads, each with
    /// how many orders are open (not yet verified).
    pub async fn lab_home(&self, caller: &Caller) -> Result<Vec<(Facility, i64)>> {
        let (viewer, facilities) = self.clinic_facilities(caller, Kind::Laboratory).await?;
        let mut out = Vec::new();
        for facility in facilities {
            let waiting = self
                .store()
                .worklist_counts(&viewer, facility.id)
                .await?
                .iter()
                .filter(|(state, _)| state != "verified")
                .map(|(_, n)| n)
                .sum();
            out.push((facility, waiting));
        }
        Ok(out)
    }

    /// A facility's lab worklist (orders in `states`, or every open one when
    /// empty), for a caller who reads its laboratory; HIV orders only for callers
    /// who read HIV results.
    pub async fn lab_worklist(
        &self,
        caller: &Caller,
        facility: Id,
        states: &[LabState],
    ) -> Result<(Facility, Vec<WorklistRow>)> {
        let (viewer, facility) = self
            .clinic_facility(caller, Kind::Laboratory, facility)
            .await?;
        let rows = self.store().worklist(&viewer, facility.id, states).await?;
        Ok((facility, rows))
    }

    /// The open orders of a facility's worklist, as orders.
    pub async fn lab_worklist_orders(
        &self,
        caller: &Caller,
        facility: Id,
    ) -> Result<Vec<LabOrder>> {
        let (viewer, facility) = self
            .clinic_facility(caller, Kind::Laboratory, facility)
            .await?;
        let store = self.store();
        let mut orders = Vec::new();
        for row in store.worklist(&viewer, facility.id, &[]).await? {
            orders.push(store.lab_order(&viewer, row.id).await?);
        }
        Ok(orders)
    }

    // ---------------------------------------------------------------------------
    // Visits, stays and what is recorded on them

    /// A visit the caller reads (`Read Clinical`, in read reach), audited as read.
    pub async fn read_visit(&self, caller: &Caller, id: Id) -> Result<(Visit, Viewer)> {
        let (visit, viewer) = self.visit_to_read(caller, id).await?;
        self.store()
            .audit_clinical_read(
                &caller.actor(),
                "visit_read",
                "person",
                visit.person_id,
                format!("visit={}", visit.id),
            )
            .await?;
        Ok((visit, viewer))
    }

    /// A stay the caller reads (`Read Clinical`, in read reach), audited as read.
    pub async fn read_stay(&self, caller: &Caller, id: Id) -> Result<(Stay, Viewer)> {
        let (stay, viewer) = self.stay_to_read(caller, id).await?;
        self.store()
            .audit_clinical_read(
                &caller.actor(),
                "stay_read",
                "person",
                stay.person_id,
                format!("stay={}", stay.id),
            )
            .await?;
        Ok((stay, viewer))
    }

    /// What was recorded on a visit or a stay the caller reads (`Read Clinical`, in
    /// read reach; otherwise not found), with its patient and facility. Not audited:
    /// [`App::read_visit`] and [`App::read_stay`] audit the read of the encounter.
    pub async fn encounter_records(
        &self,
        caller: &Caller,
        encounter: Encounter,
    ) -> Result<EncounterRecords> {
        let (person, facility, viewer) = match encounter {
            Encounter::Visit(id) => {
                let (visit, viewer) = self.visit_to_read(caller, id).await?;
                (visit.person_id, visit.facility_id, viewer)
            }
            Encounter::Stay(id) => {
                let (stay, viewer) = self.stay_to_read(caller, id).await?;
                (stay.person_id, stay.facility_id, viewer)
            }
        };
        self.records_of_encounter(viewer, encounter, person, facility)
            .await
    }

    /// The records of an encounter whose reading is checked already.
    async fn records_of_encounter(
        &self,
        viewer: Viewer,
        encounter: Encounter,
        person: Id,
        facility: Id,
    ) -> Result<EncounterRecords> {
        let store = self.store();
        let orders = store.lab_orders_of(&viewer, encounter).await?;
        let ids: Vec<Id> = orders.iter().map(|o| o.id).collect();
        let referrals = store.referrals_of(encounter).await?;
        let mut destinations: Vec<Facility> = Vec::new();
        for to in referrals.iter().filter_map(|r| r.to_facility_id) {
            if destinations.iter().any(|f| f.id == to) {
                continue;
            }
            match store.facility(to).await {
                Ok(f) => destinations.push(f),
                Err(StoreError::NotFound { .. }) => {}
                Err(other) => return Err(other.into()),
            }
        }
        Ok(EncounterRecords {
            person: store.person(person).await?,
            facility: store.facility(facility).await?,
            vitals: store.vitals_of(encounter).await?,
            diagnoses: store.diagnoses_of(encounter).await?,
            results: store.lab_results(&ids).await?,
            orders,
            prescriptions: store.prescriptions_of(encounter).await?,
            referrals,
            destinations,
            viewer,
        })
    }

    /// A stay's ward, bed, progress notes and medication record, for a caller who
    /// reads it (`Read Clinical`, in read reach; otherwise not found).
    pub async fn stay_details(&self, caller: &Caller, stay: Id) -> Result<StayDetails> {
        let (stay, _) = self.stay_to_read(caller, stay).await?;
        let store = self.store();
        let notes = store.progress_notes(&[stay.id]).await?;
        let mut authors = BTreeMap::new();
        for note in &notes {
            if let std::collections::btree_map::Entry::Vacant(e) = authors.entry(note.created_by) {
                e.insert(self.display_name_of(note.created_by).await);
            }
        }
        Ok(StayDetails {
            ward: store.ward(stay.ward_id).await?,
            bed: store.bed(stay.bed_id).await?,
            administrations: store.administrations(&[stay.id]).await?,
            notes,
            authors,
        })
    }

    /// The discharge summary of a stay the caller reads, once it is discharged (an
    /// open stay has none: not found), audited as printed.
    pub async fn discharge_summary(&self, caller: &Caller, stay: Id) -> Result<(Stay, Ward)> {
        let (stay, _) = self.stay_to_read(caller, stay).await?;
        if stay.discharged_at.is_none() {
            return Err(AppError::NotFound { entity: "stay" });
        }
        let store = self.store();
        let ward = store.ward(stay.ward_id).await?;
        store
            .audit_clinical_read(
                &caller.actor(),
                "discharge_summary_print",
                "person",
                stay.person_id,
                format!("stay={}", stay.id),
            )
            .await?;
        Ok((stay, ward))
    }

    /// A referral the caller reads, audited as read.
    pub async fn read_referral(&self, caller: &Caller, id: Id) -> Result<Referral> {
        let (referral, _) = self.referral_to_read(caller, id).await?;
        self.store()
            .audit_clinical_read(
                &caller.actor(),
                "referral_read",
                "person",
                referral.person_id,
                format!("referral={}", referral.id),
            )
            .await?;
        Ok(referral)
    }

    /// A referral letter to print, for a caller who reads the referral (`Read
    /// Clinical`, in read reach), audited as printed.
    pub async fn referral_letter(&self, caller: &Caller, id: Id) -> Result<ReferralLetter> {
        let (referral, viewer) = self.referral_to_read(caller, id).await?;
        let store = self.store();
        let encounter = match (referral.visit_id, referral.stay_id) {
            (Some(v), _) => Encounter::Visit(v),
            (None, Some(s)) => Encounter::Stay(s),
            (None, None) => return Err(AppError::NotFound { entity: "referral" }),
        };
        let to = match referral.to_facility_id {
            Some(id) => Some(store.facility(id).await?),
            None => None,
        };
        let visit = match referral.visit_id {
            Some(v) => Some(store.visit(v).await?),
            None => None,
        };
        let referred_by = self.display_name_of(referral.created_by).await;
        let records = self
            .records_of_encounter(viewer, encounter, referral.person_id, referral.facility_id)
            .await?;
        store
            .audit_clinical_read(
                &caller.actor(),
                "referral_print",
                "person",
                referral.person_id,
                format!("referral={}", referral.id),
            )
            .await?;
        Ok(ReferralLetter {
            referral,
            to,
            visit,
            referred_by,
            records,
        })
    }

    /// The open facilities a visit's patient may be referred to (every open one but
    /// the visit's own), for a caller who reads clinical records.
    pub async fn referral_destinations(&self, caller: &Caller, from: Id) -> Result<Vec<Facility>> {
        caller.require(Action::Read, Kind::Clinical)?;
        Ok(self
            .store()
            .facilities()
            .await?
            .into_iter()
            .filter(|f| f.closed_at.is_none() && f.id != from)
            .collect())
    }

    /// The open pregnancy of a person, at a facility in the caller's clinical read
    /// reach, for the links of a visit's page; none without `Read Clinical`.
    pub async fn clinic_open_pregnancy(&self, caller: &Caller, person: Id) -> Result<Option<Id>> {
        if !caller.can(Action::Read, Kind::Clinical) {
            return Ok(None);
        }
        let viewer = self.clinic_viewer(caller, Kind::Clinical).await?;
        Ok(self
            .store()
            .pregnancies_of(person)
            .await?
            .into_iter()
            .find(|p| {
                p.delivered_on.is_none() && p.ended_on.is_none() && viewer.reaches(p.facility_id)
            })
            .map(|p| p.id))
    }

    /// A person's Haven number, for the heading of a clinic page, for a caller who
    /// reads any of the clinic's records (check-ins, clinical records, the
    /// laboratory, medicines); empty when they have none.
    pub async fn clinic_haven_number(&self, caller: &Caller, person: Id) -> Result<String> {
        let kinds = [
            Kind::CheckIn,
            Kind::Clinical,
            Kind::Laboratory,
            Kind::Medicines,
        ];
        if !kinds.iter().any(|k| caller.can(Action::Read, *k)) {
            return Err(AppError::Forbidden);
        }
        Ok(self
            .store()
            .haven_numbers(&[person])
            .await?
            .into_iter()
            .next()
            .map(|(_, n)| n)
            .unwrap_or_default())
    }

    /// The clinic's part of a person's page: their last visit and current stay in
    /// the caller's clinical read reach (nothing without `Read Clinical`).
    pub async fn clinic_summary(&self, caller: &Caller, person: &Person) -> Result<ClinicSummary> {
        if !caller.can(Action::Read, Kind::Clinical) {
            return Ok(ClinicSummary::default());
        }
        let viewer = self.clinic_viewer(caller, Kind::Clinical).await?;
        let store = self.store();
        let records = store.records_of(person.id).await?;
        let last_visit = store
            .visits_of_person(&records)
            .await?
            .into_iter()
            .find(|v| viewer.reaches(v.facility_id))
            .map(|v| v.checked_in_at);
        let current_stay = store
            .stays_of_person(&records)
            .await?
            .into_iter()
            .find(|s| s.discharged_at.is_none() && viewer.reaches(s.facility_id))
            .map(|s| s.id);
        Ok(ClinicSummary {
            last_visit,
            current_stay,
        })
    }

    // ---------------------------------------------------------------------------
    // The laboratory

    /// A lab order's page, for a caller who may `Read through` (see
    /// [`App::lab_order_to_read`]); not audited: [`App::read_lab_order`] audits.
    pub async fn lab_order_details(
        &self,
        caller: &Caller,
        id: Id,
        through: Kind,
    ) -> Result<LabOrderDetails> {
        let record = self.lab_order_to_read(caller, id, through).await?;
        let store = self.store();
        Ok(LabOrderDetails {
            person: store.person(record.order.person_id).await?,
            facility: store.facility(record.order.facility_id).await?,
            ordered_by: self.display_name_of(record.order.ordered_by).await,
            order: record.order,
            results: record.results,
            viewer: record.viewer,
        })
    }

    /// A lab order the caller reads, with its results, audited as read.
    pub async fn read_lab_order(&self, caller: &Caller, id: Id) -> Result<LabOrderDetails> {
        let details = self.lab_order_details(caller, id, Kind::Laboratory).await?;
        self.store()
            .audit_clinical_read(
                &caller.actor(),
                "lab_order_read",
                "person",
                details.order.person_id,
                format!("order={}", details.order.id),
            )
            .await?;
        Ok(details)
    }

    /// A lab order's results to print, once it has results (before: not found),
    /// audited as printed.
    pub async fn print_lab_result(&self, caller: &Caller, id: Id) -> Result<LabOrderDetails> {
        let details = self.lab_order_details(caller, id, Kind::Laboratory).await?;
        if !details.order.state().has_results() {
            return Err(AppError::NotFound {
                entity: "lab order",
            });
        }
        self.store()
            .audit_clinical_read(
                &caller.actor(),
                "lab_result_print",
                "person",
                details.order.person_id,
                format!("order={}", details.order.id),
            )
            .await?;
        Ok(details)
    }

    /// The results of the caller's orders not yet seen, with their patients; each
    /// order is audited as read.
    pub async fn read_results_to_see(&self, caller: &Caller) -> Result<ResultsToSee> {
        let (orders, results) = self.results_to_see(caller).await?;
        let store = self.store();
        let mut patients = BTreeMap::new();
        for order in &orders {
            if let std::collections::btree_map::Entry::Vacant(entry) =
                patients.entry(order.person_id)
            {
                entry.insert(store.person(order.person_id).await?);
            }
            store
                .audit_clinical_read(
                    &caller.actor(),
                    "lab_order_read",
                    "person",
                    order.person_id,
                    format!("order={} list=results_to_see", order.id),
                )
                .await?;
        }
        Ok(ResultsToSee {
            orders,
            results,
            patients,
        })
    }

    /// An account's display name (empty when there is none), to say who recorded.
    async fn display_name_of(&self, user: Id) -> String {
        self.store()
            .user(user)
            .await
            .map(|u| u.display_name)
            .unwrap_or_default()
    }
}
