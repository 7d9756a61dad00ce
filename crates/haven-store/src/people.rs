//! People in the registry: registration, correction, identifiers, categories,
//! relationships, death, and merging two records of one person.
//!
//! Nothing here deletes: identifiers are retired, categories and relationships
//! ended, a merge is undone by marking it so. A merge moves nothing: the merged
//! record points at the survivor, and the survivor's page gathers the identifiers,
//! categories and relationships of every record merged into it. Undoing the merge
//! clears the pointer, and both records are as they were.

use haven_domain::person::{
    display_name, BirthDate, BirthDatePrecision, Category, HavenNumber, Identifier, IdentifierKind,
    PersonNames, Phone, RelationshipKind, Sex,
};
use rand::Rng;
use time::Date;

use crate::db::{on_pool, BeginWrite};
use crate::ledger::{Actor, Ledger, NewAuditEvent};
use crate::search::SearchIndex;
use crate::{Id, Result, Store, StoreError, Timestamp};

/// A person as stored.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Person {
    pub id: Id,
    pub site_id: Id,
    pub family_name_km: String,
    pub given_name_km: String,
    pub family_name_latin: String,
    pub given_name_latin: String,
    pub other_names: String,
    pub nicknames: String,
    pub sex: String,
    pub birth_date: Date,
    pub birth_date_precision: String,
    pub phone: String,
    pub province_code: String,
    pub district: String,
    pub commune: String,
    pub village: String,
    pub registered_facility_id: Option<Id>,
    pub died_on: Option<Date>,
    pub cause_of_death: String,
    pub merged_into: Option<Id>,
    pub entered_in_error_at: Option<Timestamp>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub version: i64,
}

impl Person {
    /// Khmer names first, the Latin ones in brackets.
    pub fn display_name(&self) -> String {
        display_name(
            &self.family_name_km,
            &self.given_name_km,
            &self.family_name_latin,
            &self.given_name_latin,
        )
    }

    pub fn sex(&self) -> Sex {
        Sex::parse(&self.sex).unwrap_or(Sex::Unknown)
    }

    pub fn birth_date(&self) -> BirthDate {
        BirthDate::from_parts(
            self.birth_date,
            BirthDatePrecision::parse(&self.birth_date_precision)
                .unwrap_or(BirthDatePrecision::Exact),
        )
    }

    pub fn is_dead(&self) -> bool {
        self.died_on.is_some()
    }
}

/// Where a person lives, down to the village.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Address {
    /// ISO 3166-2 code of the province, such as KH-12; empty when unknown.
    pub province_code: String,
    pub district: String,
    pub commune: String,
    pub village: String,
}

/// A person's details as registered or corrected: everything but identifiers,
/// categories and relationships, which have their own records.
#[derive(Clone, Debug)]
pub struct PersonDetails {
    pub names: PersonNames,
    pub sex: Sex,
    pub birth_date: BirthDate,
    pub phone: Option<Phone>,
    pub address: Address,
    pub registered_facility: Option<Id>,
}

/// A registration: details, identifiers beyond the Haven number (which the store
/// makes), and categories.
#[derive(Clone, Debug)]
pub struct NewPerson {
    pub details: PersonDetails,
    /// Identifiers and, for a medical record number, the facility that gave it.
    pub identifiers: Vec<(Identifier, Option<Id>)>,
    pub categories: Vec<Category>,
}

/// An identifier held by a person.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct PersonIdentifier {
    pub id: Id,
    pub person_id: Id,
    pub kind: String,
    pub value: String,
    pub facility_id: Option<Id>,
    pub created_at: Timestamp,
    pub version: i64,
}

impl PersonIdentifier {
    pub fn kind(&self) -> Option<IdentifierKind> {
        IdentifierKind::parse(&self.kind)
    }
}

/// A relationship as seen from one person: `kind` is what `other` is to them when
/// `inverse` is false ("Chan Thida is her mother"); when `inverse` is true the
/// person is `kind` to `other` (she is Chan Thida's mother, so Chan Thida is her
/// child).
#[derive(Clone, Debug)]
pub struct RelationshipView {
    pub id: Id,
    pub kind: RelationshipKind,
    pub inverse: bool,
    pub other_id: Id,
    pub other_name: String,
    pub version: i64,
}

/// A merge of two records, current or undone.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct PersonMerge {
    pub id: Id,
    pub survivor_id: Id,
    pub merged_id: Id,
    pub reason: String,
    pub undone_at: Option<Timestamp>,
    pub created_at: Timestamp,
    pub created_by: Id,
    pub version: i64,
}

