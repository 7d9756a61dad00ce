//! Pregnancies and their antenatal contacts. HIV results live in `hiv_screening`
//! and are read only by [`Store::hiv_screenings_of_pregnancy`], which callers gate
//! on the HIV permission; no other read touches them.

use haven_domain::mch::immunisation::Schedule;
use haven_domain::mch::pregnancy::{
    anc_contact_number, AncContactDetails, DatingBasis, PregnancyDetails,
};
use haven_domain::mch::{join_codes, split_codes};
use time::Date;

use super::immunisation::{DoseRows, NewDose};
use crate::db::{in_write, on_pool};
use crate::ledger::{Actor, Ledger, NewAuditEvent};
use crate::places::missing_as;
use crate::{Id, Result, Store, StoreError, Timestamp};

/// A pregnancy as stored, with the woman's name.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Pregnancy {
    pub id: Id,
    pub person_id: Id,
    pub facility_id: Id,
    pub registered_on: Date,
    pub lmp: Option<Date>,
    pub ultrasound_on: Option<Date>,
    pub ultrasound_ga_days: Option<i64>,
    pub dating_lmp: Date,
    /// A [`DatingBasis`] code.
    pub dating_basis: String,
    pub edd: Date,
    pub gravida: i64,
    pub para: i64,
    /// [`haven_domain::mch::pregnancy::RiskFactor`] codes, space-separated.
    pub risk_factors: String,
    pub notes: String,
    pub delivered_on: Option<Date>,
    /// Set when the pregnancy ended without a delivery.
    pub ended_on: Option<Date>,
    /// A [`haven_domain::mch::pregnancy::PregnancyEnd`] code, or empty.
    pub end_reason: String,
    pub end_notes: String,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub version: i64,
    pub family_name_km: String,
    pub given_name_km: String,
    pub family_name_latin: String,
    pub given_name_latin: String,
    pub birth_date: Date,
}

impl Pregnancy {
    pub fn display_name(&self) -> String {
        haven_domain::person::display_name(
            &self.family_name_km,
            &self.given_name_km,
            &self.family_name_latin,
            &self.given_name_latin,
        )
    }

    pub fn dating_basis(&self) -> DatingBasis {
        DatingBasis::parse(&self.dating_basis).unwrap_or(DatingBasis::Lmp)
    }

    /// Neither delivered nor ended: on the worklists, open to contacts.
    pub fn is_open(&self) -> bool {
        self.delivered_on.is_none() && self.ended_on.is_none()
    }

    pub fn end_reason(&self) -> Option<haven_domain::mch::pregnancy::PregnancyEnd> {
        haven_domain::mch::pregnancy::PregnancyEnd::parse(&self.end_reason)
    }

    pub fn risk_factors(&self) -> Vec<haven_domain::mch::pregnancy::RiskFactor> {
        split_codes(
            &self.risk_factors,
            haven_domain::mch::pregnancy::RiskFactor::parse,
        )
    }
}

/// An antenatal contact as stored, without its HIV or syphilis result (read those
/// with [`Store::hiv_screenings_of_pregnancy`] and
/// [`Store::syphilis_screenings_of_pregnancy`], for holders of the permission).
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct AncContact {
    pub id: Id,
    pub pregnancy_id: Id,
    pub person_id: Id,
    pub facility_id: Id,
    pub contact_on: Date,
    pub contact_number: i64,
    pub gestational_age_days: i64,
    pub systolic: Option<i64>,
    pub diastolic: Option<i64>,
    pub weight_kg: Option<f64>,
    pub fundal_height_cm: Option<f64>,
    pub fetal_heart_bpm: Option<i64>,
    pub haemoglobin_g_dl: Option<f64>,
    pub td_given: bool,
    pub iron_folic_acid: bool,
    pub danger_signs: String,
    pub urgent: bool,
    pub notes: String,
    pub created_at: Timestamp,
    pub version: i64,
}

