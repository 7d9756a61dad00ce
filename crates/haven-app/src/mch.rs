//! Mother and child health: pregnancies and antenatal contacts, births and postnatal
//! contacts, immunisation, family planning and their corrections.
//!
//! Reading needs Read Clinical, writing Write Clinical; HIV and syphilis results are
//! a sealed class (`HivResult`): only roles with it read them, and a contact that
//! carries one needs Write HivResult. A record belongs to its facility: out of the
//! caller's read reach it is not found; in read reach but out of write reach a write
//! is refused as beyond the caller's places.

use haven_domain::mch::birth::{DeliveryDetails, DeliveryInput, MotherNames};
use haven_domain::mch::family_planning::{FpVisitDetails, FpVisitInput};
use haven_domain::mch::immunisation::Schedule;
use haven_domain::mch::postnatal::{PncContactDetails, PncContactInput, POSTNATAL_DAYS};
use haven_domain::mch::pregnancy::{
    AncContactDetails, AncContactInput, PregnancyDetails, PregnancyEndDetails, PregnancyEndInput,
};
use haven_domain::mch::{FieldErrors, MchError};
use haven_domain::{Action, Kind};
use haven_store::mch::{
    AncContact, Correctable, CorrectableRecord, Delivery, DeliveryBaby, Dose, FpVisit,
    HivScreening, NewDose, PncContact, Pregnancy, SyphilisScreening, TdGiven,
};
use haven_store::{Facility, Id, Person, Reach, StoreError};
use time::Date;

use crate::{App, AppError, Caller, FieldError, Result};

/// The code of the refusal of a contact or a delivery on a pregnancy that is no
/// longer open (delivered or ended).
pub const PREGNANCY_CLOSED: &str = "mch-pregnancy-closed";

/// A pregnancy with what its page shows: its antenatal contacts and, for a caller
/// with Read HivResult only, its HIV and syphilis screenings (else empty).
#[derive(Clone, Debug)]
pub struct PregnancyRecord {
    pub pregnancy: Pregnancy,
    pub contacts: Vec<AncContact>,
    pub hiv: Vec<HivScreening>,
    pub syphilis: Vec<SyphilisScreening>,
    pub delivery: Option<Delivery>,
    /// The woman and her doses (for her Td series).
    pub woman: Person,
    pub doses: Vec<Dose>,
}

/// A delivery with its babies and postnatal contacts.
#[derive(Clone, Debug)]
pub struct DeliveryRecord {
    pub delivery: Delivery,
    pub babies: Vec<DeliveryBaby>,
    pub pnc: Vec<PncContact>,
    /// The registry name of each live-born baby's person.
    pub baby_names: Vec<(Id, String)>,
}

/// The immunisation card's data: the person and every dose not entered in error.
#[derive(Clone, Debug)]
pub struct ImmunisationCard {
    pub person: Person,
    pub doses: Vec<Dose>,
}

/// A delivery of the postnatal list: its contacts and the people it followed up
/// (the mother, then each live-born baby with its position and name).
#[derive(Clone, Debug)]
pub struct PncDelivery {
    pub delivery: Delivery,
    pub contacts: Vec<PncContact>,
    pub people: Vec<(Id, Option<i64>, String)>,
}

/// What a person's page says of their mother and child health: the pregnancies in
/// the caller's reach, the birth that made them (if recorded), their doses and
/// whether they have family planning visits.
#[derive(Clone, Debug)]
pub struct MchSummary {
    pub pregnancies: Vec<Pregnancy>,
    pub born_at: Option<Delivery>,
    pub doses: Vec<Dose>,
    pub family_planning: bool,
    /// She has an open pregnancy, in the caller's reach or not (one at a time).
    pub open_pregnancy: bool,
}

/// A postnatal contact to record: who (the mother or a live-born baby) and what.
pub struct NewPncContact<'a> {
    pub person: Option<Id>,
    pub input: PncContactInput<'a>,
}

/// A dose to record for one person.
pub struct DoseCommand {
    pub facility: Option<Id>,
    pub antigen: String,
    pub dose_number: i64,
    pub cvx: String,
    pub given_on: Date,
    pub lot: String,
    pub given_by: String,
}

