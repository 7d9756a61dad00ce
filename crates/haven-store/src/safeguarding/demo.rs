//! Demo reports for the focal point's screens: one waiting for its acknowledgement
//! (overdue), one under way with its investigation overdue, one closed. They are
//! about children described by the reporter, not about any child of the registry,
//! so the browser test's children have none.

use haven_domain::safeguarding::{
    ChildInput, ConcernDetails, ConcernInput, StepDetails, StepInput,
};

use super::NewReport;
use crate::{Actor, Result, Store, StoreError, Timestamp};

/// A step of a demo report: its code, its note, and for the referral and closure
/// their decision.
struct DemoStep {
    step: &'static str,
    note: &'static str,
    referral: &'static str,
    authority: &'static str,
    reference: &'static str,
    outcome: &'static str,
    days_after: i64,
}

const fn step(step: &'static str, note: &'static str, days_after: i64) -> DemoStep {
    DemoStep {
        step,
        note,
        referral: "",
        authority: "",
        reference: "",
        outcome: "",
        days_after,
    }
}

struct DemoReport {
    reporter: &'static str,
    days_ago: i64,
    types: &'static [&'static str],
    harm_by: &'static [&'static str],
    what: &'static str,
    actions: &'static str,
    child: (&'static str, &'static str, &'static str),
    steps: &'static [DemoStep],
}

const REPORTS: &[DemoReport] = &[
    DemoReport {
        reporter: "careworker",
        days_ago: 2,
        types: &["neglect"],
        harm_by: &["caregiver"],
        what: "A girl of about 12 from the community came to the youth centre hungry three days running and said nobody had cooked at home this week.",
        actions: "Gave her a meal at the centre and told the programme director.",
        child: ("Girl at the youth centre (first name Nary)", "female", "12"),
        steps: &[],
    },
    DemoReport {
        reporter: "socialworker",
        days_ago: 40,
        types: &["physical_abuse", "emotional_abuse"],
        harm_by: &["someone_outside"],
        what: "A boy in family strengthening showed bruises on both arms and said a neighbour hits him when his mother is at the market.",
        actions: "Took him to the clinic for the bruises; he stays with his aunt for now.",
        child: ("Boy in family strengthening, about 8", "male", "8"),
        steps: &[
            step("acknowledged", "Received; spoke with the social worker the same day.", 0),
            step("assessed", "Risk high: the neighbour lives next door. Child moved to his aunt.", 2),
            DemoStep {
                referral: "referred",
                authority: "Provincial Department of Social Affairs",
                reference: "DoSVY-2026-031",
                ..step("referred", "Referred by phone and letter; a possible crime.", 2)
            },
            step("supported", "Counselling twice a week at the centre; school informed.", 5),
        ],
    },
    DemoReport {
        reporter: "sosmother",
        days_ago: 120,
        types: &["bullying", "online_abuse"],
        harm_by: &["another_child"],
        what: "Older pupils shared photos of a girl of our family on a chat group and mocked her.",
        actions: "Talked with her; kept her phone safe; told the school.",
        child: ("Girl in our SOS family, about 14", "female", "14"),
        steps: &[
            step("acknowledged", "Received and called the SOS mother.", 0),
            step("assessed", "Bullying by schoolmates; no adult involved.", 1),
            step("investigated", "Met the school director and the pupils' parents.", 10),
            DemoStep {
                referral: "not_referred",
                ..step("referred", "No crime: handled with the school.", 10)
            },
            step("supported", "Sessions with the psychologist; she chose to stay in her class.", 12),
            DemoStep {
                outcome: "substantiated",
                ..step("closed", "The photos were removed; the school keeps watch.", 30)
            },
        ],
    },
];

impl Store {
    /// Adds this part's demo records to a database that holds the demo registry.
    /// Does nothing when the demo accounts are missing or reports already exist.
    pub async fn load_demo_safeguarding(&self) -> Result<()> {
        if !self.safeguarding_reports().await?.is_empty() {
            return Ok(());
        }
        let focal = match self.user_by_username("safeguarding").await {
            Ok(user) => user,
            Err(StoreError::NotFound { .. }) => return Ok(()),
            Err(other) => return Err(other),
        };
        let focal = Actor {
            id: focal.id,
            username: focal.username,
            address: "demo".to_owned(),
        };
        let facility = self
            .facilities()
            .await?
            .into_iter()
            .find(|f| f.closed_at.is_none())
            .map(|f| f.id);
        let now = Timestamp::now();
        for demo in REPORTS {
            let reporter = match self.user_by_username(demo.reporter).await {
                Ok(user) => Actor {
                    id: user.id,
                    username: user.username,
                    address: "demo".to_owned(),
                },
                Err(StoreError::NotFound { .. }) => continue,
                Err(other) => return Err(other),
            };
            let (name, sex, age) = demo.child;
            let details = ConcernDetails::parse(&ConcernInput {
                concern_types: demo.types.to_vec(),
                harm_by: demo.harm_by.to_vec(),
                what_happened: demo.what,
                immediate_actions: demo.actions,
                described: vec![ChildInput { name, sex, age }],
                registry_children: 0,
            })
            .map_err(|_| StoreError::Unsupported("a demo report does not parse"))?;
            let filed = now.plus_seconds(-demo.days_ago * 86_400);
            let report = self
                .file_safeguarding_report_at(
                    &reporter,
                    &NewReport {
                        details,
                        registry_children: Vec::new(),
                        facility_id: facility,
                        attachment: None,
                    },
                    None,
                    filed,
                )
                .await?;
            let mut version = report.version;
            for (hour, demo_step) in demo.steps.iter().enumerate() {
                let details = StepDetails::parse(&StepInput {
                    step: demo_step.step,
                    note: demo_step.note,
                    referral: demo_step.referral,
                    authority: demo_step.authority,
                    reference: demo_step.reference,
                    outcome: demo_step.outcome,
                })
                .map_err(|_| StoreError::Unsupported("a demo step does not parse"))?;
                // Steps of the same day an hour apart, so they keep their order.
                let at =
                    filed.plus_seconds(demo_step.days_after * 86_400 + (hour as i64 + 2) * 3600);
                let updated = self
                    .record_safeguarding_step_at(&focal, report.id, version, &details, at)
                    .await
                    .map_err(|refused| match refused {
                        super::StepRefused::Store(error) => error,
                        super::StepRefused::Workflow(_) => {
                            StoreError::Unsupported("a demo step is out of order")
                        }
                    })?;
                version = updated.version;
            }
        }
        Ok(())
    }
}