const PERSON_COLUMNS: &str = "id, site_id, family_name_km, given_name_km, family_name_latin,
    given_name_latin, other_names, nicknames, sex, birth_date, birth_date_precision, phone,
    province_code, district, commune, village, registered_facility_id, died_on,
    cause_of_death, merged_into, entered_in_error_at, created_at, updated_at, version";

/// How many times a new Haven number is drawn when one is already taken.
const HAVEN_NUMBER_ATTEMPTS: usize = 5;

/// Turns an identifier unique-key violation into a duplicate of `identifier`.
fn identifier_taken(error: sqlx::Error) -> StoreError {
    StoreError::unique_as(error, "identifier")
}

/// Writes a person's rows (the person, their identifiers and categories, their
/// search tokens and change-log entries) inside a transaction that another write
/// owns: registering a person, and a delivery that registers its live-born babies
/// in the same transaction. The caller appends the audit event.
pub(crate) trait PersonRows {
    async fn insert_person_rows(
        &mut self,
        site_id: Id,
        actor: &Actor,
        new: &NewPerson,
        haven: &Identifier,
        id: Id,
        now: Timestamp,
    ) -> Result<()>;

    /// Records that `related_id` is `kind` to `person_id`.
    async fn insert_relationship_row(
        &mut self,
        site_id: Id,
        actor: &Actor,
        person_id: Id,
        related_id: Id,
        kind: RelationshipKind,
        now: Timestamp,
    ) -> Result<Id>;
}

macro_rules! impl_person_rows {
    ($connection:ty) => {
        impl PersonRows for $connection {
            async fn insert_person_rows(
                &mut self,
                site_id: Id,
                actor: &Actor,
                new: &NewPerson,
                haven: &Identifier,
                id: Id,
                now: Timestamp,
            ) -> Result<()> {
                let details = &new.details;
                sqlx::query(
                    "INSERT INTO person (id, site_id, family_name_km, given_name_km,
                         family_name_latin, given_name_latin, other_names, nicknames, sex,
                         birth_date, birth_date_precision, phone, phone_key, province_code,
                         district, commune, village, registered_facility_id,
                         created_at, created_by, updated_at, updated_by, version)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15,
                         $16, $17, $18, $19, $20, $19, $20, 1)",
                )
                .bind(id)
                .bind(site_id)
                .bind(details.names.family_km())
                .bind(details.names.given_km())
                .bind(details.names.family_latin())
                .bind(details.names.given_latin())
                .bind(details.names.other_names())
                .bind(details.names.nicknames())
                .bind(details.sex.code())
                .bind(details.birth_date.date())
                .bind(details.birth_date.precision().code())
                .bind(details.phone.as_ref().map(|p| p.value()).unwrap_or(""))
                .bind(details.phone.as_ref().map(|p| p.key()).unwrap_or(""))
                .bind(&details.address.province_code)
                .bind(&details.address.district)
                .bind(&details.address.commune)
                .bind(&details.address.village)
                .bind(details.registered_facility)
                .bind(now)
                .bind(actor.id)
                .execute(&mut *self)
                .await?;
                self.append_change("person", id, 1, site_id, actor, now).await?;

                let identifiers = std::iter::once((haven, None))
                    .chain(new.identifiers.iter().map(|(identifier, facility)| (identifier, *facility)));
                for (identifier, facility) in identifiers {
                    let identifier_id = Id::new();
                    sqlx::query(
                        "INSERT INTO person_identifier (id, site_id, person_id, kind, value, value_key,
                             facility_id, created_at, created_by, updated_at, updated_by, version)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $8, $9, 1)",
                    )
                    .bind(identifier_id)
                    .bind(site_id)
                    .bind(id)
                    .bind(identifier.kind().code())
                    .bind(identifier.value())
                    .bind(identifier.key())
                    .bind(facility)
                    .bind(now)
                    .bind(actor.id)
                    .execute(&mut *self)
                    .await
                    .map_err(|error| {
                        if identifier.kind() == IdentifierKind::Haven {
                            StoreError::unique_as(error, "haven_number")
                        } else {
                            identifier_taken(error)
                        }
                    })?;
                    self.append_change("person_identifier", identifier_id, 1, site_id, actor, now).await?;
                }

                let mut categories = new.categories.clone();
                categories.sort();
                categories.dedup();
                for category in categories {
                    let category_id = Id::new();
                    sqlx::query(
                        "INSERT INTO person_category (id, site_id, person_id, category,
                             created_at, created_by, updated_at, updated_by, version)
                         VALUES ($1, $2, $3, $4, $5, $6, $5, $6, 1)",
                    )
                    .bind(category_id)
                    .bind(site_id)
                    .bind(id)
                    .bind(category.code())
                    .bind(now)
                    .bind(actor.id)
                    .execute(&mut *self)
                    .await?;
                    self.append_change("person_category", category_id, 1, site_id, actor, now).await?;
                }
                self.reindex_person(id).await?;
                Ok(())
            }

            async fn insert_relationship_row(
                &mut self,
                site_id: Id,
                actor: &Actor,
                person_id: Id,
                related_id: Id,
                kind: RelationshipKind,
                now: Timestamp,
            ) -> Result<Id> {
                let id = Id::new();
                sqlx::query(
                    "INSERT INTO person_relationship (id, site_id, person_id, related_person_id, kind,
                         created_at, created_by, updated_at, updated_by, version)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $6, $7, 1)",
                )
                .bind(id)
                .bind(site_id)
                .bind(person_id)
                .bind(related_id)
                .bind(kind.code())
                .bind(now)
                .bind(actor.id)
                .execute(&mut *self)
                .await?;
                self.append_change("person_relationship", id, 1, site_id, actor, now).await?;
                Ok(id)
            }
        }
    };
}

