//! The rules of child safeguarding: what a report of a concern holds, the order in
//! which a focal point responds to it, when each step is due, what an attachment may
//! be, and the yearly figures without names (issue 7).
//!
//! Reports are a sensitive class ([`crate::Kind::SafeguardingCase`]): nothing here
//! knows who may see them; the store and the web layer keep them sealed.

mod attachment;
mod report;
mod statistics;
mod workflow;

pub use attachment::{AttachmentError, AttachmentType};
pub use report::{
    ChildInput, ConcernDetails, ConcernInput, ConcernType, DescribedChild, HarmBy, ReportError,
    ReportField, MAX_DESCRIBED_CHILDREN,
};
pub use statistics::{
    ChildFacts, CountRow, Median, ReportFacts, SexCounts, YearlyStatistics, AGE_UNKNOWN,
};
pub use workflow::{
    next_steps, overdue_steps, Deadlines, Outcome, Referral, Step, StepDetails, StepError,
    StepField, StepInput, WorkflowError,
};
