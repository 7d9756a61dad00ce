//! Staff: staff members, their registrations, where they work, their trainings and
//! the account each is linked to. Reading needs Read Staff, changing Write Staff.
//!
//! A staff member is in a caller's reach when they work now at a facility the
//! caller's roles reach (or, for a reach over a whole country, when they work at
//! none yet). Out of read reach is not found; in read reach but out of WRITE reach
//! is refused as beyond the caller's places.

use std::collections::HashSet;

use haven_domain::staff::{ErrorReason, StaffDetails, TrainingDetails};
use haven_domain::{Action, Kind};
use haven_store::{
    ExpiringRegistration, Facility, Id, StaffAssignment, StaffFilter, StaffMember, StoreError,
    Training,
};

use crate::access::reach;
use crate::{App, AppError, Caller, Result};

const STAFF_MEMBER: &str = "staff member";

/// A staff member with where they work (every assignment, ended ones too) and,
/// where asked for, their trainings.
#[derive(Clone, Debug)]
pub struct StaffRecord {
    pub staff: StaffMember,
    pub assignments: Vec<StaffAssignment>,
    pub trainings: Vec<Training>,
    /// The username of the linked account, if any (and it still exists).
    pub username: Option<String>,
}

/// What the form recording a person as staff shows about the person chosen.
#[derive(Clone, Debug, Default)]
pub struct NewStaffView {
    /// The person's name, when the id names a person.
    pub person_name: Option<String>,
    /// The staff member the person already is.
    pub already: Option<Id>,
}

impl App {
    /// Refuses a caller who may not read staff, before their query is read.
    pub fn may_read_staff(&self, caller: &Caller) -> Result<()> {
        caller.require(Action::Read, Kind::Staff)
    }

    /// Refuses a caller who may not change staff, before their form is read.
    pub fn may_change_staff(&self, caller: &Caller) -> Result<()> {
        caller.require(Action::Write, Kind::Staff)
    }

    /// The open facilities, for a form's select (their names are the map of the
    /// organisation, not anyone's record).
    pub async fn open_facilities(&self) -> Result<Vec<Facility>> {
        Ok(self
            .store()
            .facilities()
            .await?
            .into_iter()
            .filter(|f| f.closed_at.is_none())
            .collect())
    }

    /// The staff members in the caller's read reach, filtered.
    pub async fn list_staff(
        &self,
        caller: &Caller,
        filter: &StaffFilter,
    ) -> Result<Vec<StaffMember>> {
        caller.require(Action::Read, Kind::Staff)?;
        let visible = self.staff_reach(caller, Action::Read).await?;
        Ok(self
            .store()
            .list_staff(filter)
            .await?
            .into_iter()
            .filter(|s| holds(&visible, s.id))
            .collect())
    }

    /// The staff members in the caller's read reach, filtered, each with where they
    /// work (no trainings).
    pub async fn list_staff_records(
        &self,
        caller: &Caller,
        filter: &StaffFilter,
    ) -> Result<Vec<StaffRecord>> {
        let mut records = Vec::new();
        for staff in self.list_staff(caller, filter).await? {
            let assignments = self.store().staff_assignments(staff.id).await?;
            records.push(StaffRecord {
                staff,
                assignments,
                trainings: Vec::new(),
                username: None,
            });
        }
        Ok(records)
    }

    /// The staff list for its CSV, with where each works; the download is audited.
    pub async fn export_staff(
        &self,
        caller: &Caller,
        filter: &StaffFilter,
    ) -> Result<Vec<StaffRecord>> {
        let records = self.list_staff_records(caller, filter).await?;
        self.store()
            .record_export(&caller.actor(), "staff", records.len())
            .await?;
        Ok(records)
    }

    /// Registrations expiring within `within_days` of `today` (or expired), of the
    /// staff in the caller's read reach.
    pub async fn registrations_expiring(
        &self,
        caller: &Caller,
        within_days: i64,
        today: time::Date,
    ) -> Result<Vec<ExpiringRegistration>> {
        caller.require(Action::Read, Kind::Staff)?;
        let visible = self.staff_reach(caller, Action::Read).await?;
        Ok(self
            .store()
            .registrations_expiring(within_days, today)
            .await?
            .into_iter()
            .filter(|e| holds(&visible, e.staff.id))
            .collect())
    }

