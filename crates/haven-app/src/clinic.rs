//! The clinic's actions (issue 4, moved here by issue 13): check-in and the queue,
//! visits and stays and what is recorded on them, the laboratory and medicines.
//!
//! Every clinical record belongs to a facility. A reader needs the permission and a
//! role whose READ scope reaches that facility: a record out of read reach answers
//! NotFound, as if it did not exist. A write needs the write permission and a role
//! whose WRITE scope reaches it (ScopeBeyondYours otherwise). HIV orders and results
//! reach only callers who read HIV results: the [`Viewer`] carries that permission
//! into every query of orders.
//!
//! The rules that were written twice in haven-web are here once: check-in only at an
//! open clinical facility; nothing more recorded on a discharged stay (not even a
//! second discharge or a transfer); an HIV test ordered only by one who may read its
//! result; results parsed and flagged by the catalogue for the patient's sex and age.

mod chart;
mod pharmacy;
mod records;

pub use chart::{Chart, ChartRead};
pub use pharmacy::{Dispensary, StockChanged, WaitingPrescription};
pub use records::{
    ClinicSummary, EncounterRecords, LabOrderDetails, ReferralLetter, ResultsToSee, StayDetails,
};

use std::collections::BTreeMap;

use haven_domain::clinic::lab::{catalogue, LabState, ResultValue};
use haven_domain::clinic::medicines::Prescription;
use haven_domain::clinic::vitals::Vitals;
use haven_domain::clinic::{
    AdministrationStatus, ClinicError, DiagnosisDetails, Discharge, ReferralDetails, VisitNotes,
    VisitType,
};
use haven_domain::{Action, Kind, Role, Scope};
use haven_store::clinic::{
    BedBoardRow, Diagnosis, Encounter, FormToken, LabOrder, LabResult, NewResult, PrescriptionRow,
    Referral, Stay, StockBatch, Viewer, Visit, WardStatistics,
};
use haven_store::{Facility, Id, Person, Reach, Ward};

use crate::access::reach;
use crate::{App, AppError, Caller, FieldError, Result};

/// True for the kinds of facility where clinical work is done, while open.
pub fn is_clinical(facility: &Facility) -> bool {
    matches!(
        facility.kind.as_str(),
        "medical_centre" | "mother_child_clinic" | "emergency_health_centre"
    ) && facility.closed_at.is_none()
}

/// A lab order and its results.
#[derive(Clone, Debug)]
pub struct LabOrderRecord {
    pub order: LabOrder,
    pub results: Vec<LabResult>,
    pub viewer: Viewer,
}

/// A diagnosis marked entered in error: as it was, and whether it was marked
/// already (or the version read was stale), so nothing was written.
#[derive(Clone, Debug)]
pub struct DiagnosisMarked {
    pub diagnosis: Diagnosis,
    pub already: bool,
}

/// A ward's figures for a month, and its beds taken now.
#[derive(Clone, Debug)]
pub struct WardFigures {
    pub statistics: WardStatistics,
    pub occupied: i64,
}

/// A free bed, with its facility and ward, for a choice of bed.
#[derive(Clone, Debug)]
pub struct FreeBed {
    pub facility: Facility,
    pub ward: String,
    pub bed: Id,
    pub label: String,
}

/// A new admission, as parsed by an adapter.
pub struct NewAdmission<'a> {
    pub person: Id,
    pub bed: Id,
    /// The visit the admission comes from: this person's, in the caller's reach.
    pub visit: Option<Id>,
    pub reason: &'a str,
    pub today: time::Date,
    pub token: Option<&'a FormToken>,
}

/// A dose given (or not) on a stay's medication record.
pub struct NewAdministration<'a> {
    pub prescription: Id,
    pub status: AdministrationStatus,
    pub note: &'a str,
    pub token: Option<&'a FormToken>,
}

const FACILITY: &str = "facility";

fn field(field: &'static str, error: ClinicError) -> AppError {
    AppError::field(field, error.code())
}

impl App {
    // ---------------------------------------------------------------------------
    // Reach

    /// How far the caller's roles that read `kind` reach, and whether they read HIV
    /// results. It checks no permission: actions do.
    pub async fn clinic_viewer(&self, caller: &Caller, kind: Kind) -> Result<Viewer> {
        self.clinic_viewer_of_roles(caller.roles(), kind).await
    }

