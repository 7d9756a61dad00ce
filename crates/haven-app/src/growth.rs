//! Growth monitoring: a child's measurements and their z-scores, read and recorded
//! within the caller's clinical reach.
//!
//! Reading needs Read Clinical, recording Write Clinical. A person out of read reach
//! (or entered in error, or unknown) is not found; one in read reach but out of write
//! reach is beyond the caller's places. A measurement's facility, when named, must be
//! in the caller's write reach.

use haven_domain::{Action, Kind};
use haven_store::growth::{Admission, GrowthMeasurement, NewMeasurement};
use haven_store::mch::Pregnancy;
use haven_store::{Facility, Id, Person, StoreError};

use crate::{App, AppError, Caller, Result};

/// The field of a measurement's facility, refused when out of write reach.
pub const FACILITY_FIELD: &str = "facility";

/// The code of a facility outside the caller's write reach, or unknown ("choose a
/// facility you work for").
pub const FACILITY_NOT_YOURS: &str = "mch-error-facility-required";

/// What a child's growth page shows: the measurements (of every record merged into
/// them, oldest first), the programme admissions, and the pregnancies in the caller's
/// reach (they decide which cut-offs read an adult woman's MUAC).
#[derive(Clone, Debug)]
pub struct GrowthRecord {
    pub measurements: Vec<GrowthMeasurement>,
    pub admissions: Vec<Admission>,
    pub pregnancies: Vec<Pregnancy>,
}

impl App {
    /// A person whose growth the caller may `action`: in read reach (else not
    /// found) and, to write, in write reach (else beyond their places).
    pub async fn growth_child(&self, caller: &Caller, id: Id, action: Action) -> Result<Person> {
        caller.require(action, Kind::Clinical)?;
        let person = self.clinical_person(caller, id).await?;
        if action == Action::Write
            && !self
                .clinical_reach(caller, Action::Write)
                .await?
                .holds(person.registered_facility_id)
        {
            return Err(AppError::ScopeBeyondYours);
        }
        Ok(person)
    }

    /// The open facilities the caller's roles that `action` clinical records reach.
    pub async fn growth_facilities(
        &self,
        caller: &Caller,
        action: Action,
    ) -> Result<Vec<Facility>> {
        let reach = self.clinical_reach(caller, action).await?;
        Ok(self
            .store()
            .facilities()
            .await?
            .into_iter()
            .filter(|f| f.closed_at.is_none() && reach.holds(Some(f.id)))
            .collect())
    }

    /// A person's measurements (of every record merged into them), oldest first;
    /// the read is audited.
    pub async fn read_growth(
        &self,
        caller: &Caller,
        person: Id,
    ) -> Result<(Person, Vec<GrowthMeasurement>)> {
        let person = self.growth_child(caller, person, Action::Read).await?;
        let mut all = Vec::new();
        for id in self.store().records_of(person.id).await? {
            all.extend(self.store().read_growth(&caller.actor(), id).await?);
        }
        all.sort_by_key(|m| (m.measured_on, m.created_at));
        Ok((person, all))
    }

    /// Records a measurement of a person in write reach, at a facility (if named)
    /// in write reach: else the facility field is refused with
    /// [`FACILITY_NOT_YOURS`]. Taken at a visit, the visit must be this person's at
    /// a facility in write reach (else not found), and the measurement is at the
    /// visit's facility; a form sent twice records once (one measurement per visit
    /// and day, until it is marked entered in error: the one recorded is answered).
    pub async fn record_measurement(
        &self,
        caller: &Caller,
        new: &NewMeasurement,
    ) -> Result<GrowthMeasurement> {
        let person = self
            .growth_child(caller, new.person_id, Action::Write)
            .await?;
        let mut new = new.clone();
        if let Some(visit) = new.visit_id {
            let visit = match self.store().visit(visit).await {
                Ok(visit) => visit,
                Err(StoreError::NotFound { .. }) => {
                    return Err(AppError::NotFound { entity: "visit" })
                }
                Err(other) => return Err(other.into()),
            };
            let write = self.clinical_reach(caller, Action::Write).await?;
            let ours = self.store().records_of(person.id).await?;
            if !ours.contains(&visit.person_id) || !write.holds(Some(visit.facility_id)) {
                return Err(AppError::NotFound { entity: "visit" });
            }
            new.facility_id = Some(visit.facility_id);
            if let Some(already) = self
                .store()
                .measurements_at_visit(visit.id)
                .await?
                .into_iter()
                .find(|m| m.measured_on == new.measured_on)
            {
                return Ok(already);
            }
        }
        if let Some(facility) = new.facility_id {
            if !self
                .clinical_reach(caller, Action::Write)
                .await?
                .holds(Some(facility))
            {
                return Err(AppError::field(FACILITY_FIELD, FACILITY_NOT_YOURS));
            }
        }
        new.person_id = person.id;
        match self.store().record_measurement(&caller.actor(), &new).await {
            Ok(stored) => Ok(stored),
            Err(StoreError::NotFound { entity: "facility" }) => {
                Err(AppError::field(FACILITY_FIELD, FACILITY_NOT_YOURS))
            }
            Err(other) => Err(other.into()),
        }
    }