/// Turns the domain's field errors into the app's.
pub fn invalid(errors: &FieldErrors) -> AppError {
    AppError::Invalid(
        errors
            .iter()
            .map(|(field, error)| FieldError {
                field,
                code: error.code(),
            })
            .collect(),
    )
}

impl App {
    /// How far the caller's roles that grant `action` on any of `kinds` reach
    /// (coverage, an aggregate without names, is read with Read Clinical or Read
    /// Report).
    pub async fn mch_reach(
        &self,
        caller: &Caller,
        action: Action,
        kinds: &[Kind],
    ) -> Result<Reach> {
        let scopes: Vec<_> = caller
            .roles()
            .iter()
            .filter(|(role, _)| kinds.iter().any(|kind| role.permits(action, *kind)))
            .map(|(_, scope)| scope.clone())
            .collect();
        Ok(self.store().reach_of(&scopes).await?)
    }

    /// How far the caller's roles that grant `action` on clinical records reach.
    pub async fn clinical_reach(&self, caller: &Caller, action: Action) -> Result<Reach> {
        self.mch_reach(caller, action, &[Kind::Clinical]).await
    }

    /// A person whose clinical records the caller reads (a merged record answers as
    /// its survivor), or not found: unknown, entered in error or out of read reach.
    pub async fn clinical_person(&self, caller: &Caller, id: Id) -> Result<Person> {
        caller.require(Action::Read, Kind::Clinical)?;
        let not_found = AppError::NotFound { entity: "person" };
        let id = match self.store().resolve_merged(id).await {
            Ok(id) => id,
            Err(StoreError::NotFound { .. }) => return Err(not_found),
            Err(other) => return Err(other.into()),
        };
        let person = match self.store().person(id).await {
            Ok(person) => person,
            Err(StoreError::NotFound { .. }) => return Err(not_found),
            Err(other) => return Err(other.into()),
        };
        let reach = self.clinical_reach(caller, Action::Read).await?;
        if person.entered_in_error_at.is_some() || !reach.holds(person.registered_facility_id) {
            return Err(not_found);
        }
        Ok(person)
    }

    /// The open facilities the caller's roles that Read any of `kinds` reach where
    /// mother-and-child care happens: mother-and-child clinics first, then medical
    /// centres, then emergency health centres.
    /// A caller with Read on none of `kinds` is refused.
    pub async fn mch_facilities(&self, caller: &Caller, kinds: &[Kind]) -> Result<Vec<Facility>> {
        use haven_domain::places::FacilityKind;
        if !kinds.iter().any(|kind| caller.can(Action::Read, *kind)) {
            return Err(AppError::Forbidden);
        }
        let reach = self.mch_reach(caller, Action::Read, kinds).await?;
        let rank = |f: &Facility| match f.kind() {
            Some(FacilityKind::MotherChildClinic) => Some(0),
            Some(FacilityKind::MedicalCentre) => Some(1),
            Some(FacilityKind::EmergencyHealthCentre) => Some(2),
            _ => None,
        };
        let mut facilities: Vec<Facility> = self
            .store()
            .facilities()
            .await?
            .into_iter()
            .filter(|f| f.closed_at.is_none() && reach.holds(Some(f.id)) && rank(f).is_some())
            .collect();
        facilities.sort_by_key(|f| rank(f));
        Ok(facilities)
    }

    /// A facility whose lists the caller reads (Read Clinical, in read reach), or
    /// not found.
    pub async fn mch_facility_to_read(&self, caller: &Caller, facility: Id) -> Result<Id> {
        caller.require(Action::Read, Kind::Clinical)?;
        if self
            .clinical_reach(caller, Action::Read)
            .await?
            .holds(Some(facility))
        {
            Ok(facility)
        } else {
            Err(AppError::NotFound { entity: "facility" })
        }
    }

    /// A facility's name in English and Khmer, for a list's heading (names of
    /// places are not personal data).
    pub async fn facility_names(&self, facility: Id) -> Result<(String, String)> {
        let facility = self.store().facility(facility).await?;
        Ok((facility.name, facility.name_km))
    }

    /// Refuses a caller who may not read clinical records, before a query is read.
    pub fn may_read_clinical(&self, caller: &Caller) -> Result<()> {
        caller.require(Action::Read, Kind::Clinical)
    }

