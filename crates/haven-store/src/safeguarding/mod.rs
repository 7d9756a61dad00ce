//! Persistence of child safeguarding: reports of concerns, the children they are
//! about, the steps of the response, sealed attachments and notifications.
//!
//! Reports are a sensitive class. Nothing outside this module reads these tables, the
//! search index never holds their children, and their audit events carry the entity
//! [`SEALED_ENTITY`], which [`crate::AuditFilter`] leaves out unless its caller holds
//! the safeguarding permission. So is every other event a focal point causes, such as
//! reading a child's person page (see [`sealing`]): it would tell the audit trail's
//! other readers that the child is the subject of a report. No `person_read` event is
//! written when a focal point opens a report about a registry child; the report's own
//! (sealed) events name the children's ids instead.

mod crypto;
mod demo;
mod sealing;

pub use crypto::{AttachmentKey, BadKey};
pub(crate) use sealing::UNSEALED_EVENT;
pub use sealing::{sealing_roles, ACCOUNT_ENTITY, UNSEALED_ACTIONS};

use haven_domain::person::{age_in_years, Sex};
use haven_domain::safeguarding::{
    AttachmentType, ChildFacts, ConcernDetails, ConcernType, HarmBy, Outcome, Referral,
    ReportFacts, Step, StepDetails, WorkflowError,
};
use haven_domain::Scope;
use rand::Rng;
use time::Date;

use crate::db::{in_write, on_pool};
use crate::ledger::{Actor, Ledger, NewAuditEvent};
use crate::{AuditEvent, AuditFilter, Id, Result, Store, StoreError, Timestamp};

/// Inserts a sealed attachment inside a transaction: the macro expands once per
/// database, like `on_pool!`.
macro_rules! insert_attachment {
    ($tx:ident, $store:ident, $actor:ident, $now:ident, $report:expr, $attachment:ident, $key:ident, $file:ident) => {{
        let (nonce, ciphertext) = $key
            .seal($attachment.to_string().as_bytes(), &$file.bytes)
            .ok_or(StoreError::Unsupported(
                "the attachment could not be sealed",
            ))?;
        sqlx::query(
            "INSERT INTO safeguarding_attachment (id, site_id, report_id, media_type, size_bytes,
                 key_id, nonce, ciphertext, created_at, created_by, updated_at, updated_by, version)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $9, $10, 1)",
        )
        .bind($attachment)
        .bind($store.site_id)
        .bind($report)
        .bind($file.kind.code())
        .bind($file.bytes.len() as i64)
        .bind($key.key_id())
        .bind(nonce)
        .bind(ciphertext)
        .bind($now)
        .bind($actor.id)
        .execute(&mut *$tx)
        .await?;
        $tx.append_change(
            "safeguarding_attachment",
            $attachment,
            1,
            $store.site_id,
            $actor,
            $now,
        )
        .await?;
    }};
}

/// The entity of every audit event and change about a safeguarding report.
pub const SEALED_ENTITY: &str = "safeguarding_report";

/// A report as stored, with who filed it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct SafeguardingReport {
    pub id: Id,
    pub reference: String,
    pub reporter_id: Id,
    pub reporter_username: String,
    pub reporter_name: String,
    pub facility_id: Option<Id>,
    /// ConcernType codes, space-separated.
    pub concern_types: String,
    /// HarmBy codes, space-separated.
    pub harm_by: String,
    pub what_happened: String,
    pub immediate_actions: String,
    pub filed_at: Timestamp,
    pub acknowledged_at: Option<Timestamp>,
    pub closed_at: Option<Timestamp>,
    pub outcome: String,
    pub version: i64,
}

impl SafeguardingReport {
    pub fn concern_types(&self) -> Vec<ConcernType> {
        self.concern_types
            .split_whitespace()
            .filter_map(ConcernType::parse)
            .collect()
    }
    pub fn harm_by(&self) -> Vec<HarmBy> {
        self.harm_by
            .split_whitespace()
            .filter_map(HarmBy::parse)
            .collect()
    }
    pub fn outcome(&self) -> Option<Outcome> {
        Outcome::parse(&self.outcome)
    }
}