/// A syphilis screening result of a contact: a sensitive class, like HIV.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct SyphilisScreening {
    pub anc_contact_id: Id,
    pub tested_on: Date,
    pub result: String,
}

/// An HIV screening result: a sensitive class.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct HivScreening {
    pub id: Id,
    pub anc_contact_id: Option<Id>,
    pub tested_on: Date,
    pub result: String,
}

/// An open pregnancy of a facility's worklist, with the days of its contacts and
/// whether the latest was urgent.
#[derive(Clone, Debug)]
pub struct OpenPregnancy {
    pub pregnancy: Pregnancy,
    pub contacts: Vec<Date>,
    pub last_urgent_on: Option<Date>,
}

/// What a Td dose given at a contact is recorded with.
#[derive(Clone, Debug)]
pub struct TdGiven<'a> {
    pub schedule: &'a Schedule,
    pub lot: String,
    pub given_by: String,
}

const PREGNANCY_SELECT: &str = "SELECT g.id, g.person_id, g.facility_id, g.registered_on, g.lmp, \
     g.ultrasound_on, g.ultrasound_ga_days, g.dating_lmp, g.dating_basis, g.edd, g.gravida, g.para, \
     g.risk_factors, g.notes, g.delivered_on, g.ended_on, g.end_reason, g.end_notes, g.created_at, g.updated_at, g.version, \
     p.family_name_km, p.given_name_km, p.family_name_latin, p.given_name_latin, p.birth_date \
     FROM pregnancy g JOIN person p ON p.id = g.person_id";

const CONTACT_COLUMNS: &str = "id, pregnancy_id, person_id, facility_id, contact_on, \
     contact_number, gestational_age_days, systolic, diastolic, weight_kg, fundal_height_cm, \
     fetal_heart_bpm, haemoglobin_g_dl, td_given, iron_folic_acid, danger_signs, \
     urgent, notes, created_at, version";

