//! The records of care as the caller reads them, whole: a child's care record, a
//! household with its members and services, a development plan with its goals, and
//! the partner organisations (site-wide, read with `Read Care` and changed with
//! `Write Care`).
//!
//! Each read is checked as the single-record checks of this module's parent are
//! (`care_child_to_read`, `household_to_read`, `plan_to_read`); the `read_` variants
//! also write the audit event of the read.

use haven_domain::care::{CareNoteKind, PartnerDetails};
use haven_domain::{Action, Kind};
use haven_store::care::{
    Admission, CareChild, CareNote, CaseEvent, Enrolment, FollowUp, Goal, House, Household,
    HouseholdMember, Partner, Placement, Plan, PlanReview, PlanSubject, Progress, Service, Sibling,
    Step, Term,
};
use haven_store::health::HealthSummary;
use haven_store::{Facility, Id, NewAuditEvent, StoreError};

use super::places::version_named;
use super::{parsed, CareAccess, Parsed};
use crate::{App, AppError, Caller, Result};

/// A child's care record: placements, admissions, plans, school, independence,
/// after-care and the case's steps.
#[derive(Clone, Debug)]
pub struct ChildRecord {
    pub child: CareChild,
    /// Newest first.
    pub placements: Vec<Placement>,
    /// Newest first.
    pub admissions: Vec<Admission>,
    pub plans: Vec<Plan>,
    pub enrolments: Vec<Enrolment>,
    /// The terms of those enrolments.
    pub terms: Vec<Term>,
    pub steps: Vec<Step>,
    /// Newest first.
    pub followups: Vec<FollowUp>,
    pub case_history: Vec<CaseEvent>,
}

/// A child's care page: the record, with what the page adds for this caller.
#[derive(Clone, Debug)]
pub struct ChildPage {
    pub record: ChildRecord,
    /// The caller's care access.
    pub access: CareAccess,
    /// The child's siblings in the registry and where they are in care.
    pub siblings: Vec<Sibling>,
    /// The kinds of note the caller may read, and the child's notes of those kinds.
    pub note_kinds: Vec<CareNoteKind>,
    pub notes: Vec<CareNote>,
    /// The caller may change the child's care record.
    pub writable: bool,
    /// The open houses of the child's programme the caller may place the child in,
    /// each with its facility (empty unless `writable`).
    pub houses: Vec<(Facility, House)>,
    /// The child's health summary, for a caller whose roles that read both care and
    /// the health summary see the child (the read is audited); `None` otherwise.
    pub health: Option<HealthSummary>,
}

/// The households of the family strengthening offices the caller sees.
#[derive(Clone, Debug)]
pub struct HouseholdList {
    /// The offices the caller sees whole.
    pub offices: Vec<Facility>,
    pub households: Vec<Household>,
}

/// A household with its members, services, self-reliance, case steps and plans.
#[derive(Clone, Debug)]
pub struct HouseholdRecord {
    pub household: Household,
    /// Each member with their care record's id, when they are a child in care the
    /// caller sees.
    pub members: Vec<(HouseholdMember, Option<Id>)>,
    pub services: Vec<Service>,
    /// Oldest first.
    pub progress: Vec<Progress>,
    pub case_history: Vec<CaseEvent>,
    pub plans: Vec<Plan>,
    /// The open partners a service may name.
    pub partners: Vec<Partner>,
    /// The caller may change the household.
    pub writable: bool,
}

/// A development plan with its goals and reviews.
#[derive(Clone, Debug)]
pub struct PlanRecord {
    pub plan: Plan,
    /// The child's or the household's name.
    pub subject_name: String,
    pub goals: Vec<Goal>,
    pub reviews: Vec<PlanReview>,
    /// The name of who approved it.
    pub approver: Option<String>,
    /// The caller may add goals, record progress and reviews.
    pub may_write: bool,
    /// The caller may approve it (a draft, seen whole, in the approving roles' reach).
    pub may_approve: bool,
}

impl App {
    async fn child_record(&self, child: CareChild) -> Result<ChildRecord> {
        let store = self.store();
        let enrolments = store.enrolments_of(child.id).await?;
        let terms = store
            .terms_of(&enrolments.iter().map(|e| e.id).collect::<Vec<_>>())
            .await?;
        Ok(ChildRecord {
            placements: store.placements_of(child.id).await?,
            admissions: store.admissions_of(child.id).await?,
            plans: store.plans_of(PlanSubject::Child(child.id)).await?,
            enrolments,
            terms,
            steps: store.steps_of(child.id).await?,
            followups: store.followups_of(child.id).await?,
            case_history: store.case_events(child.id).await?,
            child,
        })
    }

