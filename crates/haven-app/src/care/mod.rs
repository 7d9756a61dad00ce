//! Children's villages and family strengthening: who sees which child, house and
//! household, and the actions on a child in care (placements, case steps, notes,
//! school, independence, leaving care, after-care).
//!
//! Who sees what: a role that reads care sees the children, houses and households of
//! the facilities its scope reaches (not found beyond). SOS parents and family
//! assistants see only the children living in their own houses: the houses whose SOS
//! parent or family assistant is the staff member linked to their account. Writes
//! need the facility in the WRITE reach of the roles that may write (a role that
//! reads a whole country but writes at one village writes only there). Psychosocial
//! notes are a sealed class: read and written only with their own permission, and
//! otherwise left out of every list.

use haven_domain::care::{
    sees_own_house_only, CareCaseState, CareError, CareNoteKind, EnrolmentDetails, ErrorReason,
    FollowUpDetails, GoalDetails, GoalUpdate, HouseholdDetails, HouseholdEnd, LeavingDetails,
    NoteDetails, PlacementDetails, PlacementEnd, PlanDetails, Problems, ProgressDetails,
    ReviewDetails, ServiceDetails, StepDetails, TermDetails,
};
use haven_domain::person::identifier_key;
use haven_domain::{Action, Kind, Role, Scope};
use haven_store::care::{
    CareChild, CareNote, CareWriteError, Enrolment, FollowUp, House, Household, Placement,
    PlacementChecks, Plan, PlanSubject, Step, Term,
};
use haven_store::{Id, Reach, Store, StoreError};

use crate::{App, AppError, Caller, FieldError, Result};

mod admissions;
mod places;
mod records;

pub use admissions::{AdmissionForm, AdmissionRecord, CareLink, Decision};
pub use places::{
    CareOverview, Caregiver, HouseCommand, HouseToRead, HouseView, ProgrammeCare, ProgrammeFigures,
    VillageView, STAFF_MEMBER,
};
pub use records::{ChildPage, ChildRecord, HouseholdList, HouseholdRecord, PlanRecord};

const CHILD: &str = "child in care";

/// What the caller's roles let them see (or change) of care.
#[derive(Clone, Debug)]
pub struct CareAccess {
    /// The facilities whose whole caseload the caller sees.
    pub reach: Reach,
    /// The houses of an SOS parent or family assistant, and how far their scope reaches.
    pub houses: Vec<Id>,
    pub house_reach: Reach,
}

impl CareAccess {
    /// The access of the roles that read care.
    pub async fn of(
        store: &Store,
        roles: &[(Role, Scope)],
        user_id: Id,
    ) -> std::result::Result<CareAccess, StoreError> {
        CareAccess::of_readers(store, roles, user_id, &[Kind::Care]).await
    }

    /// The access of the roles that read every one of `kinds` (the health section:
    /// roles that read both care and the health summary).
    pub async fn of_readers(
        store: &Store,
        roles: &[(Role, Scope)],
        user_id: Id,
        kinds: &[Kind],
    ) -> std::result::Result<CareAccess, StoreError> {
        let wanted: Vec<(Action, Kind)> = kinds.iter().map(|kind| (Action::Read, *kind)).collect();
        CareAccess::of_holders(store, roles, user_id, &wanted).await
    }

    /// The access of the roles that hold every one of `permissions`.
    pub async fn of_holders(
        store: &Store,
        roles: &[(Role, Scope)],
        user_id: Id,
        permissions: &[(Action, Kind)],
    ) -> std::result::Result<CareAccess, StoreError> {
        let holders = roles.iter().filter(|(role, _)| {
            permissions
                .iter()
                .all(|(action, kind)| role.permits(*action, *kind))
        });
        let (bound, whole): (Vec<_>, Vec<_>) =
            holders.partition(|(role, _)| sees_own_house_only(*role));
        let scopes =
            |list: &[&(Role, Scope)]| list.iter().map(|(_, s)| s.clone()).collect::<Vec<_>>();
        let reach = if whole.is_empty() {
            nothing()
        } else {
            store.reach_of(&scopes(&whole)).await?
        };
        let (houses, house_reach) = if bound.is_empty() {
            (Vec::new(), nothing())
        } else {
            (
                store.houses_of_user(user_id).await?,
                store.reach_of(&scopes(&bound)).await?,
            )
        };
        Ok(CareAccess {
            reach,
            houses,
            house_reach,
        })
    }