    /// Refuses a caller who may not write clinical records, before a form is shown.
    pub fn may_write_clinical(&self, caller: &Caller) -> Result<()> {
        caller.require(Action::Write, Kind::Clinical)
    }

    /// True when the caller may write clinical records at this facility.
    pub async fn may_write_clinical_at(&self, caller: &Caller, facility: Id) -> Result<bool> {
        Ok(caller.can(Action::Write, Kind::Clinical)
            && self
                .clinical_reach(caller, Action::Write)
                .await?
                .holds(Some(facility)))
    }

    /// A facility to record at: chosen, and in the caller's write reach, else the
    /// field `facility_field` is refused.
    async fn write_facility(
        &self,
        caller: &Caller,
        facility: Option<Id>,
        facility_field: &'static str,
    ) -> Result<Id> {
        match facility {
            Some(id) if self.may_write_clinical_at(caller, id).await? => Ok(id),
            _ => Err(AppError::field(
                facility_field,
                MchError::FacilityRequired.code(),
            )),
        }
    }

    /// A record of `facility` the caller may write: in write reach, else beyond
    /// their places (the read check comes first, by the caller).
    async fn writable_at(&self, caller: &Caller, facility: Id) -> Result<()> {
        caller.require(Action::Write, Kind::Clinical)?;
        if self
            .clinical_reach(caller, Action::Write)
            .await?
            .holds(Some(facility))
        {
            Ok(())
        } else {
            Err(AppError::ScopeBeyondYours)
        }
    }

    /// A pregnancy the caller reads, or not found.
    pub async fn pregnancy_to_read(&self, caller: &Caller, id: Id) -> Result<Pregnancy> {
        caller.require(Action::Read, Kind::Clinical)?;
        let pregnancy = self.store().pregnancy(id).await?;
        if !self
            .clinical_reach(caller, Action::Read)
            .await?
            .holds(Some(pregnancy.facility_id))
        {
            return Err(AppError::NotFound {
                entity: "pregnancy",
            });
        }
        Ok(pregnancy)
    }

    /// A pregnancy the caller may change: in read reach (else not found) and in
    /// write reach (else beyond their places).
    pub async fn pregnancy_to_write(&self, caller: &Caller, id: Id) -> Result<Pregnancy> {
        caller.require(Action::Write, Kind::Clinical)?;
        let pregnancy = self.pregnancy_to_read(caller, id).await?;
        self.writable_at(caller, pregnancy.facility_id).await?;
        Ok(pregnancy)
    }

    /// An open pregnancy the caller may change: a delivered or ended one is refused
    /// with [`PREGNANCY_CLOSED`].
    pub async fn open_pregnancy_to_write(&self, caller: &Caller, id: Id) -> Result<Pregnancy> {
        let pregnancy = self.pregnancy_to_write(caller, id).await?;
        if !pregnancy.is_open() {
            return Err(AppError::Refused(PREGNANCY_CLOSED));
        }
        Ok(pregnancy)
    }

    /// A pregnancy with its contacts (screenings only with Read HivResult) and its
    /// delivery, without writing an audit event (for a page shown again with a form's
    /// errors).
    pub async fn pregnancy_record(&self, caller: &Caller, id: Id) -> Result<PregnancyRecord> {
        let pregnancy = self.pregnancy_to_read(caller, id).await?;
        let store = self.store();
        let contacts = store.anc_contacts(pregnancy.id).await?;
        let (hiv, syphilis) = if caller.can(Action::Read, Kind::HivResult) {
            (
                store.hiv_screenings_of_pregnancy(pregnancy.id).await?,
                store.syphilis_screenings_of_pregnancy(pregnancy.id).await?,
            )
        } else {
            (Vec::new(), Vec::new())
        };
        let delivery = store.delivery_of_pregnancy(pregnancy.id).await?;
        let woman = store.person(pregnancy.person_id).await?;
        let doses = store.doses_of(pregnancy.person_id).await?;
        Ok(PregnancyRecord {
            pregnancy,
            contacts,
            hiv,
            syphilis,
            delivery,
            woman,
            doses,
        })
    }

    /// Reads a pregnancy's record, writing the audit event of the read.
    pub async fn read_pregnancy(&self, caller: &Caller, id: Id) -> Result<PregnancyRecord> {
        let record = self.pregnancy_record(caller, id).await?;
        self.store()
            .audit_person(
                &caller.actor(),
                "pregnancy_read",
                record.pregnancy.person_id,
                &format!("pregnancy={}", record.pregnancy.id),
            )
            .await?;
        Ok(record)
    }