/// A child a report is about: a person of the registry, or one described.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ReportChild {
    pub id: Id,
    pub report_id: Id,
    pub person_id: Option<Id>,
    pub name_as_known: String,
    /// A Sex code, as described (for registry children, the registry's).
    pub sex: String,
    pub approximate_age: Option<i32>,
    pub family_name_km: Option<String>,
    pub given_name_km: Option<String>,
    pub family_name_latin: Option<String>,
    pub given_name_latin: Option<String>,
    pub person_sex: Option<String>,
    pub birth_date: Option<Date>,
}

impl ReportChild {
    /// The child's name: the registry's, or as the reporter knew it.
    pub fn display_name(&self) -> String {
        match self.person_id {
            Some(_) => haven_domain::person::display_name(
                self.family_name_km.as_deref().unwrap_or(""),
                self.given_name_km.as_deref().unwrap_or(""),
                self.family_name_latin.as_deref().unwrap_or(""),
                self.given_name_latin.as_deref().unwrap_or(""),
            ),
            None => self.name_as_known.clone(),
        }
    }

    pub fn sex(&self) -> Sex {
        self.person_sex
            .as_deref()
            .and_then(Sex::parse)
            .or_else(|| Sex::parse(&self.sex))
            .unwrap_or(Sex::Unknown)
    }

    /// Age in whole years on `on`: from the registry's date of birth, or as described.
    pub fn age_on(&self, on: Date) -> Option<i32> {
        match self.birth_date {
            Some(born) => Some(age_in_years(born, on)),
            None => self.approximate_age,
        }
    }
}

/// A recorded step of the response, with who recorded it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ReportStep {
    pub id: Id,
    pub report_id: Id,
    /// A Step code.
    pub step: String,
    pub note: String,
    pub referral: String,
    pub authority: String,
    pub authority_reference: String,
    pub outcome: String,
    pub recorded_at: Timestamp,
    pub recorded_by: Id,
    pub recorded_by_username: String,
    pub recorded_by_name: String,
}

impl ReportStep {
    pub fn step(&self) -> Option<Step> {
        Step::parse(&self.step)
    }
}

/// An attachment's description (its bytes stay sealed until downloaded).
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ReportAttachment {
    pub id: Id,
    pub report_id: Id,
    pub media_type: String,
    pub size_bytes: i64,
    pub created_at: Timestamp,
    pub created_by_username: String,
}

impl ReportAttachment {
    pub fn kind(&self) -> Option<AttachmentType> {
        AttachmentType::parse(&self.media_type)
    }
}

/// A file to attach: its checked kind and its bytes.
#[derive(Clone, Debug)]
pub struct NewAttachment {
    pub kind: AttachmentType,
    pub bytes: Vec<u8>,
}

/// A report to file.
#[derive(Clone, Debug)]
pub struct NewReport {
    pub details: ConcernDetails,
    /// Children chosen from the registry (the caller has checked the reporter may see
    /// them).
    pub registry_children: Vec<Id>,
    pub facility_id: Option<Id>,
    pub attachment: Option<NewAttachment>,
}

/// A focal point's unread notice of a new report.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ReportNotification {
    pub report_id: Id,
    pub reference: String,
    pub filed_at: Timestamp,
    pub facility_id: Option<Id>,
}