    /// [`App::clinic_viewer`] for a list of roles.
    pub async fn clinic_viewer_of_roles(
        &self,
        roles: &[(Role, Scope)],
        kind: Kind,
    ) -> Result<Viewer> {
        let scopes: Vec<Scope> = roles
            .iter()
            .filter(|(role, _)| role.permits(Action::Read, kind))
            .map(|(_, scope)| scope.clone())
            .collect();
        Ok(Viewer {
            reach: self.store().reach_of(&scopes).await?,
            hiv: roles
                .iter()
                .any(|(role, _)| role.permits(Action::Read, Kind::HivResult)),
        })
    }

    /// The open clinical facilities a viewer reaches.
    pub async fn clinical_facilities_reached(&self, viewer: &Viewer) -> Result<Vec<Facility>> {
        Ok(self
            .store()
            .facilities()
            .await?
            .into_iter()
            .filter(|f| is_clinical(f) && viewer.reaches(f.id))
            .collect())
    }

    /// A facility a viewer reaches (open or not, of any kind), or not found.
    pub async fn facility_reached(&self, viewer: &Viewer, id: Id) -> Result<Facility> {
        let facility = self.store().facility(id).await?;
        if viewer.reaches(facility.id) {
            Ok(facility)
        } else {
            Err(AppError::NotFound { entity: FACILITY })
        }
    }

    /// The open clinical facilities where the caller reads `kind` (the clinic's,
    /// the laboratory's, the pharmacy's home pages).
    pub async fn clinic_facilities(
        &self,
        caller: &Caller,
        kind: Kind,
    ) -> Result<(Viewer, Vec<Facility>)> {
        caller.require(Action::Read, kind)?;
        let viewer = self.clinic_viewer(caller, kind).await?;
        let facilities = self.clinical_facilities_reached(&viewer).await?;
        Ok((viewer, facilities))
    }

    /// A facility where the caller reads `kind`, or not found.
    pub async fn clinic_facility(
        &self,
        caller: &Caller,
        kind: Kind,
        id: Id,
    ) -> Result<(Viewer, Facility)> {
        caller.require(Action::Read, kind)?;
        let viewer = self.clinic_viewer(caller, kind).await?;
        let facility = self.facility_reached(&viewer, id).await?;
        Ok((viewer, facility))
    }

    /// Refuses a write of `kind` at a facility outside the caller's WRITE reach.
    async fn may_write_at(&self, caller: &Caller, kind: Kind, facility: Id) -> Result<()> {
        let write: Reach = reach(self.store(), caller, Action::Write, kind).await?;
        if write.holds(Some(facility)) {
            Ok(())
        } else {
            Err(AppError::ScopeBeyondYours)
        }
    }

    /// A person the caller's people reach holds (not entered in error, not merged
    /// into another), for a check-in or an admission; otherwise not found.
    pub async fn clinic_patient(&self, caller: &Caller, id: Id) -> Result<Person> {
        let person = self.store().person(id).await?;
        let reach = self.person_reach(caller, Action::Read).await?;
        if !reach.holds(person.registered_facility_id)
            || person.entered_in_error_at.is_some()
            || person.merged_into.is_some()
        {
            return Err(AppError::NotFound { entity: "person" });
        }
        Ok(person)
    }

    // ---------------------------------------------------------------------------
    // Check-in

    /// Refuses a caller who may check nobody in, before their request is read.
    pub fn may_check_in(&self, caller: &Caller) -> Result<()> {
        caller.require(Action::Write, Kind::CheckIn)
    }

    /// Refuses a caller who may admit nobody, before their request is read.
    pub fn may_admit(&self, caller: &Caller) -> Result<()> {
        caller.require(Action::Write, Kind::Clinical)
    }

    /// The person to check in and the facilities where the caller may check in.
    pub async fn check_in_choices(
        &self,
        caller: &Caller,
        person: Id,
    ) -> Result<(Person, Vec<Facility>)> {
        caller.require(Action::Write, Kind::CheckIn)?;
        let person = self.clinic_patient(caller, person).await?;
        let viewer = self.clinic_viewer(caller, Kind::CheckIn).await?;
        let write = reach(self.store(), caller, Action::Write, Kind::CheckIn).await?;
        let facilities = self
            .clinical_facilities_reached(&viewer)
            .await?
            .into_iter()
            .filter(|f| write.holds(Some(f.id)))
            .collect();
        Ok((person, facilities))
    }

