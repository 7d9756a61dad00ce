//! Child safeguarding, for the focal points: the reports in their reach, one report
//! with its children, steps and attachments, the next step of the response, sealed
//! attachments, a report's audit trail (national focal points), the yearly figures.
//!
//! Safeguarding cases are a sealed class (`Kind::SafeguardingCase`): a report out of
//! the caller's read reach does not exist for them (not found); in read reach but out
//! of write reach a change is refused as beyond their places. Every read and change
//! is audited with sealed events.

use haven_domain::safeguarding::{ReportFacts, Step, StepDetails, WorkflowError};
use haven_domain::{Action, Kind};
use haven_store::safeguarding::{
    AttachmentKey, NewAttachment, NewReport, ReportAttachment, ReportChild, ReportNotification,
    ReportStep, SafeguardingReport, StepRefused, SEALED_ENTITY,
};
use haven_store::{
    AuditEvent, Facility, Id, NewAuditEvent, PeopleQuery, Person, Reach, StoreError,
};

use crate::access::reach;
use crate::{App, AppError, Caller, Result};

const REPORT: &str = "report";

/// Which of the reports in reach a list shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CaseShelf {
    Open,
    Closed,
    All,
}

impl CaseShelf {
    pub fn code(self) -> &'static str {
        match self {
            CaseShelf::Open => "open",
            CaseShelf::Closed => "closed",
            CaseShelf::All => "all",
        }
    }

    pub fn holds(self, report: &SafeguardingReport) -> bool {
        match self {
            CaseShelf::Open => report.closed_at.is_none(),
            CaseShelf::Closed => report.closed_at.is_some(),
            CaseShelf::All => true,
        }
    }
}

/// The reports in the caller's reach, with what the lists show of them.
#[derive(Clone, Debug)]
pub struct CaseList {
    /// Every report in reach, open and closed, in the store's order (newest first).
    pub reports: Vec<SafeguardingReport>,
    /// The steps recorded, by report.
    pub done: Vec<(Id, Step)>,
    /// The caller's unread notifications of new reports.
    pub unread: Vec<ReportNotification>,
    /// Every facility (for the names of where it happened).
    pub facilities: Vec<Facility>,
}

impl CaseList {
    /// The steps recorded for one report.
    pub fn done_of(&self, report: Id) -> Vec<Step> {
        self.done
            .iter()
            .filter(|(r, _)| *r == report)
            .map(|(_, s)| *s)
            .collect()
    }
}

/// One report, whole.
#[derive(Clone, Debug)]
pub struct CaseView {
    pub report: SafeguardingReport,
    pub children: Vec<ReportChild>,
    pub steps: Vec<ReportStep>,
    pub attachments: Vec<ReportAttachment>,
    pub facilities: Vec<Facility>,
    /// The caller may record steps and attach files to this report.
    pub can_write: bool,
    /// The caller is a national focal point (they read the report's audit trail).
    pub national: bool,
}

/// A step recorded, or refused by the response's order.
#[derive(Debug)]
pub enum StepRecorded {
    /// The report as it is now, and the steps it has.
    Recorded(Box<SafeguardingReport>, Vec<ReportStep>),
    /// Out of order, already recorded, or the report is closed.
    Refused(WorkflowError),
}

/// A report's audit trail, for a national focal point.
#[derive(Clone, Debug)]
pub struct CaseTrail {
    pub report: SafeguardingReport,
    pub events: Vec<AuditEvent>,
}

/// The most registry children one report names.
pub const MAX_REGISTRY_CHILDREN: usize = 20;

impl App {
    /// Refuses a caller who may not report a concern (every role may).
    pub fn may_report_concern(&self, caller: &Caller) -> Result<()> {
        caller.require(Action::Write, Kind::SafeguardingConcern)
    }

    /// The registry children among `ids` that the reporter may name: people in their
    /// read reach, neither entered in error nor merged, at most
    /// [`MAX_REGISTRY_CHILDREN`]. Others do not exist for the reporter; a reporter
    /// who reads no people names none.
    pub async fn children_for_report(&self, caller: &Caller, ids: &[Id]) -> Result<Vec<Person>> {
        self.may_report_concern(caller)?;
        if !caller.can(Action::Read, Kind::Person) {
            return Ok(Vec::new());
        }
        let mut ids = ids.to_vec();
        ids.sort();
        ids.dedup();
        ids.truncate(MAX_REGISTRY_CHILDREN);
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let reach = reach(self.store(), caller, Action::Read, Kind::Person).await?;
        Ok(self
            .store()
            .people(&ids)
            .await?
            .into_iter()
            .filter(|p| {
                reach.holds(p.registered_facility_id)
                    && p.entered_in_error_at.is_none()
                    && p.merged_into.is_none()
            })
            .collect())
    }