    /// The open pregnancies of a facility the caller reads, with their contact days.
    pub async fn open_pregnancies(
        &self,
        caller: &Caller,
        facility: Id,
    ) -> Result<Vec<haven_store::mch::OpenPregnancy>> {
        let facility = self.mch_facility_to_read(caller, facility).await?;
        Ok(self.store().open_pregnancies(facility).await?)
    }

    /// Registers a pregnancy of a woman in read reach (`None`: an id that is not one),
    /// at a facility in write reach.
    /// A woman with an open pregnancy is a duplicate (`pregnancy`).
    pub async fn register_pregnancy(
        &self,
        caller: &Caller,
        person: Option<Id>,
        facility: Option<Id>,
        details: std::result::Result<PregnancyDetails, FieldErrors>,
    ) -> Result<Pregnancy> {
        caller.require(Action::Write, Kind::Clinical)?;
        let person = person.ok_or(AppError::NotFound { entity: "person" })?;
        let person = self.clinical_person(caller, person).await?;
        let facility = self.write_facility(caller, facility, "facility").await;
        let details = match (details, facility) {
            (Ok(details), Ok(facility)) => (details, facility),
            (Err(errors), facility) => {
                let mut fields = match invalid(&errors) {
                    AppError::Invalid(fields) => fields,
                    _ => Vec::new(),
                };
                match facility {
                    Err(AppError::Invalid(more)) => fields.extend(more),
                    Err(other) => return Err(other),
                    Ok(_) => {}
                }
                return Err(AppError::Invalid(fields));
            }
            (Ok(_), Err(error)) => return Err(error),
        };
        Ok(self
            .store()
            .register_pregnancy(&caller.actor(), person.id, details.1, &details.0)
            .await?)
    }

    /// Records an antenatal contact of an open pregnancy in write reach. A contact
    /// with an HIV or syphilis result needs Write HivResult. A Td dose given is
    /// added to the immunisation record.
    pub async fn record_anc_contact(
        &self,
        caller: &Caller,
        pregnancy: Id,
        input: &AncContactInput<'_>,
        today: Date,
        td: TdGiven<'_>,
    ) -> Result<AncContact> {
        caller.require(Action::Write, Kind::Clinical)?;
        if !input.hiv.trim().is_empty() || !input.syphilis.trim().is_empty() {
            caller.require(Action::Write, Kind::HivResult)?;
        }
        let pregnancy = self.open_pregnancy_to_write(caller, pregnancy).await?;
        let details =
            AncContactDetails::parse(input, today, pregnancy.registered_on, pregnancy.dating_lmp)
                .map_err(|e| invalid(&e))?;
        Ok(self
            .store()
            .record_anc_contact(
                &caller.actor(),
                pregnancy.id,
                pregnancy.facility_id,
                &details,
                Some(td),
            )
            .await?)
    }

    /// Corrects a pregnancy's registration, naming the version read.
    pub async fn correct_pregnancy(
        &self,
        caller: &Caller,
        pregnancy: Id,
        version: i64,
        details: std::result::Result<PregnancyDetails, FieldErrors>,
    ) -> Result<Pregnancy> {
        let pregnancy = self.open_pregnancy_to_write(caller, pregnancy).await?;
        let details = details.map_err(|e| invalid(&e))?;
        Ok(self
            .store()
            .correct_pregnancy(&caller.actor(), pregnancy.id, version, &details)
            .await?)
    }

    /// Ends a pregnancy without a delivery, naming the version read.
    pub async fn end_pregnancy(
        &self,
        caller: &Caller,
        pregnancy: Id,
        version: i64,
        input: &PregnancyEndInput<'_>,
        today: Date,
    ) -> Result<Pregnancy> {
        let pregnancy = self.open_pregnancy_to_write(caller, pregnancy).await?;
        let details = PregnancyEndDetails::parse(input, today, pregnancy.registered_on)
            .map_err(|e| invalid(&e))?;
        Ok(self
            .store()
            .end_pregnancy(&caller.actor(), pregnancy.id, version, &details)
            .await?)
    }

