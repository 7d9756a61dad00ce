//! Immunisation doses, the children a facility's due list is drawn from, and
//! coverage per antigen and birth cohort.
//!
//! Coverage is counted from `immunisation_status`, a compact table of each
//! person's valid doses per antigen, rewritten inside the transaction of every dose
//! written (as the search tokens are for names). Validity depends on the whole
//! history (a dose typed in late, dated before others, can make a later one
//! valid or not), so it is recomputed for that person from all their doses by the
//! domain's engine; coverage then reads one row per child and antigen instead of
//! re-running the engine over every dose of a cohort.

use haven_domain::mch::immunisation::{due_window, evaluate, GivenDose, Group, Schedule, Subject};
use haven_domain::person::Sex;
use time::Date;

use crate::db::{in_write, on_pool};
use crate::ledger::{Actor, Ledger, NewAuditEvent};
use crate::people::Person;
use crate::places::missing_as;
use crate::{Id, Result, Store, StoreError, Timestamp};

/// A dose to record.
#[derive(Clone, Debug)]
pub struct NewDose {
    pub person_id: Id,
    pub facility_id: Id,
    /// The schedule's antigen code.
    pub antigen: String,
    pub dose_number: i64,
    pub cvx: String,
    pub given_on: Date,
    pub lot: String,
    /// The vaccinator's name as written.
    pub given_by: String,
    pub anc_contact_id: Option<Id>,
}

/// A dose as stored.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Dose {
    pub id: Id,
    pub person_id: Id,
    pub facility_id: Id,
    pub antigen: String,
    pub dose_number: i64,
    pub cvx: String,
    pub given_on: Date,
    pub lot: String,
    pub given_by: String,
    pub anc_contact_id: Option<Id>,
    pub created_at: Timestamp,
    pub version: i64,
}

impl Dose {
    pub fn given(&self) -> GivenDose {
        GivenDose {
            antigen: self.antigen.clone(),
            given_on: self.given_on,
        }
    }
}

/// Valid doses of one antigen among a cohort: `children` have at least `doses`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CoverageCount {
    pub antigen: String,
    pub valid_doses: i64,
    pub children: i64,
}

const DOSE_COLUMNS: &str = "id, person_id, facility_id, antigen, dose_number, cvx, given_on, lot, \
     given_by, anc_contact_id, created_at, version";

const PERSON_COLUMNS: &str = "p.id, p.site_id, p.family_name_km, p.given_name_km, \
     p.family_name_latin, p.given_name_latin, p.other_names, p.nicknames, p.sex, p.birth_date, \
     p.birth_date_precision, p.phone, p.province_code, p.district, p.commune, p.village, \
     p.registered_facility_id, p.died_on, p.cause_of_death, p.merged_into, p.entered_in_error_at, \
     p.created_at, p.updated_at, p.version";

/// Writes a dose and rewrites the person's row of `immunisation_status`, inside a
/// transaction another write owns (a dose alone, a session, an antenatal contact).
pub(crate) trait DoseRows {
    async fn insert_dose(
        &mut self,
        site_id: Id,
        actor: &Actor,
        dose: &NewDose,
        schedule: &Schedule,
        now: Timestamp,
    ) -> Result<Id>;

    async fn rewrite_status(
        &mut self,
        person_id: Id,
        schedule: &Schedule,
        now: Timestamp,
    ) -> Result<()>;
}