    /// Checks a person in at an open clinical facility in the caller's write reach:
    /// a visit in its queue. The facility out of read reach is not found; closed, or
    /// not a clinic, it is a wrong choice (`facility`).
    pub async fn check_in(
        &self,
        caller: &Caller,
        person: Id,
        facility: Id,
        visit_type: VisitType,
        today: time::Date,
        token: Option<&FormToken>,
    ) -> Result<Id> {
        caller.require(Action::Write, Kind::CheckIn)?;
        let person = self.clinic_patient(caller, person).await?;
        let viewer = self.clinic_viewer(caller, Kind::CheckIn).await?;
        let facility = match self.facility_reached(&viewer, facility).await {
            Err(AppError::NotFound { .. }) => return Err(AppError::NotFound { entity: FACILITY }),
            other => other?,
        };
        if !is_clinical(&facility) {
            return Err(field(FACILITY, ClinicError::ChooseOption));
        }
        self.may_write_at(caller, Kind::CheckIn, facility.id)
            .await?;
        Ok(self
            .store()
            .check_in(
                &caller.actor(),
                person.id,
                facility.id,
                visit_type,
                today,
                token,
            )
            .await?)
    }

    // ---------------------------------------------------------------------------
    // Visits and stays

    /// A visit the caller may read (`Read Clinical`, in read reach), or not found.
    pub async fn visit_to_read(&self, caller: &Caller, id: Id) -> Result<(Visit, Viewer)> {
        caller.require(Action::Read, Kind::Clinical)?;
        self.visit_reached(caller, id).await
    }

    /// A visit the caller may record on (`Write Clinical`, in WRITE reach).
    pub async fn visit_to_write(&self, caller: &Caller, id: Id) -> Result<(Visit, Viewer)> {
        caller.require(Action::Write, Kind::Clinical)?;
        let (visit, viewer) = self.visit_reached(caller, id).await?;
        self.may_write_at(caller, Kind::Clinical, visit.facility_id)
            .await?;
        Ok((visit, viewer))
    }

    async fn visit_reached(&self, caller: &Caller, id: Id) -> Result<(Visit, Viewer)> {
        let viewer = self.clinic_viewer(caller, Kind::Clinical).await?;
        let visit = self.store().visit(id).await?;
        if !viewer.reaches(visit.facility_id) {
            return Err(AppError::NotFound { entity: "visit" });
        }
        Ok((visit, viewer))
    }

    /// A stay the caller may read, or not found.
    pub async fn stay_to_read(&self, caller: &Caller, id: Id) -> Result<(Stay, Viewer)> {
        caller.require(Action::Read, Kind::Clinical)?;
        self.stay_reached(caller, id).await
    }

    /// A stay the caller may record on: in WRITE reach and not discharged (a
    /// discharged stay takes nothing more: `stay.discharged`).
    pub async fn stay_to_write(&self, caller: &Caller, id: Id) -> Result<(Stay, Viewer)> {
        caller.require(Action::Write, Kind::Clinical)?;
        let (stay, viewer) = self.stay_reached(caller, id).await?;
        self.may_write_at(caller, Kind::Clinical, stay.facility_id)
            .await?;
        if stay.discharged_at.is_some() {
            return Err(AppError::Refused(STAY_DISCHARGED));
        }
        Ok((stay, viewer))
    }

    async fn stay_reached(&self, caller: &Caller, id: Id) -> Result<(Stay, Viewer)> {
        let viewer = self.clinic_viewer(caller, Kind::Clinical).await?;
        let stay = self.store().stay(id).await?;
        if !viewer.reaches(stay.facility_id) {
            return Err(AppError::NotFound { entity: "stay" });
        }
        Ok((stay, viewer))
    }

    /// The encounter the caller may record on, with their viewer.
    pub async fn encounter_to_write(
        &self,
        caller: &Caller,
        encounter: Encounter,
    ) -> Result<Viewer> {
        Ok(match encounter {
            Encounter::Visit(id) => self.visit_to_write(caller, id).await?.1,
            Encounter::Stay(id) => self.stay_to_write(caller, id).await?.1,
        })
    }

    /// Records vital signs on a visit or an open stay.
    pub async fn record_vitals(
        &self,
        caller: &Caller,
        encounter: Encounter,
        vitals: &Vitals,
        token: Option<&FormToken>,
    ) -> Result<Id> {
        self.encounter_to_write(caller, encounter).await?;
        Ok(self
            .store()
            .record_vitals(&caller.actor(), encounter, vitals, token)
            .await?)
    }

    /// Adds a diagnosis to a visit or an open stay.
    pub async fn add_diagnosis(
        &self,
        caller: &Caller,
        encounter: Encounter,
        diagnosis: &DiagnosisDetails,
        token: Option<&FormToken>,
    ) -> Result<Id> {
        self.encounter_to_write(caller, encounter).await?;
        Ok(self
            .store()
            .add_diagnosis(&caller.actor(), encounter, diagnosis, token)
            .await?)
    }