    /// The caller sees everything about this facility's care.
    pub fn sees_facility(&self, facility: Id) -> bool {
        self.reach.holds(Some(facility))
    }

    pub fn sees_child(&self, child: &CareChild) -> bool {
        self.sees_facility(child.facility_id)
            || child.house_id.is_some_and(|h| {
                self.houses.contains(&h) && self.house_reach.holds(Some(child.facility_id))
            })
    }

    pub fn sees_house(&self, house: &House) -> bool {
        self.sees_facility(house.facility_id)
            || (self.houses.contains(&house.id) && self.house_reach.holds(Some(house.facility_id)))
    }

    /// The facilities of these (care) facilities that the caller sees whole.
    pub fn facilities_of<'a>(
        &self,
        all: &'a [haven_store::Facility],
    ) -> Vec<&'a haven_store::Facility> {
        all.iter().filter(|f| self.sees_facility(f.id)).collect()
    }
}

fn nothing() -> Reach {
    Reach::Facilities {
        ids: Vec::new(),
        include_unplaced: false,
    }
}

/// The kinds of note a holder of these permissions may read: daily notes with Read
/// CareNote, psychosocial notes (sealed) only with Read PsychosocialNote.
pub fn readable_note_kinds(can: impl Fn(Action, Kind) -> bool) -> Vec<CareNoteKind> {
    let mut kinds = Vec::new();
    if can(Action::Read, Kind::CareNote) {
        kinds.push(CareNoteKind::Daily);
    }
    if can(Action::Read, Kind::PsychosocialNote) {
        kinds.push(CareNoteKind::Psychosocial);
    }
    kinds
}

/// A domain parse's problems as the action's error, each at its field with the
/// rule's translation key.
pub fn invalid(problems: Problems) -> AppError {
    AppError::Invalid(
        problems
            .into_iter()
            .map(|(field, error)| FieldError {
                field,
                code: error.code(),
            })
            .collect(),
    )
}

/// One care rule broken at one field.
pub(crate) fn refused(field: &'static str, error: CareError) -> AppError {
    invalid(vec![(field, error)])
}

pub(crate) fn care_write(error: CareWriteError) -> AppError {
    match error {
        CareWriteError::Refused(field, rule) => refused(field, rule),
        CareWriteError::Store(error) => error.into(),
    }
}

/// A command's input as parsed at the edge: the typed value, or the problems of each
/// wrong field. The action checks who may act before it looks at the problems, so
/// that a caller without the permission learns nothing from a bad form.
pub type Parsed<T> = std::result::Result<T, Problems>;

pub(crate) fn parsed<T>(input: Parsed<T>) -> Result<T> {
    input.map_err(invalid)
}

/// A house to place a child in, as the form or the body named it.
#[derive(Clone, Copy, Debug)]
pub struct Placing {
    /// `None` when no house was chosen.
    pub house: Option<Id>,
    pub checks: PlacementChecks,
}

/// The next step of a case, and why.
#[derive(Clone, Debug)]
pub struct CaseStep {
    pub to: CareCaseState,
    pub note: String,
}

/// A child in care the caller may read, with the caller's care access.
#[derive(Clone, Debug)]
pub struct ChildToRead {
    pub child: CareChild,
    pub access: CareAccess,
}

impl App {
    /// What the caller's roles that read care let them see.
    pub async fn care_access(&self, caller: &Caller) -> Result<CareAccess> {
        Ok(CareAccess::of(self.store(), caller.roles(), caller.user().id).await?)
    }

    /// The caller's care access through the roles that hold every one of `permissions`.
    pub(crate) async fn care_access_of(
        &self,
        caller: &Caller,
        permissions: &[(Action, Kind)],
    ) -> Result<CareAccess> {
        Ok(
            CareAccess::of_holders(self.store(), caller.roles(), caller.user().id, permissions)
                .await?,
        )
    }