macro_rules! impl_dose_rows {
    ($connection:ty) => {
        impl DoseRows for $connection {
            async fn insert_dose(
                &mut self,
                site_id: Id,
                actor: &Actor,
                dose: &NewDose,
                schedule: &Schedule,
                now: Timestamp,
            ) -> Result<Id> {
                let id = Id::new();
                sqlx::query(
                    "INSERT INTO immunisation_dose (id, site_id, person_id, facility_id, antigen,
                         dose_number, cvx, given_on, lot, given_by, anc_contact_id, created_at,
                         created_by, updated_at, updated_by, version)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $12, $13, 1)",
                )
                .bind(id)
                .bind(site_id)
                .bind(dose.person_id)
                .bind(dose.facility_id)
                .bind(&dose.antigen)
                .bind(dose.dose_number)
                .bind(&dose.cvx)
                .bind(dose.given_on)
                .bind(&dose.lot)
                .bind(&dose.given_by)
                .bind(dose.anc_contact_id)
                .bind(now)
                .bind(actor.id)
                .execute(&mut *self)
                .await
                .map_err(|e| missing_as(e, "person or facility"))?;
                self.append_change("immunisation_dose", id, 1, site_id, actor, now).await?;
                self.rewrite_status(dose.person_id, schedule, now).await?;
                Ok(id)
            }

            async fn rewrite_status(&mut self, person_id: Id, schedule: &Schedule, now: Timestamp) -> Result<()> {
                let person: Option<(Date, String)> =
                    sqlx::query_as("SELECT birth_date, sex FROM person WHERE id = $1")
                        .bind(person_id)
                        .fetch_optional(&mut *self)
                        .await?;
                let Some((born, sex)) = person else {
                    return Err(StoreError::NotFound { entity: "person" });
                };
                let doses: Vec<(String, Date)> = sqlx::query_as(
                    "SELECT antigen, given_on FROM immunisation_dose
                     WHERE person_id = $1 AND entered_in_error_at IS NULL",
                )
                .bind(person_id)
                .fetch_all(&mut *self)
                .await?;
                let given: Vec<GivenDose> = doses
                    .into_iter()
                    .map(|(antigen, given_on)| GivenDose { antigen, given_on })
                    .collect();
                let subject = Subject {
                    born,
                    sex: Sex::parse(&sex).unwrap_or(Sex::Unknown),
                };
                for group in [Group::Child, Group::Pregnancy] {
                    // Valid counts do not depend on the day evaluated.
                    let evaluation = evaluate(schedule, group, subject, &given, born);
                    if group == Group::Child {
                        let window = due_window(&evaluation);
                        sqlx::query(
                            "INSERT INTO immunisation_next_due (person_id, born, sex, schedule_key,
                                 next_due_on, due_until, updated_at)
                             VALUES ($1, $2, $3, $4, $5, $6, $7)
                             ON CONFLICT (person_id) DO UPDATE SET
                                 born = excluded.born, sex = excluded.sex,
                                 schedule_key = excluded.schedule_key,
                                 next_due_on = excluded.next_due_on,
                                 due_until = excluded.due_until,
                                 updated_at = excluded.updated_at",
                        )
                        .bind(person_id)
                        .bind(born)
                        .bind(&sex)
                        .bind(schedule.fingerprint())
                        .bind(window.map(|(from, _)| from))
                        .bind(window.and_then(|(_, until)| until))
                        .bind(now)
                        .execute(&mut *self)
                        .await?;
                    }
                    for status in &evaluation.antigens {
                        sqlx::query(
                            "INSERT INTO immunisation_status (person_id, antigen, valid_doses,
                                 last_valid_on, updated_at)
                             VALUES ($1, $2, $3, $4, $5)
                             ON CONFLICT (person_id, antigen) DO UPDATE SET
                                 valid_doses = excluded.valid_doses,
                                 last_valid_on = excluded.last_valid_on,
                                 updated_at = excluded.updated_at",
                        )
                        .bind(person_id)
                        .bind(&status.antigen)
                        .bind(i64::from(status.valid_doses))
                        .bind(status.last_valid_on)
                        .bind(now)
                        .execute(&mut *self)
                        .await?;
                    }
                }
                Ok(())
            }
        }
    };
}

impl_dose_rows!(sqlx::SqliteConnection);
impl_dose_rows!(sqlx::PgConnection);

impl Store {
    /// Records doses (one, or a session's) in one transaction, each audited on its
    /// person with the antigen and dose number.
    pub async fn record_doses(
        &self,
        actor: &Actor,
        doses: &[NewDose],
        schedule: &Schedule,
    ) -> Result<Vec<Id>> {
        let now = Timestamp::now();
        let mut ids = Vec::new();
        in_write!(self, tx => {
            for dose in doses {
                let id = tx.insert_dose(self.site_id, actor, dose, schedule, now).await?;
                let event = NewAuditEvent::new("immunisation_dose_record", "person", dose.person_id)
                    .with_detail(format!("dose={id} antigen={} number={}", dose.antigen, dose.dose_number));
                tx.append_audit(actor, &event, now).await?;
                ids.push(id);
            }
        });
        Ok(ids)
    }

    /// A person's doses in the order given, leaving out those entered in error.
    pub async fn doses_of(&self, person_id: Id) -> Result<Vec<Dose>> {
        let sql = format!(
            "SELECT {DOSE_COLUMNS} FROM immunisation_dose
             WHERE person_id = $1 AND entered_in_error_at IS NULL
             ORDER BY given_on, created_at"
        );
        on_pool!(&self.pool, pool => {
            Ok(sqlx::query_as::<_, Dose>(&sql).bind(person_id).fetch_all(pool).await?)
        })
    }

