//! Growth monitoring and the malnutrition programme: a child's measurements and
//! their z-scores, admissions with their follow-ups and discharges, and the
//! programme's outcomes, read and recorded within the caller's clinical reach.
//!
//! Reading needs Read Clinical, recording Write Clinical. A person out of read reach
//! (or entered in error, or unknown) is not found; one in read reach but out of write
//! reach is beyond the caller's places. A measurement's facility, when named, must be
//! in the caller's write reach. An admission belongs to its facility as a record
//! does; the programme's outcomes are figures without names, read with Read
//! Clinical or Read Report.

use haven_domain::growth::nutrition::DischargeOutcome;
use haven_domain::growth::GrowthError;
use haven_domain::{Action, Kind};
use haven_store::clinic::{Encounter, VitalSigns};
use haven_store::growth::{
    Admission, FollowUp, GrowthMeasurement, MonthlyOutcomes, NewAdmission, NewFollowUp,
    NewMeasurement, SessionChild,
};
use haven_store::mch::Pregnancy;
use haven_store::{Facility, Id, Person, Reach, StoreError};
use time::Date;

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

/// An admission to the malnutrition programme with what its page shows: the child,
/// the measurement that admitted them and each follow-up with its measurement.
#[derive(Clone, Debug)]
pub struct NutritionAdmission {
    pub admission: Admission,
    pub person: Person,
    /// The admitting measurement, when one was recorded and is not entered in error.
    pub admitting: Option<GrowthMeasurement>,
    /// The follow-ups, oldest first, each with the measurement taken at it.
    pub follow_ups: Vec<(FollowUp, GrowthMeasurement)>,
}

/// What the growth section of an outpatient visit shows: the measurements taken at
/// the visit, its latest vital signs (to prefill the form), and whether the caller
/// may record a measurement there.
#[derive(Clone, Debug)]
pub struct VisitMeasurements {
    pub measured: Vec<GrowthMeasurement>,
    pub vitals: Option<VitalSigns>,
    pub can_write: bool,
}

impl App {
    /// An admission to the malnutrition programme the caller reads, with its child:
    /// Read Clinical, the admission's facility and the child in read reach (else not
    /// found).
    pub async fn nutrition_admission_to_read(
        &self,
        caller: &Caller,
        id: Id,
    ) -> Result<(Admission, Person)> {
        caller.require(Action::Read, Kind::Clinical)?;
        let admission = self.store().nutrition_admission(id).await?;
        if !self
            .clinical_reach(caller, Action::Read)
            .await?
            .holds(Some(admission.facility_id))
        {
            return Err(AppError::NotFound {
                entity: "admission",
            });
        }
        let person = self
            .growth_child(caller, admission.person_id, Action::Read)
            .await?;
        Ok((admission, person))
    }

    /// An admission the caller may change (follow up, discharge): Write Clinical; in
    /// read reach (else not found); the admission's facility and the child in write
    /// reach (else beyond the caller's places).
    pub async fn nutrition_admission_to_write(
        &self,
        caller: &Caller,
        id: Id,
    ) -> Result<(Admission, Person)> {
        caller.require(Action::Write, Kind::Clinical)?;
        let (admission, _) = self.nutrition_admission_to_read(caller, id).await?;
        if !self
            .clinical_reach(caller, Action::Write)
            .await?
            .holds(Some(admission.facility_id))
        {
            return Err(AppError::ScopeBeyondYours);
        }
        let person = self
            .growth_child(caller, admission.person_id, Action::Write)
            .await?;
        Ok((admission, person))
    }

    /// An admission's page: the admission as [`App::nutrition_admission_to_read`] finds it,
    /// with its measurements and follow-ups; the read is audited.
    pub async fn read_nutrition_admission(
        &self,
        caller: &Caller,
        id: Id,
    ) -> Result<NutritionAdmission> {
        let (admission, person) = self.nutrition_admission_to_read(caller, id).await?;
        self.store()
            .audit_person(
                &caller.actor(),
                "nutrition_read",
                person.id,
                &admission.id.to_string(),
            )
            .await?;
        self.nutrition_record(admission, person).await
    }