impl_person_rows!(sqlx::SqliteConnection);
impl_person_rows!(sqlx::PgConnection);

impl Store {
    /// Registers a person with a new Haven number, their other identifiers and
    /// categories, in one transaction. An identifier someone else holds is a
    /// [`StoreError::Duplicate`] of `identifier`, and nothing is written.
    pub async fn create_person(&self, actor: &Actor, new: &NewPerson) -> Result<Person> {
        for _ in 0..HAVEN_NUMBER_ATTEMPTS {
            let number = HavenNumber::from_random(rand::thread_rng().gen());
            match self.insert_person(actor, new, number).await {
                Err(StoreError::Duplicate {
                    field: "haven_number",
                }) => continue,
                other => return other,
            }
        }
        Err(StoreError::Duplicate {
            field: "haven_number",
        })
    }

    async fn insert_person(
        &self,
        actor: &Actor,
        new: &NewPerson,
        number: HavenNumber,
    ) -> Result<Person> {
        let id = Id::new();
        let now = Timestamp::now();
        let haven = Identifier::parse(IdentifierKind::Haven, &number.formatted())
            .map_err(|_| StoreError::Unsupported("a Haven number that does not parse"))?;
        on_pool!(&self.pool, pool => {
            let mut tx = pool.begin_write().await?;
            tx.insert_person_rows(self.site_id, actor, new, &haven, id, now).await?;
            tx.append_audit(actor, &NewAuditEvent::new("person_create", "person", id), now).await?;
            tx.commit().await?;
        });
        self.person(id).await
    }

    /// A person by id, whether merged or not; not audited (for the store's and the
    /// web layer's own checks). Pages that show a person call [`Store::read_person`].
    pub async fn person(&self, id: Id) -> Result<Person> {
        let sql = format!("SELECT {PERSON_COLUMNS} FROM person WHERE id = $1");
        on_pool!(&self.pool, pool => {
            sqlx::query_as::<_, Person>(&sql)
                .bind(id)
                .fetch_optional(pool)
                .await?
                .ok_or(StoreError::NotFound { entity: "person" })
        })
    }

    /// A person's record as a user reads it: the read is audited.
    pub async fn read_person(&self, actor: &Actor, id: Id) -> Result<Person> {
        let person = self.person(id).await?;
        self.audit_person(actor, "person_read", id, "").await?;
        Ok(person)
    }

    /// Appends one audit event about a person in its own transaction.
    pub async fn audit_person(
        &self,
        actor: &Actor,
        action: &'static str,
        id: Id,
        detail: &str,
    ) -> Result<()> {
        self.audit(
            actor,
            NewAuditEvent::new(action, "person", id).with_detail(detail),
        )
        .await
    }