    /// The kinds of note the caller may read.
    pub fn readable_note_kinds(&self, caller: &Caller) -> Vec<CareNoteKind> {
        readable_note_kinds(|action, kind| caller.can(action, kind))
    }

    /// A child in care the caller may read (`Read Care`, seen by their care access),
    /// or not found.
    pub async fn care_child_to_read(&self, caller: &Caller, id: Id) -> Result<ChildToRead> {
        caller.require(Action::Read, Kind::Care)?;
        self.visible_child(caller, id).await
    }

    /// A child the caller sees, without a permission check of its own (the caller
    /// checked the permission the action needs).
    pub(crate) async fn visible_child(&self, caller: &Caller, id: Id) -> Result<ChildToRead> {
        let child = self.store().care_child(id).await.map_err(|e| match e {
            StoreError::NotFound { .. } => AppError::NotFound { entity: CHILD },
            other => other.into(),
        })?;
        let access = self.care_access(caller).await?;
        if !access.sees_child(&child) {
            return Err(AppError::NotFound { entity: CHILD });
        }
        Ok(ChildToRead { child, access })
    }

    /// A child whose care record the caller may change (`Write Care`): seen by the
    /// caller, with the child's facility in the WRITE reach of care; a child seen
    /// only through the caller's house, or out of their write reach, is beyond them.
    pub async fn care_child_to_write(&self, caller: &Caller, id: Id) -> Result<ChildToRead> {
        caller.require(Action::Write, Kind::Care)?;
        let seen = self.visible_child(caller, id).await?;
        if !seen.access.sees_facility(seen.child.facility_id) {
            return Err(AppError::NotFound { entity: CHILD });
        }
        let write = self
            .care_access_of(caller, &[(Action::Write, Kind::Care)])
            .await?;
        if !write.sees_facility(seen.child.facility_id) {
            return Err(AppError::ScopeBeyondYours);
        }
        Ok(seen)
    }

    /// Places a child in a house of a facility in the caller's write reach.
    pub async fn place_child(
        &self,
        caller: &Caller,
        child: Id,
        placing: Placing,
        details: Parsed<PlacementDetails>,
    ) -> Result<Placement> {
        let child = self.care_child_to_write(caller, child).await?.child;
        let Some(house_id) = placing.house else {
            let mut problems = details.err().unwrap_or_default();
            problems.insert(0, ("house", CareError::Required));
            return Err(invalid(problems));
        };
        let details = parsed(details)?;
        let write = self
            .care_access_of(caller, &[(Action::Write, Kind::Care)])
            .await?;
        let house = match self.store().house(house_id).await {
            Ok(house) if write.sees_facility(house.facility_id) => house,
            Ok(_) | Err(StoreError::NotFound { .. }) => {
                return Err(refused("house", CareError::BadChoice))
            }
            Err(other) => return Err(other.into()),
        };
        self.store()
            .place_child(
                &caller.actor(),
                child.id,
                house.id,
                &details,
                placing.checks,
            )
            .await
            .map_err(care_write)
    }

    /// A placement of this child, or not found.
    async fn placement_of(&self, child: &CareChild, id: Id) -> Result<Placement> {
        let placement = self.store().placement(id).await?;
        if placement.child_id != child.id {
            return Err(AppError::NotFound {
                entity: "placement",
            });
        }
        Ok(placement)
    }

    /// Ends a placement (`ended_on`, `end_reason` as typed), naming the version read.
    #[allow(clippy::too_many_arguments)]
    pub async fn end_placement(
        &self,
        caller: &Caller,
        child: Id,
        placement: Id,
        version: i64,
        ended_on: &str,
        end_reason: &str,
        today: time::Date,
    ) -> Result<Placement> {
        let child = self.care_child_to_write(caller, child).await?.child;
        let placement = self.placement_of(&child, placement).await?;
        let end = parsed(PlacementEnd::parse(
            ended_on,
            end_reason,
            placement.started_on,
            today,
        ))?;
        Ok(self
            .store()
            .end_placement(&caller.actor(), placement.id, version, &end)
            .await?)
    }

