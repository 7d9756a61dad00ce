//! Persistence of children's villages and family strengthening: placements, siblings, gatekeeping, development plans, education and independence (issue 6).
//!
//! Houses belong to a village; a child's care record (`care_child`, one per person)
//! is held by a facility, which is what reach is checked against. Nothing here is
//! deleted: placements and notes entered in error are marked so, houses closed,
//! members ended. Every write appends its change-log row and audit event in its own
//! transaction; rules that need the database (overlapping placements, a sibling in
//! another house, a full house) are checked inside that transaction, so two writers
//! cannot both pass them on SQLite (whose writers are serialised by `BEGIN IMMEDIATE`).

mod demo;
mod education;
mod families;
mod figures;
mod notes;
mod plans;

use std::collections::BTreeMap;

use haven_domain::care::{
    needs_family_care, overlaps, AdmissionDetails, AdmissionStatus, CareCaseState, CareError,
    HouseDetails, HouseKind, PlacementDetails, PlacementEnd,
};
use haven_domain::person::{BirthDatePrecision, Sex};
use time::Date;

use crate::db::{on_pool, BeginWrite};
use crate::ledger::{Actor, Ledger, NewAuditEvent};
use crate::{Id, Result, Store, StoreError, Timestamp};

pub use education::{Enrolment, FollowUp, Step, Term};
pub use families::{Household, HouseholdMember, Partner, Progress, Service};
pub use figures::{CareFigures, ChildRow};
pub use notes::{CareNote, CaseEvent};
pub use plans::{Goal, OverduePlan, Plan, PlanReview, PlanSubject};