    async fn nutrition_record(
        &self,
        admission: Admission,
        person: Person,
    ) -> Result<NutritionAdmission> {
        let store = self.store();
        let admitting = match admission.measurement_id {
            Some(id) => match store.measurement(id).await {
                Ok(m) => Some(m),
                // Marked entered in error since: the admission stands without it.
                Err(StoreError::NotFound { .. }) => None,
                Err(other) => return Err(other.into()),
            },
            None => None,
        };
        let mut follow_ups = Vec::new();
        for f in store.follow_ups_of(admission.id).await? {
            let m = store.measurement(f.measurement_id).await?;
            follow_ups.push((f, m));
        }
        Ok(NutritionAdmission {
            admission,
            person,
            admitting,
            follow_ups,
        })
    }

    /// The children in the programme now at these facilities (those out of the
    /// caller's read reach are left out), oldest admission first, each with their
    /// measurements: Read Clinical.
    pub async fn open_nutrition_admissions(
        &self,
        caller: &Caller,
        facilities: &[Id],
    ) -> Result<Vec<NutritionAdmission>> {
        caller.require(Action::Read, Kind::Clinical)?;
        let reach = self.clinical_reach(caller, Action::Read).await?;
        let named: Vec<Id> = facilities
            .iter()
            .copied()
            .filter(|id| reach.holds(Some(*id)))
            .collect();
        let mut records = Vec::new();
        for admission in self.store().open_admissions(&named).await? {
            let person = self.store().person(admission.person_id).await?;
            records.push(self.nutrition_record(admission, person).await?);
        }
        Ok(records)
    }