    /// Marks a pregnancy registered in error, with why (1 to 200 characters).
    pub async fn pregnancy_in_error(
        &self,
        caller: &Caller,
        pregnancy: Id,
        version: i64,
        reason: &str,
    ) -> Result<Pregnancy> {
        let pregnancy = self.pregnancy_to_write(caller, pregnancy).await?;
        let reason = reason_text(reason)?;
        self.store()
            .mark_pregnancy_entered_in_error(&caller.actor(), pregnancy.id, version, &reason)
            .await?;
        Ok(pregnancy)
    }

    /// The birth form's pregnancy and its mother: an open pregnancy in write reach.
    /// A delivered one answers with its delivery instead.
    pub async fn delivery_form(
        &self,
        caller: &Caller,
        pregnancy: Id,
    ) -> Result<std::result::Result<Pregnancy, Delivery>> {
        let pregnancy = self.pregnancy_to_write(caller, pregnancy).await?;
        if let Some(delivery) = self.store().delivery_of_pregnancy(pregnancy.id).await? {
            return Ok(Err(delivery));
        }
        if !pregnancy.is_open() {
            return Err(AppError::Refused(PREGNANCY_CLOSED));
        }
        Ok(Ok(pregnancy))
    }

    /// Records the birth of a pregnancy in write reach, naming its version read
    /// (`None`: the version now): each live-born baby becomes a person linked to the
    /// mother. A pregnancy ended without a delivery takes none.
    pub async fn record_delivery(
        &self,
        caller: &Caller,
        pregnancy: Id,
        version: Option<i64>,
        input: &DeliveryInput<'_>,
        today: Date,
    ) -> Result<Delivery> {
        let pregnancy = self.pregnancy_to_write(caller, pregnancy).await?;
        if pregnancy.ended_on.is_some() {
            return Err(AppError::Refused(PREGNANCY_CLOSED));
        }
        let version = version.unwrap_or(pregnancy.version);
        let mother = self.store().person(pregnancy.person_id).await?;
        let details = DeliveryDetails::parse(
            input,
            today,
            pregnancy.registered_on,
            MotherNames {
                family_km: &mother.family_name_km,
                family_latin: &mother.family_name_latin,
            },
        )
        .map_err(|e| invalid(&e))?;
        Ok(self
            .store()
            .record_delivery(&caller.actor(), pregnancy.id, version, &details)
            .await?)
    }

    /// A delivery the caller reads, or not found.
    pub async fn delivery_to_read(&self, caller: &Caller, id: Id) -> Result<Delivery> {
        caller.require(Action::Read, Kind::Clinical)?;
        let delivery = self.store().delivery(id).await?;
        if !self
            .clinical_reach(caller, Action::Read)
            .await?
            .holds(Some(delivery.facility_id))
        {
            return Err(AppError::NotFound { entity: "delivery" });
        }
        Ok(delivery)
    }

    /// A delivery with its babies and postnatal contacts, without an audit event.
    pub async fn delivery_record(&self, caller: &Caller, id: Id) -> Result<DeliveryRecord> {
        let delivery = self.delivery_to_read(caller, id).await?;
        let babies = self.store().babies_of(delivery.id).await?;
        let pnc = self.store().pnc_contacts(delivery.id).await?;
        let mut baby_names = Vec::new();
        for person in babies.iter().filter_map(|b| b.person_id) {
            let name = self
                .store()
                .person(person)
                .await
                .map(|p| p.display_name())
                .unwrap_or_default();
            baby_names.push((person, name));
        }
        Ok(DeliveryRecord {
            delivery,
            babies,
            pnc,
            baby_names,
        })
    }

    /// Reads a delivery's record, writing the audit event of the read.
    pub async fn read_delivery(&self, caller: &Caller, id: Id) -> Result<DeliveryRecord> {
        let record = self.delivery_record(caller, id).await?;
        self.store()
            .audit_person(
                &caller.actor(),
                "delivery_read",
                record.delivery.person_id,
                &format!("delivery={id}"),
            )
            .await?;
        Ok(record)
    }