impl Store {
    /// Registers a pregnancy of a woman of the registry at a facility. A woman has
    /// one open (undelivered) pregnancy at a time: a second is a
    /// `Duplicate { field: "pregnancy" }`.
    pub async fn register_pregnancy(
        &self,
        actor: &Actor,
        person_id: Id,
        facility_id: Id,
        details: &PregnancyDetails,
    ) -> Result<Pregnancy> {
        let id = Id::new();
        let now = Timestamp::now();
        let dating = details.dating();
        let (dating_lmp, basis) = dating.dating_lmp();
        in_write!(self, tx => {
            let person: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM person WHERE id = $1 AND merged_into IS NULL
                     AND entered_in_error_at IS NULL",
            )
            .bind(person_id)
            .fetch_one(&mut *tx)
            .await?;
            if person == 0 {
                return Err(StoreError::NotFound { entity: "person" });
            }
            let open: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM pregnancy WHERE person_id = $1 AND delivered_on IS NULL
                     AND ended_on IS NULL AND entered_in_error_at IS NULL",
            )
            .bind(person_id)
            .fetch_one(&mut *tx)
            .await?;
            if open > 0 {
                return Err(StoreError::Duplicate { field: "pregnancy" });
            }
            sqlx::query(
                "INSERT INTO pregnancy (id, site_id, person_id, facility_id, registered_on, lmp,
                     ultrasound_on, ultrasound_ga_days, dating_lmp, dating_basis, edd, gravida, para,
                     risk_factors, notes, created_at, created_by, updated_at, updated_by, version)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17,
                     $16, $17, 1)",
            )
            .bind(id)
            .bind(self.site_id)
            .bind(person_id)
            .bind(facility_id)
            .bind(details.registered_on())
            .bind(dating.lmp())
            .bind(dating.ultrasound().map(|(on, _)| on))
            .bind(dating.ultrasound().map(|(_, ga)| ga.days()))
            .bind(dating_lmp)
            .bind(basis.code())
            .bind(dating.edd())
            .bind(details.gravida())
            .bind(details.para())
            .bind(join_codes(details.risk_factors(), |r| r.code()))
            .bind(details.notes())
            .bind(now)
            .bind(actor.id)
            .execute(&mut *tx)
            .await
            .map_err(|e| missing_as(e, "facility"))?;
            tx.append_change("pregnancy", id, 1, self.site_id, actor, now).await?;
            let event = NewAuditEvent::new("pregnancy_register", "person", person_id)
                .with_detail(format!("pregnancy={id} facility={facility_id}"));
            tx.append_audit(actor, &event, now).await?;
        });
        self.pregnancy(id).await
    }

    /// A pregnancy, unless entered in error; not audited (for checks).
    pub async fn pregnancy(&self, id: Id) -> Result<Pregnancy> {
        let sql = format!("{PREGNANCY_SELECT} WHERE g.id = $1 AND g.entered_in_error_at IS NULL");
        on_pool!(&self.pool, pool => {
            sqlx::query_as::<_, Pregnancy>(&sql)
                .bind(id)
                .fetch_optional(pool)
                .await?
                .ok_or(StoreError::NotFound { entity: "pregnancy" })
        })
    }

    /// A woman's pregnancies, newest first.
    pub async fn pregnancies_of(&self, person_id: Id) -> Result<Vec<Pregnancy>> {
        let sql = format!(
            "{PREGNANCY_SELECT} WHERE g.person_id = $1 AND g.entered_in_error_at IS NULL
             ORDER BY g.registered_on DESC, g.id DESC"
        );
        on_pool!(&self.pool, pool => {
            Ok(sqlx::query_as::<_, Pregnancy>(&sql).bind(person_id).fetch_all(pool).await?)
        })
    }

    /// The open (undelivered) pregnancies of a facility, with their contacts: what
    /// the antenatal worklist is computed from.
    pub async fn open_pregnancies(&self, facility_id: Id) -> Result<Vec<OpenPregnancy>> {
        let sql = format!(
            "{PREGNANCY_SELECT} WHERE g.facility_id = $1 AND g.delivered_on IS NULL
                 AND g.ended_on IS NULL AND g.entered_in_error_at IS NULL AND p.merged_into IS NULL AND p.died_on IS NULL
             ORDER BY g.dating_lmp, g.id"
        );
        let (pregnancies, contacts): (Vec<Pregnancy>, Vec<(Id, Date, bool)>) = on_pool!(&self.pool, pool => {
            let pregnancies = sqlx::query_as::<_, Pregnancy>(&sql).bind(facility_id).fetch_all(pool).await?;
            let contacts = sqlx::query_as(
                "SELECT c.pregnancy_id, c.contact_on, c.urgent FROM anc_contact c
                 JOIN pregnancy g ON g.id = c.pregnancy_id
                 WHERE g.facility_id = $1 AND g.delivered_on IS NULL AND g.ended_on IS NULL
                     AND c.entered_in_error_at IS NULL
                 ORDER BY c.contact_on",
            )
            .bind(facility_id)
            .fetch_all(pool)
            .await?;
            (pregnancies, contacts)
        });
        Ok(pregnancies
            .into_iter()
            .map(|pregnancy| {
                let mine: Vec<&(Id, Date, bool)> =
                    contacts.iter().filter(|c| c.0 == pregnancy.id).collect();
                let last_urgent_on = mine.last().filter(|c| c.2).map(|c| c.1);
                OpenPregnancy {
                    contacts: mine.iter().map(|c| c.1).collect(),
                    last_urgent_on,
                    pregnancy,
                }
            })
            .collect())
    }

    /// Records an antenatal contact: its HIV result (if any) in the sensitive table,
    /// and a Td dose given in the immunisation record, all in one transaction.
    pub async fn record_anc_contact(
        &self,
        actor: &Actor,
        pregnancy_id: Id,
        facility_id: Id,
        details: &AncContactDetails,
        td: Option<TdGiven<'_>>,
    ) -> Result<AncContact> {
        let pregnancy = self.pregnancy(pregnancy_id).await?;
        let id = Id::new();
        let now = Timestamp::now();
        let ga = haven_domain::mch::pregnancy::gestational_age(
            pregnancy.dating_lmp,
            details.contact_on(),
        );
        let number = anc_contact_number(ga);
        let bp = details.blood_pressure();
        in_write!(self, tx => {
            sqlx::query(
                "INSERT INTO anc_contact (id, site_id, pregnancy_id, person_id, facility_id,
                     contact_on, contact_number, gestational_age_days, systolic, diastolic, weight_kg,
                     fundal_height_cm, fetal_heart_bpm, haemoglobin_g_dl, syphilis_result, td_given,
                     iron_folic_acid, danger_signs, urgent, notes, created_at, created_by,
                     updated_at, updated_by, version)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17,
                     $18, $19, $20, $21, $22, $21, $22, 1)",
            )
            .bind(id)
            .bind(self.site_id)
            .bind(pregnancy_id)
            .bind(pregnancy.person_id)
            .bind(facility_id)
            .bind(details.contact_on())
            .bind(i64::from(number))
            .bind(ga.days())
            .bind(bp.map(|b| b.systolic()))
            .bind(bp.map(|b| b.diastolic()))
            .bind(details.weight_kg())
            .bind(details.fundal_height_cm())
            .bind(details.fetal_heart_bpm())
            .bind(details.haemoglobin_g_dl())
            .bind(details.syphilis().map(|r| r.code()).unwrap_or(""))
            .bind(details.td_given())
            .bind(details.iron_folic_acid())
            .bind(join_codes(details.danger_signs(), |d| d.code()))
            .bind(details.is_urgent())
            .bind(details.notes())
            .bind(now)
            .bind(actor.id)
            .execute(&mut *tx)
            .await
            .map_err(|e| missing_as(e, "facility"))?;
            tx.append_change("anc_contact", id, 1, self.site_id, actor, now).await?;
            if let Some(result) = details.hiv() {
                let hiv_id = Id::new();
                sqlx::query(
                    "INSERT INTO hiv_screening (id, site_id, person_id, pregnancy_id, anc_contact_id,
                         facility_id, tested_on, result, created_at, created_by, updated_at,
                         updated_by, version)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $9, $10, 1)",
                )
                .bind(hiv_id)
                .bind(self.site_id)
                .bind(pregnancy.person_id)
                .bind(pregnancy_id)
                .bind(id)
                .bind(facility_id)
                .bind(details.contact_on())
                .bind(result.code())
                .bind(now)
                .bind(actor.id)
                .execute(&mut *tx)
                .await?;
                tx.append_change("hiv_screening", hiv_id, 1, self.site_id, actor, now).await?;
            }
            if let (Some(td), true) = (td, details.td_given()) {
                let previous: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM immunisation_dose WHERE person_id = $1 AND antigen = 'td'
                         AND entered_in_error_at IS NULL",
                )
                .bind(pregnancy.person_id)
                .fetch_one(&mut *tx)
                .await?;
                let dose = NewDose {
                    person_id: pregnancy.person_id,
                    facility_id,
                    antigen: "td".to_owned(),
                    dose_number: previous + 1,
                    cvx: td.schedule.cvx_of("td").unwrap_or("139").to_owned(),
                    given_on: details.contact_on(),
                    lot: td.lot.clone(),
                    given_by: td.given_by.clone(),
                    anc_contact_id: Some(id),
                };
                tx.insert_dose(self.site_id, actor, &dose, td.schedule, now).await?;
            }
            // The detail says urgent or not, never which sign: codes, not clinical text.
            let event = NewAuditEvent::new("anc_contact_record", "person", pregnancy.person_id)
                .with_detail(format!("pregnancy={pregnancy_id} contact={id} urgent={}", details.is_urgent()));
            tx.append_audit(actor, &event, now).await?;
        });
        self.anc_contact(id).await
    }

    pub async fn anc_contact(&self, id: Id) -> Result<AncContact> {
        let sql = format!(
            "SELECT {CONTACT_COLUMNS} FROM anc_contact WHERE id = $1 AND entered_in_error_at IS NULL"
        );
        on_pool!(&self.pool, pool => {
            sqlx::query_as::<_, AncContact>(&sql)
                .bind(id)
                .fetch_optional(pool)
                .await?
                .ok_or(StoreError::NotFound { entity: "antenatal contact" })
        })
    }

    /// A pregnancy's contacts, in the order they happened.
    pub async fn anc_contacts(&self, pregnancy_id: Id) -> Result<Vec<AncContact>> {
        let sql = format!(
            "SELECT {CONTACT_COLUMNS} FROM anc_contact
             WHERE pregnancy_id = $1 AND entered_in_error_at IS NULL
             ORDER BY contact_on, created_at"
        );
        on_pool!(&self.pool, pool => {
            Ok(sqlx::query_as::<_, AncContact>(&sql).bind(pregnancy_id).fetch_all(pool).await?)
        })
    }

    /// The HIV results of a pregnancy. Only for callers holding the HIV permission.
    pub async fn hiv_screenings_of_pregnancy(&self, pregnancy_id: Id) -> Result<Vec<HivScreening>> {
        on_pool!(&self.pool, pool => {
            Ok(sqlx::query_as::<_, HivScreening>(
                "SELECT id, anc_contact_id, tested_on, result FROM hiv_screening
                 WHERE pregnancy_id = $1 ORDER BY tested_on, created_at",
            )
            .bind(pregnancy_id)
            .fetch_all(pool)
            .await?)
        })
    }

    /// The syphilis results of a pregnancy's contacts. Only for callers holding the
    /// HIV and syphilis screening permission (`Kind::HivResult`): the only other read
    /// of `anc_contact` that selects the column is the chart's, for a viewer holding
    /// the permission (`clinic::chart`).
    pub async fn syphilis_screenings_of_pregnancy(
        &self,
        pregnancy_id: Id,
    ) -> Result<Vec<SyphilisScreening>> {
        on_pool!(&self.pool, pool => {
            Ok(sqlx::query_as::<_, SyphilisScreening>(
                "SELECT id AS anc_contact_id, contact_on AS tested_on, syphilis_result AS result
                 FROM anc_contact
                 WHERE pregnancy_id = $1 AND entered_in_error_at IS NULL AND syphilis_result <> ''
                 ORDER BY contact_on, created_at",
            )
            .bind(pregnancy_id)
            .fetch_all(pool)
            .await?)
        })
    }

    /// Marks a pregnancy registered in error (the wrong woman, say), with who and
    /// why, naming the version read. A delivered pregnancy cannot be marked.
    pub async fn mark_pregnancy_entered_in_error(
        &self,
        actor: &Actor,
        id: Id,
        version: i64,
        reason: &str,
    ) -> Result<()> {
        let pregnancy = self.pregnancy(id).await?;
        let now = Timestamp::now();
        in_write!(self, tx => {
            let changed = sqlx::query(
                "UPDATE pregnancy SET entered_in_error_at = $1, entered_in_error_by = $2,
                     entered_in_error_reason = $3, updated_at = $1, updated_by = $2,
                     version = version + 1
                 WHERE id = $4 AND version = $5 AND entered_in_error_at IS NULL
                     AND delivered_on IS NULL",
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
                return Err(StoreError::Conflict { entity: "pregnancy" });
            }
            tx.append_change("pregnancy", id, version + 1, self.site_id, actor, now).await?;
            let event = NewAuditEvent::new("pregnancy_entered_in_error", "person", pregnancy.person_id)
                .with_detail(format!("pregnancy={id}"));
            tx.append_audit(actor, &event, now).await?;
        });
        Ok(())
    }
}