    /// Orders a test of the catalogue from a visit or an open stay, with a clinical
    /// note. A test of the HIV class is ordered only by one who may read its result
    /// (to anyone else it is not a test of the catalogue: `test`).
    pub async fn order_lab_test(
        &self,
        caller: &Caller,
        encounter: Encounter,
        test: &str,
        clinical_note: &str,
        token: Option<&FormToken>,
    ) -> Result<Id> {
        let viewer = self.encounter_to_write(caller, encounter).await?;
        let test = catalogue().test(test).filter(|t| viewer.hiv || !t.is_hiv());
        let note = haven_domain::clinic::note(clinical_note, haven_domain::clinic::SHORT_MAX);
        let mut errors = Vec::new();
        if test.is_none() {
            errors.push(FieldError {
                field: "test",
                code: ClinicError::UnknownTest.code(),
            });
        }
        if let Err(error) = &note {
            errors.push(FieldError {
                field: "clinical_note",
                code: error.code(),
            });
        }
        match (test, note) {
            (Some(test), Ok(note)) => Ok(self
                .store()
                .order_lab_test(&caller.actor(), encounter, test, &note, token)
                .await?),
            _ => Err(AppError::Invalid(errors)),
        }
    }

    /// Prescribes a medicine at a visit or an open stay.
    pub async fn prescribe(
        &self,
        caller: &Caller,
        encounter: Encounter,
        prescription: &Prescription,
        token: Option<&FormToken>,
    ) -> Result<Id> {
        self.encounter_to_write(caller, encounter).await?;
        Ok(self
            .store()
            .prescribe(&caller.actor(), encounter, prescription, token)
            .await?)
    }

    /// A clinician calls a waiting patient in.
    pub async fn call_in(&self, caller: &Caller, visit: Id, version: i64) -> Result<Visit> {
        let (visit, _) = self.visit_to_write(caller, visit).await?;
        self.store()
            .call_in(&caller.actor(), visit.id, version)
            .await?;
        Ok(self.store().visit(visit.id).await?)
    }

    /// Saves the clinician's notes and outcome, naming the version read.
    pub async fn save_visit_notes(
        &self,
        caller: &Caller,
        visit: Id,
        version: i64,
        notes: &VisitNotes,
    ) -> Result<Visit> {
        let (visit, _) = self.visit_to_write(caller, visit).await?;
        self.store()
            .save_visit_notes(&caller.actor(), visit.id, version, notes)
            .await?;
        Ok(self.store().visit(visit.id).await?)
    }

    /// Refers the patient of a visit, to a facility of Haven (`to_facility`, which
    /// must exist) or to a partner named in the details.
    pub async fn refer(
        &self,
        caller: &Caller,
        visit: Id,
        referral: &ReferralDetails,
        to_facility: Option<Id>,
        token: Option<&FormToken>,
    ) -> Result<Id> {
        let (visit, _) = self.visit_to_write(caller, visit).await?;
        if let Some(to) = to_facility {
            if self.no_such_facility(to).await? {
                return Err(field("to_facility", ClinicError::ChooseOption));
            }
        }
        Ok(self
            .store()
            .add_referral(
                &caller.actor(),
                Encounter::Visit(visit.id),
                referral,
                to_facility,
                token,
            )
            .await?)
    }

    /// True when no facility has this id (a referral cannot name it).
    async fn no_such_facility(&self, id: Id) -> Result<bool> {
        match self.store().facility(id).await {
            Ok(_) => Ok(false),
            Err(haven_store::StoreError::NotFound { .. }) => Ok(true),
            Err(other) => Err(other.into()),
        }
    }

    /// Checks a referral's destination before the rest of the form is valid, so a
    /// form shows every wrong field at once: `Invalid(to_facility)` when it names
    /// no facility.
    pub async fn check_referral_destination(&self, caller: &Caller, to: Id) -> Result<()> {
        caller.require(Action::Write, Kind::Clinical)?;
        if self.no_such_facility(to).await? {
            return Err(field("to_facility", ClinicError::ChooseOption));
        }
        Ok(())
    }

    /// A referral the caller may read.
    pub async fn referral_to_read(&self, caller: &Caller, id: Id) -> Result<(Referral, Viewer)> {
        caller.require(Action::Read, Kind::Clinical)?;
        let viewer = self.clinic_viewer(caller, Kind::Clinical).await?;
        let referral = self.store().referral(id).await?;
        if !viewer.reaches(referral.facility_id) {
            return Err(AppError::NotFound { entity: "referral" });
        }
        Ok((referral, viewer))
    }

