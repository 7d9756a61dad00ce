//! Gatekeeping: who may be assessed for care, the assessment and decision recorded
//! at a care facility, and the programme director's approval.
//!
//! A person is admitted by a caller who may write care and read people: the person
//! within the read reach of people (not entered in error nor merged), and, if already
//! in care, a child the caller sees. The facility must be one the caller sees whole
//! and in the WRITE reach of care. The director decides within the WRITE reach of
//! the roles that approve.

use haven_domain::care::{AdmissionDetails, AdmissionStatus, CareError};
use haven_domain::person::age_in_years;
use haven_domain::{Action, Kind};
use haven_store::care::{Admission, CareChild, Sibling};
use haven_store::{Facility, Id, Person, StoreError};

use super::{invalid, parsed, refused, Parsed};
use crate::{App, AppError, Caller, Result};

const PERSON: &str = "person";
const ADMISSION: &str = "admission";

/// The gatekeeping form of a person: who they are, their siblings and where they are
/// in care, and the open care facilities the caller may admit to.
#[derive(Clone, Debug)]
pub struct AdmissionForm {
    pub person: Person,
    pub siblings: Vec<Sibling>,
    pub facilities: Vec<Facility>,
}

/// An admission the caller may read, with its child and the name of who approved it.
#[derive(Clone, Debug)]
pub struct AdmissionRecord {
    pub admission: Admission,
    pub child: CareChild,
    pub approver: Option<String>,
}

/// The director's decision on an admission: approved or declined, and why.
#[derive(Clone, Debug)]
pub struct Decision {
    pub status: AdmissionStatus,
    pub note: String,
}

/// Where a person's registry page links to in care.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CareLink {
    /// Their care page (a child in care the caller sees).
    Child(Id),
    /// The gatekeeping form: a minor not in care, for a caller who may admit.
    Admit,
}

impl App {
    /// Where a person's page links to in care, for a caller who reads care: the child's
    /// care page when the caller sees it, the gatekeeping form for a minor not in care
    /// when the caller may write care; `None` otherwise.
    pub async fn care_link(
        &self,
        caller: &Caller,
        person: &Person,
        today: time::Date,
    ) -> Result<Option<CareLink>> {
        if !caller.can(Action::Read, Kind::Care) {
            return Ok(None);
        }
        match self.store().care_child_of_person(person.id).await? {
            Some(child) => Ok(self
                .care_access(caller)
                .await?
                .sees_child(&child)
                .then_some(CareLink::Child(child.id))),
            None if caller.can(Action::Write, Kind::Care)
                && age_in_years(person.birth_date, today) < 18 =>
            {
                Ok(Some(CareLink::Admit))
            }
            None => Ok(None),
        }
    }

    /// A person the caller may assess for care (`Write Care` and `Read Person`): in
    /// the read reach of people, not entered in error nor merged, and, when already in
    /// care, a child the caller sees. Anyone else is not found.
    pub async fn admissible_person(&self, caller: &Caller, id: Id) -> Result<Person> {
        caller.require(Action::Write, Kind::Care)?;
        caller.require(Action::Read, Kind::Person)?;
        let not_found = AppError::NotFound { entity: PERSON };
        let person = match self.store().person(id).await {
            Ok(person) => person,
            Err(StoreError::NotFound { .. }) => return Err(not_found),
            Err(other) => return Err(other.into()),
        };
        let reach = self.person_reach(caller, Action::Read).await?;
        if !reach.holds(person.registered_facility_id)
            || person.entered_in_error_at.is_some()
            || person.merged_into.is_some()
        {
            return Err(not_found);
        }
        if let Some(child) = self.store().care_child_of_person(person.id).await? {
            if !self.care_access(caller).await?.sees_child(&child) {
                return Err(not_found);
            }
        }
        Ok(person)
    }

    /// The gatekeeping form of a person the caller may assess (see
    /// [`App::admissible_person`]).
    pub async fn admission_form(&self, caller: &Caller, person: Id) -> Result<AdmissionForm> {
        let person = self.admissible_person(caller, person).await?;
        let write = self
            .care_access_of(caller, &[(Action::Write, Kind::Care)])
            .await?;
        let facilities = write
            .facilities_of(&self.store().care_facilities().await?)
            .into_iter()
            .filter(|f| f.closed_at.is_none())
            .cloned()
            .collect();
        let siblings = self.store().siblings_of(person.id).await?;
        Ok(AdmissionForm {
            person,
            siblings,
            facilities,
        })
    }

