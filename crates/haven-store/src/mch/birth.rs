//! Deliveries, their babies, and postnatal contacts. Recording a delivery registers
//! each live-born baby as a person linked to the mother, in the delivery's own
//! transaction: either all of it is written or none of it.

use haven_domain::mch::birth::DeliveryDetails;
use haven_domain::mch::join_codes;
use haven_domain::mch::postnatal::{pnc_contact_number, PncContactDetails};
use haven_domain::person::{
    BirthDate, BirthDatePrecision, HavenNumber, Identifier, IdentifierKind, RelationshipKind,
};
use rand::Rng;
use time::Date;

use crate::db::{in_write, on_pool};
use crate::ledger::{Actor, Ledger, NewAuditEvent};
use crate::people::{Address, NewPerson, PersonDetails, PersonRows};
use crate::places::missing_as;
use crate::{Id, Result, Store, StoreError, Timestamp};

/// A delivery as stored, with the mother's name.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Delivery {
    pub id: Id,
    pub pregnancy_id: Id,
    pub person_id: Id,
    pub facility_id: Id,
    pub delivered_on: Date,
    pub delivered_time: String,
    pub gestational_age_days: i64,
    pub place: String,
    pub attendant: String,
    pub mode: String,
    pub complications: String,
    pub mother_outcome: String,
    pub notes: String,
    pub created_at: Timestamp,
    pub version: i64,
    pub family_name_km: String,
    pub given_name_km: String,
    pub family_name_latin: String,
    pub given_name_latin: String,
}

impl Delivery {
    pub fn display_name(&self) -> String {
        haven_domain::person::display_name(
            &self.family_name_km,
            &self.given_name_km,
            &self.family_name_latin,
            &self.given_name_latin,
        )
    }
}

/// A baby of a delivery; a live-born baby has a person in the registry.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct DeliveryBaby {
    pub id: Id,
    pub delivery_id: Id,
    pub position: i64,
    pub outcome: String,
    pub sex: String,
    pub weight_g: Option<i64>,
    pub low_birth_weight: bool,
    pub person_id: Option<Id>,
}

/// A postnatal contact as stored.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct PncContact {
    pub id: Id,
    pub delivery_id: Id,
    pub person_id: Id,
    pub facility_id: Id,
    pub contact_on: Date,
    pub contact_number: i64,
    pub day_after_birth: i64,
    pub temperature_c: Option<f64>,
    pub weight_g: Option<i64>,
    pub breastfeeding: bool,
    pub danger_signs: String,
    pub urgent: bool,
    pub notes: String,
    pub created_at: Timestamp,
    pub version: i64,
}

/// How many times the whole delivery is tried again when a baby's new Haven number
/// happens to be taken.
const ATTEMPTS: usize = 5;

const DELIVERY_SELECT: &str = "SELECT d.id, d.pregnancy_id, d.person_id, d.facility_id, \
     d.delivered_on, d.delivered_time, d.gestational_age_days, d.place, d.attendant, d.mode, \
     d.complications, d.mother_outcome, d.notes, d.created_at, d.version, p.family_name_km, \
     p.given_name_km, p.family_name_latin, p.given_name_latin \
     FROM delivery d JOIN person p ON p.id = d.person_id";

const BABY_COLUMNS: &str =
    "id, delivery_id, position, outcome, sex, weight_g, low_birth_weight, person_id";

const PNC_COLUMNS: &str = "id, delivery_id, person_id, facility_id, contact_on, contact_number, \
     day_after_birth, temperature_c, weight_g, breastfeeding, danger_signs, urgent, notes, \
     created_at, version";