/// A write refused by a care rule, or a store error.
#[derive(Debug)]
pub enum CareWriteError {
    /// The form field the rule belongs to, and the rule.
    Refused(&'static str, CareError),
    Store(StoreError),
}

impl From<StoreError> for CareWriteError {
    fn from(error: StoreError) -> Self {
        CareWriteError::Store(error)
    }
}

impl From<sqlx::Error> for CareWriteError {
    fn from(error: sqlx::Error) -> Self {
        CareWriteError::Store(StoreError::Database(error))
    }
}

pub type CareResult<T> = std::result::Result<T, CareWriteError>;

/// The audit actions of this part, for the audit trail's labels.
pub const CARE_AUDIT_ACTIONS: &[&str] = &[
    "care_house_create",
    "care_house_update",
    "care_house_close",
    "care_house_reopen",
    "care_child_read",
    "health_summary_read",
    "care_admission_record",
    "care_admission_decide",
    "care_placement_create",
    "care_placement_end",
    "care_placement_error",
    "care_plan_create",
    "care_plan_approve",
    "care_goal_add",
    "care_goal_update",
    "care_plan_review",
    "care_enrolment_add",
    "care_term_add",
    "care_step_add",
    "care_leaving_record",
    "care_followup_add",
    "care_household_create",
    "care_household_read",
    "care_member_add",
    "care_member_end",
    "care_service_add",
    "care_progress_add",
    "care_household_end",
    "care_partner_create",
    "care_partner_update",
    "care_partner_close",
    "care_partner_reopen",
    "care_case_move",
    "care_note_add",
    "care_note_error",
];

/// A value bound into one of this part's generic inserts and updates.
#[derive(Clone, Debug)]
pub(crate) enum V {
    Id(Id),
    OptId(Option<Id>),
    Text(String),
    Date(Date),
    OptDate(Option<Date>),
    Int(i64),
    OptInt(Option<i64>),
    Real(Option<f64>),
    OptTs(Option<Timestamp>),
}

pub(crate) fn text(value: &str) -> V {
    V::Text(value.to_owned())
}

/// Binds one [`V`] to a query; expanded inside `on_pool!` so each database's
/// encoders are used.
macro_rules! bind_value {
    ($query:expr, $value:expr) => {
        match $value {
            V::Id(v) => $query.bind(*v),
            V::OptId(v) => $query.bind(*v),
            V::Text(v) => $query.bind(v.clone()),
            V::Date(v) => $query.bind(*v),
            V::OptDate(v) => $query.bind(*v),
            V::Int(v) => $query.bind(*v),
            V::OptInt(v) => $query.bind(*v),
            V::Real(v) => $query.bind(*v),
            V::OptTs(v) => $query.bind(*v),
        }
    };
}
pub(crate) use bind_value;

/// Inserts a record with its id, site, who and when, and version 1, then the named
/// columns; inside an open transaction `$tx`.
macro_rules! insert_row {
    ($tx:expr, $store:expr, $table:expr, $id:expr, $actor:expr, $now:expr, $values:expr) => {{
        let values: &[(&str, $crate::care::V)] = $values;
        let columns = values.iter().map(|(c, _)| *c).collect::<Vec<_>>().join(", ");
        let marks = (6..6 + values.len()).map(|n| format!("${n}")).collect::<Vec<_>>().join(", ");
        let sql = format!(
            "INSERT INTO {} (id, site_id, created_at, created_by, updated_at, updated_by, version, {columns})
             VALUES ($1, $2, $3, $4, $3, $4, $5, {marks})",
            $table
        );
        let mut query = sqlx::query(&sql)
            .bind($id)
            .bind($store.site_id)
            .bind($now)
            .bind($actor.id)
            .bind(1_i64);
        for (_, value) in values {
            query = $crate::care::bind_value!(query, value);
        }
        query.execute(&mut *$tx).await
    }};
}
pub(crate) use insert_row;

/// Updates the named columns of a record at the version read, bumping it; answers
/// the rows changed (0: missing or stale).
macro_rules! update_row {
    ($tx:expr, $table:expr, $id:expr, $version:expr, $actor:expr, $now:expr, $values:expr) => {{
        let values: &[(&str, $crate::care::V)] = $values;
        let sets = values
            .iter()
            .enumerate()
            .map(|(i, (c, _))| format!("{c} = ${}", i + 5))
            .collect::<Vec<_>>()
            .join(", ");
        let comma = if values.is_empty() { "" } else { ", " };
        let sql = format!(
            "UPDATE {} SET {sets}{comma}updated_at = $1, updated_by = $2, version = version + 1
             WHERE id = $3 AND version = $4",
            $table
        );
        let mut query = sqlx::query(&sql)
            .bind($now)
            .bind($actor.id)
            .bind($id)
            .bind($version);
        for (_, value) in values {
            query = $crate::care::bind_value!(query, value);
        }
        query
            .execute(&mut *$tx)
            .await
            .map(|done| done.rows_affected())
    }};
}
pub(crate) use update_row;

/// `$first, $first+1, ...`: placeholders for an `IN` list.
pub(crate) fn marks(count: usize, first: usize) -> String {
    (first..first + count)
        .map(|n| format!("${n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A house of a village: an SOS family (or a youth house) with its caregivers.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct House {
    pub id: Id,
    pub facility_id: Id,
    pub facility_name: String,
    pub facility_name_km: String,
    pub programme_id: Id,
    pub name: String,
    /// A [`HouseKind`] code.
    pub kind: String,
    pub capacity: i64,
    pub sos_parent_id: Option<Id>,
    pub family_assistant_id: Option<Id>,
    pub sp_family_km: Option<String>,
    pub sp_given_km: Option<String>,
    pub sp_family_latin: Option<String>,
    pub sp_given_latin: Option<String>,
    pub fa_family_km: Option<String>,
    pub fa_given_km: Option<String>,
    pub fa_family_latin: Option<String>,
    pub fa_given_latin: Option<String>,
    /// Children living there now.
    pub children: i64,
    pub closed_at: Option<Timestamp>,
    pub version: i64,
}

impl House {
    pub fn kind(&self) -> Option<HouseKind> {
        HouseKind::parse(&self.kind)
    }

    /// The SOS parent's name as Haven shows names, if the house has one.
    pub fn sos_parent_name(&self) -> Option<String> {
        self.sos_parent_id.map(|_| {
            name_of(
                &self.sp_family_km,
                &self.sp_given_km,
                &self.sp_family_latin,
                &self.sp_given_latin,
            )
        })
    }

    pub fn family_assistant_name(&self) -> Option<String> {
        self.family_assistant_id.map(|_| {
            name_of(
                &self.fa_family_km,
                &self.fa_given_km,
                &self.fa_family_latin,
                &self.fa_given_latin,
            )
        })
    }

    pub fn free_places(&self) -> i64 {
        (self.capacity - self.children).max(0)
    }
}

fn name_of(
    fk: &Option<String>,
    gk: &Option<String>,
    fl: &Option<String>,
    gl: &Option<String>,
) -> String {
    let part = |p: &Option<String>| p.clone().unwrap_or_default();
    haven_domain::person::display_name(&part(fk), &part(gk), &part(fl), &part(gl))
}

/// A child's care record, with the person's name, sex and birth, and where they
/// live now.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct CareChild {
    pub id: Id,
    pub person_id: Id,
    pub facility_id: Id,
    pub facility_name: String,
    pub facility_name_km: String,
    pub programme_id: Id,
    /// A [`CareCaseState`] code.
    pub case_state: String,
    pub left_on: Option<Date>,
    pub leaving_destination: String,
    pub leaving_reason: String,
    pub version: i64,
    pub family_name_km: String,
    pub given_name_km: String,
    pub family_name_latin: String,
    pub given_name_latin: String,
    pub sex: String,
    pub birth_date: Date,
    pub birth_date_precision: String,
    pub house_id: Option<Id>,
    pub house_name: Option<String>,
    pub placed_on: Option<Date>,
}

impl CareChild {
    pub fn display_name(&self) -> String {
        haven_domain::person::display_name(
            &self.family_name_km,
            &self.given_name_km,
            &self.family_name_latin,
            &self.given_name_latin,
        )
    }

    pub fn sex(&self) -> Sex {
        Sex::parse(&self.sex).unwrap_or(Sex::Unknown)
    }

    pub fn case_state(&self) -> CareCaseState {
        CareCaseState::parse(&self.case_state).unwrap_or(CareCaseState::START)
    }

    pub fn birth_precision(&self) -> BirthDatePrecision {
        BirthDatePrecision::parse(&self.birth_date_precision).unwrap_or(BirthDatePrecision::Exact)
    }

    pub fn in_care(&self) -> bool {
        self.left_on.is_none()
    }
}

/// A gatekeeping assessment and its decision.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Admission {
    pub id: Id,
    pub child_id: Id,
    pub referred_by: String,
    pub referred_on: Option<Date>,
    pub authority: String,
    pub authority_reference: String,
    pub necessity: String,
    pub family_support: String,
    /// Comma-separated [`haven_domain::care::CareOption`] codes.
    pub options_considered: String,
    pub chosen_option: String,
    pub suitability: String,
    pub child_views: String,
    pub siblings_note: String,
    pub decision: String,
    pub decided_on: Date,
    pub review_on: Date,
    /// An [`AdmissionStatus`] code.
    pub status: String,
    pub approved_by: Option<Id>,
    pub approved_at: Option<Timestamp>,
    pub approval_note: String,
    pub created_by: Id,
    pub created_at: Timestamp,
    pub version: i64,
}

impl Admission {
    pub fn status(&self) -> AdmissionStatus {
        AdmissionStatus::parse(&self.status).unwrap_or(AdmissionStatus::Pending)
    }
}

/// A stay of a child in a house.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Placement {
    pub id: Id,
    pub child_id: Id,
    pub house_id: Id,
    pub house_name: String,
    pub facility_id: Id,
    pub started_on: Date,
    pub ended_on: Option<Date>,
    pub start_reason: String,
    pub end_reason: String,
    pub apart_reason: String,
    pub version: i64,
}

