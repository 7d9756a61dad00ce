//! The registry: reading a person within the caller's read reach, and registering
//! and changing people within their write reach.
//!
//! A person out of reach answers exactly like a person who does not exist. Writes
//! check WRITE scope, never read scope: a nurse at one centre who is also an SOS
//! parent for the whole country reads widely but writes only at her centre.

use haven_domain::person::Category;
use haven_domain::{Action, Kind};
use haven_store::{Id, NewPerson, Person, PersonDetails, Reach};

use crate::access::reach;
use crate::{App, AppError, Caller, Result};

const PERSON: &str = "person";

impl App {
    /// How far the caller's roles that may do `action` to people reach.
    pub async fn person_reach(&self, caller: &Caller, action: Action) -> Result<Reach> {
        reach(self.store(), caller, action, Kind::Person).await
    }

    /// A person the caller may read (`Read Person`, in read reach), or not found.
    /// Records entered in error are not found either.
    pub async fn person_to_read(&self, caller: &Caller, id: Id) -> Result<Person> {
        caller.require(Action::Read, Kind::Person)?;
        let person = self.existing_person(id).await?;
        let reach = self.person_reach(caller, Action::Read).await?;
        if !reach.holds(person.registered_facility_id) {
            return Err(AppError::NotFound { entity: PERSON });
        }
        Ok(person)
    }

    /// A person the caller may change with the permission `kind` (`Write Person`,
    /// `Write PersonMerge`): in the caller's WRITE reach. A person the caller may read
    /// but not change is forbidden; one they cannot read is not found.
    pub async fn person_to_write(&self, caller: &Caller, id: Id, kind: Kind) -> Result<Person> {
        caller.require(Action::Write, kind)?;
        let person = self.existing_person(id).await?;
        let read = self.person_reach(caller, Action::Read).await?;
        if !read.holds(person.registered_facility_id) {
            return Err(AppError::NotFound { entity: PERSON });
        }
        let write = reach(self.store(), caller, Action::Write, kind).await?;
        if !write.holds(person.registered_facility_id) {
            return Err(AppError::ScopeBeyondYours);
        }
        Ok(person)
    }

    /// Registers a person at a facility within the caller's write reach.
    pub async fn register_person(&self, caller: &Caller, new: &NewPerson) -> Result<Person> {
        caller.require(Action::Write, Kind::Person)?;
        self.may_place(caller, new.details.registered_facility)
            .await?;
        Ok(self.store().create_person(&caller.actor(), new).await?)
    }

    /// Changes a person's details (and, where given, categories), naming the version
    /// read. Both the person's facility now and the one they move to must be in the
    /// caller's write reach.
    pub async fn update_person(
        &self,
        caller: &Caller,
        id: Id,
        version: i64,
        details: &PersonDetails,
        categories: Option<&[Category]>,
    ) -> Result<Person> {
        let person = self.person_to_write(caller, id, Kind::Person).await?;
        self.may_place(caller, details.registered_facility).await?;
        let store = self.store();
        let actor = caller.actor();
        let updated = store
            .update_person(&actor, person.id, version, details)
            .await?;
        if let Some(categories) = categories {
            store.set_categories(&actor, person.id, categories).await?;
        }
        Ok(updated)
    }

    /// Refuses a facility (or none) outside the caller's write reach for people.
    pub async fn may_place(&self, caller: &Caller, facility: Option<Id>) -> Result<()> {
        let reach = self.person_reach(caller, Action::Write).await?;
        if reach.holds(facility) {
            Ok(())
        } else {
            Err(AppError::ScopeBeyondYours)
        }
    }

    async fn existing_person(&self, id: Id) -> Result<Person> {
        let person = self.store().person(id).await?;
        if person.entered_in_error_at.is_some() {
            return Err(AppError::NotFound { entity: PERSON });
        }
        Ok(person)
    }
}

impl App {
    /// Refuses a caller who may register nobody, before their form is read.
    pub fn may_register_people(&self, caller: &Caller) -> Result<()> {
        caller.require(Action::Write, Kind::Person)
    }
}
