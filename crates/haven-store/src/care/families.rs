//! Family strengthening: households and their members, services (often through
//! partner organisations), progress towards self-reliance, graduation or exit.

use haven_domain::care::{
    join_codes, CareCaseState, FamilyVulnerability, HouseholdDetails, HouseholdEnd,
    HouseholdStatus, PartnerDetails, ProgressDetails, ServiceDetails,
};
use time::Date;

use super::{insert_row, marks, text, update_row, V};
use crate::db::{on_pool, BeginWrite};
use crate::ledger::{Actor, Ledger, NewAuditEvent};
use crate::{Id, Result, Store, StoreError, Timestamp};

/// A family in family strengthening.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Household {
    pub id: Id,
    pub facility_id: Id,
    pub facility_name: String,
    pub facility_name_km: String,
    pub programme_id: Id,
    pub name: String,
    /// Comma-separated [`FamilyVulnerability`] codes.
    pub vulnerabilities: String,
    pub case_state: String,
    pub status: String,
    pub ended_on: Option<Date>,
    pub end_reason: String,
    pub members: i64,
    pub version: i64,
}

impl Household {
    pub fn vulnerabilities(&self) -> Vec<FamilyVulnerability> {
        haven_domain::care::split_codes(&self.vulnerabilities, FamilyVulnerability::parse)
    }

    pub fn case_state(&self) -> CareCaseState {
        CareCaseState::parse(&self.case_state).unwrap_or(CareCaseState::START)
    }

    pub fn is_active(&self) -> bool {
        self.status == HouseholdStatus::Active.code()
    }
}

/// A member of a household: a person of the registry.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct HouseholdMember {
    pub id: Id,
    pub household_id: Id,
    pub person_id: Id,
    pub at_risk: i64,
    pub version: i64,
    pub family_name_km: String,
    pub given_name_km: String,
    pub family_name_latin: String,
    pub given_name_latin: String,
    pub sex: String,
    pub birth_date: Date,
}

impl HouseholdMember {
    pub fn display_name(&self) -> String {
        haven_domain::person::display_name(
            &self.family_name_km,
            &self.given_name_km,
            &self.family_name_latin,
            &self.given_name_latin,
        )
    }
}

/// A service given to a household.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Service {
    pub id: Id,
    pub household_id: Id,
    pub person_id: Option<Id>,
    pub kind: String,
    pub given_on: Date,
    pub partner_id: Option<Id>,
    pub partner_name: Option<String>,
    pub notes: String,
}

/// An assessment of a household's self-reliance.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Progress {
    pub id: Id,
    pub household_id: Id,
    pub assessed_on: Date,
    pub level: String,
    pub note: String,
}

/// A partner organisation.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Partner {
    pub id: Id,
    pub name: String,
    pub services: String,
    pub contact: String,
    pub closed_at: Option<Timestamp>,
    pub version: i64,
}

const HOUSEHOLD_SELECT: &str = "SELECT hh.id, hh.facility_id, f.name AS facility_name,
     f.name_km AS facility_name_km, f.programme_id, hh.name, hh.vulnerabilities, hh.case_state,
     hh.status, hh.ended_on, hh.end_reason,
     (SELECT COUNT(*) FROM care_household_member m WHERE m.household_id = hh.id AND m.ended_at IS NULL) AS members,
     hh.version
     FROM care_household hh JOIN facility f ON f.id = hh.facility_id";