/// A sibling of a child in the registry, and where they are in care (if at all).
#[derive(Clone, Debug)]
pub struct Sibling {
    pub person_id: Id,
    pub name: String,
    pub care_child_id: Option<Id>,
    pub house_id: Option<Id>,
    pub house_name: Option<String>,
}

/// What a placement is checked against beyond its dates.
#[derive(Clone, Copy, Debug, Default)]
pub struct PlacementChecks {
    /// The user confirmed placing a child under 3 outside family-based care.
    pub under_three_confirmed: bool,
}

const HOUSE_SELECT: &str = "SELECT h.id, h.facility_id, f.name AS facility_name,
     f.name_km AS facility_name_km, f.programme_id, h.name, h.kind, h.capacity, h.sos_parent_id,
     h.family_assistant_id, sp.family_name_km AS sp_family_km, sp.given_name_km AS sp_given_km,
     sp.family_name_latin AS sp_family_latin, sp.given_name_latin AS sp_given_latin,
     fa.family_name_km AS fa_family_km, fa.given_name_km AS fa_given_km,
     fa.family_name_latin AS fa_family_latin, fa.given_name_latin AS fa_given_latin,
     (SELECT COUNT(*) FROM care_placement pl WHERE pl.house_id = h.id AND pl.ended_on IS NULL
          AND pl.entered_in_error_at IS NULL) AS children,
     h.closed_at, h.version
     FROM care_house h JOIN facility f ON f.id = h.facility_id
     LEFT JOIN staff_member ss ON ss.id = h.sos_parent_id LEFT JOIN person sp ON sp.id = ss.person_id
     LEFT JOIN staff_member sa ON sa.id = h.family_assistant_id LEFT JOIN person fa ON fa.id = sa.person_id";

pub(crate) const CHILD_SELECT: &str = "SELECT c.id, c.person_id, c.facility_id,
     f.name AS facility_name, f.name_km AS facility_name_km, f.programme_id, c.case_state,
     c.left_on, c.leaving_destination, c.leaving_reason, c.version, p.family_name_km,
     p.given_name_km, p.family_name_latin, p.given_name_latin, p.sex, p.birth_date,
     p.birth_date_precision, pl.house_id AS house_id, h.name AS house_name, pl.started_on AS placed_on
     FROM care_child c JOIN person p ON p.id = c.person_id JOIN facility f ON f.id = c.facility_id
     LEFT JOIN care_placement pl ON pl.child_id = c.id AND pl.ended_on IS NULL
          AND pl.entered_in_error_at IS NULL
     LEFT JOIN care_house h ON h.id = pl.house_id";

const ADMISSION_COLUMNS: &str = "id, child_id, referred_by, referred_on, authority,
     authority_reference, necessity, family_support, options_considered, chosen_option,
     suitability, child_views, siblings_note, decision, decided_on, review_on, status,
     approved_by, approved_at, approval_note, created_by, created_at, version";

const PLACEMENT_SELECT: &str = "SELECT pl.id, pl.child_id, pl.house_id, h.name AS house_name,
     h.facility_id, pl.started_on, pl.ended_on, pl.start_reason, pl.end_reason, pl.apart_reason,
     pl.version
     FROM care_placement pl JOIN care_house h ON h.id = pl.house_id";

/// The facilities that hold children's care: a village, a youth facility, a family
/// strengthening office.
pub const CARE_FACILITY_KINDS: &[&str] = &[
    "childrens_village",
    "youth_facility",
    "family_strengthening_office",
];

impl Store {
    // -----------------------------------------------------------------------
    // Houses

    /// Adds a house to a village (or youth facility), with its SOS parent and family
    /// assistant (staff members).
    pub async fn create_house(
        &self,
        actor: &Actor,
        facility_id: Id,
        details: &HouseDetails,
        sos_parent: Option<Id>,
        family_assistant: Option<Id>,
    ) -> Result<House> {
        let facility = self.facility(facility_id).await?;
        if !matches!(
            facility.kind.as_str(),
            "childrens_village" | "youth_facility"
        ) {
            return Err(StoreError::NotFound { entity: "village" });
        }
        let id = Id::new();
        let now = Timestamp::now();
        on_pool!(&self.pool, pool => {
            let mut tx = pool.begin_write().await?;
            insert_row!(tx, self, "care_house", id, actor, now, &[
                ("facility_id", V::Id(facility_id)),
                ("name", text(details.name())),
                ("kind", text(details.kind().code())),
                ("capacity", V::Int(details.capacity())),
                ("sos_parent_id", V::OptId(sos_parent)),
                ("family_assistant_id", V::OptId(family_assistant)),
            ])
            .map_err(|e| crate::places::missing_as(e, "staff member"))?;
            tx.append_change("care_house", id, 1, self.site_id, actor, now).await?;
            tx.append_audit(actor, &NewAuditEvent::new("care_house_create", "care_house", id).with_detail(facility_id.to_string()), now).await?;
            tx.commit().await?;
        });
        self.house(id).await
    }