    pub async fn dose(&self, id: Id) -> Result<Dose> {
        let sql = format!(
            "SELECT {DOSE_COLUMNS} FROM immunisation_dose WHERE id = $1 AND entered_in_error_at IS NULL"
        );
        on_pool!(&self.pool, pool => {
            sqlx::query_as::<_, Dose>(&sql)
                .bind(id)
                .fetch_optional(pool)
                .await?
                .ok_or(StoreError::NotFound { entity: "dose" })
        })
    }

    /// Marks a dose entered in error (with who and why), naming the version read;
    /// the person's valid doses are recomputed without it.
    pub async fn mark_dose_entered_in_error(
        &self,
        actor: &Actor,
        id: Id,
        version: i64,
        reason: &str,
        schedule: &Schedule,
    ) -> Result<()> {
        let dose = self.dose(id).await?;
        let now = Timestamp::now();
        in_write!(self, tx => {
            let changed = sqlx::query(
                "UPDATE immunisation_dose SET entered_in_error_at = $1, entered_in_error_by = $2,
                     entered_in_error_reason = $3, updated_at = $1, updated_by = $2,
                     version = version + 1
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
                return Err(StoreError::Conflict { entity: "dose" });
            }
            tx.append_change("immunisation_dose", id, version + 1, self.site_id, actor, now).await?;
            tx.rewrite_status(dose.person_id, schedule, now).await?;
            let event = NewAuditEvent::new("immunisation_dose_entered_in_error", "person", dose.person_id)
                .with_detail(format!("dose={id}"));
            tx.append_audit(actor, &event, now).await?;
        });
        Ok(())
    }