    /// Records a postnatal contact of the mother or a live-born baby of a delivery
    /// in write reach; anyone else is refused at `person_field`.
    pub async fn record_pnc_contact(
        &self,
        caller: &Caller,
        delivery: Id,
        contact: &NewPncContact<'_>,
        person_field: &'static str,
        today: Date,
    ) -> Result<PncContact> {
        caller.require(Action::Write, Kind::Clinical)?;
        let delivery = self.delivery_to_read(caller, delivery).await?;
        self.writable_at(caller, delivery.facility_id).await?;
        let parsed = PncContactDetails::parse(&contact.input, today, delivery.delivered_on);
        let (details, person) = match (parsed, contact.person) {
            (Ok(details), Some(person)) => (details, person),
            (parsed, _) => {
                let mut fields = match parsed {
                    Err(errors) => match invalid(&errors) {
                        AppError::Invalid(fields) => fields,
                        _ => Vec::new(),
                    },
                    Ok(_) => Vec::new(),
                };
                if contact.person.is_none() {
                    fields.push(FieldError {
                        field: person_field,
                        code: MchError::BadChoice.code(),
                    });
                }
                return Err(AppError::Invalid(fields));
            }
        };
        match self
            .store()
            .record_pnc_contact(
                &caller.actor(),
                delivery.id,
                person,
                delivery.facility_id,
                &details,
            )
            .await
        {
            Ok(contact) => Ok(contact),
            Err(StoreError::NotFound { .. }) => {
                Err(AppError::field(person_field, MchError::BadChoice.code()))
            }
            Err(other) => Err(other.into()),
        }
    }

    /// A person's immunisation card (their doses), writing the audit event of the
    /// read.
    pub async fn read_immunisation_card(
        &self,
        caller: &Caller,
        person: Id,
    ) -> Result<ImmunisationCard> {
        let person = self.clinical_person(caller, person).await?;
        self.store()
            .audit_person(&caller.actor(), "immunisation_read", person.id, "")
            .await?;
        let doses = self.store().doses_of(person.id).await?;
        Ok(ImmunisationCard { person, doses })
    }

    /// The doses of a person the caller reads, without an audit event.
    pub async fn doses_of(&self, caller: &Caller, person: Id) -> Result<ImmunisationCard> {
        let person = self.clinical_person(caller, person).await?;
        let doses = self.store().doses_of(person.id).await?;
        Ok(ImmunisationCard { person, doses })
    }

    /// Records doses given to people the caller reads, each at a facility in write
    /// reach (else refused at `facility_field`), in one transaction.
    pub async fn record_doses(
        &self,
        caller: &Caller,
        doses: Vec<(Id, DoseCommand)>,
        facility_field: &'static str,
        schedule: &Schedule,
    ) -> Result<Vec<Id>> {
        caller.require(Action::Write, Kind::Clinical)?;
        let mut new = Vec::with_capacity(doses.len());
        for (person, dose) in doses {
            let person = self.clinical_person(caller, person).await?;
            let facility = self
                .write_facility(caller, dose.facility, facility_field)
                .await?;
            new.push(NewDose {
                person_id: person.id,
                facility_id: facility,
                antigen: dose.antigen,
                dose_number: dose.dose_number,
                cvx: dose.cvx,
                given_on: dose.given_on,
                lot: dose.lot,
                given_by: dose.given_by,
                anc_contact_id: None,
            });
        }
        Ok(self
            .store()
            .record_doses(&caller.actor(), &new, schedule)
            .await?)
    }

    /// The doses of a person before recording another: Write Clinical, and the person
    /// in read reach (the facility of the dose is checked when it is recorded).
    pub async fn doses_to_write(&self, caller: &Caller, person: Id) -> Result<ImmunisationCard> {
        caller.require(Action::Write, Kind::Clinical)?;
        self.doses_of(caller, person).await
    }

    /// The summary of a person's page: `None` without Read Clinical or out of read
    /// reach (the section is left out, the page is not refused).
    pub async fn mch_summary(
        &self,
        caller: &Caller,
        person: &Person,
    ) -> Result<Option<MchSummary>> {
        if !caller.can(Action::Read, Kind::Clinical) {
            return Ok(None);
        }
        let reach = self.clinical_reach(caller, Action::Read).await?;
        if !reach.holds(person.registered_facility_id) {
            return Ok(None);
        }
        let store = self.store();
        let all = store.pregnancies_of(person.id).await?;
        let open_pregnancy = all.iter().any(|p| p.is_open());
        let pregnancies = all
            .into_iter()
            .filter(|p| reach.holds(Some(p.facility_id)))
            .collect();
        Ok(Some(MchSummary {
            open_pregnancy,
            pregnancies,
            born_at: store.delivery_of_baby(person.id).await?,
            doses: store.doses_of(person.id).await?,
            family_planning: !store.fp_visits_of(person.id).await?.is_empty(),
        }))
    }

