//! Places: countries, programmes, facilities, wards and beds, and how far a
//! scope reaches among them. Places are closed, never deleted. Also the audit of
//! exports (`record_export`), which every CSV download appends.

use std::collections::{BTreeSet, HashMap};

use haven_domain::places::{FacilityDetails, FacilityKind, PlaceName, ProgrammeDetails, CAMBODIA};
use haven_domain::Scope;
use time::Date;

use crate::db::{in_write, on_pool};
use crate::ledger::{Actor, Ledger, NewAuditEvent};
use crate::{Id, Reach, Result, Store, StoreError, Timestamp};

/// A country, by its ISO 3166-1 code.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Country {
    pub id: Id,
    pub code: String,
    pub name: String,
    pub name_km: String,
    pub version: i64,
}

/// An SOS programme location.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Programme {
    pub id: Id,
    pub site_id: Id,
    pub country_code: String,
    pub name: String,
    pub name_km: String,
    /// ISO 3166-2, such as `KH-12`.
    pub province_code: String,
    pub district: String,
    pub commune: String,
    pub village: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub closed_at: Option<Timestamp>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub version: i64,
}

/// A facility of a programme: a medical centre, a village, an office...
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Facility {
    pub id: Id,
    pub site_id: Id,
    pub programme_id: Id,
    /// A [`FacilityKind`] code.
    pub kind: String,
    pub name: String,
    pub name_km: String,
    pub opened_on: Option<Date>,
    pub catchment_population: Option<i64>,
    pub closed_at: Option<Timestamp>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub version: i64,
}

impl Facility {
    /// The kind, if its code is one this version of Haven knows.
    pub fn kind(&self) -> Option<FacilityKind> {
        FacilityKind::parse(&self.kind)
    }
}

/// A ward of a facility.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Ward {
    pub id: Id,
    pub facility_id: Id,
    pub name: String,
    pub closed_at: Option<Timestamp>,
    pub version: i64,
}

/// A bed of a ward.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Bed {
    pub id: Id,
    pub ward_id: Id,
    pub label: String,
    pub closed_at: Option<Timestamp>,
    pub version: i64,
}

/// The kinds of place that are closed rather than deleted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlaceKind {
    Programme,
    Facility,
    Ward,
    Bed,
}

impl PlaceKind {
    fn table(self) -> &'static str {
        match self {
            PlaceKind::Programme => "programme",
            PlaceKind::Facility => "facility",
            PlaceKind::Ward => "ward",
            PlaceKind::Bed => "bed",
        }
    }
}

const PROGRAMME_COLUMNS: &str =
    "id, site_id, country_code, name, name_km, province_code, district, \
     commune, village, latitude, longitude, closed_at, created_at, updated_at, version";
const FACILITY_COLUMNS: &str = "id, site_id, programme_id, kind, name, name_km, opened_on, \
     catchment_population, closed_at, created_at, updated_at, version";

impl Store {
    /// Every country, by code.
    pub async fn countries(&self) -> Result<Vec<Country>> {
        on_pool!(&self.pool, pool => {
            Ok(sqlx::query_as::<_, Country>(
                "SELECT id, code, name, name_km, version FROM country ORDER BY code",
            )
            .fetch_all(pool)
            .await?)
        })
    }