    /// The children a facility's immunisation sessions reach: alive, not merged,
    /// born on or after `born_since`, and registered at the facility or vaccinated
    /// there, with all their doses.
    pub async fn immunisation_children(
        &self,
        facility_id: Id,
        born_since: Date,
    ) -> Result<Vec<(Person, Vec<Dose>)>> {
        let sql = format!(
            "SELECT {PERSON_COLUMNS} FROM person p
             WHERE p.merged_into IS NULL AND p.entered_in_error_at IS NULL AND p.died_on IS NULL
               AND p.birth_date >= $1
               AND (p.registered_facility_id = $2 OR EXISTS (SELECT 1 FROM immunisation_dose d
                    WHERE d.person_id = p.id AND d.facility_id = $2 AND d.entered_in_error_at IS NULL))
             ORDER BY p.birth_date, p.id"
        );
        let dose_sql = format!(
            "SELECT {} FROM immunisation_dose d JOIN person p ON p.id = d.person_id
             WHERE d.entered_in_error_at IS NULL AND p.merged_into IS NULL
               AND p.entered_in_error_at IS NULL AND p.died_on IS NULL AND p.birth_date >= $1
               AND (p.registered_facility_id = $2 OR EXISTS (SELECT 1 FROM immunisation_dose e
                    WHERE e.person_id = p.id AND e.facility_id = $2 AND e.entered_in_error_at IS NULL))
             ORDER BY d.given_on, d.created_at",
            DOSE_COLUMNS
                .split(", ")
                .map(|c| format!("d.{c}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let (people, doses): (Vec<Person>, Vec<Dose>) = on_pool!(&self.pool, pool => {
            let people = sqlx::query_as::<_, Person>(&sql)
                .bind(born_since)
                .bind(facility_id)
                .fetch_all(pool)
                .await?;
            let doses = sqlx::query_as::<_, Dose>(&dose_sql)
                .bind(born_since)
                .bind(facility_id)
                .fetch_all(pool)
                .await?;
            (people, doses)
        });
        let mut by_person: std::collections::HashMap<Id, Vec<Dose>> =
            std::collections::HashMap::new();
        for dose in doses {
            by_person.entry(dose.person_id).or_default().push(dose);
        }
        Ok(people
            .into_iter()
            .map(|person| {
                let doses = by_person.remove(&person.id).unwrap_or_default();
                (person, doses)
            })
            .collect())
    }

    /// The children of [`Store::immunisation_children`] who may have a dose due on
    /// `on`, with all their doses: those whose stored due window holds the day, and
    /// those without a trustworthy window (no dose yet, or a birth date, sex or
    /// schedule changed since it was worked out), whom the caller evaluates in full.
    /// The caller still evaluates each child: the window only leaves out children
    /// with certainly nothing due.
    pub async fn immunisation_children_due(
        &self,
        facility_id: Id,
        born_since: Date,
        on: Date,
        schedule: &Schedule,
    ) -> Result<Vec<(Person, Vec<Dose>)>> {
        const MAY_BE_DUE: &str = "(n.person_id IS NULL OR n.born <> p.birth_date OR n.sex <> p.sex
                 OR n.schedule_key <> $3
                 OR (n.next_due_on <= $4 AND (n.due_until IS NULL OR n.due_until >= $4)))";
        let sql = format!(
            "SELECT {PERSON_COLUMNS} FROM person p
             LEFT JOIN immunisation_next_due n ON n.person_id = p.id
             WHERE p.merged_into IS NULL AND p.entered_in_error_at IS NULL AND p.died_on IS NULL
               AND p.birth_date >= $1
               AND (p.registered_facility_id = $2 OR EXISTS (SELECT 1 FROM immunisation_dose d
                    WHERE d.person_id = p.id AND d.facility_id = $2 AND d.entered_in_error_at IS NULL))
               AND {MAY_BE_DUE}
             ORDER BY p.birth_date, p.id"
        );
        let dose_sql = format!(
            "SELECT {} FROM immunisation_dose d JOIN person p ON p.id = d.person_id
             LEFT JOIN immunisation_next_due n ON n.person_id = p.id
             WHERE d.entered_in_error_at IS NULL AND p.merged_into IS NULL
               AND p.entered_in_error_at IS NULL AND p.died_on IS NULL AND p.birth_date >= $1
               AND (p.registered_facility_id = $2 OR EXISTS (SELECT 1 FROM immunisation_dose e
                    WHERE e.person_id = p.id AND e.facility_id = $2 AND e.entered_in_error_at IS NULL))
               AND {MAY_BE_DUE}
             ORDER BY d.given_on, d.created_at",
            DOSE_COLUMNS
                .split(", ")
                .map(|c| format!("d.{c}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let key = schedule.fingerprint();
        let (people, doses): (Vec<Person>, Vec<Dose>) = on_pool!(&self.pool, pool => {
            let people = sqlx::query_as::<_, Person>(&sql)
                .bind(born_since)
                .bind(facility_id)
                .bind(&key)
                .bind(on)
                .fetch_all(pool)
                .await?;
            let doses = sqlx::query_as::<_, Dose>(&dose_sql)
                .bind(born_since)
                .bind(facility_id)
                .bind(&key)
                .bind(on)
                .fetch_all(pool)
                .await?;
            (people, doses)
        });
        let mut by_person: std::collections::HashMap<Id, Vec<Dose>> =
            std::collections::HashMap::new();
        for dose in doses {
            by_person.entry(dose.person_id).or_default().push(dose);
        }
        Ok(people
            .into_iter()
            .map(|person| {
                let doses = by_person.remove(&person.id).unwrap_or_default();
                (person, doses)
            })
            .collect())
    }

    /// Coverage of a birth cohort (born between `from` and `to`, both included)
    /// registered at a facility: how many children there are, and for each antigen
    /// and dose number how many have at least that many valid doses.
    pub async fn immunisation_coverage(
        &self,
        facility_id: Id,
        from: Date,
        to: Date,
    ) -> Result<(i64, Vec<CoverageCount>)> {
        let (children, rows): (i64, Vec<(String, i64, i64)>) = on_pool!(&self.pool, pool => {
            let children: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM person WHERE registered_facility_id = $1
                     AND birth_date >= $2 AND birth_date <= $3
                     AND merged_into IS NULL AND entered_in_error_at IS NULL",
            )
            .bind(facility_id)
            .bind(from)
            .bind(to)
            .fetch_one(pool)
            .await?;
            let rows = sqlx::query_as(
                "SELECT s.antigen, s.valid_doses, COUNT(*) FROM immunisation_status s
                 JOIN person p ON p.id = s.person_id
                 WHERE p.registered_facility_id = $1 AND p.birth_date >= $2 AND p.birth_date <= $3
                     AND p.merged_into IS NULL AND p.entered_in_error_at IS NULL
                     AND s.valid_doses > 0
                 GROUP BY s.antigen, s.valid_doses",
            )
            .bind(facility_id)
            .bind(from)
            .bind(to)
            .fetch_all(pool)
            .await?;
            (children, rows)
        });
        // Children with 3 valid doses also count for doses 1 and 2.
        let mut counts: Vec<CoverageCount> = Vec::new();
        for (antigen, valid, count) in rows {
            for dose in 1..=valid {
                match counts
                    .iter_mut()
                    .find(|c| c.antigen == antigen && c.valid_doses == dose)
                {
                    Some(existing) => existing.children += count,
                    None => counts.push(CoverageCount {
                        antigen: antigen.clone(),
                        valid_doses: dose,
                        children: count,
                    }),
                }
            }
        }
        counts.sort_by(|a, b| (&a.antigen, a.valid_doses).cmp(&(&b.antigen, b.valid_doses)));
        Ok((children, counts))
    }
}