impl Store {
    /// Records the delivery of an open pregnancy, naming the pregnancy's version read:
    /// the delivery, its babies, a registry person for each live-born baby (at the
    /// pregnancy's facility, with the mother's address) linked to the mother, and
    /// the pregnancy closed. A delivered pregnancy is a conflict.
    pub async fn record_delivery(
        &self,
        actor: &Actor,
        pregnancy_id: Id,
        pregnancy_version: i64,
        details: &DeliveryDetails,
    ) -> Result<Delivery> {
        for _ in 0..ATTEMPTS {
            match self
                .try_record_delivery(actor, pregnancy_id, pregnancy_version, details)
                .await
            {
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

    async fn try_record_delivery(
        &self,
        actor: &Actor,
        pregnancy_id: Id,
        pregnancy_version: i64,
        details: &DeliveryDetails,
    ) -> Result<Delivery> {
        let pregnancy = self.pregnancy(pregnancy_id).await?;
        let mother = self.person(pregnancy.person_id).await?;
        let id = Id::new();
        let now = Timestamp::now();
        let ga = haven_domain::mch::pregnancy::gestational_age(
            pregnancy.dating_lmp,
            details.delivered_on(),
        );
        let time_text = details
            .delivered_time()
            .map(|t| format!("{:02}:{:02}", t.hour(), t.minute()))
            .unwrap_or_default();
        let address = Address {
            province_code: mother.province_code.clone(),
            district: mother.district.clone(),
            commune: mother.commune.clone(),
            village: mother.village.clone(),
        };
        // Babies' registrations are made before the transaction: drawing numbers
        // holds no lock.
        let mut babies = Vec::new();
        for (position, baby) in details.babies().iter().enumerate() {
            let registration = match baby.names() {
                Some(names) if baby.is_live_born() => {
                    let number = HavenNumber::from_random(rand::thread_rng().gen());
                    let haven = Identifier::parse(IdentifierKind::Haven, &number.formatted())
                        .map_err(|_| {
                            StoreError::Unsupported("a Haven number that does not parse")
                        })?;
                    let new = NewPerson {
                        details: PersonDetails {
                            names: names.clone(),
                            sex: baby.sex(),
                            birth_date: BirthDate::from_parts(
                                details.delivered_on(),
                                BirthDatePrecision::Exact,
                            ),
                            phone: None,
                            address: address.clone(),
                            registered_facility: Some(pregnancy.facility_id),
                        },
                        identifiers: Vec::new(),
                        categories: Vec::new(),
                    };
                    Some((Id::new(), new, haven))
                }
                _ => None,
            };
            babies.push((i64::try_from(position).unwrap_or(0) + 1, baby, registration));
        }
        in_write!(self, tx => {
            let closed = sqlx::query(
                "UPDATE pregnancy SET delivered_on = $1, updated_at = $2, updated_by = $3,
                     version = version + 1
                 WHERE id = $4 AND version = $5 AND delivered_on IS NULL
                     AND ended_on IS NULL AND entered_in_error_at IS NULL",
            )
            .bind(details.delivered_on())
            .bind(now)
            .bind(actor.id)
            .bind(pregnancy_id)
            .bind(pregnancy_version)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if closed == 0 {
                return Err(StoreError::Conflict { entity: "pregnancy" });
            }
            tx.append_change("pregnancy", pregnancy_id, pregnancy_version + 1, self.site_id, actor, now).await?;
            sqlx::query(
                "INSERT INTO delivery (id, site_id, pregnancy_id, person_id, facility_id,
                     delivered_on, delivered_time, gestational_age_days, place, attendant, mode,
                     complications, mother_outcome, notes, created_at, created_by, updated_at,
                     updated_by, version)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16,
                     $15, $16, 1)",
            )
            .bind(id)
            .bind(self.site_id)
            .bind(pregnancy_id)
            .bind(pregnancy.person_id)
            .bind(pregnancy.facility_id)
            .bind(details.delivered_on())
            .bind(&time_text)
            .bind(ga.days())
            .bind(details.place().code())
            .bind(details.attendant().code())
            .bind(details.mode().code())
            .bind(join_codes(details.complications(), |c| c.code()))
            .bind(details.mother_outcome().code())
            .bind(details.notes())
            .bind(now)
            .bind(actor.id)
            .execute(&mut *tx)
            .await
            .map_err(|e| match &e {
                sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict { entity: "pregnancy" },
                _ => StoreError::Database(e),
            })?;
            tx.append_change("delivery", id, 1, self.site_id, actor, now).await?;
            for (position, baby, registration) in &babies {
                let person_id = match registration {
                    Some((baby_id, new, haven)) => {
                        tx.insert_person_rows(self.site_id, actor, new, haven, *baby_id, now).await?;
                        tx.insert_relationship_row(
                            self.site_id,
                            actor,
                            *baby_id,
                            pregnancy.person_id,
                            RelationshipKind::Mother,
                            now,
                        )
                        .await?;
                        let event = NewAuditEvent::new("person_create", "person", *baby_id)
                            .with_detail(format!("delivery={id}"));
                        tx.append_audit(actor, &event, now).await?;
                        Some(*baby_id)
                    }
                    None => None,
                };
                let baby_row = Id::new();
                sqlx::query(
                    "INSERT INTO delivery_baby (id, site_id, delivery_id, position, outcome, sex,
                         weight_g, low_birth_weight, person_id, created_at, created_by, updated_at,
                         updated_by, version)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $10, $11, 1)",
                )
                .bind(baby_row)
                .bind(self.site_id)
                .bind(id)
                .bind(*position)
                .bind(baby.outcome().code())
                .bind(baby.sex().code())
                .bind(baby.weight_g())
                .bind(baby.is_low_birth_weight())
                .bind(person_id)
                .bind(now)
                .bind(actor.id)
                .execute(&mut *tx)
                .await?;
                tx.append_change("delivery_baby", baby_row, 1, self.site_id, actor, now).await?;
            }
            let live = babies.iter().filter(|(_, b, _)| b.is_live_born()).count();
            let event = NewAuditEvent::new("delivery_record", "person", pregnancy.person_id)
                .with_detail(format!("delivery={id} pregnancy={pregnancy_id} babies={} live={live}", babies.len()));
            tx.append_audit(actor, &event, now).await?;
        });
        self.delivery(id).await
    }

    pub async fn delivery(&self, id: Id) -> Result<Delivery> {
        let sql = format!("{DELIVERY_SELECT} WHERE d.id = $1");
        on_pool!(&self.pool, pool => {
            sqlx::query_as::<_, Delivery>(&sql)
                .bind(id)
                .fetch_optional(pool)
                .await?
                .ok_or(StoreError::NotFound { entity: "delivery" })
        })
    }

    pub async fn delivery_of_pregnancy(&self, pregnancy_id: Id) -> Result<Option<Delivery>> {
        let sql = format!("{DELIVERY_SELECT} WHERE d.pregnancy_id = $1");
        on_pool!(&self.pool, pool => {
            Ok(sqlx::query_as::<_, Delivery>(&sql).bind(pregnancy_id).fetch_optional(pool).await?)
        })
    }

    /// The delivery a person was born of, if their birth was recorded here.
    pub async fn delivery_of_baby(&self, person_id: Id) -> Result<Option<Delivery>> {
        let sql = format!(
            "{DELIVERY_SELECT} WHERE d.id IN (SELECT delivery_id FROM delivery_baby WHERE person_id = $1)"
        );
        on_pool!(&self.pool, pool => {
            Ok(sqlx::query_as::<_, Delivery>(&sql).bind(person_id).fetch_optional(pool).await?)
        })
    }

    pub async fn babies_of(&self, delivery_id: Id) -> Result<Vec<DeliveryBaby>> {
        let sql = format!(
            "SELECT {BABY_COLUMNS} FROM delivery_baby WHERE delivery_id = $1 ORDER BY position"
        );
        on_pool!(&self.pool, pool => {
            Ok(sqlx::query_as::<_, DeliveryBaby>(&sql).bind(delivery_id).fetch_all(pool).await?)
        })
    }

    /// A facility's deliveries on or after `since`, newest first: the postnatal
    /// lists are drawn from those of the last 42 days.
    pub async fn deliveries_since(&self, facility_id: Id, since: Date) -> Result<Vec<Delivery>> {
        let sql = format!(
            "{DELIVERY_SELECT} WHERE d.facility_id = $1 AND d.delivered_on >= $2
             ORDER BY d.delivered_on DESC, d.id"
        );
        on_pool!(&self.pool, pool => {
            Ok(sqlx::query_as::<_, Delivery>(&sql).bind(facility_id).bind(since).fetch_all(pool).await?)
        })
    }

    /// Records a postnatal contact of the mother or a baby of a delivery.
    pub async fn record_pnc_contact(
        &self,
        actor: &Actor,
        delivery_id: Id,
        person_id: Id,
        facility_id: Id,
        details: &PncContactDetails,
    ) -> Result<PncContact> {
        let delivery = self.delivery(delivery_id).await?;
        let babies = self.babies_of(delivery_id).await?;
        let belongs = person_id == delivery.person_id
            || babies.iter().any(|b| b.person_id == Some(person_id));
        if !belongs {
            return Err(StoreError::NotFound {
                entity: "person of this delivery",
            });
        }
        let day = (details.contact_on() - delivery.delivered_on).whole_days();
        let number = pnc_contact_number(day).ok_or(StoreError::Unsupported(
            "a postnatal contact outside the 42 days",
        ))?;
        let id = Id::new();
        let now = Timestamp::now();
        in_write!(self, tx => {
            sqlx::query(
                "INSERT INTO pnc_contact (id, site_id, delivery_id, person_id, facility_id,
                     contact_on, contact_number, day_after_birth, temperature_c, weight_g,
                     breastfeeding, danger_signs, urgent, notes, created_at, created_by,
                     updated_at, updated_by, version)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16,
                     $15, $16, 1)",
            )
            .bind(id)
            .bind(self.site_id)
            .bind(delivery_id)
            .bind(person_id)
            .bind(facility_id)
            .bind(details.contact_on())
            .bind(i64::from(number))
            .bind(day)
            .bind(details.temperature_c())
            .bind(details.weight_g())
            .bind(details.breastfeeding())
            .bind(join_codes(details.danger_signs(), |d| d.code()))
            .bind(details.is_urgent())
            .bind(details.notes())
            .bind(now)
            .bind(actor.id)
            .execute(&mut *tx)
            .await
            .map_err(|e| missing_as(e, "facility"))?;
            tx.append_change("pnc_contact", id, 1, self.site_id, actor, now).await?;
            let event = NewAuditEvent::new("pnc_contact_record", "person", person_id)
                .with_detail(format!("delivery={delivery_id} contact={id} number={number}"));
            tx.append_audit(actor, &event, now).await?;
        });
        let sql = format!("SELECT {PNC_COLUMNS} FROM pnc_contact WHERE id = $1");
        on_pool!(&self.pool, pool => {
            Ok(sqlx::query_as::<_, PncContact>(&sql).bind(id).fetch_one(pool).await?)
        })
    }

    /// The postnatal contacts of a delivery (mother and babies), in order.
    pub async fn pnc_contacts(&self, delivery_id: Id) -> Result<Vec<PncContact>> {
        let sql = format!(
            "SELECT {PNC_COLUMNS} FROM pnc_contact WHERE delivery_id = $1 AND entered_in_error_at IS NULL
             ORDER BY contact_on, created_at"
        );
        on_pool!(&self.pool, pool => {
            Ok(sqlx::query_as::<_, PncContact>(&sql).bind(delivery_id).fetch_all(pool).await?)
        })
    }
}