    /// Refuses a caller who may read neither clinical records nor reports.
    pub fn may_read_coverage(&self, caller: &Caller) -> Result<()> {
        if caller.can(Action::Read, Kind::Clinical) {
            Ok(())
        } else {
            caller.require(Action::Read, Kind::Report)
        }
    }

    /// The deliveries of the last [`POSTNATAL_DAYS`] up to a day at a facility the
    /// caller reads, with their contacts and the people they follow up.
    pub async fn pnc_due(
        &self,
        caller: &Caller,
        facility: Id,
        on: Date,
    ) -> Result<Vec<PncDelivery>> {
        let facility = self.mch_facility_to_read(caller, facility).await?;
        let store = self.store();
        let mut answer = Vec::new();
        for delivery in store
            .deliveries_since(facility, on - time::Duration::days(POSTNATAL_DAYS))
            .await?
        {
            if delivery.delivered_on > on {
                continue;
            }
            let contacts = store.pnc_contacts(delivery.id).await?;
            let mut people = vec![(delivery.person_id, None, delivery.display_name())];
            for baby in store.babies_of(delivery.id).await? {
                if let Some(person_id) = baby.person_id {
                    let name = store
                        .person(person_id)
                        .await
                        .map(|p| p.display_name())
                        .unwrap_or_default();
                    people.push((person_id, Some(baby.position), name));
                }
            }
            answer.push(PncDelivery {
                delivery,
                contacts,
                people,
            });
        }
        Ok(answer)
    }

    /// Marks a dose of a person entered in error: the dose must be the person's, and
    /// given at a facility in write reach.
    pub async fn dose_in_error(
        &self,
        caller: &Caller,
        person: Id,
        dose: Id,
        version: i64,
        reason: &str,
        schedule: &Schedule,
    ) -> Result<Person> {
        caller.require(Action::Write, Kind::Clinical)?;
        let person = self.clinical_person(caller, person).await?;
        let dose = match self.store().dose(dose).await {
            Ok(dose) if dose.person_id == person.id => dose,
            Ok(_) | Err(StoreError::NotFound { .. }) => {
                return Err(AppError::NotFound { entity: "dose" })
            }
            Err(other) => return Err(other.into()),
        };
        self.writable_at(caller, dose.facility_id).await?;
        let reason = reason_text(reason)?;
        self.store()
            .mark_dose_entered_in_error(&caller.actor(), dose.id, version, &reason, schedule)
            .await?;
        Ok(person)
    }

    /// The children of a facility the caller reads with a dose due by a day, born
    /// since `born_since`, with their doses.
    pub async fn immunisation_children_due(
        &self,
        caller: &Caller,
        facility: Id,
        born_since: Date,
        on: Date,
        schedule: &Schedule,
    ) -> Result<Vec<(Person, Vec<Dose>)>> {
        let facility = self.mch_facility_to_read(caller, facility).await?;
        Ok(self
            .store()
            .immunisation_children_due(facility, born_since, on, schedule)
            .await?)
    }

    /// A facility's immunisation coverage for a birth cohort: an aggregate without
    /// names, read with Read Clinical or Read Report as far as each role reaches.
    pub async fn immunisation_coverage(
        &self,
        caller: &Caller,
        facility: Id,
        from: Date,
        to: Date,
    ) -> Result<(i64, Vec<haven_store::mch::CoverageCount>)> {
        self.may_read_coverage(caller)?;
        let reach = self
            .mch_reach(caller, Action::Read, &[Kind::Clinical, Kind::Report])
            .await?;
        if !reach.holds(Some(facility)) {
            return Err(AppError::NotFound { entity: "facility" });
        }
        Ok(self
            .store()
            .immunisation_coverage(facility, from, to)
            .await?)
    }