/// Why a step was not recorded.
#[derive(Debug, thiserror::Error)]
pub enum StepRefused {
    /// The step is out of order, already recorded, or the report is closed.
    #[error("{0}")]
    Workflow(WorkflowError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for StepRefused {
    fn from(error: sqlx::Error) -> Self {
        StepRefused::Store(StoreError::Database(error))
    }
}

const REPORT_SELECT: &str =
    "SELECT r.id, r.reference, r.reporter_id, u.username AS reporter_username, \
     u.display_name AS reporter_name, r.facility_id, r.concern_types, r.harm_by, r.what_happened, \
     r.immediate_actions, r.filed_at, r.acknowledged_at, r.closed_at, r.outcome, r.version \
     FROM safeguarding_report r JOIN user_account u ON u.id = r.reporter_id";

const CHILD_SELECT: &str = "SELECT c.id, c.report_id, c.person_id, c.name_as_known, c.sex, \
     c.approximate_age, p.family_name_km, p.given_name_km, p.family_name_latin, \
     p.given_name_latin, p.sex AS person_sex, p.birth_date \
     FROM safeguarding_child c LEFT JOIN person p ON p.id = c.person_id";

const STEP_SELECT: &str = "SELECT s.id, s.report_id, s.step, s.note, s.referral, s.authority, \
     s.authority_reference, s.outcome, s.recorded_at, s.recorded_by, \
     u.username AS recorded_by_username, u.display_name AS recorded_by_name \
     FROM safeguarding_step s JOIN user_account u ON u.id = s.recorded_by";

/// Letters and digits that cannot be mistaken for one another when read aloud or
/// copied by hand (no 0/O, 1/I/L).
const REFERENCE_ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";

fn new_reference() -> String {
    let mut rng = rand::thread_rng();
    let mut pick = || REFERENCE_ALPHABET[rng.gen_range(0..REFERENCE_ALPHABET.len())] as char;
    let first: String = (0..4).map(|_| pick()).collect();
    let second: String = (0..4).map(|_| pick()).collect();
    format!("SG-{first}-{second}")
}

impl Store {
    /// Files a report: the report, its children, its attachment (sealed with `key`),
    /// a notification for each focal point whose scope reaches its facility (the
    /// national ones always), the change log and one sealed audit event, in one
    /// transaction. An attachment without a key is refused
    /// (`Unsupported`) before anything is written.
    pub async fn file_safeguarding_report(
        &self,
        actor: &Actor,
        report: &NewReport,
        key: Option<&AttachmentKey>,
    ) -> Result<SafeguardingReport> {
        self.file_safeguarding_report_at(actor, report, key, Timestamp::now())
            .await
    }

    pub(crate) async fn file_safeguarding_report_at(
        &self,
        actor: &Actor,
        report: &NewReport,
        key: Option<&AttachmentKey>,
        now: Timestamp,
    ) -> Result<SafeguardingReport> {
        if report.attachment.is_some() && key.is_none() {
            return Err(StoreError::Unsupported(
                "attachments need the safeguarding attachment key in the settings",
            ));
        }
        let recipients = self.safeguarding_recipients(report.facility_id).await?;
        let id = Id::new();
        let details = &report.details;
        let concern_types = codes(details.concern_types().iter().map(|c| c.code()));
        let harm_by = codes(details.harm_by().iter().map(|h| h.code()));
        let mut children = report.registry_children.clone();
        children.sort();
        children.dedup();
        in_write!(self, tx => {
            for person in &children {
                let found: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM person WHERE id = $1 AND entered_in_error_at IS NULL",
                )
                .bind(person)
                .fetch_one(&mut *tx)
                .await?;
                if found == 0 {
                    return Err(StoreError::NotFound { entity: "person" });
                }
            }
            let mut reference = new_reference();
            for _ in 0..5 {
                let taken: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM safeguarding_report WHERE reference = $1",
                )
                .bind(&reference)
                .fetch_one(&mut *tx)
                .await?;
                if taken == 0 {
                    break;
                }
                reference = new_reference();
            }
            sqlx::query(
                "INSERT INTO safeguarding_report (id, site_id, reference, reporter_id, facility_id,
                     concern_types, harm_by, what_happened, immediate_actions, filed_at,
                     created_at, created_by, updated_at, updated_by, version)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $11, $10, $11, 1)",
            )
            .bind(id)
            .bind(self.site_id)
            .bind(&reference)
            .bind(actor.id)
            .bind(report.facility_id)
            .bind(&concern_types)
            .bind(&harm_by)
            .bind(details.what_happened())
            .bind(details.immediate_actions())
            .bind(now)
            .bind(actor.id)
            .execute(&mut *tx)
            .await
            .map_err(|e| crate::places::missing_as(e, "facility"))?;
            tx.append_change(SEALED_ENTITY, id, 1, self.site_id, actor, now).await?;
            for person in &children {
                let child = Id::new();
                sqlx::query(
                    "INSERT INTO safeguarding_child (id, site_id, report_id, person_id, created_at,
                         created_by, updated_at, updated_by, version)
                     VALUES ($1, $2, $3, $4, $5, $6, $5, $6, 1)",
                )
                .bind(child)
                .bind(self.site_id)
                .bind(id)
                .bind(person)
                .bind(now)
                .bind(actor.id)
                .execute(&mut *tx)
                .await?;
                tx.append_change("safeguarding_child", child, 1, self.site_id, actor, now).await?;
            }
            for described in details.described() {
                let child = Id::new();
                sqlx::query(
                    "INSERT INTO safeguarding_child (id, site_id, report_id, name_as_known, sex,
                         approximate_age, created_at, created_by, updated_at, updated_by, version)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $7, $8, 1)",
                )
                .bind(child)
                .bind(self.site_id)
                .bind(id)
                .bind(described.name())
                .bind(described.sex().code())
                .bind(described.approximate_age().map(i32::from))
                .bind(now)
                .bind(actor.id)
                .execute(&mut *tx)
                .await?;
                tx.append_change("safeguarding_child", child, 1, self.site_id, actor, now).await?;
            }
            let mut attachment_id = None;
            if let (Some(file), Some(key)) = (&report.attachment, key) {
                let attachment = Id::new();
                insert_attachment!(tx, self, actor, now, id, attachment, key, file);
                attachment_id = Some(attachment);
            }
            for user in &recipients {
                sqlx::query(
                    "INSERT INTO safeguarding_notification (id, site_id, report_id, user_id,
                         created_at, created_by, updated_at, updated_by, version)
                     VALUES ($1, $2, $3, $4, $5, $6, $5, $6, 1)",
                )
                .bind(Id::new())
                .bind(self.site_id)
                .bind(id)
                .bind(user)
                .bind(now)
                .bind(actor.id)
                .execute(&mut *tx)
                .await?;
            }
            // Codes and ids only: the children's ids, never their names or the text.
            let mut detail = format!(
                "types={} children={} described={} notified={}",
                concern_types.replace(' ', ","),
                children.iter().map(Id::to_string).collect::<Vec<_>>().join(","),
                details.described().len(),
                recipients.len()
            );
            if let Some(attachment) = attachment_id {
                detail.push_str(&format!(" attachment={attachment}"));
            }
            let event = NewAuditEvent::new("safeguarding_report_file", SEALED_ENTITY, id).with_detail(detail);
            tx.append_audit(actor, &event, now).await?;
        });
        self.safeguarding_report(id).await
    }

    /// The users who hold the focal point's role (not revoked, account enabled)
    /// whose scope reaches `facility`: the programme's team and the national focal
    /// points. A report that names no facility reaches the national ones only.
    pub async fn safeguarding_recipients(&self, facility: Option<Id>) -> Result<Vec<Id>> {
        let rows: Vec<(Id, String, String)> = on_pool!(&self.pool, pool => {
            sqlx::query_as(
                "SELECT ra.user_id, ra.scope_kind, ra.scope_id FROM role_assignment ra
                 JOIN user_account u ON u.id = ra.user_id
                 WHERE ra.role = $1 AND ra.revoked_at IS NULL AND u.disabled_at IS NULL
                 ORDER BY ra.user_id",
            )
            .bind(haven_domain::Role::SafeguardingFocalPoint.code())
            .fetch_all(pool)
            .await?
        });
        let mut users = Vec::new();
        for (user, kind, place) in rows {
            let Ok(scope) = Scope::from_parts(&kind, &place) else {
                continue;
            };
            if !users.contains(&user) && self.reach_of(&[scope]).await?.holds(facility) {
                users.push(user);
            }
        }
        Ok(users)
    }

    /// A report, not audited: callers that show it use [`Store::read_safeguarding_report`].
    pub async fn safeguarding_report(&self, id: Id) -> Result<SafeguardingReport> {
        let sql = format!("{REPORT_SELECT} WHERE r.id = $1");
        on_pool!(&self.pool, pool => {
            sqlx::query_as::<_, SafeguardingReport>(&sql)
                .bind(id)
                .fetch_optional(pool)
                .await?
                .ok_or(StoreError::NotFound { entity: "safeguarding report" })
        })
    }

    /// A report read by a focal point: audited (sealed), and the reader's notification
    /// of it marked read, in one transaction.
    pub async fn read_safeguarding_report(
        &self,
        actor: &Actor,
        id: Id,
        what: &'static str,
    ) -> Result<SafeguardingReport> {
        let report = self.safeguarding_report(id).await?;
        let now = Timestamp::now();
        in_write!(self, tx => {
            sqlx::query(
                "UPDATE safeguarding_notification SET read_at = $1, updated_at = $1, updated_by = $2,
                     version = version + 1
                 WHERE report_id = $3 AND user_id = $2 AND read_at IS NULL",
            )
            .bind(now)
            .bind(actor.id)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            let event = NewAuditEvent::new("safeguarding_report_read", SEALED_ENTITY, id).with_detail(what);
            tx.append_audit(actor, &event, now).await?;
        });
        Ok(report)
    }

    /// Every report, newest first. Callers filter by the reader's reach.
    pub async fn safeguarding_reports(&self) -> Result<Vec<SafeguardingReport>> {
        let sql = format!("{REPORT_SELECT} ORDER BY r.filed_at DESC, r.id DESC");
        on_pool!(&self.pool, pool => {
            Ok(sqlx::query_as::<_, SafeguardingReport>(&sql).fetch_all(pool).await?)
        })
    }

    /// The reports a user filed, newest first: what a reporter may see of them.
    pub async fn safeguarding_reports_filed_by(&self, user: Id) -> Result<Vec<SafeguardingReport>> {
        let sql =
            format!("{REPORT_SELECT} WHERE r.reporter_id = $1 ORDER BY r.filed_at DESC, r.id DESC");
        on_pool!(&self.pool, pool => {
            Ok(sqlx::query_as::<_, SafeguardingReport>(&sql).bind(user).fetch_all(pool).await?)
        })
    }

    /// The children of a report.
    pub async fn safeguarding_children(&self, report: Id) -> Result<Vec<ReportChild>> {
        let sql = format!("{CHILD_SELECT} WHERE c.report_id = $1 ORDER BY c.id");
        on_pool!(&self.pool, pool => {
            Ok(sqlx::query_as::<_, ReportChild>(&sql).bind(report).fetch_all(pool).await?)
        })
    }

    /// The children of every report, for the figures.
    async fn all_safeguarding_children(&self) -> Result<Vec<ReportChild>> {
        let sql = format!("{CHILD_SELECT} ORDER BY c.report_id, c.id");
        on_pool!(&self.pool, pool => {
            Ok(sqlx::query_as::<_, ReportChild>(&sql).fetch_all(pool).await?)
        })
    }

    /// The recorded steps of a report, in the order recorded.
    pub async fn safeguarding_steps(&self, report: Id) -> Result<Vec<ReportStep>> {
        let sql = format!("{STEP_SELECT} WHERE s.report_id = $1 ORDER BY s.recorded_at, s.id");
        on_pool!(&self.pool, pool => {
            Ok(sqlx::query_as::<_, ReportStep>(&sql).bind(report).fetch_all(pool).await?)
        })
    }

    /// Every report's recorded steps as (report, step), for the overdue list.
    pub async fn safeguarding_steps_done(&self) -> Result<Vec<(Id, Step)>> {
        let rows: Vec<(Id, String)> = on_pool!(&self.pool, pool => {
            sqlx::query_as("SELECT report_id, step FROM safeguarding_step ORDER BY report_id")
                .fetch_all(pool)
                .await?
        });
        Ok(rows
            .into_iter()
            .filter_map(|(report, step)| Some((report, Step::parse(&step)?)))
            .collect())
    }

    /// Records a step of the response, naming the report's version read. The order
    /// is checked again inside the transaction, so two focal points recording at once
    /// cannot both succeed.
    pub async fn record_safeguarding_step(
        &self,
        actor: &Actor,
        report: Id,
        version: i64,
        details: &StepDetails,
    ) -> Result<SafeguardingReport, StepRefused> {
        self.record_safeguarding_step_at(actor, report, version, details, Timestamp::now())
            .await
    }

    pub(crate) async fn record_safeguarding_step_at(
        &self,
        actor: &Actor,
        report: Id,
        version: i64,
        details: &StepDetails,
        now: Timestamp,
    ) -> Result<SafeguardingReport, StepRefused> {
        let step = details.step();
        let (referral, authority, authority_reference) = match details.referral() {
            Some(Referral::Referred {
                authority,
                reference,
            }) => ("referred", authority.as_str(), reference.as_str()),
            Some(Referral::NotReferred) => ("not_referred", "", ""),
            None => ("", "", ""),
        };
        let outcome = details.outcome().map(|o| o.code()).unwrap_or("");
        let step_id = Id::new();
        in_write!(self, tx => {
            let current: Option<i64> =
                sqlx::query_scalar("SELECT version FROM safeguarding_report WHERE id = $1")
                    .bind(report)
                    .fetch_optional(&mut *tx)
                    .await?;
            let Some(current) = current else {
                return Err(StoreError::NotFound { entity: "safeguarding report" }.into());
            };
            let done: Vec<String> =
                sqlx::query_scalar("SELECT step FROM safeguarding_step WHERE report_id = $1")
                    .bind(report)
                    .fetch_all(&mut *tx)
                    .await?;
            let done: Vec<Step> = done.iter().filter_map(|s| Step::parse(s)).collect();
            WorkflowError::check(&done, step).map_err(StepRefused::Workflow)?;
            if current != version {
                return Err(StoreError::Conflict { entity: "safeguarding report" }.into());
            }
            sqlx::query(
                "INSERT INTO safeguarding_step (id, site_id, report_id, step, note, referral,
                     authority, authority_reference, outcome, recorded_at, recorded_by,
                     created_at, created_by, updated_at, updated_by, version)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $10, $11, $10, $11, 1)",
            )
            .bind(step_id)
            .bind(self.site_id)
            .bind(report)
            .bind(step.code())
            .bind(details.note())
            .bind(referral)
            .bind(authority)
            .bind(authority_reference)
            .bind(outcome)
            .bind(now)
            .bind(actor.id)
            .execute(&mut *tx)
            .await
            .map_err(|e| StoreError::unique_as(e, "step"))?;
            tx.append_change("safeguarding_step", step_id, 1, self.site_id, actor, now).await?;
            let changed = sqlx::query(
                "UPDATE safeguarding_report SET
                     acknowledged_at = CASE WHEN $1 = 'acknowledged' THEN $2 ELSE acknowledged_at END,
                     closed_at = CASE WHEN $1 = 'closed' THEN $2 ELSE closed_at END,
                     outcome = CASE WHEN $1 = 'closed' THEN $3 ELSE outcome END,
                     updated_at = $2, updated_by = $4, version = version + 1
                 WHERE id = $5 AND version = $6",
            )
            .bind(step.code())
            .bind(now)
            .bind(outcome)
            .bind(actor.id)
            .bind(report)
            .bind(version)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if changed == 0 {
                return Err(StoreError::Conflict { entity: "safeguarding report" }.into());
            }
            tx.append_change(SEALED_ENTITY, report, version + 1, self.site_id, actor, now).await?;
            // Whoever records a step has seen the report.
            sqlx::query(
                "UPDATE safeguarding_notification SET read_at = $1, updated_at = $1, updated_by = $2,
                     version = version + 1
                 WHERE report_id = $3 AND user_id = $2 AND read_at IS NULL",
            )
            .bind(now)
            .bind(actor.id)
            .bind(report)
            .execute(&mut *tx)
            .await?;
            let mut detail = format!("step={} step_id={step_id}", step.code());
            if !referral.is_empty() {
                detail.push_str(&format!(" referral={referral}"));
            }
            if !outcome.is_empty() {
                detail.push_str(&format!(" outcome={outcome}"));
            }
            let event = NewAuditEvent::new("safeguarding_step_record", SEALED_ENTITY, report).with_detail(detail);
            tx.append_audit(actor, &event, now).await?;
        });
        Ok(self.safeguarding_report(report).await?)
    }

    /// Attaches a file to a report, sealed with `key`.
    pub async fn add_safeguarding_attachment(
        &self,
        actor: &Actor,
        report: Id,
        key: &AttachmentKey,
        file: &NewAttachment,
    ) -> Result<Id> {
        self.safeguarding_report(report).await?;
        let now = Timestamp::now();
        let attachment = Id::new();
        in_write!(self, tx => {
            insert_attachment!(tx, self, actor, now, report, attachment, key, file);
            let event = NewAuditEvent::new("safeguarding_attachment_add", SEALED_ENTITY, report)
                .with_detail(format!("attachment={attachment} type={}", file.kind.code()));
            tx.append_audit(actor, &event, now).await?;
        });
        Ok(attachment)
    }

    /// The attachments of a report, oldest first.
    pub async fn safeguarding_attachments(&self, report: Id) -> Result<Vec<ReportAttachment>> {
        on_pool!(&self.pool, pool => {
            Ok(sqlx::query_as::<_, ReportAttachment>(
                "SELECT a.id, a.report_id, a.media_type, a.size_bytes, a.created_at,
                     u.username AS created_by_username
                 FROM safeguarding_attachment a JOIN user_account u ON u.id = a.created_by
                 WHERE a.report_id = $1 ORDER BY a.created_at, a.id",
            )
            .bind(report)
            .fetch_all(pool)
            .await?)
        })
    }

    /// An attachment's bytes, opened with `key`; the download is audited (sealed).
    /// `Unsupported` when the key is not the one that sealed it or the bytes were
    /// changed.
    pub async fn download_safeguarding_attachment(
        &self,
        actor: &Actor,
        report: Id,
        attachment: Id,
        key: &AttachmentKey,
    ) -> Result<(AttachmentType, Vec<u8>)> {
        let row: Option<(String, String, Vec<u8>, Vec<u8>)> = on_pool!(&self.pool, pool => {
            sqlx::query_as(
                "SELECT media_type, key_id, nonce, ciphertext FROM safeguarding_attachment
                 WHERE id = $1 AND report_id = $2",
            )
            .bind(attachment)
            .bind(report)
            .fetch_optional(pool)
            .await?
        });
        let Some((media_type, key_id, nonce, ciphertext)) = row else {
            return Err(StoreError::NotFound {
                entity: "attachment",
            });
        };
        if key_id != key.key_id() {
            return Err(StoreError::Unsupported(
                "this attachment was sealed with another key than the one in the settings",
            ));
        }
        let bytes = key
            .open(attachment.to_string().as_bytes(), &nonce, &ciphertext)
            .ok_or(StoreError::Unsupported(
                "this attachment does not open: it was damaged",
            ))?;
        let kind = AttachmentType::parse(&media_type).ok_or(StoreError::Unsupported(
            "this attachment has an unknown type",
        ))?;
        self.audit(
            actor,
            NewAuditEvent::new("safeguarding_attachment_download", SEALED_ENTITY, report)
                .with_detail(format!("attachment={attachment}")),
        )
        .await?;
        Ok((kind, bytes))
    }

    /// A user's unread notifications of new reports, newest first.
    pub async fn safeguarding_notifications(&self, user: Id) -> Result<Vec<ReportNotification>> {
        on_pool!(&self.pool, pool => {
            Ok(sqlx::query_as::<_, ReportNotification>(
                "SELECT r.id AS report_id, r.reference, r.filed_at, r.facility_id
                 FROM safeguarding_notification n JOIN safeguarding_report r ON r.id = n.report_id
                 WHERE n.user_id = $1 AND n.read_at IS NULL
                 ORDER BY r.filed_at DESC, r.id DESC",
            )
            .bind(user)
            .fetch_all(pool)
            .await?)
        })
    }

    /// The audit trail of one report, newest first (for the national focal point).
    pub async fn safeguarding_audit_trail(&self, report: Id) -> Result<Vec<AuditEvent>> {
        self.list_audit_events(&AuditFilter {
            entity: Some(SEALED_ENTITY.to_owned()),
            entity_id: Some(report.to_string()),
            include_sealed: true,
            limit: 500,
            ..AuditFilter::default()
        })
        .await
    }

    /// Every report as the yearly figures need it (no names, no text), with its
    /// facility so that callers can keep to the reader's reach.
    pub async fn safeguarding_report_facts(&self) -> Result<Vec<(Option<Id>, ReportFacts)>> {
        let reports = self.safeguarding_reports().await?;
        let children = self.all_safeguarding_children().await?;
        Ok(reports
            .into_iter()
            .map(|report| {
                let filed = report.filed_at.datetime();
                let facts = ReportFacts {
                    filed_at: filed,
                    acknowledged_at: report.acknowledged_at.map(|t| t.datetime()),
                    closed_at: report.closed_at.map(|t| t.datetime()),
                    concern_types: report.concern_types(),
                    harm_by: report.harm_by(),
                    outcome: report.outcome(),
                    children: children
                        .iter()
                        .filter(|c| c.report_id == report.id)
                        .map(|c| ChildFacts {
                            sex: c.sex(),
                            age: c.age_on(filed.date()),
                        })
                        .collect(),
                };
                (report.facility_id, facts)
            })
            .collect())
    }
}

/// Codes joined by spaces, as one column holds them.
fn codes<'a>(codes: impl Iterator<Item = &'a str>) -> String {
    codes.collect::<Vec<_>>().join(" ")
}