    /// Records a gatekeeping assessment and decision for a person the caller may
    /// assess, held by `facility` (`None`: none chosen, refused at `facility`, as is a
    /// facility the caller does not see or that holds no care). A facility beyond the
    /// WRITE reach of care is beyond the caller's scope. It waits for the director.
    pub async fn record_admission(
        &self,
        caller: &Caller,
        person: Id,
        facility: Option<Id>,
        details: Parsed<AdmissionDetails>,
    ) -> Result<Admission> {
        let person = self.admissible_person(caller, person).await?;
        let access = self.care_access(caller).await?;
        let Some(facility) = facility.filter(|f| access.sees_facility(*f)) else {
            let mut problems = details.err().unwrap_or_default();
            problems.insert(0, ("facility", CareError::Required));
            return Err(invalid(problems));
        };
        let details = parsed(details)?;
        self.may_write_care_at(caller, facility).await?;
        match self
            .store()
            .record_admission(&caller.actor(), person.id, facility, &details)
            .await
        {
            Ok(admission) => Ok(admission),
            Err(StoreError::NotFound { .. }) => Err(refused("facility", CareError::BadChoice)),
            Err(other) => Err(other.into()),
        }
    }

    /// An admission the caller may read (`Read Care`: its child seen), with its child
    /// and approver, without an audit event (for a page shown again).
    pub async fn care_admission_record(&self, caller: &Caller, id: Id) -> Result<AdmissionRecord> {
        caller.require(Action::Read, Kind::Care)?;
        self.visible_admission(caller, id).await
    }

    async fn visible_admission(&self, caller: &Caller, id: Id) -> Result<AdmissionRecord> {
        let admission = match self.store().admission(id).await {
            Ok(admission) => admission,
            Err(StoreError::NotFound { .. }) => {
                return Err(AppError::NotFound { entity: ADMISSION })
            }
            Err(other) => return Err(other.into()),
        };
        let child = self.visible_child(caller, admission.child_id).await?.child;
        let approver = match admission.approved_by {
            Some(user) => self.store().user(user).await.ok().map(|u| u.display_name),
            None => None,
        };
        Ok(AdmissionRecord {
            admission,
            child,
            approver,
        })
    }

    /// Reads an admission (see [`App::care_admission_record`]), writing the audit event of
    /// the read on the child's person.
    pub async fn read_care_admission(&self, caller: &Caller, id: Id) -> Result<AdmissionRecord> {
        let record = self.care_admission_record(caller, id).await?;
        self.store()
            .audit_person(
                &caller.actor(),
                "care_child_read",
                record.child.person_id,
                &format!("admission {}", record.admission.id),
            )
            .await?;
        Ok(record)
    }

    /// The programme director approves or declines an admission (`Write
    /// CareApproval`): its child seen whole, in the WRITE reach of the roles that
    /// approve. An admission decided already was changed since it was read.
    pub async fn decide_admission(
        &self,
        caller: &Caller,
        id: Id,
        version: i64,
        decision: Parsed<Decision>,
    ) -> Result<Admission> {
        caller.require(Action::Write, Kind::CareApproval)?;
        let record = self.visible_admission(caller, id).await?;
        let facility = record.child.facility_id;
        if !self.care_access(caller).await?.sees_facility(facility) {
            return Err(AppError::NotFound { entity: ADMISSION });
        }
        if !self
            .care_access_of(caller, &[(Action::Write, Kind::CareApproval)])
            .await?
            .sees_facility(facility)
        {
            return Err(AppError::ScopeBeyondYours);
        }
        let decision = parsed(decision)?;
        if decision.status == AdmissionStatus::Pending {
            return Err(refused("status", CareError::BadChoice));
        }
        Ok(self
            .store()
            .decide_admission(
                &caller.actor(),
                record.admission.id,
                version,
                decision.status,
                &decision.note,
            )
            .await?)
    }
}