    /// A family planning client's visits, writing the audit event of the read.
    pub async fn read_family_planning(
        &self,
        caller: &Caller,
        person: Id,
    ) -> Result<(Person, Vec<FpVisit>)> {
        let person = self.clinical_person(caller, person).await?;
        self.store()
            .audit_person(&caller.actor(), "family_planning_read", person.id, "")
            .await?;
        let visits = self.store().fp_visits_of(person.id).await?;
        Ok((person, visits))
    }

    /// A client's family planning visits, without an audit event.
    pub async fn family_planning_of(
        &self,
        caller: &Caller,
        person: Id,
    ) -> Result<(Person, Vec<FpVisit>)> {
        let person = self.clinical_person(caller, person).await?;
        let visits = self.store().fp_visits_of(person.id).await?;
        Ok((person, visits))
    }

    /// Records a family planning visit of a client the caller reads, at a facility
    /// in write reach (else refused at `facility_field`). LAM's follow-up falls when
    /// her youngest baby is 6 months old.
    pub async fn record_fp_visit(
        &self,
        caller: &Caller,
        person: Id,
        facility: Option<Id>,
        facility_field: &'static str,
        input: &FpVisitInput<'_>,
        today: Date,
    ) -> Result<FpVisit> {
        caller.require(Action::Write, Kind::Clinical)?;
        let person = self.clinical_person(caller, person).await?;
        let baby_born = self
            .store()
            .pregnancies_of(person.id)
            .await?
            .iter()
            .filter_map(|p| p.delivered_on)
            .max();
        let details = FpVisitDetails::parse(input, today, baby_born);
        let facility = self.write_facility(caller, facility, facility_field).await;
        let (details, facility) = match (details, facility) {
            (Ok(details), Ok(facility)) => (details, facility),
            (details, facility) => {
                let mut fields = match details {
                    Err(errors) => match invalid(&errors) {
                        AppError::Invalid(fields) => fields,
                        _ => Vec::new(),
                    },
                    Ok(_) => Vec::new(),
                };
                match facility {
                    Err(AppError::Invalid(more)) => fields.extend(more),
                    Err(other) => return Err(other),
                    Ok(_) => {}
                }
                return Err(AppError::Invalid(fields));
            }
        };
        Ok(self
            .store()
            .record_fp_visit(&caller.actor(), person.id, facility, &details)
            .await?)
    }

    /// The family planning follow-ups due by a day at a facility the caller reads.
    pub async fn fp_follow_ups_due(
        &self,
        caller: &Caller,
        facility: Id,
        by: Date,
    ) -> Result<Vec<FpVisit>> {
        let facility = self.mch_facility_to_read(caller, facility).await?;
        Ok(self.store().fp_follow_ups_due(facility, by).await?)
    }

    /// A contact or visit the caller may mark entered in error: in read reach (else
    /// not found) and in write reach (else beyond their places).
    pub async fn correctable_to_write(
        &self,
        caller: &Caller,
        what: Correctable,
        id: Id,
    ) -> Result<CorrectableRecord> {
        caller.require(Action::Write, Kind::Clinical)?;
        let record = self.store().correctable(what, id).await?;
        if !self
            .clinical_reach(caller, Action::Read)
            .await?
            .holds(Some(record.facility_id))
        {
            return Err(AppError::NotFound { entity: "record" });
        }
        self.writable_at(caller, record.facility_id).await?;
        Ok(record)
    }

    /// Marks an antenatal contact, a postnatal contact or a family planning visit
    /// entered in error, with why, naming the version read.
    pub async fn mark_entered_in_error(
        &self,
        caller: &Caller,
        what: Correctable,
        id: Id,
        version: i64,
        reason: &str,
        schedule: &Schedule,
    ) -> Result<CorrectableRecord> {
        let record = self.correctable_to_write(caller, what, id).await?;
        let reason = reason_text(reason)?;
        self.store()
            .mark_entered_in_error(&caller.actor(), what, id, version, &reason, schedule)
            .await?;
        Ok(record)
    }
}

/// Why a record is marked entered in error: 1 to 200 characters, normalised.
fn reason_text(raw: &str) -> Result<String> {
    let reason = haven_domain::text::normalise(raw.trim());
    if reason.is_empty() || reason.chars().count() > 200 {
        return Err(AppError::field("reason", MchError::ReasonRequired.code()));
    }
    Ok(reason)
}