impl Store {
    /// Registers a household with a family strengthening office; its case starts at
    /// identification.
    pub async fn create_household(
        &self,
        actor: &Actor,
        facility_id: Id,
        details: &HouseholdDetails,
    ) -> Result<Household> {
        let facility = self.facility(facility_id).await?;
        if facility.kind != "family_strengthening_office" {
            return Err(StoreError::NotFound {
                entity: "family strengthening office",
            });
        }
        let id = Id::new();
        let now = Timestamp::now();
        on_pool!(&self.pool, pool => {
            let mut tx = pool.begin_write().await?;
            insert_row!(tx, self, "care_household", id, actor, now, &[
                ("facility_id", V::Id(facility_id)),
                ("name", text(details.name())),
                ("vulnerabilities", text(&join_codes(details.vulnerabilities(), FamilyVulnerability::code))),
                ("case_state", text(CareCaseState::START.code())),
                ("status", text(HouseholdStatus::Active.code())),
            ])?;
            tx.append_change("care_household", id, 1, self.site_id, actor, now).await?;
            let event = Id::new();
            insert_row!(tx, self, "care_case_event", event, actor, now, &[
                ("subject_id", V::Id(id)),
                ("subject_kind", text("household")),
                ("from_state", text("")),
                ("to_state", text(CareCaseState::START.code())),
                ("note", text("")),
            ])?;
            tx.append_change("care_case_event", event, 1, self.site_id, actor, now).await?;
            tx.append_audit(actor, &NewAuditEvent::new("care_household_create", "care_household", id).with_detail(facility_id.to_string()), now).await?;
            tx.commit().await?;
        });
        self.household(id).await
    }

    pub async fn household(&self, id: Id) -> Result<Household> {
        let sql = format!("{HOUSEHOLD_SELECT} WHERE hh.id = $1");
        on_pool!(&self.pool, pool => {
            sqlx::query_as::<_, Household>(&sql).bind(id).fetch_optional(pool).await?
                .ok_or(StoreError::NotFound { entity: "household" })
        })
    }

