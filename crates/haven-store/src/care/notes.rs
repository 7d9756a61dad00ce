//! Daily care notes and psychosocial notes (a sensitive class: the caller says which
//! kinds the reader may see, and the others are never read), and case management
//! steps with their history.

use haven_domain::care::{CareCaseState, CareNoteKind, NoteDetails};
use time::Date;

use super::{insert_row, marks, text, update_row, CareResult, CareWriteError, PlanSubject, V};
use crate::db::{on_pool, BeginWrite};
use crate::ledger::{Actor, Ledger, NewAuditEvent};
use crate::{Id, Result, Store, StoreError, Timestamp};

/// A note about a child.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct CareNote {
    pub id: Id,
    pub child_id: Id,
    pub kind: String,
    pub written_on: Date,
    pub body: String,
    pub created_by: Id,
    pub author: Option<String>,
    pub version: i64,
}

/// One step of a case.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct CaseEvent {
    pub id: Id,
    pub from_state: String,
    pub to_state: String,
    pub note: String,
    pub created_at: Timestamp,
    pub created_by: Id,
    pub author: Option<String>,
}

impl Store {
    pub async fn add_care_note(
        &self,
        actor: &Actor,
        child_id: Id,
        details: &NoteDetails,
    ) -> Result<CareNote> {
        let child = self.care_child(child_id).await?;
        let id = Id::new();
        let now = Timestamp::now();
        on_pool!(&self.pool, pool => {
            let mut tx = pool.begin_write().await?;
            insert_row!(tx, self, "care_note", id, actor, now, &[
                ("child_id", V::Id(child_id)),
                ("kind", text(details.kind().code())),
                ("written_on", V::Date(details.written_on())),
                ("body", text(details.body())),
            ])?;
            tx.append_change("care_note", id, 1, self.site_id, actor, now).await?;
            tx.append_audit(actor, &NewAuditEvent::new("care_note_add", "person", child.person_id).with_detail(format!("{id} {}", details.kind().code())), now).await?;
            tx.commit().await?;
        });
        self.care_note(id, &[details.kind()]).await
    }

    /// A note, if it is of a kind the reader may see and not entered in error.
    pub async fn care_note(&self, id: Id, kinds: &[CareNoteKind]) -> Result<CareNote> {
        self.notes_where("n.id = $1", id, kinds)
            .await?
            .into_iter()
            .next()
            .ok_or(StoreError::NotFound { entity: "note" })
    }

    /// A child's notes of the kinds given (the kinds the reader may see), newest first.
    pub async fn care_notes_of(
        &self,
        child_id: Id,
        kinds: &[CareNoteKind],
    ) -> Result<Vec<CareNote>> {
        self.notes_where("n.child_id = $1", child_id, kinds).await
    }

    async fn notes_where(
        &self,
        condition: &str,
        id: Id,
        kinds: &[CareNoteKind],
    ) -> Result<Vec<CareNote>> {
        if kinds.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT n.id, n.child_id, n.kind, n.written_on, n.body, n.created_by, u.display_name AS author, n.version
             FROM care_note n LEFT JOIN user_account u ON u.id = n.created_by
             WHERE {condition} AND n.entered_in_error_at IS NULL AND n.kind IN ({})
             ORDER BY n.written_on DESC, n.created_at DESC, n.id DESC LIMIT 200",
            marks(kinds.len(), 2)
        );
        on_pool!(&self.pool, pool => {
            let mut query = sqlx::query_as::<_, CareNote>(&sql).bind(id);
            for kind in kinds {
                query = query.bind(kind.code());
            }
            Ok(query.fetch_all(pool).await?)
        })
    }

    /// Marks a note entered in error with who and why, naming the version read.
    pub async fn mark_note_in_error(
        &self,
        actor: &Actor,
        id: Id,
        version: i64,
        reason: &str,
    ) -> Result<()> {
        let now = Timestamp::now();
        on_pool!(&self.pool, pool => {
            let mut tx = pool.begin_write().await?;
            let child: Option<Id> = sqlx::query_scalar(
                "UPDATE care_note SET entered_in_error_at = $1, entered_in_error_by = $2,
                     entered_in_error_reason = $3, updated_at = $1, updated_by = $2, version = version + 1
                 WHERE id = $4 AND version = $5 AND entered_in_error_at IS NULL RETURNING child_id",
            )
            .bind(now).bind(actor.id).bind(reason).bind(id).bind(version)
            .fetch_optional(&mut *tx).await?;
            let Some(child) = child else {
                tx.rollback().await?;
                return Err(StoreError::Conflict { entity: "note" });
            };
            tx.append_change("care_note", id, version + 1, self.site_id, actor, now).await?;
            tx.append_audit(actor, &NewAuditEvent::new("care_note_error", "care_child", child).with_detail(id.to_string()), now).await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// Moves a child's or a household's case to its next step, naming the version
    /// read; a step the state machine does not allow is refused.
    pub async fn move_case(
        &self,
        actor: &Actor,
        subject: PlanSubject,
        version: i64,
        to: CareCaseState,
        note: &str,
    ) -> CareResult<()> {
        let (table, kind, from) = match subject {
            PlanSubject::Child(id) => (
                "care_child",
                "child",
                self.care_child(id).await?.case_state(),
            ),
            PlanSubject::Household(id) => (
                "care_household",
                "household",
                self.household(id).await?.case_state(),
            ),
        };
        let id = match subject {
            PlanSubject::Child(id) | PlanSubject::Household(id) => id,
        };
        let to = from
            .transition(to)
            .map_err(|e| CareWriteError::Refused("to", e))?;
        let now = Timestamp::now();
        on_pool!(&self.pool, pool => {
            let mut tx = pool.begin_write().await?;
            let changed = update_row!(tx, table, id, version, actor, now, &[("case_state", text(to.code()))])?;
            if changed == 0 {
                tx.rollback().await?;
                return Err(self.why_not_changed(table, id).await.into());
            }
            tx.append_change(table, id, version + 1, self.site_id, actor, now).await?;
            let event = Id::new();
            insert_row!(tx, self, "care_case_event", event, actor, now, &[
                ("subject_id", V::Id(id)),
                ("subject_kind", text(kind)),
                ("from_state", text(from.code())),
                ("to_state", text(to.code())),
                ("note", text(note)),
            ])?;
            tx.append_change("care_case_event", event, 1, self.site_id, actor, now).await?;
            tx.append_audit(actor, &NewAuditEvent::new("care_case_move", table, id).with_detail(format!("{} {}", from.code(), to.code())), now).await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// A case's history, oldest first.
    pub async fn case_events(&self, subject_id: Id) -> Result<Vec<CaseEvent>> {
        on_pool!(&self.pool, pool => {
            Ok(sqlx::query_as::<_, CaseEvent>(
                "SELECT e.id, e.from_state, e.to_state, e.note, e.created_at, e.created_by, u.display_name AS author
                 FROM care_case_event e LEFT JOIN user_account u ON u.id = e.created_by
                 WHERE e.subject_id = $1 ORDER BY e.created_at, e.id",
            )
            .bind(subject_id).fetch_all(pool).await?)
        })
    }
}