    /// Changes a house's name, kind, capacity and caregivers, naming the version read.
    pub async fn update_house(
        &self,
        actor: &Actor,
        id: Id,
        version: i64,
        details: &HouseDetails,
        sos_parent: Option<Id>,
        family_assistant: Option<Id>,
    ) -> Result<House> {
        let now = Timestamp::now();
        on_pool!(&self.pool, pool => {
            let mut tx = pool.begin_write().await?;
            let changed = update_row!(tx, "care_house", id, version, actor, now, &[
                ("name", text(details.name())),
                ("kind", text(details.kind().code())),
                ("capacity", V::Int(details.capacity())),
                ("sos_parent_id", V::OptId(sos_parent)),
                ("family_assistant_id", V::OptId(family_assistant)),
            ])
            .map_err(|e| crate::places::missing_as(e, "staff member"))?;
            if changed == 0 {
                tx.rollback().await?;
                return Err(self.why_not_changed("care_house", id).await);
            }
            tx.append_change("care_house", id, version + 1, self.site_id, actor, now).await?;
            tx.append_audit(actor, &NewAuditEvent::new("care_house_update", "care_house", id), now).await?;
            tx.commit().await?;
        });
        self.house(id).await
    }

    /// Closes a house (an SOS family that no longer takes children), or opens it
    /// again, naming the version read. A house where children live is not closed:
    /// their placements end first, each with its reason.
    pub async fn set_house_closed(
        &self,
        actor: &Actor,
        id: Id,
        version: i64,
        closed: bool,
    ) -> CareResult<House> {
        let house = self.house(id).await?;
        if closed && house.children > 0 {
            return Err(CareWriteError::Refused(
                "house",
                CareError::HouseHasChildren,
            ));
        }
        let now = Timestamp::now();
        let (closed_at, action) = if closed {
            (Some(now), "care_house_close")
        } else {
            (None, "care_house_reopen")
        };
        on_pool!(&self.pool, pool => {
            let mut tx = pool.begin_write().await?;
            let changed = update_row!(tx, "care_house", id, version, actor, now, &[
                ("closed_at", V::OptTs(closed_at)),
            ])?;
            if changed == 0 {
                tx.rollback().await?;
                return Err(self.why_not_changed("care_house", id).await.into());
            }
            // A child placed at the same moment would make a closed house hold a
            // child: the placement's own check reads the house in its transaction.
            let placed: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM care_placement
                 WHERE house_id = $1 AND ended_on IS NULL AND entered_in_error_at IS NULL",
            )
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
            if closed && placed > 0 {
                tx.rollback().await?;
                return Err(CareWriteError::Refused("house", CareError::HouseHasChildren));
            }
            tx.append_change("care_house", id, version + 1, self.site_id, actor, now).await?;
            tx.append_audit(actor, &NewAuditEvent::new(action, "care_house", id), now).await?;
            tx.commit().await?;
        });
        Ok(self.house(id).await?)
    }

    pub async fn house(&self, id: Id) -> Result<House> {
        let sql = format!("{HOUSE_SELECT} WHERE h.id = $1");
        on_pool!(&self.pool, pool => {
            sqlx::query_as::<_, House>(&sql).bind(id).fetch_optional(pool).await?
                .ok_or(StoreError::NotFound { entity: "house" })
        })
    }

    /// The houses of a village, by name.
    pub async fn houses_of(&self, facility_id: Id) -> Result<Vec<House>> {
        let sql = format!("{HOUSE_SELECT} WHERE h.facility_id = $1 ORDER BY h.name, h.id");
        on_pool!(&self.pool, pool => {
            Ok(sqlx::query_as::<_, House>(&sql).bind(facility_id).fetch_all(pool).await?)
        })
    }

    /// The open houses where the staff member linked to this account is the SOS
    /// parent or the family assistant: what an SOS parent's view is narrowed to.
    pub async fn houses_of_user(&self, user_id: Id) -> Result<Vec<Id>> {
        on_pool!(&self.pool, pool => {
            Ok(sqlx::query_scalar::<_, Id>(
                "SELECT h.id FROM care_house h JOIN staff_member s
                     ON s.id = h.sos_parent_id OR s.id = h.family_assistant_id
                 WHERE s.user_id = $1 AND h.closed_at IS NULL ORDER BY h.name",
            )
            .bind(user_id)
            .fetch_all(pool)
            .await?)
        })
    }

    /// The facilities that hold care (villages, youth facilities, family
    /// strengthening offices), open or closed.
    pub async fn care_facilities(&self) -> Result<Vec<crate::Facility>> {
        Ok(self
            .facilities()
            .await?
            .into_iter()
            .filter(|f| CARE_FACILITY_KINDS.contains(&f.kind.as_str()))
            .collect())
    }

    // -----------------------------------------------------------------------
    // Children

    pub async fn care_child(&self, id: Id) -> Result<CareChild> {
        let sql = format!("{CHILD_SELECT} WHERE c.id = $1");
        on_pool!(&self.pool, pool => {
            sqlx::query_as::<_, CareChild>(&sql).bind(id).fetch_optional(pool).await?
                .ok_or(StoreError::NotFound { entity: "child in care" })
        })
    }

    /// A child's care record as a user reads it: the read is audited on the person.
    pub async fn read_care_child(&self, actor: &Actor, id: Id) -> Result<CareChild> {
        let child = self.care_child(id).await?;
        self.audit(
            actor,
            NewAuditEvent::new("care_child_read", "person", child.person_id)
                .with_detail(id.to_string()),
        )
        .await?;
        Ok(child)
    }

    pub async fn care_child_of_person(&self, person_id: Id) -> Result<Option<CareChild>> {
        let sql = format!("{CHILD_SELECT} WHERE c.person_id = $1");
        on_pool!(&self.pool, pool => {
            Ok(sqlx::query_as::<_, CareChild>(&sql).bind(person_id).fetch_optional(pool).await?)
        })
    }

    /// The children whose care these facilities hold, by name.
    pub async fn care_children_of(&self, facility_ids: &[Id]) -> Result<Vec<CareChild>> {
        if facility_ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "{CHILD_SELECT} WHERE c.facility_id IN ({})
             ORDER BY p.family_name_latin, p.given_name_latin, p.family_name_km, c.id",
            marks(facility_ids.len(), 1)
        );
        on_pool!(&self.pool, pool => {
            let mut query = sqlx::query_as::<_, CareChild>(&sql);
            for id in facility_ids {
                query = query.bind(*id);
            }
            Ok(query.fetch_all(pool).await?)
        })
    }

    /// The children living in a house now.
    pub async fn children_of_house(&self, house_id: Id) -> Result<Vec<CareChild>> {
        let sql = format!("{CHILD_SELECT} WHERE pl.house_id = $1 ORDER BY p.birth_date, c.id");
        on_pool!(&self.pool, pool => {
            Ok(sqlx::query_as::<_, CareChild>(&sql).bind(house_id).fetch_all(pool).await?)
        })
    }

    /// The care records of these children, in no set order (one query per 400 ids).
    pub async fn care_children_by_ids(&self, ids: &[Id]) -> Result<Vec<CareChild>> {
        self.care_children_where("c.id", ids).await
    }

    /// The care records of these people (at most one each), in no set order.
    pub async fn care_children_of_people(&self, person_ids: &[Id]) -> Result<Vec<CareChild>> {
        self.care_children_where("c.person_id", person_ids).await
    }

    async fn care_children_where(&self, column: &str, ids: &[Id]) -> Result<Vec<CareChild>> {
        let mut children = Vec::new();
        // In chunks, so a long list never exceeds a database's parameter limit.
        for chunk in ids.chunks(400) {
            let sql = format!(
                "{CHILD_SELECT} WHERE {column} IN ({})",
                marks(chunk.len(), 1)
            );
            let rows: Vec<CareChild> = on_pool!(&self.pool, pool => {
                let mut query = sqlx::query_as::<_, CareChild>(&sql);
                for id in chunk {
                    query = query.bind(*id);
                }
                query.fetch_all(pool).await?
            });
            children.extend(rows);
        }
        Ok(children)
    }

    /// Children registered at a facility (under 18 on `today`) who have no care
    /// record yet: referrals waiting for gatekeeping. At most `limit`, youngest last.
    pub async fn awaiting_admission(
        &self,
        facility_id: Id,
        today: Date,
        limit: i64,
    ) -> Result<Vec<crate::Person>> {
        let born_after = haven_domain::person::years_before(today, 18);
        let ids: Vec<Id> = on_pool!(&self.pool, pool => {
            sqlx::query_scalar(
                "SELECT p.id FROM person p
                 WHERE p.registered_facility_id = $1 AND p.birth_date > $2 AND p.merged_into IS NULL
                   AND p.entered_in_error_at IS NULL AND p.died_on IS NULL
                   AND NOT EXISTS (SELECT 1 FROM care_child c WHERE c.person_id = p.id)
                 ORDER BY p.family_name_latin, p.birth_date, p.id LIMIT $3",
            )
            .bind(facility_id)
            .bind(born_after)
            .bind(limit)
            .fetch_all(pool)
            .await?
        });
        self.people(&ids).await
    }

    // -----------------------------------------------------------------------
    // Gatekeeping

    /// Records a gatekeeping assessment and decision for a person, held by
    /// `facility_id`; opens the child's care record (and case) the first time. The
    /// admission waits for the programme director's approval.
    pub async fn record_admission(
        &self,
        actor: &Actor,
        person_id: Id,
        facility_id: Id,
        details: &AdmissionDetails,
    ) -> Result<Admission> {
        let facility = self.facility(facility_id).await?;
        if !CARE_FACILITY_KINDS.contains(&facility.kind.as_str()) {
            return Err(StoreError::NotFound { entity: "village" });
        }
        self.person(person_id).await?;
        let existing = self.care_child_of_person(person_id).await?;
        let id = Id::new();
        let now = Timestamp::now();
        let options = haven_domain::care::join_codes(
            details.options_considered(),
            haven_domain::care::CareOption::code,
        );
        on_pool!(&self.pool, pool => {
            let mut tx = pool.begin_write().await?;
            let child_id = match &existing {
                Some(child) => child.id,
                None => {
                    let child_id = Id::new();
                    insert_row!(tx, self, "care_child", child_id, actor, now, &[
                        ("person_id", V::Id(person_id)),
                        ("facility_id", V::Id(facility_id)),
                        ("case_state", text(CareCaseState::Assessment.code())),
                    ])
                    .map_err(|e| StoreError::unique_as(e, "person"))?;
                    tx.append_change("care_child", child_id, 1, self.site_id, actor, now).await?;
                    // The case starts at identification; recording the assessment is
                    // its first step.
                    for (from, to) in [("", CareCaseState::START.code()), (CareCaseState::START.code(), CareCaseState::Assessment.code())] {
                        let event = Id::new();
                        insert_row!(tx, self, "care_case_event", event, actor, now, &[
                            ("subject_id", V::Id(child_id)),
                            ("subject_kind", text("child")),
                            ("from_state", text(from)),
                            ("to_state", text(to)),
                            ("note", text("")),
                        ])?;
                        tx.append_change("care_case_event", event, 1, self.site_id, actor, now).await?;
                    }
                    child_id
                }
            };
            insert_row!(tx, self, "care_admission", id, actor, now, &[
                ("child_id", V::Id(child_id)),
                ("referred_by", text(details.referred_by())),
                ("referred_on", V::OptDate(details.referred_on())),
                ("authority", text(details.authority())),
                ("authority_reference", text(details.authority_reference())),
                ("necessity", text(details.necessity())),
                ("family_support", text(details.family_support())),
                ("options_considered", text(&options)),
                ("chosen_option", text(details.chosen_option().code())),
                ("suitability", text(details.suitability())),
                ("child_views", text(details.child_views())),
                ("siblings_note", text(details.siblings_note())),
                ("decision", text(details.decision().code())),
                ("decided_on", V::Date(details.decided_on())),
                ("review_on", V::Date(details.review_on())),
                ("status", text(AdmissionStatus::Pending.code())),
            ])?;
            tx.append_change("care_admission", id, 1, self.site_id, actor, now).await?;
            tx.append_audit(actor, &NewAuditEvent::new("care_admission_record", "person", person_id)
                .with_detail(format!("{id} {}", details.decision().code())), now).await?;
            tx.commit().await?;
        });
        self.admission(id).await
    }

    /// The programme director's approval (or refusal) of an admission, naming the
    /// version read; only a pending admission is decided.
    pub async fn decide_admission(
        &self,
        actor: &Actor,
        id: Id,
        version: i64,
        status: AdmissionStatus,
        note: &str,
    ) -> Result<Admission> {
        if status == AdmissionStatus::Pending {
            return Err(StoreError::Unsupported(
                "an admission is approved or declined",
            ));
        }
        let admission = self.admission(id).await?;
        if admission.status() != AdmissionStatus::Pending {
            return Err(StoreError::Conflict {
                entity: "admission",
            });
        }
        let child = self.care_child(admission.child_id).await?;
        let now = Timestamp::now();
        on_pool!(&self.pool, pool => {
            let mut tx = pool.begin_write().await?;
            let changed = update_row!(tx, "care_admission", id, version, actor, now, &[
                ("status", text(status.code())),
                ("approved_by", V::OptId(Some(actor.id))),
                ("approved_at", V::OptTs(Some(now))),
                ("approval_note", text(note)),
            ])?;
            if changed == 0 {
                tx.rollback().await?;
                return Err(self.why_not_changed("care_admission", id).await);
            }
            tx.append_change("care_admission", id, version + 1, self.site_id, actor, now).await?;
            tx.append_audit(actor, &NewAuditEvent::new("care_admission_decide", "person", child.person_id)
                .with_detail(format!("{id} {}", status.code())), now).await?;
            tx.commit().await?;
        });
        self.admission(id).await
    }

    pub async fn admission(&self, id: Id) -> Result<Admission> {
        let sql = format!("SELECT {ADMISSION_COLUMNS} FROM care_admission WHERE id = $1");
        on_pool!(&self.pool, pool => {
            sqlx::query_as::<_, Admission>(&sql).bind(id).fetch_optional(pool).await?
                .ok_or(StoreError::NotFound { entity: "admission" })
        })
    }

    /// A child's admissions, newest first.
    pub async fn admissions_of(&self, child_id: Id) -> Result<Vec<Admission>> {
        let sql = format!("SELECT {ADMISSION_COLUMNS} FROM care_admission WHERE child_id = $1 ORDER BY decided_on DESC, id DESC");
        on_pool!(&self.pool, pool => {
            Ok(sqlx::query_as::<_, Admission>(&sql).bind(child_id).fetch_all(pool).await?)
        })
    }

    /// Admissions waiting for approval at these facilities, oldest first.
    pub async fn pending_admissions(&self, facility_ids: &[Id]) -> Result<Vec<Admission>> {
        if facility_ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT {} FROM care_admission a JOIN care_child c ON c.id = a.child_id
             WHERE a.status = 'pending' AND c.facility_id IN ({}) ORDER BY a.created_at, a.id",
            ADMISSION_COLUMNS
                .split(',')
                .map(|c| format!("a.{}", c.trim()))
                .collect::<Vec<_>>()
                .join(", "),
            marks(facility_ids.len(), 1)
        );
        on_pool!(&self.pool, pool => {
            let mut query = sqlx::query_as::<_, Admission>(&sql);
            for id in facility_ids {
                query = query.bind(*id);
            }
            Ok(query.fetch_all(pool).await?)
        })
    }

    // -----------------------------------------------------------------------
    // Placements

    /// Places a child in a house. Refused (with the field it concerns) when the
    /// child has no approved admission to care, has left care, would be in two houses
    /// at once, the house is full or closed, a sibling lives in another house and no
    /// reason for the separation is given, or a child under 3 would go to a house that
    /// is not family-based without confirmation. A child who lives in another house
    /// from before the start moves: that placement ends on the start day, with this
    /// placement's reason.
    pub async fn place_child(
        &self,
        actor: &Actor,
        child_id: Id,
        house_id: Id,
        details: &PlacementDetails,
        checks: PlacementChecks,
    ) -> CareResult<Placement> {
        let child = self.care_child(child_id).await?;
        let house = self.house(house_id).await?;
        if house.closed_at.is_some() {
            return Err(CareWriteError::Refused("house", CareError::HouseClosed));
        }
        if child.left_on.is_some() {
            return Err(CareWriteError::Refused("house", CareError::LeftCare));
        }
        if details.started_on() < child.birth_date {
            return Err(CareWriteError::Refused(
                "started_on",
                CareError::BeforeBirth,
            ));
        }
        let approved = self
            .admissions_of(child_id)
            .await?
            .iter()
            .any(|a| a.status() == AdmissionStatus::Approved && a.decision == "admit");
        if !approved {
            return Err(CareWriteError::Refused("house", CareError::NotApproved));
        }
        let family_based = house.kind().is_some_and(HouseKind::family_based);
        if !family_based
            && needs_family_care(child.birth_date, details.started_on())
            && !checks.under_three_confirmed
        {
            return Err(CareWriteError::Refused(
                "house",
                CareError::UnderThreeNeedsFamily,
            ));
        }
        let siblings = self.siblings_of(child.person_id).await?;
        let apart = siblings
            .iter()
            .any(|s| s.house_id.is_some_and(|h| h != house_id));
        if apart && details.apart_reason().is_empty() {
            return Err(CareWriteError::Refused(
                "apart_reason",
                CareError::ApartReasonRequired,
            ));
        }
        let id = Id::new();
        let now = Timestamp::now();
        on_pool!(&self.pool, pool => {
            let mut tx = pool.begin_write().await?;
            let existing: Vec<(Id, Date, Option<Date>, i64)> = sqlx::query_as(
                "SELECT id, started_on, ended_on, version FROM care_placement
                 WHERE child_id = $1 AND entered_in_error_at IS NULL",
            )
            .bind(child_id)
            .fetch_all(&mut *tx)
            .await?;
            for (other, start, end, other_version) in &existing {
                // An open stay that began before this one is a move: it ends today.
                let moving = end.is_none() && *start < details.started_on() && details.ended_on().is_none();
                if moving {
                    let changed = update_row!(tx, "care_placement", *other, *other_version, actor, now, &[
                        ("ended_on", V::OptDate(Some(details.started_on()))),
                        ("end_reason", text(details.reason())),
                    ])?;
                    if changed == 0 {
                        return Err(StoreError::Conflict { entity: "placement" }.into());
                    }
                    tx.append_change("care_placement", *other, other_version + 1, self.site_id, actor, now).await?;
                } else if overlaps((*start, *end), details.span()) {
                    return Err(CareWriteError::Refused("started_on", CareError::PlacementOverlap));
                }
            }
            if details.ended_on().is_none() {
                let living: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM care_placement WHERE house_id = $1 AND ended_on IS NULL
                         AND entered_in_error_at IS NULL AND child_id <> $2",
                )
                .bind(house_id)
                .bind(child_id)
                .fetch_one(&mut *tx)
                .await?;
                if living >= house.capacity {
                    return Err(CareWriteError::Refused("house", CareError::HouseFull));
                }
            }
            insert_row!(tx, self, "care_placement", id, actor, now, &[
                ("child_id", V::Id(child_id)),
                ("house_id", V::Id(house_id)),
                ("started_on", V::Date(details.started_on())),
                ("ended_on", V::OptDate(details.ended_on())),
                ("start_reason", text(details.reason())),
                ("apart_reason", text(details.apart_reason())),
            ])?;
            tx.append_change("care_placement", id, 1, self.site_id, actor, now).await?;
            tx.append_audit(actor, &NewAuditEvent::new("care_placement_create", "person", child.person_id)
                .with_detail(format!("{id} house={house_id}")), now).await?;
            tx.commit().await?;
        });
        Ok(self.placement(id).await?)
    }

    /// Ends a placement on a day, with the reason, naming the version read.
    pub async fn end_placement(
        &self,
        actor: &Actor,
        id: Id,
        version: i64,
        end: &PlacementEnd,
    ) -> Result<Placement> {
        let placement = self.placement(id).await?;
        let child = self.care_child(placement.child_id).await?;
        let now = Timestamp::now();
        on_pool!(&self.pool, pool => {
            let mut tx = pool.begin_write().await?;
            let changed = sqlx::query(
                "UPDATE care_placement SET ended_on = $1, end_reason = $2, updated_at = $3,
                     updated_by = $4, version = version + 1
                 WHERE id = $5 AND version = $6 AND ended_on IS NULL",
            )
            .bind(end.ended_on())
            .bind(end.reason())
            .bind(now)
            .bind(actor.id)
            .bind(id)
            .bind(version)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if changed == 0 {
                return Err(StoreError::Conflict { entity: "placement" });
            }
            tx.append_change("care_placement", id, version + 1, self.site_id, actor, now).await?;
            tx.append_audit(actor, &NewAuditEvent::new("care_placement_end", "person", child.person_id).with_detail(id.to_string()), now).await?;
            tx.commit().await?;
        });
        self.placement(id).await
    }

    /// Marks a placement entered in error, with who and why: it leaves every view.
    pub async fn mark_placement_in_error(
        &self,
        actor: &Actor,
        id: Id,
        version: i64,
        reason: &str,
    ) -> Result<()> {
        let placement = self.placement(id).await?;
        let child = self.care_child(placement.child_id).await?;
        let now = Timestamp::now();
        on_pool!(&self.pool, pool => {
            let mut tx = pool.begin_write().await?;
            let changed = sqlx::query(
                "UPDATE care_placement SET entered_in_error_at = $1, entered_in_error_by = $2,
                     entered_in_error_reason = $3, updated_at = $1, updated_by = $2, version = version + 1
                 WHERE id = $4 AND version = $5 AND entered_in_error_at IS NULL",
            )
            .bind(now)
            .bind(actor.id)
            .bind(reason)
            .bind(id)
            .bind(version)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if changed == 0 {
                return Err(StoreError::Conflict { entity: "placement" });
            }
            tx.append_change("care_placement", id, version + 1, self.site_id, actor, now).await?;
            tx.append_audit(actor, &NewAuditEvent::new("care_placement_error", "person", child.person_id).with_detail(id.to_string()), now).await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// A placement, unless entered in error.
    pub async fn placement(&self, id: Id) -> Result<Placement> {
        let sql = format!("{PLACEMENT_SELECT} WHERE pl.id = $1 AND pl.entered_in_error_at IS NULL");
        on_pool!(&self.pool, pool => {
            sqlx::query_as::<_, Placement>(&sql).bind(id).fetch_optional(pool).await?
                .ok_or(StoreError::NotFound { entity: "placement" })
        })
    }

    /// A child's placement history, newest first.
    pub async fn placements_of(&self, child_id: Id) -> Result<Vec<Placement>> {
        let sql = format!("{PLACEMENT_SELECT} WHERE pl.child_id = $1 AND pl.entered_in_error_at IS NULL ORDER BY pl.started_on DESC, pl.id DESC");
        on_pool!(&self.pool, pool => {
            Ok(sqlx::query_as::<_, Placement>(&sql).bind(child_id).fetch_all(pool).await?)
        })
    }

    /// The current placements (not ended, not in error) of these children.
    pub async fn current_placements_of(&self, child_ids: &[Id]) -> Result<Vec<Placement>> {
        let mut placements = Vec::new();
        for chunk in child_ids.chunks(400) {
            let sql = format!(
                "{PLACEMENT_SELECT} WHERE pl.child_id IN ({}) AND pl.ended_on IS NULL
                 AND pl.entered_in_error_at IS NULL ORDER BY pl.started_on DESC, pl.id DESC",
                marks(chunk.len(), 1)
            );
            let rows: Vec<Placement> = on_pool!(&self.pool, pool => {
                let mut query = sqlx::query_as::<_, Placement>(&sql);
                for id in chunk {
                    query = query.bind(*id);
                }
                query.fetch_all(pool).await?
            });
            placements.extend(rows);
        }
        Ok(placements)
    }

    /// The placements of a house (current and past), newest first.
    pub async fn placements_in_house(&self, house_id: Id) -> Result<Vec<Placement>> {
        let sql = format!("{PLACEMENT_SELECT} WHERE pl.house_id = $1 AND pl.entered_in_error_at IS NULL ORDER BY pl.started_on DESC, pl.id DESC");
        on_pool!(&self.pool, pool => {
            Ok(sqlx::query_as::<_, Placement>(&sql).bind(house_id).fetch_all(pool).await?)
        })
    }

    // -----------------------------------------------------------------------
    // Siblings

    /// Current sibling relationships touching these people, as pairs of people.
    pub async fn sibling_pairs(&self, person_ids: &[Id]) -> Result<Vec<(Id, Id)>> {
        if person_ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut pairs = Vec::new();
        // In chunks, so a programme's children never exceed a database's parameter limit.
        for chunk in person_ids.chunks(400) {
            let list = marks(chunk.len(), 1);
            let sql = format!(
                "SELECT person_id, related_person_id FROM person_relationship
                 WHERE kind = 'sibling' AND ended_at IS NULL
                   AND (person_id IN ({list}) OR related_person_id IN ({list}))"
            );
            let rows: Vec<(Id, Id)> = on_pool!(&self.pool, pool => {
                let mut query = sqlx::query_as(&sql);
                for id in chunk {
                    query = query.bind(*id);
                }
                query.fetch_all(pool).await?
            });
            pairs.extend(rows);
        }
        pairs.sort();
        pairs.dedup();
        Ok(pairs)
    }

    /// A person's siblings in the registry (transitively, through sibling
    /// relationships), with where each lives in care.
    pub async fn siblings_of(&self, person_id: Id) -> Result<Vec<Sibling>> {
        // Two rounds reach siblings of siblings, which is as far as families go.
        let mut pairs = self.sibling_pairs(&[person_id]).await?;
        let first: Vec<Id> = pairs.iter().flat_map(|(a, b)| [*a, *b]).collect();
        pairs.extend(self.sibling_pairs(&first).await?);
        let ids = haven_domain::care::siblings::siblings_of(&pairs, person_id);
        let mut siblings = Vec::new();
        for person in self.people(&ids).await? {
            if person.entered_in_error_at.is_some() || person.merged_into.is_some() {
                continue;
            }
            let care = self.care_child_of_person(person.id).await?;
            siblings.push(Sibling {
                person_id: person.id,
                name: person.display_name(),
                care_child_id: care.as_ref().map(|c| c.id),
                house_id: care.as_ref().and_then(|c| c.house_id),
                house_name: care.and_then(|c| c.house_name),
            });
        }
        Ok(siblings)
    }

    /// The sibling groups among these children in care that live in more than one
    /// house, each with its children.
    pub async fn split_sibling_groups(
        &self,
        children: &[CareChild],
    ) -> Result<Vec<Vec<CareChild>>> {
        let placed: Vec<&CareChild> = children.iter().filter(|c| c.house_id.is_some()).collect();
        let house_of: BTreeMap<Id, Id> = placed
            .iter()
            .filter_map(|c| c.house_id.map(|h| (c.person_id, h)))
            .collect();
        let ids: Vec<Id> = placed.iter().map(|c| c.person_id).collect();
        let pairs = self.sibling_pairs(&ids).await?;
        let groups = haven_domain::care::siblings::split_groups(&pairs, &house_of);
        Ok(groups
            .into_iter()
            .map(|group| {
                group
                    .into_iter()
                    .filter_map(|person| {
                        placed
                            .iter()
                            .find(|c| c.person_id == person)
                            .map(|c| (*c).clone())
                    })
                    .collect()
            })
            .collect())
    }
}