    /// The households of these offices, active first, by name.
    pub async fn households_of(&self, facility_ids: &[Id]) -> Result<Vec<Household>> {
        if facility_ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "{HOUSEHOLD_SELECT} WHERE hh.facility_id IN ({})
             ORDER BY CASE WHEN hh.status = 'active' THEN 0 ELSE 1 END, hh.name, hh.id",
            marks(facility_ids.len(), 1)
        );
        on_pool!(&self.pool, pool => {
            let mut query = sqlx::query_as::<_, Household>(&sql);
            for id in facility_ids {
                query = query.bind(*id);
            }
            Ok(query.fetch_all(pool).await?)
        })
    }

    /// Adds a person of the registry to a household (`Duplicate { field: "person" }`
    /// when they are a member already).
    pub async fn add_household_member(
        &self,
        actor: &Actor,
        household_id: Id,
        person_id: Id,
        at_risk: bool,
    ) -> Result<()> {
        self.household(household_id).await?;
        self.person(person_id).await?;
        let id = Id::new();
        let now = Timestamp::now();
        on_pool!(&self.pool, pool => {
            let mut tx = pool.begin_write().await?;
            insert_row!(tx, self, "care_household_member", id, actor, now, &[
                ("household_id", V::Id(household_id)),
                ("person_id", V::Id(person_id)),
                ("at_risk", V::Int(i64::from(at_risk))),
            ])
            .map_err(|e| StoreError::unique_as(e, "person"))?;
            tx.append_change("care_household_member", id, 1, self.site_id, actor, now).await?;
            tx.append_audit(actor, &NewAuditEvent::new("care_member_add", "care_household", household_id).with_detail(person_id.to_string()), now).await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// Ends a membership (the person moved away), naming the version read.
    pub async fn end_household_member(
        &self,
        actor: &Actor,
        member_id: Id,
        version: i64,
    ) -> Result<()> {
        let now = Timestamp::now();
        on_pool!(&self.pool, pool => {
            let mut tx = pool.begin_write().await?;
            let household: Option<Id> = sqlx::query_scalar(
                "UPDATE care_household_member SET ended_at = $1, updated_at = $1, updated_by = $2, version = version + 1
                 WHERE id = $3 AND version = $4 AND ended_at IS NULL RETURNING household_id",
            )
            .bind(now).bind(actor.id).bind(member_id).bind(version)
            .fetch_optional(&mut *tx).await?;
            let Some(household) = household else {
                tx.rollback().await?;
                return Err(StoreError::Conflict { entity: "household member" });
            };
            tx.append_change("care_household_member", member_id, version + 1, self.site_id, actor, now).await?;
            tx.append_audit(actor, &NewAuditEvent::new("care_member_end", "care_household", household).with_detail(member_id.to_string()), now).await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// The current members of a household, oldest first.
    pub async fn household_members(&self, household_id: Id) -> Result<Vec<HouseholdMember>> {
        on_pool!(&self.pool, pool => {
            Ok(sqlx::query_as::<_, HouseholdMember>(
                "SELECT m.id, m.household_id, m.person_id, m.at_risk, m.version, p.family_name_km,
                     p.given_name_km, p.family_name_latin, p.given_name_latin, p.sex, p.birth_date
                 FROM care_household_member m JOIN person p ON p.id = m.person_id
                 WHERE m.household_id = $1 AND m.ended_at IS NULL ORDER BY p.birth_date, m.id",
            )
            .bind(household_id).fetch_all(pool).await?)
        })
    }

    /// Records a service given to a household (and one member, if named), through a
    /// partner if named.
    pub async fn add_service(
        &self,
        actor: &Actor,
        household_id: Id,
        person_id: Option<Id>,
        partner_id: Option<Id>,
        details: &ServiceDetails,
    ) -> Result<Service> {
        self.household(household_id).await?;
        if let Some(partner) = partner_id {
            // A closed partner takes no new referrals.
            if self.partner(partner).await?.closed_at.is_some() {
                return Err(StoreError::NotFound { entity: "partner" });
            }
        }
        let id = Id::new();
        let now = Timestamp::now();
        on_pool!(&self.pool, pool => {
            let mut tx = pool.begin_write().await?;
            insert_row!(tx, self, "care_service", id, actor, now, &[
                ("household_id", V::Id(household_id)),
                ("person_id", V::OptId(person_id)),
                ("kind", text(details.kind().code())),
                ("given_on", V::Date(details.given_on())),
                ("partner_id", V::OptId(partner_id)),
                ("notes", text(details.notes())),
            ])
            .map_err(|e| crate::places::missing_as(e, "person"))?;
            tx.append_change("care_service", id, 1, self.site_id, actor, now).await?;
            tx.append_audit(actor, &NewAuditEvent::new("care_service_add", "care_household", household_id).with_detail(details.kind().code()), now).await?;
            tx.commit().await?;
        });
        self.services_of(household_id)
            .await?
            .into_iter()
            .find(|s| s.id == id)
            .ok_or(StoreError::NotFound { entity: "service" })
    }

    /// The services a household received, newest first.
    pub async fn services_of(&self, household_id: Id) -> Result<Vec<Service>> {
        on_pool!(&self.pool, pool => {
            Ok(sqlx::query_as::<_, Service>(
                "SELECT s.id, s.household_id, s.person_id, s.kind, s.given_on, s.partner_id,
                     pa.name AS partner_name, s.notes
                 FROM care_service s LEFT JOIN care_partner pa ON pa.id = s.partner_id
                 WHERE s.household_id = $1 ORDER BY s.given_on DESC, s.id DESC",
            )
            .bind(household_id).fetch_all(pool).await?)
        })
    }

    pub async fn add_progress(
        &self,
        actor: &Actor,
        household_id: Id,
        details: &ProgressDetails,
    ) -> Result<()> {
        self.household(household_id).await?;
        let id = Id::new();
        let now = Timestamp::now();
        on_pool!(&self.pool, pool => {
            let mut tx = pool.begin_write().await?;
            insert_row!(tx, self, "care_progress", id, actor, now, &[
                ("household_id", V::Id(household_id)),
                ("assessed_on", V::Date(details.assessed_on())),
                ("level", text(details.level().code())),
                ("note", text(details.note())),
            ])?;
            tx.append_change("care_progress", id, 1, self.site_id, actor, now).await?;
            tx.append_audit(actor, &NewAuditEvent::new("care_progress_add", "care_household", household_id).with_detail(details.level().code()), now).await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// A household's self-reliance assessments, oldest first (the way it went).
    pub async fn progress_of(&self, household_id: Id) -> Result<Vec<Progress>> {
        on_pool!(&self.pool, pool => {
            Ok(sqlx::query_as::<_, Progress>(
                "SELECT id, household_id, assessed_on, level, note FROM care_progress
                 WHERE household_id = $1 ORDER BY assessed_on, id",
            )
            .bind(household_id).fetch_all(pool).await?)
        })
    }

    /// A household graduates or exits, naming the version read.
    pub async fn end_household(
        &self,
        actor: &Actor,
        id: Id,
        version: i64,
        end: &HouseholdEnd,
    ) -> Result<Household> {
        let now = Timestamp::now();
        on_pool!(&self.pool, pool => {
            let mut tx = pool.begin_write().await?;
            let changed = update_row!(tx, "care_household", id, version, actor, now, &[
                ("status", text(end.status().code())),
                ("ended_on", V::OptDate(Some(end.ended_on()))),
                ("end_reason", text(end.reason())),
            ])?;
            if changed == 0 {
                tx.rollback().await?;
                return Err(self.why_not_changed("care_household", id).await);
            }
            tx.append_change("care_household", id, version + 1, self.site_id, actor, now).await?;
            tx.append_audit(actor, &NewAuditEvent::new("care_household_end", "care_household", id).with_detail(end.status().code()), now).await?;
            tx.commit().await?;
        });
        self.household(id).await
    }

    pub async fn create_partner(&self, actor: &Actor, details: &PartnerDetails) -> Result<Partner> {
        let id = Id::new();
        let now = Timestamp::now();
        on_pool!(&self.pool, pool => {
            let mut tx = pool.begin_write().await?;
            insert_row!(tx, self, "care_partner", id, actor, now, &[
                ("name", text(details.name())),
                ("services", text(details.services())),
                ("contact", text(details.contact())),
            ])?;
            tx.append_change("care_partner", id, 1, self.site_id, actor, now).await?;
            tx.append_audit(actor, &NewAuditEvent::new("care_partner_create", "care_partner", id), now).await?;
            tx.commit().await?;
        });
        self.partner(id).await
    }

    /// Changes a partner's name, services and contact, naming the version read.
    pub async fn update_partner(
        &self,
        actor: &Actor,
        id: Id,
        version: i64,
        details: &PartnerDetails,
    ) -> Result<Partner> {
        let now = Timestamp::now();
        on_pool!(&self.pool, pool => {
            let mut tx = pool.begin_write().await?;
            let changed = update_row!(tx, "care_partner", id, version, actor, now, &[
                ("name", text(details.name())),
                ("services", text(details.services())),
                ("contact", text(details.contact())),
            ])?;
            if changed == 0 {
                tx.rollback().await?;
                return Err(self.why_not_changed("care_partner", id).await);
            }
            tx.append_change("care_partner", id, version + 1, self.site_id, actor, now).await?;
            tx.append_audit(actor, &NewAuditEvent::new("care_partner_update", "care_partner", id), now).await?;
            tx.commit().await?;
        });
        self.partner(id).await
    }

    /// Closes a partner (no new referrals go to it; past services keep its name), or
    /// opens it again, naming the version read.
    pub async fn set_partner_closed(
        &self,
        actor: &Actor,
        id: Id,
        version: i64,
        closed: bool,
    ) -> Result<Partner> {
        let now = Timestamp::now();
        let (closed_at, action) = if closed {
            (Some(now), "care_partner_close")
        } else {
            (None, "care_partner_reopen")
        };
        on_pool!(&self.pool, pool => {
            let mut tx = pool.begin_write().await?;
            let changed = update_row!(tx, "care_partner", id, version, actor, now, &[
                ("closed_at", V::OptTs(closed_at)),
            ])?;
            if changed == 0 {
                tx.rollback().await?;
                return Err(self.why_not_changed("care_partner", id).await);
            }
            tx.append_change("care_partner", id, version + 1, self.site_id, actor, now).await?;
            tx.append_audit(actor, &NewAuditEvent::new(action, "care_partner", id), now).await?;
            tx.commit().await?;
        });
        self.partner(id).await
    }

    pub async fn partner(&self, id: Id) -> Result<Partner> {
        on_pool!(&self.pool, pool => {
            sqlx::query_as::<_, Partner>("SELECT id, name, services, contact, closed_at, version FROM care_partner WHERE id = $1")
                .bind(id).fetch_optional(pool).await?
                .ok_or(StoreError::NotFound { entity: "partner" })
        })
    }

    /// The partner organisations, by name.
    pub async fn partners(&self) -> Result<Vec<Partner>> {
        on_pool!(&self.pool, pool => {
            Ok(sqlx::query_as::<_, Partner>("SELECT id, name, services, contact, closed_at, version FROM care_partner ORDER BY name, id")
                .fetch_all(pool).await?)
        })
    }
}