    /// Marks a diagnosis entered in error (a wrong code picked), naming the version
    /// read; answers the diagnosis as it was, to lead back to its visit or stay, and
    /// whether it was marked already (or the version was stale: nothing written).
    pub async fn mark_diagnosis_in_error(
        &self,
        caller: &Caller,
        id: Id,
        version: i64,
    ) -> Result<DiagnosisMarked> {
        caller.require(Action::Write, Kind::Clinical)?;
        let viewer = self.clinic_viewer(caller, Kind::Clinical).await?;
        let diagnosis = self.store().diagnosis(id).await?;
        if !viewer.reaches(diagnosis.facility_id) {
            return Err(AppError::NotFound {
                entity: "diagnosis",
            });
        }
        self.may_write_at(caller, Kind::Clinical, diagnosis.facility_id)
            .await?;
        let already = match self
            .store()
            .mark_diagnosis_in_error(&caller.actor(), diagnosis.id, version)
            .await
        {
            Ok(()) => false,
            Err(haven_store::StoreError::Conflict { .. }) => true,
            Err(other) => return Err(other.into()),
        };
        Ok(DiagnosisMarked { diagnosis, already })
    }

    /// ICD-10 codes by code prefix or words of the title, for one who records
    /// diagnoses or reads them.
    pub fn search_icd10(
        &self,
        caller: &Caller,
        query: &str,
        limit: usize,
    ) -> Result<Vec<haven_domain::clinic::icd10::Icd10Code>> {
        caller.require(Action::Read, Kind::Clinical)?;
        Ok(haven_domain::clinic::icd10::search(query, limit))
    }

    // ---------------------------------------------------------------------------
    // Stays

    /// Admits a person to a free bed of an open ward of an open clinical facility in
    /// the caller's write reach. A bed out of read reach is not found; a bed that is
    /// closed, or in a closed ward or facility, is a wrong choice (`bed`); a taken
    /// bed, or a person already admitted, is a duplicate. A visit named must be this
    /// person's and in reach (`visit`).
    pub async fn admit(&self, caller: &Caller, new: &NewAdmission<'_>) -> Result<Id> {
        caller.require(Action::Write, Kind::Clinical)?;
        let reason =
            haven_domain::clinic::required_note(new.reason, haven_domain::clinic::NOTE_MAX)
                .map_err(|e| field("reason", e))?;
        let person = self.clinic_patient(caller, new.person).await?;
        let viewer = self.clinic_viewer(caller, Kind::Clinical).await?;
        let store = self.store();
        let bed = store.bed(new.bed).await?;
        let ward = store.ward(bed.ward_id).await?;
        if !viewer.reaches(ward.facility_id) {
            return Err(AppError::NotFound { entity: "bed" });
        }
        let facility = store.facility(ward.facility_id).await?;
        if bed.closed_at.is_some() || ward.closed_at.is_some() || !is_clinical(&facility) {
            return Err(field("bed", ClinicError::ChooseOption));
        }
        self.may_write_at(caller, Kind::Clinical, facility.id)
            .await?;
        let visit = match new.visit {
            Some(id) => match store.visit(id).await {
                Ok(visit) if visit.person_id == person.id && viewer.reaches(visit.facility_id) => {
                    Some(visit.id)
                }
                Ok(_) | Err(haven_store::StoreError::NotFound { .. }) => {
                    return Err(field("visit", ClinicError::ChooseOption))
                }
                Err(other) => return Err(other.into()),
            },
            None => None,
        };
        Ok(store
            .admit(
                &caller.actor(),
                person.id,
                bed.id,
                visit,
                &reason,
                new.today,
                new.token,
            )
            .await?)
    }

    /// The open wards of a facility with their figures for a month and how many
    /// beds are taken now.
    pub async fn ward_figures(
        &self,
        caller: &Caller,
        facility: Id,
        year: i32,
        month: time::Month,
    ) -> Result<(Facility, Vec<WardFigures>)> {
        let (_, facility) = self
            .clinic_facility(caller, Kind::Clinical, facility)
            .await?;
        let store = self.store();
        let mut wards = Vec::new();
        for statistics in store.ward_statistics(facility.id, year, month).await? {
            let occupied = store
                .bed_board(statistics.ward_id)
                .await?
                .iter()
                .filter(|b| b.stay_id.is_some())
                .count() as i64;
            wards.push(WardFigures {
                statistics,
                occupied,
            });
        }
        Ok((facility, wards))
    }