    /// Up to ten registry children matching `text` in the reporter's read reach (none
    /// for a reporter who reads no people), for the report form's search.
    pub async fn find_children_for_report(
        &self,
        caller: &Caller,
        text: &str,
        today: time::Date,
    ) -> Result<Vec<Person>> {
        self.may_report_concern(caller)?;
        if !caller.can(Action::Read, Kind::Person) || text.trim().is_empty() {
            return Ok(Vec::new());
        }
        let reach = reach(self.store(), caller, Action::Read, Kind::Person).await?;
        let ids = self
            .store()
            .search_people(&PeopleQuery {
                text: text.chars().take(200).collect(),
                facility: None,
                category: None,
                sex: None,
                age_band: None,
                today,
                reach,
                limit: 10,
                offset: 0,
            })
            .await?;
        self.children_for_report(caller, &ids).await
    }

    /// Files a concern. Every registry child must be one the reporter may name (see
    /// [`App::children_for_report`]); refused at the field `children`
    /// (`safeguarding-error-child-required`) otherwise, and at `facility`
    /// (`safeguarding-error-facility`) for a facility that does not exist.
    pub async fn file_safeguarding_concern(
        &self,
        caller: &Caller,
        new: &NewReport,
        key: Option<&AttachmentKey>,
    ) -> Result<SafeguardingReport> {
        self.may_report_concern(caller)?;
        let named = self
            .children_for_report(caller, &new.registry_children)
            .await?;
        let child_required = || AppError::field("children", "safeguarding-error-child-required");
        if new
            .registry_children
            .iter()
            .any(|id| !named.iter().any(|p| p.id == *id))
        {
            return Err(child_required());
        }
        match self
            .store()
            .file_safeguarding_report(&caller.actor(), new, key)
            .await
        {
            Ok(report) => Ok(report),
            Err(StoreError::NotFound { entity: "facility" }) => {
                Err(AppError::field("facility", "safeguarding-error-facility"))
            }
            // A chosen child left the registry meanwhile (entered in error).
            Err(StoreError::NotFound { .. }) => Err(child_required()),
            Err(other) => Err(other.into()),
        }
    }

    /// The reports the caller filed, with their status and nothing more; the read is
    /// audited (sealed).
    pub async fn own_safeguarding_reports(
        &self,
        caller: &Caller,
    ) -> Result<Vec<SafeguardingReport>> {
        self.may_report_concern(caller)?;
        let store = self.store();
        let reports = store
            .safeguarding_reports_filed_by(caller.user().id)
            .await?;
        store
            .audit(
                &caller.actor(),
                NewAuditEvent::new("safeguarding_own_reports_read", SEALED_ENTITY, "")
                    .with_detail(format!("rows={}", reports.len())),
            )
            .await?;
        Ok(reports)
    }

    /// Refuses a caller whose roles do not read safeguarding cases.
    pub fn may_read_cases(&self, caller: &Caller) -> Result<()> {
        caller.require(Action::Read, Kind::SafeguardingCase)
    }

    /// Refuses a caller whose roles do not record the response to a report, before
    /// their form is read.
    pub fn may_write_cases(&self, caller: &Caller) -> Result<()> {
        caller.require(Action::Write, Kind::SafeguardingCase)
    }

    /// True for a national focal point: the safeguarding permission over a whole
    /// country or everything. Only they read a report's audit trail and the sealed
    /// events of the audit trail.
    pub fn is_national_focal_point(&self, caller: &Caller) -> bool {
        caller.is_national_focal_point()
    }

    /// How far the caller's roles that may do `action` on safeguarding cases reach
    /// (nothing, when none may).
    pub async fn case_reach(&self, caller: &Caller, action: Action) -> Result<Reach> {
        if !caller.can(action, Kind::SafeguardingCase) {
            return Ok(Reach::Facilities {
                ids: Vec::new(),
                include_unplaced: false,
            });
        }
        reach(self.store(), caller, action, Kind::SafeguardingCase).await
    }