    /// Reads a child's care record (`Read Care`, the child seen by the caller's care
    /// access), writing the audit event of the read.
    pub async fn read_care_child_record(&self, caller: &Caller, id: Id) -> Result<ChildRecord> {
        let seen = self.care_child_to_read(caller, id).await?;
        let child = self
            .store()
            .read_care_child(&caller.actor(), seen.child.id)
            .await?;
        self.child_record(child).await
    }

    /// A child's care page (`Read Care`, the child seen by the caller's care access):
    /// the record, siblings, the notes of the kinds the caller may read, the houses
    /// the caller may place the child in, and the health summary. `audited` writes the
    /// audit event of reading the child (a page shown again with a form's problems is
    /// not a new read); the health summary's read is audited whenever it is shown.
    pub async fn care_child_page(
        &self,
        caller: &Caller,
        id: Id,
        audited: bool,
    ) -> Result<ChildPage> {
        let seen = self.care_child_to_read(caller, id).await?;
        let store = self.store();
        let child = if audited {
            store
                .read_care_child(&caller.actor(), seen.child.id)
                .await?
        } else {
            seen.child
        };
        let access = seen.access;
        let siblings = store.siblings_of(child.person_id).await?;
        let note_kinds = self.readable_note_kinds(caller);
        let notes = store.care_notes_of(child.id, &note_kinds).await?;
        let writable = access.sees_facility(child.facility_id)
            && self
                .may_write_care_with(caller, child.facility_id, Kind::Care)
                .await?;
        let mut houses = Vec::new();
        if writable {
            let write = self
                .care_access_of(caller, &[(Action::Write, Kind::Care)])
                .await?;
            let facilities = store.care_facilities().await?;
            for facility in write.facilities_of(&facilities) {
                if facility.programme_id != child.programme_id {
                    continue;
                }
                for house in store.houses_of(facility.id).await? {
                    if house.closed_at.is_none() {
                        houses.push((facility.clone(), house));
                    }
                }
            }
        }
        let health = self.health_summary_of(caller, &child).await?;
        Ok(ChildPage {
            record: self.child_record(child).await?,
            access,
            siblings,
            note_kinds,
            notes,
            writable,
            houses,
            health,
        })
    }

    /// The health summary of a child the caller has been shown, read (and audited)
    /// only through the roles that read both care and the health summary.
    async fn health_summary_of(
        &self,
        caller: &Caller,
        child: &CareChild,
    ) -> Result<Option<HealthSummary>> {
        if !caller.can(Action::Read, Kind::HealthSummary) {
            return Ok(None);
        }
        let access = CareAccess::of_readers(
            self.store(),
            caller.roles(),
            caller.user().id,
            &[Kind::Care, Kind::HealthSummary],
        )
        .await?;
        if !access.sees_child(child) {
            return Ok(None);
        }
        Ok(Some(
            self.store()
                .read_health_summary(&caller.actor(), child.person_id)
                .await?,
        ))
    }

    /// The households of the family strengthening offices the caller sees whole
    /// (`Read Care`), of one office (`Some`) or all.
    pub async fn households(&self, caller: &Caller, office: Option<Id>) -> Result<HouseholdList> {
        caller.require(Action::Read, Kind::Care)?;
        let access = self.care_access(caller).await?;
        let offices: Vec<Facility> = access
            .facilities_of(&self.store().care_facilities().await?)
            .into_iter()
            .filter(|f| f.kind == "family_strengthening_office")
            .cloned()
            .collect();
        let chosen: Vec<Id> = offices
            .iter()
            .map(|o| o.id)
            .filter(|id| office.is_none_or(|o| o == *id))
            .collect();
        let households = self.store().households_of(&chosen).await?;
        Ok(HouseholdList {
            offices,
            households,
        })
    }

    /// A household's record (`Read Care`, its office seen), without an audit event
    /// (for a page or an answer after a change).
    pub async fn household_record(&self, caller: &Caller, id: Id) -> Result<HouseholdRecord> {
        let household = self.household_to_read(caller, id).await?;
        let store = self.store();
        let members = store.household_members(household.id).await?;
        let people: Vec<Id> = members.iter().map(|m| m.person_id).collect();
        let in_care = store.care_children_of_people(&people).await?;
        let access = self.care_access(caller).await?;
        let members = members
            .into_iter()
            .map(|m| {
                let child = in_care
                    .iter()
                    .find(|c| c.person_id == m.person_id && access.sees_child(c))
                    .map(|c| c.id);
                (m, child)
            })
            .collect();
        let writable = self
            .may_write_care_with(caller, household.facility_id, Kind::Care)
            .await?;
        Ok(HouseholdRecord {
            members,
            services: store.services_of(household.id).await?,
            progress: store.progress_of(household.id).await?,
            case_history: store.case_events(household.id).await?,
            plans: store.plans_of(PlanSubject::Household(household.id)).await?,
            partners: store
                .partners()
                .await?
                .into_iter()
                .filter(|p| p.closed_at.is_none())
                .collect(),
            writable,
            household,
        })
    }