    /// A ward's open beds, each free or with its patient. Audited: it names patients.
    pub async fn bed_board(&self, caller: &Caller, ward: Id) -> Result<(Ward, Vec<BedBoardRow>)> {
        caller.require(Action::Read, Kind::Clinical)?;
        let viewer = self.clinic_viewer(caller, Kind::Clinical).await?;
        let store = self.store();
        let ward = store.ward(ward).await?;
        if !viewer.reaches(ward.facility_id) {
            return Err(AppError::NotFound { entity: "ward" });
        }
        let beds = store.bed_board(ward.id).await?;
        store
            .audit_clinical_read(
                &caller.actor(),
                "bed_board_read",
                "ward",
                ward.id,
                format!(
                    "occupied={}",
                    beds.iter().filter(|b| b.stay_id.is_some()).count()
                ),
            )
            .await?;
        Ok((ward, beds))
    }

    /// The free beds of open wards of the open clinical facilities where the caller
    /// may admit (clinical write reach), or of one of them.
    pub async fn free_beds(&self, caller: &Caller, only: Option<Id>) -> Result<Vec<FreeBed>> {
        let viewer = self.clinic_viewer(caller, Kind::Clinical).await?;
        let write = reach(self.store(), caller, Action::Write, Kind::Clinical).await?;
        let store = self.store();
        let mut beds = Vec::new();
        for facility in self.clinical_facilities_reached(&viewer).await? {
            if only.is_some_and(|f| f != facility.id) || !write.holds(Some(facility.id)) {
                continue;
            }
            for ward in store
                .wards_of(facility.id)
                .await?
                .into_iter()
                .filter(|w| w.closed_at.is_none())
            {
                for bed in store.bed_board(ward.id).await? {
                    if bed.stay_id.is_none() {
                        beds.push(FreeBed {
                            facility: facility.clone(),
                            ward: ward.name.clone(),
                            bed: bed.bed_id,
                            label: bed.label,
                        });
                    }
                }
            }
        }
        Ok(beds)
    }

    /// The person to admit and the beds the caller may admit to.
    pub async fn admission_choices(
        &self,
        caller: &Caller,
        person: Id,
    ) -> Result<(Person, Vec<FreeBed>)> {
        caller.require(Action::Write, Kind::Clinical)?;
        let person = self.clinic_patient(caller, person).await?;
        let beds = self.free_beds(caller, None).await?;
        Ok((person, beds))
    }

    /// Moves an open stay to another free bed, naming the version read. A bed that
    /// does not exist, or of another facility, is a wrong choice (`bed`).
    pub async fn transfer(&self, caller: &Caller, stay: Id, version: i64, bed: Id) -> Result<()> {
        let (stay, _) = self.stay_to_write(caller, stay).await?;
        match self
            .store()
            .transfer(&caller.actor(), stay.id, version, bed)
            .await
        {
            // A bed that does not exist, is closed, or is of another facility.
            Err(haven_store::StoreError::NotFound { .. }) => {
                Err(field("bed", ClinicError::ChooseOption))
            }
            other => Ok(other?),
        }
    }

    /// Discharges an open stay, naming the version read.
    pub async fn discharge(
        &self,
        caller: &Caller,
        stay: Id,
        version: i64,
        discharge: &Discharge,
    ) -> Result<()> {
        let (stay, _) = self.stay_to_write(caller, stay).await?;
        Ok(self
            .store()
            .discharge(&caller.actor(), stay.id, version, discharge)
            .await?)
    }

    /// Adds a progress note to an open stay.
    pub async fn add_progress_note(
        &self,
        caller: &Caller,
        stay: Id,
        note: &str,
        token: Option<&FormToken>,
    ) -> Result<Id> {
        let (stay, _) = self.stay_to_write(caller, stay).await?;
        Ok(self
            .store()
            .add_progress_note(&caller.actor(), stay.id, note, token)
            .await?)
    }

    /// Records a dose on an open stay's medication record, against one of the
    /// stay's prescriptions (any other is a wrong choice: `prescription`).
    pub async fn record_administration(
        &self,
        caller: &Caller,
        stay: Id,
        given: &NewAdministration<'_>,
    ) -> Result<Id> {
        let (stay, _) = self.stay_to_write(caller, stay).await?;
        match self
            .store()
            .record_administration(
                &caller.actor(),
                stay.id,
                given.prescription,
                given.status,
                given.note,
                given.token,
            )
            .await
        {
            Err(haven_store::StoreError::NotFound { .. }) => {
                Err(field("prescription", ClinicError::ChooseOption))
            }
            other => Ok(other?),
        }
    }

    // ---------------------------------------------------------------------------
    // Medicines