    /// Marks a placement entered in error: it leaves the history, not the database.
    pub async fn mark_placement_in_error(
        &self,
        caller: &Caller,
        child: Id,
        placement: Id,
        version: i64,
        reason: Parsed<ErrorReason>,
    ) -> Result<()> {
        let child = self.care_child_to_write(caller, child).await?.child;
        let placement = self.placement_of(&child, placement).await?;
        let reason = parsed(reason)?;
        Ok(self
            .store()
            .mark_placement_in_error(&caller.actor(), placement.id, version, reason.as_str())
            .await?)
    }

    /// Moves a child's case to its next step; only the steps the case's state
    /// machine allows.
    pub async fn move_child_case(
        &self,
        caller: &Caller,
        child: Id,
        version: i64,
        step: Parsed<CaseStep>,
    ) -> Result<()> {
        let child = self.care_child_to_write(caller, child).await?.child;
        let step = parsed(step)?;
        self.store()
            .move_case(
                &caller.actor(),
                PlanSubject::Child(child.id),
                version,
                step.to,
                &step.note,
            )
            .await
            .map_err(care_write)
    }

    /// The permissions that reading or writing a note of `kind` needs: daily notes
    /// `CareNote`, psychosocial notes their own sealed permission as well.
    fn note_permissions(action: Action, kind: CareNoteKind) -> Vec<(Action, Kind)> {
        let mut wanted = vec![(Action::Read, Kind::Care), (action, Kind::CareNote)];
        if kind == CareNoteKind::Psychosocial {
            wanted.push((Action::Read, Kind::PsychosocialNote));
            if action == Action::Write {
                wanted.push((Action::Write, Kind::PsychosocialNote));
            }
        }
        wanted
    }

    /// A child's notes of the kinds the caller may read (psychosocial notes only
    /// with their own permission).
    pub async fn care_notes(&self, caller: &Caller, child: Id) -> Result<Vec<CareNote>> {
        caller.require(Action::Read, Kind::CareNote)?;
        caller.require(Action::Read, Kind::Care)?;
        let child = self.visible_child(caller, child).await?.child;
        let kinds = self.readable_note_kinds(caller);
        Ok(self.store().care_notes_of(child.id, &kinds).await?)
    }

    /// Writes a note about a child the caller sees through the roles that may write
    /// notes of that kind (an SOS parent: the children of her house). `kind` is the
    /// kind asked for, daily when the input named none the caller could mean.
    pub async fn add_care_note(
        &self,
        caller: &Caller,
        child: Id,
        kind: CareNoteKind,
        details: Parsed<NoteDetails>,
    ) -> Result<CareNote> {
        let wanted = App::note_permissions(Action::Write, kind);
        for (action, kind) in &wanted {
            caller.require(*action, *kind)?;
        }
        let child = self.visible_child(caller, child).await?.child;
        let details = parsed(details)?;
        // The kind parsed is the kind whose permissions are checked.
        let wanted = App::note_permissions(Action::Write, details.kind());
        for (action, kind) in &wanted {
            caller.require(*action, *kind)?;
        }
        if !self
            .care_access_of(caller, &wanted)
            .await?
            .sees_child(&child)
        {
            return Err(AppError::ScopeBeyondYours);
        }
        Ok(self
            .store()
            .add_care_note(&caller.actor(), child.id, &details)
            .await?)
    }

    /// Marks a note entered in error: a note of a kind the caller may both read and
    /// write, about a child they may write notes about.
    pub async fn mark_note_in_error(
        &self,
        caller: &Caller,
        child: Id,
        note: Id,
        version: i64,
        reason: Parsed<ErrorReason>,
    ) -> Result<()> {
        caller.require(Action::Write, Kind::CareNote)?;
        caller.require(Action::Read, Kind::Care)?;
        let child = self.visible_child(caller, child).await?.child;
        let kinds: Vec<CareNoteKind> = self
            .readable_note_kinds(caller)
            .into_iter()
            .filter(|k| {
                *k == CareNoteKind::Daily || caller.can(Action::Write, Kind::PsychosocialNote)
            })
            .collect();
        let note = self.store().care_note(note, &kinds).await?;
        if note.child_id != child.id {
            return Err(AppError::NotFound { entity: "note" });
        }
        let kind = CareNoteKind::parse(&note.kind).unwrap_or(CareNoteKind::Psychosocial);
        let wanted = App::note_permissions(Action::Write, kind);
        if !self
            .care_access_of(caller, &wanted)
            .await?
            .sees_child(&child)
        {
            return Err(AppError::ScopeBeyondYours);
        }
        let reason = parsed(reason)?;
        Ok(self
            .store()
            .mark_note_in_error(&caller.actor(), note.id, version, reason.as_str())
            .await?)
    }