    /// Admits a child to a programme: Write Clinical, the child in write reach (else
    /// not found or beyond the caller's places), the facility in write reach (else
    /// the `facility` field is refused), admitted on or after their birth (else the
    /// `admitted_on` field). Without a measurement named, the child's latest one
    /// admits them; one named must be theirs (else not found). A child is in one
    /// programme at a time: while another admission is open, a duplicate `person`.
    pub async fn admit_to_programme(
        &self,
        caller: &Caller,
        new: &NewAdmission,
    ) -> Result<Admission> {
        let person = self
            .growth_child(caller, new.person_id, Action::Write)
            .await?;
        if !self
            .clinical_reach(caller, Action::Write)
            .await?
            .holds(Some(new.facility_id))
        {
            return Err(AppError::field(FACILITY_FIELD, FACILITY_NOT_YOURS));
        }
        if new.admitted_on < person.birth_date {
            return Err(AppError::field(
                "admitted_on",
                GrowthError::DateBeforeBirth.code(),
            ));
        }
        let mut new = new.clone();
        new.person_id = person.id;
        new.measurement_id = match new.measurement_id {
            Some(id) => {
                let not_found = AppError::NotFound {
                    entity: "measurement",
                };
                let m = match self.store().measurement(id).await {
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
                Some(m.id)
            }
            None => self
                .store()
                .measurements_of(person.id)
                .await?
                .pop()
                .map(|m| m.id),
        };
        match self.store().admit_to_programme(&caller.actor(), &new).await {
            Ok(admission) => Ok(admission),
            Err(StoreError::NotFound { entity: "facility" }) => {
                Err(AppError::field(FACILITY_FIELD, FACILITY_NOT_YOURS))
            }
            Err(other) => Err(other.into()),
        }
    }

    /// Records a weekly follow-up of an admission the caller may change (see
    /// [`App::nutrition_admission_to_write`]): the measurement is the admitted child's, at the
    /// admission's facility, at no visit, whatever the command says. A discharged
    /// admission is a conflict.
    pub async fn record_follow_up(
        &self,
        caller: &Caller,
        admission: Id,
        new: &NewFollowUp,
    ) -> Result<FollowUp> {
        let (admission, person) = self.nutrition_admission_to_write(caller, admission).await?;
        let mut new = new.clone();
        new.measurement.person_id = person.id;
        new.measurement.facility_id = Some(admission.facility_id);
        new.measurement.visit_id = None;
        Ok(self
            .store()
            .record_follow_up(&caller.actor(), admission.id, &new)
            .await?)
    }

    /// Discharges a child from an admission the caller may change (see
    /// [`App::nutrition_admission_to_write`]) with an outcome, naming the version read; a
    /// discharge before the admission refuses the `discharged_on` field.
    pub async fn discharge_from_programme(
        &self,
        caller: &Caller,
        admission: Id,
        version: i64,
        discharged_on: Date,
        outcome: DischargeOutcome,
        note: &str,
    ) -> Result<Admission> {
        let (admission, _) = self.nutrition_admission_to_write(caller, admission).await?;
        if discharged_on < admission.admitted_on {
            return Err(AppError::field(
                "discharged_on",
                "growth-discharge-incomplete",
            ));
        }
        Ok(self
            .store()
            .discharge_from_programme(
                &caller.actor(),
                admission.id,
                version,
                discharged_on,
                outcome,
                note,
            )
            .await?)
    }

    /// The facilities whose programme outcomes the caller reads (figures without
    /// names: Read Clinical or Read Report, as far as those roles reach), open or
    /// closed; refused without either permission.
    pub async fn nutrition_outcome_facilities(&self, caller: &Caller) -> Result<Vec<Facility>> {
        let reach = self.nutrition_outcome_reach(caller).await?;
        Ok(self
            .store()
            .facilities()
            .await?
            .into_iter()
            .filter(|f| reach.holds(Some(f.id)))
            .collect())
    }

    /// The programme's discharges per facility and month from `from` to `to`, at
    /// these facilities: each must be one of [`App::nutrition_outcome_facilities`] (else not
    /// found).
    pub async fn programme_outcomes(
        &self,
        caller: &Caller,
        facilities: &[Id],
        from: Date,
        to: Date,
    ) -> Result<Vec<MonthlyOutcomes>> {
        let reach = self.nutrition_outcome_reach(caller).await?;
        if facilities.iter().any(|id| !reach.holds(Some(*id))) {
            return Err(AppError::NotFound { entity: "facility" });
        }
        Ok(self
            .store()
            .programme_outcomes(facilities, from, to)
            .await?)
    }

    async fn nutrition_outcome_reach(&self, caller: &Caller) -> Result<Reach> {
        let kinds = [Kind::Clinical, Kind::Report];
        if !kinds.iter().any(|kind| caller.can(Action::Read, *kind)) {
            return Err(AppError::Forbidden);
        }
        self.mch_reach(caller, Action::Read, &kinds).await
    }

    /// The children of a facility for a growth-monitoring session, born on or after
    /// `born_on_or_after`, each with their latest measurement, at most `limit`: Read
    /// Clinical, the facility in read reach (else not found).
    pub async fn growth_session_children(
        &self,
        caller: &Caller,
        facility: Id,
        born_on_or_after: Date,
        limit: i64,
    ) -> Result<Vec<SessionChild>> {
        caller.require(Action::Read, Kind::Clinical)?;
        if !self
            .clinical_reach(caller, Action::Read)
            .await?
            .holds(Some(facility))
        {
            return Err(AppError::NotFound { entity: "facility" });
        }
        Ok(self
            .store()
            .growth_session_children(facility, born_on_or_after, limit)
            .await?)
    }

    /// The growth section of an outpatient visit: Read Clinical, the visit in read
    /// reach (else not found); whether the caller may record there is Write Clinical
    /// with the visit's facility in write reach.
    pub async fn visit_measurements(
        &self,
        caller: &Caller,
        visit: Id,
    ) -> Result<VisitMeasurements> {
        caller.require(Action::Read, Kind::Clinical)?;
        let not_found = AppError::NotFound { entity: "visit" };
        let visit = match self.store().visit(visit).await {
            Ok(visit) => visit,
            Err(StoreError::NotFound { .. }) => return Err(not_found),
            Err(other) => return Err(other.into()),
        };
        if !self
            .clinical_reach(caller, Action::Read)
            .await?
            .holds(Some(visit.facility_id))
        {
            return Err(not_found);
        }
        let measured = self.store().measurements_at_visit(visit.id).await?;
        let vitals = self
            .store()
            .vitals_of(Encounter::Visit(visit.id))
            .await?
            .pop();
        Ok(VisitMeasurements {
            measured,
            vitals,
            can_write: self
                .may_write_clinical_at(caller, visit.facility_id)
                .await?,
        })
    }
}