    /// The expiring registrations for their CSV; the download is audited.
    pub async fn export_registrations_expiring(
        &self,
        caller: &Caller,
        within_days: i64,
        today: time::Date,
    ) -> Result<Vec<ExpiringRegistration>> {
        let rows = self
            .registrations_expiring(caller, within_days, today)
            .await?;
        self.store()
            .record_export(&caller.actor(), "staff_registration", rows.len())
            .await?;
        Ok(rows)
    }

    /// What the new staff form shows about the person named (if any).
    pub async fn new_staff_view(
        &self,
        caller: &Caller,
        person: Option<Id>,
    ) -> Result<NewStaffView> {
        self.may_change_staff(caller)?;
        let Some(person) = person else {
            return Ok(NewStaffView::default());
        };
        let store = self.store();
        Ok(NewStaffView {
            person_name: store.staff_person_name(person).await?,
            already: store.staff_member_of_person(person).await?.map(|s| s.id),
        })
    }

    /// Records an existing person as a staff member (working nowhere yet).
    pub async fn create_staff_member(
        &self,
        caller: &Caller,
        person: Id,
        details: &StaffDetails,
    ) -> Result<StaffRecord> {
        self.may_change_staff(caller)?;
        let staff = self
            .store()
            .create_staff_member(&caller.actor(), person, details, None)
            .await?;
        self.record_of(staff).await
    }

    /// One staff member in the caller's read reach, with where they work, their
    /// trainings and their account's username.
    pub async fn staff_record(&self, caller: &Caller, id: Id) -> Result<StaffRecord> {
        caller.require(Action::Read, Kind::Staff)?;
        let visible = self.staff_reach(caller, Action::Read).await?;
        if !holds(&visible, id) {
            return Err(AppError::NotFound {
                entity: STAFF_MEMBER,
            });
        }
        let staff = self.store().staff_member(id).await?;
        self.record_of(staff).await
    }

    /// Changes a staff member's profession, registration and dates.
    pub async fn update_staff_member(
        &self,
        caller: &Caller,
        id: Id,
        version: i64,
        details: &StaffDetails,
    ) -> Result<StaffRecord> {
        self.staff_to_write(caller, id).await?;
        let staff = self
            .store()
            .update_staff_member(&caller.actor(), id, version, details)
            .await?;
        self.record_of(staff).await
    }

    /// Adds a training to a staff member's record.
    pub async fn add_training(
        &self,
        caller: &Caller,
        id: Id,
        details: &TrainingDetails,
    ) -> Result<Training> {
        self.staff_to_write(caller, id).await?;
        Ok(self
            .store()
            .add_training(&caller.actor(), id, details)
            .await?)
    }

    /// Marks a training of the staff member as entered in error; a training of
    /// another staff member is not found.
    pub async fn mark_training_in_error(
        &self,
        caller: &Caller,
        id: Id,
        training: Id,
        version: i64,
        reason: &ErrorReason,
    ) -> Result<()> {
        self.staff_to_write(caller, id).await?;
        let store = self.store();
        if store.training(training).await?.staff_id != id {
            return Err(AppError::NotFound { entity: "training" });
        }
        Ok(store
            .mark_training_entered_in_error(&caller.actor(), training, version, reason)
            .await?)
    }