    /// Enrols a child at a school or training centre.
    pub async fn add_enrolment(
        &self,
        caller: &Caller,
        child: Id,
        details: Parsed<EnrolmentDetails>,
    ) -> Result<Enrolment> {
        let child = self.care_child_to_write(caller, child).await?.child;
        let details = parsed(details)?;
        Ok(self
            .store()
            .add_enrolment(&caller.actor(), child.id, &details)
            .await?)
    }

    /// An enrolment of a child the caller may write about, or not found.
    pub async fn enrolment_to_write(
        &self,
        caller: &Caller,
        child: Id,
        enrolment: Id,
    ) -> Result<Enrolment> {
        let child = self.care_child_to_write(caller, child).await?.child;
        let enrolment = self.store().enrolment(enrolment).await?;
        if enrolment.child_id != child.id {
            return Err(AppError::NotFound {
                entity: "enrolment",
            });
        }
        Ok(enrolment)
    }

    /// Records a term of an enrolment; a term already recorded is a duplicate of
    /// the field `term`.
    pub async fn add_term(
        &self,
        caller: &Caller,
        child: Id,
        enrolment: Id,
        details: Parsed<TermDetails>,
    ) -> Result<Term> {
        let enrolment = self.enrolment_to_write(caller, child, enrolment).await?;
        let details = parsed(details)?;
        Ok(self
            .store()
            .add_term(&caller.actor(), enrolment.id, &details)
            .await?)
    }

    /// Records a step to independence.
    pub async fn add_step(
        &self,
        caller: &Caller,
        child: Id,
        details: Parsed<StepDetails>,
    ) -> Result<Step> {
        let child = self.care_child_to_write(caller, child).await?.child;
        let details = parsed(details)?;
        Ok(self
            .store()
            .add_step(&caller.actor(), child.id, &details)
            .await?)
    }

    /// Records that a child left care; the current placement ends that day. A child
    /// who already left cannot leave again, and nobody leaves before they were placed.
    pub async fn record_leaving(
        &self,
        caller: &Caller,
        child: Id,
        version: i64,
        details: Parsed<LeavingDetails>,
    ) -> Result<()> {
        let child = self.care_child_to_write(caller, child).await?.child;
        if child.left_on.is_some() {
            return Err(refused("left_on", CareError::LeftCare));
        }
        let details = parsed(details)?;
        if child.placed_on.is_some_and(|p| details.left_on() < p) {
            return Err(refused("left_on", CareError::EndBeforeStart));
        }
        Ok(self
            .store()
            .record_leaving(&caller.actor(), child.id, version, &details)
            .await?)
    }

    /// Records an after-care follow-up.
    pub async fn add_followup(
        &self,
        caller: &Caller,
        child: Id,
        details: Parsed<FollowUpDetails>,
    ) -> Result<FollowUp> {
        let child = self.care_child_to_write(caller, child).await?.child;
        let details = parsed(details)?;
        Ok(self
            .store()
            .add_followup(&caller.actor(), child.id, &details)
            .await?)
    }
}

const HOUSEHOLD: &str = "household";

/// The office where a household is to be opened: outside the caller's care reach it
/// is not found (`entity` "office"); a place that is no family strengthening office
/// is not found by the store.
pub const OFFICE: &str = "office";

impl App {
    /// A household the caller may read (`Read Care`, its office in their care
    /// reach), or not found.
    pub async fn household_to_read(&self, caller: &Caller, id: Id) -> Result<Household> {
        caller.require(Action::Read, Kind::Care)?;
        self.visible_household(caller, id).await
    }