    /// People by id, in the order asked, leaving out ids that do not exist.
    pub async fn people(&self, ids: &[Id]) -> Result<Vec<Person>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let placeholders = placeholders(ids.len(), 1);
        let sql = format!("SELECT {PERSON_COLUMNS} FROM person WHERE id IN ({placeholders})");
        let mut found: Vec<Person> = on_pool!(&self.pool, pool => {
            let mut query = sqlx::query_as::<_, Person>(&sql);
            for id in ids {
                query = query.bind(*id);
            }
            query.fetch_all(pool).await?
        });
        found.sort_by_key(|person| ids.iter().position(|id| *id == person.id));
        Ok(found)
    }

    /// Corrects a person's details, naming the version read.
    pub async fn update_person(
        &self,
        actor: &Actor,
        id: Id,
        version: i64,
        details: &PersonDetails,
    ) -> Result<Person> {
        let now = Timestamp::now();
        on_pool!(&self.pool, pool => {
            let mut tx = pool.begin_write().await?;
            let changed = sqlx::query(
                "UPDATE person SET family_name_km = $1, given_name_km = $2,
                     family_name_latin = $3, given_name_latin = $4, other_names = $5,
                     nicknames = $6, sex = $7, birth_date = $8, birth_date_precision = $9,
                     phone = $10, phone_key = $11, province_code = $12, district = $13,
                     commune = $14, village = $15, registered_facility_id = $16,
                     updated_at = $17, updated_by = $18, version = version + 1
                 WHERE id = $19 AND version = $20",
            )
            .bind(details.names.family_km())
            .bind(details.names.given_km())
            .bind(details.names.family_latin())
            .bind(details.names.given_latin())
            .bind(details.names.other_names())
            .bind(details.names.nicknames())
            .bind(details.sex.code())
            .bind(details.birth_date.date())
            .bind(details.birth_date.precision().code())
            .bind(details.phone.as_ref().map(|p| p.value()).unwrap_or(""))
            .bind(details.phone.as_ref().map(|p| p.key()).unwrap_or(""))
            .bind(&details.address.province_code)
            .bind(&details.address.district)
            .bind(&details.address.commune)
            .bind(&details.address.village)
            .bind(details.registered_facility)
            .bind(now)
            .bind(actor.id)
            .bind(id)
            .bind(version)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if changed == 0 {
                tx.rollback().await?;
                return Err(self.why_person_not_updated(id).await);
            }
            tx.reindex_person(id).await?;
            tx.append_change("person", id, version + 1, self.site_id, actor, now).await?;
            tx.append_audit(actor, &NewAuditEvent::new("person_update", "person", id), now).await?;
            tx.commit().await?;
        });
        self.person(id).await
    }

    /// Records a death: date and cause. Nothing is deleted.
    pub async fn record_death(
        &self,
        actor: &Actor,
        id: Id,
        version: i64,
        died_on: Date,
        cause: &str,
    ) -> Result<Person> {
        let now = Timestamp::now();
        on_pool!(&self.pool, pool => {
            let mut tx = pool.begin_write().await?;
            let changed = sqlx::query(
                "UPDATE person SET died_on = $1, cause_of_death = $2, updated_at = $3,
                     updated_by = $4, version = version + 1
                 WHERE id = $5 AND version = $6",
            )
            .bind(died_on)
            .bind(cause)
            .bind(now)
            .bind(actor.id)
            .bind(id)
            .bind(version)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if changed == 0 {
                tx.rollback().await?;
                return Err(self.why_person_not_updated(id).await);
            }
            tx.append_change("person", id, version + 1, self.site_id, actor, now).await?;
            tx.append_audit(actor, &NewAuditEvent::new("person_death", "person", id), now).await?;
            tx.commit().await?;
        });
        self.person(id).await
    }

    async fn why_person_not_updated(&self, id: Id) -> StoreError {
        match self.person(id).await {
            Ok(_) => StoreError::Conflict { entity: "person" },
            Err(other) => other,
        }
    }

    /// Gives a person another identifier.
    pub async fn add_identifier(
        &self,
        actor: &Actor,
        person_id: Id,
        identifier: &Identifier,
        facility: Option<Id>,
    ) -> Result<()> {
        let id = Id::new();
        let now = Timestamp::now();
        self.person(person_id).await?;
        on_pool!(&self.pool, pool => {
            let mut tx = pool.begin_write().await?;
            sqlx::query(
                "INSERT INTO person_identifier (id, site_id, person_id, kind, value, value_key,
                     facility_id, created_at, created_by, updated_at, updated_by, version)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $8, $9, 1)",
            )
            .bind(id)
            .bind(self.site_id)
            .bind(person_id)
            .bind(identifier.kind().code())
            .bind(identifier.value())
            .bind(identifier.key())
            .bind(facility)
            .bind(now)
            .bind(actor.id)
            .execute(&mut *tx)
            .await
            .map_err(identifier_taken)?;
            tx.reindex_person(person_id).await?;
            tx.append_change("person_identifier", id, 1, self.site_id, actor, now).await?;
            tx.append_audit(
                actor,
                &NewAuditEvent::new("person_identifier_add", "person", person_id)
                    .with_detail(identifier.kind().code()),
                now,
            )
            .await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// Retires an identifier (a mistyped one, say); it stays in the history and its
    /// value becomes free for someone else. The Haven number cannot be retired.
    pub async fn retire_identifier(
        &self,
        actor: &Actor,
        identifier_id: Id,
        version: i64,
    ) -> Result<()> {
        let now = Timestamp::now();
        on_pool!(&self.pool, pool => {
            let mut tx = pool.begin_write().await?;
            let person_id: Option<Id> = sqlx::query_scalar(
                "UPDATE person_identifier SET retired_at = $1, retired_by = $2, updated_at = $1,
                     updated_by = $2, version = version + 1
                 WHERE id = $3 AND version = $4 AND retired_at IS NULL AND kind <> 'haven'
                 RETURNING person_id",
            )
            .bind(now)
            .bind(actor.id)
            .bind(identifier_id)
            .bind(version)
            .fetch_optional(&mut *tx)
            .await?;
            let Some(person_id) = person_id else {
                tx.rollback().await?;
                return Err(StoreError::Conflict { entity: "identifier" });
            };
            tx.reindex_person(person_id).await?;
            tx.append_change("person_identifier", identifier_id, version + 1, self.site_id, actor, now).await?;
            tx.append_audit(actor, &NewAuditEvent::new("person_identifier_retire", "person", person_id), now).await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// The current identifiers of these records, the Haven number first.
    pub async fn identifiers_of(&self, person_ids: &[Id]) -> Result<Vec<PersonIdentifier>> {
        if person_ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT id, person_id, kind, value, facility_id, created_at, version
             FROM person_identifier
             WHERE retired_at IS NULL AND person_id IN ({})
             ORDER BY CASE WHEN kind = 'haven' THEN 0 ELSE 1 END, created_at",
            placeholders(person_ids.len(), 1)
        );
        on_pool!(&self.pool, pool => {
            let mut query = sqlx::query_as::<_, PersonIdentifier>(&sql);
            for id in person_ids {
                query = query.bind(*id);
            }
            Ok(query.fetch_all(pool).await?)
        })
    }

    /// The person holding an identifier now, by its key, of any kind.
    pub async fn person_by_identifier_key(&self, key: &str) -> Result<Option<Id>> {
        on_pool!(&self.pool, pool => {
            Ok(sqlx::query_scalar(
                "SELECT person_id FROM person_identifier WHERE value_key = $1 AND retired_at IS NULL
                 ORDER BY created_at LIMIT 1",
            )
            .bind(key)
            .fetch_optional(pool)
            .await?)
        })
    }

    /// True when someone other than `except` holds this identifier.
    pub async fn identifier_taken(
        &self,
        identifier: &Identifier,
        except: Option<Id>,
    ) -> Result<bool> {
        let holder: Option<Id> = on_pool!(&self.pool, pool => {
            sqlx::query_scalar(
                "SELECT person_id FROM person_identifier
                 WHERE kind = $1 AND value_key = $2 AND retired_at IS NULL",
            )
            .bind(identifier.kind().code())
            .bind(identifier.key())
            .fetch_optional(pool)
            .await?
        });
        Ok(holder.is_some_and(|holder| Some(holder) != except))
    }

    /// Sets a person's current categories: adds the new ones, ends the others.
    pub async fn set_categories(
        &self,
        actor: &Actor,
        person_id: Id,
        categories: &[Category],
    ) -> Result<()> {
        let now = Timestamp::now();
        let current = self.categories_of(&[person_id]).await?;
        self.person(person_id).await?;
        on_pool!(&self.pool, pool => {
            let mut tx = pool.begin_write().await?;
            for category in categories.iter().filter(|c| !current.contains(c)) {
                let id = Id::new();
                sqlx::query(
                    "INSERT INTO person_category (id, site_id, person_id, category,
                         created_at, created_by, updated_at, updated_by, version)
                     VALUES ($1, $2, $3, $4, $5, $6, $5, $6, 1)",
                )
                .bind(id)
                .bind(self.site_id)
                .bind(person_id)
                .bind(category.code())
                .bind(now)
                .bind(actor.id)
                .execute(&mut *tx)
                .await
                .map_err(|e| StoreError::unique_as(e, "category"))?;
                tx.append_change("person_category", id, 1, self.site_id, actor, now).await?;
            }
            for category in current.iter().filter(|c| !categories.contains(c)) {
                let ended: Vec<(Id, i64)> = sqlx::query_as(
                    "UPDATE person_category SET ended_at = $1, ended_by = $2, updated_at = $1,
                         updated_by = $2, version = version + 1
                     WHERE person_id = $3 AND category = $4 AND ended_at IS NULL
                     RETURNING id, version",
                )
                .bind(now)
                .bind(actor.id)
                .bind(person_id)
                .bind(category.code())
                .fetch_all(&mut *tx)
                .await?;
                for (id, version) in ended {
                    tx.append_change("person_category", id, version, self.site_id, actor, now).await?;
                }
            }
            let detail = categories.iter().map(|c| c.code()).collect::<Vec<_>>().join(",");
            tx.append_audit(
                actor,
                &NewAuditEvent::new("person_categories", "person", person_id).with_detail(detail),
                now,
            )
            .await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// The current categories of these records, each once.
    pub async fn categories_of(&self, person_ids: &[Id]) -> Result<Vec<Category>> {
        let mut categories: Vec<Category> = self
            .categories_by_person(person_ids)
            .await?
            .into_iter()
            .map(|(_, category)| category)
            .collect();
        categories.sort();
        categories.dedup();
        Ok(categories)
    }

    /// The current categories of each of these people, in one query (for lists).
    pub async fn categories_by_person(&self, person_ids: &[Id]) -> Result<Vec<(Id, Category)>> {
        if person_ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT person_id, category FROM person_category
             WHERE ended_at IS NULL AND person_id IN ({})
             ORDER BY category",
            placeholders(person_ids.len(), 1)
        );
        let rows: Vec<(Id, String)> = on_pool!(&self.pool, pool => {
            let mut query = sqlx::query_as(&sql);
            for id in person_ids {
                query = query.bind(*id);
            }
            query.fetch_all(pool).await?
        });
        Ok(rows
            .into_iter()
            .filter_map(|(id, code)| Category::parse(&code).map(|c| (id, c)))
            .collect())
    }

    /// Records that `related` is `kind` to `person` (the related person is the
    /// person's mother, say).
    pub async fn add_relationship(
        &self,
        actor: &Actor,
        person_id: Id,
        related_id: Id,
        kind: RelationshipKind,
    ) -> Result<Id> {
        if person_id == related_id {
            return Err(StoreError::Unsupported(
                "a person cannot be related to themself",
            ));
        }
        self.person(person_id).await?;
        self.person(related_id).await?;
        let now = Timestamp::now();
        let id = on_pool!(&self.pool, pool => {
            let mut tx = pool.begin_write().await?;
            let id = tx.insert_relationship_row(self.site_id, actor, person_id, related_id, kind, now).await?;
            tx.append_audit(
                actor,
                &NewAuditEvent::new("person_relationship_add", "person", person_id)
                    .with_detail(format!("{} {related_id}", kind.code())),
                now,
            )
            .await?;
            tx.commit().await?;
            id
        });
        Ok(id)
    }

    /// Ends a relationship recorded in error or no longer true; it stays in the
    /// history.
    pub async fn end_relationship(&self, actor: &Actor, id: Id, version: i64) -> Result<()> {
        let now = Timestamp::now();
        on_pool!(&self.pool, pool => {
            let mut tx = pool.begin_write().await?;
            let person_id: Option<Id> = sqlx::query_scalar(
                "UPDATE person_relationship SET ended_at = $1, ended_by = $2, updated_at = $1,
                     updated_by = $2, version = version + 1
                 WHERE id = $3 AND version = $4 AND ended_at IS NULL
                 RETURNING person_id",
            )
            .bind(now)
            .bind(actor.id)
            .bind(id)
            .bind(version)
            .fetch_optional(&mut *tx)
            .await?;
            let Some(person_id) = person_id else {
                tx.rollback().await?;
                return Err(StoreError::Conflict { entity: "relationship" });
            };
            tx.append_change("person_relationship", id, version + 1, self.site_id, actor, now).await?;
            tx.append_audit(actor, &NewAuditEvent::new("person_relationship_end", "person", person_id), now).await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// The current relationships of these records, both ways, with the other
    /// person answered as the record they were merged into.
    pub async fn relationships_of(&self, person_ids: &[Id]) -> Result<Vec<RelationshipView>> {
        if person_ids.is_empty() {
            return Ok(Vec::new());
        }
        let list = placeholders(person_ids.len(), 1);
        let sql = format!(
            "SELECT id, person_id, related_person_id, kind, version FROM person_relationship
             WHERE ended_at IS NULL AND (person_id IN ({list}) OR related_person_id IN ({list}))
             ORDER BY created_at"
        );
        let rows: Vec<(Id, Id, Id, String, i64)> = on_pool!(&self.pool, pool => {
            let mut query = sqlx::query_as(&sql);
            for id in person_ids {
                query = query.bind(*id);
            }
            query.fetch_all(pool).await?
        });
        let mut views = Vec::new();
        for (id, person_id, related_id, kind, version) in rows {
            let Some(kind) = RelationshipKind::parse(&kind) else {
                continue;
            };
            let inverse = !person_ids.contains(&person_id);
            let other = if inverse { person_id } else { related_id };
            let other = self.resolve_merged(other).await?;
            if person_ids.contains(&other) {
                // Both ends are now one person: a merge made it a loop.
                continue;
            }
            let other_name = self.person(other).await?.display_name();
            views.push(RelationshipView {
                id,
                kind,
                inverse,
                other_id: other,
                other_name,
                version,
            });
        }
        Ok(views)
    }

    /// The record a person was merged into, following the chain; the person
    /// themself when not merged.
    pub async fn resolve_merged(&self, id: Id) -> Result<Id> {
        let mut current = id;
        // A chain is as long as the merges made one after another; a loop cannot be
        // made (a merged record cannot be a survivor), but the bound keeps a damaged
        // database from hanging a page.
        for _ in 0..32 {
            match self.person(current).await?.merged_into {
                Some(next) => current = next,
                None => return Ok(current),
            }
        }
        Ok(current)
    }

    /// A record and every record merged into it (directly or through others).
    pub async fn records_of(&self, survivor: Id) -> Result<Vec<Id>> {
        let mut records = vec![survivor];
        let mut index = 0;
        while index < records.len() && records.len() < 64 {
            let merged: Vec<Id> = on_pool!(&self.pool, pool => {
                sqlx::query_scalar("SELECT id FROM person WHERE merged_into = $1 ORDER BY id")
                    .bind(records[index])
                    .fetch_all(pool)
                    .await?
            });
            records.extend(
                merged
                    .into_iter()
                    .filter(|id| !records.contains(id))
                    .collect::<Vec<_>>(),
            );
            index += 1;
        }
        Ok(records)
    }

    /// Merges `merged` into `survivor`: both are kept, the merged one points at the
    /// survivor and is answered as it from then on. Audited on both records.
    pub async fn merge_people(
        &self,
        actor: &Actor,
        survivor_id: Id,
        merged_id: Id,
        reason: &str,
    ) -> Result<PersonMerge> {
        if survivor_id == merged_id {
            return Err(StoreError::Unsupported(
                "a record cannot be merged into itself",
            ));
        }
        let survivor = self.person(survivor_id).await?;
        let merged = self.person(merged_id).await?;
        if survivor.merged_into.is_some() || merged.merged_into.is_some() {
            return Err(StoreError::Conflict { entity: "person" });
        }
        let id = Id::new();
        let now = Timestamp::now();
        on_pool!(&self.pool, pool => {
            let mut tx = pool.begin_write().await?;
            let changed = sqlx::query(
                "UPDATE person SET merged_into = $1, updated_at = $2, updated_by = $3,
                     version = version + 1
                 WHERE id = $4 AND version = $5 AND merged_into IS NULL",
            )
            .bind(survivor_id)
            .bind(now)
            .bind(actor.id)
            .bind(merged_id)
            .bind(merged.version)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            // The survivor must still be a survivor when the merge commits.
            let survivor_free: Option<Id> = sqlx::query_scalar(
                "SELECT id FROM person WHERE id = $1 AND merged_into IS NULL",
            )
            .bind(survivor_id)
            .fetch_optional(&mut *tx)
            .await?;
            if changed == 0 || survivor_free.is_none() {
                tx.rollback().await?;
                return Err(StoreError::Conflict { entity: "person" });
            }
            sqlx::query(
                "INSERT INTO person_merge (id, site_id, survivor_id, merged_id, reason,
                     created_at, created_by, updated_at, updated_by, version)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $6, $7, 1)",
            )
            .bind(id)
            .bind(self.site_id)
            .bind(survivor_id)
            .bind(merged_id)
            .bind(reason)
            .bind(now)
            .bind(actor.id)
            .execute(&mut *tx)
            .await?;
            tx.append_change("person", merged_id, merged.version + 1, self.site_id, actor, now).await?;
            tx.append_change("person_merge", id, 1, self.site_id, actor, now).await?;
            tx.append_audit(
                actor,
                &NewAuditEvent::new("person_merge", "person", survivor_id)
                    .with_detail(format!("merged {merged_id}")),
                now,
            )
            .await?;
            tx.append_audit(
                actor,
                &NewAuditEvent::new("person_merged_into", "person", merged_id)
                    .with_detail(format!("into {survivor_id}")),
                now,
            )
            .await?;
            tx.commit().await?;
        });
        self.merge(id).await
    }

    /// Undoes a merge: the merged record stands on its own again.
    pub async fn undo_merge(
        &self,
        actor: &Actor,
        merge_id: Id,
        version: i64,
    ) -> Result<PersonMerge> {
        let merge = self.merge(merge_id).await?;
        let now = Timestamp::now();
        on_pool!(&self.pool, pool => {
            let mut tx = pool.begin_write().await?;
            let changed = sqlx::query(
                "UPDATE person_merge SET undone_at = $1, undone_by = $2, updated_at = $1,
                     updated_by = $2, version = version + 1
                 WHERE id = $3 AND version = $4 AND undone_at IS NULL",
            )
            .bind(now)
            .bind(actor.id)
            .bind(merge_id)
            .bind(version)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if changed == 0 {
                tx.rollback().await?;
                return Err(StoreError::Conflict { entity: "merge" });
            }
            let merged_version: Option<i64> = sqlx::query_scalar(
                "UPDATE person SET merged_into = NULL, updated_at = $1, updated_by = $2,
                     version = version + 1
                 WHERE id = $3 AND merged_into = $4
                 RETURNING version",
            )
            .bind(now)
            .bind(actor.id)
            .bind(merge.merged_id)
            .bind(merge.survivor_id)
            .fetch_optional(&mut *tx)
            .await?;
            let Some(merged_version) = merged_version else {
                tx.rollback().await?;
                return Err(StoreError::Conflict { entity: "merge" });
            };
            tx.append_change("person", merge.merged_id, merged_version, self.site_id, actor, now).await?;
            tx.append_change("person_merge", merge_id, version + 1, self.site_id, actor, now).await?;
            tx.append_audit(
                actor,
                &NewAuditEvent::new("person_merge_undo", "person", merge.survivor_id)
                    .with_detail(format!("unmerged {}", merge.merged_id)),
                now,
            )
            .await?;
            tx.append_audit(
                actor,
                &NewAuditEvent::new("person_unmerged", "person", merge.merged_id)
                    .with_detail(format!("from {}", merge.survivor_id)),
                now,
            )
            .await?;
            tx.commit().await?;
        });
        self.merge(merge_id).await
    }

    pub async fn merge(&self, id: Id) -> Result<PersonMerge> {
        on_pool!(&self.pool, pool => {
            sqlx::query_as::<_, PersonMerge>(
                "SELECT id, survivor_id, merged_id, reason, undone_at, created_at, created_by, version
                 FROM person_merge WHERE id = $1",
            )
            .bind(id)
            .fetch_optional(pool)
            .await?
            .ok_or(StoreError::NotFound { entity: "merge" })
        })
    }

    /// Every merge a record took part in, newest first.
    pub async fn merges_of(&self, person_id: Id) -> Result<Vec<PersonMerge>> {
        on_pool!(&self.pool, pool => {
            Ok(sqlx::query_as::<_, PersonMerge>(
                "SELECT id, survivor_id, merged_id, reason, undone_at, created_at, created_by, version
                 FROM person_merge WHERE survivor_id = $1 OR merged_id = $1
                 ORDER BY created_at DESC",
            )
            .bind(person_id)
            .fetch_all(pool)
            .await?)
        })
    }

    /// The Haven numbers of these people, by person.
    pub async fn haven_numbers(&self, person_ids: &[Id]) -> Result<Vec<(Id, String)>> {
        if person_ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT person_id, value FROM person_identifier
             WHERE kind = 'haven' AND retired_at IS NULL AND person_id IN ({})",
            placeholders(person_ids.len(), 1)
        );
        on_pool!(&self.pool, pool => {
            let mut query = sqlx::query_as(&sql);
            for id in person_ids {
                query = query.bind(*id);
            }
            Ok(query.fetch_all(pool).await?)
        })
    }
}

/// `$first, $first+1, ...` for an `IN` list of `count` values.
fn placeholders(count: usize, first: usize) -> String {
    (first..first + count)
        .map(|n| format!("${n}"))
        .collect::<Vec<_>>()
        .join(", ")
}