    /// A facility whose stock the caller may change (`Write Medicines`): in read
    /// reach (else not found) and in WRITE reach (else beyond their scope).
    pub async fn pharmacy_to_write(&self, caller: &Caller, id: Id) -> Result<(Viewer, Facility)> {
        caller.require(Action::Write, Kind::Medicines)?;
        let viewer = self.clinic_viewer(caller, Kind::Medicines).await?;
        let facility = self.facility_reached(&viewer, id).await?;
        self.may_write_at(caller, Kind::Medicines, facility.id)
            .await?;
        Ok((viewer, facility))
    }

    /// A prescription the caller may dispense, with its facility.
    pub async fn prescription_to_dispense(
        &self,
        caller: &Caller,
        id: Id,
    ) -> Result<(Viewer, PrescriptionRow, Facility)> {
        caller.require(Action::Write, Kind::Medicines)?;
        let viewer = self.clinic_viewer(caller, Kind::Medicines).await?;
        let prescription = self.store().prescription(&viewer, id).await?;
        self.may_write_at(caller, Kind::Medicines, prescription.facility_id)
            .await?;
        let facility = self.store().facility(prescription.facility_id).await?;
        Ok((viewer, prescription, facility))
    }

    /// A stock batch the caller may issue, adjust or count, with its facility.
    pub async fn stock_batch_to_change(
        &self,
        caller: &Caller,
        id: Id,
    ) -> Result<(StockBatch, Facility)> {
        caller.require(Action::Write, Kind::Medicines)?;
        let viewer = self.clinic_viewer(caller, Kind::Medicines).await?;
        let batch = self.store().stock_batch(id).await?;
        if !viewer.reaches(batch.facility_id) {
            return Err(AppError::NotFound { entity: "batch" });
        }
        self.may_write_at(caller, Kind::Medicines, batch.facility_id)
            .await?;
        let facility = self.store().facility(batch.facility_id).await?;
        Ok((batch, facility))
    }

    // ---------------------------------------------------------------------------
    // The laboratory

    /// A lab order the caller may read with `Read through` (`Laboratory` for the
    /// laboratory's pages, `Clinical` for an order seen from its visit or stay): in
    /// their laboratory reach, or, without it, their clinical reach (the ordering
    /// clinician reads results too). HIV orders only with the HIV permission.
    pub async fn lab_order_to_read(
        &self,
        caller: &Caller,
        id: Id,
        through: Kind,
    ) -> Result<LabOrderRecord> {
        caller.require(Action::Read, through)?;
        let viewer = self.lab_viewer(caller).await?;
        let order = self.store().lab_order(&viewer, id).await?;
        let results = self.store().lab_results(&[order.id]).await?;
        Ok(LabOrderRecord {
            order,
            results,
            viewer,
        })
    }

    async fn lab_viewer(&self, caller: &Caller) -> Result<Viewer> {
        let kind = if caller.can(Action::Read, Kind::Laboratory) {
            Kind::Laboratory
        } else {
            Kind::Clinical
        };
        self.clinic_viewer(caller, kind).await
    }

    /// An order the caller may change with the write permission `kind`
    /// (`Laboratory` for its states and results, `Clinical` to cancel it).
    async fn lab_order_to_write(
        &self,
        caller: &Caller,
        id: Id,
        kind: Kind,
    ) -> Result<(LabOrder, Viewer)> {
        caller.require(Action::Write, kind)?;
        let viewer = self.lab_viewer(caller).await?;
        let order = self.store().lab_order(&viewer, id).await?;
        self.may_write_at(caller, kind, order.facility_id).await?;
        Ok((order, viewer))
    }

    /// Refuses a caller who may not record the laboratory's work, before their
    /// request is read.
    pub fn may_record_lab_work(&self, caller: &Caller) -> Result<()> {
        caller.require(Action::Write, Kind::Laboratory)
    }

    /// Moves an order one state on (ordered → sample taken → in progress; a result
    /// is entered, never set), naming the version read.
    pub async fn advance_lab_order(
        &self,
        caller: &Caller,
        id: Id,
        version: i64,
        to: LabState,
    ) -> Result<LabOrder> {
        let (order, viewer) = self
            .lab_order_to_write(caller, id, Kind::Laboratory)
            .await?;
        if matches!(to, LabState::Resulted | LabState::Ordered) {
            // Results are entered, never set; nothing goes back to ordered.
            return Err(field("to", ClinicError::ChooseOption));
        }
        if order.state().next() != Some(to) {
            return Err(AppError::Refused(LAB_ORDER_OUT_OF_ORDER));
        }
        let store = self.store();
        store
            .advance_lab_order(&caller.actor(), &viewer, order.id, version, to)
            .await?;
        Ok(store.lab_order(&viewer, order.id).await?)
    }