    /// Records a programme location in Cambodia (creating the country the first time).
    pub async fn create_programme(
        &self,
        actor: &Actor,
        details: &ProgrammeDetails,
    ) -> Result<Programme> {
        let id = Id::new();
        let now = Timestamp::now();
        let point = details.point();
        in_write!(self, tx => {
            let country_id = Id::new();
            let created = sqlx::query(
                "INSERT INTO country (id, site_id, code, name, name_km, created_at, created_by,
                     updated_at, updated_by, version)
                 VALUES ($1, $2, $3, 'Cambodia', 'កម្ពុជា', $4, $5, $4, $5, 1)
                 ON CONFLICT (code) DO NOTHING",
            )
            .bind(country_id)
            .bind(self.site_id)
            .bind(CAMBODIA)
            .bind(now)
            .bind(actor.id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if created == 1 {
                tx.append_change("country", country_id, 1, self.site_id, actor, now).await?;
                let event = NewAuditEvent::new("country_create", "country", country_id).with_detail(CAMBODIA);
                tx.append_audit(actor, &event, now).await?;
            }
            sqlx::query(
                "INSERT INTO programme (id, site_id, country_code, name, name_km, province_code,
                     district, commune, village, latitude, longitude, created_at, created_by,
                     updated_at, updated_by, version)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $12, $13, 1)",
            )
            .bind(id)
            .bind(self.site_id)
            .bind(CAMBODIA)
            .bind(details.name())
            .bind(details.name_km())
            .bind(details.province().code())
            .bind(details.district())
            .bind(details.commune())
            .bind(details.village())
            .bind(point.map(|p| p.latitude()))
            .bind(point.map(|p| p.longitude()))
            .bind(now)
            .bind(actor.id)
            .execute(&mut *tx)
            .await?;
            tx.append_change("programme", id, 1, self.site_id, actor, now).await?;
            tx.append_audit(actor, &NewAuditEvent::new("programme_create", "programme", id), now).await?;
        });
        self.programme(id).await
    }

    /// Changes a programme's details, naming the version read.
    pub async fn update_programme(
        &self,
        actor: &Actor,
        id: Id,
        version: i64,
        details: &ProgrammeDetails,
    ) -> Result<Programme> {
        let now = Timestamp::now();
        let point = details.point();
        in_write!(self, tx => {
            let changed = sqlx::query(
                "UPDATE programme SET name = $1, name_km = $2, province_code = $3, district = $4,
                     commune = $5, village = $6, latitude = $7, longitude = $8,
                     updated_at = $9, updated_by = $10, version = version + 1
                 WHERE id = $11 AND version = $12",
            )
            .bind(details.name())
            .bind(details.name_km())
            .bind(details.province().code())
            .bind(details.district())
            .bind(details.commune())
            .bind(details.village())
            .bind(point.map(|p| p.latitude()))
            .bind(point.map(|p| p.longitude()))
            .bind(now)
            .bind(actor.id)
            .bind(id)
            .bind(version)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if changed == 0 {
                tx.rollback().await?;
                return Err(self.why_not_changed("programme", id).await);
            }
            tx.append_change("programme", id, version + 1, self.site_id, actor, now).await?;
            tx.append_audit(actor, &NewAuditEvent::new("programme_update", "programme", id), now).await?;
        });
        self.programme(id).await
    }

    pub async fn programme(&self, id: Id) -> Result<Programme> {
        let sql = format!("SELECT {PROGRAMME_COLUMNS} FROM programme WHERE id = $1");
        on_pool!(&self.pool, pool => {
            sqlx::query_as::<_, Programme>(&sql)
                .bind(id)
                .fetch_optional(pool)
                .await?
                .ok_or(StoreError::NotFound { entity: "programme" })
        })
    }

    /// Every programme, open and closed, by province and name.
    pub async fn programmes(&self) -> Result<Vec<Programme>> {
        let sql =
            format!("SELECT {PROGRAMME_COLUMNS} FROM programme ORDER BY province_code, name, id");
        on_pool!(&self.pool, pool => {
            Ok(sqlx::query_as::<_, Programme>(&sql).fetch_all(pool).await?)
        })
    }

    /// Adds a facility to a programme.
    pub async fn create_facility(
        &self,
        actor: &Actor,
        programme_id: Id,
        details: &FacilityDetails,
    ) -> Result<Facility> {
        let id = Id::new();
        let now = Timestamp::now();
        in_write!(self, tx => {
            sqlx::query(
                "INSERT INTO facility (id, site_id, programme_id, kind, name, name_km, opened_on,
                     catchment_population, created_at, created_by, updated_at, updated_by, version)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $9, $10, 1)",
            )
            .bind(id)
            .bind(self.site_id)
            .bind(programme_id)
            .bind(details.kind().code())
            .bind(details.name())
            .bind(details.name_km())
            .bind(details.opened_on())
            .bind(details.catchment_population())
            .bind(now)
            .bind(actor.id)
            .execute(&mut *tx)
            .await
            .map_err(|e| missing_as(e, "programme"))?;
            tx.append_change("facility", id, 1, self.site_id, actor, now).await?;
            let event = NewAuditEvent::new("facility_create", "facility", id).with_detail(details.kind().code());
            tx.append_audit(actor, &event, now).await?;
        });
        self.facility(id).await
    }

    /// Changes a facility's details, naming the version read.
    pub async fn update_facility(
        &self,
        actor: &Actor,
        id: Id,
        version: i64,
        details: &FacilityDetails,
    ) -> Result<Facility> {
        let now = Timestamp::now();
        in_write!(self, tx => {
            let changed = sqlx::query(
                "UPDATE facility SET kind = $1, name = $2, name_km = $3, opened_on = $4,
                     catchment_population = $5, updated_at = $6, updated_by = $7, version = version + 1
                 WHERE id = $8 AND version = $9",
            )
            .bind(details.kind().code())
            .bind(details.name())
            .bind(details.name_km())
            .bind(details.opened_on())
            .bind(details.catchment_population())
            .bind(now)
            .bind(actor.id)
            .bind(id)
            .bind(version)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if changed == 0 {
                tx.rollback().await?;
                return Err(self.why_not_changed("facility", id).await);
            }
            tx.append_change("facility", id, version + 1, self.site_id, actor, now).await?;
            tx.append_audit(actor, &NewAuditEvent::new("facility_update", "facility", id), now).await?;
        });
        self.facility(id).await
    }

    pub async fn facility(&self, id: Id) -> Result<Facility> {
        let sql = format!("SELECT {FACILITY_COLUMNS} FROM facility WHERE id = $1");
        on_pool!(&self.pool, pool => {
            sqlx::query_as::<_, Facility>(&sql)
                .bind(id)
                .fetch_optional(pool)
                .await?
                .ok_or(StoreError::NotFound { entity: "facility" })
        })
    }

    /// Every facility, open and closed, by name.
    pub async fn facilities(&self) -> Result<Vec<Facility>> {
        let sql = format!("SELECT {FACILITY_COLUMNS} FROM facility ORDER BY name, id");
        on_pool!(&self.pool, pool => {
            Ok(sqlx::query_as::<_, Facility>(&sql).fetch_all(pool).await?)
        })
    }

    /// The facilities of a programme, open and closed, by name.
    pub async fn facilities_of(&self, programme_id: Id) -> Result<Vec<Facility>> {
        let sql = format!(
            "SELECT {FACILITY_COLUMNS} FROM facility WHERE programme_id = $1 ORDER BY name, id"
        );
        on_pool!(&self.pool, pool => {
            Ok(sqlx::query_as::<_, Facility>(&sql).bind(programme_id).fetch_all(pool).await?)
        })
    }

    /// Adds a ward to a facility.
    pub async fn create_ward(
        &self,
        actor: &Actor,
        facility_id: Id,
        name: &PlaceName,
    ) -> Result<Ward> {
        let id = Id::new();
        let now = Timestamp::now();
        in_write!(self, tx => {
            sqlx::query(
                "INSERT INTO ward (id, site_id, facility_id, name, created_at, created_by,
                     updated_at, updated_by, version)
                 VALUES ($1, $2, $3, $4, $5, $6, $5, $6, 1)",
            )
            .bind(id)
            .bind(self.site_id)
            .bind(facility_id)
            .bind(name.as_str())
            .bind(now)
            .bind(actor.id)
            .execute(&mut *tx)
            .await
            .map_err(|e| missing_as(e, "facility"))?;
            tx.append_change("ward", id, 1, self.site_id, actor, now).await?;
            tx.append_audit(actor, &NewAuditEvent::new("ward_create", "ward", id), now).await?;
        });
        self.ward(id).await
    }

    pub async fn ward(&self, id: Id) -> Result<Ward> {
        on_pool!(&self.pool, pool => {
            sqlx::query_as::<_, Ward>(
                "SELECT id, facility_id, name, closed_at, version FROM ward WHERE id = $1",
            )
            .bind(id)
            .fetch_optional(pool)
            .await?
            .ok_or(StoreError::NotFound { entity: "ward" })
        })
    }

    /// The wards of a facility, open and closed, by name.
    pub async fn wards_of(&self, facility_id: Id) -> Result<Vec<Ward>> {
        on_pool!(&self.pool, pool => {
            Ok(sqlx::query_as::<_, Ward>(
                "SELECT id, facility_id, name, closed_at, version FROM ward
                 WHERE facility_id = $1 ORDER BY name, id",
            )
            .bind(facility_id)
            .fetch_all(pool)
            .await?)
        })
    }

    /// Adds a bed to a ward.
    pub async fn create_bed(&self, actor: &Actor, ward_id: Id, label: &PlaceName) -> Result<Bed> {
        let id = Id::new();
        let now = Timestamp::now();
        in_write!(self, tx => {
            sqlx::query(
                "INSERT INTO bed (id, site_id, ward_id, label, created_at, created_by,
                     updated_at, updated_by, version)
                 VALUES ($1, $2, $3, $4, $5, $6, $5, $6, 1)",
            )
            .bind(id)
            .bind(self.site_id)
            .bind(ward_id)
            .bind(label.as_str())
            .bind(now)
            .bind(actor.id)
            .execute(&mut *tx)
            .await
            .map_err(|e| missing_as(e, "ward"))?;
            tx.append_change("bed", id, 1, self.site_id, actor, now).await?;
            tx.append_audit(actor, &NewAuditEvent::new("bed_create", "bed", id), now).await?;
        });
        self.bed(id).await
    }

    pub async fn bed(&self, id: Id) -> Result<Bed> {
        on_pool!(&self.pool, pool => {
            sqlx::query_as::<_, Bed>(
                "SELECT id, ward_id, label, closed_at, version FROM bed WHERE id = $1",
            )
            .bind(id)
            .fetch_optional(pool)
            .await?
            .ok_or(StoreError::NotFound { entity: "bed" })
        })
    }

    /// The beds of every ward of a facility, open and closed, by label.
    pub async fn beds_of_facility(&self, facility_id: Id) -> Result<Vec<Bed>> {
        on_pool!(&self.pool, pool => {
            Ok(sqlx::query_as::<_, Bed>(
                "SELECT b.id, b.ward_id, b.label, b.closed_at, b.version
                 FROM bed b JOIN ward w ON w.id = b.ward_id
                 WHERE w.facility_id = $1 ORDER BY b.label, b.id",
            )
            .bind(facility_id)
            .fetch_all(pool)
            .await?)
        })
    }

    /// Closes a programme, facility, ward or bed, naming the version read. A closed
    /// place stays in the database and in the history; closing it again is a conflict.
    pub async fn close_place(
        &self,
        actor: &Actor,
        kind: PlaceKind,
        id: Id,
        version: i64,
    ) -> Result<()> {
        let table = kind.table();
        let now = Timestamp::now();
        let sql = format!(
            "UPDATE {table} SET closed_at = $1, updated_at = $1, updated_by = $2, version = version + 1
             WHERE id = $3 AND version = $4 AND closed_at IS NULL"
        );
        let action = match kind {
            PlaceKind::Programme => "programme_close",
            PlaceKind::Facility => "facility_close",
            PlaceKind::Ward => "ward_close",
            PlaceKind::Bed => "bed_close",
        };
        in_write!(self, tx => {
            let changed = sqlx::query(&sql)
                .bind(now)
                .bind(actor.id)
                .bind(id)
                .bind(version)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if changed == 0 {
                tx.rollback().await?;
                return Err(self.why_not_changed(table, id).await);
            }
            tx.append_change(table, id, version + 1, self.site_id, actor, now).await?;
            tx.append_audit(actor, &NewAuditEvent::new(action, table, id), now).await?;
        });
        Ok(())
    }

    /// How many people each facility serves: the living records registered there,
    /// neither merged into another nor entered in error. Facilities without any are
    /// absent.
    pub async fn people_served(&self) -> Result<HashMap<Id, i64>> {
        on_pool!(&self.pool, pool => {
            let rows: Vec<(Id, i64)> = sqlx::query_as(
                "SELECT registered_facility_id, COUNT(*) FROM person
                 WHERE registered_facility_id IS NOT NULL AND merged_into IS NULL
                     AND entered_in_error_at IS NULL
                 GROUP BY registered_facility_id",
            )
            .fetch_all(pool)
            .await?;
            Ok(rows.into_iter().collect())
        })
    }

    /// How many people one facility serves (see [`Store::people_served`]).
    pub async fn people_served_at(&self, facility_id: Id) -> Result<i64> {
        on_pool!(&self.pool, pool => {
            Ok(sqlx::query_scalar::<_, i64>(
                "SELECT COUNT(*) FROM person
                 WHERE registered_facility_id = $1 AND merged_into IS NULL
                     AND entered_in_error_at IS NULL",
            )
            .bind(facility_id)
            .fetch_one(pool)
            .await?)
        })
    }

    /// Resolves a user's role scopes into the facilities they reach: `all` reaches
    /// everything; a country every facility of its programmes, and people registered
    /// at no facility; a programme its facilities; a facility itself. Scopes naming
    /// a place that does not exist reach nothing.
    pub async fn reach_of(&self, scopes: &[Scope]) -> Result<Reach> {
        if scopes.iter().any(|scope| matches!(scope, Scope::All)) {
            return Ok(Reach::Everything);
        }
        let mut ids = BTreeSet::new();
        let mut include_unplaced = false;
        for scope in scopes {
            match scope {
                Scope::All => return Ok(Reach::Everything),
                Scope::Country(code) => {
                    include_unplaced = true;
                    let found: Vec<Id> = on_pool!(&self.pool, pool => {
                        sqlx::query_scalar(
                            "SELECT f.id FROM facility f JOIN programme p ON p.id = f.programme_id
                             WHERE p.country_code = $1",
                        )
                        .bind(code)
                        .fetch_all(pool)
                        .await?
                    });
                    ids.extend(found);
                }
                Scope::Programme(raw) => {
                    let Ok(programme) = raw.parse::<Id>() else {
                        continue;
                    };
                    let found: Vec<Id> = on_pool!(&self.pool, pool => {
                        sqlx::query_scalar("SELECT id FROM facility WHERE programme_id = $1")
                            .bind(programme)
                            .fetch_all(pool)
                            .await?
                    });
                    ids.extend(found);
                }
                Scope::Facility(raw) => {
                    if let Ok(facility) = raw.parse::<Id>() {
                        ids.insert(facility);
                    }
                }
            }
        }
        Ok(Reach::Facilities {
            ids: ids.into_iter().collect(),
            include_unplaced,
        })
    }

    /// Appends an audit event for a download of `rows` records of `entity` (such as
    /// `staff` or `programme`), in its own transaction: exports leave the building,
    /// so each one is on the record.
    pub async fn record_export(
        &self,
        actor: &Actor,
        entity: &'static str,
        rows: usize,
    ) -> Result<()> {
        let now = Timestamp::now();
        let event = NewAuditEvent::new("export", entity, "").with_detail(format!("rows={rows}"));
        in_write!(self, tx => {
            tx.append_audit(actor, &event, now).await?;
        });
        Ok(())
    }

    /// After an update touched no row of `table`: was the record missing, or stale?
    pub(crate) async fn why_not_changed(&self, table: &'static str, id: Id) -> StoreError {
        let sql = format!("SELECT COUNT(*) FROM {table} WHERE id = $1");
        let found: Result<i64> = on_pool!(&self.pool, pool => {
            sqlx::query_scalar::<_, i64>(&sql).bind(id).fetch_one(pool).await.map_err(StoreError::from)
        });
        match found {
            Ok(0) => StoreError::NotFound { entity: table },
            Ok(_) => StoreError::Conflict { entity: table },
            Err(error) => error,
        }
    }
}

/// A foreign-key violation on insert: the record it belongs to does not exist.
pub(crate) fn missing_as(error: sqlx::Error, entity: &'static str) -> StoreError {
    match &error {
        sqlx::Error::Database(db) if db.is_foreign_key_violation() => {
            StoreError::NotFound { entity }
        }
        _ => StoreError::Database(error),
    }
}