    /// Marks a measurement of a person (or of a record merged into them) entered in
    /// error, with why, naming the version read.
    pub async fn measurement_in_error(
        &self,
        caller: &Caller,
        person: Id,
        measurement: Id,
        version: i64,
        reason: &str,
    ) -> Result<Person> {
        let person = self.growth_child(caller, person, Action::Write).await?;
        let not_found = AppError::NotFound {
            entity: "measurement",
        };
        let m = match self.store().measurement(measurement).await {
            Ok(m) => m,
            Err(StoreError::NotFound { .. }) => return Err(not_found),
            Err(other) => return Err(other.into()),
        };
        if !self
            .store()
            .records_of(person.id)
            .await?
            .contains(&m.person_id)
        {
            return Err(not_found);
        }
        if reason.trim().is_empty() {
            return Err(AppError::field("reason", "growth-error-reason-required"));
        }
        self.store()
            .mark_measurement_in_error(&caller.actor(), m.id, version, reason)
            .await?;
        Ok(person)
    }

    /// A child's growth page: the read is audited.
    pub async fn growth_record(&self, caller: &Caller, person: Id) -> Result<GrowthRecord> {
        let (person, measurements) = self.read_growth(caller, person).await?;
        let admissions = self.store().nutrition_admissions_of(person.id).await?;
        let reach = self.clinical_reach(caller, Action::Read).await?;
        let pregnancies = self
            .store()
            .pregnancies_of(person.id)
            .await?
            .into_iter()
            .filter(|p| reach.holds(Some(p.facility_id)))
            .collect();
        Ok(GrowthRecord {
            measurements,
            admissions,
            pregnancies,
        })
    }

    /// The printable child health card's measurements; printing it is audited.
    pub async fn growth_card(
        &self,
        caller: &Caller,
        person: Id,
    ) -> Result<(Person, Vec<GrowthMeasurement>)> {
        let person = self.growth_child(caller, person, Action::Read).await?;
        let measurements = self.measurements_of_records(person.id).await?;
        self.store()
            .audit_person(&caller.actor(), "growth_card", person.id, "")
            .await?;
        Ok((person, measurements))
    }

    /// The measurements of a person for their page's summary: `None` without Read
    /// Clinical or out of read reach (the section is left out).
    pub async fn growth_summary(
        &self,
        caller: &Caller,
        person: &Person,
    ) -> Result<Option<Vec<GrowthMeasurement>>> {
        if !caller.can(Action::Read, Kind::Clinical) {
            return Ok(None);
        }
        let reach = self.clinical_reach(caller, Action::Read).await?;
        if !reach.holds(person.registered_facility_id) {
            return Ok(None);
        }
        Ok(Some(self.measurements_of_records(person.id).await?))
    }

    async fn measurements_of_records(&self, person: Id) -> Result<Vec<GrowthMeasurement>> {
        let mut all = Vec::new();
        for id in self.store().records_of(person).await? {
            all.extend(self.store().measurements_of(id).await?);
        }
        all.sort_by_key(|m| (m.measured_on, m.created_at));
        Ok(all)
    }
}