    /// The reports in the caller's reach; the list of those on `shelf` is audited
    /// (sealed) with its number of rows.
    pub async fn list_safeguarding_cases(
        &self,
        caller: &Caller,
        shelf: CaseShelf,
    ) -> Result<CaseList> {
        self.may_read_cases(caller)?;
        let store = self.store();
        let reach = self.case_reach(caller, Action::Read).await?;
        let reports: Vec<SafeguardingReport> = store
            .safeguarding_reports()
            .await?
            .into_iter()
            .filter(|r| reach.holds(r.facility_id))
            .collect();
        let rows = reports.iter().filter(|r| shelf.holds(r)).count();
        let list = CaseList {
            done: store.safeguarding_steps_done().await?,
            unread: store.safeguarding_notifications(caller.user().id).await?,
            facilities: store.facilities().await?,
            reports,
        };
        store
            .audit(
                &caller.actor(),
                NewAuditEvent::new("safeguarding_report_list", SEALED_ENTITY, "")
                    .with_detail(format!("rows={rows} state={}", shelf.code())),
            )
            .await?;
        Ok(list)
    }

    /// For the home page: the open reports in reach, the steps recorded and the
    /// caller's unread notifications of reports in reach; `None` for a caller who
    /// does not read cases (who must not learn even that there is something to
    /// count). Not audited: it shows counts only.
    pub async fn safeguarding_summary(&self, caller: &Caller) -> Result<Option<CaseList>> {
        if self.may_read_cases(caller).is_err() {
            return Ok(None);
        }
        let store = self.store();
        let reach = self.case_reach(caller, Action::Read).await?;
        let reports: Vec<SafeguardingReport> = store
            .safeguarding_reports()
            .await?
            .into_iter()
            .filter(|r| reach.holds(r.facility_id))
            .collect();
        let unread = store
            .safeguarding_notifications(caller.user().id)
            .await?
            .into_iter()
            .filter(|n| reports.iter().any(|r| r.id == n.report_id))
            .collect();
        Ok(Some(CaseList {
            done: store.safeguarding_steps_done().await?,
            unread,
            facilities: Vec::new(),
            reports,
        }))
    }

    /// One report in the caller's read reach, whole; the read is audited (sealed)
    /// with `via` (`case`, `api`) and marks the caller's notification of it read.
    pub async fn read_safeguarding_case(
        &self,
        caller: &Caller,
        id: Id,
        via: &'static str,
    ) -> Result<CaseView> {
        self.case_to_read(caller, id).await?;
        let report = self
            .store()
            .read_safeguarding_report(&caller.actor(), id, via)
            .await?;
        self.case_view(caller, report).await
    }

    /// One report as it is now, for a form sent back; not audited again (the page it
    /// comes back to was read).
    pub async fn safeguarding_case_again(&self, caller: &Caller, id: Id) -> Result<CaseView> {
        let report = self.case_to_read(caller, id).await?;
        self.case_view(caller, report).await
    }

    /// Records the next step of a report in the caller's write reach, naming the
    /// version read. The response's order is checked again in the store's
    /// transaction.
    pub async fn record_safeguarding_step(
        &self,
        caller: &Caller,
        id: Id,
        version: i64,
        details: &StepDetails,
    ) -> Result<StepRecorded> {
        self.case_to_write(caller, id).await?;
        match self
            .store()
            .record_safeguarding_step(&caller.actor(), id, version, details)
            .await
        {
            Ok(report) => {
                let steps = self.store().safeguarding_steps(id).await?;
                Ok(StepRecorded::Recorded(Box::new(report), steps))
            }
            Err(StepRefused::Workflow(error)) => Ok(StepRecorded::Refused(error)),
            Err(StepRefused::Store(error)) => Err(error.into()),
        }
    }

    /// Attaches a checked file to a report in the caller's write reach, sealed with
    /// the site's key.
    pub async fn attach_to_safeguarding_case(
        &self,
        caller: &Caller,
        id: Id,
        key: &AttachmentKey,
        file: &NewAttachment,
    ) -> Result<Id> {
        self.case_to_write(caller, id).await?;
        Ok(self
            .store()
            .add_safeguarding_attachment(&caller.actor(), id, key, file)
            .await?)
    }