    pub(crate) async fn visible_household(&self, caller: &Caller, id: Id) -> Result<Household> {
        let household = self.store().household(id).await.map_err(|e| match e {
            StoreError::NotFound { .. } => AppError::NotFound { entity: HOUSEHOLD },
            other => other.into(),
        })?;
        if !self
            .care_access(caller)
            .await?
            .sees_facility(household.facility_id)
        {
            return Err(AppError::NotFound { entity: HOUSEHOLD });
        }
        Ok(household)
    }

    /// A household the caller may change (`Write Care`): read reach, then WRITE reach.
    pub async fn household_to_write(&self, caller: &Caller, id: Id) -> Result<Household> {
        caller.require(Action::Write, Kind::Care)?;
        let household = self.visible_household(caller, id).await?;
        self.may_write_care_at(caller, household.facility_id)
            .await?;
        Ok(household)
    }

    /// Refuses a facility outside the WRITE reach of the caller's care roles.
    pub(crate) async fn may_write_care_at(&self, caller: &Caller, facility: Id) -> Result<()> {
        let write = self
            .care_access_of(caller, &[(Action::Write, Kind::Care)])
            .await?;
        if write.sees_facility(facility) {
            Ok(())
        } else {
            Err(AppError::ScopeBeyondYours)
        }
    }

    /// Opens a household at a family strengthening office (`None`: none chosen).
    pub async fn create_household(
        &self,
        caller: &Caller,
        office: Option<Id>,
        details: Parsed<HouseholdDetails>,
    ) -> Result<Household> {
        caller.require(Action::Write, Kind::Care)?;
        let Some(office) = office else {
            let mut problems = details.err().unwrap_or_default();
            problems.insert(0, ("facility", CareError::Required));
            return Err(invalid(problems));
        };
        let details = parsed(details)?;
        if !self.care_access(caller).await?.sees_facility(office) {
            return Err(AppError::NotFound { entity: OFFICE });
        }
        self.may_write_care_at(caller, office).await?;
        Ok(self
            .store()
            .create_household(&caller.actor(), office, &details)
            .await?)
    }

    /// Adds a person to a household: named by their id or any identifier (a Haven
    /// number), within the caller's read reach of people (`Read Person`); anyone else
    /// is a bad choice at `person`. A person already a member is a duplicate.
    pub async fn add_household_member(
        &self,
        caller: &Caller,
        household: Id,
        person: &str,
        at_risk: bool,
    ) -> Result<Household> {
        caller.require(Action::Write, Kind::Care)?;
        caller.require(Action::Read, Kind::Person)?;
        let household = self.household_to_write(caller, household).await?;
        let Some(person) = self.person_named(caller, person).await? else {
            return Err(refused("person", CareError::BadChoice));
        };
        self.store()
            .add_household_member(&caller.actor(), household.id, person, at_risk)
            .await?;
        Ok(self.store().household(household.id).await?)
    }