    /// Enters an order's results, one value per component of its test as typed
    /// (`values` by component code): each parsed by the catalogue, with the
    /// reference range and flag for the patient's sex and age on `today`. A value
    /// that does not parse is an error at its component.
    pub async fn enter_lab_results(
        &self,
        caller: &Caller,
        id: Id,
        version: i64,
        values: &BTreeMap<String, String>,
        today: time::Date,
    ) -> Result<LabOrderRecord> {
        let (order, viewer) = self
            .lab_order_to_write(caller, id, Kind::Laboratory)
            .await?;
        let test = catalogue()
            .test(&order.test_code)
            .ok_or(AppError::NotFound { entity: "test" })?;
        let store = self.store();
        let person = store.person(order.person_id).await?;
        let (sex, days) = (
            person.sex(),
            (today - person.birth_date).whole_days().max(0),
        );
        let mut results = Vec::new();
        let mut errors = Vec::new();
        for component in test.components() {
            let raw = values
                .get(component.code())
                .map(String::as_str)
                .unwrap_or("");
            match component.parse_result(raw) {
                Ok(value) => {
                    let range = component.range_for(sex, days);
                    results.push(NewResult {
                        component_code: component.code(),
                        value_number: match value {
                            ResultValue::Number(n) => Some(n),
                            ResultValue::Coded(_) => None,
                        },
                        value_code: match value {
                            ResultValue::Coded(c) => c,
                            ResultValue::Number(_) => "",
                        },
                        unit: component.unit(),
                        range_low: range.map(|r| r.low()),
                        range_high: range.map(|r| r.high()),
                        flag: component.flag(&value, sex, days),
                    });
                }
                Err(error) => errors.push(FieldError {
                    field: component.code(),
                    code: error.code(),
                }),
            }
        }
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        store
            .enter_lab_results(&caller.actor(), &viewer, order.id, version, &results)
            .await?;
        let order = store.lab_order(&viewer, order.id).await?;
        let results = store.lab_results(&[order.id]).await?;
        Ok(LabOrderRecord {
            order,
            results,
            viewer,
        })
    }

    /// Cancels an order that has no results yet (entered in error), with the
    /// clinician's reason, naming the version read.
    pub async fn cancel_lab_order(
        &self,
        caller: &Caller,
        id: Id,
        version: i64,
        reason: &str,
    ) -> Result<LabOrder> {
        let (order, viewer) = self.lab_order_to_write(caller, id, Kind::Clinical).await?;
        let reason = haven_domain::clinic::required_note(reason, haven_domain::clinic::SHORT_MAX)
            .map_err(|e| field("reason", e))?;
        if order.state().has_results() {
            return Err(AppError::Refused(LAB_ORDER_HAS_RESULTS));
        }
        self.store()
            .cancel_lab_order(&caller.actor(), &viewer, order.id, version, &reason)
            .await?;
        Ok(order)
    }

    /// The caller marks a result of their order as seen. Only the clinician who
    /// ordered it: for anyone else the order has no "seen" to give (not found).
    pub async fn mark_result_seen(&self, caller: &Caller, id: Id) -> Result<LabOrder> {
        caller.require(Action::Read, Kind::Clinical)?;
        let viewer = self.clinic_viewer(caller, Kind::Clinical).await?;
        let store = self.store();
        let order = store.lab_order(&viewer, id).await?;
        if order.ordered_by != caller.user().id {
            return Err(AppError::NotFound {
                entity: "lab order",
            });
        }
        store
            .mark_result_seen(&caller.actor(), &viewer, order.id)
            .await?;
        Ok(order)
    }

    /// The results of the caller's orders not yet seen, with their results.
    pub async fn results_to_see(&self, caller: &Caller) -> Result<(Vec<LabOrder>, Vec<LabResult>)> {
        caller.require(Action::Read, Kind::Clinical)?;
        let viewer = self.clinic_viewer(caller, Kind::Clinical).await?;
        let store = self.store();
        let orders = store.results_to_see(&viewer, caller.user().id).await?;
        let ids: Vec<Id> = orders.iter().map(|o| o.id).collect();
        let results = store.lab_results(&ids).await?;
        Ok((orders, results))
    }
}

/// The rule's code for a write on a discharged stay.
pub const STAY_DISCHARGED: &str = "stay.discharged";

/// The rule's code for a lab order moved to a state that is not its next one.
pub const LAB_ORDER_OUT_OF_ORDER: &str = "lab_order.out_of_order";

/// The rule's code for cancelling a lab order that has results.
pub const LAB_ORDER_HAS_RESULTS: &str = "lab_order.has_results";