    /// Reads a household's record (see [`App::household_record`]), writing the audit
    /// event of the read.
    pub async fn read_household_record(&self, caller: &Caller, id: Id) -> Result<HouseholdRecord> {
        let household = self.household_to_read(caller, id).await?;
        self.store()
            .audit(
                &caller.actor(),
                NewAuditEvent::new("care_household_read", "care_household", household.id),
            )
            .await?;
        self.household_record(caller, household.id).await
    }

    /// A plan's record (`Read Care`, through its child or household), without an
    /// audit event (for a page or an answer after a change).
    pub async fn plan_record(&self, caller: &Caller, id: Id) -> Result<PlanRecord> {
        let seen = self.plan_to_read(caller, id).await?;
        self.plan_record_of(caller, seen).await
    }

    async fn plan_record_of(&self, caller: &Caller, seen: super::PlanToRead) -> Result<PlanRecord> {
        let store = self.store();
        let plan = seen.plan;
        let approver = match plan.approved_by {
            Some(user) => store.user(user).await.ok().map(|u| u.display_name),
            None => None,
        };
        let may_write = seen.whole
            && self
                .may_write_care_with(caller, seen.facility, Kind::Care)
                .await?;
        let may_approve = seen.whole
            && !plan.approved()
            && self
                .may_write_care_with(caller, seen.facility, Kind::CareApproval)
                .await?;
        Ok(PlanRecord {
            goals: store.goals_of(plan.id).await?,
            reviews: store.reviews_of(plan.id).await?,
            subject_name: seen.subject_name,
            approver,
            may_write,
            may_approve,
            plan,
        })
    }

    /// Reads a plan's record (see [`App::plan_record`]); a child's plan writes the
    /// audit event of reading the child.
    pub async fn read_plan_record(&self, caller: &Caller, id: Id) -> Result<PlanRecord> {
        let seen = self.plan_to_read(caller, id).await?;
        if let Some(person) = seen.person {
            self.store()
                .audit_person(
                    &caller.actor(),
                    "care_child_read",
                    person,
                    &format!("plan {}", seen.plan.id),
                )
                .await?;
        }
        self.plan_record_of(caller, seen).await
    }

    /// The partner organisations (`Read Care`), open and closed.
    pub async fn partners(&self, caller: &Caller) -> Result<Vec<Partner>> {
        caller.require(Action::Read, Kind::Care)?;
        Ok(self.store().partners().await?)
    }

    /// A partner organisation (`Write Care` to change it: partners are the site's,
    /// not a place's), or not found.
    async fn partner_to_write(&self, caller: &Caller, id: Id) -> Result<Partner> {
        caller.require(Action::Write, Kind::Care)?;
        match self.store().partner(id).await {
            Ok(partner) => Ok(partner),
            Err(StoreError::NotFound { .. }) => Err(AppError::NotFound { entity: "partner" }),
            Err(other) => Err(other.into()),
        }
    }

    /// Adds a partner organisation (`Write Care`).
    pub async fn create_partner(
        &self,
        caller: &Caller,
        details: Parsed<PartnerDetails>,
    ) -> Result<Partner> {
        caller.require(Action::Write, Kind::Care)?;
        let details = parsed(details)?;
        Ok(self
            .store()
            .create_partner(&caller.actor(), &details)
            .await?)
    }

    /// Changes a partner's name, services and contact (`Write Care`), naming the
    /// version read (`None`: refused at `version`).
    pub async fn update_partner(
        &self,
        caller: &Caller,
        id: Id,
        version: Option<i64>,
        details: Parsed<PartnerDetails>,
    ) -> Result<Partner> {
        let partner = self.partner_to_write(caller, id).await?;
        let details = parsed(details)?;
        let version = version_named(version)?;
        Ok(self
            .store()
            .update_partner(&caller.actor(), partner.id, version, &details)
            .await?)
    }

    /// Closes a partner (no new referrals go to it) or opens it again (`Write Care`).
    pub async fn close_partner(
        &self,
        caller: &Caller,
        id: Id,
        version: Option<i64>,
        closed: bool,
    ) -> Result<Partner> {
        let partner = self.partner_to_write(caller, id).await?;
        let version = version_named(version)?;
        Ok(self
            .store()
            .set_partner_closed(&caller.actor(), partner.id, version, closed)
            .await?)
    }
}