    /// A person named by id or identifier whom the caller may read, not entered in
    /// error nor merged into another record.
    pub(crate) async fn person_named(&self, caller: &Caller, raw: &str) -> Result<Option<Id>> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Ok(None);
        }
        let id = match raw.parse::<Id>() {
            Ok(id) => Some(id),
            Err(_) => {
                self.store()
                    .person_by_identifier_key(&identifier_key(raw))
                    .await?
            }
        };
        let Some(id) = id else { return Ok(None) };
        let person = match self.store().person(id).await {
            Ok(person) => person,
            Err(StoreError::NotFound { .. }) => return Ok(None),
            Err(other) => return Err(other.into()),
        };
        let reach = self.person_reach(caller, Action::Read).await?;
        Ok((reach.holds(person.registered_facility_id)
            && person.entered_in_error_at.is_none()
            && person.merged_into.is_none())
        .then_some(person.id))
    }

    /// Ends a person's membership of a household, naming the version read.
    pub async fn end_household_member(
        &self,
        caller: &Caller,
        household: Id,
        member: Id,
        version: i64,
    ) -> Result<()> {
        let household = self.household_to_write(caller, household).await?;
        if !self
            .store()
            .household_members(household.id)
            .await?
            .iter()
            .any(|m| m.id == member)
        {
            return Err(AppError::NotFound { entity: "member" });
        }
        Ok(self
            .store()
            .end_household_member(&caller.actor(), member, version)
            .await?)
    }

    /// Records a service given to a household (to one member, when `member` is one
    /// of them; by a partner, when named). A member who is not one is a bad choice
    /// at `person`, a partner unknown or closed at `partner`.
    pub async fn add_household_service(
        &self,
        caller: &Caller,
        household: Id,
        member: Option<Id>,
        partner: Option<Id>,
        details: Parsed<ServiceDetails>,
    ) -> Result<Household> {
        let household = self.household_to_write(caller, household).await?;
        let details = parsed(details)?;
        if let Some(member) = member {
            if !self
                .store()
                .household_members(household.id)
                .await?
                .iter()
                .any(|m| m.person_id == member)
            {
                return Err(refused("person", CareError::BadChoice));
            }
        }
        match self
            .store()
            .add_service(&caller.actor(), household.id, member, partner, &details)
            .await
        {
            Ok(_) => Ok(household),
            Err(StoreError::NotFound { .. }) => Err(refused("partner", CareError::BadChoice)),
            Err(other) => Err(other.into()),
        }
    }

    /// Records a household's self-reliance.
    pub async fn add_household_progress(
        &self,
        caller: &Caller,
        household: Id,
        details: Parsed<ProgressDetails>,
    ) -> Result<Household> {
        let household = self.household_to_write(caller, household).await?;
        let details = parsed(details)?;
        self.store()
            .add_progress(&caller.actor(), household.id, &details)
            .await?;
        Ok(household)
    }

    /// Moves a household's case to its next step.
    pub async fn move_household_case(
        &self,
        caller: &Caller,
        household: Id,
        version: i64,
        step: Parsed<CaseStep>,
    ) -> Result<()> {
        let household = self.household_to_write(caller, household).await?;
        let step = parsed(step)?;
        self.store()
            .move_case(
                &caller.actor(),
                PlanSubject::Household(household.id),
                version,
                step.to,
                &step.note,
            )
            .await
            .map_err(care_write)
    }

    /// Ends a household's support (graduation or exit); a household ended already
    /// cannot end again.
    pub async fn end_household(
        &self,
        caller: &Caller,
        household: Id,
        version: i64,
        end: Parsed<HouseholdEnd>,
    ) -> Result<Household> {
        let household = self.household_to_write(caller, household).await?;
        if !household.is_active() {
            return Err(refused("status", CareError::BadChoice));
        }
        let end = parsed(end)?;
        Ok(self
            .store()
            .end_household(&caller.actor(), household.id, version, &end)
            .await?)
    }
}

const PLAN: &str = "plan";

/// A development plan the caller may read, and whether they see its subject whole
/// (a child seen only through the caller's house is read, never planned for).
#[derive(Clone, Debug)]
pub struct PlanToRead {
    pub plan: Plan,
    pub whole: bool,
    /// The facility of the plan's child or household.
    pub facility: Id,
    /// The child's or the household's name.
    pub subject_name: String,
    /// The person whose plan it is, for a child's plan.
    pub person: Option<Id>,
}

impl App {
    /// A plan the caller may read (`Read Care`), through its child or household.
    pub async fn plan_to_read(&self, caller: &Caller, id: Id) -> Result<PlanToRead> {
        caller.require(Action::Read, Kind::Care)?;
        self.visible_plan(caller, id).await
    }

    async fn visible_plan(&self, caller: &Caller, id: Id) -> Result<PlanToRead> {
        let not_found = AppError::NotFound { entity: PLAN };
        let plan = match self.store().plan(id).await {
            Ok(plan) => plan,
            Err(StoreError::NotFound { .. }) => return Err(not_found),
            Err(other) => return Err(other.into()),
        };
        let access = self.care_access(caller).await?;
        let (whole, facility, subject_name, person) = match plan.subject() {
            Some(PlanSubject::Child(child)) => {
                let child = self.store().care_child(child).await?;
                if !access.sees_child(&child) {
                    return Err(not_found);
                }
                (
                    access.sees_facility(child.facility_id),
                    child.facility_id,
                    child.display_name(),
                    Some(child.person_id),
                )
            }
            Some(PlanSubject::Household(household)) => {
                let household = self.store().household(household).await?;
                if !access.sees_facility(household.facility_id) {
                    return Err(not_found);
                }
                (true, household.facility_id, household.name, None)
            }
            None => return Err(not_found),
        };
        Ok(PlanToRead {
            plan,
            whole,
            facility,
            subject_name,
            person,
        })
    }