    /// Records that the staff member works at a facility, which must exist and lie
    /// in the caller's write reach. Refused at the field `facility`: no such
    /// facility (`staff-choose-facility`), already working there
    /// (`staff-already-works-there`).
    pub async fn assign_staff_facility(
        &self,
        caller: &Caller,
        id: Id,
        facility: Option<Id>,
    ) -> Result<StaffAssignment> {
        self.staff_to_write(caller, id).await?;
        let choose = || AppError::field("facility", "staff-choose-facility");
        let Some(facility) = facility else {
            return Err(choose());
        };
        let store = self.store();
        match store.facility(facility).await {
            Ok(_) => {}
            Err(StoreError::NotFound { .. }) => return Err(choose()),
            Err(other) => return Err(other.into()),
        }
        if !reach(store, caller, Action::Write, Kind::Staff)
            .await?
            .holds(Some(facility))
        {
            return Err(AppError::ScopeBeyondYours);
        }
        match store
            .assign_staff_facility(&caller.actor(), id, facility)
            .await
        {
            Ok(assignment) => Ok(assignment),
            Err(StoreError::Duplicate { .. }) => {
                Err(AppError::field("facility", "staff-already-works-there"))
            }
            Err(StoreError::NotFound { entity: "facility" }) => Err(choose()),
            Err(other) => Err(other.into()),
        }
    }

    /// Ends one of the staff member's facility assignments; another staff member's
    /// is not found.
    pub async fn end_staff_facility(
        &self,
        caller: &Caller,
        id: Id,
        assignment: Id,
        version: i64,
    ) -> Result<StaffAssignment> {
        self.staff_to_write(caller, id).await?;
        let store = self.store();
        if store.staff_assignment(assignment).await?.staff_id != id {
            return Err(AppError::NotFound {
                entity: "staff assignment",
            });
        }
        Ok(store
            .end_staff_facility(&caller.actor(), assignment, version)
            .await?)
    }

    /// Links the staff member to the account named by `username` (already
    /// normalised), or unlinks them when it is empty. Refused at the field
    /// `username`: no such account (`staff-no-such-user`), an account linked to
    /// another staff member (`staff-user-taken`).
    pub async fn link_staff_user(
        &self,
        caller: &Caller,
        id: Id,
        version: i64,
        username: &str,
    ) -> Result<StaffMember> {
        self.staff_to_write(caller, id).await?;
        let store = self.store();
        let user = if username.is_empty() {
            None
        } else {
            match store.user_by_username(username).await {
                Ok(user) => Some(user.id),
                Err(StoreError::NotFound { .. }) => {
                    return Err(AppError::field("username", "staff-no-such-user"))
                }
                Err(other) => return Err(other.into()),
            }
        };
        match store
            .set_staff_user(&caller.actor(), id, version, user)
            .await
        {
            Ok(staff) => Ok(staff),
            Err(StoreError::Duplicate { .. }) => {
                Err(AppError::field("username", "staff-user-taken"))
            }
            Err(other) => Err(other.into()),
        }
    }

    /// The staff members the caller's roles that may do `action` on staff reach:
    /// `None` for everyone.
    pub(crate) async fn staff_reach(
        &self,
        caller: &Caller,
        action: Action,
    ) -> Result<Option<HashSet<Id>>> {
        let reach = reach(self.store(), caller, action, Kind::Staff).await?;
        Ok(self.store().staff_in_reach(&reach).await?)
    }

    /// A staff member the caller may change: Write Staff, in read reach (else not
    /// found) and in write reach (else beyond the caller's places).
    async fn staff_to_write(&self, caller: &Caller, id: Id) -> Result<StaffMember> {
        self.may_change_staff(caller)?;
        if !holds(&self.staff_reach(caller, Action::Read).await?, id) {
            return Err(AppError::NotFound {
                entity: STAFF_MEMBER,
            });
        }
        let staff = self.store().staff_member(id).await?;
        if !holds(&self.staff_reach(caller, Action::Write).await?, id) {
            return Err(AppError::ScopeBeyondYours);
        }
        Ok(staff)
    }

    async fn record_of(&self, staff: StaffMember) -> Result<StaffRecord> {
        let store = self.store();
        let username = match staff.user_id {
            Some(user) => match store.user(user).await {
                Ok(user) => Some(user.username),
                Err(StoreError::NotFound { .. }) => None,
                Err(other) => return Err(other.into()),
            },
            None => None,
        };
        Ok(StaffRecord {
            assignments: store.staff_assignments(staff.id).await?,
            trainings: store.trainings_of(staff.id).await?,
            username,
            staff,
        })
    }
}

fn holds(visible: &Option<HashSet<Id>>, id: Id) -> bool {
    visible.as_ref().is_none_or(|v| v.contains(&id))
}