    /// Refuses a caller who may not attach to the report (before a file is read).
    pub async fn may_attach_to_safeguarding_case(
        &self,
        caller: &Caller,
        id: Id,
    ) -> Result<SafeguardingReport> {
        self.case_to_write(caller, id).await
    }

    /// An attachment of a report in the caller's read reach, opened with the site's
    /// key; the download is audited (sealed).
    pub async fn download_safeguarding_attachment(
        &self,
        caller: &Caller,
        id: Id,
        attachment: Id,
        key: &AttachmentKey,
    ) -> Result<(
        SafeguardingReport,
        haven_domain::safeguarding::AttachmentType,
        Vec<u8>,
    )> {
        let report = self.case_to_read(caller, id).await?;
        let (kind, bytes) = self
            .store()
            .download_safeguarding_attachment(&caller.actor(), id, attachment, key)
            .await?;
        Ok((report, kind, bytes))
    }

    /// A report's audit trail, for a national focal point whose reach holds it; the
    /// read is audited (sealed).
    pub async fn safeguarding_case_trail(
        &self,
        caller: &Caller,
        id: Option<Id>,
    ) -> Result<CaseTrail> {
        self.may_read_cases(caller)?;
        if !caller.is_national_focal_point() {
            return Err(AppError::Forbidden);
        }
        let id = id.ok_or(AppError::NotFound { entity: REPORT })?;
        let report = self.case_to_read(caller, id).await?;
        let store = self.store();
        store
            .audit(
                &caller.actor(),
                NewAuditEvent::new("safeguarding_audit_read", SEALED_ENTITY, report.id),
            )
            .await?;
        Ok(CaseTrail {
            events: store.safeguarding_audit_trail(report.id).await?,
            report,
        })
    }

    /// The facts of the reports in the caller's reach, for the yearly figures of
    /// `year`; the read is audited (sealed).
    pub async fn safeguarding_statistics(
        &self,
        caller: &Caller,
        year: i32,
    ) -> Result<Vec<ReportFacts>> {
        self.may_read_cases(caller)?;
        let store = self.store();
        let reach = self.case_reach(caller, Action::Read).await?;
        let facts = store
            .safeguarding_report_facts()
            .await?
            .into_iter()
            .filter(|(facility, _)| reach.holds(*facility))
            .map(|(_, fact)| fact)
            .collect();
        store
            .audit(
                &caller.actor(),
                NewAuditEvent::new("safeguarding_statistics_read", SEALED_ENTITY, "")
                    .with_detail(format!("year={year}")),
            )
            .await?;
        Ok(facts)
    }

    /// A report in the caller's read reach, or not found (an unreadable report does
    /// not exist for them).
    async fn case_to_read(&self, caller: &Caller, id: Id) -> Result<SafeguardingReport> {
        self.may_read_cases(caller)?;
        let report = match self.store().safeguarding_report(id).await {
            Ok(report) => report,
            Err(StoreError::NotFound { .. }) => return Err(AppError::NotFound { entity: REPORT }),
            Err(other) => return Err(other.into()),
        };
        if !self
            .case_reach(caller, Action::Read)
            .await?
            .holds(report.facility_id)
        {
            return Err(AppError::NotFound { entity: REPORT });
        }
        Ok(report)
    }

    /// A report the caller may change: Write SafeguardingCase, in read reach (else not
    /// found) and in write reach (else beyond their places).
    async fn case_to_write(&self, caller: &Caller, id: Id) -> Result<SafeguardingReport> {
        self.may_write_cases(caller)?;
        let report = self.case_to_read(caller, id).await?;
        if !self
            .case_reach(caller, Action::Write)
            .await?
            .holds(report.facility_id)
        {
            return Err(AppError::ScopeBeyondYours);
        }
        Ok(report)
    }

    async fn case_view(&self, caller: &Caller, report: SafeguardingReport) -> Result<CaseView> {
        let store = self.store();
        let can_write = caller.can(Action::Write, Kind::SafeguardingCase)
            && self
                .case_reach(caller, Action::Write)
                .await?
                .holds(report.facility_id);
        Ok(CaseView {
            children: store.safeguarding_children(report.id).await?,
            steps: store.safeguarding_steps(report.id).await?,
            attachments: store.safeguarding_attachments(report.id).await?,
            facilities: store.facilities().await?,
            can_write,
            national: caller.is_national_focal_point(),
            report,
        })
    }
}