    /// A plan the caller may change with `kind` (`Write Care`, or `Write
    /// CareApproval` to approve): its subject seen whole, its facility in the WRITE
    /// reach of the roles holding that permission.
    pub async fn plan_to_write(&self, caller: &Caller, id: Id, kind: Kind) -> Result<Plan> {
        caller.require(Action::Write, kind)?;
        let seen = self.visible_plan(caller, id).await?;
        if !seen.whole {
            return Err(AppError::NotFound { entity: PLAN });
        }
        let write = self
            .care_access_of(caller, &[(Action::Write, kind)])
            .await?;
        if !write.sees_facility(seen.facility) {
            return Err(AppError::ScopeBeyondYours);
        }
        Ok(seen.plan)
    }

    /// Makes a development plan for a child.
    pub async fn create_child_plan(
        &self,
        caller: &Caller,
        child: Id,
        details: Parsed<PlanDetails>,
    ) -> Result<Plan> {
        let child = self.care_child_to_write(caller, child).await?.child;
        let details = parsed(details)?;
        Ok(self
            .store()
            .create_plan(&caller.actor(), PlanSubject::Child(child.id), &details)
            .await?)
    }

    /// Makes a development plan for a household.
    pub async fn create_household_plan(
        &self,
        caller: &Caller,
        household: Id,
        details: Parsed<PlanDetails>,
    ) -> Result<Plan> {
        let household = self.household_to_write(caller, household).await?;
        let details = parsed(details)?;
        Ok(self
            .store()
            .create_plan(
                &caller.actor(),
                PlanSubject::Household(household.id),
                &details,
            )
            .await?)
    }

    /// Adds a goal to a plan; answers the plan as it is now.
    pub async fn add_goal(
        &self,
        caller: &Caller,
        plan: Id,
        details: Parsed<GoalDetails>,
    ) -> Result<Plan> {
        let plan = self.plan_to_write(caller, plan, Kind::Care).await?;
        let details = parsed(details)?;
        self.store()
            .add_goal(&caller.actor(), plan.id, &details)
            .await?;
        Ok(self.store().plan(plan.id).await?)
    }

    /// Records a goal's progress, naming the goal's version read.
    pub async fn update_goal(
        &self,
        caller: &Caller,
        plan: Id,
        goal: Id,
        version: i64,
        update: Parsed<GoalUpdate>,
    ) -> Result<Plan> {
        let plan = self.plan_to_write(caller, plan, Kind::Care).await?;
        let goal = self.store().goal(goal).await?;
        if goal.plan_id != plan.id {
            return Err(AppError::NotFound { entity: "goal" });
        }
        let update = parsed(update)?;
        self.store()
            .update_goal(&caller.actor(), goal.id, version, &update)
            .await?;
        Ok(self.store().plan(plan.id).await?)
    }

    /// Records a review of a plan and its next review date.
    pub async fn review_plan(
        &self,
        caller: &Caller,
        plan: Id,
        version: i64,
        review: Parsed<ReviewDetails>,
    ) -> Result<Plan> {
        let plan = self.plan_to_write(caller, plan, Kind::Care).await?;
        let review = parsed(review)?;
        Ok(self
            .store()
            .review_plan(&caller.actor(), plan.id, version, &review)
            .await?)
    }

    /// The programme director approves a plan (`Write CareApproval`). A plan
    /// approved already was changed since the caller read it: a conflict.
    pub async fn approve_plan(&self, caller: &Caller, plan: Id, version: i64) -> Result<Plan> {
        let plan = self.plan_to_write(caller, plan, Kind::CareApproval).await?;
        if plan.approved() {
            return Err(AppError::Conflict { entity: PLAN });
        }
        Ok(self
            .store()
            .approve_plan(&caller.actor(), plan.id, version)
            .await?)
    }
}
